import { html, nothing, type TemplateResult } from 'lit';
import { CrmApiError, type PortalQuote } from '@crm/client-sdk/public';
import type { PortalHost } from '../host.js';
import type { PortalLocale } from '../strings.js';

// The page's words ship with its own chunk (the first chunk stays as small as it was).
const en = {
  title: 'Quotes',
  none: 'There are no quotes for your account yet.',
  validUntil: 'Valid until {date}',
  total: 'Total {amount}',
  item: 'Item',
  quantity: 'Quantity',
  net: 'Net',
  accept: 'Accept',
  reject: 'Reject',
  confirmAccept: 'Accept the quote',
  confirmReject: 'Reject the quote',
  cancel: 'Cancel',
  pdf: 'PDF',
  pdfOf: 'Download {number} as PDF',
  po: 'Your purchase order number (optional)',
  reason: 'Reason (optional)',
  accepted: 'You accepted {number}. Your order number is {order}.',
  held: 'The order awaits approval by the agency.',
  rejected: 'You rejected {number}.',
  decided: '{decision} on {date}',
  lineCount: { one: '# line', other: '# lines' },
  status: { sent: 'Awaiting your answer', accepted: 'Accepted', rejected: 'Rejected', expired: 'Expired' } as Record<string, string>,
};
type Words = typeof en;
const de: Words = {
  title: 'Angebote',
  none: 'Für Ihr Konto gibt es noch keine Angebote.',
  validUntil: 'Gültig bis {date}',
  total: 'Gesamt {amount}',
  item: 'Position',
  quantity: 'Menge',
  net: 'Netto',
  accept: 'Annehmen',
  reject: 'Ablehnen',
  confirmAccept: 'Angebot annehmen',
  confirmReject: 'Angebot ablehnen',
  cancel: 'Abbrechen',
  pdf: 'PDF',
  pdfOf: '{number} als PDF herunterladen',
  po: 'Ihre Bestellnummer (optional)',
  reason: 'Grund (optional)',
  accepted: 'Sie haben {number} angenommen. Ihre Auftragsnummer ist {order}.',
  held: 'Der Auftrag wartet auf die Freigabe durch die Agentur.',
  rejected: 'Sie haben {number} abgelehnt.',
  decided: '{decision} am {date}',
  lineCount: { one: '# Position', other: '# Positionen' },
  status: { sent: 'Wartet auf Ihre Antwort', accepted: 'Angenommen', rejected: 'Abgelehnt', expired: 'Abgelaufen' },
};
type Key = { [K in keyof Words]: Words[K] extends string ? K : never }[keyof Words];
const say = (locale: PortalLocale, key: Key, params: Record<string, string> = {}) => (locale === 'de' ? de : en)[key].replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? '');
const lines = (locale: PortalLocale, n: number) => {
  const forms = (locale === 'de' ? de : en).lineCount;
  return (new Intl.PluralRules(locale).select(n) === 'one' ? forms.one : forms.other).replace('#', new Intl.NumberFormat(locale).format(n));
};
const statusName = (locale: PortalLocale, status: string) => (locale === 'de' ? de : en).status[status] ?? status;

/** Minor units as money in the locale, from the exact decimal text (no float on the way). */
export function money(locale: PortalLocale, minor: number, currency: string, exponent: number): string {
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const text = `${minor < 0 ? '-' : ''}${exponent ? `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}` : digits}`;
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(text as unknown as number);
}
const day = (locale: PortalLocale, iso: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso));

interface QuotesState {
  quotes: PortalQuote[] | null;
  error: string;
  /** The quote whose accept or reject form is open. */
  open: { id: string; decision: 'accept' | 'reject' } | null;
  sending: boolean;
  done: string;
  focus: string | null;
}

const states = new WeakMap<PortalHost, QuotesState>();
function stateOf(host: PortalHost): QuotesState {
  let state = states.get(host);
  if (!state) states.set(host, (state = { quotes: null, error: '', open: null, sending: false, done: '', focus: null }));
  return state;
}

/** Loads the quotes sent to the customer's account. */
export function show(host: PortalHost): void {
  const state = stateOf(host);
  state.open = null;
  state.done = '';
  void host.crm.portal.quotes.list().then(
    (quotes) => {
      state.quotes = quotes;
      state.error = '';
      host.requestUpdate();
    },
    (error: unknown) => {
      state.error = host.describe(error);
      host.requestUpdate();
    },
  );
}

function openForm(host: PortalHost, id: string, decision: 'accept' | 'reject') {
  const state = stateOf(host);
  state.open = { id, decision };
  state.error = '';
  state.focus = `q-${decision}-${id}`;
  host.requestUpdate();
  // Focus moves into the form that opened, so keyboard users continue there.
  void Promise.resolve().then(() => requestAnimationFrame(() => focusPending(host)));
}

function focusPending(host: PortalHost) {
  const state = stateOf(host);
  if (!state.focus) return;
  const root = (host as unknown as { renderRoot?: ShadowRoot }).renderRoot;
  const target = root?.getElementById(state.focus);
  if (target) {
    state.focus = null;
    target.focus();
  }
}

async function decide(host: PortalHost, quote: PortalQuote, decision: 'accept' | 'reject', event: SubmitEvent) {
  event.preventDefault();
  const state = stateOf(host);
  const data = new FormData(event.target as HTMLFormElement);
  const text = (name: string) => String(data.get(name) ?? '').trim();
  state.sending = true;
  host.requestUpdate();
  try {
    const result = decision === 'accept' ? await host.crm.portal.quotes.accept(quote.id, text('poNumber') ? { poNumber: text('poNumber') } : {}) : await host.crm.portal.quotes.reject(quote.id, text('reason') ? { reason: text('reason') } : {});
    state.quotes = (state.quotes ?? []).map((q) => (q.id === quote.id ? result.quote : q));
    state.open = null;
    state.error = '';
    state.done =
      decision === 'accept'
        ? `${say(host.locale, 'accepted', { number: quote.number, order: result.order?.displayNumber ?? '' })}${result.order?.status === 'pending_approval' ? ` ${say(host.locale, 'held')}` : ''}`
        : say(host.locale, 'rejected', { number: quote.number });
    state.focus = `q-title-${quote.id}`;
    host.emit(decision === 'accept' ? 'crm-portal-quote-accepted' : 'crm-portal-quote-rejected', { quote: result.quote, order: result.order });
  } catch (error) {
    // A conflict (already decided, expired) says why in the API's words; anything else in the portal's.
    state.error = error instanceof CrmApiError && error.status === 409 && error.detail ? error.detail : host.describe(error);
  } finally {
    state.sending = false;
    host.requestUpdate();
    void Promise.resolve().then(() => requestAnimationFrame(() => focusPending(host)));
  }
}

/** Saves the quote's PDF through the customer's session (a link could not carry the token). */
async function download(host: PortalHost, quote: PortalQuote) {
  const state = stateOf(host);
  try {
    const blob = await host.crm.portal.quotes.pdf(quote.id, { locale: host.locale === 'de' ? 'de' : 'en' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `${quote.number}.pdf`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    state.error = host.describe(error);
    host.requestUpdate();
  }
}

function renderQuote(host: PortalHost, state: QuotesState, q: PortalQuote): TemplateResult {
  const locale = host.locale;
  const amount = (minor: number) => money(locale, minor, q.currency, q.exponent);
  const open = state.open?.id === q.id ? state.open.decision : null;
  return html`<li class="quote" data-quote=${q.id}>
    <h3 id="q-title-${q.id}" tabindex="-1">${q.number}: ${q.title}</h3>
    <p class="row"><span class="badge">${statusName(locale, q.status)}</span><strong>${say(locale, 'total', { amount: amount(q.total) })}</strong><span class="muted">${say(locale, 'validUntil', { date: day(locale, q.validUntil) })}</span><button type="button" class="secondary" part="button" data-pdf aria-label=${say(locale, 'pdfOf', { number: q.number })} @click=${() => download(host, q)}>${say(locale, 'pdf')}</button></p>
    <details>
      <summary>${lines(locale, q.lines.length)}</summary>
      <div class="scroll">
        <table>
          <thead><tr><th scope="col">${say(locale, 'item')}</th><th scope="col" class="num">${say(locale, 'quantity')}</th><th scope="col" class="num">${say(locale, 'net')}</th></tr></thead>
          <tbody>${q.lines.map((l) => html`<tr><td>${l.description}</td><td class="num">${new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(Number(l.quantity))} ${l.unit}</td><td class="num">${amount(l.net)}</td></tr>`)}</tbody>
        </table>
      </div>
    </details>
    ${q.decision ? html`<p class="muted">${say(locale, 'decided', { decision: statusName(locale, q.decision.decision), date: day(locale, q.decision.at) })}</p>` : nothing}
    ${q.decidable && !open
      ? html`<div class="row">
          <button type="button" part="button" aria-label="${say(locale, 'accept')}: ${q.number}" @click=${() => openForm(host, q.id, 'accept')}>${say(locale, 'accept')}</button>
          <button type="button" class="secondary" part="button" aria-label="${say(locale, 'reject')}: ${q.number}" @click=${() => openForm(host, q.id, 'reject')}>${say(locale, 'reject')}</button>
        </div>`
      : nothing}
    ${open === 'accept'
      ? html`<form novalidate aria-label=${say(locale, 'confirmAccept')} @submit=${(e: SubmitEvent) => decide(host, q, 'accept', e)}>
          <div class="field"><label for="q-accept-${q.id}">${say(locale, 'po')}</label><input id="q-accept-${q.id}" name="poNumber" maxlength="100" autocomplete="off" part="input" /></div>
          <div class="row">
            <button type="submit" part="button" ?disabled=${state.sending}>${say(locale, 'confirmAccept')}</button>
            <button type="button" class="secondary" part="button" @click=${() => ((state.open = null), (state.focus = `q-title-${q.id}`), host.requestUpdate(), requestAnimationFrame(() => focusPending(host)))}>${say(locale, 'cancel')}</button>
          </div>
        </form>`
      : nothing}
    ${open === 'reject'
      ? html`<form novalidate aria-label=${say(locale, 'confirmReject')} @submit=${(e: SubmitEvent) => decide(host, q, 'reject', e)}>
          <div class="field"><label for="q-reject-${q.id}">${say(locale, 'reason')}</label><textarea id="q-reject-${q.id}" name="reason" maxlength="1000" part="input"></textarea></div>
          <div class="row">
            <button type="submit" part="button" ?disabled=${state.sending}>${say(locale, 'confirmReject')}</button>
            <button type="button" class="secondary" part="button" @click=${() => ((state.open = null), (state.focus = `q-title-${q.id}`), host.requestUpdate(), requestAnimationFrame(() => focusPending(host)))}>${say(locale, 'cancel')}</button>
          </div>
        </form>`
      : nothing}
  </li>`;
}

/** The quotes sent to the customer's account: what each offers, and accept or reject while it is open. */
export function render(host: PortalHost): TemplateResult {
  const state = stateOf(host);
  return html`<section data-page="quotes">
    <h2 tabindex="-1">${say(host.locale, 'title')}</h2>
    <p class="alert" role="alert">${state.error}</p>
    <p role="status">${state.done}</p>
    ${state.quotes === null
      ? nothing
      : state.quotes.length === 0
        ? html`<p class="muted">${say(host.locale, 'none')}</p>`
        : html`<ul class="list">${state.quotes.map((q) => renderQuote(host, state, q))}</ul>`}
  </section>`;
}
