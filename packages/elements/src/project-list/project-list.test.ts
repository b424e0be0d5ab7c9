import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expect, fixture, html } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { createMemoryAfterlife } from '../test/memory-afterlife.js';
import { expectFitsLayout } from '../test/viewport.js';
import type { CrmDataClient } from '../shared/api/transport.js';
import type { CrmProjectList } from './project-list.component.js';
import './project-list.js';

const $ = <T extends Element = HTMLElement>(el: CrmProjectList, selector: string) => el.shadowRoot!.querySelector(selector) as T;
const text = (el: Element | null) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

async function mount(client: CrmDataClient | LiveApi['client'], locale = 'en', theme = 'light') {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${{ id: '1', name: 'Admin', email: 'a@example.test' }} locale=${locale} theme=${theme}><crm-project-list></crm-project-list></crm-provider>`);
  const list = provider.querySelector('crm-project-list')!;
  await until(() => Boolean(list.shadowRoot!.querySelector('table, crm-state:not([kind="loading"])')), 8000, 'the projects');
  return list;
}

describe('crm-project-list', () => {
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  it('should list the project a won deal became, with its job opened by keyboard (real API)', async () => {
    const api = await liveApi();
    const empty = await mount(api.client);
    expect($(empty, 'crm-state')?.getAttribute('kind')).to.equal('empty');
    const deal = await api.client.opportunities.create({ name: 'Globex annual report', amount: 9000 } as never);
    await api.client.opportunities.move(deal.id, { stage: 'won', version: deal.version, outcome: 'partially_won' });
    const list = await mount(api.client);
    expect(text($(list, 'caption'))).to.equal('1 project');
    expect(text($(list, '[data-outcome]'))).to.equal('Partially won');
    const summary = $<HTMLElement>(list, '[data-jobs]');
    summary.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean(summary.closest('details')?.open), 2000, 'the jobs open');
    expect(text($(list, '[data-job]'))).to.contain('Globex annual report');
    await expectAccessible(list);
  });

  it('should speak German with plurals, fit 390 and 1280 px and be axe-clean in the dark theme', async () => {
    const list = await mount(createMemoryAfterlife().client, 'de', 'dark');
    expect(text($(list, 'caption'))).to.equal('2 Projekte');
    expect(text($(list, '[data-jobs]'))).to.equal('3 Aufträge');
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      await expectFitsLayout(list);
    }
    await expectAccessible(list);
  });
});
