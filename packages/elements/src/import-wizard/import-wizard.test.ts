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
