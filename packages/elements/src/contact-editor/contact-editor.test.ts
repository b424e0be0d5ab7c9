import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { Contact } from '../shared/api/types.js';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
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

  it('should never show the previous contact\'s form while it loads another one', async () => {
    const first = await api.client.transport.post<{ id: string }>('/v1/contacts', { firstName: 'Grace', lastName: 'First' });
    const second = await api.client.transport.post<{ id: string }>('/v1/contacts', { firstName: 'Alan', lastName: 'Second' });
    const editor = await mount(api.client, api.user, { contactId: first.id });
    const firstName = () => field(editor, 'firstName')?.shadowRoot?.querySelector('input')?.value;
    await until(() => firstName() === 'Grace', 8000, 'the first contact');
    editor.contactId = second.id;
    await editor.updateComplete;
    // Straight after the change: a loading state, never Grace's form under Alan's id.
    expect(firstName()).not.to.equal('Grace');
    await until(() => firstName() === 'Alan', 8000, 'the second contact');
    editor.contactId = '';
    await editor.updateComplete;
    expect(firstName()).not.to.equal('Alan');
    await until(() => firstName() === '', 8000, 'an empty form for a new contact');
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
    expect(root.querySelector<CrmTextField>('crm-text-field[name="custom.renewal"]')!.type).to.equal('date');
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
    // Typed as the reader's locale (English here) writes a date.
    await type(editor, 'custom.renewal', '01/31/2027');
    [...root.querySelectorAll<HTMLInputElement>('fieldset[name="custom.channels"] input')][1]!.click();
    const saved = oneEvent(editor, 'crm-contact-saved');
    root.querySelector<HTMLButtonElement>('[part="save-button"]')!.click();
    const { contact } = (await saved).detail;
    const stored = await own.client.transport.get<Contact>(`/v1/contacts/${contact.id}`);
    expect(stored.custom).to.include({ region: 'South', vip: true, seats: 12 });
    expect(stored.custom.channels).to.deep.equal(['Phone']);
    expect(String(stored.custom.renewal)).to.match(/^2027-01-31/);
  });

  /** A detailed `width`x`height` PNG: gradients, noise and text compress poorly, as photos do. */
  async function photo(width: number, height: number, noise = false): Promise<Blob> {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d')!;
    const gradient = context.createLinearGradient(0, 0, width, height);
    gradient.addColorStop(0, '#c0392b');
    gradient.addColorStop(1, '#2980b9');
    context.fillStyle = gradient;
    context.fillRect(0, 0, width, height);
    if (noise) {
      const pixels = context.getImageData(0, 0, width, height);
      for (let i = 0; i < pixels.data.length; i += 4) pixels.data[i] = (pixels.data[i]! + Math.random() * 120) & 255;
      context.putImageData(pixels, 0, 0);
    }
    context.fillStyle = '#fff';
    context.font = '48px sans-serif';
    for (let y = 60; y < height; y += 60) context.fillText('Hedy Lamarr 1914', (y * 7) % 120, y);
    return new Promise<Blob>((resolve) => canvas.toBlob((blob) => resolve(blob!), 'image/png'));
  }

  function choose(editor: CrmContactEditor, file: File): void {
    const input = editor.shadowRoot!.querySelector<HTMLInputElement>('input[type="file"]')!;
    const files = new DataTransfer();
    files.items.add(file);
    input.files = files.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }

  /**
   * What a stranger gets at `url`: the test server GETs it with no token, cookie or session (and another
   * origin), and an `<img>` of this page (which sends no token either) decodes it.
   */
  async function fetchAnonymously(url: string): Promise<{ status: number; type: string; width: number; height: number }> {
    const answer = (await (await fetch(`/__crm-e2e/anonymous-get?url=${encodeURIComponent(url)}`)).json()) as { status: number; contentType: string; bytes: number };
    const image = new Image();
    image.src = url;
    await image.decode();
    return { status: answer.status, type: answer.contentType, width: image.naturalWidth, height: image.naturalHeight };
  }

  it('should upload the picture of a new contact through the SDK right after the create, served without credentials', async () => {
    const editor = await mount(api.client, api.user);
    const root = editor.shadowRoot!;
    await type(editor, 'firstName', 'Hedy');
    await type(editor, 'lastName', 'Lamarr');
    choose(editor, new File([await photo(640, 480)], 'hedy.png', { type: 'image/png' }));
    const preview = () => root.querySelector('img[part="picture"]')?.getAttribute('src') ?? '';
    await until(() => preview().startsWith('blob:'), 4000, 'picture preview');
    expect(root.querySelector('[role="status"]')!.textContent).to.contain('uploaded when you save');
    expect(editor.dirty).to.equal(true);
    await expectAccessible(editor);

    const saved = oneEvent(editor, 'crm-contact-saved');
    root.querySelector<HTMLButtonElement>('[part="save-button"]')!.click();
    const { contact, created } = (await saved).detail;
    expect(created).to.equal(true);
    // The saved event already carries the uploaded picture: a URL of the API, not a data: URL.
    expect(contact.pictureUrl).to.match(/^https?:\/\/[^/]+\/v1\/contact-pictures\/[0-9a-f]{16,}$/);
    const stored = await api.client.contacts.get(contact.id);
    expect(stored.pictureUrl).to.equal(contact.pictureUrl);
    expect(await fetchAnonymously(stored.pictureUrl!)).to.deep.equal({ status: 200, type: 'image/png', width: 640, height: 480 });
    await until(() => preview() === stored.pictureUrl, 4000, 'stored picture shown');
    expect(root.querySelector('[role="status"]')!.textContent).to.contain('Saved');
    expect(editor.dirty).to.equal(false);
  });

  it("should show the API's refusals on the picture field, upload at once for a saved contact, scale a large photo down and remove it", async () => {
    const contact = await api.client.contacts.create({ firstName: 'Grace', lastName: 'Hopper' });
    const editor = await mount(api.client, api.user, { contactId: contact.id });
    const root = editor.shadowRoot!;
    const input = () => root.querySelector<HTMLInputElement>('input[type="file"]')!;
    const error = () => root.querySelector('#picture-error')?.textContent ?? '';

    // Not an image: the browser cannot read it, so it goes as it is and the API answers 415.
    choose(editor, new File(['not a picture'], 'notes.png', { type: 'image/png' }));
    await until(() => error() !== '', 8000, '415 on the picture field');
    expect(error()).to.contain('not a PNG, JPEG, WebP or GIF');
    expect(input().getAttribute('aria-invalid')).to.equal('true');
    expect(input().getAttribute('aria-describedby')).to.contain('picture-error');
    // Bytes over 1 MB that no browser can scale down: the API answers 413.
    const big = new Uint8Array(1024 * 1024 + 512).map((_, i) => (i * 31) & 255);
    choose(editor, new File([big], 'huge.gif', { type: 'image/gif' }));
    await until(() => error().includes('larger than 1 MB'), 8000, '413 on the picture field');
    await expectAccessible(editor);
    expect((await api.client.contacts.get(contact.id)).pictureUrl).to.equal(null);

    // A photo of several MB is scaled down to fit and uploaded at once; the form is not saved by it.
    const large = await photo(2400, 1800, true);
    expect(large.size).to.be.greaterThan(1024 * 1024);
    const changed = oneEvent(editor, 'crm-contact-picture-changed');
    choose(editor, new File([large], 'large.png', { type: 'image/png' }));
    const uploaded = (await changed).detail.contact;
    expect(error()).to.equal('');
    expect(uploaded.pictureUrl).to.match(/\/v1\/contact-pictures\/[0-9a-f]+$/);
    const served = await fetchAnonymously(uploaded.pictureUrl!);
    expect(served.status).to.equal(200);
    expect(served.type).to.match(/^image\/(webp|jpeg)$/);
    expect(Math.max(served.width, served.height)).to.equal(1024);
    expect(root.querySelector('[role="status"]')!.textContent).to.contain('Picture saved');
    expect(editor.dirty).to.equal(false);

    // Editing after the upload saves with the new version (no conflict).
    await type(editor, 'jobTitle', 'Rear Admiral');
    const saved = oneEvent(editor, 'crm-contact-saved');
    root.querySelector<HTMLButtonElement>('[part="save-button"]')!.click();
    expect((await saved).detail.contact.pictureUrl).to.equal(uploaded.pictureUrl);

    // Remove picture calls removePicture: the API forgets it and its URL stops answering.
    const removed = oneEvent(editor, 'crm-contact-picture-changed');
    root.querySelector<HTMLButtonElement>('[data-remove-picture]')!.click();
    expect((await removed).detail.contact.pictureUrl).to.equal(null);
    await editor.updateComplete;
    expect(root.activeElement?.getAttribute('type')).to.equal('file');
    expect(root.querySelector('img[part="picture"]')).to.equal(null);
    expect((await api.client.contacts.get(contact.id)).pictureUrl).to.equal(null);
    const gone = (await (await fetch(`/__crm-e2e/anonymous-get?url=${encodeURIComponent(uploaded.pictureUrl!)}`)).json()) as { status: number };
    expect(gone.status).to.equal(404);
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

  it('should show the picture stories in their states (uploading with a preview, refused with the error)', async () => {
    const stories = await import('./contact-editor.stories.js');
    for (const [story, check] of [
      [stories.PictureUploading, (root: ShadowRoot) => Boolean(root.querySelector('.picture-row[aria-busy="true"] img[part="picture"][src^="blob:"]'))],
      [stories.PictureRefused, (root: ShadowRoot) => (root.querySelector('#picture-error')?.textContent ?? '').includes('not a PNG')],
      [stories.WithPicture, (root: ShadowRoot) => Boolean(root.querySelector('img[part="picture"][src^="data:image/gif"]') && root.querySelector('[data-remove-picture]'))],
    ] as const) {
      const args = { ...stories.default.args, ...story.args } as { contactId: string; noAssignment: boolean };
      const render = (story as { render?: typeof stories.default.render }).render ?? stories.default.render!;
      const host = await fixture<HTMLElement>(html`<div>${(render as (a: unknown, c: unknown) => unknown)(args, { globals: {}, args })}</div>`);
      await (story as { play?: (c: { canvasElement: HTMLElement }) => Promise<void> }).play?.({ canvasElement: host });
      const editor = host.querySelector('crm-contact-editor')!;
      await until(() => Boolean(editor.shadowRoot?.querySelector('form')) && check(editor.shadowRoot!), 6000, 'story state');
    }
  });

  it('should speak German under a provider with locale="de"', async () => {
    const memory = createMemoryApi();
    const editor = await mount(memory.client, undefined, { locale: 'de' });
    expect(editor.shadowRoot!.querySelector('h2')!.textContent).to.contain('Neuer Kontakt');
    expect(field(editor, 'firstName').label).to.equal('Vorname');
  });

  describe('forms that help', () => {
    afterEach(resetViewport);

    /** Every text in the editor's shadow trees that reads `text`, to prove a message shows once. */
    function occurrences(editor: CrmContactEditor, text: string): number {
      let count = 0;
      const walk = (root: ShadowRoot | Element) => {
        for (const el of root.querySelectorAll('*')) {
          for (const node of el.childNodes) if (node.nodeType === Node.TEXT_NODE && node.textContent!.includes(text)) count++;
          if (el.shadowRoot) walk(el.shadowRoot);
        }
      };
      walk(editor.shadowRoot!);
      return count;
    }

    it('should save a contact whose address has no street (as the seed makes them), unchanged', async () => {
      const seeded = await api.client.contacts.create({
        firstName: 'Inês',
        lastName: 'Lisboa',
        emails: [{ label: 'work', value: 'ines@example.com', primary: true }],
        addresses: [{ label: 'work', city: 'Lisbon', country: 'Portugal', primary: true }],
        company: { name: 'Tejo Lda', type: 'customer', website: 'https://tejo.example.com' },
      });
      const editor = await mount(api.client, api.user, { contactId: seeded.id });
      await until(() => field(editor, 'addresses.0.city')?.value === 'Lisbon', 8000, 'the address');
      expect(field(editor, 'addresses.0.line1').required).to.equal(false);
      const saved = oneEvent(editor, 'crm-contact-saved');
      editor.shadowRoot!.querySelector<HTMLButtonElement>('[part="save-button"]')!.click();
      const { detail } = await saved;
      expect(detail.contact.version).to.equal(seeded.version + 1);
      const stored = await api.client.contacts.get(seeded.id);
      expect(stored.addresses).to.deep.equal(seeded.addresses);
      expect(stored.emails).to.deep.equal(seeded.emails);
      // What the form does not edit of the company (its type) is kept.
      expect(stored.company).to.deep.equal(seeded.company);
    });

    it('should show one message per invalid field, beside it, and focus the first without a scroll jump', async () => {
      await useViewport(phoneWidth);
      const editor = await mount(api.client, api.user);
      editor.shadowRoot!.querySelector<HTMLButtonElement>('[data-add="emails"]')!.click();
      await until(() => Boolean(field(editor, 'emails.0.value')));
      await type(editor, 'emails.0.value', 'not-an-email');
      window.scrollTo(0, document.documentElement.scrollHeight);
      const save = editor.shadowRoot!.querySelector<HTMLButtonElement>('[part="save-button"]')!;
      save.focus();
      await sendKeys({ press: 'Enter' });
      const first = field(editor, 'firstName');
      await until(() => errorOf(first) !== '', 4000, 'the first name error');
      await until(() => first.getBoundingClientRect().top >= 0, 4000, 'the first field in view');
      expect(editor.shadowRoot!.activeElement).to.equal(first);
      expect(errorOf(field(editor, 'lastName'))).to.equal('Please fill in Last name.');
      expect(errorOf(field(editor, 'emails.0.value'))).to.equal('Email 1 is not valid.');
      for (const message of ['Please fill in First name.', 'Please fill in Last name.', 'Email 1 is not valid.']) expect(occurrences(editor, message), message).to.equal(1);
      // The field came into view by the shortest scroll: it sits at the top edge, not centred.
      expect(first.getBoundingClientRect().top).to.be.below(40);
      expect(editor.shadowRoot!.querySelector('[role="status"]')!.textContent).to.equal('3 fields need attention.');
    });

    it("should lay the API's errors[] onto their fields once each and focus the first", async () => {
      const editor = await mount(api.client, api.user);
      await type(editor, 'firstName', 'Bad');
      await type(editor, 'lastName', 'Website');
      editor.shadowRoot!.querySelector<HTMLButtonElement>('[data-add="phones"]')!.click();
      await until(() => Boolean(field(editor, 'phones.0.value')));
      await type(editor, 'phones.0.value', 'call me maybe');
      editor.shadowRoot!.querySelector<HTMLButtonElement>('[part="save-button"]')!.click();
      const phone = field(editor, 'phones.0.value');
      await until(() => errorOf(phone) !== '', 8000, 'phone error');
      expect(errorOf(phone)).to.equal('must be a phone number');
      expect(occurrences(editor, 'must be a phone number')).to.equal(1);
      expect(editor.shadowRoot!.querySelector('[part="error-summary"]')).to.equal(null);
      expect(editor.shadowRoot!.activeElement).to.equal(phone);
    });

    it('should say "1 field needs attention" in English and "1 Feld braucht Aufmerksamkeit" in German', async () => {
      for (const [locale, text] of [['en', '1 field needs attention.'], ['de', '1 Feld braucht Aufmerksamkeit.']] as const) {
        const editor = await mount(api.client, api.user, { locale });
        await type(editor, 'firstName', 'Only');
        editor.shadowRoot!.querySelector<HTMLButtonElement>('[part="save-button"]')!.click();
        await until(() => editor.shadowRoot!.querySelector('[role="status"]')!.textContent === text, 4000, text);
      }
    });

    for (const width of [phoneWidth, deskWidth]) {
      for (const theme of ['light', 'dark']) {
        it(`should fit ${width} px with 44 px targets and be axe-clean in the ${theme} theme`, async () => {
          await useViewport(width);
          const provider = await fixture(html`<crm-provider .client=${api.client} .user=${api.user} theme=${theme}>
            <crm-contact-editor></crm-contact-editor>
          </crm-provider>`);
          const editor = provider.querySelector('crm-contact-editor')!;
          await until(() => Boolean(editor.shadowRoot!.querySelector('form')), 8000, 'editor form');
          for (const list of ['emails', 'phones', 'addresses']) editor.shadowRoot!.querySelector<HTMLButtonElement>(`[data-add="${list}"]`)!.click();
          await until(() => Boolean(field(editor, 'addresses.0.city')));
          expectFitsLayout(editor);
          await expectAccessible(provider);
        });
      }
    }
  });
});
