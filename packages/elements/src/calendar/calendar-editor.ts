// The edit dialog of <crm-calendar>: creating an entry, changing or deleting one, and for an occurrence of a
// series the choice between only that occurrence (its own override or cancellation, as iCalendar's
// RECURRENCE-ID and EXDATE) and the whole series. Its own controller so the calendar's views stay readable.
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { CrmClient } from '../context/client-context.js';
import { CrmCalendarEntryDeletedEvent, CrmCalendarEntrySavedEvent, type CalendarEditScope } from '../events/calendar-events.js';
import { msg, type CrmMessageParams, type CrmStringKey } from '../i18n/index.js';
import { checkboxField, inputField, selectField, syncSelects, textareaField } from '../shared/admin-form.js';
import { calendarClient, type CalendarEntry, type CalendarEntryUpdateParams, type CalendarOccurrence } from '../shared/api/calendar.js';
import { isVersionConflict, readProblem } from '../shared/api/errors.js';
import { focusWithoutJump, mapFieldErrors } from '../shared/form-field.js';
import { localInputValue, zonedToInstant } from '../task-list/zoned-time.js';

/** What the editor needs of the calendar that hosts it. */
export interface CalendarEditorHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
  editorClient(): CrmClient | undefined;
  editorLocale(): string;
  /** The calendar's status line, read by screen readers. */
  announce(text: string): void;
  /** Reads the range shown again after a change. */
  load(): Promise<void>;
  dispatchEvent(event: Event): boolean;
}

/** The kinds an entry may have (the API's `entryKinds`). */
export const entryKinds = ['meeting', 'call', 'task', 'followUp', 'conference'] as const;

/** The fields of the dialog, named as the API names them so its problems land beside them. */
const fields = ['kind', 'title', 'allDay', 'startAt', 'endAt', 'location', 'description', 'attendees'] as const;
/** What one occurrence of a series may change on its own (the API's `CalendarOccurrenceUpdate`). */
const occurrenceFields = new Set(['title', 'startAt', 'endAt', 'location', 'description']);

interface Draft {
  kind: string;
  title: string;
  allDay: boolean;
  /** `YYYY-MM-DDTHH:mm` (timed) or `YYYY-MM-DD` (all day, the last day included), local wall time. */
  start: string;
  end: string;
  location: string;
  description: string;
  /** E-mail addresses, one a line (or separated by commas). */
  attendees: string;
}

const dayOf = (d: Date) => localInputValue(d).slice(0, 10);
const emailsOf = (entry: CalendarEntry | undefined) => (entry?.attendees ?? []).map((a) => a.email).join('\n');

/** The create / edit / delete dialog of one entry or occurrence at a time. */
export class CalendarEditor implements ReactiveController {
  /** The occurrence being edited; undefined while creating. */
  target?: CalendarOccurrence;
  /** The entry (or series) as the API answered it: its version guards the save. */
  entry?: CalendarEntry;
  open = false;
  scope: 'occurrence' | 'series' = 'occurrence';
  draft: Draft = { kind: 'meeting', title: '', allDay: false, start: '', end: '', location: '', description: '', attendees: '' };
  errors: Record<string, string> = {};
  message = '';
  conflict = false;
  busy = false;
  loading = false;
  confirmingDelete = false;
  #opener?: HTMLElement;
  /** The start the times of the draft were taken from, so a series moves by the same shift. */
  #base?: { start: number; end: number };

  constructor(private readonly host: CalendarEditorHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostUpdated(): void {
    if (this.open) syncSelects(this.host.renderRoot);
  }

  private t(key: CrmStringKey, params?: CrmMessageParams) {
    return msg(key, params, this.host.editorLocale());
  }

  private get dialog() {
    return this.host.renderRoot.querySelector<HTMLDialogElement>('dialog[data-editor]');
  }

  private get recurring() {
    return Boolean(this.target?.recurring && this.target.recurrenceId);
  }

  private get onlyOccurrence() {
    return this.recurring && this.scope === 'occurrence';
  }

  private show(opener: HTMLElement | undefined, focus: string) {
    this.#opener = opener;
    this.open = true;
    this.errors = {};
    this.message = '';
    this.conflict = false;
    this.confirmingDelete = false;
    this.host.requestUpdate();
    void this.host.updateComplete.then(() => {
      if (!this.dialog?.open) this.dialog?.showModal();
      this.dialog?.querySelector<HTMLElement>(focus)?.focus();
    });
  }

  /** Opens the dialog for a new entry on `day` (`YYYY-MM-DD`), 9 to 10 o'clock. */
  create(day: string, opener?: HTMLElement): void {
    this.target = undefined;
    this.entry = undefined;
    this.draft = { kind: 'meeting', title: '', allDay: false, start: `${day}T09:00`, end: `${day}T10:00`, location: '', description: '', attendees: '' };
    this.show(opener, '[data-field="title"]');
  }

  /** Opens the dialog on an occurrence of an entry; a series' occurrence starts on "only this occurrence". */
  async edit(occurrence: CalendarOccurrence, opener?: HTMLElement): Promise<void> {
    this.target = occurrence;
    this.entry = undefined;
    this.scope = 'occurrence';
    this.draft = { ...this.draft, title: occurrence.title };
    this.loading = true;
    this.show(opener, '[data-editor-close]');
    await this.read();
    await this.host.updateComplete;
    this.dialog?.querySelector<HTMLElement>(this.recurring ? '[data-scope="occurrence"]' : '[data-field="title"]')?.focus();
  }

  /** Reads the entry (its version, description and attendees) and fills the draft for the scope chosen. */
  private async read() {
    const target = this.target;
    if (!target) return;
    this.loading = true;
    this.host.requestUpdate();
    try {
      this.entry = await calendarClient(this.host.editorClient()).calendar.get(target.id);
      this.fill();
    } catch (error) {
      this.message = readProblem(error).detail;
    } finally {
      this.loading = false;
      this.host.requestUpdate();
    }
  }

  private fill() {
    const target = this.target;
    const entry = this.entry;
    if (!target || !entry) return;
    const override = entry.overrides.find((o) => o.recurrenceId === target.recurrenceId);
    let start: number;
    let end: number;
    let title: string;
    let location: string | null;
    let description: string | null;
    if (!target.recurrenceId) {
      start = Date.parse(entry.startAt);
      end = Date.parse(entry.endAt);
      ({ title, location, description } = entry);
    } else if (this.onlyOccurrence) {
      // From the entry just read, not the occurrence shown: after a conflict the dialog shows what is stored now.
      start = override ? Date.parse(override.startAt) : Date.parse(target.recurrenceId);
      end = override ? Date.parse(override.endAt) : start + (Date.parse(entry.endAt) - Date.parse(entry.startAt));
      title = override?.title ?? entry.title;
      location = override ? override.location : entry.location;
      description = override ? override.description : entry.description;
    } else {
      // The whole series: this occurrence as the series' rule gives it, so a change shifts every one alike.
      start = Date.parse(target.recurrenceId);
      end = start + (Date.parse(entry.endAt) - Date.parse(entry.startAt));
      ({ title, location, description } = entry);
    }
    this.#base = { start, end };
    this.draft = {
      kind: entry.kind,
      title,
      allDay: entry.allDay,
      start: entry.allDay ? dayOf(new Date(start)) : localInputValue(new Date(start)),
      end: entry.allDay ? dayOf(new Date(end - 1)) : localInputValue(new Date(end)),
      location: location ?? '',
      description: description ?? '',
      attendees: emailsOf(entry),
    };
    this.errors = {};
  }

  private setScope(scope: 'occurrence' | 'series') {
    this.scope = scope;
    this.confirmingDelete = false;
    this.message = '';
    this.fill();
    this.host.requestUpdate();
  }

  private set(patch: Partial<Draft>) {
    this.draft = { ...this.draft, ...patch };
    this.host.requestUpdate();
  }

  private setAllDay(allDay: boolean) {
    const { start, end } = this.draft;
    this.set(allDay ? { allDay, start: start.slice(0, 10), end: end.slice(0, 10) } : { allDay, start: `${start.slice(0, 10)}T09:00`, end: `${end.slice(0, 10)}T10:00` });
  }

  /** The instants the draft means, or the field that does not hold one. */
  private instants(): { startAt?: Date; endAt?: Date } {
    const { allDay, start, end } = this.draft;
    if (allDay) {
      const s = /^\d{4}-\d{2}-\d{2}$/.test(start) ? zonedToInstant(`${start}T00:00`) : undefined;
      const e = /^\d{4}-\d{2}-\d{2}$/.test(end) ? zonedToInstant(`${end}T00:00`) : undefined;
      return { startAt: s, endAt: e && new Date(e.getFullYear(), e.getMonth(), e.getDate() + 1) };
    }
    return { startAt: zonedToInstant(start), endAt: zonedToInstant(end) };
  }

  private attendees() {
    const known = new Map((this.entry?.attendees ?? []).map((a) => [a.email.toLowerCase(), a.name]));
    return this.draft.attendees
      .split(/[\n,;]+/)
      .map((e) => e.trim())
      .filter(Boolean)
      .map((email) => ({ email, name: known.get(email.toLowerCase()) ?? null }));
  }

  private validate(): { startAt: Date; endAt: Date } | undefined {
    const errors: Record<string, string> = {};
    const { startAt, endAt } = this.instants();
    if (!this.draft.title.trim()) errors.title = this.t('calendar.edit.titleRequired');
    if (!startAt) errors.startAt = this.t('calendar.edit.timeRequired');
    if (!endAt) errors.endAt = this.t('calendar.edit.timeRequired');
    else if (startAt && endAt.getTime() <= startAt.getTime()) errors.endAt = this.t('calendar.edit.endAfterStart');
    this.errors = errors;
    this.message = '';
    if (Object.keys(errors).length || !startAt || !endAt) {
      this.host.requestUpdate();
      void this.host.updateComplete.then(() => this.focusFirstError());
      return undefined;
    }
    return { startAt, endAt };
  }

  private focusFirstError() {
    const first = [...this.host.renderRoot.querySelectorAll<HTMLElement>('dialog[data-editor] [data-field]')].find((el) => this.errors[el.dataset.field!]);
    if (first) focusWithoutJump(first);
  }

  private async run(work: () => Promise<void>) {
    if (this.busy) return;
    this.busy = true;
    this.conflict = false;
    this.host.requestUpdate();
    try {
      await work();
    } catch (error) {
      const problem = readProblem(error);
      if (isVersionConflict(problem)) {
        this.conflict = true;
        this.message = this.t('calendar.edit.conflict');
      } else {
        const shown = this.onlyOccurrence ? occurrenceFields : new Set<string>(fields);
        const { byField, other } = mapFieldErrors(problem.fieldErrors, (name) => shown.has(name));
        this.errors = byField;
        this.message = other.join('; ') || (Object.keys(byField).length ? '' : problem.detail);
      }
      this.confirmingDelete = false;
      this.host.requestUpdate();
      await this.host.updateComplete;
      if (this.conflict) this.dialog?.querySelector<HTMLElement>('[data-editor-reload]')?.focus();
      else this.focusFirstError();
    } finally {
      this.busy = false;
      this.host.requestUpdate();
    }
  }

  private async submit(event: Event) {
    event.preventDefault();
    const times = this.validate();
    if (!times) return;
    const calendar = calendarClient(this.host.editorClient()).calendar;
    const d = this.draft;
    const text = (value: string) => (value.trim() ? value.trim() : null);
    await this.run(async () => {
      const target = this.target;
      const entry = this.entry;
      let saved: CalendarEntry;
      let scope: CalendarEditScope;
      if (!target || !entry) {
        saved = await calendar.create({
          kind: d.kind as CalendarEntry['kind'], title: d.title.trim(), startAt: times.startAt.toISOString(), endAt: times.endAt.toISOString(), allDay: d.allDay,
          timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, location: text(d.location), description: text(d.description), attendees: this.attendees(),
        });
        scope = 'entry';
      } else if (this.onlyOccurrence) {
        saved = await calendar.updateOccurrence(entry.id, target.recurrenceId!, { title: d.title.trim(), startAt: times.startAt.toISOString(), endAt: times.endAt.toISOString(), location: text(d.location), description: text(d.description) }, { ifMatch: entry.version });
        scope = 'occurrence';
      } else {
        const patch: CalendarEntryUpdateParams = { kind: d.kind as CalendarEntry['kind'], title: d.title.trim(), allDay: d.allDay, location: text(d.location), description: text(d.description) };
        const base = this.#base!;
        const shift = times.startAt.getTime() - base.start;
        const length = times.endAt.getTime() - times.startAt.getTime();
        // A series keeps its first start unless this occurrence moved: then every occurrence moves by as much
        // (the API drops the series' overrides and cancellations only when its start changes).
        if (shift !== 0) patch.startAt = new Date(Date.parse(entry.startAt) + shift).toISOString();
        if (shift !== 0 || length !== base.end - base.start) patch.endAt = new Date(Date.parse(entry.startAt) + shift + length).toISOString();
        if (d.attendees.trim() !== emailsOf(entry)) patch.attendees = this.attendees();
        saved = await calendar.update(entry.id, patch, { ifMatch: entry.version });
        scope = target.recurring ? 'series' : 'entry';
      }
      const created = !target;
      this.host.announce(this.t(created ? 'calendar.edit.created' : scope === 'occurrence' ? 'calendar.edit.savedOccurrence' : scope === 'series' ? 'calendar.edit.savedSeries' : 'calendar.edit.saved', { title: scope === 'occurrence' ? d.title.trim() : saved.title }));
      this.host.dispatchEvent(new CrmCalendarEntrySavedEvent({ entry: saved, scope, recurrenceId: scope === 'occurrence' ? target!.recurrenceId : null, created }));
      this.close();
      await this.host.load();
    });
  }

  private askDelete() {
    this.confirmingDelete = true;
    this.host.requestUpdate();
    void this.host.updateComplete.then(() => this.dialog?.querySelector<HTMLElement>('[data-delete-keep]')?.focus());
  }

  private keep() {
    this.confirmingDelete = false;
    this.host.requestUpdate();
    void this.host.updateComplete.then(() => this.dialog?.querySelector<HTMLElement>('[data-editor-delete]')?.focus());
  }

  private async remove() {
    const target = this.target;
    const entry = this.entry;
    if (!target || !entry) return;
    const calendar = calendarClient(this.host.editorClient()).calendar;
    const only = this.onlyOccurrence;
    await this.run(async () => {
      if (only) await calendar.cancelOccurrence(entry.id, target.recurrenceId!);
      else await calendar.delete(entry.id);
      const scope: CalendarEditScope = only ? 'occurrence' : target.recurring ? 'series' : 'entry';
      this.host.announce(this.t(only ? 'calendar.edit.cancelledOccurrence' : scope === 'series' ? 'calendar.edit.deletedSeries' : 'calendar.edit.deleted', { title: only ? target.title : entry.title }));
      this.host.dispatchEvent(new CrmCalendarEntryDeletedEvent({ id: entry.id, scope, recurrenceId: only ? target.recurrenceId : null }));
      this.#opener = undefined;
      this.close();
      await this.host.load();
    });
  }

  private async reload() {
    this.conflict = false;
    this.message = '';
    await this.read();
    this.host.announce(this.t('calendar.edit.reloaded'));
    await this.host.updateComplete;
    this.dialog?.querySelector<HTMLElement>('[data-field="title"]')?.focus();
  }

  /** Closes the dialog; focus goes back to what opened it (or, gone, to the New entry button). */
  close(): void {
    this.dialog?.close();
  }

  private onClose() {
    this.open = false;
    this.target = undefined;
    this.entry = undefined;
    this.host.requestUpdate();
    void this.host.updateComplete.then(() => {
      const back = this.#opener?.isConnected ? this.#opener : this.host.renderRoot.querySelector<HTMLElement>('[data-new]');
      back?.focus();
    });
  }

  private renderScope() {
    if (!this.recurring) return nothing;
    const radio = (value: 'occurrence' | 'series', label: string) =>
      html`<label class="check"><input type="radio" name="scope" value=${value} data-scope=${value} .checked=${this.scope === value} ?disabled=${this.busy} @change=${() => this.setScope(value)} /> ${label}</label>`;
    return html`<fieldset class="scope" part="editor-scope">
      <legend>${this.t('calendar.edit.scope')}</legend>
      ${radio('occurrence', this.t('calendar.edit.scopeOccurrence'))} ${radio('series', this.t('calendar.edit.scopeSeries'))}
    </fieldset>`;
  }

  private renderFields() {
    const d = this.draft;
    const only = this.onlyOccurrence;
    const disabled = this.busy || this.loading;
    const timeType = d.allDay ? 'date' : 'datetime-local';
    return html`<div class="fields">
      ${only ? nothing : selectField({ field: 'kind', label: this.t('calendar.edit.kind'), value: d.kind, disabled, error: this.errors.kind, options: entryKinds.map((k) => ({ value: k, label: this.t(`calendar.kindName.${k}` as CrmStringKey) })), onInput: (kind) => this.set({ kind }) })}
      ${inputField({ field: 'title', label: this.t('calendar.edit.title'), value: d.title, required: true, maxlength: 300, disabled, error: this.errors.title, onInput: (title) => this.set({ title }) })}
      ${only ? nothing : checkboxField({ field: 'allDay', label: this.t('calendar.allDay'), checked: d.allDay, disabled, onChange: (allDay) => this.setAllDay(allDay) })}
      ${only && d.allDay ? nothing : html`
        ${inputField({ field: 'startAt', type: timeType, label: this.t(d.allDay ? 'calendar.edit.startDay' : 'calendar.edit.start'), value: d.start, required: true, disabled, error: this.errors.startAt, onInput: (start) => this.set({ start }) })}
        ${inputField({ field: 'endAt', type: timeType, label: this.t(d.allDay ? 'calendar.edit.endDay' : 'calendar.edit.end'), value: d.end, required: true, disabled, error: this.errors.endAt, onInput: (end) => this.set({ end }) })}`}
      ${inputField({ field: 'location', label: this.t('calendar.edit.location'), value: d.location, maxlength: 500, disabled, error: this.errors.location, onInput: (location) => this.set({ location }) })}
      ${textareaField({ field: 'description', label: this.t('calendar.edit.description'), value: d.description, rows: 3, disabled, error: this.errors.description, onInput: (description) => this.set({ description }) })}
      ${only ? nothing : textareaField({ field: 'attendees', label: this.t('calendar.edit.attendees'), hint: this.t('calendar.edit.attendeesHint'), value: d.attendees, rows: 2, disabled, error: this.errors.attendees, onInput: (attendees) => this.set({ attendees }) })}
    </div>`;
  }

  private renderDelete() {
    if (!this.target || !this.entry) return nothing;
    const only = this.onlyOccurrence;
    const series = this.recurring && !only;
    if (!this.confirmingDelete) {
      return html`<button type="button" class="danger" data-editor-delete ?disabled=${this.busy || this.loading} @click=${() => this.askDelete()}>${this.t(only ? 'calendar.edit.cancelOccurrence' : series ? 'calendar.edit.deleteSeries' : 'calendar.edit.delete')}</button>`;
    }
    return html`<div class="confirm" role="group" aria-labelledby="delete-question">
      <p id="delete-question">${this.t(only ? 'calendar.edit.confirmCancelOccurrence' : series ? 'calendar.edit.confirmDeleteSeries' : 'calendar.edit.confirmDelete', { title: this.draft.title })}</p>
      <div class="actions">
        <button type="button" class="danger" data-delete-confirm ?disabled=${this.busy} @click=${() => this.remove()}>${this.t(only ? 'calendar.edit.cancelOccurrence' : series ? 'calendar.edit.deleteSeries' : 'calendar.edit.delete')}</button>
        <button type="button" data-delete-keep @click=${() => this.keep()}>${this.t('calendar.edit.keep')}</button>
      </div>
    </div>`;
  }

  /** The dialog (always in the tree, opened with `showModal`). */
  render() {
    const heading = !this.target ? this.t('calendar.edit.newTitle') : this.t('calendar.edit.editTitle', { title: this.target.title });
    return html`<dialog data-editor part="editor" aria-labelledby="editor-heading" aria-busy=${this.loading ? 'true' : 'false'} @close=${() => this.onClose()}>
      ${this.open
        ? html`<form @submit=${(e: Event) => this.submit(e)} novalidate>
            <h3 id="editor-heading">${heading}</h3>
            ${this.renderScope()} ${this.renderFields()}
            <div class="banner error" role="alert" data-editor-message>${this.message}${this.conflict
              ? html` <button type="button" data-editor-reload @click=${() => this.reload()}>${this.t('calendar.edit.reload')}</button>`
              : nothing}</div>
            <div class="actions">
              <button type="submit" class="primary" data-editor-save ?disabled=${this.busy || this.loading}>${this.t(this.onlyOccurrence ? 'calendar.edit.saveOccurrence' : this.recurring ? 'calendar.edit.saveSeries' : 'calendar.edit.save')}</button>
              <button type="button" data-editor-close @click=${() => this.close()}>${this.t('calendar.edit.close')}</button>
              <span class="spacer"></span>
              ${this.renderDelete()}
            </div>
          </form>`
        : nothing}
    </dialog>`;
  }
}
