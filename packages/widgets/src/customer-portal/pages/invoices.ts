import { html, nothing, type TemplateResult } from 'lit';
import type { PortalInvoice, PortalInvoiceList } from '@crm/client-sdk/public';
import type { PortalHost } from '../host.js';
import type { PortalLocale } from '../strings.js';

// The page's words ship with its own chunk (the first chunk stays as small as it was).
const en = {
  title: 'Invoices',
  none: 'There are no invoices for your account yet.',
  open: 'Open balance',
  overdue: 'of which overdue: {amount}',
  nothingOpen: 'Nothing is open. Thank you!',
  number: 'Invoice',
  issued: 'Date',
  due: 'Due',
  total: 'Total',
  balance: 'Open',
  state: 'Status',
  pdf: 'PDF',
  pdfOf: 'Download {number} as PDF',
  count: { one: '# invoice', other: '# invoices' },
  status: { issued: 'Open', partiallyPaid: 'Partially paid', paid: 'Paid', overdue: 'Overdue', void: 'Void' } as Record<string, string>,
};
type Words = typeof en;
const de: Words = {
  title: 'Rechnungen',
  none: 'Für Ihr Konto gibt es noch keine Rechnungen.',
  open: 'Offener Betrag',
  overdue: 'davon überfällig: {amount}',
  nothingOpen: 'Nichts ist offen. Vielen Dank!',
  number: 'Rechnung',
  issued: 'Datum',
  due: 'Fällig',
  total: 'Gesamt',
  balance: 'Offen',
  state: 'Status',
  pdf: 'PDF',
  pdfOf: '{number} als PDF herunterladen',
  count: { one: '# Rechnung', other: '# Rechnungen' },
  status: { issued: 'Offen', partiallyPaid: 'Teilweise bezahlt', paid: 'Bezahlt', overdue: 'Überfällig', void: 'Storniert' },
};
type Key = { [K in keyof Words]: Words[K] extends string ? K : never }[keyof Words];
const words = (locale: PortalLocale) => (locale === 'de' ? de : en);
const say = (locale: PortalLocale, key: Key, params: Record<string, string> = {}) => words(locale)[key].replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? '');
const count = (locale: PortalLocale, n: number) => (new Intl.PluralRules(locale).select(n) === 'one' ? words(locale).count.one : words(locale).count.other).replace('#', new Intl.NumberFormat(locale).format(n));

const exponentOf = (currency: string) => new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
/** Minor units as money in the locale, from the exact decimal text (no float on the way). */
function money(locale: PortalLocale, minor: number, currency: string): string {
  const exponent = exponentOf(currency);
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const text = `${minor < 0 ? '-' : ''}${exponent ? `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}` : digits}`;
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(text as unknown as number);
}
const day = (locale: PortalLocale, iso: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));

interface InvoicesState {
  list: PortalInvoiceList | null;
  error: string;
}

const states = new WeakMap<PortalHost, InvoicesState>();
function stateOf(host: PortalHost): InvoicesState {
  let state = states.get(host);
  if (!state) states.set(host, (state = { list: null, error: '' }));
  return state;
}

/** Loads the invoices of the customer's account. */
export function show(host: PortalHost): void {
  const state = stateOf(host);
  void host.crm.portal.invoices.list().then(
    (list) => {
      state.list = list;
      state.error = '';
      host.requestUpdate();
    },
    (error: unknown) => {
      state.error = host.describe(error);
      host.requestUpdate();
    },
  );
}

async function download(host: PortalHost, invoice: PortalInvoice) {
  const state = stateOf(host);
  try {
    const blob = await host.crm.portal.invoices.pdf(invoice.id, { locale: host.locale === 'de' ? 'de' : 'en' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `${invoice.displayNumber}.pdf`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    state.error = host.describe(error);
    host.requestUpdate();
  }
}

function renderInvoice(host: PortalHost, i: PortalInvoice): TemplateResult {
  const locale = host.locale;
  const w = words(locale);
  return html`<li class="invoice" data-invoice=${i.id}>
    <h3>${i.displayNumber}</h3>
    <dl class="facts">
      <div><dt>${w.issued}</dt><dd>${day(locale, i.issueDate)}</dd></div>
      <div><dt>${w.due}</dt><dd>${day(locale, i.dueDate)}</dd></div>
      <div><dt>${w.total}</dt><dd class="num">${money(locale, i.total, i.currency)}</dd></div>
      <div><dt>${w.balance}</dt><dd class="num" data-balance>${money(locale, i.balance, i.currency)}</dd></div>
      <div><dt>${w.state}</dt><dd><span class="badge" data-status=${i.status}>${w.status[i.status] ?? i.status}</span></dd></div>
    </dl>
    <button type="button" class="secondary" part="button" aria-label=${say(locale, 'pdfOf', { number: i.displayNumber })} @click=${() => download(host, i)}>${w.pdf}</button>
  </li>`;
}

/** The customer's invoices: the open balance, each invoice with its status, and its PDF. */
export function render(host: PortalHost): TemplateResult {
  const state = stateOf(host);
  const locale = host.locale;
  const list = state.list;
  return html`<section data-page="invoices">
    <h2 tabindex="-1">${say(locale, 'title')}</h2>
    <p class="alert" role="alert">${state.error}</p>
    ${list === null
      ? nothing
      : list.data.length === 0
        ? html`<p class="muted">${say(locale, 'none')}</p>`
        : html`<p data-open-balance>
              <strong>${say(locale, 'open')}:</strong>
              ${list.openBalances.length
                ? list.openBalances.map((b) => html`<span>${money(locale, b.balance, b.currency)}${b.overdue ? html` (${say(locale, 'overdue', { amount: money(locale, b.overdue, b.currency) })})` : nothing}</span> `)
                : say(locale, 'nothingOpen')}
            </p>
            <p class="muted">${count(locale, list.data.length)}</p>
            <ul class="list">${list.data.map((i) => renderInvoice(host, i))}</ul>`}
  </section>`;
}
