import { sendKeys, setViewport } from '@web/test-runner-commands';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../provider/provider.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { createMemoryInvoices } from '../test/memory-invoices.js';
import { expectFitsLayout } from '../test/viewport.js';
import type { CreditNote } from '../shared/api/invoices.js';
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
    expect($(list, '[data-uncertain]'), 'no uncertain invoice mail on the real API: no notice').to.equal(null);

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

describe('crm-invoice-list: void and credit notes', () => {
  let api: LiveApi;
  let accountId: string;
  let voidId: string;
  let creditId: string;

  before(async () => {
    api = await liveApi();
    const book = await api.client.priceBooks.create({ name: 'Corrections', isDefault: true, services: [{ name: 'Hosting', specs: [{ name: 'Monthly', unit: 'month', prices: [{ currency: 'EUR', unitPrice: 10_000 }] }] }] });
    const line = { serviceId: book.services[0]!.id, specId: book.services[0]!.specs[0]!.id, quantity: 1, taxRatePercent: 19 };
    accountId = (await api.client.customers.create({ name: 'Initech', finance: { currency: 'EUR' } } as never)).id;
    voidId = (await api.client.invoices.create({ accountId, dueDate: day(30), lines: [line] })).id;
    creditId = (await api.client.invoices.create({ accountId, dueDate: day(30), lines: [line] })).id;
  });
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  async function mount(locale: string) {
    const provider = await fixture(html`<crm-provider .client=${api.client} .user=${api.user} locale=${locale}><crm-invoice-list account-id=${accountId}></crm-invoice-list></crm-provider>`);
    const list = provider.querySelector('crm-invoice-list')!;
    await until(() => Boolean(list.shadowRoot!.querySelector('tbody tr')), 8000, 'invoice rows');
    return list;
  }
  const dialog = (list: CrmInvoiceList) => $<HTMLDialogElement>(list, 'dialog[data-correction]');

  it('should void an invoice after a confirm dialog with its reason, by keyboard, and show the reason under it', async () => {
    const list = await mount('en');
    const button = $<HTMLButtonElement>(list, `tr[data-invoice="${voidId}"] [data-void]`);
    expect(button.getAttribute('aria-label')).to.match(/^Void INV-\d{6}$/);
    button.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => dialog(list)?.open, 4000, 'void dialog open');
    expect(list.shadowRoot!.activeElement?.getAttribute('data-field')).to.equal('reason');
    await expectAccessible(list);

    // No reason: refused beside the field, nothing sent.
    $<HTMLButtonElement>(list, '[data-confirm]').click();
    await until(() => Boolean($(list, '#c-reason')), 4000, 'reason error');
    expect((await api.client.invoices.get(voidId)).status).to.equal('issued');

    await sendKeys({ type: 'Issued to the wrong account' });
    const voided = oneEvent(list, 'crm-invoice-voided');
    $<HTMLButtonElement>(list, '[data-confirm]').click();
    const { detail } = await voided;
    expect(detail.invoice.status).to.equal('void');
    await until(() => !dialog(list).open, 4000, 'dialog closed');
    // The void button is gone with the void: focus lands on the same invoice's PDF button.
    await until(() => list.shadowRoot!.activeElement === $(list, `tr[data-invoice="${voidId}"] [data-pdf]`), 4000, 'focus on the row');
    expect(text($(list, `tr[data-invoice="${voidId}"] [data-status]`))).to.equal('Void');
    expect(text($(list, `tr[data-below="${voidId}"] [data-void-reason]`))).to.equal('Voided: Issued to the wrong account');
    expect($(list, `tr[data-invoice="${voidId}"] [data-void]`) === null, 'a void invoice offers no second void').to.equal(true);
    const stored = await api.client.invoices.get(voidId);
    expect([stored.status, stored.voidReason]).to.deep.equal(['void', 'Issued to the wrong account']);
  });

  it('should issue a partial credit note typed as a German decimal, show the API problem on the amount, and list the note under its invoice', async () => {
    const list = await mount('de');
    $<HTMLButtonElement>(list, `tr[data-invoice="${creditId}"] [data-credit]`).click();
    await until(() => dialog(list)?.open, 4000, 'credit dialog open');
    expect(text($(list, '[data-explain]'))).to.contain('119,00 €');
    $<HTMLInputElement>(list, '[data-scope="part"]').click();
    await until(() => Boolean($(list, '[data-field="amount"]')), 4000, 'amount field');
    await until(() => list.shadowRoot!.activeElement?.getAttribute('data-field') === 'amount', 4000, 'focus on the amount');
    await expectAccessible(list);

    // More than the invoice: the API's 400 problem names `amount`, shown on that field; nothing stored.
    await sendKeys({ type: '500,00' });
    $<HTMLTextAreaElement>(list, '[data-field="reason"]').value = 'Kulanz';
    $<HTMLButtonElement>(list, '[data-confirm]').click();
    await until(() => Boolean($(list, '#c-amount')), 6000, 'amount problem');
    expect($(list, '[data-field="amount"]').getAttribute('aria-invalid')).to.equal('true');
    expect(text($(list, '#c-amount'))).to.not.equal('');
    expect(await api.client.invoices.creditNotes(creditId)).to.have.length(0);

    $<HTMLInputElement>(list, '[data-field="amount"]').value = '12,50';
    const created = oneEvent(list, 'crm-credit-note-created');
    $<HTMLButtonElement>(list, '[data-confirm]').click();
    const { detail } = await created;
    expect(detail.creditNote.total).to.equal(1_250);
    expect(detail.invoice.credited).to.equal(1_250);
    await until(() => !dialog(list).open, 4000, 'dialog closed');
    const note = $(list, `tr[data-below="${creditId}"] [data-credit-note]`);
    expect(text(note.querySelector('[data-note-total]'))).to.equal('−12,50 €');
    expect(text(note)).to.contain('Kulanz');
    expect(text($(list, `tr[data-invoice="${creditId}"] [data-balance]`))).to.equal('106,50 €');
    const notes = await api.client.invoices.creditNotes(creditId);
    expect(notes.map((n) => [n.total, n.reason])).to.deep.equal([[1_250, 'Kulanz']]);
    expect($(list, `tr[data-invoice="${creditId}"] [data-void]`) === null, 'a credited invoice cannot be voided').to.equal(true);
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      await expectFitsLayout(list);
    }
    await expectAccessible(list);
  });

  it('should list the credit notes already issued when it loads', async () => {
    const list = await mount('en');
    await until(() => Boolean($(list, `tr[data-below="${creditId}"] [data-credit-note]`)), 6000, 'credit note row');
    expect(text($(list, `tr[data-below="${creditId}"] [data-note-total]`))).to.equal('−€12.50');
  });
});

describe('crm-invoice-list: credit note by line', () => {
  let api: LiveApi;
  let accountId: string;
  let invoiceId: string;

  before(async () => {
    api = await liveApi();
    const book = await api.client.priceBooks.create({
      name: 'By line',
      isDefault: true,
      services: [
        { name: 'Consulting', specs: [{ name: 'Senior', unit: 'hour', prices: [{ currency: 'EUR', unitPrice: 8_333 }] }] },
        { name: 'Hosting', specs: [{ name: 'Monthly', unit: 'month', prices: [{ currency: 'EUR', unitPrice: 10_000 }] }] },
      ],
    });
    const [consulting, hosting] = book.services;
    accountId = (await api.client.customers.create({ name: 'Umbrella', finance: { currency: 'EUR' } } as never)).id;
    invoiceId = (
      await api.client.invoices.create({
        accountId,
        dueDate: day(30),
        lines: [
          { serviceId: consulting!.id, specId: consulting!.specs[0]!.id, quantity: 3, discountPercent: 10, taxRatePercent: 19, description: 'Workshop' },
          { serviceId: hosting!.id, specId: hosting!.specs[0]!.id, quantity: 2, taxRatePercent: 7, description: 'Hosting' },
        ],
      })
    ).id;
  });
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  async function openByLine(locale: string) {
    const provider = await fixture(html`<crm-provider .client=${api.client} .user=${api.user} locale=${locale}><crm-invoice-list account-id=${accountId}></crm-invoice-list></crm-provider>`);
    const list = provider.querySelector('crm-invoice-list')!;
    await until(() => Boolean(list.shadowRoot!.querySelector('tbody tr')), 8000, 'invoice rows');
    const invoice = await api.client.invoices.get(invoiceId);
    if (invoice.credited > 0) await until(() => Boolean($(list, `tr[data-below="${invoiceId}"] [data-credit-note]`)), 6000, 'credit notes read');
    $<HTMLButtonElement>(list, `tr[data-invoice="${invoiceId}"] [data-credit]`).click();
    await until(() => $<HTMLDialogElement>(list, 'dialog[data-correction]')?.open, 4000, 'credit dialog open');
    // Keyboard: from the first scope radio, the up arrow wraps to "By line", which focuses the first quantity.
    $<HTMLInputElement>(list, '[data-scope="full"]').focus();
    await sendKeys({ press: 'ArrowUp' });
    await until(() => list.shadowRoot!.activeElement?.getAttribute('data-line-quantity') === '0', 4000, 'focus on the first line');
    return list;
  }
  const line = (list: CrmInvoiceList, index: number) => $(list, `[data-credit-lines] li[data-line="${index}"]`);

  it('should credit part of one line, preview the total the API computes (discount, tax, rounding), and lower the balance by it', async () => {
    const list = await openByLine('en');
    const before = await api.client.invoices.get(invoiceId);
    const input = $<HTMLInputElement>(list, '[data-line-quantity="0"]');
    expect(input.labels![0]!.textContent).to.contain('Quantity to credit for Workshop');
    expect(text(line(list, 0).querySelector('[data-line-invoiced]'))).to.equal('3 hour');
    expect(text(line(list, 0).querySelector('[data-line-credited]'))).to.equal('0 hour');
    expect(text($(list, '[data-credit-total] strong'))).to.equal('Credit note total: €0.00');
    await expectAccessible(list);

    // 1.5 of 3 hours at €83.33 less 10 %: net 224.99 × 1.5 / 3 = 112.495 → €112.50, tax 19 % 21.375 → €21.38.
    await sendKeys({ type: '1.5' });
    await until(() => text($(list, '[data-credit-total] strong')) === 'Credit note total: €133.88', 4000, 'live total');
    expect(text(line(list, 0).querySelector('[data-line-net]'))).to.equal('€112.50');
    expect(text($(list, '[data-credit-total]'))).to.contain('tax 19%: €21.38');

    $<HTMLTextAreaElement>(list, '[data-field="reason"]').value = 'Half the workshop was cancelled';
    const created = oneEvent(list, 'crm-credit-note-created');
    $<HTMLButtonElement>(list, '[data-confirm]').click();
    const { detail } = await created;
    expect(detail.creditNote.total).to.equal(13_388);
    expect((detail.creditNote as CreditNote).lines.map((l) => [l.lineIndex, l.quantityMilli, l.net])).to.deep.equal([[0, 1_500, 11_250]]);
    const after = await api.client.invoices.get(invoiceId);
    expect(after.balance).to.equal(before.balance - 13_388);
    await until(() => text($(list, `tr[data-invoice="${invoiceId}"] [data-balance]`)) === formatEur(after.balance), 4000, 'balance in the row');
  });

  it('should show an over-quantity beside its line, the API problem beside the line it names, and on the lines, in German', async () => {
    const list = await openByLine('de');
    expect(text(line(list, 0).querySelector('[data-line-credited]'))).to.equal('1,5 hour');
    // Half of the first line is left: two hours is refused beside that line, nothing is sent.
    await sendKeys({ type: '2' });
    $<HTMLTextAreaElement>(list, '[data-field="reason"]').value = 'Zu viel';
    $<HTMLButtonElement>(list, '[data-confirm]').click();
    await until(() => Boolean($(list, '#c-line-0')), 4000, 'line problem');
    expect(line(list, 0).contains($(list, '#c-line-0')), 'the problem is beside its line').to.equal(true);
    expect(text($(list, '#c-line-0'))).to.equal('Auf dieser Position sind höchstens 1,5 hour gutschreibbar.');
    expect($(list, '[data-line-quantity="0"]').getAttribute('aria-invalid')).to.equal('true');
    expect(await api.client.invoices.creditNotes(invoiceId)).to.have.length(1);
    await expectAccessible(list);

    const type = (index: number, value: string) => {
      const input = $<HTMLInputElement>(list, `[data-line-quantity="${index}"]`);
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    // Meanwhile someone credits both hosting months: the list still shows them as left, so the API's 400
    // on the second line sent (`lines.1.quantityMilli`) lands beside the hosting line, not the first one.
    await api.client.invoices.createCreditNote(invoiceId, { reason: 'Elsewhere', lines: [{ lineIndex: 1 }] });
    type(0, '0,5');
    type(1, '1');
    $<HTMLButtonElement>(list, '[data-confirm]').click();
    await until(() => Boolean($(list, '#c-line-1')), 6000, 'API problem on the hosting line');
    expect(line(list, 1).contains($(list, '#c-line-1'))).to.equal(true);
    expect($(list, '#c-line-0'), 'nothing beside the first line').to.equal(null);
    expect(await api.client.invoices.creditNotes(invoiceId)).to.have.length(2);

    // And then most of what is left by amount: the API's 400 on `lines` (more than is uncredited) lands on the lines.
    const open = await api.client.invoices.get(invoiceId);
    await api.client.invoices.createCreditNote(invoiceId, { reason: 'Elsewhere', amount: open.total - open.credited - 100 });
    type(0, '1');
    type(1, '');
    await until(() => text($(list, '[data-credit-total] strong')) === 'Summe der Gutschrift: 89,25 €', 4000, 'live total in German');
    $<HTMLButtonElement>(list, '[data-confirm]').click();
    await until(() => Boolean($(list, '#c-lines')), 6000, 'lines problem');
    expect($(list, '[data-credit-lines]').contains($(list, '#c-lines'))).to.equal(true);
    expect(await api.client.invoices.creditNotes(invoiceId)).to.have.length(3);
    // The open dialog fits both widths; at 390 px each line is a stack (its quantity field under its figures).
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      await expectFitsLayout($(list, 'dialog[data-correction]'));
      const figures = line(list, 0).querySelector('dl')!.getBoundingClientRect();
      const field = $(list, '[data-line-quantity="0"]').getBoundingClientRect();
      expect(field.top >= figures.bottom, `${width} px: quantity under the figures`).to.equal(width === 390);
    }
    await expectAccessible(list);
  });
});

const formatEur = (minor: number) => new Intl.NumberFormat('en', { style: 'currency', currency: 'EUR' }).format(minor / 100);

describe('crm-invoice-list: invoice mail left uncertain by a crash', () => {
  const account = '00000000000000000000a001';
  async function mount(locale: string) {
    const memory = createMemoryInvoices({ uncertain: true });
    const provider = await fixture(html`<crm-provider .client=${memory.client} locale=${locale}><crm-invoice-list account-id=${account}></crm-invoice-list></crm-provider>`);
    const list = provider.querySelector('crm-invoice-list')!;
    await until(() => Boolean(list.shadowRoot!.querySelector('[data-uncertain]')), 8000, 'uncertain notice');
    return list;
  }

  it('should say how many may not have arrived and resend them by keyboard, once', async () => {
    const list = await mount('en');
    expect(text($(list, '[data-uncertain] p'))).to.equal('2 invoice emails of this account may not have arrived: the sending stopped midway.');
    const resend = $<HTMLButtonElement>(list, '[data-resend]');
    expect(text(resend)).to.equal('Send them again');
    await expectAccessible(list);
    resend.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => !$(list, '[data-uncertain]'), 4000, 'notice gone');
    expect(text($(list, '.message'))).to.equal('2 emails sent again.');
  });

  it('should word the notice in German with plurals and fit 390 and 1280 px', async () => {
    const list = await mount('de');
    expect(text($(list, '[data-uncertain] p'))).to.equal('2 Rechnungs-E-Mails dieses Kontos sind womöglich nicht angekommen: Der Versand brach ab.');
    expect(text($(list, '[data-resend]'))).to.equal('Alle erneut senden');
    for (const width of [390, 1280]) {
      await setViewport({ width, height: 800 });
      await expectFitsLayout(list);
    }
    await expectAccessible(list);
  });
});
