import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryApi } from '../test/memory-api.js';
import { makeExport } from '../test/memory-exports.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import type { CrmDataClient } from '../shared/api/transport.js';
import './export-list.js';

const now = Date.now();
const iso = (offsetMs: number) => new Date(now + offsetMs).toISOString();

/** One export in each state, newest first, as `crm.exports.list` answers. */
const seed = [
  makeExport(1, { kind: 'leads', status: 'running', rows: 18_250, createdAt: iso(-60_000), finishedAt: null, expiresAt: null, downloadPath: null, size: 0 }),
  makeExport(2, { kind: 'contacts', status: 'queued', rows: 0, createdAt: iso(-30_000), startedAt: null, finishedAt: null, expiresAt: null, downloadPath: null, size: 0 }),
  makeExport(3, { kind: 'opportunities', format: 'csv', createdAt: iso(-3_600_000), expiresAt: iso(20 * 3_600_000) }),
  makeExport(4, { kind: 'tickets', status: 'failed', rows: 0, failure: 'The export stopped: the database did not answer in time. Try again.', createdAt: iso(-7_200_000), expiresAt: null, downloadPath: null }),
  makeExport(5, { kind: 'customers', status: 'expired', createdAt: iso(-30 * 3_600_000), expiresAt: iso(-6 * 3_600_000), downloadPath: null }),
];

const client = (exports = seed) => createMemoryApi({ exports: { seed: exports } }).client as CrmDataClient;

const meta: Meta = {
  title: 'Elements/Export list',
  component: 'crm-export-list',
  render: (_, { globals }) => withClient(client(), globals, html`<crm-export-list></crm-export-list>`),
};
export default meta;

type Story = StoryObj;

/** The user's exports: running with its rows, queued, ready to download until its expiry, failed with the reason, expired. */
export const Filled: Story = {};

/** Opened from the notification's link (`/exports/<id>`): that export's row is highlighted. */
export const Highlighted: Story = {
  render: (_, { globals }) => withClient(client(), globals, html`<crm-export-list export-id=${seed[2]!.id}></crm-export-list>`),
};

/** Nobody has exported anything yet. */
export const Empty: Story = { render: (_, { globals }) => withClient(client([]), globals, html`<crm-export-list></crm-export-list>`) };

/** While the list loads. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-export-list></crm-export-list>`) };

/** When the API cannot be reached: an error with "Try again". */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-export-list></crm-export-list>`) };
