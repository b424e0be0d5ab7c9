import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { createCrmClient } from '@crm/client-sdk';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { createMemoryPurchaseConditions } from '../test/memory-purchase-conditions.js';
import { expectFitsLayout } from '../test/viewport.js';
import type { CrmPurchaseConditions } from './purchase-conditions.component.js';
import './purchase-conditions.js';

const $ = <T extends Element = HTMLElement>(el: CrmPurchaseConditions, selector: string) => el.shadowRoot!.querySelector(selector) as T;
const text = (el: Element | null) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const field = <T extends HTMLElement = HTMLInputElement>(el: CrmPurchaseConditions, name: string) => $<T>(el, `[data-field="finance.${name}"]`);

function type(input: HTMLInputElement | HTMLSelectElement, value: string) {
  input.value = value;
  input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true, composed: true }));
}

describe('crm-purchase-conditions', () => {
  let api: LiveApi;
  let accountId: string;
  let partnersBookId: string;

  before(async () => {
    api = await liveApi();
    await api.client.priceBooks.create({ name: 'Standard', isDefault: true, services: [{ name: 'Hosting', specs: [{ name: 'Monthly', unit: 'month', prices: [{ currency: 'EUR', unitPrice: 10_000 }] }] }] });
    partnersBookId = (await api.client.priceBooks.create({ name: 'Partners', services: [{ name: 'Hosting', specs: [{ name: 'Monthly', unit: 'month', prices: [{ currency: 'EUR', unitPrice: 9_000 }] }] }] })).id;
    accountId = (await api.client.customers.create({ name: 'Globex', finance: { currency: 'EUR', paymentTerms: 'Net 30', paymentTermsDays: 30 } } as never)).id;
  });
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  async function mount(locale = 'en', client: unknown = api.client, id = accountId) {
    const provider = await fixture(html`<crm-provider .client=${client} .user=${api?.user} locale=${locale}><crm-purchase-conditions account-id=${id}></crm-purchase-conditions></crm-provider>`);
    const el = provider.querySelector('crm-purchase-conditions')!;
    await until(() => Boolean(el.shadowRoot!.querySelector('form')), 10_000, 'conditions form');
    return el;
  }

  it('should show the stored conditions, put the API problem on its field, and save them with the credit limit typed in German', async () => {
    const el = await mount('de');
    expect(field(el, 'currency').value).to.equal('EUR');
    expect(field(el, 'paymentTerms').value).to.equal('Net 30');
    expect(field<HTMLSelectElement>(el, 'invoicingOption').value).to.equal('manual');
    expect(text($(el, '[data-source]'))).to.contain('Kein Limit');
    expect(text($(el, '[data-no-behaviour]'))).to.not.equal('');
    await expectAccessible(el);

    // A price adjuster the API refuses (above 1000 %): its 400 problem lands on that field.
    type(field(el, 'priceAdjuster'), '2000');
    $<HTMLButtonElement>(el, '[data-save]').click();
    await until(() => field(el, 'priceAdjuster').getAttribute('aria-invalid') === 'true', 8000, 'price adjuster problem');
    expect((await api.client.customers.get(accountId)).finance.priceAdjuster).to.equal(null);

    type(field(el, 'priceAdjuster'), '-7,5');
    type(field<HTMLSelectElement>(el, 'priceBookId'), partnersBookId);
    type(field<HTMLSelectElement>(el, 'invoicingOption'), 'perPo');
    type(field(el, 'creditLimit'), '5.000,50');
    field(el, 'blacklisted').click();
    field(el, 'allowNegativeProfit').click();
    const saved = oneEvent(el, 'crm-purchase-conditions-saved');
    const save = $<HTMLButtonElement>(el, '[data-save]');
    save.focus();
    await sendKeys({ press: 'Enter' });
    const { detail } = await saved;
    expect(detail.account.finance.creditLimit).to.equal(5000.5);

    const stored = (await api.client.customers.get(accountId)).finance;
    expect([stored.priceAdjuster, stored.priceBookId, stored.invoicingOption, stored.creditLimit, stored.blacklisted, stored.allowNegativeProfit, stored.autoSendInvoice]).to.deep.equal([-7.5, partnersBookId, 'perPo', 5000.5, true, true, false]);
    await until(() => text($(el, '[data-limit]')) === '5.000,50 €', 8000, 'the manual limit shown');
    expect(text($(el, '[data-source]'))).to.contain('manuelle Limit');
    expect(field(el, 'creditLimit').value).to.equal('5000,50');
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 900 });
      await expectFitsLayout(el);
    }
    await expectAccessible(el);
  });

  it('should show the calculated limit with the rule step by step in English', async () => {
    await api.client.customers.update(accountId, { finance: { creditLimit: null } });
    await api.client.orders.setCreditRule({ enabled: true, baseMinor: 100_000, spendShareBp: 1_000, windowDays: 365, bands: [{ maxAverageDaysLate: 10, multiplierBp: 10_000, capMinor: null }], lateMultiplierBp: 5_000, overdueMultiplierBp: 10_000, floorMinor: 0, ceilingMinor: null });
    await api.client.orders.recalculateCredit(accountId);
    const el = await mount('en');
    await until(() => Boolean($(el, '[data-rule]')), 8000, 'the rule');
    expect(text($(el, '[data-source]'))).to.equal("Calculated by the agency's rule:");
    expect(text($(el, '[data-limit]'))).to.equal('€1,000.00');
    expect(text($(el, '[data-calculated]'))).to.equal('€1,000.00');
    await expectAccessible(el);
  });
});

describe('crm-purchase-conditions: a role that may not change the account', () => {
  it('should turn read-only when the save answers 403, and say so', async () => {
    const memory = createMemoryPurchaseConditions({ forbidden: true });
    const provider = await fixture(html`<crm-provider .client=${memory.client} locale="en"><crm-purchase-conditions account-id=${memory.accountId}></crm-purchase-conditions></crm-provider>`);
    const el = provider.querySelector('crm-purchase-conditions')!;
    await until(() => Boolean(el.shadowRoot!.querySelector('form')), 8000, 'conditions form');
    expect(text($(el, '[data-credit-hidden]'))).to.equal("Your role may not see this account's credit.");
    field(el, 'blacklisted').click();
    $<HTMLButtonElement>(el, '[data-save]').click();
    await until(() => Boolean($(el, '[data-readonly]')), 6000, 'read-only notice');
    expect($(el, '[data-save]')).to.equal(null);
    expect(field(el, 'currency').disabled).to.equal(true);
    expect(memory.account().finance.blacklisted).to.equal(false);
    await expectAccessible(el);
  });
});

describe('crm-purchase-conditions: a sales person on the real API', () => {
  it('should keep the credit and price terms read-only for a role that may not update invoices, and save the rest', async function () {
    this.timeout(60_000);
    const agency = (await (await fetch('/__crm-e2e/agency?users=SALES_PERSON')).json()) as { baseUrl: string; email: string; password: string; users: { id: string; email: string }[]; error?: string };
    if (agency.error) throw new Error(`The test API did not start: ${agency.error}`);
    const signedIn = async (email: string) => {
      const client = createCrmClient({ baseUrl: agency.baseUrl, auth: { type: 'session', email, password: agency.password } });
      await client.session!.login();
      return client;
    };
    const [admin, rep] = await Promise.all([signedIn(agency.email), signedIn(agency.users[0]!.email)]);
    const account = await rep.customers.create({ name: 'Initech', finance: { currency: 'EUR', invoicingOption: 'manual' } } as never);
    await admin.customers.update(account.id, { finance: { creditLimit: 2500, paymentTermsDays: 14 } } as never);

    const provider = await fixture(html`<crm-provider .client=${rep} locale="en"><crm-purchase-conditions account-id=${account.id}></crm-purchase-conditions></crm-provider>`);
    const el = provider.querySelector('crm-purchase-conditions')!;
    await until(() => Boolean(el.shadowRoot!.querySelector('form')) && Boolean($(el, '[data-terms-locked]')), 10_000, 'the form with the terms locked');
    for (const name of ['priceBookId', 'priceAdjuster', 'paymentTerms', 'paymentTermsDays', 'creditLimit', 'blacklisted', 'allowNegativeProfit']) {
      expect(field(el, name).disabled, name).to.equal(true);
    }
    expect(field(el, 'currency').disabled).to.equal(false);
    expect(field(el, 'paymentTermsDays').value).to.equal('14');

    type(field<HTMLSelectElement>(el, 'invoicingOption'), 'perMonth');
    $<HTMLButtonElement>(el, '[data-save]').click();
    await until(() => text($(el, '[role="status"]')) !== '' || Boolean(el.shadowRoot!.querySelector('[aria-invalid="true"]')), 10_000, 'the save answered');
    const stored = await admin.customers.get(account.id);
    expect(stored.finance.invoicingOption).to.equal('perMonth');
    expect(stored.finance.creditLimit).to.equal(2500);
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      expectFitsLayout(el);
    }
    await expectAccessible(el);
  });
});
