import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryApi, makeGreeting } from '../test/memory-api.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import './send-status.js';

const finished = makeGreeting(1, { state: 'completed', sent: 1180, failed: 3, skipped: 12 });
const interrupted = makeGreeting(2, { state: 'running', sent: 412, failed: 2, skipped: 5, uncertain: 7, pending: 0 });

const meta: Meta = {
  title: 'Elements/Send status',
  component: 'crm-send-status',
  render: (_, { globals }) =>
    withClient(createMemoryApi({ greetings: [finished] }).client, globals, html`<crm-send-status greeting-id=${finished.id}></crm-send-status>`),
};
export default meta;

type Story = StoryObj;

/** A finished send: sent, failed and skipped counts, nothing uncertain. */
export const Default: Story = {};

/** A send whose server stopped mid-send: 7 uncertain messages, explained, with "Resend these 7". */
export const Uncertain: Story = {
  render: (_, { globals }) =>
    withClient(createMemoryApi({ greetings: [interrupted] }).client, globals, html`<crm-send-status greeting-id=${interrupted.id}></crm-send-status>`),
};

/** The same send for a user who may not send: the count and explanation, no resend button. */
export const UncertainReadonly: Story = {
  render: (_, { globals }) =>
    withClient(createMemoryApi({ greetings: [interrupted] }).client, globals, html`<crm-send-status readonly greeting-id=${interrupted.id}></crm-send-status>`),
};

/** While the send's progress loads. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-send-status greeting-id=${finished.id}></crm-send-status>`) };

/** When the API cannot be reached: an error with "Try again". */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-send-status greeting-id=${finished.id}></crm-send-status>`) };
