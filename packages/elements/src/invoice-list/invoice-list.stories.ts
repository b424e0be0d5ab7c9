import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryInvoices, failingInvoicesClient, pendingInvoicesClient } from '../test/memory-invoices.js';
import { withClient } from '../test/story-provider.js';
import './invoice-list.js';

const account = '00000000000000000000a001';

const meta: Meta = {
  title: 'Elements/Invoice list',
  component: 'crm-invoice-list',
  render: (_, { globals }) => withClient(createMemoryInvoices().client, globals, html`<crm-invoice-list account-id=${account}></crm-invoice-list>`),
};
export default meta;

type Story = StoryObj;

/** An account's invoices: open, partially paid, overdue (highlighted, with its days late) and paid. */
export const Invoices: Story = {};

/** An account without invoices. */
export const Empty: Story = { render: (_, { globals }) => withClient(createMemoryInvoices({ empty: true }).client, globals, html`<crm-invoice-list account-id=${account}></crm-invoice-list>`) };

/** While the invoices load. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingInvoicesClient, globals, html`<crm-invoice-list account-id=${account}></crm-invoice-list>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingInvoicesClient, globals, html`<crm-invoice-list account-id=${account}></crm-invoice-list>`) };
