// The example portal's exports (issue 20) end to end in Chromium: the portal as the API serves it at /app/
// with its Agenda jobs running (the first-day API, see test/first-day-agency.ts), a fresh agency signed in
// through the provider's form. Leads' Export runs in the background and its file comes (the status line
// names it); every other page of a kind has its button; the Exports page lists the export, finished, and
// `#exports/<id>` (where the "export is ready" notification leads) highlights it; at 1280 and 390 px, and
// the page's CSP never fires. Expects `node examples/portal/build.mjs` to have run.
import { expect } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { jobsAgency, type JobsAgency } from '../test/first-day-agency.js';
import { until } from '../test/live-api.js';
import { openHostFrame, signInByKeyboard, type HostFrame } from './host-frame.js';

const text = (node: Node | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('the example portal: exports', () => {
  let agency: JobsAgency;
  let portal: HostFrame | undefined;

  before(async function () {
    this.timeout(120_000);
    await setViewport({ width: 1400, height: 1000 });
    if (!(await fetch('/app/portal.js', { method: 'HEAD' })).ok) throw new Error('the portal is not built: run `node examples/portal/build.mjs`');
    agency = await jobsAgency('Northwind Exports');
  });
  after(() => portal?.close());

  it('should export leads from their page, list the export on the Exports page and highlight it from its link', async function () {
    this.timeout(120_000);
    for (const [firstName, lastName] of [['Ada', 'Lovelace'], ['Grace', 'Hopper']]) await agency.client.leads.create({ firstName: firstName!, lastName: lastName! });

    portal = await openHostFrame(`${location.origin}/app/#leads`, { title: 'portal' });
    const { doc, problems } = portal;
    await signInByKeyboard(doc, agency);
    await until(() => Boolean(doc.querySelector('crm-lead-list')), 15_000, 'the portal after sign-in');

    // Every page of a kind has its export button.
    const buttons = Object.fromEntries([...doc.querySelectorAll('section[data-view] crm-export-button')].map((b) => [b.closest('section')!.dataset.view, b.getAttribute('kind')]));
    expect(buttons).to.deep.equal({ contacts: 'contacts', leads: 'leads', customers: 'customers', pipeline: 'opportunities', tasks: 'tasks', support: 'tickets' });

    // Leads: Export, in the background; the file comes and the status line names it.
    doc.querySelector<HTMLAnchorElement>('a[data-view="leads"]')!.click();
    const button = doc.querySelector('crm-export-button[kind="leads"]')!;
    await until(() => Boolean(button.shadowRoot?.querySelector('[part="button"]')), 10_000, 'the export button');
    button.shadowRoot!.querySelector<HTMLButtonElement>('[part="button"]')!.click();
    await until(() => /^Downloaded leads\.xlsx \(/.test(text(doc.getElementById('status'))) || Boolean(button.shadowRoot!.querySelector('.error')), 60_000, 'the export downloaded');
    expect(text(button.shadowRoot!.querySelector('.error'))).to.equal('');
    expect(text(button.shadowRoot!.querySelector('[part="again"]'))).to.equal('Download again');
    const { data: [job] } = await agency.client.exports.list({ limit: 5 });
    expect(job).to.include({ kind: 'leads', status: 'completed', rows: 2 });

    // The Exports page, from the nav: the export, ready.
    const link = doc.querySelector<HTMLAnchorElement>('a[data-view="exports"]')!;
    expect(link.hidden).to.equal(false);
    link.click();
    const list = doc.querySelector('crm-export-list')!;
    // Read again on each visit: the export as it is now, finished.
    const cells = () => [...(list.shadowRoot?.querySelectorAll('tbody tr > *') ?? [])].map(text);
    await until(() => !(list.closest('section') as HTMLElement).hidden && cells()[2] === 'Ready', 10_000, 'the Exports page with the export').catch((error: Error) => {
      throw new Error(`${error.message}: ${cells().join(' | ')}`);
    });
    expect(list.shadowRoot!.querySelectorAll('tbody tr')).to.have.length(1);
    expect(text(doc.getElementById('view-title'))).to.equal('Exports');
    expect(cells().slice(0, 4)).to.deep.equal(['Leads', 'Excel (.xlsx)', 'Ready', '2']);
    expect(list.shadowRoot!.querySelector('tr[data-highlighted]')).to.equal(null);

    // Where the notification leads: that export, highlighted; on a phone too, without sideways scrolling.
    portal.win.location.hash = `#exports/${job!.id}`;
    await until(() => Boolean(list.shadowRoot!.querySelector(`tr[data-export="${job!.id}"][data-highlighted]`)), 10_000, 'the export highlighted');
    portal.frame.style.width = '390px';
    await until(() => portal!.win.innerWidth === 390, 5000, 'the phone width');
    expect(doc.documentElement.scrollWidth).to.be.at.most(390);
    expect(problems).to.deep.equal([]);
  });
});
