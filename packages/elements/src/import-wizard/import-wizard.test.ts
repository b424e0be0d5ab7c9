// <crm-import-wizard> on an in-memory `crm.imports` (src/test/memory-imports.ts): upload, mapping with the
// API's suggestions, the dry-run summary, the run's progress, the error file and undo; en and de; 390 and
// 1280 px; keyboard; axe. The API side (files, dedupe, resume) is tested in packages/api.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { until } from '../test/live-api.js';
import { createMemoryImports, memoryImportId } from '../test/memory-imports.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import type { CrmImportWizard } from './import-wizard.component.js';
import './import-wizard.js';

const user = { id: '000000000000000000000001', name: 'Rita Research', email: 'rita@example.com' };

async function mount(memory: ReturnType<typeof createMemoryImports>, locale = 'en'): Promise<CrmImportWizard> {
  const provider = await fixture(html`<crm-provider .client=${memory.client} .user=${user} locale=${locale}><crm-import-wizard kind="leads"></crm-import-wizard></crm-provider>`);
  return provider.querySelector('crm-import-wizard')!;
}

const root = (w: CrmImportWizard) => w.shadowRoot!;
const text = (w: CrmImportWizard, selector: string) => root(w).querySelector(selector)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const button = (w: CrmImportWizard, label: string) => [...root(w).querySelectorAll('button')].find((b) => b.textContent!.trim() === label)!;

const pick = async (w: CrmImportWizard, select: HTMLSelectElement, value: string) => {
  select.value = value;
  select.dispatchEvent(new Event('change'));
  await w.updateComplete;
};

async function choose(w: CrmImportWizard): Promise<void> {
  const input = root(w).querySelector<HTMLInputElement>('input[type="file"]')!;
  const files = new DataTransfer();
  files.items.add(new File(['Vorname;Nachname;E-Mail;Firma\n'], 'leads.csv', { type: 'text/csv' }));
  input.files = files.files;
  input.dispatchEvent(new Event('change'));
  await until(() => Boolean(root(w).querySelector('[part="mapping"]')), 5000, 'mapping shown');
}

describe('crm-import-wizard', () => {
  afterEach(resetViewport);

  it('should upload, preselect the suggested fields, show the dry run, run with progress, offer the error file and undo', async () => {
    const memory = createMemoryImports();
    const w = await mount(memory);
    expect(text(w, 'h2')).to.equal('Import leads');
    await choose(w);
    expect(memory.calls[0]).to.include({ method: 'POST', path: '/v1/imports/leads' });
    const selects = [...root(w).querySelectorAll<HTMLSelectElement>('[part="mapping"] select')];
    expect(selects.map((s) => s.value)).to.deep.equal(['firstName', 'lastName', 'email', 'companyName']);
    selects[3]!.value = '';
    selects[3]!.dispatchEvent(new Event('change'));
    await expectAccessible(w);

    button(w, 'Check the file').click();
    await until(() => Boolean(root(w).querySelector('[part="summary"]')), 5000, 'summary shown');
    const mapping = memory.calls.find((c) => c.method === 'PUT')!;
    expect(JSON.parse(String(mapping.body)).columns[3]).to.deep.equal({ column: 'Firma', field: null });
    expect(text(w, '[part="summary"]')).to.include('2 records to create').and.include('1 row with errors').and.include('email (E-Mail): 1 × — rows 4');
    await expectAccessible(w);

    button(w, 'Start the import').click();
    await until(() => text(w, '.status') === 'Import finished', 8000, 'run finished');
    expect(text(w, '[part="counts"]')).to.include('3 rows read').and.include('2 created').and.include('1 failed').and.include('1,250 rows per second');
    expect(button(w, 'Download the error file')).not.to.equal(undefined);
    button(w, 'Undo the import').click();
    await until(() => text(w, '.status') === 'Import undone', 5000, 'undone');
    expect(text(w, '[role="status"]')).to.equal('Removed 2, restored 0.');
  });

  it('should offer the saved mappings that fit the file, apply one, and save the mapping under a new name', async () => {
    const memory = createMemoryImports();
    const w = await mount(memory);
    await choose(w);
    const savedSelect = root(w).querySelector<HTMLSelectElement>('label.saved select')!;
    expect([...savedSelect.options].map((o) => o.textContent!.trim())).to.deep.equal(['Choose a saved mapping…', 'Messe-Export'], 'only mappings naming a header of the file');
    savedSelect.value = savedSelect.options[1]!.value;
    savedSelect.dispatchEvent(new Event('change'));
    await w.updateComplete;
    const selects = [...root(w).querySelectorAll<HTMLSelectElement>('[part="mapping"] select')];
    expect(selects.map((s) => s.value)).to.deep.equal(['firstName', 'lastName', 'email', '']);
    expect(text(w, '[role="status"]')).to.equal('Mapping “Messe-Export” applied.');
    await expectAccessible(w);

    const name = root(w).querySelector<HTMLInputElement>('input[type="text"]')!;
    name.value = 'Leads ohne Firma';
    name.dispatchEvent(new Event('input'));
    await w.updateComplete;
    button(w, 'Save mapping').click();
    await until(() => text(w, '[role="status"]') === 'Mapping saved as “Leads ohne Firma”.', 5000, 'saved');
    const posted = JSON.parse(String(memory.calls.find((c) => c.method === 'POST' && c.path === '/v1/imports/leads/mappings')!.body));
    expect(posted).to.deep.include({ name: 'Leads ohne Firma', dedupeKey: 'email', mode: 'update' });
    expect(posted.columns[3]).to.deep.equal({ column: 'Firma', field: null });
    expect([...root(w).querySelectorAll('label.saved option')].map((o) => o.textContent!.trim())).to.include('Leads ohne Firma');
  });

  it('should speak German and work from the keyboard', async () => {
    const memory = createMemoryImports();
    const w = await mount(memory, 'de');
    expect(text(w, 'h2')).to.equal('Leads importieren');
    await choose(w);
    expect(text(w, '[part="mapping"] thead')).to.include('Spalte').and.include('Feld');
    button(w, 'Datei prüfen').focus();
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean(root(w).querySelector('[part="summary"]')), 5000, 'summary shown');
    expect(text(w, '[part="summary"]')).to.include('2 Datensätze werden angelegt').and.include('1 Zeile mit Fehlern');
    button(w, 'Import starten').focus();
    await sendKeys({ press: 'Space' });
    await until(() => text(w, '.status') === 'Import abgeschlossen', 8000, 'run finished');
    expect(text(w, '[part="counts"]')).to.include('2 angelegt').and.include('1.250 Zeilen pro Sekunde');
  });

  it('should open an existing import by id and follow its run to the end', async () => {
    const memory = createMemoryImports({ runningReads: 2 });
    const provider = await fixture(html`<crm-provider .client=${memory.client} .user=${user} locale="en"><crm-import-wizard kind="leads" import-id=${memoryImportId}></crm-import-wizard></crm-provider>`);
    const w = provider.querySelector('crm-import-wizard')!;
    await until(() => text(w, '.status') === 'Import finished', 8000, 'followed to the end');
    expect(memory.calls.filter((c) => c.method === 'GET').length).to.be.greaterThan(1);
  });

  it('should let the user pick what the rows become, unless the host fixed it', async () => {
    const memory = createMemoryImports();
    const provider = await fixture(html`<crm-provider .client=${memory.client} .user=${user} locale="en"><crm-import-wizard></crm-import-wizard></crm-provider>`);
    const w = provider.querySelector('crm-import-wizard')!;
    await w.updateComplete;
    expect(text(w, 'h2')).to.equal('Import contacts');
    const picker = root(w).querySelector<HTMLSelectElement>('label.kind select')!;
    expect([...picker.options].map((o) => o.textContent!.trim())).to.deep.equal(['Contacts', 'Leads', 'Customers (accounts)', 'Opportunities', 'Products', 'Tasks']);
    picker.focus();
    await pick(w, picker, 'leads');
    expect(text(w, 'h2')).to.equal('Import leads');
    await choose(w);
    expect(memory.calls[0]).to.include({ method: 'POST', path: '/v1/imports/leads' });

    const fixed = await fixture(html`<crm-provider .client=${memory.client} .user=${user} locale="de"><crm-import-wizard kind="leads" no-kind-picker></crm-import-wizard></crm-provider>`);
    const f = fixed.querySelector('crm-import-wizard')!;
    await f.updateComplete;
    expect(root(f).querySelector('label.kind')).to.equal(null);
    await expectAccessible(f);
  });

  it('should import customers: their fields with the parent column, and only the keys that find accounts', async () => {
    const memory = createMemoryImports();
    const provider = await fixture(html`<crm-provider .client=${memory.client} .user=${user} locale="de"><crm-import-wizard kind="customers"></crm-import-wizard></crm-provider>`);
    const w = provider.querySelector('crm-import-wizard')!;
    await w.updateComplete;
    expect(text(w, 'h2')).to.equal('Kunden importieren');
    await choose(w);
    expect(memory.calls[0]).to.include({ method: 'POST', path: '/v1/imports/customers' });
    const fieldSelect = root(w).querySelector<HTMLSelectElement>('[part="mapping"] select')!;
    const fields = [...fieldSelect.options].map((o) => o.value);
    expect(fields).to.include.members(['name', 'parent', 'externalId', 'ownerEmail', 'status']);
    expect(fields).not.to.include('firstName');
    await pick(w, fieldSelect, 'name');
    const dedupe = [...root(w).querySelectorAll('label')].find((l) => l.textContent!.includes('Dubletten'))?.querySelector('select') ?? root(w).querySelectorAll<HTMLSelectElement>('.options select')[1]!;
    expect([...dedupe.options].map((o) => o.value)).to.deep.equal(['externalId', 'phone']);
    button(w, 'Datei prüfen').click();
    await until(() => memory.calls.some((c) => c.method === 'PUT'), 5000, 'mapping saved');
    expect(JSON.parse(String(memory.calls.find((c) => c.method === 'PUT')!.body)).dedupeKey).to.equal('externalId');
    await expectAccessible(w);

    // Opportunities: their own fields, the customer column, found by external id only.
    const deals = await fixture(html`<crm-provider .client=${memory.client} .user=${user} locale="en"><crm-import-wizard kind="opportunities"></crm-import-wizard></crm-provider>`);
    const d = deals.querySelector('crm-import-wizard')!;
    await d.updateComplete;
    expect(text(d, 'h2')).to.equal('Import opportunities');
    await choose(d);
    expect(memory.calls.some((c) => c.method === 'POST' && c.path === '/v1/imports/opportunities')).to.equal(true);
    const dealFields = [...root(d).querySelector<HTMLSelectElement>('[part="mapping"] select')!.options].map((o) => o.value);
    expect(dealFields).to.include.members(['name', 'customer', 'amount', 'stage', 'expectedCloseDate']);
    expect([...root(d).querySelectorAll<HTMLSelectElement>('.options select')].some((s) => [...s.options].map((o) => o.value).join() === 'externalId')).to.equal(true);
  });

  it('should import products by code without an owner rule, and tasks with their subject and assignee columns', async () => {
    const memory = createMemoryImports({ withTeams: true });
    const provider = await fixture(html`<crm-provider .client=${memory.client} .user=${user} locale="de"><crm-import-wizard kind="products"></crm-import-wizard></crm-provider>`);
    const w = provider.querySelector('crm-import-wizard')!;
    await w.updateComplete;
    expect(text(w, 'h2')).to.equal('Produkte importieren');
    await choose(w);
    expect(memory.calls[0]).to.include({ method: 'POST', path: '/v1/imports/products' });
    const fields = [...root(w).querySelector<HTMLSelectElement>('[part="mapping"] select')!.options].map((o) => o.value);
    expect(fields).to.include.members(['name', 'code', 'cycleStart', 'cycleEnd', 'department', 'status']);
    expect(fields).not.to.include('ownerEmail');
    expect([...root(w).querySelectorAll<HTMLSelectElement>('.options select')].some((s) => [...s.options].map((o) => o.textContent!.trim()).join() === 'Produktkürzel')).to.equal(true);
    expect(root(w).querySelector('[part="assign"]')).to.equal(null, 'products have no owner');
    await expectAccessible(w);

    const tasks = await fixture(html`<crm-provider .client=${memory.client} .user=${user} locale="en"><crm-import-wizard kind="tasks"></crm-import-wizard></crm-provider>`);
    const t = tasks.querySelector('crm-import-wizard')!;
    await t.updateComplete;
    await choose(t);
    const taskFields = [...root(t).querySelector<HTMLSelectElement>('[part="mapping"] select')!.options].map((o) => o.value);
    expect(taskFields).to.include.members(['title', 'kind', 'dueAt', 'assigneeEmail', 'contactEmail', 'customerExternalId', 'leadExternalId', 'opportunityExternalId']);
    await until(() => Boolean(root(t).querySelector('[part="assign"]')), 5000, 'the owner rule offered for tasks');
  });

  it('should deal rows without an owner to a team in turn, send the rule, and show how the check splits them', async () => {
    const memory = createMemoryImports({ withTeams: true });
    const w = await mount(memory);
    await choose(w);
    await until(() => Boolean(root(w).querySelector('[part="assign"] select')), 5000, 'owner rule shown');
    const rule = root(w).querySelector<HTMLSelectElement>('[part="assign"] select')!;
    expect([...rule.options].map((o) => o.textContent!.trim())).to.deep.equal(['The importer', 'Team “Inbound”, members in turn']);
    await pick(w, rule, rule.options[1]!.value);
    await expectAccessible(w);
    button(w, 'Check the file').click();
    await until(() => Boolean(root(w).querySelector('[part="summary"]')), 5000, 'summary shown');
    const sent = JSON.parse(String(memory.calls.find((c) => c.method === 'PUT')!.body));
    expect(sent.assign).to.deep.equal({ teamId: rule.options[1]!.value, strategy: 'round-robin' });
    expect(text(w, '[part="assignments"]')).to.equal('Owners from the team: ana@example.com: 1 and ben@example.com: 1');
    await expectAccessible(w);

    // Back to the mapping, the team stays chosen; the importer again sends no rule.
    button(w, 'Change the mapping').click();
    await w.updateComplete;
    const again = root(w).querySelector<HTMLSelectElement>('[part="assign"] select')!;
    expect(again.value).to.equal(rule.options[1]!.value);
    await pick(w, again, '');
    button(w, 'Check the file').click();
    await until(() => memory.calls.filter((c) => c.method === 'PUT').length === 2, 5000, 'mapping saved again');
    expect(JSON.parse(String(memory.calls.filter((c) => c.method === 'PUT')[1]!.body)).assign).to.equal(null);
  });

  it('should map the status values to states, set the locale, and offer the values the check found unknown', async () => {
    const memory = createMemoryImports({ withStatus: true });
    const w = await mount(memory);
    await choose(w);
    await until(() => Boolean(root(w).querySelector('[part="status-map"] tbody select')), 5000, 'status map shown');
    expect([...root(w).querySelectorAll('[part="status-map"] tbody th')].map((th) => th.textContent!.trim())).to.deep.equal(['Heiß', 'Neu', 'Kalt']);
    const [hot] = [...root(w).querySelectorAll<HTMLSelectElement>('[part="status-map"] tbody select')];
    expect([...hot!.options].map((o) => o.textContent!.trim())).to.deep.equal(['As written (a status name)', 'New', 'Contacted', 'Qualified', 'Converted', 'Disqualified']);
    await pick(w, hot!, 'qualified');
    const labels = [...root(w).querySelectorAll('label')];
    await pick(w, labels.find((l) => l.textContent!.includes('Other values'))!.querySelector('select')!, 'new');
    const locale = labels.find((l) => l.textContent!.includes('Dates and numbers'))!.querySelector('select')!;
    expect([...locale.options].map((o) => o.textContent!.trim())).to.include('German (Germany) — 31.12.2026 · 1.234,56');
    await pick(w, locale, 'de-DE');
    await expectAccessible(w);

    button(w, 'Check the file').click();
    await until(() => Boolean(root(w).querySelector('[part="summary"]')), 5000, 'summary shown');
    const sent = JSON.parse(String(memory.calls.find((c) => c.method === 'PUT')!.body));
    expect(sent.locale).to.equal('de-DE');
    expect(sent.statusMap).to.deep.equal({ values: [{ value: 'Heiß', status: 'qualified' }], unknown: 'default', default: 'new' });
    expect(text(w, '[part="status-values"]')).to.equal('Status values without a status: Vielleicht. Change the mapping to map them.');
    button(w, 'Change the mapping').click();
    await w.updateComplete;
    expect([...root(w).querySelectorAll('[part="status-map"] tbody th')].map((th) => th.textContent!.trim())).to.deep.equal(['Heiß', 'Neu', 'Kalt', 'Vielleicht']);
    expect(root(w).querySelector<HTMLSelectElement>('[part="status-map"] tbody select')!.value).to.equal('qualified', 'what was chosen stays');
  });

  it('should offer the status mapping in German and fit 390 px', async () => {
    await useViewport(phoneWidth);
    const w = await mount(createMemoryImports({ withStatus: true }), 'de');
    await choose(w);
    await until(() => Boolean(root(w).querySelector('[part="status-map"] tbody select')), 5000, 'status map shown');
    expect(text(w, '[part="status-map"] legend')).to.equal('Statuswerte');
    expect(text(w, '[part="status-map"]')).to.include('Zeile als fehlerhaft markieren');
    expect(text(w, '.options')).to.include('Datums- und Zahlenformat');
    expectFitsLayout(w);
    await expectAccessible(w);
  });

  it("should say when the agency's daily limit stopped the run, when it goes on, and offer to resume (en and de)", async () => {
    for (const [locale, status, next, resume] of [
      ['en', 'Daily import limit reached', 'It continues tomorrow: resume it after Dec 5, 2026, 1:00', 'Resume'],
      ['de', 'Tageslimit für Importe erreicht', 'Es geht morgen weiter: nach 05.12.2026, 01:00 fortsetzen', 'Fortsetzen'],
    ] as const) {
      const memory = createMemoryImports({ dailyLimit: true });
      const provider = await fixture(html`<crm-provider .client=${memory.client} .user=${user} locale=${locale} time-zone="Europe/Berlin"><crm-import-wizard kind="leads" import-id=${memoryImportId}></crm-import-wizard></crm-provider>`);
      const w = provider.querySelector('crm-import-wizard')!;
      await until(() => text(w, '.status') === status, 8000, `${locale}: stopped at the limit`);
      expect(text(w, '[part="limit"]')).to.include(next);
      expect(text(w, '[part="counts"]')).to.include(locale === 'en' ? '1 created' : '1 angelegt');
      expect(button(w, resume)).not.to.equal(undefined);
      await expectAccessible(w);
    }
  });

  it('should fit 390 px when the daily limit stopped the run', async () => {
    await useViewport(phoneWidth);
    const provider = await fixture(html`<crm-provider .client=${createMemoryImports({ dailyLimit: true }).client} .user=${user} locale="de"><crm-import-wizard kind="leads" import-id=${memoryImportId}></crm-import-wizard></crm-provider>`);
    const w = provider.querySelector('crm-import-wizard')!;
    await until(() => Boolean(root(w).querySelector('[part="limit"]')), 8000, 'limit shown');
    expectFitsLayout(w);
  });

  for (const width of [phoneWidth, deskWidth]) {
    it(`should fit ${width} px while mapping and when done`, async () => {
      await useViewport(width);
      const w = await mount(createMemoryImports());
      await choose(w);
      expectFitsLayout(w);
      await expectAccessible(w);
      button(w, 'Check the file').click();
      await until(() => Boolean(root(w).querySelector('[part="summary"]')), 5000, 'summary shown');
      button(w, 'Start the import').click();
      await until(() => text(w, '.status') === 'Import finished', 8000, 'run finished');
      expectFitsLayout(w);
      await expectAccessible(w);
    });
  }
});
