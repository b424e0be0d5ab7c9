import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { failingClient } from '../test/story-provider.js';
import { expectFitsLayout } from '../test/viewport.js';
import type { CrmCustomFieldAdmin } from './custom-field-admin.component.js';
import './custom-field-admin.js';

async function mount(client: unknown, user: unknown, attrs: { locale?: string; resource?: string } = {}): Promise<CrmCustomFieldAdmin> {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${user} locale=${attrs.locale ?? 'en'}>
    <crm-custom-field-admin resource=${attrs.resource ?? 'contact'}></crm-custom-field-admin></crm-provider>`);
  const admin = provider.querySelector('crm-custom-field-admin')!;
  await until(() => Boolean(admin.shadowRoot!.querySelector('[part="list"], crm-state:not([kind="loading"])')), 8000, 'fields');
  return admin;
}

const $ = <T extends Element = HTMLElement>(admin: Element, selector: string) => admin.shadowRoot!.querySelector(selector) as T;

function type(admin: Element, field: string, value: string): void {
  const control = $<HTMLInputElement>(admin, `[data-field="${field}"]`);
  control.value = value;
  control.dispatchEvent(new Event(control.tagName === 'SELECT' ? 'change' : 'input'));
}

const submit = (admin: Element) => $<HTMLButtonElement>(admin, 'form button[type="submit"]').click();
const errors = (admin: Element) => [...admin.shadowRoot!.querySelectorAll('.field-error')].map((e) => e.textContent);

describe('crm-custom-field-admin', () => {
  let api: LiveApi;
  before(async () => {
    api = await liveApi();
  });
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  it('should check the key and options as the API does, beside each field, then create the field on the real API', async () => {
    const admin = await mount(api.client, api.user);
    $<HTMLButtonElement>(admin, '[data-new]').click();
    await admin.updateComplete;
    expect(admin.shadowRoot!.activeElement).to.equal($(admin, '[data-field="key"]'));
    type(admin, 'key', 'Region.code');
    type(admin, 'type', 'select');
    await admin.updateComplete;
    type(admin, 'options', 'North\nSouth\nNorth');
    submit(admin);
    await until(() => errors(admin).length === 3, 4000, 'three errors');
    expect(errors(admin)).to.deep.equal([
      'Start with a lower-case letter and use only letters, digits and _ (at most 40).',
      'Please fill in Label.',
      'An option appears twice; each must be different.',
    ]);
    expect(admin.shadowRoot!.activeElement).to.equal($(admin, '[data-field="key"]'));
    await expectAccessible(admin);
    expect((await api.client.customFields.list({ resource: 'contact' })).data).to.have.length(0);

    type(admin, 'key', 'region');
    type(admin, 'label', 'Region');
    type(admin, 'options', 'North\nSouth\n\nEast ');
    $<HTMLInputElement>(admin, '[data-field="required"]').click();
    const saved = oneEvent(admin, 'crm-custom-field-saved');
    submit(admin);
    const { detail } = await saved;
    expect(detail.created).to.equal(true);
    const [stored] = (await api.client.customFields.list({ resource: 'contact' })).data;
    expect(stored).to.deep.include({ key: 'region', label: 'Region', type: 'select', options: ['North', 'South', 'East'], required: true });
    await admin.updateComplete;
    expect($(admin, '#fields-heading').textContent).to.equal('1 custom field');
    expect($(admin, '[data-key="region"]').textContent).to.contain('3 options');
  });

  it("should show the API's refusal of a key another admin just took beside the key, focused", async () => {
    const admin = await mount(api.client, api.user);
    await api.client.customFields.create({ resource: 'contact', key: 'tier', label: 'Tier', type: 'text' });
    $<HTMLButtonElement>(admin, '[data-new]').click();
    await admin.updateComplete;
    type(admin, 'key', 'tier');
    type(admin, 'label', 'Tier');
    submit(admin);
    await until(() => errors(admin).length === 1, 6000, 'API error');
    expect(errors(admin)).to.deep.equal(['is already defined for this record type']);
    expect(admin.shadowRoot!.activeElement).to.equal($(admin, '[data-field="key"]'));
  });

  it('should edit a definition with its version and delete it after confirmation on the real API', async () => {
    const own = await liveApi();
    const field = await own.client.customFields.create({ resource: 'lead', key: 'speakerSlot', label: 'Slot', type: 'date' });
    const admin = await mount(own.client, own.user, { resource: 'lead' });
    $<HTMLButtonElement>(admin, '[data-key="speakerSlot"] button.pick').click();
    await admin.updateComplete;
    expect($(admin, '[data-field="key"]').textContent).to.equal('speakerSlot');
    type(admin, 'label', 'Speaker slot');
    const saved = oneEvent(admin, 'crm-custom-field-saved');
    submit(admin);
    expect((await saved).detail.created).to.equal(false);
    expect(await own.client.customFields.get(field.id)).to.include({ label: 'Speaker slot', version: field.version + 1 });

    const remove = $<HTMLButtonElement>(admin, '[data-key="speakerSlot"] [part="delete-button"]');
    remove.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean($<HTMLDialogElement>(admin, 'dialog[part="confirm"]')?.open), 4000, 'dialog');
    expect($(admin, '#confirm-heading').textContent).to.equal('Delete Speaker slot?');
    await expectAccessible(admin);
    const deleted = oneEvent(admin, 'crm-custom-field-deleted');
    $<HTMLButtonElement>(admin, '[data-answer="confirm"]').click();
    expect((await deleted).detail.field.key).to.equal('speakerSlot');
    expect((await own.client.customFields.list({ resource: 'lead' })).data).to.have.length(0);
    await admin.updateComplete;
    expect($(admin, 'crm-state').getAttribute('kind')).to.equal('empty');
  });

  it('should switch record kinds with the picker', async () => {
    const own = await liveApi();
    await own.client.customFields.create({ resource: 'opportunity', key: 'boothSize', label: 'Booth size', type: 'number' });
    const admin = await mount(own.client, own.user);
    expect($(admin, 'crm-state').getAttribute('kind')).to.equal('empty');
    type(admin, 'resource', 'opportunity');
    await until(() => Boolean($(admin, '[data-key="boothSize"]')), 6000, 'opportunity fields');
    expect(admin.resource).to.equal('opportunity');
    expect($(admin, '[data-key="boothSize"]').textContent).to.contain('Number');
  });

  for (const width of [390, 1280]) {
    it(`should fit ${width} px without horizontal scroll, in German, axe-clean in the dark theme`, async () => {
      await setViewport({ width, height: 900 });
      const own = await liveApi();
      await own.client.customFields.create({ resource: 'contact', key: 'dietaryRequirementsForTheGalaDinner', label: 'Ernährungswünsche für das Galadinner am Abend', type: 'multiselect', options: ['vegan', 'vegetarisch'] });
      const provider = await fixture(html`<crm-provider .client=${own.client} .user=${own.user} locale="de" theme="dark"><crm-custom-field-admin></crm-custom-field-admin></crm-provider>`);
      const admin = provider.querySelector('crm-custom-field-admin')!;
      await until(() => Boolean($(admin, '[part="list"]')), 8000, 'list');
      expect($(admin, '#fields-heading').textContent).to.equal('1 eigenes Feld');
      expect($(admin, '[part="field"]').textContent).to.contain('2 Optionen');
      $<HTMLButtonElement>(admin, '[part="field"] button.pick').click();
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
