import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryApi } from '../test/memory-api.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import './contact-list.js';

interface ListArgs {
  contacts: number;
  search: string;
  status: string;
  sort: string;
}

const meta: Meta<ListArgs> = {
  title: 'Elements/Contact list',
  component: 'crm-contact-list',
  args: { contacts: 250, search: '', status: '', sort: 'lastName' },
  argTypes: {
    contacts: { control: { type: 'number', min: 0, max: 10000 }, description: 'Contacts in the in-memory API' },
    status: { control: 'select', options: ['', 'new', 'hot', 'cold', 'converted', 'not_interested'] },
    sort: { control: 'select', options: ['lastName', 'firstName', '-createdAt', '-updatedAt', 'companyName', 'status'] },
  },
  render: ({ contacts, search, status, sort }, { globals }) =>
    withClient(createMemoryApi({ contacts }).client, globals, html`<crm-contact-list search=${search} status=${status} sort=${sort}>
      <button slot="bulk-actions" type="button">Add to campaign</button>
    </crm-contact-list>`),
};
export default meta;

type Story = StoryObj<ListArgs>;

/** A few hundred contacts, with segments, filters and selection. */
export const Default: Story = {};

/** Ten thousand contacts: only the rows in view are in the DOM. */
export const TenThousand: Story = { args: { contacts: 10_000 } };

/** No contacts yet. */
export const Empty: Story = { args: { contacts: 0 } };

/** While loading. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-contact-list></crm-contact-list>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-contact-list></crm-contact-list>`) };
