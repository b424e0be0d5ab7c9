import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { failingClient } from '../test/story-provider.js';
import { expectFitsLayout } from '../test/viewport.js';
import { htmlFromText, type CrmTemplateAdmin } from './template-admin.component.js';
import './template-admin.js';

async function mount(client: unknown, user: unknown, locale = 'en'): Promise<CrmTemplateAdmin> {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${user} locale=${locale}><crm-template-admin></crm-template-admin></crm-provider>`);
  const admin = provider.querySelector('crm-template-admin')!;
  await until(() => Boolean(admin.shadowRoot!.querySelector('[part="list"], crm-state:not([kind="loading"])')), 8000, 'templates');
  return admin;
}

const $ = <T extends Element = HTMLElement>(admin: Element, selector: string) => admin.shadowRoot!.querySelector(selector) as T;

function type(admin: Element, field: string, value: string): void {
  const control = $<HTMLInputElement>(admin, `[data-field="${field}"]`);
  control.value = value;
  control.dispatchEvent(new Event(control.tagName === 'SELECT' ? 'change' : 'input'));
}

const submit = (admin: Element) => $<HTMLButtonElement>(admin, 'form.editor button[type="submit"]').click();
const errors = (admin: Element) => [...admin.shadowRoot!.querySelectorAll('form.editor .field-error')].map((e) => e.textContent);

describe('crm-template-admin', () => {
  let api: LiveApi;
  before(async () => {
    api = await liveApi();
  });
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  it('should require name, subject and text beside each, then create the template with merge fields inserted at the cursor', async () => {
    const admin = await mount(api.client, api.user);
    $<HTMLButtonElement>(admin, '[data-new]').click();
    await admin.updateComplete;
    submit(admin);
    await until(() => errors(admin).length === 3, 4000, 'errors');
    expect(errors(admin)).to.deep.equal(['Please fill in Name.', 'Please fill in Subject.', 'Please fill in Text.']);
    expect(admin.shadowRoot!.activeElement).to.equal($(admin, '[data-field="name"]'));
    await expectAccessible(admin);

    type(admin, 'name', 'Speaker welcome');
    type(admin, 'category', 'greeting');
    // The cursor sits after "Welcome, " in the subject; the merge field goes there.
    const subject = $<HTMLInputElement>(admin, '[data-field="subject"]');
    type(admin, 'subject', 'Welcome, !');
    subject.focus();
    subject.setSelectionRange(9, 9);
    subject.click();
    $<HTMLButtonElement>(admin, '[data-merge="recipient.firstName"]').click();
    await admin.updateComplete;
    expect(subject.value).to.equal('Welcome, {{recipient.firstName}}!');
    expect(admin.shadowRoot!.activeElement).to.equal(subject);
    type(admin, 'text', 'Dear {{recipient.fullName}},\n\nsee you at {{agency.name}} & friends.');
    const saved = oneEvent(admin, 'crm-template-saved');
    submit(admin);
    const { detail } = await saved;
    expect(detail.created).to.equal(true);
    const stored = await api.client.templates.get(detail.template.id);
    expect(stored).to.include({ name: 'Speaker welcome', category: 'greeting', subject: 'Welcome, {{recipient.firstName}}!' });
    expect(stored.html).to.equal('<p>Dear {{recipient.fullName}},</p>\n<p>see you at {{agency.name}} &amp; friends.</p>');
    expect(htmlFromText('a\nb')).to.equal('<p>a<br>b</p>');
  });

  it("should show the API's compile error beside the part it is about, with its line, and focus it", async () => {
    const admin = await mount(api.client, api.user);
    $<HTMLButtonElement>(admin, '[data-new]').click();
    await admin.updateComplete;
    type(admin, 'name', 'Broken');
    type(admin, 'subject', 'Hi');
    type(admin, 'text', 'Hello\n{{#if recipient.firstName}}no end');
    submit(admin);
    await until(() => errors(admin).length === 1, 6000, 'compile error');
    expect(errors(admin)[0]).to.match(/^line \d+:/);
    expect($(admin, '[data-field="text"]').getAttribute('aria-invalid')).to.equal('true');
    expect(admin.shadowRoot!.activeElement).to.equal($(admin, '[data-field="text"]'));
    expect((await api.client.templates.list()).data.some((t) => t.name === 'Broken')).to.equal(false);
  });

  it('should preview the saved template for a real contact found by name, rendered by the API', async () => {
    const own = await liveApi();
    await own.client.contacts.create({ firstName: 'Inês', lastName: 'Quintela' });
    const template = await own.client.templates.create({ name: 'Invite', category: 'campaign', subject: 'For {{recipient.firstName}}', text: 'Hello {{recipient.fullName}}', html: '<p>Hello</p>' });
    const admin = await mount(own.client, own.user);
    $<HTMLButtonElement>(admin, `[data-template="${template.id}"] button.pick`).click();
    await admin.updateComplete;
    const search = $<HTMLInputElement>(admin, '#preview-search');
    search.value = 'Quintela';
    search.dispatchEvent(new Event('input'));
    search.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean($(admin, '[data-preview]')), 6000, 'contacts found');
    expect($<HTMLSelectElement>(admin, '[data-field="previewContact"]').selectedOptions[0]!.textContent).to.equal('Inês Quintela');
    $<HTMLButtonElement>(admin, '[data-preview]').click();
    await until(() => Boolean($(admin, '[data-rendered]')), 6000, 'preview');
    expect($(admin, '[data-rendered-subject]').textContent).to.equal('For Inês');
    expect($(admin, '[data-rendered-text]').textContent).to.equal('Hello Inês Quintela');
    const frame = $<HTMLIFrameElement>(admin, '[part="preview-html"]');
    expect(frame.getAttribute('sandbox')).to.equal('');
    expect(frame.srcdoc).to.equal('<p>Hello</p>');
    await expectAccessible(admin);
  });

  it('should not overwrite a template another admin saved first: their version loads, or this one saves over it', async () => {
    const own = await liveApi();
    const template = await own.client.templates.create({ name: 'Follow-up', category: 'nurturing', subject: 'Hello', text: 'First', html: '<p>First</p>' });
    const admin = await mount(own.client, own.user);
    $<HTMLButtonElement>(admin, `[data-template="${template.id}"] button.pick`).click();
    await admin.updateComplete;
    await own.client.templates.update(template.id, { text: 'Theirs' }, { ifMatch: template.version });
    type(admin, 'text', 'Mine');
    submit(admin);
    await until(() => Boolean($(admin, 'form.editor [role="alert"]')), 6000, 'conflict');
    expect((await own.client.templates.get(template.id)).text).to.equal('Theirs');
    $<HTMLButtonElement>(admin, 'form.editor [role="alert"] button').click();
    await admin.updateComplete;
    expect($<HTMLTextAreaElement>(admin, '[data-field="text"]').value).to.equal('Theirs');

    await own.client.templates.update(template.id, { subject: 'Hello again' }, { ifMatch: template.version + 1 });
    type(admin, 'text', 'Mine');
    submit(admin);
    await until(() => Boolean($(admin, 'form.editor [role="alert"]')), 6000, 'second conflict');
    const saved = oneEvent(admin, 'crm-template-saved');
    submit(admin);
    await saved;
    const stored = await own.client.templates.get(template.id);
    expect(stored.text).to.equal('Mine');
    expect(stored.version).to.equal(template.version + 3);
  });

  it('should delete a template only after confirmation, on the real API', async () => {
    const own = await liveApi();
    const template = await own.client.templates.create({ name: 'Old promo', category: 'marketing', subject: 'Sale', text: 'Sale', html: '<p>Sale</p>' });
    const admin = await mount(own.client, own.user);
    $<HTMLButtonElement>(admin, `[data-template="${template.id}"] button.pick`).click();
    await admin.updateComplete;
    $<HTMLButtonElement>(admin, '[data-delete]').focus();
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean($<HTMLDialogElement>(admin, 'dialog[part="confirm"]')?.open), 4000, 'dialog');
    expect($(admin, '#confirm-heading').textContent).to.equal('Delete Old promo?');
    await sendKeys({ press: 'Escape' });
    await until(() => !$(admin, 'dialog[part="confirm"]'), 4000, 'closed');
    expect((await own.client.templates.get(template.id)).name).to.equal('Old promo');
    $<HTMLButtonElement>(admin, '[data-delete]').click();
    await until(() => Boolean($<HTMLDialogElement>(admin, 'dialog[part="confirm"]')?.open), 4000, 'dialog');
    const deleted = oneEvent(admin, 'crm-template-deleted');
    $<HTMLButtonElement>(admin, '[data-answer="confirm"]').click();
    expect((await deleted).detail.template.id).to.equal(template.id);
    expect((await own.client.templates.list()).data.map((t) => t.id)).not.to.include(template.id);
    await admin.updateComplete;
    expect(admin.shadowRoot!.activeElement).to.equal($(admin, '[data-new]'));
  });

  it('should ask before opening another template discards unsaved changes', async () => {
    const own = await liveApi();
    const first = await own.client.templates.create({ name: 'First', category: 'marketing', subject: 'One', text: 'One', html: '<p>One</p>' });
    const second = await own.client.templates.create({ name: 'Second', category: 'marketing', subject: 'Two', text: 'Two', html: '<p>Two</p>' });
    const admin = await mount(own.client, own.user);
    $<HTMLButtonElement>(admin, `[data-template="${first.id}"] button.pick`).click();
    await admin.updateComplete;
    type(admin, 'text', 'One, edited');
    $<HTMLButtonElement>(admin, `[data-template="${second.id}"] button.pick`).click();
    await until(() => Boolean($<HTMLDialogElement>(admin, 'dialog[part="confirm"]')?.open), 4000, 'dialog');
    $<HTMLButtonElement>(admin, '[data-answer="cancel"]').click();
    await until(() => !$(admin, 'dialog[part="confirm"]'), 4000, 'closed');
    expect($<HTMLTextAreaElement>(admin, '[data-field="text"]').value).to.equal('One, edited');
    $<HTMLButtonElement>(admin, `[data-template="${second.id}"] button.pick`).click();
    await until(() => Boolean($<HTMLDialogElement>(admin, 'dialog[part="confirm"]')?.open), 4000, 'dialog');
    $<HTMLButtonElement>(admin, '[data-answer="confirm"]').click();
    await until(() => $<HTMLTextAreaElement>(admin, '[data-field="text"]')?.value === 'Two', 4000, 'second opened');
    expect((await own.client.templates.get(first.id)).text).to.equal('One');
  });

  for (const width of [390, 1280]) {
    it(`should fit ${width} px without horizontal scroll, in German with plurals and dates, axe-clean in the dark theme`, async () => {
      await setViewport({ width, height: 900 });
      const own = await liveApi();
      const first = await own.client.templates.create({ name: 'Willkommen bei der Konferenz für nachhaltige Energieversorgung', category: 'greeting', subject: 'Hallo', text: 'Hallo {{recipient.firstName}}', html: '<p>Hallo</p>' });
      await own.client.templates.create({ name: 'Erinnerung', category: 'reminder', subject: 'Bald', text: 'Bald', html: '<p>Bald</p>' });
      const provider = await fixture(html`<crm-provider .client=${own.client} .user=${own.user} locale="de" theme="dark" time-zone="UTC"><crm-template-admin></crm-template-admin></crm-provider>`);
      const admin = provider.querySelector('crm-template-admin')!;
      await until(() => Boolean($(admin, '[part="list"]')), 8000, 'list');
      expect($(admin, '#templates-heading').textContent).to.equal('2 Vorlagen');
      const day = new Intl.DateTimeFormat('de', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(first.updatedAt));
      expect($(admin, `[data-template="${first.id}"]`).textContent).to.contain(`Gruß · geändert am ${day}`);
      $<HTMLButtonElement>(admin, `[data-template="${first.id}"] button.pick`).click();
      await admin.updateComplete;
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
