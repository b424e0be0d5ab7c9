import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryMailwizz, failingMailwizzClient, pendingMailwizzClient } from '../test/memory-mailwizz.js';
import { withClient } from '../test/story-provider.js';
import './mailwizz-settings.js';

const meta: Meta = {
  title: 'Elements/Mailwizz settings',
  component: 'crm-mailwizz-settings',
  render: (_, { globals }) => withClient(createMemoryMailwizz().client, globals, html`<crm-mailwizz-settings></crm-mailwizz-settings>`),
};
export default meta;

type Story = StoryObj;

/** Connected, with one segment pushed and another to choose. */
export const Connected: Story = {};

/** Not connected yet: the keys are required. */
export const NotConnected: Story = { render: (_, { globals }) => withClient(createMemoryMailwizz({ empty: true }).client, globals, html`<crm-mailwizz-settings></crm-mailwizz-settings>`) };

/** While loading. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingMailwizzClient, globals, html`<crm-mailwizz-settings></crm-mailwizz-settings>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingMailwizzClient, globals, html`<crm-mailwizz-settings></crm-mailwizz-settings>`) };
