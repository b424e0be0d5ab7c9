import { Task as LitTask } from '@lit/task';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmTicketChangedEvent, CrmTicketRepliedEvent } from '../events/ticket-events.js';
import { isVersionConflict, readProblem } from '../shared/api/errors.js';
import { assignTicket, getTicket, listAgents, loadThread, loadTicketWorkflow, replyToTicket, transitionTicket, watchTicket } from '../shared/api/tickets.js';
import type { Person, Ticket, TicketMessage, Workflow } from '../shared/api/types.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatDateTime } from '../shared/format.js';
import { CrmState } from '../state/state.component.js';
import { ticketViewStyles } from './ticket-view.styles.js';

interface Loaded {
  workflow: Workflow;
  agents: Person[];
}

/**
 * One support ticket for an agent: subject, status with the workflow's moves, the assignee, and the
 * thread of public replies and internal notes, with a form to answer the customer or add a note.
 * Replies from the customer or other agents appear live (`crm.realtime`, resource `ticket`).
 * Works by keyboard and at 390 px.
 *
 * @summary A ticket's conversation, status and assignee, for agents.
 *
 * @event crm-ticket-replied - A reply or note was posted; `detail.message` is the API's record.
 * @event crm-ticket-changed - The ticket moved to another status or was assigned; `detail.ticket` is the updated record.
 *
 * @csspart header - The ticket's number, subject and status.
 * @csspart status - The status badge.
 * @csspart sla - The next SLA due time.
 * @csspart transition-button - One status move.
 * @csspart assignee - The assignee picker.
 * @csspart thread - The list of messages.
 * @csspart message - One message.
 * @csspart reply - The reply form.
 *
 * @cssproperty --crm-ticket-view-note-background - Background of internal notes. Defaults to `--crm-sys-color-surface-container`.
 * @cssproperty --crm-ticket-view-accent - Buttons. Defaults to `--crm-sys-color-primary`.
 */
export class CrmTicketView extends CrmDataElement {
  static override styles = [controlStyles, ticketViewStyles];
  static override dependencies = { 'crm-state': CrmState };

  /** The id of the ticket to show. */
  @property({ attribute: 'ticket-id', reflect: true }) ticketId = '';

  @state() private ticket: Ticket | undefined;
  @state() private messages: TicketMessage[] = [];
  @state() private draft = '';
  @state() private kind: 'public' | 'internal' = 'public';
  @state() private busy = '';
  @state() private notice = '';

  #unwatch: (() => void) | undefined;
  /** Ids of the messages this view posted: they come back live, and are not news to the person who wrote them. */
  #posted = new Set<string>();

  private readonly load = new LitTask(this, {
    args: () => [this.client, this.ticketId] as const,
    task: async ([, id], { signal }): Promise<Loaded> => {
      const api = this.api;
      const [ticket, messages, workflow, agents] = await Promise.all([getTicket(api, id, { signal }), loadThread(api, id, { signal }), loadTicketWorkflow(api, { signal }), listAgents(api, { signal }).catch(() => [] as Person[])]);
      this.ticket = ticket;
      this.messages = messages;
      return { workflow, agents };
    },
  });

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if ((changed.has('ticketId') || changed.has('client')) && this.client && this.ticketId) this.watch();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unwatch?.();
    this.#unwatch = undefined;
  }

  /** Follows the ticket live: a new message (another agent's or the customer's) reloads the thread. */
  private watch(): void {
    this.#unwatch?.();
    const id = this.ticketId;
    this.#unwatch = watchTicket(this.api, id, (ticket) => {
      if (ticket.id !== this.ticketId) return;
      const grew = ticket.messageCount !== this.ticket?.messageCount;
      this.ticket = ticket;
      if (grew) void this.refreshThread(true);
    });
  }

  /**
   * Reads the thread again after a live change. Only someone else's message is announced: the change
   * may be this view's own reply arriving back (often after the reply's own "sent" notice), and a read
   * that started before a reply of this view was stored must not take that reply off the screen.
   */
  private async refreshThread(announce: boolean): Promise<void> {
    const known = new Set(this.messages.map((m) => m.id));
    const loaded = await loadThread(this.api, this.ticketId);
    const loadedIds = new Set(loaded.map((m) => m.id));
    this.messages = [...loaded, ...this.messages.filter((m) => this.#posted.has(m.id) && !loadedIds.has(m.id))];
    if (announce && loaded.some((m) => !known.has(m.id) && !this.#posted.has(m.id))) this.notice = this.msg('ticket.newMessage');
  }

  /** Loads the ticket again. */
  reload(): void {
    void this.load.run();
  }

  private label(workflow: Workflow, key: string): string {
    return workflow.states.find((s) => s.key === key)?.label ?? key;
  }

  private async send(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.busy || !this.ticket) return;
    const body = this.draft.trim();
    if (!body) {
      this.notice = this.msg('ticket.empty');
      this.renderRoot.querySelector<HTMLTextAreaElement>('textarea')?.focus();
      return;
    }
    this.busy = 'reply';
    try {
      const message = await replyToTicket(this.api, this.ticket.id, body, this.kind);
      this.#posted.add(message.id);
      if (!this.messages.some((m) => m.id === message.id)) this.messages = [...this.messages, message];
      this.draft = '';
      this.notice = this.msg(this.kind === 'public' ? 'ticket.sent' : 'ticket.noted');
      this.emit(new CrmTicketRepliedEvent({ ticketId: this.ticket.id, message }));
    } catch (error) {
      this.notice = this.msg('ticket.failed', { detail: readProblem(error).detail });
    } finally {
      this.busy = '';
    }
  }

  private async move(to: string, workflow: Workflow): Promise<void> {
    const ticket = this.ticket;
    if (!ticket || this.busy) return;
    this.busy = `to:${to}`;
    try {
      this.ticket = await transitionTicket(this.api, ticket.id, to, ticket.version);
      this.notice = this.msg('ticket.moved', { status: this.label(workflow, to) });
      this.emit(new CrmTicketChangedEvent({ ticket: this.ticket, change: 'status' }));
    } catch (error) {
      const problem = readProblem(error);
      if (isVersionConflict(problem) && problem.current) this.ticket = problem.current as Ticket;
      this.notice = this.msg('ticket.failed', { detail: problem.detail });
    } finally {
      this.busy = '';
    }
  }

  private async assign(ownerId: string, agents: Person[]): Promise<void> {
    const ticket = this.ticket;
    if (!ticket || this.busy) return;
    this.busy = 'assign';
    try {
      this.ticket = await assignTicket(this.api, ticket.id, ownerId || null, ticket.version);
      const name = agents.find((a) => a.id === ownerId)?.name;
      this.notice = name ? this.msg('ticket.assigned', { name }) : this.msg('ticket.unassigned');
      this.emit(new CrmTicketChangedEvent({ ticket: this.ticket, change: 'assignee' }));
    } catch (error) {
      const problem = readProblem(error);
      if (problem.current) this.ticket = problem.current as Ticket;
      this.notice = this.msg('ticket.failed', { detail: problem.detail });
    } finally {
      this.busy = '';
    }
  }

  private renderMessage(message: TicketMessage, agents: Person[]): TemplateResult {
    const author = message.authorKind === 'customer' ? this.msg('ticket.fromCustomer') : (agents.find((a) => a.id === message.authorId)?.name ?? this.msg('ticket.fromAgent'));
    return html`<li part="message" class="message ${message.visibility}" data-message=${message.id}>
      <div class="who">
        <strong>${author}</strong>
        ${message.visibility === 'internal' ? html`<span class="badge">${this.msg('ticket.internal')}</span>` : nothing}
        <time class="muted" datetime=${message.createdAt}>${formatDateTime(message.createdAt, this.activeLocale, this.activeTimeZone)}</time>
      </div>
      <p>${message.body}</p>
      ${message.attachments.length
        ? html`<div class="muted">${this.msg('ticket.attachments')}: ${message.attachments.map((a) => a.name).join(', ')}</div>`
        : nothing}
    </li>`;
  }

  /** The next SLA due time (first reply, then resolution) and whether a target was missed. */
  private renderSla(ticket: Ticket): TemplateResult {
    const { sla } = ticket;
    const late = sla.firstResponseBreached || sla.resolutionBreached;
    const when = (iso: string) => formatDateTime(iso, this.activeLocale, this.activeTimeZone);
    const next = !ticket.firstResponseAt && sla.firstResponseDueAt
      ? this.msg('ticket.firstReplyDue', { when: when(sla.firstResponseDueAt) })
      : sla.resolutionDueAt && !['resolved', 'closed'].includes(ticket.status)
        ? this.msg('ticket.resolutionDue', { when: when(sla.resolutionDueAt) })
        : '';
    return html`<span part="sla" class="muted">${next}</span>${late ? html`<span class="badge late">${this.msg('ticket.late')}</span>` : nothing}`;
  }

  private renderTicket({ workflow, agents }: Loaded): TemplateResult {
    const ticket = this.ticket!;
    const targets = workflow.transitions.filter((t) => t.from === ticket.status).map((t) => t.to);
    return html`<header part="header">
        <span class="muted">${this.msg('tickets.number', { number: ticket.number })}</span>
        <h2 id="subject">${ticket.subject}</h2>
        <span part="status" class="badge">${this.label(workflow, ticket.status)}</span>
        <span class="priority-${ticket.priority}">${this.msg(`tickets.priority.${ticket.priority}`)}</span>
        ${this.renderSla(ticket)}
      </header>
      ${ticket.description ? html`<p class="description">${ticket.description}</p>` : nothing}
      <div class="controls">
        ${targets.length
          ? html`<div role="group" class="row" aria-label=${this.msg('ticket.actions')}>
              ${targets.map(
                (to) => html`<button part="transition-button" type="button" data-to=${to} ?disabled=${Boolean(this.busy)} aria-busy=${this.busy === `to:${to}` ? 'true' : 'false'}
                  @click=${() => this.move(to, workflow)}>${this.msg('ticket.moveTo', { status: this.label(workflow, to) })}</button>`,
              )}
            </div>`
          : nothing}
        <label part="assignee">${this.msg('ticket.assignee')}
          <select class="native" name="assignee" ?disabled=${Boolean(this.busy)} @change=${(e: Event) => this.assign((e.target as HTMLSelectElement).value, agents)}>
            <option value="" ?selected=${!ticket.ownerId}>${this.msg('tickets.unassigned')}</option>
            ${agents.map((a) => html`<option value=${a.id} ?selected=${ticket.ownerId === a.id}>${a.name}</option>`)}
          </select>
        </label>
      </div>
      <section aria-labelledby="thread-heading">
        <h3 id="thread-heading">${this.msg('ticket.thread')} <span class="muted">(${this.plural('ticket.messages', this.messages.length)})</span></h3>
        ${this.messages.length
          ? html`<ol part="thread">${this.messages.map((m) => this.renderMessage(m, agents))}</ol>`
          : html`<p class="muted">${this.msg('ticket.noMessages')}</p>`}
      </section>
      <form part="reply" @submit=${this.send} novalidate>
        <fieldset>
          <legend class="sr-only">${this.msg('ticket.kind')}</legend>
          <label><input type="radio" name="kind" value="public" .checked=${this.kind === 'public'} @change=${() => (this.kind = 'public')} /> ${this.msg('ticket.public')}</label>
          <label><input type="radio" name="kind" value="internal" .checked=${this.kind === 'internal'} @change=${() => (this.kind = 'internal')} /> ${this.msg('ticket.internal')}</label>
        </fieldset>
        <label for="reply-body">${this.msg('ticket.reply')}</label>
        <textarea id="reply-body" name="body" .value=${this.draft} @input=${(e: Event) => (this.draft = (e.target as HTMLTextAreaElement).value)}></textarea>
        <div class="row">
          <button type="submit" class="primary" ?disabled=${Boolean(this.busy)} aria-busy=${this.busy === 'reply' ? 'true' : 'false'}>${this.msg('ticket.send')}</button>
        </div>
      </form>`;
  }

  override render() {
    const body = this.load.render({
      initial: () => html`<crm-state kind="loading"></crm-state>`,
      pending: () => html`<crm-state kind="loading"></crm-state>`,
      error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${this.reload}></crm-state>`,
      complete: (loaded) => (this.ticket ? this.renderTicket(loaded) : nothing),
    });
    return html`<p class="banner" role="status">${this.notice}</p>${body}`;
  }
}
