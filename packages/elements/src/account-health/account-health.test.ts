import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expect, fixture, html } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { createMemoryAccountHealth } from '../test/memory-account-health.js';
import { expectFitsLayout } from '../test/viewport.js';
import type { CrmDataClient } from '../shared/api/transport.js';
import type { CrmAccountHealth } from './account-health.component.js';
import './account-health.js';

const $ = <T extends Element = HTMLElement>(el: Element, selector: string) => el.shadowRoot!.querySelector(selector) as T;
const text = (el: Element | null) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
/** The Monday (UTC) of the week `date` is in, as YYYY-MM-DD. */
const mondayOf = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - ((date.getUTCDay() + 6) % 7))).toISOString().slice(0, 10);

async function mount(client: CrmDataClient | LiveApi['client'], accountId: string, locale = 'en', theme = 'light') {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${{ id: '1', name: 'Admin', email: 'a@example.test' }} locale=${locale} theme=${theme}><crm-account-health account-id=${accountId}></crm-account-health></crm-provider>`);
  const health = provider.querySelector('crm-account-health')!;
  await until(() => Boolean(health.shadowRoot!.querySelector('crm-chart, crm-state:not([kind="loading"])')), 8000, 'the weeks');
  return health;
}

describe('crm-account-health', () => {
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  it('should chart the weeks the job recorded and show the drop it flagged, with the table by keyboard (real API)', async () => {
    const api = await liveApi();
    const account = await api.client.customers.create({ name: 'Quiet GmbH' } as never);
    const empty = await mount(api.client, account.id);
    expect($(empty, 'crm-state')?.getAttribute('kind')).to.equal('empty');
    // Five calls last week (dated then), none this week: this week's run flags the drop.
    const thisWeek = mondayOf(new Date());
    const lastWeek = mondayOf(new Date(Date.parse(`${thisWeek}T00:00:00Z`) - 7 * 86_400_000));
    for (let i = 0; i < 5; i++) await api.client.activities.create({ type: 'call', title: `Call ${i}`, subject: { type: 'customer', id: account.id }, occurredAt: `${lastWeek}T1${i}:00:00.000Z` } as never);
    await api.client.accountHealth.run({ week: lastWeek });
    await api.client.accountHealth.run({ week: thisWeek });

    const health = await mount(api.client, account.id);
    expect(text($(health, '[data-flag="activity_drop"]'))).to.contain('0 activities logged, against 5 a week before');
    const chart = $(health, 'crm-chart');
    await until(() => Boolean(chart.shadowRoot?.querySelector('[part="toggle"]')), 8000, 'the chart');
    const toggle = chart.shadowRoot!.querySelector<HTMLElement>('[part="toggle"]')!;
    toggle.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => toggle.getAttribute('aria-pressed') === 'true' || toggle.getAttribute('aria-expanded') === 'true', 2000, 'the table shown');
    const table = text(chart.shadowRoot!.querySelector('[part="table"]'));
    for (const series of ['Activities', 'Orders', 'Tickets', 'Late payments']) expect(table).to.contain(series);
    expect(table).to.contain('5');
    await expectAccessible(health);
  });

  it('should write German dates and plurals, fit 390 and 1280 px and be axe-clean in the dark theme', async () => {
    const { client, accountId } = createMemoryAccountHealth();
    const health = (await mount(client, accountId, 'de', 'dark')) as CrmAccountHealth;
    expect(text($(health, 'h3'))).to.equal('Aktuelle Hinweise · Woche vom 30.11.2026');
    expect(text($(health, '[data-flag="activity_drop"]'))).to.equal('Weniger Aktivität 1 Aktivität erfasst, zuvor 10 pro Woche');
    expect(text($(health, '[data-flag="late_payment"]'))).to.match(/^Verspätete Zahlungen 2 Rechnungen überfällig, 4\.350,50\s€ offen$/);
    expect($(health, 'crm-chart').getAttribute('label')).to.equal('Wochenmuster: Letzte 12 Wochen');
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      await expectFitsLayout(health);
    }
    await expectAccessible(health);
  });

  it('should ask for an account when none is set and say so when the week has no flags', async () => {
    const calm = createMemoryAccountHealth({ calm: true });
    const none = await mount(calm.client, '');
    expect($(none, 'crm-state')?.getAttribute('message')).to.equal('Pick an account to see its weekly pattern.');
    const health = await mount(calm.client, calm.accountId);
    expect(text($(health, '[data-no-flags]'))).to.equal('No flags in the week of Nov 30, 2026: the account behaves as usual.');
  });
});
