import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmCalendarNavigatedEvent, CrmOccurrenceOpenedEvent } from '../events/calendar-events.js';
import { readProblem } from '../shared/api/errors.js';
import { calendarClient, type CalendarOccurrence } from '../shared/api/calendar.js';
import { controlStyles } from '../shared/controls.styles.js';
import { fieldStyles } from '../shared/admin-form.js';
import { CrmDataElement } from '../shared/data-element.js';
import { CrmState } from '../state/state.component.js';
import { CalendarEditor, type CalendarEditorHost } from './calendar-editor.js';
import { calendarEditorStyles } from './calendar-editor.styles.js';
import { calendarStyles } from './calendar.styles.js';

export type CalendarView = 'day' | 'week' | 'month' | 'agenda';
const views: CalendarView[] = ['day', 'week', 'month', 'agenda'];
const DAY = 86_400_000;
/** Days the agenda covers from the date shown. */
const AGENDA_DAYS = 14;

/** `YYYY-MM-DD` of a local date. */
export function dayKey(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
function parseDay(key: string): Date {
  const [y, m, d] = key.split('-').map(Number);
  return new Date(y!, (m ?? 1) - 1, d ?? 1);
}
const addDays = (d: Date, n: number) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);

/**
 * The shared calendar: a user's or a team's entries and tasks with a time, in a day, week, month or
 * agenda view. Arrow keys move the focused day (Home/End to the week's ends, Page Up/Down by month),
 * Enter opens the focused day; an occurrence opens with a click or Enter. Unless `readonly`, *New entry*
 * (or a press on a day's empty space) creates an entry, and an opened entry shows a dialog to change or
 * delete it; for an occurrence of a series the dialog first asks whether only this occurrence or the
 * whole series changes. Saves are conditional on the version read, and a conflict says so.
 *
 * @summary Day, week, month and agenda views of the shared calendars.
 *
 * @event crm-occurrence-opened - An occurrence was opened; `detail.occurrence` is it. Cancelable: `preventDefault()` keeps the edit dialog closed.
 * @event crm-calendar-entry-saved - An entry was created or changed, a series or one occurrence (`detail.scope`).
 * @event crm-calendar-entry-deleted - An entry or a series was deleted, or one occurrence cancelled (`detail.scope`).
 * @event crm-calendar-navigated - The view or the date changed by user input.
 *
 * @csspart toolbar - The navigation and view buttons.
 * @csspart grid - The grid of days (week and month views).
 * @csspart day - One day cell.
 * @csspart occurrence - One entry or task.
 * @csspart agenda - The list of the agenda and day views.
 * @csspart new - The New entry button.
 * @csspart editor - The create and edit dialog.
 * @csspart editor-scope - The choice between one occurrence and the whole series.
 * @csspart field-error - A problem shown beside its field.
 *
 * @cssproperty --crm-calendar-today - Background of today's cell.
 * @cssproperty --crm-calendar-occurrence - Background of an entry.
 * @cssproperty --crm-calendar-task - Background of a task.
 */
export class CrmCalendar extends CrmDataElement implements CalendarEditorHost {
  static override styles = [controlStyles, calendarStyles, fieldStyles, calendarEditorStyles];
  static override dependencies = { 'crm-state': CrmState };

  /** The view shown: day, week, month or agenda. */
  @property({ reflect: true }) view: CalendarView = 'week';
  /** The date shown (`YYYY-MM-DD`, local); defaults to today. */
  @property({ reflect: true }) date = dayKey(new Date());
  /** Only this user's calendar (entries they own or attend, tasks assigned to them). */
  @property({ attribute: 'user-id' }) userId = '';
  /** Only this team's calendar. */
  @property({ attribute: 'team-id' }) teamId = '';
  /** Shows the calendar without the New entry button and the edit dialog. */
  @property({ type: Boolean, reflect: true }) readonly = false;

  @state() private occurrences: CalendarOccurrence[] = [];
  @state() private loaded = false;
  @state() private loadError = '';
  /** The day that holds the keyboard focus in the grid. */
  @state() private focusDay = this.date;
  /** What the status line last said (a save, a deletion), for screen readers. */
  @state() private announcement = '';
  private loadedKey = '';
  private moveFocus = false;
  readonly #editor = new CalendarEditor(this);

  /** @internal */
  editorClient() {
    return this.client;
  }

  /** @internal */
  editorLocale() {
    return this.activeLocale;
  }

  /** @internal */
  announce(text: string): void {
    this.announcement = text;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('date')) this.focusDay = this.date;
  }

  protected override updated(changed: PropertyValues<this>): void {
    const key = `${this.view}|${this.range().from.toISOString()}|${this.userId}|${this.teamId}`;
    if (this.client && (changed.has('client' as keyof CrmCalendar) || key !== this.loadedKey)) {
      this.loadedKey = key;
      void this.load();
    }
    if (this.moveFocus) {
      this.moveFocus = false;
      this.shadowRoot?.querySelector<HTMLElement>(`[data-day="${this.focusDay}"]`)?.focus();
    }
  }

  /** Reads the occurrences of the range shown again. */
  async load(): Promise<void> {
    const { from, to } = this.range();
    try {
      this.loadError = '';
      const answer = await calendarClient(this.client).calendar.range({ from: from.toISOString(), to: to.toISOString(), ...(this.userId ? { userId: this.userId } : {}), ...(this.teamId ? { teamId: this.teamId } : {}) });
      this.occurrences = answer.data;
      this.loaded = true;
    } catch (error) {
      this.loadError = readProblem(error).detail;
    }
  }

  private weekStart(): number {
    const info = (new Intl.Locale(this.activeLocale) as Intl.Locale & { getWeekInfo?: () => { firstDay: number }; weekInfo?: { firstDay: number } });
    return (info.getWeekInfo?.() ?? info.weekInfo)?.firstDay ?? 1;
  }

  private startOfWeek(d: Date): Date {
    const first = this.weekStart() % 7;
    return addDays(d, -((d.getDay() - first + 7) % 7));
  }

  /** The days the view shows. */
  private days(): Date[] {
    const day = parseDay(this.date);
    if (this.view === 'day') return [day];
    if (this.view === 'agenda') return Array.from({ length: AGENDA_DAYS }, (_, i) => addDays(day, i));
    if (this.view === 'week') return Array.from({ length: 7 }, (_, i) => addDays(this.startOfWeek(day), i));
    const first = this.startOfWeek(new Date(day.getFullYear(), day.getMonth(), 1));
    const last = new Date(day.getFullYear(), day.getMonth() + 1, 0);
    const weeks = Math.ceil((last.getTime() - first.getTime()) / DAY / 7 + 1 / 7);
    return Array.from({ length: Math.max(4, weeks) * 7 }, (_, i) => addDays(first, i));
  }

  private range() {
    const days = this.days();
    return { from: days[0]!, to: addDays(days.at(-1)!, 1) };
  }

  private on(day: Date): CalendarOccurrence[] {
    const start = day.getTime();
    const end = addDays(day, 1).getTime();
    return this.occurrences.filter((o) => Date.parse(o.startAt) < end && Date.parse(o.endAt) > start);
  }

  private navigate(view: CalendarView, date: string, focus = false) {
    this.view = view;
    this.date = date;
    this.focusDay = date;
    this.moveFocus = focus;
    this.emit(new CrmCalendarNavigatedEvent({ view, date }));
  }

  private step(direction: -1 | 1) {
    const day = parseDay(this.date);
    const next = this.view === 'month' ? new Date(day.getFullYear(), day.getMonth() + direction, 1) : addDays(day, direction * (this.view === 'day' ? 1 : this.view === 'week' ? 7 : AGENDA_DAYS));
    this.navigate(this.view, dayKey(next));
  }

  private onGridKey(event: KeyboardEvent) {
    const day = parseDay(this.focusDay);
    const moves: Record<string, () => Date> = {
      ArrowLeft: () => addDays(day, -1),
      ArrowRight: () => addDays(day, 1),
      ArrowUp: () => addDays(day, -7),
      ArrowDown: () => addDays(day, 7),
      Home: () => this.startOfWeek(day),
      End: () => addDays(this.startOfWeek(day), 6),
      PageUp: () => new Date(day.getFullYear(), day.getMonth() - 1, day.getDate()),
      PageDown: () => new Date(day.getFullYear(), day.getMonth() + 1, day.getDate()),
    };
    if (event.key === 'Enter' && (event.target as HTMLElement).hasAttribute('data-day')) {
      event.preventDefault();
      this.navigate('day', this.focusDay, true);
      return;
    }
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const target = dayKey(move());
    const shown = this.days().map(dayKey);
    this.focusDay = target;
    this.moveFocus = true;
    // Leaving the days shown moves the view along, so the focused day is always on screen.
    if (!shown.includes(target)) this.navigate(this.view, target, true);
  }

  private time(iso: string) {
    return new Intl.DateTimeFormat(this.activeLocale, { hour: 'numeric', minute: '2-digit' }).format(new Date(iso));
  }

  private heading(): string {
    const day = parseDay(this.date);
    if (this.view === 'month') return new Intl.DateTimeFormat(this.activeLocale, { month: 'long', year: 'numeric' }).format(day);
    if (this.view === 'day') return new Intl.DateTimeFormat(this.activeLocale, { dateStyle: 'full' }).format(day);
    const days = this.days();
    return new Intl.DateTimeFormat(this.activeLocale, { day: 'numeric', month: 'short', year: 'numeric' }).formatRange(days[0]!, days.at(-1)!);
  }

  private open(occurrence: CalendarOccurrence, event: Event) {
    const opened = new CrmOccurrenceOpenedEvent({ occurrence });
    this.emit(opened);
    // Tasks are edited where tasks are (the task list); the host may also veto the dialog.
    if (this.readonly || opened.defaultPrevented || occurrence.source !== 'entry') return;
    void this.#editor.edit(occurrence, event.currentTarget as HTMLElement);
  }

  /** A press on a day's empty space (not on an entry or the day's number) creates an entry on that day. */
  private onDayPress(event: MouseEvent, key: string) {
    if (this.readonly || (event.target as HTMLElement).closest('button')) return;
    this.#editor.create(key, this.shadowRoot?.querySelector<HTMLElement>('[data-new]') ?? undefined);
  }

  private newEntry(event: Event) {
    const day = this.view === 'week' || this.view === 'month' ? this.focusDay : this.date;
    this.#editor.create(day, event.currentTarget as HTMLElement);
  }

  private renderOccurrence(o: CalendarOccurrence, compact: boolean) {
    const when = o.allDay ? this.msg('calendar.allDay') : this.time(o.startAt);
    const kind = this.msg(`calendar.kind.${o.kind}` as 'calendar.kind.meeting');
    const rest = o.allDay ? `, ${kind}` : `, ${compact ? `${when}–` : '–'}${this.time(o.endAt)}, ${kind}`;
    return html`<li><button type="button" part="occurrence" class="occurrence ${o.source}" data-occurrence=${o.key} @click=${(e: Event) => this.open(o, e)}>
      ${compact ? nothing : html`<span class="time">${when}</span>`}<span class="label">${o.title}</span><span class="sr-only">${rest}</span>
    </button></li>`;
  }

  private renderGrid() {
    const days = this.days();
    const today = dayKey(new Date());
    const month = parseDay(this.date).getMonth();
    const weekdays = days.slice(0, 7).map((d) => ({ short: new Intl.DateTimeFormat(this.activeLocale, { weekday: 'short' }).format(d), long: new Intl.DateTimeFormat(this.activeLocale, { weekday: 'long' }).format(d) }));
    const rows = Array.from({ length: days.length / 7 }, (_, r) => days.slice(r * 7, r * 7 + 7));
    const compact = this.view === 'month';
    const shown = days.map(dayKey);
    const focus = shown.includes(this.focusDay) ? this.focusDay : shown[0];
    return html`<div role="grid" part="grid" class="grid ${this.view}" aria-label=${this.heading()} @keydown=${this.onGridKey}>
      <div role="row" class="weekdays">${weekdays.map((w) => html`<div role="columnheader"><abbr title=${w.long}>${w.short}</abbr></div>`)}</div>
      ${rows.map((row) => html`<div role="row" class="week-row">${row.map((d) => {
        const key = dayKey(d);
        const items = this.on(d);
        const dayLabel = new Intl.DateTimeFormat(this.activeLocale, { dateStyle: 'full' }).format(d);
        const count = this.plural('calendar.count', items.length);
        return html`<div role="gridcell" part="day" class="day ${key === today ? 'today' : ''} ${compact && d.getMonth() !== month ? 'outside' : ''}" aria-selected=${key === focus ? 'true' : 'false'} @click=${(e: MouseEvent) => this.onDayPress(e, key)}>
          <button type="button" class="day-head" tabindex=${key === focus ? 0 : -1} data-day=${key} aria-label=${`${dayLabel}, ${count}`} aria-current=${key === today ? 'date' : 'false'} @focus=${() => (this.focusDay = key)} @click=${() => this.navigate('day', key, true)}>${d.getDate()}</button>
          ${items.length ? html`<ul class="items">${(compact ? items.slice(0, 3) : items).map((o) => this.renderOccurrence(o, compact))}</ul>` : nothing}
          ${compact && items.length > 3 ? html`<span class="more">${this.msg('calendar.more', { count: items.length - 3 })}</span>` : nothing}
        </div>`;
      })}</div>`)}
    </div>`;
  }

  private renderList() {
    const days = this.days().map((d) => ({ d, items: this.on(d) })).filter((x) => this.view === 'day' || x.items.length);
    if (!days.some((x) => x.items.length)) return html`<crm-state kind="empty" message=${this.msg(this.view === 'day' ? 'calendar.emptyDay' : 'calendar.emptyAgenda')}></crm-state>`;
    return html`<div part="agenda" class="agenda">${days.map(({ d, items }) => html`<section aria-labelledby=${`h-${dayKey(d)}`}>
      <h3 id=${`h-${dayKey(d)}`}>${new Intl.DateTimeFormat(this.activeLocale, { dateStyle: 'full' }).format(d)}</h3>
      <ul class="items">${items.map((o) => this.renderOccurrence(o, false))}</ul>
    </section>`)}</div>`;
  }

  override render() {
    const body = this.loadError
      ? html`<crm-state kind="error" message=${this.loadError} @crm-retry-requested=${() => this.load()}></crm-state>`
      : !this.loaded
        ? html`<crm-state kind="loading"></crm-state>`
        : this.view === 'week' || this.view === 'month'
          ? this.renderGrid()
          : this.renderList();
    return html`<div class="toolbar" part="toolbar">
        <div class="nav">
          <button type="button" data-prev aria-label=${this.msg('calendar.previous')} @click=${() => this.step(-1)}>‹</button>
          <button type="button" data-today @click=${() => this.navigate(this.view, dayKey(new Date()))}>${this.msg('calendar.today')}</button>
          <button type="button" data-next aria-label=${this.msg('calendar.next')} @click=${() => this.step(1)}>›</button>
        </div>
        <h2 class="title" aria-live="polite">${this.heading()}</h2>
        ${this.readonly ? nothing : html`<button type="button" part="new" class="primary" data-new @click=${this.newEntry}>${this.msg('calendar.edit.new')}</button>`}
        <div class="views" role="group" aria-label=${this.msg('calendar.views')}>
          ${views.map((v) => html`<button type="button" data-view=${v} aria-pressed=${this.view === v ? 'true' : 'false'} @click=${() => this.navigate(v, this.date)}>${this.msg(`calendar.view.${v}` as 'calendar.view.day')}</button>`)}
        </div>
      </div>
      ${body}
      <p class="sr-only" role="status" data-announcement>${this.announcement}</p>
      ${this.readonly ? nothing : this.#editor.render()}`;
  }
}
