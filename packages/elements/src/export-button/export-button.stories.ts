import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { Leads, Transport, type FetchLike } from '@crm/client-sdk';
import { html } from 'lit';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi } from '../test/memory-api.js';
import { withClient } from '../test/story-provider.js';
import './export-button.js';

/** A client whose lead export answers as the API does for a sales executive, or refuses as for a producer. */
function client(refuse: boolean): CrmDataClient {
  const fetch: FetchLike = async (url) =>
    refuse
      ? new Response(JSON.stringify({ type: 'urn:crm:problem:forbidden', title: 'Forbidden', status: 403, code: 'forbidden', detail: 'Your role may not export lead records' }), { status: 403, headers: { 'content-type': 'application/problem+json' } })
      : new URL(url, 'http://memory.invalid').searchParams.get('format') === 'xlsx'
        ? new Response(new Uint8Array([0x50, 0x4b, 3, 4]), { status: 200, headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } })
        : new Response('firstName,lastName,jobTitle,companyName\r\nXena,Export,CTO,Sheet AG\r\n', { status: 200, headers: { 'content-type': 'text/csv' } });
  return { ...(createMemoryApi().client as CrmDataClient), leads: new Leads(new Transport({ baseUrl: '', fetch, retries: 0 })) } as CrmDataClient;
}

const meta: Meta = {
  title: 'Elements/Export button',
  component: 'crm-export-button',
  argTypes: { kind: { control: 'inline-radio', options: ['leads', 'contacts'] } },
  args: { kind: 'leads' },
  render: (args, { globals }) => withClient(client(false), globals, html`<crm-export-button kind=${args.kind}></crm-export-button>`),
};
export default meta;

type Story = StoryObj;

/** A sales executive's export: the file holds their profile's columns (Name, Last Name, Job title, Company). */
export const Default: Story = {};

/** A role without export (a producer): the API's refusal is shown. */
export const Refused: Story = { render: (_, { globals }) => withClient(client(true), globals, html`<crm-export-button kind="leads"></crm-export-button>`) };
