// The example portal (examples/portal) end to end in Chromium against the real API, for issue 23.5-7:
// a lost deal reviewed on the Lost deals page (routed to the group of its reason), the project a won deal
// became on the Projects page, and a request for leads run from sourcing to a campaign on the Lead requests
// page (keyboard use is tested on each element). The page's CSP must never fire. Expects `node examples/portal/build.mjs` to have run.
import type { CrmClient } from '@crm/client-sdk';
import { expect } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { until, type LiveApi } from '../test/live-api.js';
import { exampleAgency, examplesRoot, openHostFrame, signInByKeyboard, type HostFrame } from './host-frame.js';

const portalRoot = `${examplesRoot}portal/`;
const text = (node: Node | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('the example portal: lost deals, projects and requests for leads', () => {
  let agency: LiveApi;
  let crm: CrmClient;
  let portal: HostFrame | undefined;

  before(async function () {
    this.timeout(60_000);
    await setViewport({ width: 1400, height: 1000 });
    agency = await exampleAgency(`${portalRoot}dist/portal.js`, 'node examples/portal/build.mjs');
    crm = agency.client;
  });
  after(() => portal?.close());

  it('should review a lost deal, show the won deal’s project, and turn a request for leads into a campaign', async function () {
    this.timeout(90_000);
    // Arranged through the API: a fallback consultant group, two leads, a won and a lost deal.
    const me = crm.session!.user!;
    await crm.lostRouting.createGroup({ reason: '*', name: 'Deal doctors', memberIds: [me.id] });
    const leads = await Promise.all(['Axel Verlag', 'Bertels Media'].map((companyName) => crm.leads.create({ kind: 'company', companyName, industry: 'Publishing' } as never)));
    const won = await crm.opportunities.create({ name: 'Globex annual report', amount: 9000 } as never);
    await crm.opportunities.move(won.id, { stage: 'won', version: won.version });
    const lost = await crm.opportunities.create({ name: 'Acme renewal', amount: 4000 } as never);
    await crm.opportunities.move(lost.id, { stage: 'lost', version: lost.version, lostReason: 'timing' });

    portal = await openHostFrame(`${portalRoot}dist/index.html?api=${encodeURIComponent(agency.baseUrl)}`, { title: 'portal' });
    const { doc, problems } = portal;
    await signInByKeyboard(doc, agency);
    await until(() => Boolean(doc.querySelector('crm-contact-list')), 10_000, 'the portal after sign-in');

    // Lost deals: the review, routed to the fallback group, decided from the page.
    doc.querySelector<HTMLAnchorElement>('a[data-view="lost-deals"]')!.click();
    const lostAdmin = doc.querySelector('crm-lost-review-admin')!;
    await until(() => Boolean(lostAdmin.shadowRoot?.querySelector('[data-decide]')), 10_000, 'the lost deal to review');
    expect((lostAdmin.closest('section') as HTMLElement).hidden).to.equal(false);
    expect(text(lostAdmin.shadowRoot!.querySelector('[data-review]'))).to.contain('Deal doctors');
    lostAdmin.shadowRoot!.querySelector<HTMLSelectElement>('[data-outcome-select]')!.value = 'confirmed_lost';
    lostAdmin.shadowRoot!.querySelector<HTMLButtonElement>('[data-decide]')!.click();
    await until(() => Boolean(lostAdmin.shadowRoot!.querySelector('[data-outcome="confirmed_lost"]')), 10_000, 'the outcome recorded');
    expect((await crm.lostRouting.reviews({ opportunityId: lost.id })).data[0]!.outcome).to.equal('confirmed_lost');

    // Projects: the won deal's project.
    doc.querySelector<HTMLAnchorElement>('a[data-view="projects"]')!.click();
    const projects = doc.querySelector('crm-project-list')!;
    await until(() => text(projects.shadowRoot?.querySelector('caption')) === '1 project', 10_000, 'the project');
    expect(text(projects.shadowRoot!.querySelector('[data-project] th'))).to.equal('Globex annual report');

    // Lead requests: ask, propose, vet, approve, deliver, campaign.
    doc.querySelector<HTMLAnchorElement>('a[data-view="lead-requests"]')!.click();
    const board = doc.querySelector('crm-lead-request-board')!;
    const $ = <T extends HTMLElement>(selector: string) => board.shadowRoot!.querySelector<T>(selector)!;
    /** Clicks a button once it is there and enabled (the board disables its buttons while a call runs). */
    const press = async (selector: string) => {
      await until(() => Boolean(board.shadowRoot!.querySelector<HTMLButtonElement>(selector)) && !board.shadowRoot!.querySelector<HTMLButtonElement>(selector)!.disabled, 10_000, selector);
      board.shadowRoot!.querySelector<HTMLButtonElement>(selector)!.click();
    };
    await until(() => Boolean(board.shadowRoot?.querySelector('[data-create]')), 10_000, 'the request form');
    $<HTMLInputElement>('[data-field="title"]').value = 'Publishers for the spring fair';
    $<HTMLInputElement>('[data-field="neededCount"]').value = '2';
    await press('[data-create]');
    await until(() => Boolean(board.shadowRoot!.querySelector('[data-open]')), 10_000, 'the request listed').catch((error: Error) => {
      throw new Error(`${error.message}: ${text(board.shadowRoot!.querySelector('[role="status"]'))} ${text(board.shadowRoot!.querySelector('form'))}`);
    });
    await press('[data-open]');
    await until(() => Boolean(board.shadowRoot!.querySelector('[data-lead]')) && !board.shadowRoot!.querySelector<HTMLButtonElement>('[data-propose]')!.disabled, 10_000, 'the leads to propose');
    for (const lead of leads) $<HTMLInputElement>(`[data-lead="${lead.id}"]`).click();
    await press('[data-propose]');
    await until(() => board.shadowRoot!.querySelectorAll('[data-item]').length === 2, 10_000, 'two proposed').catch((error: Error) => {
      throw new Error(`${error.message}: ${text(board.shadowRoot!.querySelector('[role="status"]'))} ${text(board.shadowRoot!.querySelector('.detail'))}`);
    });
    await press('[data-move="vetting"]');
    for (const lead of leads) {
      await until(() => Boolean(board.shadowRoot!.querySelector(`[data-accept="${lead.id}"]`)), 10_000, 'vetting');
      await press(`[data-accept="${lead.id}"]`);
      await until(() => board.shadowRoot!.querySelector(`[data-item="${lead.id}"] [data-item-state]`)?.getAttribute('data-item-state') === 'accepted', 10_000, 'accepted');
    }
    await press('[data-move="approved"]');
    await until(() => Boolean(board.shadowRoot!.querySelector('[data-deliver]')), 10_000, 'approved');
    await press('[data-deliver]');
    await until(() => Boolean(board.shadowRoot!.querySelector('[data-start-campaign]')), 10_000, 'delivered');
    $<HTMLInputElement>('[data-field="campaignTitle"]').value = 'Spring fair calls';
    await press('[data-start-campaign]');
    await until(() => Boolean(board.shadowRoot!.querySelector('[data-campaign]')), 10_000, 'the campaign started');
    const [request] = (await crm.leadRequests.list()).data;
    expect(request!.deliveredCount).to.equal(2);
    const campaign = await crm.campaigns.get(request!.campaignId!);
    expect([...campaign.audience!.leadIds].sort()).to.deep.equal(leads.map((l) => l.id).sort());
    expect(problems).to.deep.equal([]);
  });
});
