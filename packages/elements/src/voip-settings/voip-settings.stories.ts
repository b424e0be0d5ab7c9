import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryVoip, failingVoipClient, pendingVoipClient } from '../test/memory-voip.js';
import { withClient } from '../test/story-provider.js';
import './voip-settings.js';

const meta: Meta = {
  title: 'Elements/VOIP settings',
  component: 'crm-voip-settings',
  render: (_, { globals }) => withClient(createMemoryVoip().client, globals, html`<crm-voip-settings></crm-voip-settings>`),
};
export default meta;

type Story = StoryObj;

/** A phone saved, its action URLs and the latest calls. */
export const Connected: Story = {};

/** No phone yet: the password is required. */
export const NoPhone: Story = { render: (_, { globals }) => withClient(createMemoryVoip({ empty: true }).client, globals, html`<crm-voip-settings></crm-voip-settings>`) };

/** While loading. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingVoipClient, globals, html`<crm-voip-settings></crm-voip-settings>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingVoipClient, globals, html`<crm-voip-settings></crm-voip-settings>`) };
