import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryConversations, failingConversationsClient, pendingConversationsClient } from '../test/memory-conversations.js';
import { withClient } from '../test/story-provider.js';
import './messages.js';

const meta: Meta = {
  title: 'Elements/Messages',
  component: 'crm-messages',
  render: (_, { globals }) => withClient(createMemoryConversations().client, globals, html`<crm-messages></crm-messages>`),
};
export default meta;

type Story = StoryObj;

/** The inbox: a direct conversation with an unread message, a lead's thread and a group. */
export const Inbox: Story = {};

/** A lead's thread, as a record page embeds it (`record-kind="lead" record-id="..."`): one message edited, one deleted (its tombstone). */
export const RecordThread: Story = {
  render: (_, { globals }) => {
    const memory = createMemoryConversations();
    return withClient(memory.client, globals, html`<crm-messages record-kind="lead" record-id=${memory.leadId}></crm-messages>`);
  },
};

/** An admin's view of a thread (`moderate`): an edited message of their own, a deleted one, and Delete offered on everyone's. */
export const Moderating: Story = {
  render: (_, { globals }) => {
    const memory = createMemoryConversations();
    return withClient(memory.client, globals, html`<crm-messages moderate record-kind="lead" record-id=${memory.leadId}></crm-messages>`);
  },
};

/** Someone without conversations yet. */
export const Empty: Story = { render: (_, { globals }) => withClient(createMemoryConversations({ empty: true }).client, globals, html`<crm-messages></crm-messages>`) };

/** While the conversations load. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingConversationsClient, globals, html`<crm-messages></crm-messages>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingConversationsClient, globals, html`<crm-messages></crm-messages>`) };
