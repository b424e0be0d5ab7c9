import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expect, fixture, html } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { createMemoryConversations } from '../test/memory-conversations.js';
import { expectFitsLayout } from '../test/viewport.js';
import type { CrmDataClient } from '../shared/api/transport.js';
import type { CrmMessageDeletedEvent, CrmMessageEditedEvent, CrmMessagePostedEvent } from '../events/message-events.js';
import type { CrmMessages } from './messages.component.js';
import './messages.js';

const $ = <T extends Element = HTMLElement>(el: CrmMessages, selector: string) => el.shadowRoot!.querySelector(selector) as T;
const $$ = (el: CrmMessages, selector: string) => [...el.shadowRoot!.querySelectorAll(selector)];
const text = (el: Element | null) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

async function mount(client: CrmDataClient | LiveApi['client'], user: { id: string; name: string; email: string }, content: ReturnType<typeof html>, locale = 'en', theme = 'light') {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${user} locale=${locale} theme=${theme}>${content}</crm-provider>`);
  const element = provider.querySelector('crm-messages')!;
  await until(() => Boolean(element.shadowRoot!.querySelector('[data-draft], [data-start]')), 8000, 'the element loaded');
  return element;
}

describe('crm-messages', () => {
  let api: LiveApi;

  before(async () => {
    api = await liveApi();
  });
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  it("should post on a lead's thread by keyboard, mention a colleague picked from the suggestions, and show a message posted elsewhere live", async () => {
    const roles = await api.client.roles.list();
    const role = roles.data.find((r) => r.key === 'SALES_PERSON') ?? roles.data[0]!;
    const colleague = await api.client.users.invite({ email: `moritz-${Date.now()}@example.test`, name: 'Moritz Meyer', roleId: role.id });
    // The colleague owns the lead, so may read its thread and be mentioned there (the admin sees every lead).
    const lead = await api.client.leads.create({ firstName: 'Linnea', lastName: 'Berg', companyName: 'Berg Robotics', ownerId: colleague.id });
    const element = await mount(api.client, api.user, html`<crm-messages record-kind="lead" record-id=${lead.id}></crm-messages>`);
    expect(text($(element, '#thread-heading'))).to.equal('Berg Robotics');
    expect(text($(element, '[data-empty]'))).to.equal('No messages yet. Write the first one.');
    let posted: CrmMessagePostedEvent | undefined;
    element.addEventListener('crm-message-posted', (e) => (posted = e));

    const draft = $<HTMLTextAreaElement>(element, '[data-draft]');
    draft.focus();
    await sendKeys({ type: 'Hi @Mor' });
    await until(() => $$(element, '[role="option"]').length > 0, 6000, 'mention suggestions');
    expect(draft.getAttribute('aria-expanded')).to.equal('true');
    expect(text($(element, '[role="option"][aria-selected="true"]'))).to.contain('Moritz Meyer');
    await expectAccessible(element);
    await sendKeys({ press: 'Enter' });
    await until(() => draft.value === 'Hi @Moritz Meyer ', 4000, 'the mention inserted');
    expect(draft.getAttribute('aria-expanded')).to.equal('false');
    await sendKeys({ type: 'please call <b>them</b>' });
    await sendKeys({ down: 'Control' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Control' });
    await until(() => $$(element, '[data-message]').length === 1 || Boolean($(element, '#draft-error')), 6000, 'the message shown');
    expect(text($(element, '#draft-error'))).to.equal('');
    expect(text($(element, '[data-message] .body'))).to.equal('Hi @Moritz Meyer please call <b>them</b>', 'text, never markup');
    await until(() => Boolean(posted), 4000, 'crm-message-posted');
    expect(posted!.detail.message.mentionIds).to.deep.equal([colleague.id]);

    const thread = await api.client.conversations.forRecord('lead', lead.id);
    const stored = (await api.client.conversations.messages(thread.id)).data;
    expect(stored.map((m) => m.mentionIds)).to.deep.equal([[colleague.id]]);

    // Another tab of the same user posts: it arrives over the realtime socket, once.
    await api.client.conversations.post(thread.id, { body: 'Posted from my phone' });
    await until(() => $$(element, '[data-message]').length === 2, 8000, 'the live message');
    expect(text($$(element, '[data-message] .body')[1]!)).to.equal('Posted from my phone');

    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      expectFitsLayout(element, { scrollers: ['[data-log]'] });
    }
    await expectAccessible(element);
  });

  it('should list conversations with unread counts in German, open one by keyboard and mark it read', async () => {
    const memory = createMemoryConversations();
    const element = await mount(memory.client, { id: '000000000000000000000001', name: 'Ada Admin', email: 'ada@example.com' }, html`<crm-messages></crm-messages>`, 'de');
    expect(text($(element, '#inbox-heading'))).to.equal('Unterhaltungen 1 ungelesen');
    const first = $<HTMLButtonElement>(element, '[data-conversation]');
    expect(text(first.querySelector('.title'))).to.equal('Ben Brandt');
    expect(text(first.querySelector('[data-unread] .sr-only'))).to.equal('1 ungelesen');
    expect(text(first.querySelector('time'))).to.match(/vor 5 Minuten/);
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      expectFitsLayout(element);
    }
    await expectAccessible(element);
    first.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean($(element, '[data-log]')), 4000, 'the conversation open');
    expect(text($(element, '.thread .count'))).to.equal('1 Nachricht');
    await until(() => element.shadowRoot!.activeElement?.hasAttribute('data-draft') === true, 4000, 'focus on the message field');
    $<HTMLButtonElement>(element, '[data-send]').click();
    await until(() => Boolean($(element, '#draft-error')), 4000, 'the empty message refused');
    expect(text($(element, '#draft-error'))).to.equal('Schreiben Sie zuerst etwas.');
    $<HTMLButtonElement>(element, '[data-back]').click();
    await until(() => text($(element, '#inbox-heading')) === 'Unterhaltungen 0 ungelesen', 4000, 'read');
    await expectAccessible(element);
  });
  it('should edit and delete my message by keyboard (marked edited, a tombstone left), and show an edit made elsewhere live', async () => {
    const lead = await api.client.leads.create({ firstName: 'Greta', lastName: 'Holm', companyName: `Holm Edits ${Date.now()}` });
    const thread = await api.client.conversations.forRecord('lead', lead.id);
    const first = await api.client.conversations.post(thread.id, { body: 'Quote goes out Monday' });
    const second = await api.client.conversations.post(thread.id, { body: 'Ignore the old price list' });
    const element = await mount(api.client, api.user, html`<crm-messages record-kind="lead" record-id=${lead.id}></crm-messages>`);
    await until(() => $$(element, '[data-message]').length === 2, 6000, 'two messages');
    let edited: CrmMessageEditedEvent | undefined;
    let deleted: CrmMessageDeletedEvent | undefined;
    element.addEventListener('crm-message-edited', (e) => (edited = e));
    element.addEventListener('crm-message-deleted', (e) => (deleted = e));

    const firstItem = () => $(element, `[data-message="${first.id}"]`);
    firstItem().querySelector<HTMLButtonElement>('[data-edit]')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => element.shadowRoot!.activeElement?.hasAttribute('data-edit-draft') === true, 4000, 'focus in the edit field');
    await sendKeys({ press: 'End' });
    await sendKeys({ type: ' at 9:00' });
    await expectAccessible(element);
    await sendKeys({ down: 'Control' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Control' });
    // The live push of the edit can mark it edited while the form still waits for the API's answer.
    await until(() => Boolean(firstItem().querySelector('[data-edited]')) && !firstItem().querySelector('[data-edit-draft]'), 6000, 'marked edited, the edit closed');
    expect(text(firstItem().querySelector('.body'))).to.equal('Quote goes out Monday at 9:00');
    expect(text(firstItem().querySelector('[data-edited]'))).to.equal('(edited)');
    // The live push of my own edit may draw it first; the event follows the API's answer.
    await until(() => Boolean(edited), 6000, 'crm-message-edited');
    expect(edited!.detail.message.editedAt).to.be.a('string');
    await until(() => element.shadowRoot!.activeElement?.hasAttribute('data-edit') === true, 4000, 'focus back on Edit');
    const stored = (await api.client.conversations.messages(thread.id)).data.find((m) => m.id === first.id)!;
    expect(stored.body).to.equal('Quote goes out Monday at 9:00');

    // Escape leaves an edit without saving.
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean($(element, '[data-edit-draft]')), 4000, 'editing again');
    await sendKeys({ type: ' nope' });
    await sendKeys({ press: 'Escape' });
    await until(() => !$(element, '[data-edit-draft]'), 4000, 'edit closed');
    expect(text(firstItem().querySelector('.body'))).to.equal('Quote goes out Monday at 9:00');

    const secondItem = () => $(element, `[data-message="${second.id}"]`);
    secondItem().querySelector<HTMLButtonElement>('[data-delete]')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => element.shadowRoot!.activeElement?.hasAttribute('data-confirm-delete') === true, 4000, 'asked to confirm');
    expect(text(secondItem().querySelector('.confirm span'))).to.equal('Delete this message?');
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean(secondItem().querySelector('[data-tombstone]')), 6000, 'the tombstone');
    expect(text(secondItem().querySelector('[data-tombstone]'))).to.equal('Message deleted');
    expect(secondItem().querySelector('[data-edit], [data-delete]')).to.equal(null);
    await until(() => Boolean(deleted), 6000, 'crm-message-deleted');
    expect(deleted!.detail.message.deletedAt).to.be.a('string');
    expect((await api.client.conversations.messages(thread.id)).data.find((m) => m.id === second.id)!.body).to.equal('');

    // Another tab edits the first message: the change arrives over the realtime socket.
    await api.client.conversations.editMessage(thread.id, first.id, { body: 'Quote goes out Tuesday' });
    await until(() => text(firstItem().querySelector('.body')) === 'Quote goes out Tuesday', 8000, 'the live edit');
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      expectFitsLayout(element, { scrollers: ['[data-log]'] });
    }
    await expectAccessible(element);
  });

  it('should show edited and deleted messages in German in the dark theme, and offer Delete on others\' messages with moderate', async () => {
    const memory = createMemoryConversations();
    const element = await mount(memory.client, { id: '000000000000000000000001', name: 'Ada Admin', email: 'ada@example.com' }, html`<crm-messages moderate record-kind="lead" record-id=${memory.leadId}></crm-messages>`, 'de', 'dark');
    await until(() => $$(element, '[data-message]').length === 3, 6000, 'the thread');
    expect(text($(element, '[data-tombstone]'))).to.equal('Nachricht gelöscht');
    expect(text($(element, '[data-edited]'))).to.equal('(bearbeitet)');
    const others = $$(element, '.message:not(.own):not(.deleted)');
    expect(others.length).to.equal(1);
    expect(others[0]!.querySelector('[data-edit]')).to.equal(null, 'no editing of others\' words');
    expect(text(others[0]!.querySelector('[data-delete]'))).to.equal('Löschen');
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      expectFitsLayout(element, { scrollers: ['[data-log]'] });
    }
    await expectAccessible(element);
  });
});
