// <crm-export-button> on the SDK's own `crm.leads` over a `fetch` double that answers the export route as
// the API does (the API's profile columns are tested in packages/api): XLSX and CSV downloads, the
// role's refusal shown, en and de, 390 and 1280 px, keyboard, axe.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { Leads, Transport, type FetchLike } from '@crm/client-sdk';
import '../provider/provider.js';
import type { CrmDataClient } from '../shared/api/transport.js';
import { expectAccessible } from '../test/axe.js';
import { until } from '../test/live-api.js';
import { createMemoryApi } from '../test/memory-api.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import type { CrmExportButton } from './export-button.component.js';
import './export-button.js';

const user = { id: '000000000000000000000001', name: 'Sam Sales', email: 'sam@example.com' };
const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function exportsClient(answer: 'ok' | 'forbidden') {
  const calls: URL[] = [];
  const fetch: FetchLike = async (url) => {
    const parsed = new URL(url, 'http://memory.invalid');
    calls.push(parsed);
    if (answer === 'forbidden') {
      return new Response(JSON.stringify({ type: 'urn:crm:problem:forbidden', title: 'Forbidden', status: 403, code: 'forbidden', detail: 'Your role may not export lead records' }), { status: 403, headers: { 'content-type': 'application/problem+json' } });
    }
    return parsed.searchParams.get('format') === 'xlsx'
      ? new Response(new Uint8Array([0x50, 0x4b, 3, 4, 1, 2]), { status: 200, headers: { 'content-type': xlsxType } })
      : new Response('firstName,lastName,jobTitle,companyName\r\nXena,Export,CTO,Sheet AG\r\n', { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8' } });
  };
  const client = { ...(createMemoryApi().client as CrmDataClient), leads: new Leads(new Transport({ baseUrl: '', fetch, retries: 0 })) } as CrmDataClient;
  return { client, calls };
}

async function mount(client: CrmDataClient, locale = 'en'): Promise<CrmExportButton> {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${user} locale=${locale}><crm-export-button kind="leads"></crm-export-button></crm-provider>`);
  return provider.querySelector('crm-export-button')!;
}

const root = (b: CrmExportButton) => b.shadowRoot!;

describe('crm-export-button', () => {
  afterEach(resetViewport);

  it('should download the XLSX export by default, then CSV when chosen, and say so', async () => {
    const { client, calls } = exportsClient('ok');
    const b = await mount(client);
    const downloads: Array<{ format: string; size: number }> = [];
    b.addEventListener('crm-export-downloaded', (e) => downloads.push(e.detail));
    const button = root(b).querySelector('button')!;
    expect(button.textContent!.trim()).to.equal('Export leads');
    await expectAccessible(b);
    button.click();
    await until(() => downloads.length === 1, 5000, 'xlsx downloaded');
    expect(calls[0]!.pathname).to.equal('/v1/leads/export');
    expect(calls[0]!.searchParams.get('format')).to.equal('xlsx');
    expect(downloads[0]).to.deep.equal({ kind: 'leads', format: 'xlsx', size: 6 });
    const select = root(b).querySelector('select')!;
    select.value = 'csv';
    select.dispatchEvent(new Event('change'));
    await b.updateComplete;
    button.click();
    await until(() => downloads.length === 2, 5000, 'csv downloaded');
    expect(calls[1]!.searchParams.get('format')).to.equal(null);
    expect(downloads[1]!.format).to.equal('csv');
    expect(root(b).querySelector('[role="status"]')!.textContent).to.equal('Export downloaded.');
  });

  it("should show the API's refusal to a role without export, in German, from the keyboard", async () => {
    const b = await mount(exportsClient('forbidden').client, 'de');
    const button = root(b).querySelector('button')!;
    expect(button.textContent!.trim()).to.equal('Leads exportieren');
    button.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean(root(b).querySelector('.error')), 5000, 'refusal shown');
    expect(root(b).querySelector('.error')!.textContent).to.equal('Your role may not export lead records');
    await expectAccessible(b);
  });

  for (const width of [phoneWidth, deskWidth]) {
    it(`should fit ${width} px`, async () => {
      await useViewport(width);
      const b = await mount(exportsClient('ok').client);
      expectFitsLayout(b);
      await expectAccessible(b);
    });
  }
});
