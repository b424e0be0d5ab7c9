import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { expectFitsLayout } from '../test/viewport.js';
import type { CrmInvoiceList } from './invoice-list.component.js';
import './invoice-list.js';

const $ = <T extends Element = HTMLElement>(list: CrmInvoiceList, selector: string) => list.shadowRoot!.querySelector(selector) as T;
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const text = (el: Element | null) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

describe('crm-invoice-list', () => {
  let api: LiveApi;
  let accountId: string;
  let openId: string;
  let overdueId: string;

  before(async () => {
    api = await liveApi();
    const book = await api.client.priceBooks.create({ name: 'Standard', isDefault: true, services: [{ name: 'Hosting', specs: [{ name: 'Monthly', unit: 'month', prices: [{ currency: 'EUR', unitPrice: 10_000 }] }] }] });
    const line = { serviceId: book.services[0]!.id, specId: book.services[0]!.specs[0]!.id, quantity: 1, taxRatePercent: 19 };
    accountId = (await api.client.customers.create({ name: 'Globex', finance: { currency: 'EUR' } } as never)).id;
    overdueId = (await api.client.invoices.create({ accountId, issueDate: day(-40), dueDate: day(-10), lines: [line] })).id;
    openId = (await api.client.invoices.create({ accountId, dueDate: day(30), lines: [line] })).id;
  });
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  async function mount(locale = 'en') {
    const provider = await fixture(html`<crm-provider .client=${api.client} .user=${api.user} locale=${locale}><crm-invoice-list account-id=${accountId}></crm-invoice-list></crm-provider>`);
    const list = provider.querySelector('crm-invoice-list')!;
    await until(() => Boolean(list.shadowRoot!.querySelector('tbody tr')), 8000, 'invoice rows');
    return list;
  }

  it('should list balances and statuses, highlight the overdue invoice, and record a payment from the dialog by keyboard', async () => {
    const list = await mount();
    expect(text($(list, 'caption'))).to.equal('2 invoices');
    const overdueRow = $(list, `tr[data-invoice="${overdueId}"]`);
    expect(overdueRow.classList.contains('overdue')).to.equal(true);
    expect(text(overdueRow.querySelector('[data-status]'))).to.equal('Overdue');
    expect(text(overdueRow.querySelector('.late'))).to.equal('10 days overdue');
    expect(text($(list, '[data-open]'))).to.equal('Open balance: €238.00');

    // Keyboard: focus the row's button, Enter opens the dialog with focus in the amount field.
    const pay = $(list, `tr[data-invoice="${openId}"] [data-pay]`) as HTMLButtonElement;
    pay.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean($<HTMLDialogElement>(list, 'dialog')?.open), 4000, 'dialog open');
    expect(list.shadowRoot!.activeElement?.getAttribute('data-field')).to.equal('amount');
    await expectAccessible(list);

    // More than the balance without credit: the API's 400 lands beside the amount.
    await sendKeys({ type: '500' });
    $<HTMLButtonElement>(list, '[data-save]').click();
    await until(() => Boolean($(list, '#e-amount')), 6000, 'amount error');
    expect($(list, '[data-field="amount"]').getAttribute('aria-invalid')).to.equal('true');

    const amount = $<HTMLInputElement>(list, '[data-field="amount"]');
    amount.value = '50.00';
    const recorded = oneEvent(list, 'crm-payment-recorded');
    $<HTMLButtonElement>(list, '[data-save]').click();
    const { detail } = await recorded;
    expect(detail.payment.amount).to.equal(5_000);
    expect(detail.invoice.status).to.equal('partiallyPaid');
    await until(() => !$<HTMLDialogElement>(list, 'dialog').open, 4000, 'dialog closed');
    expect(list.shadowRoot!.activeElement).to.equal(pay, 'focus returns to the button that opened the dialog');
    expect(text($(list, `tr[data-invoice="${openId}"] [data-balance]`))).to.equal('€69.00');
    expect((await api.client.invoices.get(openId)).balance).to.equal(6_900);

    // Escape closes the dialog without recording anything.
    pay.click();
    await until(() => $<HTMLDialogElement>(list, 'dialog').open, 4000, 'dialog open again');
    await sendKeys({ press: 'Escape' });
    await until(() => !$<HTMLDialogElement>(list, 'dialog').open, 4000, 'dialog closed by Escape');
    expect((await api.client.invoices.payments(openId)).length).to.equal(1);
  });

  it('should write dates, amounts and plurals in German and fit 390 and 1280 px', async () => {
    const list = await mount('de');
    expect(text($(list, 'caption'))).to.equal('2 Rechnungen');
    expect(text($(list, `tr[data-invoice="${overdueId}"] .late`))).to.equal('10 Tage überfällig');
    expect(text($(list, `tr[data-invoice="${overdueId}"] [data-status]`))).to.equal('Überfällig');
    expect(text($(list, `tr[data-invoice="${overdueId}"] [data-balance]`))).to.equal('119,00 €');
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      await expectFitsLayout(list);
    }
    await expectAccessible(list);
  });
});
