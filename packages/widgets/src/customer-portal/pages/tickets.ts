import { html, nothing, type TemplateResult } from 'lit';
import type { PortalArticleSummary, PortalTicket, TicketMessage } from '@crm/client-sdk/public';
import type { PortalHost, PortalPage } from '../host.js';
import { count, say, statusName, when } from '../strings.js';
import { openLive } from '../live.js';

interface TicketsState {
  tickets: PortalTicket[] | null;
  error: string;
  creating: boolean;
  subjectError: string;
  sending: boolean;
  ticket: PortalTicket | null;
  messages: TicketMessage[];
  replyError: string;
  latest: PortalArticleSummary[];
  suggestions: PortalArticleSummary[];
  suggestTimer: ReturnType<typeof setTimeout> | undefined;
  /** The live connection while a ticket's thread is shown. */
  live: { close(): void } | undefined;
  /** The closing form (rating and comment) is open in place of the Close button. */
  closing: boolean;
}

const states = new WeakMap<PortalHost, TicketsState>();
/** What the API takes as an attachment (it checks the content again, and refuses the rest). */
const MAX_FILE_BYTES = 5 * 1024 * 1024;
const fileTypes = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'];
const closedStatuses = new Set(['resolved', 'closed']);

function stateOf(host: PortalHost): TicketsState {
  let state = states.get(host);
  if (!state) {
    state = { tickets: null, error: '', creating: false, subjectError: '', sending: false, ticket: null, messages: [], replyError: '', latest: [], suggestions: [], suggestTimer: undefined, live: undefined, closing: false };
    states.set(host, state);
  }
  return state;
}

async function loadList(host: PortalHost): Promise<void> {
  const state = stateOf(host);
  try {
    state.tickets = (await host.crm.portal.tickets.list({ limit: 50 })).data;
    state.error = '';
  } catch (error) {
    state.error = host.describe(error);
  }
  host.requestUpdate();
}

async function loadTicket(host: PortalHost, id: string): Promise<void> {
  const state = stateOf(host);
  state.ticket = null;
  state.closing = false;
  state.messages = [];
  try {
    const [ticket, messages] = await Promise.all([host.crm.portal.tickets.get(id), host.crm.portal.tickets.listMessages(id, { limit: 100 })]);
    state.ticket = ticket;
    state.messages = messages.data;
    state.error = '';
  } catch (error) {
    state.error = host.describe(error);
  }
  host.requestUpdate();
}

async function loadLatest(host: PortalHost): Promise<void> {
  try {
    stateOf(host).latest = await host.crm.portal.articles.list({ language: host.locale, limit: 5 });
  } catch {
    // The home page shows its tickets without articles.
  }
  host.requestUpdate();
}

/** Articles for what the customer is typing as a subject, asked 300 ms after they stop typing. */
function suggest(host: PortalHost, subject: string): void {
  const state = stateOf(host);
  clearTimeout(state.suggestTimer);
  state.suggestTimer = setTimeout(() => {
    const q = subject.trim();
    if (q.length < 3) {
      state.suggestions = [];
      host.requestUpdate();
      return;
    }
    host.crm.portal.articles.suggest({ q, language: host.locale, limit: 5 }).then(
      (found) => {
        state.suggestions = found;
        host.requestUpdate();
      },
      () => {},
    );
  }, 300);
}

/** Loads what the page shows: the list (home, tickets) or one ticket's thread. */
export function show(host: PortalHost, page: PortalPage): void {
  const state = stateOf(host);
  state.live?.close();
  state.live = undefined;
  if (page === 'ticket' && host.ticketId) {
    void loadTicket(host, host.ticketId);
    state.live = openLive(host.crm.transport.baseUrl, host.crm.portal.session, (name, payload) => {
      if (!state.ticket || payload.ticketId !== state.ticket.id) return;
      const message = payload.message as TicketMessage | undefined;
      // The customer's own replies come back too: each message is shown once.
      if (name === 'ticket.message' && message && !state.messages.some((m) => m.id === message.id)) state.messages = [...state.messages, message];
      else if (name === 'ticket.status' && payload.status) state.ticket = { ...state.ticket, status: payload.status };
      host.requestUpdate();
    });
  } else void loadList(host);
  if (page === 'home') void loadLatest(host);
}

async function create(host: PortalHost, event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const state = stateOf(host);
  const form = event.target as HTMLFormElement;
  const data = new FormData(form);
  const subject = String(data.get('subject') ?? '').trim();
  const description = String(data.get('description') ?? '').trim();
  state.subjectError = subject ? '' : say(host.locale, 'required', { field: say(host.locale, 'subject') });
  if (state.subjectError) return host.requestUpdate();
  state.sending = true;
  host.requestUpdate();
  try {
    const ticket = await host.crm.portal.tickets.create({ subject, ...(description ? { description } : {}) });
    form.reset();
    state.creating = false;
    host.emit('crm-portal-ticket-created', { ticket });
    host.go('ticket', ticket.id);
  } catch (error) {
    state.error = host.describe(error);
  } finally {
    state.sending = false;
    host.requestUpdate();
  }
}

async function reply(host: PortalHost, event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const state = stateOf(host);
  const form = event.target as HTMLFormElement;
  const data = new FormData(form);
  const body = String(data.get('body') ?? '').trim();
  const files = (data.getAll('files') as File[]).filter((f) => f.size > 0 || f.name);
  const tooLarge = files.find((f) => f.size > MAX_FILE_BYTES);
  const wrongType = files.find((f) => !fileTypes.includes(f.type));
  state.replyError = !body
    ? say(host.locale, 'required', { field: say(host.locale, 'reply') })
    : tooLarge
      ? say(host.locale, 'fileTooLarge', { name: tooLarge.name })
      : wrongType
        ? say(host.locale, 'fileType', { name: wrongType.name })
        : '';
  if (state.replyError || !state.ticket) return host.requestUpdate();
  state.sending = true;
  host.requestUpdate();
  try {
    const attachmentIds: string[] = [];
    for (const file of files) attachmentIds.push((await host.crm.portal.tickets.uploadAttachment(state.ticket.id, file.name, file)).id);
    const message = await host.crm.portal.tickets.reply(state.ticket.id, { body, ...(attachmentIds.length ? { attachmentIds } : {}) });
    if (!state.messages.some((m) => m.id === message.id)) state.messages = [...state.messages, message];
    form.reset();
  } catch (error) {
    state.replyError = host.describe(error);
  } finally {
    state.sending = false;
    host.requestUpdate();
  }
}

/** Saves an attachment through the SDK (the customer's token), as a download of its name. */
async function download(host: PortalHost, ticketId: string, attachment: { id: string; name: string }): Promise<void> {
  try {
    const blob = await host.crm.portal.tickets.downloadAttachment(ticketId, attachment.id);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = attachment.name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  } catch (error) {
    stateOf(host).error = host.describe(error);
    host.requestUpdate();
  }
}

/** A file size in the locale's words (kB or MB). */
function size(host: PortalHost, bytes: number): string {
  const mb = bytes >= 1024 * 1024;
  return new Intl.NumberFormat(host.locale, { style: 'unit', unit: mb ? 'megabyte' : 'kilobyte', maximumFractionDigits: 1 }).format(mb ? bytes / 1024 / 1024 : Math.max(0.1, bytes / 1024));
}

async function reopen(host: PortalHost): Promise<void> {
  const state = stateOf(host);
  if (!state.ticket) return;
  try {
    state.ticket = await host.crm.portal.tickets.reopen(state.ticket.id);
  } catch (error) {
    state.error = host.describe(error);
  }
  host.requestUpdate();
}

/** Opens (or leaves) the closing form, and moves focus into it (or back to the Close button). */
function setClosing(host: PortalHost, event: Event, open: boolean): void {
  const root = (event.currentTarget as HTMLElement).getRootNode() as ParentNode;
  stateOf(host).closing = open;
  host.requestUpdate();
  requestAnimationFrame(() => root.querySelector<HTMLElement>(open ? '#close-ticket-title' : '[data-action="close"]')?.focus());
}

/** Closes the ticket with the customer's optional rating (1–5) and comment (POST /v1/portal/tickets/{id}/close). */
async function close(host: PortalHost, event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const state = stateOf(host);
  if (!state.ticket) return;
  const data = new FormData(event.target as HTMLFormElement);
  const rating = Number(data.get('rating') ?? 0);
  const comment = String(data.get('comment') ?? '').trim();
  state.sending = true;
  host.requestUpdate();
  try {
    state.ticket = await host.crm.portal.tickets.close(state.ticket.id, { ...(rating ? { rating } : {}), ...(comment ? { comment } : {}) });
    state.closing = false;
    state.error = '';
    host.emit('crm-portal-ticket-closed', { ticket: state.ticket });
  } catch (error) {
    state.error = host.describe(error);
  } finally {
    state.sending = false;
    host.requestUpdate();
  }
}

function renderClosing(host: PortalHost, state: TicketsState, ticket: PortalTicket): TemplateResult {
  const t = (key: Parameters<typeof say>[1]) => say(host.locale, key);
  if (closedStatuses.has(ticket.status)) {
    return html`${ticket.satisfaction ? html`<p class="muted" data-rated>${say(host.locale, 'rated', { stars: count(host.locale, 'starCount', ticket.satisfaction.rating) })}</p>` : nothing}
      <button type="button" class="secondary" part="button" data-action="reopen" @click=${() => reopen(host)}>${t('reopen')}</button>`;
  }
  if (!state.closing) return html`<button type="button" class="secondary" part="button" data-action="close" @click=${(e: Event) => setClosing(host, e, true)}>${t('close')}</button>`;
  return html`<form novalidate data-close aria-labelledby="close-ticket-title" @submit=${(e: SubmitEvent) => close(host, e)}>
    <h3 id="close-ticket-title" tabindex="-1">${t('closeTitle')}</h3>
    <fieldset class="rating" aria-describedby="close-rating-hint">
      <legend>${t('rateLegend')}</legend>
      ${[1, 2, 3, 4, 5].map(
        (n) => html`<label class="star"><input type="radio" name="rating" value=${n} id=${`close-rating-${n}`} part="input" /><span aria-hidden="true">${'★'.repeat(n)}</span> ${count(host.locale, 'starCount', n)}</label>`,
      )}
      <p id="close-rating-hint" class="muted">${t('rateHint')}</p>
    </fieldset>
    <div class="field">
      <label for="close-comment">${t('rateComment')}</label>
      <textarea id="close-comment" name="comment" maxlength="2000" part="input"></textarea>
    </div>
    <div class="actions">
      <button type="submit" part="button" ?disabled=${state.sending}>${state.sending ? t('sending') : t('confirmClose')}</button>
      <button type="button" class="secondary" part="button" @click=${(e: Event) => setClosing(host, e, false)}>${t('cancel')}</button>
    </div>
  </form>`;
}

function ticketItem(host: PortalHost, ticket: PortalTicket): TemplateResult {
  return html`<li>
    <button type="button" class="link" part="button" @click=${() => host.go('ticket', ticket.id)}>#${ticket.number} ${ticket.subject}</button>
    <div class="muted">${statusName(host.locale, ticket.status)} · ${count(host.locale, 'messageCount', ticket.messageCount)} · ${say(host.locale, 'updated', { date: when(host.locale, ticket.updatedAt) })}</div>
  </li>`;
}

function renderHome(host: PortalHost, state: TicketsState): TemplateResult {
  const open = (state.tickets ?? []).filter((t) => !closedStatuses.has(t.status));
  return html`<section data-page="home">
    <h2 tabindex="-1">${say(host.locale, 'openTickets')}</h2>
    <p class="alert" role="alert">${state.error}</p>
    ${state.tickets === null
      ? html`<p class="muted">${say(host.locale, 'loading')}</p>`
      : open.length
        ? html`<p class="muted">${count(host.locale, 'ticketCount', open.length)}</p>
            <ul class="list">${open.slice(0, 5).map((t) => ticketItem(host, t))}</ul>`
        : html`<p class="muted">${say(host.locale, 'noOpenTickets')}</p>`}
    <button type="button" part="button" @click=${() => {
      state.creating = true;
      host.go('tickets');
    }}>${say(host.locale, 'newTicket')}</button>
    ${state.latest.length
      ? html`<h3>${say(host.locale, 'latestArticles')}</h3>
          <ul class="list">
            ${state.latest.map((a) => html`<li><button type="button" class="link" part="button" @click=${() => host.go('kb', a.slug)}>${a.title}</button></li>`)}
          </ul>`
      : nothing}
  </section>`;
}

function renderList(host: PortalHost, state: TicketsState): TemplateResult {
  const t = (key: Parameters<typeof say>[1]) => say(host.locale, key);
  return html`<section data-page="tickets">
    <h2 tabindex="-1">${t('navTickets')}</h2>
    <p class="alert" role="alert">${state.error}</p>
    <form novalidate @submit=${(e: SubmitEvent) => create(host, e)} aria-label=${t('newTicket')}>
      <h3>${t('newTicket')}</h3>
      <div class="field">
        <label for="ticket-subject">${t('subject')}</label>
        <input id="ticket-subject" name="subject" maxlength="200" required part="input" aria-invalid=${state.subjectError ? 'true' : 'false'} aria-describedby="ticket-subject-error" @input=${(e: InputEvent) => suggest(host, (e.target as HTMLInputElement).value)} />
        <p id="ticket-subject-error" class="alert">${state.subjectError}</p>
      </div>
      <div role="status" aria-live="polite">
        ${state.suggestions.length
          ? html`<p class="muted">${t('suggested')}</p>
              <ul class="list" data-suggestions>
                ${state.suggestions.map((a) => html`<li><button type="button" class="link" part="button" @click=${() => host.go('kb', a.slug)}>${a.title}</button></li>`)}
              </ul>`
          : nothing}
      </div>
      <div class="field">
        <label for="ticket-description">${t('description')}</label>
        <textarea id="ticket-description" name="description" maxlength="10000" part="input"></textarea>
      </div>
      <div><button type="submit" part="button" ?disabled=${state.sending}>${state.sending ? t('sending') : t('create')}</button></div>
    </form>
    ${state.tickets === null
      ? html`<p class="muted">${t('loading')}</p>`
      : html`<p class="muted">${count(host.locale, 'ticketCount', state.tickets.length)}</p>
          <ul class="list">${state.tickets.map((ticket) => ticketItem(host, ticket))}</ul>`}
  </section>`;
}

function renderTicket(host: PortalHost, state: TicketsState): TemplateResult {
  const t = (key: Parameters<typeof say>[1]) => say(host.locale, key);
  const ticket = state.ticket;
  return html`<section data-page="ticket">
    <button type="button" class="link" part="button" @click=${() => host.go('tickets')}>${t('back')}</button>
    <h2 tabindex="-1">${ticket ? `#${ticket.number} ${ticket.subject}` : t('loading')}</h2>
    <p class="alert" role="alert">${state.error}</p>
    ${ticket
      ? html`<p class="muted">${statusName(host.locale, ticket.status)} · ${say(host.locale, 'updated', { date: when(host.locale, ticket.updatedAt) })}</p>
          ${ticket.description ? html`<p class="message mine">${ticket.description}</p>` : nothing}
          <ol class="list" aria-live="polite" aria-label=${count(host.locale, 'messageCount', state.messages.length)}>
            ${state.messages.map(
              (m) => html`<li class="message ${m.authorKind === 'customer' ? 'mine' : ''}">
                <div class="muted">${m.authorKind === 'customer' ? t('you') : t('support')} · ${when(host.locale, m.createdAt)}</div>
                ${m.body}
                ${m.attachments.length
                  ? html`<ul class="files">
                      ${m.attachments.map((a) => html`<li><button type="button" class="link" part="button" aria-label=${say(host.locale, 'download', { name: a.name })} @click=${() => download(host, m.ticketId, a)}>${a.name}</button> <span class="muted">${size(host, a.size)}</span></li>`)}
                    </ul>`
                  : nothing}
              </li>`,
            )}
          </ol>
          ${closedStatuses.has(ticket.status)
            ? nothing
            : html`<form novalidate @submit=${(e: SubmitEvent) => reply(host, e)}>
                <div class="field">
                  <label for="reply-body">${t('reply')}</label>
                  <textarea id="reply-body" name="body" maxlength="10000" required part="input" aria-invalid=${state.replyError ? 'true' : 'false'} aria-describedby="reply-error"></textarea>
                  <p id="reply-error" class="alert">${state.replyError}</p>
                </div>
                <div class="field">
                  <label for="reply-files">${t('attachFiles')}</label>
                  <input id="reply-files" name="files" type="file" multiple accept=${fileTypes.join(',')} part="input" aria-describedby="reply-files-hint" />
                  <p id="reply-files-hint" class="muted">${t('attachHint')}</p>
                </div>
                <div><button type="submit" part="button" ?disabled=${state.sending}>${state.sending ? t('sending') : t('sendReply')}</button></div>
              </form>`}
          ${renderClosing(host, state, ticket)}`
      : nothing}
  </section>`;
}

/** The home page's open tickets, the tickets page (list and new ticket) and one ticket's thread. */
export function render(host: PortalHost, page: PortalPage): TemplateResult {
  const state = stateOf(host);
  if (page === 'ticket') return renderTicket(host, state);
  if (page === 'tickets') return renderList(host, state);
  return renderHome(host, state);
}
