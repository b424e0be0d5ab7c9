// <crm-export-button> on the SDK's own `crm.exports` over the in-memory API (test/memory-exports.ts: the
// job moves queued → running → completed as the API's does, each step pushed as `export.progress`): the
// background export with its rows so far, realtime first and polling when no message comes, a quiet live
// region, the download and "Download again" until the file expires, a failed and an expired export, the
// role's refusal; en and de, 390 and 1280 px, light and dark, keyboard, axe. The real API's job and file
// are tested in export-button-live.test.ts.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../provider/provider.js';
import type { ExportDownloadedDetail } from '../events/export-events.js';
import { expectAccessible } from '../test/axe.js';
import { until } from '../test/live-api.js';
import { createMemoryApi } from '../test/memory-api.js';
import type { MemoryExportsOptions } from '../test/memory-exports.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import type { CrmExportButton } from './export-button.component.js';
import './export-button.js';

const user = { id: '000000000000000000000001', name: 'Sam Sales', email: 'sam@example.com' };

function memory(options: MemoryExportsOptions = {}) {
  return createMemoryApi({ exports: options });
}

async function mount(api: ReturnType<typeof memory>, { kind = 'leads', locale = 'en', theme = 'light' } = {}): Promise<CrmExportButton> {
  const provider = await fixture(html`<crm-provider .client=${api.client} .user=${user} locale=${locale} theme=${theme} time-zone="Europe/Berlin"><crm-export-button kind=${kind}></crm-export-button></crm-provider>`);
  return provider.querySelector('crm-export-button')!;
}

const $ = (b: CrmExportButton, selector: string) => b.shadowRoot!.querySelector<HTMLElement>(selector);
const text = (b: CrmExportButton, selector: string) => ($(b, selector)?.textContent ?? '').replace(/\s+/g, ' ').trim();
const downloads = (b: CrmExportButton) => {
  const seen: ExportDownloadedDetail[] = [];
  b.addEventListener('crm-export-downloaded', (e) => seen.push(e.detail));
  return seen;
};
/** The reads of one export (not its file) the button made. */
const reads = (api: ReturnType<typeof memory>) => api.calls.filter((c) => c.method === 'GET' && /^\/v1\/exports\/\w+$/.test(c.path)).length;

describe('crm-export-button', () => {
  afterEach(resetViewport);

  it('should ask for a background export, show the rows written so far, download the file when completed and offer it again until it expires', async () => {
    const api = memory({ rows: { leads: 2500 } });
    const b = await mount(api);
    const seen = downloads(b);
    expect(text(b, '[part="button"]')).to.equal('Export leads');
    await expectAccessible(b);
    $(b, '[part="button"]')!.click();
    // The first reading (when realtime connects) finds it running: half the rows, in English digits.
    await until(() => text(b, '[part="progress"]') === '1,250 rows written', 5000, 'running with its rows');
    expect($(b, '[part="button"]')!.getAttribute('aria-disabled')).to.equal('true');
    const asked = api.calls.find((c) => c.method === 'POST' && c.path === '/v1/exports/leads')!;
    expect(asked.body).to.deep.equal({ format: 'xlsx', filters: {} });
    // No message comes after that: the button asks the API itself, and the export completes.
    await until(() => seen.length === 1, 6000, 'downloaded');
    const [job] = api.exports;
    expect(job!.status).to.equal('completed');
    expect(seen[0]).to.deep.equal({ kind: 'leads', format: 'xlsx', size: job!.size });
    expect(api.calls.filter((c) => c.path === `/v1/exports/${job!.id}/file`)).to.have.length(1);
    const until24h = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Berlin' }).format(new Date(job!.expiresAt!));
    expect(text(b, '.again')).to.equal(`Download again Available until ${until24h}`);
    expect(text(b, '[role="status"]')).to.equal('Export downloaded.');
    expect($(b, '[part="progress"]')).to.equal(null);
    await expectAccessible(b);
    // The file again, from the keyboard.
    $(b, '[part="again"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => seen.length === 2, 5000, 'downloaded again');
    expect(api.calls.filter((c) => c.path === `/v1/exports/${job!.id}/file`)).to.have.length(2);
  });

  it('should follow the realtime message without polling while messages come, and keep the live region quiet in between', async () => {
    const api = memory({ rows: { leads: 40_000 } });
    const b = await mount(api);
    const seen = downloads(b);
    const said: string[] = [];
    const observer = new MutationObserver(() => said.push(text(b, '[role="status"]')));
    observer.observe(b.shadowRoot!, { subtree: true, characterData: true, childList: true });
    $(b, '[part="button"]')!.click();
    await until(() => text(b, '[part="progress"]') === '20,000 rows written', 5000, 'running');
    expect(reads(api)).to.equal(1);
    const [job] = api.exports;
    // Progress pushed faster than anyone could listen: shown each time, not said each time.
    for (const rows of [21_000, 24_000, 30_000, 36_000]) {
      api.pushMessage('export.progress', { ...job, rows });
      await b.updateComplete;
      expect(text(b, '[part="progress"]')).to.equal(`${new Intl.NumberFormat('en').format(rows)} rows written`);
    }
    // An older reading arriving late never moves it back.
    api.pushMessage('export.progress', { ...job, rows: 22_000 });
    await b.updateComplete;
    expect(text(b, '[part="progress"]')).to.equal('36,000 rows written');
    api.advanceExport(job!.id);
    await until(() => seen.length === 1, 5000, 'downloaded');
    observer.disconnect();
    // Every reading came by realtime: the one read is the one made when the socket connected.
    expect(reads(api)).to.equal(1);
    expect([...new Set(said.filter(Boolean))]).to.deep.equal(['Preparing the export…', 'Export of leads started.', 'Export ready: 40,000 rows.', 'Export downloaded.']);
  });

  it('should show why an export failed, in German', async () => {
    const api = memory({ failure: 'Die Datenbank hat nicht rechtzeitig geantwortet.' });
    const b = await mount(api, { kind: 'tickets', locale: 'de' });
    const seen = downloads(b);
    expect(text(b, '[part="button"]')).to.equal('Tickets exportieren');
    $(b, '[part="button"]')!.click();
    await until(() => Boolean($(b, '.error')), 8000, 'the failure');
    expect(text(b, '.error')).to.equal('Der Export ist fehlgeschlagen: Die Datenbank hat nicht rechtzeitig geantwortet.');
    expect(text(b, '[role="status"]')).to.equal(text(b, '.error'));
    expect($(b, '[part="again"]')).to.equal(null);
    expect(seen).to.deep.equal([]);
    expect($(b, '[part="button"]')!.getAttribute('aria-disabled')).to.equal('false');
    await expectAccessible(b);
  });

  it('should say the file expired instead of downloading it once its time is up', async () => {
    const api = memory({ retentionHours: 0 });
    const b = await mount(api, { kind: 'tasks' });
    const seen = downloads(b);
    $(b, '[part="button"]')!.click();
    await until(() => Boolean($(b, '.error')), 8000, 'expired');
    expect(text(b, '.error')).to.equal('The file has expired. Export again for a new one.');
    expect($(b, '[part="again"]')).to.equal(null);
    expect(seen).to.deep.equal([]);
    expect(api.calls.filter((c) => c.path.endsWith('/file'))).to.deep.equal([]);
  });

  it("should show the API's refusal to a role without export, in German, from the keyboard", async () => {
    const api = memory({ refused: ['leads'] });
    const b = await mount(api, { locale: 'de' });
    expect(text(b, '[part="button"]')).to.equal('Leads exportieren');
    $(b, '[part="button"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean($(b, '.error')), 5000, 'refusal shown');
    expect(text(b, '.error')).to.equal('Your role may not export lead records');
    expect(api.exports).to.deep.equal([]);
    expect(b.shadowRoot!.activeElement).to.equal($(b, '[part="button"]'));
    await expectAccessible(b);
  });

  it('should export CSV when chosen, with the filters the host gives', async () => {
    const api = memory({ rows: { contacts: 3 } });
    const b = await mount(api, { kind: 'contacts' });
    b.filters = { status: 'hot' };
    const seen = downloads(b);
    const select = b.shadowRoot!.querySelector('select')!;
    select.value = 'csv';
    select.dispatchEvent(new Event('change'));
    await b.updateComplete;
    $(b, '[part="button"]')!.click();
    await until(() => seen.length === 1, 8000, 'csv downloaded');
    expect(api.calls.find((c) => c.method === 'POST' && c.path === '/v1/exports/contacts')!.body).to.deep.equal({ format: 'csv', filters: { status: 'hot' } });
    expect(seen[0]!.format).to.equal('csv');
    expect(seen[0]!.size).to.equal('firstName,lastName\r\nPerson,Number 1\r\nPerson,Number 2\r\nPerson,Number 3'.length);
  });

  for (const width of [phoneWidth, deskWidth]) {
    for (const theme of ['light', 'dark']) {
      it(`should fit ${width} px while running and once done, ${theme}`, async () => {
        await useViewport(width);
        const running = await mount(memory({ holdAt: 'running', rows: { opportunities: 1_000_000 } }), { kind: 'opportunities', theme, locale: 'de' });
        $(running, '[part="button"]')!.click();
        await until(() => text(running, '[part="progress"]') === '500.000 Zeilen geschrieben', 5000, 'running');
        expectFitsLayout(running);
        await expectAccessible(running);
        const done = await mount(memory(), { kind: 'customers', theme });
        $(done, '[part="button"]')!.click();
        await until(() => Boolean($(done, '[part="again"]')), 8000, 'done');
        expectFitsLayout(done);
        await expectAccessible(done);
      });
    }
  }
});
