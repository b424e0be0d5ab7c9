// <crm-export-list> on the SDK's own `crm.exports` over the in-memory API (test/memory-exports.ts): the
// user's exports newest first with their status, rows, dates and downloads; live rows from
// `export.progress` (a new export at the top, queued → running → completed); the highlighted export of a
// notification's link; an export that expired meanwhile; the empty state; en and de, 390 and 1280 px,
// light and dark, keyboard, axe.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { Export } from '@crm/client-sdk';
import '../provider/provider.js';
import type { ExportDownloadedDetail } from '../events/export-events.js';
import { expectAccessible } from '../test/axe.js';
import { until } from '../test/live-api.js';
import { createMemoryApi } from '../test/memory-api.js';
import { makeExport } from '../test/memory-exports.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import type { CrmExportList } from './export-list.component.js';
import './export-list.js';

const user = { id: '000000000000000000000001', name: 'Sam Sales', email: 'sam@example.com' };
const zone = 'Europe/Berlin';
const hourMs = 3_600_000;

/** Three exports, newest first: a running one, a finished one and a failed one. */
function seed(now = Date.now()): Export[] {
  const at = (offset: number) => new Date(now + offset).toISOString();
  return [
    makeExport(1, { kind: 'leads', status: 'running', rows: 12_500, createdAt: at(-60_000), finishedAt: null, expiresAt: null, downloadPath: null, size: 0 }),
    makeExport(2, { kind: 'opportunities', format: 'csv', rows: 1234, createdAt: at(-2 * hourMs), expiresAt: at(22 * hourMs) }),
    makeExport(3, { kind: 'tickets', status: 'failed', rows: 0, failure: 'The database did not answer in time.', createdAt: at(-3 * hourMs), expiresAt: null, downloadPath: null }),
  ];
}

async function mount(api: ReturnType<typeof createMemoryApi>, { locale = 'en', theme = 'light', exportId = '' } = {}): Promise<CrmExportList> {
  const provider = await fixture(html`<crm-provider .client=${api.client} .user=${user} locale=${locale} theme=${theme} time-zone=${zone}><crm-export-list export-id=${exportId}></crm-export-list></crm-provider>`);
  const list = provider.querySelector('crm-export-list')!;
  await until(() => !list.shadowRoot!.querySelector('crm-state[kind="loading"]') && Boolean(list.shadowRoot!.querySelector('table, crm-state')), 5000, 'loaded');
  return list;
}

const clean = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
/** Each row as its cells' text. */
const table = (list: CrmExportList) => [...list.shadowRoot!.querySelectorAll('tbody tr')].map((row) => [...row.children].map((cell) => clean(cell)));
const row = (list: CrmExportList, id: string) => list.shadowRoot!.querySelector<HTMLTableRowElement>(`tr[data-export="${id}"]`)!;

describe('crm-export-list', () => {
  afterEach(resetViewport);

  it("should list the user's exports newest first with status, rows and dates, and download a finished one by keyboard", async () => {
    const exports = seed();
    const api = createMemoryApi({ exports: { seed: exports } });
    const list = await mount(api);
    const when = (iso: string | null) => new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(new Date(iso!));
    expect(clean(list.shadowRoot!.querySelector('caption'))).to.equal('3 exports');
    expect(table(list)).to.deep.equal([
      ['Leads', 'Excel (.xlsx)', 'Running', '12,500', when(exports[0]!.createdAt), '–', ''],
      ['Opportunities', 'CSV', 'Ready', '1,234', when(exports[1]!.createdAt), when(exports[1]!.expiresAt), 'Download'],
      ['Tickets', 'Excel (.xlsx)', 'Failed The database did not answer in time.', '0', when(exports[2]!.createdAt), '–', ''],
    ]);
    expect(api.calls.find((c) => c.path === '/v1/exports')!.query).to.deep.equal({ limit: '50' });
    await expectAccessible(list);
    const seen: ExportDownloadedDetail[] = [];
    list.addEventListener('crm-export-downloaded', (e) => seen.push(e.detail));
    const download = list.shadowRoot!.querySelector<HTMLButtonElement>('[part="download"]')!;
    expect(download.getAttribute('aria-label')).to.equal(`Download the opportunities export of ${when(exports[1]!.createdAt)}`);
    download.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => seen.length === 1, 5000, 'downloaded');
    expect(seen[0]).to.deep.equal({ kind: 'opportunities', format: 'csv', size: (await (await api.client.exports.download(exports[1]!.id)).text()).length });
    expect(clean(list.shadowRoot!.querySelector('[role="status"]'))).to.equal('Export downloaded.');
  });

  it('should put a new export at the top and follow it live from queued to ready', async () => {
    const api = createMemoryApi({ exports: { seed: seed(), rows: { contacts: 3000 } } });
    const list = await mount(api);
    await until(() => api.listeners('export.progress') === 1, 2000, 'listening');
    const asked = await api.client.exports.create({ kind: 'contacts', format: 'xlsx', filters: {} });
    await until(() => table(list).length === 4, 2000, 'the new export');
    expect(table(list)[0]!.slice(0, 4)).to.deep.equal(['Contacts', 'Excel (.xlsx)', 'Queued', '0']);
    api.advanceExport(asked.id);
    await until(() => table(list)[0]![2] === 'Running', 2000, 'running');
    expect(table(list)[0]![3]).to.equal('1,500');
    api.advanceExport(asked.id);
    await until(() => table(list)[0]![2] === 'Ready', 2000, 'ready');
    expect(table(list)[0]![3]).to.equal('3,000');
    expect(clean(row(list, asked.id).querySelector('[part="download"]'))).to.equal('Download');
    expect(clean(list.shadowRoot!.querySelector('[role="status"]'))).to.equal('The export of contacts is ready.');
    expect(clean(list.shadowRoot!.querySelector('caption'))).to.equal('4 exports');
    // Only the one list read: the rest came live.
    expect(api.calls.filter((c) => c.path === '/v1/exports' && c.method === 'GET')).to.have.length(1);
  });

  it('should highlight the export a notification links to', async () => {
    const exports = seed();
    const list = await mount(createMemoryApi({ exports: { seed: exports } }), { exportId: exports[1]!.id });
    expect(row(list, exports[1]!.id).hasAttribute('data-highlighted')).to.equal(true);
    expect(row(list, exports[1]!.id).getAttribute('aria-current')).to.equal('true');
    expect(list.shadowRoot!.querySelectorAll('tr[data-highlighted]')).to.have.length(1);
  });

  it('should mark an export expired when its file is gone by the time it is downloaded', async () => {
    const exports = [makeExport(1, { kind: 'customers', createdAt: new Date(Date.now() - 30 * hourMs).toISOString(), expiresAt: new Date(Date.now() - hourMs).toISOString() })];
    const list = await mount(createMemoryApi({ exports: { seed: exports } }));
    const seen: ExportDownloadedDetail[] = [];
    list.addEventListener('crm-export-downloaded', (e) => seen.push(e.detail));
    list.shadowRoot!.querySelector<HTMLButtonElement>('[part="download"]')!.click();
    await until(() => Boolean(list.shadowRoot!.querySelector('.error')), 5000, 'expired');
    expect(clean(list.shadowRoot!.querySelector('.error'))).to.equal('The file has expired. Export again for a new one.');
    expect(table(list)[0]![2]).to.equal('Expired');
    expect(list.shadowRoot!.querySelector('[part="download"]')).to.equal(null);
    expect(seen).to.deep.equal([]);
  });

  it('should say so when there are no exports, in English and German', async () => {
    const en = await mount(createMemoryApi({ exports: { seed: [] } }));
    expect(clean(en.shadowRoot!.querySelector('crm-state')!.shadowRoot!.querySelector('[part="message"]'))).to.equal('No exports yet. Export a list and its file appears here.');
    const de = await mount(createMemoryApi({ exports: { seed: [] } }), { locale: 'de' });
    expect(clean(de.shadowRoot!.querySelector('crm-state')!.shadowRoot!.querySelector('[part="message"]'))).to.equal('Noch keine Exporte. Exportieren Sie eine Liste, dann erscheint ihre Datei hier.');
    await expectAccessible(de);
  });

  it('should speak German: labels, digits and dates', async () => {
    const exports = seed();
    const list = await mount(createMemoryApi({ exports: { seed: exports } }), { locale: 'de' });
    const when = (iso: string | null) => new Intl.DateTimeFormat('de', { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(new Date(iso!));
    expect(clean(list.shadowRoot!.querySelector('caption'))).to.equal('3 Exporte');
    expect(table(list)[0]).to.deep.equal(['Leads', 'Excel (.xlsx)', 'Läuft', '12.500', when(exports[0]!.createdAt), '–', '']);
    expect(table(list)[1]!.slice(2)).to.deep.equal(['Fertig', '1.234', when(exports[1]!.createdAt), when(exports[1]!.expiresAt), 'Herunterladen']);
  });

  for (const width of [phoneWidth, deskWidth]) {
    for (const theme of ['light', 'dark']) {
      it(`should fit ${width} px, ${theme}`, async () => {
        await useViewport(width);
        const exports = seed();
        const list = await mount(createMemoryApi({ exports: { seed: exports } }), { theme, exportId: exports[1]!.id });
        expectFitsLayout(list);
        await expectAccessible(list);
      });
    }
  }
});
