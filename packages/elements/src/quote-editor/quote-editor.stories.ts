import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryQuotes, failingQuotesClient, pendingQuotesClient } from '../test/memory-quotes.js';
import { withClient } from '../test/story-provider.js';
import './quote-editor.js';

const meta: Meta = {
  title: 'Elements/Quote editor',
  component: 'crm-quote-editor',
  render: (_, { globals }) => withClient(createMemoryQuotes().client, globals, html`<crm-quote-editor opportunity-id="000000000000000000000901"></crm-quote-editor>`),
};
export default meta;

type Story = StoryObj;

/** A new quote: pick a service and spec from the price book, the totals come from the server. */
export const NewQuote: Story = {};

/** An existing draft with two lines, a discount and 19 % tax, ready to send. */
export const Draft: Story = {
  render: (_, { globals }) => {
    const memory = createMemoryQuotes({ quote: {} });
    return withClient(memory.client, globals, html`<crm-quote-editor opportunity-id="000000000000000000000901" .quote=${memory.quote()}></crm-quote-editor>`);
  },
};

/** A sent quote: editing it makes the next version. */
export const Sent: Story = {
  render: (_, { globals }) => {
    const memory = createMemoryQuotes({ quote: { status: 'sent', sentRevision: 1, sentAt: '2026-12-04T10:00:00.000Z' } });
    return withClient(memory.client, globals, html`<crm-quote-editor opportunity-id="000000000000000000000901" .quote=${memory.quote()}></crm-quote-editor>`);
  },
};

/** While the price books load. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingQuotesClient, globals, html`<crm-quote-editor opportunity-id="000000000000000000000901"></crm-quote-editor>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingQuotesClient, globals, html`<crm-quote-editor opportunity-id="000000000000000000000901"></crm-quote-editor>`) };
