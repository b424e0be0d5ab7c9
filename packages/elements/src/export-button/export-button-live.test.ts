// <crm-export-button> against the real API with its Agenda jobs running: the API the other browser tests
// share runs no jobs, so this signs up a fresh agency on the first-day API, which does (test/first-day-agency.ts).
// The export of a few leads goes queued → completed, and the file handed to the browser is a real
// workbook (a ZIP archive, `PK`) holding those leads and no other.
import { expect, fixture, html } from '@open-wc/testing';
import type { Export } from '@crm/client-sdk';
import '../provider/provider.js';
import type { ExportDownloadedDetail } from '../events/export-events.js';
import { expectAccessible } from '../test/axe.js';
import { jobsAgency } from '../test/first-day-agency.js';
import { until } from '../test/live-api.js';
import { xlsxText } from '../test/xlsx-text.js';
import type { CrmExportButton } from './export-button.component.js';
import './export-button.js';

describe('crm-export-button (live API with its jobs)', () => {
  it('should export a few leads in the background, queued → completed, and hand over a real XLSX holding them', async function () {
    this.timeout(120_000);
    const { client: crm } = await jobsAgency('Export Works');
    const names = [['Ada', 'Exportwright'], ['Grace', 'Exportwright'], ['Alan', 'Exportwright']];
    for (const [firstName, lastName] of names) await crm.leads.create({ firstName: firstName!, lastName: lastName!, companyName: 'Sheet Works' });
    // One lead the filter leaves out: the file must hold only what was asked for.
    await crm.leads.create({ firstName: 'Outside', lastName: 'Filterson', companyName: 'Elsewhere' });

    // Every reading of the export the element makes, and the file it hands to the browser.
    const statuses: Export['status'][] = [];
    const exports = crm.exports;
    const create = exports.create.bind(exports);
    const get = exports.get.bind(exports);
    exports.create = async (...args) => {
      const job = await create(...args);
      statuses.push(job.status);
      return job;
    };
    exports.get = async (...args) => {
      const job = await get(...args);
      statuses.push(job.status);
      return job;
    };
    const files: Blob[] = [];
    const createObjectURL = URL.createObjectURL;
    URL.createObjectURL = (file: Blob | MediaSource) => {
      if (file instanceof Blob) files.push(file);
      return createObjectURL.call(URL, file);
    };
    try {
      const provider = await fixture(html`<crm-provider .client=${crm} locale="en"><crm-export-button kind="leads"></crm-export-button></crm-provider>`);
      const button = provider.querySelector<CrmExportButton>('crm-export-button')!;
      button.filters = { q: 'Exportwright' };
      const seen: ExportDownloadedDetail[] = [];
      button.addEventListener('crm-export-downloaded', (e) => seen.push(e.detail));
      button.shadowRoot!.querySelector<HTMLButtonElement>('[part="button"]')!.click();
      await until(() => seen.length === 1 || Boolean(button.shadowRoot!.querySelector('.error')), 60_000, 'the export downloaded');
      expect(button.shadowRoot!.querySelector('.error')?.textContent ?? '').to.equal('');

      // Asked for, it was queued; every later reading moved it on (none failed); and the API holds it completed.
      expect(statuses[0]).to.equal('queued');
      expect(statuses.filter((s) => !['queued', 'running', 'completed'].includes(s))).to.deep.equal([]);
      const { data: [job] } = await crm.exports.list({ limit: 1 });
      expect(job).to.include({ kind: 'leads', format: 'xlsx', status: 'completed', rows: 3 });
      expect(job!.filters).to.deep.equal({ q: 'Exportwright' });
      expect(seen[0]).to.deep.equal({ kind: 'leads', format: 'xlsx', size: job!.size });

      expect(files).to.have.length(1);
      const file = files[0]!;
      expect(file.size).to.equal(job!.size);
      expect(new TextDecoder().decode(new Uint8Array(await file.slice(0, 2).arrayBuffer()))).to.equal('PK');
      const sheet = await xlsxText(file);
      for (const [firstName] of names) expect(sheet).to.include(firstName);
      expect(sheet.match(/Exportwright/g)).to.have.length(3);
      expect(sheet).not.to.include('Filterson');

      expect(button.shadowRoot!.querySelector('[part="again"]')!.textContent!.trim()).to.equal('Download again');
      await expectAccessible(button);
    } finally {
      URL.createObjectURL = createObjectURL;
    }
  });
});
