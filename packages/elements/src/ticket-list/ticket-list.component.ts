import { Task as LitTask } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmTicketSelectedEvent } from '../events/ticket-events.js';
import { readProblem } from '../shared/api/errors.js';
import { listTickets, loadTicketWorkflow } from '../shared/api/tickets.js';
import type { Ticket, Workflow } from '../shared/api/types.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatRelative } from '../shared/format.js';
import { CrmState } from '../state/state.component.js';
import { ticketListStyles } from './ticket-list.styles.js';

const priorities = ['low', 'normal', 'high', 'urgent'] as const;

/**
 * The support queue: tickets the signed-in agent may see, last update first, filtered by status,
 * priority and "assigned to me" (through `crm.tickets.list`). Each ticket is one button that fires
 * `crm-ticket-selected`; "Show more" loads the next page. Works by keyboard and at 390 px.
 *
 * @summary A support ticket queue with status, priority and assignee filters.
 *
 * @event crm-ticket-selected - A ticket was opened; `detail.ticket` is the list's record.
 *
 * @csspart filters - The filter bar.
 * @csspart count - The number of tickets shown.
 * @csspart ticket - One ticket's button.
 * @csspart status - A ticket's status badge.
 * @csspart more - The "Show more" button.
 *
 * @cssproperty --crm-ticket-list-background - Background of a ticket. Defaults to `--crm-sys-color-surface-container`.
 * @cssproperty --crm-ticket-list-accent - Buttons. Defaults to `--crm-sys-color-primary`.
 */
export class CrmTicketList extends CrmDataElement {
  static override styles = [controlStyles, ticketListStyles];
  static override dependencies = { 'crm-state': CrmState };

  /** Only tickets in this status (a key of the ticket workflow); empty for any. */
  @property({ reflect: true }) status = '';

  /** Only tickets of this priority (low, normal, high, urgent); empty for any. */
  @property({ reflect: true }) priority = '';

  /** Only tickets assigned to the signed-in user. */
  @property({ type: Boolean, reflect: true }) mine = false;

  /** Tickets per page, 1 to 200. */
  @property({ type: Number, attribute: 'page-size' }) pageSize = 50;

  @state() private tickets: Ticket[] = [];
  @state() private nextCursor: string | null = null;
  @state() private loadingMore = false;

  private readonly load = new LitTask(this, {
    args: () => [this.client, this.status, this.priority, this.mine, this.user?.id, this.pageSize] as const,
    task: async ([, status, priority, mine, userId, limit], { signal }): Promise<Workflow> => {
      const api = this.api;
      const [page, workflow] = await Promise.all([
        listTickets(api, { status, priority, ownerId: mine ? userId : undefined, limit: Math.min(200, Math.max(1, limit)) }, { signal }),
        loadTicketWorkflow(api, { signal }),
      ]);
      this.tickets = page.data;
      this.nextCursor = page.hasMore ? page.nextCursor : null;
      return workflow;
    },
  });

  /** Loads the tickets again. */
  reload(): void {
    void this.load.run();
  }

  private async more(): Promise<void> {
    if (!this.nextCursor || this.loadingMore) return;
    this.loadingMore = true;
    try {
      const page = await listTickets(this.api, { status: this.status, priority: this.priority, ownerId: this.mine ? this.user?.id : undefined, limit: this.pageSize, cursor: this.nextCursor });
      this.tickets = [...this.tickets, ...page.data];
      this.nextCursor = page.hasMore ? page.nextCursor : null;
    } finally {
      this.loadingMore = false;
    }
  }

  private label(workflow: Workflow, key: string): string {
    return workflow.states.find((s) => s.key === key)?.label ?? key;
  }

  private renderFilters(workflow: Workflow | undefined): TemplateResult {
    return html`<div part="filters" class="toolbar">
      <label>${this.msg('tickets.filterStatus')}
        <select class="native" name="status" @change=${(e: Event) => (this.status = (e.target as HTMLSelectElement).value)}>
          <option value="" ?selected=${!this.status}>${this.msg('tickets.any')}</option>
          ${(workflow?.states ?? []).map((s) => html`<option value=${s.key} ?selected=${this.status === s.key}>${s.label}</option>`)}
        </select>
      </label>
      <label>${this.msg('tickets.filterPriority')}
        <select class="native" name="priority" @change=${(e: Event) => (this.priority = (e.target as HTMLSelectElement).value)}>
          <option value="" ?selected=${!this.priority}>${this.msg('tickets.any')}</option>
          ${priorities.map((p) => html`<option value=${p} ?selected=${this.priority === p}>${this.msg(`tickets.priority.${p}`)}</option>`)}
        </select>
      </label>
      <label class="check"><input type="checkbox" name="mine" .checked=${this.mine} @change=${(e: Event) => (this.mine = (e.target as HTMLInputElement).checked)} /> ${this.msg('tickets.mine')}</label>
    </div>`;
  }

  private renderTicket(ticket: Ticket, workflow: Workflow): TemplateResult {
    return html`<li>
      <button part="ticket" type="button" class="ticket" data-ticket=${ticket.id}
        @click=${() => this.emit(new CrmTicketSelectedEvent({ ticket }))}>
        <span class="muted">${this.msg('tickets.number', { number: ticket.number })}</span>
        <span class="subject">${ticket.subject}</span>
        <span part="status" class="badge">${this.label(workflow, ticket.status)}</span>
        <span class="meta">
          <span class="priority-${ticket.priority}">${this.msg(`tickets.priority.${ticket.priority}`)}</span>
          <span class="muted">${this.msg(`tickets.channel.${ticket.channel}`)}</span>
          ${ticket.ownerId ? nothing : html`<span class="muted">${this.msg('tickets.unassigned')}</span>`}
          <time class="muted" datetime=${ticket.updatedAt}>${this.msg('tickets.updated', { when: formatRelative(ticket.updatedAt, this.activeLocale) })}</time>
        </span>
      </button>
    </li>`;
  }

  override render() {
    const body = this.load.render({
      initial: () => html`<crm-state kind="loading"></crm-state>`,
      pending: () => html`<crm-state kind="loading"></crm-state>`,
      error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${this.reload}></crm-state>`,
      complete: (workflow) => {
        if (this.tickets.length === 0) return html`<crm-state kind="empty" message=${this.msg('tickets.empty')}></crm-state>`;
        return html`<p part="count" class="muted" role="status">${this.plural('tickets.count', this.tickets.length)}</p>
          <ul aria-label=${this.msg('tickets.label')}>${this.tickets.map((t) => this.renderTicket(t, workflow))}</ul>
          ${this.nextCursor
            ? html`<button part="more" type="button" ?disabled=${this.loadingMore} aria-busy=${this.loadingMore ? 'true' : 'false'} @click=${this.more}>${this.msg('tickets.more')}</button>`
            : nothing}`;
      },
    });
    return html`${this.renderFilters(this.load.value)}${body}`;
  }
}
