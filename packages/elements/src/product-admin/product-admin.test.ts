import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { failingClient } from '../test/story-provider.js';
import { expectFitsLayout } from '../test/viewport.js';
import type { CrmProductAdmin } from './product-admin.component.js';
import './product-admin.js';

async function mount(client: unknown, user: unknown, locale = 'en'): Promise<CrmProductAdmin> {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${user} locale=${locale}><crm-product-admin></crm-product-admin></crm-provider>`);
  const admin = provider.querySelector('crm-product-admin')!;
  await until(() => Boolean(admin.shadowRoot!.querySelector('[part="list"], crm-state:not([kind="loading"])')), 8000, 'products');
  return admin;
}

const $ = <T extends Element = HTMLElement>(admin: CrmProductAdmin, selector: string) => admin.shadowRoot!.querySelector<T & Element>(selector) as T;

function type(admin: CrmProductAdmin, field: string, value: string): void {
  const input = $<HTMLInputElement>(admin, `[data-field="${field}"]`);
  input.value = value;
  input.dispatchEvent(new Event(input.tagName === 'SELECT' ? 'change' : 'input'));
}

describe('crm-product-admin', () => {
  let api: LiveApi;
  before(async () => {
    api = await liveApi();
  });
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  it('should refuse an empty name and a cycle that ends first beside the fields, then create the product on the real API', async () => {
    const admin = await mount(api.client, api.user);
    $<HTMLButtonElement>(admin, '[data-new]').click();
    await admin.updateComplete;
    expect(admin.shadowRoot!.activeElement).to.equal($(admin, '[data-field="name"]'));
    type(admin, 'cycleStart', '2027-01-10');
    type(admin, 'cycleEnd', '2027-01-01');
    $<HTMLButtonElement>(admin, 'form button[type="submit"]').click();
    await until(() => admin.shadowRoot!.querySelectorAll('.field-error').length === 2, 4000, 'field errors');
    expect($(admin, '#f-name-error').textContent).to.equal('Please fill in Name.');
    expect($(admin, '#f-cycleEnd-error').textContent).to.equal('The end must come after the start.');
    expect(admin.shadowRoot!.activeElement).to.equal($(admin, '[data-field="name"]'));
    expect($(admin, '[data-field="name"]').getAttribute('aria-describedby')).to.equal('f-name-error');
    await expectAccessible(admin);

    type(admin, 'name', 'Fintech Summit Lisbon');
    type(admin, 'code', 'FSL27');
    type(admin, 'cycleEnd', '2027-04-10');
    const saved = oneEvent(admin, 'crm-product-saved');
    $<HTMLButtonElement>(admin, 'form button[type="submit"]').click();
    const { detail } = await saved;
    expect(detail.created).to.equal(true);
    const stored = await api.client.products.get(detail.product.id);
    expect(stored).to.include({ name: 'Fintech Summit Lisbon', code: 'FSL27', status: 'active', locked: false });
    expect(stored.cycleStart!.slice(0, 10)).to.equal('2027-01-10');
    await admin.updateComplete;
    expect(admin.shadowRoot!.querySelectorAll('.field-error')).to.have.length(0);
    expect($(admin, `[data-product="${stored.id}"]`).textContent).to.contain('Jan 10, 2027');
    expect($(admin, '[part="message"]').textContent).to.equal('Fintech Summit Lisbon is saved.');
  });

  it('should save an edit with its version and, when someone saved first, offer their version', async () => {
    const product = await api.client.products.create({ name: 'Retail Forum Porto' });
    const admin = await mount(api.client, api.user);
    $<HTMLButtonElement>(admin, `[data-product="${product.id}"] button.pick`).click();
    await admin.updateComplete;
    // Someone else renames it meanwhile.
    await api.client.products.update(product.id, { name: 'Retail Forum Porto 2027' }, { ifMatch: product.version });
    type(admin, 'code', 'RFP');
    $<HTMLButtonElement>(admin, 'form button[type="submit"]').click();
    await until(() => Boolean($(admin, 'form [role="alert"]')), 6000, 'conflict');
    expect((await api.client.products.get(product.id)).code).to.equal(null);
    $<HTMLButtonElement>(admin, 'form [role="alert"] button').click();
    await admin.updateComplete;
    expect($<HTMLInputElement>(admin, '[data-field="name"]').value).to.equal('Retail Forum Porto 2027');
    type(admin, 'code', 'RFP');
    const saved = oneEvent(admin, 'crm-product-saved');
    $<HTMLButtonElement>(admin, 'form button[type="submit"]').click();
    const { detail } = await saved;
    expect(detail.created).to.equal(false);
    expect(await api.client.products.get(product.id)).to.include({ name: 'Retail Forum Porto 2027', code: 'RFP' });
  });

  it('should assign a department, teams and people (002) and save them on the real API', async () => {
    const own = await liveApi();
    const department = await own.client.org.departments.create({ name: 'Phone Sales' });
    const team = await own.client.org.teams.create({ name: 'Team Lisbon' });
    await own.client.org.teams.create({ name: 'Team Porto' });
    const product = await own.client.products.create({ name: 'Health Summit' });
    const admin = await mount(own.client, own.user);
    $<HTMLButtonElement>(admin, `[data-product="${product.id}"] button.pick`).click();
    await admin.updateComplete;
    type(admin, 'departmentId', department.id);
    $<HTMLInputElement>(admin, `[data-field="teamIds:${team.id}"]`).click();
    $<HTMLInputElement>(admin, `[data-field="userIds:${own.user.id}"]`).click();
    await expectAccessible(admin);
    const saved = oneEvent(admin, 'crm-product-saved');
    $<HTMLButtonElement>(admin, 'form button[type="submit"]').click();
    await saved;
    const stored = await own.client.products.get(product.id);
    expect(stored).to.deep.include({ departmentId: department.id, teamIds: [team.id], userIds: [own.user.id] });
  });

  it('should lock and unlock only after confirmation, by keyboard, on the real API', async () => {
    const product = await api.client.products.create({ name: 'Energy Week Oslo' });
    const admin = await mount(api.client, api.user);
    const lockButton = () => $<HTMLButtonElement>(admin, `[data-lock="${product.id}"]`);
    expect(lockButton().getAttribute('aria-label')).to.equal('Lock Energy Week Oslo');
    lockButton().focus();
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean($<HTMLDialogElement>(admin, 'dialog[part="confirm"]')?.open), 4000, 'dialog');
    expect($(admin, '#confirm-heading').textContent).to.equal('Lock Energy Week Oslo?');
    expect(admin.shadowRoot!.activeElement).to.equal($(admin, '[data-answer="cancel"]'));
    await expectAccessible(admin);
    // Escape keeps it unlocked and returns focus to the button.
    await sendKeys({ press: 'Escape' });
    await until(() => !$(admin, 'dialog[part="confirm"]'), 4000, 'dialog closed');
    expect(admin.shadowRoot!.activeElement).to.equal(lockButton());
    expect((await api.client.products.get(product.id)).locked).to.equal(false);

    await sendKeys({ press: 'Enter' });
    await until(() => Boolean($<HTMLDialogElement>(admin, 'dialog[part="confirm"]')?.open), 4000, 'dialog');
    const locked = oneEvent(admin, 'crm-product-locked');
    $<HTMLButtonElement>(admin, '[data-answer="confirm"]').click();
    expect((await locked).detail.locked).to.equal(true);
    expect((await api.client.products.get(product.id)).locked).to.equal(true);
    await admin.updateComplete;
    expect($(admin, `[data-product="${product.id}"] [part="status"]`).textContent).to.contain('Locked');
    expect(lockButton().textContent).to.equal('Unlock');

    lockButton().click();
    await until(() => Boolean($<HTMLDialogElement>(admin, 'dialog[part="confirm"]')?.open), 4000, 'dialog');
    expect($(admin, '#confirm-message').textContent).to.contain('Sales and Marketing');
    const unlocked = oneEvent(admin, 'crm-product-locked');
    $<HTMLButtonElement>(admin, '[data-answer="confirm"]').click();
    expect((await unlocked).detail.locked).to.equal(false);
    expect((await api.client.products.get(product.id)).locked).to.equal(false);
  });

  for (const width of [390, 1280]) {
    it(`should fit ${width} px without horizontal scroll, in German with plurals and dates, axe-clean in the dark theme`, async () => {
      await setViewport({ width, height: 900 });
      const own = await liveApi();
      await own.client.products.create({ name: 'Ein sehr langer Konferenzname für die Herbstausgabe', cycleStart: '2027-03-01' });
      const provider = await fixture(html`<crm-provider .client=${own.client} .user=${own.user} locale="de" theme="dark"><crm-product-admin></crm-product-admin></crm-provider>`);
      const admin = provider.querySelector('crm-product-admin')!;
      await until(() => Boolean(admin.shadowRoot!.querySelector('[part="list"]')), 8000, 'list');
      expect($(admin, '#products-heading').textContent).to.equal('1 Produkt');
      expect($(admin, '[part="product"]').textContent).to.contain('01.03.2027 – 01.06.2027');
      $<HTMLButtonElement>(admin, '[data-new]').click();
      await admin.updateComplete;
      expectFitsLayout(admin);
      await expectAccessible(admin);
      await own.client.products.create({ name: 'Zweite Konferenz' });
      admin.reload();
      await until(() => $(admin, '#products-heading')?.textContent === '2 Produkte', 8000, 'plural');
    });
  }

  it('should show an error state with a retry when the API cannot be reached', async () => {
    const admin = await mount(failingClient, undefined);
    const state = $<HTMLElement & { kind: string }>(admin, 'crm-state');
    expect(state.kind).to.equal('error');
    await expectAccessible(admin);
  });
});
