import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryApi } from '../test/memory-api.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import './customer-list.js';

interface ListArgs {
  customers: number;
  search: string;
  status: string;
  sort: string;
}

const meta: Meta<ListArgs> = {
  title: 'Elements/Customer list',
  component: 'crm-customer-list',
  args: { customers: 250, search: '', status: '', sort: '' },
  argTypes: {
    customers: { control: { type: 'number', min: 0, max: 10000 }, description: 'Customers in the in-memory API' },
    status: { control: 'select', options: ['', 'draft', 'new', 'active', 'inactive', 'blocked'] },
    sort: { control: 'select', options: ['', 'name', '-createdAt', '-updatedAt', 'status', '-rating'] },
  },
  render: ({ customers, search, status, sort }, { globals }) =>
    withClient(createMemoryApi({ customers }).client, globals, html`<crm-customer-list search=${search} status=${status} sort=${sort}>
      <button slot="bulk-actions" type="button">Send satisfaction survey</button>
    </crm-customer-list>`),
};
export default meta;

type Story = StoryObj<ListArgs>;

/** A few hundred customers with status, owner and product filters, sort and selection. */
export const Default: Story = {};

/** Only active customers. */
export const Filtered: Story = { args: { status: 'active' } };


/** No customers yet. */
export const Empty: Story = { args: { customers: 0 } };

/** No customer matches the search. */
export const NoMatch: Story = { args: { search: 'zzz' } };

/** While loading. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-customer-list></crm-customer-list>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-customer-list></crm-customer-list>`) };
