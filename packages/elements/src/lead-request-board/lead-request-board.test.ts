import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expect, fixture, html } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { createMemoryAfterlife } from '../test/memory-afterlife.js';
import { expectFitsLayout } from '../test/viewport.js';
import type { CrmDataClient } from '../shared/api/transport.js';
import type { CrmLeadRequestBoard } from './lead-request-board.component.js';
import './lead-request-board.js';

const $ = <T extends Element = HTMLElement>(el: CrmLeadRequestBoard, selector: string) => el.shadowRoot!.querySelector(selector) as T;
const text = (el: Element | null) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

async function mount(client: CrmDataClient | LiveApi['client'], locale = 'en', theme = 'light') {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${{ id: '1', name: 'Admin', email: 'a@example.test' }} locale=${locale} theme=${theme}><crm-lead-request-board></crm-lead-request-board></crm-provider>`);
  const board = provider.querySelector('crm-lead-request-board')!;
  await until(() => Boolean(board.shadowRoot!.querySelector('form')), 8000, 'the form');
  return board;
}

/** Clicks a button once it is there and enabled (the board disables its buttons while a call runs). */
async function press(board: CrmLeadRequestBoard, selector: string) {
  await until(() => Boolean($<HTMLButtonElement>(board, selector)) && !$<HTMLButtonElement>(board, selector).disabled, 6000, selector);
  $<HTMLButtonElement>(board, selector).click();
}

describe('crm-lead-request-board', () => {
  let api: LiveApi;

  before(async () => {
    api = await liveApi();
  });
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  it('should ask for leads by keyboard, vet, approve, deliver them and start a campaign on exactly them (real API)', async () => {
    const leads = await Promise.all(['Axel Verlag', 'Bertels Media'].map((companyName) => api.client.leads.create({ kind: 'company', companyName, industry: 'Publishing' } as never)));
    const board = await mount(api.client);
    expect($(board, 'crm-state')?.getAttribute('kind')).to.equal('empty');
    // A needed count of 0 is refused by the API, naming the field.
    $<HTMLInputElement>(board, '[data-field="title"]').focus();
    await sendKeys({ type: 'Publishers' });
    $<HTMLInputElement>(board, '[data-field="neededCount"]').focus();
    await sendKeys({ type: '0' });
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean($(board, '#e-criteria-neededCount')), 6000, 'the count error');
    expect($(board, '[data-field="neededCount"]').getAttribute('aria-invalid')).to.equal('true');
    $<HTMLInputElement>(board, '[data-field="neededCount"]').value = '2';
    $<HTMLInputElement>(board, '[data-field="industry"]').value = 'Publishing';
    $<HTMLButtonElement>(board, '[data-create]').focus();
    await sendKeys({ press: 'Enter' });
    await until(() => text($(board, 'caption')) === '1 request for leads', 6000, 'the request listed');

    $<HTMLButtonElement>(board, '[data-open]').focus();
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean($(board, '[data-lead]')) && !$<HTMLButtonElement>(board, '[data-propose]').disabled, 6000, 'the leads to propose');
    await until(() => Boolean(board.shadowRoot!.activeElement?.hasAttribute('data-detail-heading')), 4000, 'focus on the request');
    for (const lead of leads) $<HTMLInputElement>(board, `[data-lead="${lead.id}"]`).click();
    await press(board, '[data-propose]');
    await until(() => board.shadowRoot!.querySelectorAll('[data-item]').length === 2, 6000, 'two proposed');
    await press(board, '[data-move="vetting"]');
    await until(() => Boolean($(board, '[data-accept]')), 6000, 'vetting');
    for (const lead of leads) {
      await press(board, `[data-accept="${lead.id}"]`);
      await until(() => $(board, `[data-item="${lead.id}"] [data-item-state]`)?.getAttribute('data-item-state') === 'accepted', 6000, 'accepted');
    }
    await press(board, '[data-move="approved"]');
    await until(() => Boolean($(board, '[data-deliver]')), 6000, 'approved');
    await expectAccessible(board);
    await press(board, '[data-deliver]');
    await until(() => Boolean($(board, '[data-start-campaign]')), 6000, 'delivered');
    expect(text($(board, '.detail [data-status]'))).to.equal('Delivered');
    $<HTMLInputElement>(board, '[data-field="campaignTitle"]').focus();
    await sendKeys({ type: 'Call the publishers' });
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean($(board, '[data-campaign]')), 6000, 'the campaign');
    const [request] = (await api.client.leadRequests.list()).data;
    const campaign = await api.client.campaigns.get(request!.campaignId!);
    expect([...campaign.audience!.leadIds].sort()).to.deep.equal(leads.map((l) => l.id).sort());
  });

  it('should show which criteria a lead is outside of, refuse to accept it, and edit the criteria by keyboard (real API)', async () => {
    const big = await api.client.leads.create({ kind: 'company', companyName: 'Gross Verlag', industry: 'Publishing', employees: 800, companySize: 'medium' } as never);
    const request = await api.client.leadRequests.create({ title: 'Mid-size publishers', criteria: { neededCount: 1, industry: 'Publishing', employeesMax: 500, size: 'medium' } });
    await api.client.leadRequests.addCandidates(request.id, [big.id]);
    await api.client.leadRequests.transition(request.id, { to: 'vetting' });
    const board = await mount(api.client);
    await press(board, `[data-open="${request.id}"]`);
    const outside = () => $(board, `[data-item="${big.id}"] [data-outside]`);
    await until(() => Boolean(outside()), 6000, 'the lead outside the criteria');
    expect(outside().getAttribute('data-outside')).to.equal('employeesMax');
    expect(text(outside())).to.equal('(outside the criteria: Employees to)');
    await press(board, `[data-accept="${big.id}"]`);
    await until(() => Boolean($(board, `[data-item="${big.id}"] [role="alert"]`)), 6000, 'the refusal on the row');
    expect(text($(board, `[data-item="${big.id}"] [role="alert"]`))).to.contain('800 employees');
    expect($(board, `[data-item="${big.id}"] [data-item-state]`).getAttribute('data-item-state')).to.equal('candidate');
    // Widened by keyboard: up to 1000 employees; the lead is checked again and may be accepted.
    const max = $<HTMLInputElement>(board, '[data-criteria="employeesMax"]');
    expect(max.value).to.equal('500');
    max.focus();
    max.select();
    await sendKeys({ type: '1000' });
    await sendKeys({ press: 'Enter' });
    await until(() => !outside(), 6000, 'checked against the new criteria');
    expect((await api.client.leadRequests.get(request.id)).criteria.employeesMax).to.equal(1000);
    await press(board, `[data-accept="${big.id}"]`);
    await until(() => $(board, `[data-item="${big.id}"] [data-item-state]`)?.getAttribute('data-item-state') === 'accepted', 6000, 'accepted');
    await expectAccessible(board);
  });

  it('should speak German, fit 390 and 1280 px and be axe-clean in the dark theme', async () => {
    const board = await mount(createMemoryAfterlife().client, 'de', 'dark');
    expect(text($(board, 'caption'))).to.equal('2 Lead-Anfragen');
    expect(text($(board, '[data-status="vetting"]'))).to.equal('Prüfung');
    await press(board, '[data-open]');
    await until(() => Boolean($(board, '[data-accept]')), 6000, 'the vetting list');
    expect(text($(board, '.detail caption'))).to.equal('3 Leads in dieser Anfrage');
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      await expectFitsLayout(board);
    }
    await expectAccessible(board);
  });
});
