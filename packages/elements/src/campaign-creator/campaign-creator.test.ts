import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../provider/provider.js';
import type { CrmSelectField } from '../select-field/select-field.component.js';
import type { Campaign, Contact, Segment, Template } from '../shared/api/types.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { createMemoryApi, MemoryApiError } from '../test/memory-api.js';
import type { CrmTextField } from '../text-field/text-field.component.js';
import type { CrmCampaignCreator } from './campaign-creator.component.js';
import './campaign-creator.js';

async function mount(api: LiveApi): Promise<CrmCampaignCreator> {
  const provider = await fixture(html`<crm-provider .client=${api.client} .user=${api.user}><crm-campaign-creator></crm-campaign-creator></crm-provider>`);
  const creator = provider.querySelector('crm-campaign-creator')!;
  await until(() => (creator as unknown as { templates: unknown[] }).templates.length > 0, 8000, 'templates');
  return creator;
}

const heading = (creator: CrmCampaignCreator) => creator.shadowRoot!.querySelector('#step-heading')!.textContent;
const next = (creator: CrmCampaignCreator) => creator.shadowRoot!.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();

async function pickSelect(creator: CrmCampaignCreator, name: string, value: string): Promise<void> {
  const select = creator.shadowRoot!.querySelector<CrmSelectField>(`crm-select-field[name="${name}"]`)!;
  const native = select.shadowRoot!.querySelector('select')!;
  native.value = value;
  native.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  native.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
  await creator.updateComplete;
}

async function fillDetails(creator: CrmCampaignCreator, title: string, code: string): Promise<void> {
  creator.shadowRoot!.querySelector<HTMLElement>('crm-text-field[name="title"]')!.focus();
  await sendKeys({ type: title });
  await sendKeys({ press: 'Tab' });
  await sendKeys({ type: code });
  await sendKeys({ press: 'Enter' });
}

const hexId = (n: number) => n.toString(16).padStart(24, '0');

/** From the audience step: picks the segment and the first template, walks to Review and presses the button. */
async function toReviewAndPress(creator: CrmCampaignCreator, segmentId: string, button: 'draft' | 'Activate'): Promise<void> {
  await until(() => heading(creator) === 'Audience');
  await pickSelect(creator, 'segmentId', segmentId);
  next(creator);
  await until(() => heading(creator) === 'Message');
  await pickSelect(creator, 'templateId', (creator as unknown as { templates: Template[] }).templates[0]!.id);
  for (const step of ['Schedule and delivery', 'Review']) {
    next(creator);
    await until(() => heading(creator) === step);
  }
  [...creator.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="actions"] button')].find((b) => b.textContent!.includes(button))!.click();
}

describe('crm-campaign-creator', () => {
  let api: LiveApi;
  let segment: Segment;
  let markup: Segment;
  before(async () => {
    api = await liveApi();
    // A recipient whose name carries markup: the preview must show it as text.
    await api.client.transport.post<Contact>('/v1/contacts', { firstName: 'Ada<img src=x>', lastName: 'Lovelace', tags: ['vip', 'markup'], emails: [{ label: 'work', value: 'ada@example.com', primary: true }] });
    await api.client.transport.post<Contact>('/v1/contacts', { firstName: 'Grace', lastName: 'Hopper', tags: ['vip'] });
    segment = await api.client.transport.post<Segment>('/v1/segments', { name: 'VIPs', resource: 'contact', filters: { tag: 'vip' }, sharing: 'agency' });
    markup = await api.client.transport.post<Segment>('/v1/segments', { name: 'Markup', resource: 'contact', filters: { tag: 'markup' }, sharing: 'agency' });
    await api.client.transport.post('/v1/customers', { name: 'Bletchley <b>Works</b>' });
    await api.client.transport.post<Template>('/v1/templates', {
      name: 'Welcome',
      category: 'campaign',
      subject: 'Welcome, {{recipient.firstName}}!',
      html: '<p>Hello {{recipient.firstName}}</p>',
      text: 'Hello {{recipient.firstName}} {{recipient.lastName}}, welcome aboard.',
    });
  });

  it('should keep the person on a step until its required fields are filled', async () => {
    const creator = await mount(api);
    expect(heading(creator)).to.equal('Details');
    next(creator);
    await creator.updateComplete;
    expect(heading(creator)).to.equal('Details');
    expect(creator.shadowRoot!.querySelector('[part="error"]')!.textContent).to.contain('Please fill in Title');
    await expectAccessible(creator);
  });

  it('should walk every step by keyboard with a live count and an escaped real preview, then activate', async () => {
    const creator = await mount(api);
    await fillDetails(creator, 'Spring launch', 'SPR-26');
    await until(() => heading(creator) === 'Audience');
    expect(creator.shadowRoot!.activeElement?.id).to.equal('step-heading');

    await pickSelect(creator, 'segmentId', segment.id);
    const count = creator.shadowRoot!.querySelector('[part="audience-count"]')!;
    await until(() => count.textContent!.includes('2 recipients'), 8000, 'live count');
    await expectAccessible(creator);
    next(creator);
    await until(() => heading(creator) === 'Message');

    const template = (creator as unknown as { templates: Template[] }).templates[0]!;
    await pickSelect(creator, 'templateId', template.id);
    const preview = creator.shadowRoot!.querySelector('[part="preview"]')!;
    await until(() => preview.textContent!.includes('welcome aboard'), 8000, 'preview');
    expect(preview.textContent).to.contain('Welcome, ');
    expect(preview.querySelector('img')).to.equal(null);
    next(creator);
    await until(() => heading(creator) === 'Schedule and delivery');
    next(creator);
    await until(() => heading(creator) === 'Review');
    expect(creator.shadowRoot!.querySelector('[part="summary"]')!.textContent).to.contain('Spring launch');
    await expectAccessible(creator);

    const saved = oneEvent(creator, 'crm-campaign-saved');
    [...creator.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="actions"] button')].find((b) => b.textContent!.includes('Activate'))!.click();
    const { detail } = await saved;
    expect(detail.activated).to.equal(true);
    const stored = await api.client.transport.get<Campaign & { code: string }>(`/v1/campaigns/${detail.campaign.id}`);
    expect(stored).to.include({ title: 'Spring launch', code: 'SPR-26', status: 'active' });
    const sends = await api.client.transport.get<{ data: Array<{ name: string; targets: { segmentId: string | null; contactIds: string[] } }> }>('/v1/greetings');
    const send = sends.data.find((s) => s.name === 'Spring launch')!;
    // The segment travels as itself; the API takes its two members when the send is scheduled.
    expect(send.targets.segmentId).to.equal(segment.id);
    expect(send.targets.contactIds).to.have.length(2);
  });

  it("should take the person back to the field the API refused, with the API's message", async () => {
    const creator = await mount(api);
    await fillDetails(creator, 'Bad code', 'no spaces allowed');
    await toReviewAndPress(creator, segment.id, 'draft');
    await until(() => heading(creator) === 'Details', 8000, 'back on details');
    const code = creator.shadowRoot!.querySelector<CrmTextField>('crm-text-field[name="code"]')!;
    await until(() => code.error !== '');
    expect(creator.shadowRoot!.querySelector('[part="error"]')!.textContent).to.contain('Code: ');
    await expectAccessible(creator);
  });

  it('should preview the message for a real recipient as escaped text: a segment member, then a picked customer', async () => {
    const creator = await mount(api);
    const root = creator.shadowRoot!;
    await fillDetails(creator, 'Markup', 'MK-1');
    await until(() => heading(creator) === 'Audience');
    await pickSelect(creator, 'segmentId', markup.id);
    await until(() => root.querySelector('[part="audience-count"]')!.textContent!.includes('1 recipient'), 8000, 'live count');
    next(creator);
    await until(() => heading(creator) === 'Message');
    await pickSelect(creator, 'templateId', (creator as unknown as { templates: Template[] }).templates[0]!.id);
    const preview = () => root.querySelector('[part="preview"]')!;
    await until(() => preview().textContent!.includes('welcome aboard'), 8000, 'preview');
    // The API rendered the template for Ada, whose name holds markup: it shows as the characters typed.
    expect(preview().querySelector('h3')!.textContent).to.equal('Preview for Ada<img src=x> Lovelace');
    expect(preview().querySelector('.subject')!.textContent).to.contain('Welcome, Ada<img src=x>!');
    expect(preview().querySelector('.body')!.textContent).to.equal('Hello Ada<img src=x> Lovelace, welcome aboard.');
    expect(preview().querySelectorAll('img, b, script')).to.have.length(0);

    // Back to the audience: hand-pick a customer alone, and the preview is rendered for that customer.
    [...root.querySelectorAll<HTMLButtonElement>('[part="actions"] button')].find((b) => b.textContent!.includes('Back'))!.click();
    await until(() => heading(creator) === 'Audience');
    root.querySelectorAll<HTMLInputElement>('input[name="audience-kind"]')[1]!.click();
    await creator.updateComplete;
    root.querySelector<HTMLElement>('crm-text-field[name="search"]')!.focus();
    await sendKeys({ type: 'Bletchley' });
    await until(() => root.querySelectorAll('.results input').length === 1, 8000, 'customer found');
    root.querySelector<HTMLInputElement>('.results input')!.click();
    next(creator);
    await until(() => heading(creator) === 'Message');
    await until(() => preview().textContent!.includes('Preview for Bletchley'), 8000, 'customer preview');
    await until(() => preview().querySelector('.body')?.textContent === 'Hello Bletchley <b>Works</b> , welcome aboard.', 8000, 'customer preview body');
    expect(preview().querySelectorAll('img, b, script')).to.have.length(0);
    await expectAccessible(creator);
  });

  it('should refuse a segment larger than one send takes on its field, before saving anything', async () => {
    const memory = createMemoryApi({ segmentCounts: { [hexId(0x500001)]: 60_000 }, segments: [{ id: hexId(0x500001), name: 'Everyone', resource: 'contact' }] });
    const provider = await fixture(html`<crm-provider .client=${memory.client}><crm-campaign-creator></crm-campaign-creator></crm-provider>`);
    const creator = provider.querySelector('crm-campaign-creator')!;
    await until(() => creator.shadowRoot!.querySelector('#step-heading')?.textContent === 'Details', 4000, 'details');
    await fillDetails(creator, 'Too many', 'BIG-1');
    await toReviewAndPress(creator, hexId(0x500001), 'Activate');
    await until(() => heading(creator) === 'Audience', 4000, 'back on the audience step');
    await until(() => Boolean(creator.shadowRoot!.querySelector('[part="error"]')?.textContent?.includes('more than the 50,000 one send takes')), 4000, 'the audience error');
    expect(creator.shadowRoot!.querySelector('[part="error"]')!.textContent).to.contain('Audience: ');
    // Rendering a preview writes nothing; a campaign, its moves and sends do.
    const writes = memory.calls.filter((c) => c.method === 'POST' && /^\/v1\/(campaigns|greetings)(\/\w+\/transitions)?$/.test(c.path));
    expect(writes.map((c) => c.path)).to.deep.equal([], 'no campaign, no send');
  });

  it('should say "at least" for a capped count, and walk the members before activating such a segment', async () => {
    const id = hexId(0x500002);
    const memory = createMemoryApi({ segmentCounts: { [id]: 10_000 }, cappedSegments: [id], segments: [{ id, name: 'Wide', resource: 'contact' }] });
    const provider = await fixture(html`<crm-provider .client=${memory.client}><crm-campaign-creator></crm-campaign-creator></crm-provider>`);
    const creator = provider.querySelector('crm-campaign-creator')!;
    await until(() => creator.shadowRoot!.querySelector('#step-heading')?.textContent === 'Details', 4000, 'details');
    await fillDetails(creator, 'Wide', 'WIDE-1');
    await until(() => heading(creator) === 'Audience');
    await pickSelect(creator, 'segmentId', id);
    const count = creator.shadowRoot!.querySelector('[part="audience-count"]')!;
    await until(() => count.textContent!.includes('at least 10,000 recipients'), 4000, 'the capped count');
    await expectAccessible(creator);
    // The walk finds the memory API's few members, under what one send takes: the campaign goes out.
    const walks = () => memory.calls.filter((c) => c.method === 'GET' && c.path === `/v1/segments/${id}/members` && (c.query as { fields?: string } | undefined)?.fields === 'id');
    expect(walks()).to.have.length(0, 'no walk while only looking');
    await toReviewAndPress(creator, id, 'Activate');
    await until(() => memory.calls.some((c) => c.method === 'POST' && c.path === '/v1/greetings'), 8000, 'the send');
    const firstSave = memory.calls.findIndex((c) => c.method === 'POST' && c.path === '/v1/campaigns');
    expect(walks()).to.have.length.above(0, 'the members were walked');
    expect(memory.calls.indexOf(walks()[0]!)).to.be.below(firstSave, 'before anything was saved');
  });

  it('should design the loading and error states of its choices, and retry', async () => {
    const memory = createMemoryApi();
    memory.failNext('GET', /^\/v1\/templates$/, new MemoryApiError(503, 'unavailable', 'The API is unavailable.'));
    const provider = await fixture(html`<crm-provider .client=${memory.client}><crm-campaign-creator></crm-campaign-creator></crm-provider>`);
    const creator = provider.querySelector('crm-campaign-creator')!;
    expect(creator.shadowRoot!.querySelector('crm-state')!.kind).to.equal('loading');
    await until(() => creator.shadowRoot!.querySelector('crm-state')?.kind === 'error', 4000, 'error state');
    const state = creator.shadowRoot!.querySelector('crm-state')!;
    expect(state.message).to.equal('The API is unavailable.');
    await expectAccessible(creator);
    state.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry-button"]')!.click();
    await until(() => creator.shadowRoot!.querySelector('#step-heading')?.textContent === 'Details', 4000, 'details after retry');
  });

  it('should let the person hand-pick recipients with a live count', async () => {
    const creator = await mount(api);
    await fillDetails(creator, 'Picked', 'P-1');
    await until(() => heading(creator) === 'Audience');
    creator.shadowRoot!.querySelectorAll<HTMLInputElement>('input[name="audience-kind"]')[1]!.click();
    await creator.updateComplete;
    creator.shadowRoot!.querySelector<HTMLElement>('crm-text-field[name="search"]')!.focus();
    await sendKeys({ type: 'grace' });
    await until(() => creator.shadowRoot!.querySelectorAll('.results input').length > 0, 8000, 'search results');
    creator.shadowRoot!.querySelector<HTMLInputElement>('.results input')!.click();
    await creator.updateComplete;
    expect(creator.shadowRoot!.querySelector('[part="audience-count"]')!.textContent!.trim()).to.equal('1 recipient');
    await expectAccessible(creator);
  });
});
