import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryImports, failingImportsClient, memoryImportId, pendingImportsClient } from '../test/memory-imports.js';
import { withClient } from '../test/story-provider.js';
import './import-wizard.js';

const meta: Meta = {
  title: 'Elements/Import wizard',
  component: 'crm-import-wizard',
  argTypes: { kind: { control: 'inline-radio', options: ['contacts', 'leads', 'customers', 'opportunities', 'products', 'tasks'] } },
  args: { kind: 'leads' },
  render: (args, { globals }) => withClient(createMemoryImports({ runningReads: 3 }).client, globals, html`<crm-import-wizard kind=${args.kind}></crm-import-wizard>`),
};
export default meta;

type Story = StoryObj;

/** Choose a file: the wizard then shows the mapping (suggested from the headers), the dry run, the run's progress, the error file and undo. */
export const Default: Story = {};

/** The same for contacts. */
export const Contacts: Story = { args: { kind: 'contacts' } };

/** Customers (accounts): a parent column names each account's parent by name or external id. */
export const Customers: Story = { args: { kind: 'customers' } };

/** Opportunities: a customer column names the account, a stage column the pipeline stage. */
export const Opportunities: Story = { args: { kind: 'opportunities' } };

/** Products (admins): found by their code, with their cycle and department; no owner. */
export const Products: Story = { args: { kind: 'products' } };

/** Tasks: kind, due time, assignee by email and the subject (a contact by email, a record by external id). */
export const Tasks: Story = { args: { kind: 'tasks' } };

/** An owner rule: rows without an owner go to the members of a team in turn; the check shows how many each would get. */
export const OwnersFromATeam: Story = { render: (args, { globals }) => withClient(createMemoryImports({ withTeams: true }).client, globals, html`<crm-import-wizard kind=${args.kind}></crm-import-wizard>`) };

/** A file with a Status column: its values map to the lead states, and unknown ones fail or take a default. */
export const StatusMapping: Story = { render: (args, { globals }) => withClient(createMemoryImports({ withStatus: true }).client, globals, html`<crm-import-wizard kind=${args.kind}></crm-import-wizard>`) };

/** A run the agency's daily import limit stopped: when it may go on, and Resume. */
export const DailyLimitReached: Story = { render: (_, { globals }) => withClient(createMemoryImports({ dailyLimit: true }).client, globals, html`<crm-import-wizard kind="leads" import-id=${memoryImportId}></crm-import-wizard>`) };

/** An import opened by id while it loads. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingImportsClient, globals, html`<crm-import-wizard kind="leads" import-id=${memoryImportId}></crm-import-wizard>`) };

/** An import opened by id when the API cannot be reached: an error with "Try again". */
export const Error: Story = { render: (_, { globals }) => withClient(failingImportsClient, globals, html`<crm-import-wizard kind="leads" import-id=${memoryImportId}></crm-import-wizard>`) };
