import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryApi } from '../test/memory-api.js';
import { failingClient, withClient } from '../test/story-provider.js';
import './campaign-creator.js';

const meta: Meta = {
  title: 'Elements/Campaign creator',
  component: 'crm-campaign-creator',
  render: (_, { globals }) => withClient(createMemoryApi().client, globals, html`<crm-campaign-creator></crm-campaign-creator>`),
};
export default meta;

type Story = StoryObj;

/** Details, audience (try the "VIPs" segment), message with a preview, schedule, review. */
export const Default: Story = {};

/** With the API unreachable: segments and templates are empty, and saving explains the failure. */
export const Offline: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-campaign-creator></crm-campaign-creator>`) };
