// The message step of <crm-campaign-creator> against the real API: writing with merge fields, the
// API's preview for a real recipient, a test sent to the signed-in user, and the API's refusal to
// activate a campaign that would send nothing, shown on the steps it names.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { Campaign, MessageTemplate } from '@crm/client-sdk';
import '../provider/provider.js';
import type { CrmSelectField } from '../select-field/select-field.component.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import type { CrmCampaignCreator } from './campaign-creator.component.js';
import './campaign-creator.js';

async function mount(api: LiveApi, locale = 'en'): Promise<CrmCampaignCreator> {
  const provider = await fixture(html`<crm-provider .client=${api.client} .user=${api.user} locale=${locale}><crm-campaign-creator></crm-campaign-creator></crm-provider>`);
  const creator = provider.querySelector('crm-campaign-creator')!;
  await until(() => Boolean(creator.shadowRoot!.querySelector('#step-heading')), 8000, 'creator ready');
  return creator;
}

const root = (creator: CrmCampaignCreator) => creator.shadowRoot!;
const heading = (creator: CrmCampaignCreator) => root(creator).querySelector('#step-heading')!.textContent;
const next = (creator: CrmCampaignCreator) => root(creator).querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
const button = (creator: CrmCampaignCreator, text: string) => [...root(creator).querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent!.includes(text))!;
const preview = (creator: CrmCampaignCreator) => root(creator).querySelector('[part="preview"]')!;

async function fillDetails(creator: CrmCampaignCreator, title: string, code: string): Promise<void> {
  root(creator).querySelector<HTMLElement>('crm-text-field[name="title"]')!.focus();
  await sendKeys({ type: title });
  await sendKeys({ press: 'Tab' });
  await sendKeys({ type: code });
  await sendKeys({ press: 'Enter' });
  await until(() => heading(creator) === 'Audience' || heading(creator) === 'Zielgruppe', 8000, 'audience step');
}

async function pickSegment(creator: CrmCampaignCreator, segmentId: string): Promise<void> {
  const native = root(creator).querySelector<CrmSelectField>('crm-select-field[name="segmentId"]')!.shadowRoot!.querySelector('select')!;
  native.value = segmentId;
  native.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  native.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
  await creator.updateComplete;
}

/** Presses a merge-field button by keyboard (focus, Enter), as a person tabbing to it would. */
async function insertField(creator: CrmCampaignCreator, field: string): Promise<void> {
  root(creator).querySelector<HTMLButtonElement>(`button.merge-field[data-field="${field}"]`)!.focus();
  await sendKeys({ press: 'Enter' });
  await creator.updateComplete;
}

describe('crm-campaign-creator: the message step', () => {
  let api: LiveApi;
  let segmentId: string;
  before(async () => {
    api = await liveApi();
    await api.client.contacts.create({ firstName: 'Ada<img src=x>', lastName: 'Lovelace', tags: ['launch'], emails: [{ label: 'work', value: 'ada@example.com', primary: true }] });
    segmentId = (await api.client.segments.create({ name: 'Launch', resource: 'contact', filters: { tag: 'launch' }, sharing: 'agency' })).id;
  });

  afterEach(() => resetViewport());

  it('should write a message with merge fields by keyboard, preview it for a real recipient and send a test to the signed-in user, then activate it', async () => {
    const creator = await mount(api);
    await fillDetails(creator, 'Autumn launch', 'AUT-26');
    await pickSegment(creator, segmentId);
    next(creator);
    await until(() => heading(creator) === 'Message');

    root(creator).querySelector<HTMLInputElement>('input[name="message-kind"][value="written"]')!.click();
    await creator.updateComplete;
    root(creator).querySelector<HTMLElement>('crm-text-field[name="subject"]')!.focus();
    await sendKeys({ type: 'Hello ' });
    await insertField(creator, 'recipient.firstName');
    root(creator).querySelector<HTMLTextAreaElement>('#message-body')!.focus();
    await sendKeys({ type: 'Dear ' });
    await insertField(creator, 'recipient.fullName');
    // The caret is back in the message, after the field.
    expect(root(creator).activeElement?.id).to.equal('message-body');
    await sendKeys({ type: ', see you soon.' });
    const draft = (creator as unknown as { draft: { subject: string; body: string } }).draft;
    expect(draft.subject).to.equal('Hello {{recipient.firstName}}');
    expect(draft.body).to.equal('Dear {{recipient.fullName}}, see you soon.');

    // The API renders it for the segment's member, whose name holds markup: shown as text.
    await until(() => preview(creator).querySelector('.body')?.textContent === 'Dear Ada<img src=x> Lovelace, see you soon.', 8000, 'preview');
    expect(preview(creator).querySelector('h3')!.textContent).to.equal('Preview for Ada<img src=x> Lovelace');
    expect(preview(creator).querySelector('.subject')!.textContent).to.contain('Hello Ada<img src=x>');
    expect(preview(creator).querySelectorAll('img')).to.have.length(0);
    await expectAccessible(creator);

    button(creator, 'Send a test to me').click();
    await until(() => root(creator).querySelector('.test-status')!.textContent === `Test sent to ${api.user.email}.`, 8000, 'test sent');
    const saved = (creator as unknown as { saved: Campaign }).saved;
    const stored = await api.client.campaigns.get(saved.id);
    expect(stored.status).to.equal('draft');
    expect(stored.counts.testSends).to.equal(1);
    expect(stored.message).to.deep.equal({ templateId: null, subject: 'Hello {{recipient.firstName}}', body: 'Dear {{recipient.fullName}}, see you soon.' });

    for (const step of ['Schedule and delivery', 'Review']) {
      next(creator);
      await until(() => heading(creator) === step);
    }
    expect(root(creator).querySelector('[part="summary"]')!.textContent).to.contain('Hello {{recipient.firstName}}');
    const activated = oneEvent(creator, 'crm-campaign-saved');
    button(creator, 'Activate').click();
    const { detail } = await activated;
    expect(detail.campaign.id, 'the draft saved for the test is the one activated').to.equal(saved.id);
    const active = await api.client.campaigns.get(saved.id);
    expect(active.status).to.equal('active');
    expect(active.audience?.segmentId).to.equal(segmentId);
    // The send goes out with the written message, stored as a campaign template.
    const sends = await api.client.transport.get<{ data: Array<{ name: string; templateId: string; targets: { segmentId: string | null } }> }>('/v1/greetings');
    const send = sends.data.find((s) => s.name === 'Autumn launch')!;
    expect(send.targets.segmentId).to.equal(segmentId);
    const template = await api.client.templates.get(send.templateId) as MessageTemplate;
    expect(template).to.include({ subject: 'Hello {{recipient.firstName}}', text: 'Dear {{recipient.fullName}}, see you soon.', category: 'campaign' });
  });

  it("should show the API's refusal to activate a campaign with no audience and no message on the steps it names", async () => {
    const creator = await mount(api);
    await fillDetails(creator, 'Empty launch', 'EMPTY-26');
    expect(root(creator).textContent).to.contain('To activate the campaign, choose a segment');
    for (const step of ['Message', 'Schedule and delivery', 'Review']) {
      next(creator);
      await until(() => heading(creator) === step, 8000, step);
    }
    button(creator, 'Activate').click();
    await until(() => heading(creator) === 'Audience', 8000, 'back on the audience step');
    const error = () => root(creator).querySelector('[part="error"]')?.textContent ?? '';
    await until(() => error().includes('Audience: is empty'), 8000, 'the audience error');
    expect(error()).not.to.contain('Message:');
    const messageStep = [...root(creator).querySelectorAll('[part="step"]')][2]!;
    expect(messageStep.classList.contains('flagged')).to.equal(true);
    expect(messageStep.textContent).to.contain('needs attention');
    await expectAccessible(creator);

    // Nothing went active: the API refused, and the campaign waits as it was saved.
    const saved = (creator as unknown as { saved: Campaign }).saved;
    expect((await api.client.campaigns.get(saved.id)).status).not.to.equal('active');

    messageStep.querySelector('button')!.click();
    await until(() => heading(creator) === 'Message');
    expect(error()).to.contain('Message: is missing');
    expect(root(creator).querySelector('#message-error')!.textContent).to.contain('is missing');
    await expectAccessible(creator);
  });

  it('should speak German on the message step, with counts in words', async () => {
    const creator = await mount(api, 'de');
    await fillDetails(creator, 'Herbst', 'HERBST-26');
    await pickSegment(creator, segmentId);
    await until(() => root(creator).querySelector('[part="audience-count"]')!.textContent!.trim() === '1 Empfänger', 8000, 'count');
    next(creator);
    await until(() => heading(creator) === 'Nachricht');
    root(creator).querySelector<HTMLInputElement>('input[name="message-kind"][value="written"]')!.click();
    await creator.updateComplete;
    expect(root(creator).querySelector('legend')!.textContent).to.equal('Die Nachricht');
    expect(root(creator).querySelector('button.merge-field[data-field="recipient.firstName"]')!.textContent).to.contain('Vorname');
    expect(button(creator, 'Test an mich senden')).to.not.equal(undefined);
    await expectAccessible(creator);
  });

  it('should fit the message step on a phone (390 px) and a desk (1280 px)', async () => {
    for (const width of [phoneWidth, deskWidth]) {
      await useViewport(width);
      const creator = await mount(api);
      await fillDetails(creator, `Fit ${width}`, `FIT-${width}`);
      await pickSegment(creator, segmentId);
      next(creator);
      await until(() => heading(creator) === 'Message');
      root(creator).querySelector<HTMLInputElement>('input[name="message-kind"][value="written"]')!.click();
      await creator.updateComplete;
      expectFitsLayout(creator);
      await expectAccessible(creator);
    }
  });
});
