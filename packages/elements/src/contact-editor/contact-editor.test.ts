import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { Contact } from '../shared/api/types.js';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { createMemoryApi, MemoryApiError } from '../test/memory-api.js';
import type { CrmTextField } from '../text-field/text-field.component.js';
import type { CrmContactEditor } from './contact-editor.component.js';
import './contact-editor.js';

async function mount(client: unknown, user?: unknown, attrs: { contactId?: string; locale?: string } = {}): Promise<CrmContactEditor> {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${user} locale=${attrs.locale ?? 'en'}>
    <crm-contact-editor contact-id=${attrs.contactId ?? ''}></crm-contact-editor>
  </crm-provider>`);
  const editor = provider.querySelector('crm-contact-editor')!;
  await until(() => Boolean(editor.shadowRoot!.querySelector('form')), 8000, 'editor form');
  return editor;
}

function field(editor: CrmContactEditor, name: string): CrmTextField {
  return editor.shadowRoot!.querySelector<CrmTextField>(`[name="${name}"]`)!;
}

async function type(editor: CrmContactEditor, name: string, text: string): Promise<void> {
  field(editor, name).focus();
  await sendKeys({ type: text });
}

function errorOf(el: CrmTextField): string {
  return el.shadowRoot!.querySelector('[part="error-message"]')!.textContent ?? '';
}

describe('crm-contact-editor', () => {
  let api: LiveApi;
  before(async () => {
    api = await liveApi();
  });

  it('should render every group of fields, labelled and axe-clean', async () => {
    const editor = await mount(api.client, api.user);
    const legends = [...editor.shadowRoot!.querySelectorAll('legend')].map((l) => l.textContent!.trim());
    expect(legends).to.include.members(['Person', 'Email addresses', 'Phone numbers', 'Addresses', 'Company', 'More']);
    expect(editor.shadowRoot!.querySelector('h2')!.textContent).to.contain('New contact');
    await expectAccessible(editor);
  });

  it('should show required errors and not call the API when names are missing', async () => {
    const editor = await mount(api.client, api.user);
    editor.shadowRoot!.querySelector<HTMLButtonElement>('[part="save-button"]')!.click();
    await editor.updateComplete;
    expect(errorOf(field(editor, 'firstName'))).to.equal('Please fill in First name.');
    expect(editor.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain('need attention');
  });

  it('should create a contact with lists by keyboard and report it in crm-contact-saved', async () => {
    const editor = await mount(api.client, api.user);
    await type(editor, 'firstName', 'Ada');
    await type(editor, 'lastName', 'Lovelace');
    editor.shadowRoot!.querySelector<HTMLButtonElement>('[data-add="emails"]')!.click();
    await until(() => Boolean(field(editor, 'emails.0.value')));
    await type(editor, 'emails.0.value', 'ada@example.com');
    await type(editor, 'tags', 'vip, math');
    const saved = oneEvent(editor, 'crm-contact-saved');
    field(editor, 'tags').focus();
    await sendKeys({ press: 'Enter' });
    const { contact, created } = (await saved).detail;
    expect(created).to.equal(true);
    const stored = await api.client.transport.get<Contact>(`/v1/contacts/${contact.id}`);
    expect(stored.fullName).to.equal('Ada Lovelace');
    expect(stored.emails).to.deep.equal([{ label: 'work', value: 'ada@example.com', primary: true }]);
    expect(stored.tags).to.deep.equal(['vip', 'math']);
    expect(editor.dirty).to.equal(false);
  });

  it("should show the API's per-field errors beside the fields they name", async () => {
    const editor = await mount(api.client, api.user);
    await type(editor, 'firstName', 'Bad');
    await type(editor, 'lastName', 'Phone');
    editor.shadowRoot!.querySelector<HTMLButtonElement>('[data-add="phones"]')!.click();
    await until(() => Boolean(field(editor, 'phones.0.value')));
    await type(editor, 'phones.0.value', 'call me maybe');
    editor.shadowRoot!.querySelector<HTMLButtonElement>('[part="save-button"]')!.click();
    const phone = field(editor, 'phones.0.value');
    await until(() => errorOf(phone) !== '', 8000, 'phone error');
    expect(errorOf(phone)).to.equal('must be a phone number');
    expect(phone.shadowRoot!.querySelector('input')!.getAttribute('aria-invalid')).to.equal('true');
    await expectAccessible(editor);
  });

  it('should explain a conflicting change and save over it on request (If-Match)', async () => {
    const created = await api.client.transport.post<Contact>('/v1/contacts', { firstName: 'Grace', lastName: 'Hopper' });
    const editor = await mount(api.client, api.user, { contactId: created.id });
    expect(field(editor, 'firstName').value).to.equal('Grace');
    // Someone else saves first.
    await api.client.transport.patch(`/v1/contacts/${created.id}`, { jobTitle: 'Rear Admiral' });
    await type(editor, 'middleName', 'Brewster');
    editor.shadowRoot!.querySelector<HTMLButtonElement>('[part="save-button"]')!.click();
    await until(() => Boolean(editor.shadowRoot!.querySelector('[part="conflict"]')), 8000, 'conflict message');
    const conflict = editor.shadowRoot!.querySelector('[part="conflict"]')!;
    expect(conflict.getAttribute('role')).to.equal('alert');
    expect(conflict.textContent).to.contain('Someone else saved this contact');
    await expectAccessible(editor);

    const saved = oneEvent(editor, 'crm-contact-saved');
    [...conflict.querySelectorAll('button')].find((b) => b.textContent!.includes('Save mine'))!.click();
    const { contact } = (await saved).detail;
    const stored = await api.client.transport.get<Contact>(`/v1/contacts/${created.id}`);
    expect(stored.middleName).to.equal('Brewster');
    expect(stored.version).to.equal(contact.version);
  });

  it('should guard unsaved changes: Escape asks first, Discard then cancels', async () => {
    const editor = await mount(api.client, api.user);
    await type(editor, 'firstName', 'Linus');
    expect(editor.dirty).to.equal(true);
    const request = oneEvent(editor, 'crm-request-close');
    await sendKeys({ press: 'Escape' });
    expect((await request).detail).to.deep.equal({ dirty: true, source: 'keyboard' });
    await editor.updateComplete;
    const confirm = editor.shadowRoot!.querySelector('[part="confirm"]')!;
    expect(confirm.textContent).to.contain('Discard your unsaved changes?');
    const cancelled = oneEvent(editor, 'crm-contact-cancel');
    [...confirm.querySelectorAll('button')].find((b) => b.textContent!.includes('Discard'))!.click();
    expect((await cancelled).detail).to.deep.equal({ dirty: true });
  });

  it('should stay open when the host vetoes crm-request-close', async () => {
    const editor = await mount(api.client, api.user);
    await type(editor, 'firstName', 'Ken');
    editor.addEventListener('crm-request-close', (event) => event.preventDefault());
    let cancelled = false;
    editor.addEventListener('crm-contact-cancel', () => (cancelled = true));
    editor.shadowRoot!.querySelector<HTMLButtonElement>('[part="cancel-button"]')!.click();
    await editor.updateComplete;
    expect(editor.shadowRoot!.querySelector('[part="confirm"]')).to.equal(null);
    expect(cancelled).to.equal(false);
  });

  it("should render the tenant's custom attributes by type", async () => {
    const memory = createMemoryApi();
    const transport = memory.client.transport;
    const definitions = [
      { key: 'region', label: 'Region', type: 'select', options: ['North', 'South'], required: true },
      { key: 'vip', label: 'VIP', type: 'boolean', options: [], required: false },
      { key: 'seats', label: 'Seats', type: 'number', options: [], required: false },
    ];
    const client = {
      ...memory.client,
      transport: { ...transport, get: (path: string, query?: object) => (path === '/v1/custom-fields' ? Promise.resolve({ data: definitions }) : transport.get(path, query)) },
    };
    const editor = await mount(client);
    expect(editor.shadowRoot!.querySelector('crm-select-field[name="custom.region"]')!.getAttribute('label')).to.equal('Region');
    expect(editor.shadowRoot!.querySelector('input[type="checkbox"][name="custom.vip"]')).not.to.equal(null);
    expect(editor.shadowRoot!.querySelector<CrmTextField>('crm-text-field[name="custom.seats"]')!.type).to.equal('number');
    await expectAccessible(editor);
  });

  it('should show a designed error state with retry when loading fails', async () => {
    const memory = createMemoryApi();
    memory.failNext('GET', /^\/v1\/contacts\//, new MemoryApiError(503, 'unavailable', 'The API is unavailable.'));
    const provider = await fixture(html`<crm-provider .client=${memory.client}><crm-contact-editor contact-id=${memory.contacts[0]!.id}></crm-contact-editor></crm-provider>`);
    const editor = provider.querySelector('crm-contact-editor')!;
    await until(() => editor.shadowRoot!.querySelector('crm-state')?.kind === 'error');
    const state = editor.shadowRoot!.querySelector('crm-state')!;
    expect(state.message).to.equal('The API is unavailable.');
    state.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry-button"]')!.click();
    await until(() => Boolean(editor.shadowRoot!.querySelector('form')));
    expect(field(editor, 'firstName').value).to.equal('Ada');
  });

  it('should speak German under a provider with locale="de"', async () => {
    const memory = createMemoryApi();
    const editor = await mount(memory.client, undefined, { locale: 'de' });
    expect(editor.shadowRoot!.querySelector('h2')!.textContent).to.contain('Neuer Kontakt');
    expect(field(editor, 'firstName').label).to.equal('Vorname');
  });
});
