import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { Contact } from '../shared/api/types.js';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { createMemoryApi, MemoryApiError } from '../test/memory-api.js';
import type { CrmSelectField } from '../select-field/select-field.component.js';
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
    const request = oneEvent(editor, 'crm-close-requested');
    await sendKeys({ press: 'Escape' });
    expect((await request).detail).to.deep.equal({ dirty: true, source: 'keyboard' });
    await editor.updateComplete;
    const confirm = editor.shadowRoot!.querySelector('[part="confirm"]')!;
    expect(confirm.textContent).to.contain('Discard your unsaved changes?');
    const cancelled = oneEvent(editor, 'crm-contact-cancel');
    [...confirm.querySelectorAll('button')].find((b) => b.textContent!.includes('Discard'))!.click();
    expect((await cancelled).detail).to.deep.equal({ dirty: true });
  });

  it('should stay open when the host vetoes crm-close-requested', async () => {
    const editor = await mount(api.client, api.user);
    await type(editor, 'firstName', 'Ken');
    editor.addEventListener('crm-close-requested', (event) => event.preventDefault());
    let cancelled = false;
    editor.addEventListener('crm-contact-cancel', () => (cancelled = true));
    editor.shadowRoot!.querySelector<HTMLButtonElement>('[part="cancel-button"]')!.click();
    await editor.updateComplete;
    expect(editor.shadowRoot!.querySelector('[part="confirm"]')).to.equal(null);
    expect(cancelled).to.equal(false);
  });

  it("should render the tenant's custom attributes by type and save their values to the real API", async () => {
    // A tenant of its own, so its required attribute does not touch the other tests' contacts.
    const own = await liveApi();
    const define = (body: object) => own.client.transport.post('/v1/custom-fields', { resource: 'contact', ...body });
    await define({ key: 'region', label: 'Region', type: 'select', options: ['North', 'South'], required: true });
    await define({ key: 'vip', label: 'VIP', type: 'boolean' });
    await define({ key: 'seats', label: 'Seats', type: 'number' });
    await define({ key: 'renewal', label: 'Renewal', type: 'date' });
    await define({ key: 'channels', label: 'Channels', type: 'multiselect', options: ['Email', 'Phone'] });
    const editor = await mount(own.client, own.user);
    const root = editor.shadowRoot!;
    const region = root.querySelector<CrmSelectField>('crm-select-field[name="custom.region"]')!;
    expect(region.label).to.equal('Region');
    expect(root.querySelector<CrmTextField>('crm-text-field[name="custom.seats"]')!.type).to.equal('number');
    expect(root.querySelector('input[type="date"][name="custom.renewal"]')).not.to.equal(null);
    expect([...root.querySelectorAll('fieldset[name="custom.channels"] label')].map((l) => l.textContent!.trim())).to.deep.equal(['Email', 'Phone']);
    await expectAccessible(editor);

    await type(editor, 'firstName', 'Hedy');
    await type(editor, 'lastName', 'Lamarr');
    root.querySelector<HTMLButtonElement>('[part="save-button"]')!.click();
    await editor.updateComplete;
    expect(region.shadowRoot!.querySelector('[part="error-message"]')!.textContent).to.equal('Please fill in Region.');

    const native = region.shadowRoot!.querySelector('select')!;
    native.value = 'South';
    native.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    native.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
    root.querySelector<HTMLInputElement>('input[type="checkbox"][name="custom.vip"]')!.click();
    await type(editor, 'custom.seats', '12');
    const renewal = root.querySelector<HTMLInputElement>('input[name="custom.renewal"]')!;
    renewal.value = '2027-01-31';
    renewal.dispatchEvent(new Event('input', { bubbles: true }));
    [...root.querySelectorAll<HTMLInputElement>('fieldset[name="custom.channels"] input')][1]!.click();
    const saved = oneEvent(editor, 'crm-contact-saved');
    root.querySelector<HTMLButtonElement>('[part="save-button"]')!.click();
    const { contact } = (await saved).detail;
    const stored = await own.client.transport.get<Contact>(`/v1/contacts/${contact.id}`);
    expect(stored.custom).to.include({ region: 'South', vip: true, seats: 12 });
    expect(stored.custom.channels).to.deep.equal(['Phone']);
    expect(String(stored.custom.renewal)).to.match(/^2027-01-31/);
  });

  it('should upload a picture from a file and store it with the contact on the real API', async () => {
    const editor = await mount(api.client, api.user);
    const root = editor.shadowRoot!;
    await type(editor, 'firstName', 'Hedy');
    await type(editor, 'lastName', 'Lamarr');
    // A detailed 640x480 photo stand-in: gradients and text compress poorly, as photos do.
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 480;
    const context = canvas.getContext('2d')!;
    const gradient = context.createLinearGradient(0, 0, 640, 480);
    gradient.addColorStop(0, '#c0392b');
    gradient.addColorStop(1, '#2980b9');
    context.fillStyle = gradient;
    context.fillRect(0, 0, 640, 480);
    context.fillStyle = '#fff';
    context.font = '48px sans-serif';
    for (let y = 60; y < 480; y += 60) context.fillText('Hedy Lamarr 1914', (y * 7) % 120, y);
    const png = await new Promise<Blob>((resolve) => canvas.toBlob((blob) => resolve(blob!), 'image/png'));
    expect(png.size).to.be.greaterThan(20_000);

    const choose = (file: File) => {
      const input = root.querySelector<HTMLInputElement>('input[type="file"]')!;
      const files = new DataTransfer();
      files.items.add(file);
      input.files = files.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    };
    choose(new File(['not a picture'], 'notes.txt', { type: 'text/plain' }));
    await until(() => Boolean(root.querySelector('#picture-error')), 4000, 'picture error');
    expect(root.querySelector('#picture-error')!.textContent).to.contain('not an image');

    choose(new File([png], 'hedy.png', { type: 'image/png' }));
    const preview = () => root.querySelector('img[part="picture"]')?.getAttribute('src') ?? '';
    await until(() => preview().startsWith('data:image/'), 4000, 'picture preview');
    expect(root.querySelector('#picture-error')).to.equal(null);
    expect(root.querySelector('[role="status"]')!.textContent).to.contain('Picture ready');
    expect(preview().length).to.be.at.most(2000);
    await expectAccessible(editor);

    const saved = oneEvent(editor, 'crm-contact-saved');
    root.querySelector<HTMLButtonElement>('[part="save-button"]')!.click();
    const { contact } = (await saved).detail;
    const stored = await api.client.transport.get<Contact>(`/v1/contacts/${contact.id}`);
    expect(stored.pictureUrl).to.equal(preview());
    const image = new Image();
    image.src = stored.pictureUrl!;
    await image.decode();
    expect(image.naturalWidth).to.equal(image.naturalHeight);
    expect(image.naturalWidth).to.be.at.least(32);

    // Removing it clears the contact's picture.
    root.querySelector<HTMLButtonElement>('[data-remove-picture]')!.click();
    await editor.updateComplete;
    expect(root.activeElement?.getAttribute('type')).to.equal('file');
    const again = oneEvent(editor, 'crm-contact-saved');
    root.querySelector<HTMLButtonElement>('[part="save-button"]')!.click();
    await again;
    expect((await api.client.transport.get<Contact>(`/v1/contacts/${contact.id}`)).pictureUrl).to.equal(null);
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
