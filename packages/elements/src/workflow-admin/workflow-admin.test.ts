import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { failingClient } from '../test/story-provider.js';
import { expectFitsLayout } from '../test/viewport.js';
import type { CrmWorkflowAdmin } from './workflow-admin.component.js';
import './workflow-admin.js';
import { workflowBody, workflowDraft } from './workflow-draft.js';

async function mount(client: unknown, user: unknown, attrs: { locale?: string; workflowKey?: string; pipelineId?: string; theme?: string } = {}): Promise<CrmWorkflowAdmin> {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${user} locale=${attrs.locale ?? 'en'} theme=${attrs.theme ?? 'light'}>
    <crm-workflow-admin workflow-key=${attrs.workflowKey ?? ''} pipeline-id=${attrs.pipelineId ?? ''}></crm-workflow-admin></crm-provider>`);
  const admin = provider.querySelector('crm-workflow-admin')!;
  await until(() => Boolean(admin.shadowRoot!.querySelector('[part="form"], crm-state:not([kind="loading"])')), 8000, 'workflows');
  return admin;
}

const $ = <T extends Element = HTMLElement>(admin: Element, selector: string) => admin.shadowRoot!.querySelector(selector) as T;

function type(admin: Element, field: string, value: string): void {
  const control = $<HTMLInputElement>(admin, `[data-field="${field}"]`);
  control.value = value;
  control.dispatchEvent(new Event(control.tagName === 'SELECT' ? 'change' : 'input'));
}

/** Ticks "<from> can move to <to>" (by the labels shown). */
function allow(admin: Element, fromKey: string, toLabel: string): void {
  const card = $(admin, `[part="state"][data-state="${fromKey}"]`);
  const label = [...card.querySelectorAll('[part="moves"] label')].find((l) => l.querySelector('span')!.textContent === toLabel)!;
  label.querySelector('input')!.click();
}

const submit = (admin: Element) => $<HTMLButtonElement>(admin, 'form button[type="submit"]').click();
const errors = (admin: Element) => [...admin.shadowRoot!.querySelectorAll('.field-error')].map((e) => e.textContent);

describe('crm-workflow-admin', () => {
  let api: LiveApi;
  before(async () => {
    api = await liveApi();
  });
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  it("should add a state and its moves to the lead workflow and save it with the version it read, on the real API", async () => {
    const before = await api.client.workflows.get('lead');
    const admin = await mount(api.client, api.user);
    expect($<HTMLSelectElement>(admin, '[data-field="workflow"]').value).to.equal('w:contact');
    type(admin, 'workflow', 'w:lead');
    await until(() => $(admin, '#workflow-heading')?.textContent === 'Workflow: Lead', 4000, 'lead workflow');
    expect($(admin, 'h3').textContent).to.equal('5 states');

    $<HTMLButtonElement>(admin, '[data-add]').click();
    await admin.updateComplete;
    expect(admin.shadowRoot!.activeElement).to.equal($(admin, '[data-field="states.5.key"]'));
    type(admin, 'states.5.key', 'nurturing');
    type(admin, 'states.5.label', 'Nurturing');
    await admin.updateComplete;
    allow(admin, 'new', 'Nurturing');
    allow(admin, 'nurturing', 'Qualified');
    const saved = oneEvent(admin, 'crm-workflow-saved');
    submit(admin);
    const { detail } = await saved;
    const stored = await api.client.workflows.get('lead');
    expect(stored.version).to.equal(before.version + 1);
    expect(detail.workflow.version).to.equal(stored.version);
    expect(stored.states.map((s) => s.key)).to.deep.equal(['new', 'contacted', 'qualified', 'converted', 'disqualified', 'nurturing']);
    expect(stored.transitions).to.deep.include({ from: 'new', to: 'nurturing', roles: [] });
    expect(stored.transitions).to.deep.include({ from: 'nurturing', to: 'qualified', roles: [] });
    expect(stored.transitions.length).to.equal(before.transitions.length + 2);
    await admin.updateComplete;
    expect($(admin, '[part="message"]').textContent).to.equal('Lead is saved.');
    // Saved keys stay as they are: records hold them.
    expect($(admin, '[data-field="states.5.key"]')).to.equal(null);
    await expectAccessible(admin);
  });

  it('should refuse a bad, a repeated and an empty key and an empty label beside each, focusing the first, sending nothing', async () => {
    const before = await api.client.workflows.get('customer');
    const admin = await mount(api.client, api.user, { workflowKey: 'customer' });
    for (let i = 0; i < 3; i++) {
      $<HTMLButtonElement>(admin, '[data-add]').click();
      await admin.updateComplete;
    }
    type(admin, 'states.5.key', 'On Hold');
    type(admin, 'states.5.label', 'On hold');
    type(admin, 'states.6.key', 'draft');
    type(admin, 'states.6.label', 'Again');
    type(admin, 'states.7.label', 'Nameless');
    type(admin, 'states.1.label', '');
    submit(admin);
    await until(() => errors(admin).length === 4, 4000, 'errors');
    expect(errors(admin)).to.deep.equal([
      'Please fill in Label.',
      'Use lower-case letters, digits and _, starting with a letter (at most 40).',
      'Another state already has the key draft.',
      'Please fill in Key.',
    ]);
    expect(admin.shadowRoot!.activeElement).to.equal($(admin, '[data-field="states.1.label"]'));
    expect($(admin, '[data-field="states.1.label"]').getAttribute('aria-describedby')).to.equal('f-states-1-label-error');
    expect((await api.client.workflows.get('customer')).version).to.equal(before.version);
    await expectAccessible(admin);
  });

  it('should not overwrite a workflow another admin saved first: their version loads, or this one saves over it', async () => {
    const own = await liveApi();
    const admin = await mount(own.client, own.user, { workflowKey: 'contact' });
    const first = await own.client.workflows.get('contact');
    await own.client.workflows.replace('contact', { name: first.name, initial: first.initial, states: first.states.map((s) => (s.key === 'hot' ? { ...s, label: 'Warm' } : s)), transitions: first.transitions }, { ifMatch: first.version });
    type(admin, 'states.1.label', 'Burning');
    submit(admin);
    await until(() => Boolean($(admin, 'form [role="alert"]')), 6000, 'conflict');
    expect((await own.client.workflows.get('contact')).states[1]!.label).to.equal('Warm');
    $<HTMLButtonElement>(admin, 'form [role="alert"] button').click();
    await admin.updateComplete;
    expect($<HTMLInputElement>(admin, '[data-field="states.1.label"]').value).to.equal('Warm');

    // A second conflict, this time saving over theirs.
    const second = await own.client.workflows.get('contact');
    await own.client.workflows.replace('contact', { name: 'Contacts', initial: second.initial, states: second.states, transitions: second.transitions }, { ifMatch: second.version });
    type(admin, 'states.1.label', 'Burning');
    submit(admin);
    await until(() => Boolean($(admin, 'form [role="alert"]')), 6000, 'second conflict');
    const saved = oneEvent(admin, 'crm-workflow-saved');
    submit(admin);
    await saved;
    const stored = await own.client.workflows.get('contact');
    expect(stored.states[1]!.label).to.equal('Burning');
    expect(stored.version).to.equal(second.version + 2);
  });

  it('should edit a pipeline as ordered stages with probability and kind, reordered by keyboard, on the real API', async () => {
    const own = await liveApi();
    const pipeline = await own.client.pipelines.create({
      name: 'Sponsorship',
      stages: [
        { key: 'lead', name: 'Lead', probability: 10, kind: 'open' },
        { key: 'proposal', name: 'Proposal', probability: 50, kind: 'open' },
        { key: 'won', name: 'Won', probability: 100, kind: 'won' },
      ],
    });
    const admin = await mount(own.client, own.user, { pipelineId: pipeline.id });
    expect($(admin, '#workflow-heading').textContent).to.equal('Opportunity stages: Sponsorship');
    type(admin, 'stages.1.probability', '150');
    $<HTMLButtonElement>(admin, '[data-add]').click();
    await admin.updateComplete;
    type(admin, 'stages.3.key', 'lost');
    type(admin, 'stages.3.name', 'Lost');
    type(admin, 'stages.3.probability', '0');
    type(admin, 'stages.3.kind', 'lost');
    submit(admin);
    await until(() => errors(admin).length === 1, 4000, 'probability error');
    expect(errors(admin)).to.deep.equal(['Enter a whole number from 0 to 100.']);
    expect(admin.shadowRoot!.activeElement).to.equal($(admin, '[data-field="stages.1.probability"]'));
    type(admin, 'stages.1.probability', '40');
    // Move "Lead" below "Proposal" with the keyboard; focus follows the stage.
    $<HTMLButtonElement>(admin, '[part="state"][data-state="lead"] [data-move="1"]').focus();
    await sendKeys({ press: 'Enter' });
    await admin.updateComplete;
    expect(admin.shadowRoot!.activeElement!.getAttribute('aria-label')).to.equal('Move Lead down');
    expect([...admin.shadowRoot!.querySelectorAll('[part="state"]')].map((s) => s.getAttribute('data-state'))).to.deep.equal(['proposal', 'lead', 'won', 'lost']);
    const saved = oneEvent(admin, 'crm-pipeline-saved');
    submit(admin);
    await saved;
    const stored = await own.client.pipelines.get(pipeline.id);
    expect(stored.stages).to.deep.equal([
      { key: 'proposal', name: 'Proposal', probability: 40, kind: 'open' },
      { key: 'lead', name: 'Lead', probability: 10, kind: 'open' },
      { key: 'won', name: 'Won', probability: 100, kind: 'won' },
      { key: 'lost', name: 'Lost', probability: 0, kind: 'lost' },
    ]);
    await expectAccessible(admin);
  });

  it('should create a pipeline that starts with an open stage, Won and Lost, on the real API', async () => {
    const own = await liveApi();
    const admin = await mount(own.client, own.user, { workflowKey: 'lead' });
    type(admin, 'workflow', 'p:new');
    await until(() => $(admin, '#workflow-heading')?.textContent === 'New pipeline', 4000, 'new pipeline');
    submit(admin);
    await until(() => errors(admin).length === 1, 4000, 'name required');
    expect(errors(admin)).to.deep.equal(['Please fill in Pipeline name.']);
    expect(admin.shadowRoot!.activeElement).to.equal($(admin, '[data-field="name"]'));
    type(admin, 'name', 'Exhibitors');
    const saved = oneEvent(admin, 'crm-pipeline-saved');
    submit(admin);
    const { detail } = await saved;
    const stored = await own.client.pipelines.get(detail.pipeline.id);
    expect(stored.name).to.equal('Exhibitors');
    expect(stored.stages.map((s) => [s.key, s.name, s.kind])).to.deep.equal([['new', 'New', 'open'], ['won', 'Won', 'won'], ['lost', 'Lost', 'lost']]);
    await admin.updateComplete;
    expect(admin.pipelineId).to.equal(stored.id);
    expect($(admin, '#workflow-heading').textContent).to.equal('Opportunity stages: Exhibitors');
    expect($<HTMLSelectElement>(admin, '[data-field="workflow"]').value).to.equal(`p:${stored.id}`);
  });

  it('should ask before a switch discards unsaved changes', async () => {
    const own = await liveApi();
    const admin = await mount(own.client, own.user, { workflowKey: 'lead' });
    type(admin, 'name', 'Leads (draft)');
    type(admin, 'workflow', 'w:campaign');
    await until(() => Boolean($<HTMLDialogElement>(admin, 'dialog[part="confirm"]')?.open), 4000, 'dialog');
    await expectAccessible(admin);
    await sendKeys({ press: 'Escape' });
    await until(() => !$(admin, 'dialog[part="confirm"]'), 4000, 'closed');
    expect(admin.workflowKey).to.equal('lead');
    expect($<HTMLSelectElement>(admin, '[data-field="workflow"]').value).to.equal('w:lead');
    expect($<HTMLInputElement>(admin, '[data-field="name"]').value).to.equal('Leads (draft)');
    type(admin, 'workflow', 'w:campaign');
    await until(() => Boolean($<HTMLDialogElement>(admin, 'dialog[part="confirm"]')?.open), 4000, 'dialog');
    $<HTMLButtonElement>(admin, '[data-answer="confirm"]').click();
    await until(() => $(admin, '#workflow-heading')?.textContent === 'Workflow: Campaign', 4000, 'campaign');
    expect((await own.client.workflows.get('lead')).name).to.equal('Lead');
  });

  it('should keep the roles a move had when the draft leaves that move alone', () => {
    const draft = workflowDraft({
      key: 'lead', name: 'Lead', initial: 'new', version: 3, updatedAt: null,
      states: [{ key: 'new', label: 'New', final: false }, { key: 'won', label: 'Won', final: true }],
      transitions: [{ from: 'new', to: 'won', roles: ['sales_head'] }],
    });
    draft.states[1] = { ...draft.states[1]!, label: 'Converted' };
    expect(workflowBody(draft).transitions).to.deep.equal([{ from: 'new', to: 'won', roles: ['sales_head'] }]);
  });

  for (const width of [390, 1280]) {
    it(`should fit ${width} px without horizontal scroll, in German, axe-clean in the dark theme`, async () => {
      await setViewport({ width, height: 900 });
      const own = await liveApi();
      const admin = await mount(own.client, own.user, { locale: 'de', theme: 'dark', workflowKey: 'callingTask' });
      expect($(admin, 'h3').textContent).to.equal('5 Status');
      expect($(admin, '[part="state"][data-state="rescheduled"] [part="moves"] legend').textContent).to.equal('Re-scheduled kann wechseln zu');
      expectFitsLayout(admin);
      await expectAccessible(admin);
    });
  }

  it('should show an error state when the API cannot be reached', async () => {
    const admin = await mount(failingClient, undefined);
    expect($(admin, 'crm-state').getAttribute('kind')).to.equal('error');
    await expectAccessible(admin);
  });
});
