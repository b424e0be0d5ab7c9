// Issue 19's browser test: the sales head sets a rep's target, the rep wins a deal, and the gauge on the
// rep's dashboard moves live. Three people of one agency on the real API: the admin (a pipeline and the
// team), the head (the team's lead, who may set its members' targets) and the rep (the dashboard).
import { createCrmClient, type CrmClient } from '@crm/client-sdk';
import { expect, fixture, html } from '@open-wc/testing';
import '../provider/provider.js';
import { until } from '../test/live-api.js';
import type { CrmDashboard } from './dashboard.component.js';
import './dashboard.js';

interface Person {
  role: string;
  id: string;
  email: string;
}

async function signedIn(baseUrl: string, email: string, password: string): Promise<CrmClient> {
  const client = createCrmClient({ baseUrl, auth: { type: 'session', email, password } });
  await client.session!.login();
  return client;
}

describe('crm-dashboard with a sales head and a rep', () => {
  it('should move the rep’s gauge live against the target their head set when the rep wins a deal', async function () {
    this.timeout(60_000);
    const agency = (await (await fetch('/__crm-e2e/agency?users=SALES_HEAD,SALES_PERSON')).json()) as { baseUrl: string; email: string; password: string; users: Person[]; error?: string };
    if (agency.error) throw new Error(`The test API did not start: ${agency.error}`);
    const [head, rep] = agency.users as [Person, Person];
    const admin = await signedIn(agency.baseUrl, agency.email, agency.password);
    const pipeline = await admin.pipelines.create({
      name: 'Roles',
      stages: [
        { key: 'lead', name: 'Lead', probability: 10, kind: 'open' },
        { key: 'won', name: 'Won', probability: 100, kind: 'won' },
        { key: 'lost', name: 'Lost', probability: 0, kind: 'lost' },
      ],
    });
    await admin.org.teams.create({ name: 'Field sales', leadId: head.id, memberIds: [rep.id] });

    const headClient = await signedIn(agency.baseUrl, head.email, agency.password);
    const repClient = await signedIn(agency.baseUrl, rep.email, agency.password);
    // The current month as the API's calendar has it (the agency's time zone).
    const { periodStart } = await headClient.targets.attainment({ metric: 'deals.won.amount', period: 'month' });
    // Only someone above the rep sets their target: the rep may not, their head may.
    const refused = await repClient.targets.create({ metric: 'deals.won.amount', period: 'month', periodStart, dimension: 'owner', key: rep.id, value: 1 }).then(
      () => 'accepted',
      (error: { status?: number }) => error.status,
    );
    expect(refused).to.equal(403);
    await headClient.targets.create({ metric: 'deals.won.amount', period: 'month', periodStart, dimension: 'owner', key: rep.id, value: 10000 });

    const board = await repClient.dashboards.create({
      name: 'My month',
      widgets: [
        { id: 'won', kind: 'gauge', title: 'Won this month', metric: 'deals.won.amount', period: 'month', dimension: 'owner', target: true, x: 0, y: 0, w: 4, h: 3 },
        // A split a sales person may not see (403 on its own): this widget shows its error, the gauge its figures.
        { id: 'stages', kind: 'chart', title: 'Won by stage', metric: 'deals.won.amount', period: 'month', dimension: 'stage', chart: 'bar', x: 4, y: 0, w: 4, h: 3 },
      ],
    });
    performance.clearResourceTimings();
    const me = repClient.session!.user!;
    const provider = await fixture(html`<crm-provider .client=${repClient} .user=${{ id: me.id, name: me.name, email: me.email }}><crm-dashboard dashboard-id=${board.id}></crm-dashboard></crm-provider>`);
    const dashboard = provider.querySelector('crm-dashboard') as CrmDashboard;
    const meter = () => dashboard.shadowRoot!.querySelector('crm-gauge')?.shadowRoot?.querySelector('[role="meter"]');
    await until(() => meter()?.getAttribute('aria-valuemax') === '10000', 15_000, 'the gauge against the head’s target');
    expect(meter()!.getAttribute('aria-valuenow')).to.equal('0');
    await until(() => Boolean(dashboard.shadowRoot!.querySelector('[data-widget="stages"] .error')), 15_000, 'the forbidden widget’s error');
    expect(dashboard.shadowRoot!.querySelector('[data-widget="stages"] .error')!.textContent).to.include('Won by stage');
    // Both widgets in one request, none of their own.
    const asked = performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname);
    expect(asked.filter((path) => path === '/v1/metrics/batch').length).to.be.greaterThan(0);
    expect(asked.filter((path) => path === '/v1/metrics' || path === '/v1/targets/attainment')).to.deep.equal([]);

    // The socket the dashboard listens on is connected once a subscription on it is acknowledged.
    let stop = () => undefined as void;
    await new Promise<void>((resolve) => (stop = repClient.realtime.subscribe({ resource: 'opportunity' }, () => undefined, { onSubscribed: () => resolve() })));
    await repClient.opportunities.create({ name: 'Umbrella - Fleet', amount: 2500, currency: 'EUR', pipelineId: pipeline.id, stage: 'won', expectedCloseDate: '2027-03-31' });
    await until(() => meter()?.getAttribute('aria-valuenow') === '2500', 15_000, 'the gauge moved live');
    expect(meter()!.getAttribute('aria-valuetext')!.replace(/[\u00a0\u202f]/g, ' ')).to.equal('€2,500 of €10,000 (25%)');
    stop();
  });
});
