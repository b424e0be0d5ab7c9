import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryApi } from '../test/memory-api.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import './lead-list.js';

interface ListArgs {
  leads: number;
  search: string;
  status: string;
  quality: string;
  sort: string;
}

const meta: Meta<ListArgs> = {
  title: 'Elements/Lead list',
  component: 'crm-lead-list',
  args: { leads: 250, search: '', status: '', quality: '', sort: '' },
  argTypes: {
    leads: { control: { type: 'number', min: 0, max: 10000 }, description: 'Leads in the in-memory API' },
    status: { control: 'select', options: ['', 'new', 'contacted', 'qualified', 'converted', 'disqualified'] },
    quality: { control: 'select', options: ['', 'good', 'bad', 'unknown'] },
    sort: { control: 'select', options: ['', 'lastName', 'firstName', 'companyName', '-createdAt', '-updatedAt', 'status'] },
  },
  render: ({ leads, search, status, quality, sort }, { globals }) =>
    withClient(createMemoryApi({ leads }).client, globals, html`<crm-lead-list search=${search} status=${status} quality=${quality} sort=${sort}>
      <button slot="bulk-actions" type="button">Assign to me</button>
    </crm-lead-list>`),
};
export default meta;

type Story = StoryObj<ListArgs>;

/** A few hundred leads with status, quality, owner and product filters, sort and selection. */
export const Default: Story = {};

/** Only qualified leads. */
export const Filtered: Story = { args: { status: 'qualified' } };

/** Ten thousand leads: only the rows in view are in the DOM. */
export const TenThousand: Story = { args: { leads: 10_000 } };

/** No leads yet. */
export const Empty: Story = { args: { leads: 0 } };

/** No lead matches the search. */
export const NoMatch: Story = { args: { search: 'zzz' } };

/** While loading. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-lead-list></crm-lead-list>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-lead-list></crm-lead-list>`) };
