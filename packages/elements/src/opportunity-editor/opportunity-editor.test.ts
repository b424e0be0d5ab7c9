import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { Opportunity, Pipeline } from '@crm/client-sdk';
import '../provider/provider.js';
import type { CrmSelectField } from '../select-field/select-field.component.js';
import type { CrmTextField } from '../text-field/text-field.component.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import type { CrmOpportunityEditor } from './opportunity-editor.component.js';
import './opportunity-editor.js';

describe('crm-opportunity-editor', () => {
  let api: LiveApi;
  let pipeline: Pipeline;

  before(async () => {
    api = await liveApi();
    pipeline = await api.client.pipelines.create({
      name: `Editor ${Math.random().toString(16).slice(2, 8)}`,
      stages: [
        { key: 'lead', name: 'Lead', probability: 10, kind: 'open' },
        { key: 'proposal', name: 'Proposal sent', probability: 60, kind: 'open' },
        { key: 'won', name: 'Won', probability: 100, kind: 'won' },
        { key: 'lost', name: 'Lost', probability: 0, kind: 'lost' },
      ],
    });
  });

  afterEach(resetViewport);

  function deal(name = 'Acme - Platform'): Promise<Opportunity> {
    return api.client.opportunities.create({ name, amount: 12500, currency: 'EUR', pipelineId: pipeline.id, stage: 'lead', expectedCloseDate: '2027-03-31' });
  }

  async function mount(opportunityId: string, attrs: { locale?: string; theme?: string } = {}): Promise<CrmOpportunityEditor> {
    const provider = await fixture(html`<crm-provider .client=${api.client} .user=${api.user} locale=${attrs.locale ?? 'en'} theme=${attrs.theme ?? 'light'}>
      <crm-opportunity-editor opportunity-id=${opportunityId}></crm-opportunity-editor>
    </crm-provider>`);
    const editor = provider.querySelector('crm-opportunity-editor')!;
    await until(() => Boolean(editor.shadowRoot!.querySelector('form')), 8000, 'editor form');
    return editor;
  }

  const field = <T extends CrmTextField | CrmSelectField = CrmTextField>(editor: CrmOpportunityEditor, name: string) => editor.shadowRoot!.querySelector<T>(`[name="${name}"]`)!;
  const errorOf = (el: CrmTextField | CrmSelectField) => el.shadowRoot!.querySelector('[part="error-message"]')!.textContent ?? '';

  async function choose(editor: CrmOpportunityEditor, name: string, value: string): Promise<void> {
    const select = field<CrmSelectField>(editor, name);
    const native = select.shadowRoot!.querySelector('select')!;
    native.value = value;
    native.dispatchEvent(new Event('input', { bubbles: true }));
    native.dispatchEvent(new Event('change', { bubbles: true }));
    await editor.updateComplete;
  }

  it('should show the deal with stages by name, edit it by keyboard and save it with the version check', async () => {
    const record = await deal();
    const editor = await mount(record.id);
    const stage = field<CrmSelectField>(editor, 'stage');
    expect(stage.options.map((o) => o.label)).to.deep.equal(['Lead', 'Proposal sent', 'Won', 'Lost']);
    expect(field(editor, 'expectedCloseDate').value).to.equal('2027-03-31');
    field(editor, 'nextStep').focus();
    await sendKeys({ type: 'Send the proposal' });
    field(editor, 'amount').focus();
    await sendKeys({ down: 'Control' });
    await sendKeys({ press: 'a' });
    await sendKeys({ up: 'Control' });
    await sendKeys({ type: '20000' });
    await choose(editor, 'stage', 'proposal');
    const saved = oneEvent(editor, 'crm-opportunity-saved');
    await sendKeys({ press: 'Enter' });
    const { detail } = await saved;
    expect(detail.opportunity.stage).to.equal('proposal');
    const stored = await api.client.opportunities.get(record.id);
    expect(stored.amount).to.equal(20000);
    expect(stored.nextStep).to.equal('Send the proposal');
    expect(stored.stage).to.equal('proposal');
  });

  it('should require a reason for a lost stage, beside the field, and send it with the move', async () => {
    const record = await deal('Acme - Lost one');
    const editor = await mount(record.id);
    await choose(editor, 'stage', 'lost');
    const reason = field(editor, 'lostReason');
    expect(reason.required).to.equal(true);
    editor.shadowRoot!.querySelector<HTMLButtonElement>('[part="save-button"]')!.click();
    await until(() => errorOf(field(editor, 'lostReason')) !== '', 4000, 'reason error');
    expect(errorOf(field(editor, 'lostReason'))).to.equal('Please fill in Reason it was lost.');
    expect(editor.shadowRoot!.activeElement).to.equal(field(editor, 'lostReason'));
    expect((await api.client.opportunities.get(record.id)).stage).to.equal('lead');
    await sendKeys({ type: 'Went with a competitor' });
    const saved = oneEvent(editor, 'crm-opportunity-saved');
    editor.shadowRoot!.querySelector<HTMLButtonElement>('[part="save-button"]')!.click();
    await saved;
    const stored = await api.client.opportunities.get(record.id);
    expect([stored.stage, stored.outcome, stored.lostReason]).to.deep.equal(['lost', 'lost', 'Went with a competitor']);
  });

  it('should explain a change someone else saved meanwhile and load their version on request', async () => {
    const record = await deal('Acme - Contested');
    const editor = await mount(record.id);
    await api.client.opportunities.update(record.id, { name: 'Acme - Renamed elsewhere' }, { ifMatch: record.version });
    field(editor, 'nextStep').focus();
    await sendKeys({ type: 'Call back' });
    editor.shadowRoot!.querySelector<HTMLButtonElement>('[part="save-button"]')!.click();
    await until(() => Boolean(editor.shadowRoot!.querySelector('[part="conflict"]')), 8000, 'conflict');
    expect((await api.client.opportunities.get(record.id)).nextStep).to.equal(null);
    editor.shadowRoot!.querySelector<HTMLButtonElement>('[part="conflict"] button')!.click();
    await until(() => field(editor, 'name')?.value === 'Acme - Renamed elsewhere', 4000, 'their version');
  });

  it("should lay the API's field errors beside the field and focus it", async () => {
    const record = await deal('Acme - Odd currency');
    const editor = await mount(record.id);
    // A currency the API refuses arrives from a host's own list.
    const currency = field<CrmSelectField>(editor, 'currency');
    currency.options = [...currency.options, { value: 'euro', label: 'euro' }];
    await currency.updateComplete;
    await choose(editor, 'currency', 'euro');
    editor.shadowRoot!.querySelector<HTMLButtonElement>('[part="save-button"]')!.click();
    await until(() => errorOf(field(editor, 'currency')) !== '', 8000, 'currency error');
    expect(errorOf(field(editor, 'currency'))).to.equal('must be an ISO 4217 code such as EUR');
    expect(editor.shadowRoot!.activeElement).to.equal(field(editor, 'currency'));
    expect(editor.shadowRoot!.querySelector('[part="error-summary"]')).to.equal(null);
  });

  it('should speak German with German currency names, and English without', async () => {
    const record = await deal('Acme - Sprachen');
    const de = await mount(record.id, { locale: 'de' });
    expect(field(de, 'expectedCloseDate').label).to.equal('Erwarteter Abschluss');
    expect(field<CrmSelectField>(de, 'currency').options[0]!.label).to.equal('EUR · Euro');
    expect(de.shadowRoot!.querySelector('[part="save-button"]')!.textContent!.trim()).to.equal('Deal speichern');
    const en = await mount(record.id, { locale: 'en' });
    expect(field<CrmSelectField>(en, 'currency').options.find((o) => o.value === 'USD')!.label).to.equal('USD · US Dollar');
  });

  it('should cancel on Escape', async () => {
    const record = await deal('Acme - Escape');
    const editor = await mount(record.id);
    field(editor, 'name').focus();
    const cancelled = oneEvent(editor, 'crm-opportunity-cancel');
    await sendKeys({ press: 'Escape' });
    expect((await cancelled).detail.dirty).to.equal(false);
  });

  for (const width of [phoneWidth, deskWidth]) {
    for (const theme of ['light', 'dark']) {
      it(`should fit ${width} px with 44 px targets and be axe-clean in the ${theme} theme`, async () => {
        await useViewport(width);
        const record = await deal(`Acme - ${width} ${theme}`);
        const editor = await mount(record.id, { theme });
        await choose(editor, 'stage', 'lost');
        expectFitsLayout(editor);
        await expectAccessible(editor.parentElement!);
      });
    }
  }
});
