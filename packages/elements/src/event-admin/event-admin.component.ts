import { html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import type { CrmClient as SdkClient, SalesEvent, SalesEventRegistration } from '@crm/client-sdk';
import type { CrmClient } from '../context/client-context.js';
import { readProblem } from '../shared/api/errors.js';
import { afterlifeStyles } from '../shared/afterlife.styles.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatDateTime, formatMoney } from '../shared/format.js';
import { CrmState } from '../state/state.component.js';
import { eventAdminStyles } from './event-admin.styles.js';

/** A client that runs sales events. */
export type SalesEventsClient = CrmClient & Pick<SdkClient, 'salesEvents'>;

function salesEventsClient(client: CrmClient | undefined): SalesEventsClient {
  const api = (client as { salesEvents?: { list?: unknown } } | undefined)?.salesEvents;
  if (!api || typeof api.list !== 'function') throw new Error('No CRM client with salesEvents: put the element inside a <crm-provider> with a client of @crm/client-sdk.');
  return client as SalesEventsClient;
}

const roles = ['delegate', 'speaker', 'sponsor'] as const;

/**
 * Sales events: the agency's events (create one with dates, venue, capacity and level), and for the
 * chosen event its seats, revenue and cost, its registrations (register a delegate, speaker or sponsor;
 * a new person becomes a lead) and check-in at the door.
 *
 * @summary Events with sessions, registrations and check-in.
 *
 * @csspart events - The table of events.
 * @csspart registrations - The table of the chosen event's registrations.
 *
 * @cssproperty --crm-event-admin-accent - Background of the checked-in badge.
 */
export class CrmEventAdmin extends CrmDataElement {
  static override styles = [controlStyles, afterlifeStyles, eventAdminStyles];
  static override dependencies = { 'crm-state': CrmState };

  @state() private events: SalesEvent[] = [];
  @state() private selected: SalesEvent | null = null;
  @state() private registrations: SalesEventRegistration[] = [];
  @state() private loaded = false;
  @state() private loadError = '';
  @state() private fieldErrors: Record<string, string> = {};
  @state() private message = '';
  @state() private busy = false;

  protected override updated(changed: Map<string, unknown>): void {
    if (changed.has('client') && this.client) void this.load();
  }

  /** Reads the events (newest first). */
  async load(): Promise<void> {
    try {
      this.loadError = '';
      this.events = (await salesEventsClient(this.client).salesEvents.list({ limit: 50 })).data;
      this.loaded = true;
    } catch (error) {
      this.loadError = readProblem(error).detail;
    }
  }

  private async open(event: SalesEvent) {
    const api = salesEventsClient(this.client).salesEvents;
    try {
      const [fresh, regs] = await Promise.all([api.get(event.id), api.registrations(event.id, { limit: 200 })]);
      this.selected = fresh;
      this.registrations = regs.data;
      this.message = '';
      await this.updateComplete;
      this.shadowRoot?.querySelector<HTMLElement>('#event-title')?.focus();
    } catch (error) {
      this.message = readProblem(error).detail;
    }
  }

  private problemFields(error: unknown) {
    const problem = readProblem(error);
    this.fieldErrors = Object.fromEntries(problem.fieldErrors.map((f) => [f.field.replace(/\.\d+$/, ''), f.message]));
    this.message = problem.fieldErrors.length ? '' : problem.detail;
  }

  private async createEvent(event: Event) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const iso = (name: string) => {
      const value = String(data.get(name) ?? '');
      return value ? new Date(value).toISOString() : '';
    };
    this.fieldErrors = {};
    this.busy = true;
    try {
      const created = await salesEventsClient(this.client).salesEvents.create({
        name: String(data.get('name') ?? '').trim(),
        level: Number(data.get('level') ?? 2) as 1 | 2 | 3,
        startsAt: iso('startsAt'),
        endsAt: iso('endsAt'),
        venue: { name: String(data.get('venue') ?? '').trim() },
        capacity: Number(data.get('capacity') || 0),
      });
      this.events = [created, ...this.events];
      form.reset();
      this.message = this.msg('salesEvents.created', { name: created.name });
    } catch (error) {
      this.problemFields(error);
    } finally {
      this.busy = false;
    }
  }

  private async register(event: Event) {
    event.preventDefault();
    if (!this.selected) return;
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const fee = Number(data.get('fee') || 0);
    this.fieldErrors = {};
    this.busy = true;
    try {
      const api = salesEventsClient(this.client).salesEvents;
      const reg = await api.register(this.selected.id, {
        role: String(data.get('role')) as (typeof roles)[number],
        email: String(data.get('email') ?? '').trim(),
        firstName: String(data.get('firstName') ?? '').trim(),
        lastName: String(data.get('lastName') ?? '').trim(),
        ...(fee > 0 ? { fee } : {}),
      });
      // The form is cleared at once, and the list and counts change together after the event is read
      // again: someone typing the next person meanwhile keeps what they typed.
      form.reset();
      const selected = await api.get(this.selected.id);
      this.registrations = [...this.registrations, reg];
      this.selected = selected;
      this.message = this.msg('salesEvents.registered', { name: `${reg.firstName} ${reg.lastName}`, seat: reg.seat });
    } catch (error) {
      this.problemFields(error);
    } finally {
      this.busy = false;
    }
  }

  private async checkIn(reg: SalesEventRegistration) {
    if (!this.selected) return;
    try {
      const api = salesEventsClient(this.client).salesEvents;
      const answer = await api.checkIn(this.selected.id, reg.id);
      this.registrations = this.registrations.map((r) => (r.id === reg.id ? answer.registration : r));
      this.selected = await api.get(this.selected.id);
      this.message = this.msg('salesEvents.checkedInMessage', { name: `${reg.firstName} ${reg.lastName}` });
    } catch (error) {
      this.message = readProblem(error).detail;
    }
  }

  private renderEvents() {
    if (!this.events.length) return html`<crm-state kind="empty" message=${this.msg('salesEvents.empty')}></crm-state>`;
    const locale = this.activeLocale;
    return html`<div class="scroll"><table part="events">
      <caption>${this.plural('salesEvents.count', this.events.length)}</caption>
      <thead><tr><th scope="col">${this.msg('salesEvents.name')}</th><th scope="col">${this.msg('salesEvents.startsAt')}</th><th scope="col">${this.msg('salesEvents.seatsLeft')}</th><th scope="col">${this.msg('salesEvents.actions')}</th></tr></thead>
      <tbody>${this.events.map(
        (e) => html`<tr data-event=${e.id}>
          <th scope="row">${e.name}</th>
          <td>${formatDateTime(e.startsAt, locale, e.timezone)}</td>
          <td>${e.seatsLeft} / ${e.capacity}</td>
          <td><button type="button" data-open=${e.id} aria-label=${this.msg('salesEvents.openFor', { name: e.name })} @click=${() => this.open(e)}>${this.msg('salesEvents.open')}</button></td>
        </tr>`,
      )}</tbody>
    </table></div>`;
  }

  private renderSelected(error: (field: string) => unknown) {
    const e = this.selected;
    if (!e) return nothing;
    const locale = this.activeLocale;
    return html`<section aria-labelledby="event-title" data-selected=${e.id}>
      <h3 id="event-title" tabindex="-1">${e.name}</h3>
      <p data-summary>${this.plural('salesEvents.registeredCount', e.registeredCount)} · ${this.plural('salesEvents.checkedInCount', e.checkedInCount)} · ${this.msg('salesEvents.revenue')}: ${formatMoney(e.revenueTotal, e.currency, locale)} · ${this.msg('salesEvents.cost')}: ${formatMoney(e.costTotal, e.currency, locale)}</p>
      ${this.registrations.length
        ? html`<div class="scroll"><table part="registrations">
            <caption>${this.msg('salesEvents.registrations')}</caption>
            <thead><tr><th scope="col">${this.msg('salesEvents.person')}</th><th scope="col">${this.msg('salesEvents.role')}</th><th scope="col">${this.msg('salesEvents.seat')}</th><th scope="col">${this.msg('salesEvents.checkIn')}</th></tr></thead>
            <tbody>${this.registrations.map(
              (r) => html`<tr data-registration=${r.email}>
                <th scope="row">${r.firstName} ${r.lastName}<br /><small>${r.email}</small></th>
                <td>${this.msg(`salesEvents.role.${r.role}`)}</td>
                <td>${r.seat}</td>
                <td>${r.checkedInAt
                  ? html`<span class="badge" data-checked-in>${this.msg('salesEvents.checkedInAt', { time: formatDateTime(r.checkedInAt, locale) })}</span>`
                  : r.status === 'cancelled'
                    ? this.msg('salesEvents.cancelled')
                    : html`<button type="button" data-check-in=${r.email} aria-label=${this.msg('salesEvents.checkInFor', { name: `${r.firstName} ${r.lastName}` })} @click=${() => this.checkIn(r)}>${this.msg('salesEvents.checkIn')}</button>`}</td>
              </tr>`,
            )}</tbody>
          </table></div>`
        : html`<p data-registrations-empty>${this.msg('salesEvents.noRegistrations')}</p>`}
      <form @submit=${(ev: Event) => this.register(ev)} novalidate aria-labelledby="new-registration">
        <h4 id="new-registration">${this.msg('salesEvents.register')}</h4>
        <div class="grid">
          <label>${this.msg('salesEvents.role')}
            <select name="role" data-field="role">${roles.map((r) => html`<option value=${r}>${this.msg(`salesEvents.role.${r}`)}</option>`)}</select>
          </label>
          <label>${this.msg('salesEvents.email')} <input name="email" type="email" data-field="email" required maxlength="254" autocomplete="off" aria-invalid=${this.fieldErrors.email ? 'true' : 'false'} aria-describedby=${this.fieldErrors.email ? 'e-email' : nothing} /></label>
          <label>${this.msg('salesEvents.firstName')} <input name="firstName" data-field="firstName" required maxlength="100" autocomplete="off" /></label>
          <label>${this.msg('salesEvents.lastName')} <input name="lastName" data-field="lastName" required maxlength="100" autocomplete="off" /></label>
          ${e.level >= 3 ? html`<label>${this.msg('salesEvents.fee')} <input name="fee" type="number" min="0" step="0.01" data-field="fee" /></label>` : nothing}
        </div>
        ${error('email')}${error('capacity')}${error('firstName')}${error('lastName')}
        <button type="submit" class="primary" data-register ?disabled=${this.busy}>${this.msg('salesEvents.register')}</button>
      </form>
    </section>`;
  }

  override render() {
    if (this.loadError) return html`<crm-state kind="error" message=${this.loadError} @crm-retry-requested=${() => this.load()}></crm-state>`;
    if (!this.loaded) return html`<crm-state kind="loading"></crm-state>`;
    const error = (field: string) => (this.fieldErrors[field] ? html`<span class="field-error" id=${`e-${field}`} role="alert">${this.fieldErrors[field]}</span>` : nothing);
    return html`
      ${this.renderEvents()}
      ${this.selected ? this.renderSelected(error) : html`
      <form @submit=${(e: Event) => this.createEvent(e)} novalidate aria-labelledby="new-event">
        <h3 id="new-event">${this.msg('salesEvents.new')}</h3>
        <div class="grid">
          <label>${this.msg('salesEvents.name')} <input name="name" data-field="name" required maxlength="200" aria-invalid=${this.fieldErrors.name ? 'true' : 'false'} aria-describedby=${this.fieldErrors.name ? 'e-name' : nothing} /></label>
          <label>${this.msg('salesEvents.venue')} <input name="venue" data-field="venue" required maxlength="200" /></label>
          <label>${this.msg('salesEvents.startsAt')} <input name="startsAt" type="datetime-local" data-field="startsAt" required /></label>
          <label>${this.msg('salesEvents.endsAt')} <input name="endsAt" type="datetime-local" data-field="endsAt" required aria-invalid=${this.fieldErrors.endsAt ? 'true' : 'false'} aria-describedby=${this.fieldErrors.endsAt ? 'e-endsAt' : nothing} /></label>
          <label>${this.msg('salesEvents.capacity')} <input name="capacity" type="number" min="1" data-field="capacity" required /></label>
          <label>${this.msg('salesEvents.level')}
            <select name="level" data-field="level">${[1, 2, 3].map((l) => html`<option value=${l} ?selected=${l === 2}>${this.msg(`salesEvents.level.${l as 1 | 2 | 3}`)}</option>`)}</select>
          </label>
        </div>
        ${error('name')}${error('venue')}${error('startsAt')}${error('endsAt')}${error('capacity')}
        <button type="submit" class="primary" data-create ?disabled=${this.busy}>${this.msg('salesEvents.create')}</button>
      </form>`}
      ${this.selected ? html`<button type="button" data-back @click=${() => { this.selected = null; this.registrations = []; }}>${this.msg('salesEvents.back')}</button>` : nothing}
      <p class="message" role="status">${this.message}</p>
    `;
  }
}
