// The "New task" form of <crm-task-list>: title, kind, due date and time (in the provider's time zone),
// the record it is about (found by what the person types) and, where the caller may list people, the
// assignee. Kept apart from the list so each file reads in one sitting.
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { CrmClient, CrmUser } from '../context/client-context.js';
import type { CrmFieldDetail } from '../events/field-events.js';
import { readProblem } from '../shared/api/errors.js';
import {
  findSubjects,
  loadTaskAssignees,
  newTaskKinds,
  taskFormClient,
  taskSubjectTypes,
  type CrmSubjectMatch,
  type CrmTaskSubjectType,
  type TaskCreateParams,
} from '../shared/api/task-create.js';
import type { Task } from '../shared/api/types.js';
import { focusFirstError, focusWithoutJump, mapFieldErrors, validateFields, type CrmFormField } from '../shared/form-field.js';
import type { CrmMessageParams, CrmPluralKey } from '../i18n/msg.js';
import type { CrmStringKey } from '../i18n/strings.en.js';
import { zonedToInstant } from './zoned-time.js';

interface TaskDraft {
  title: string;
  kind: string;
  dueAt: string;
  dueTime: string;
  subjectType: string;
  subjectQuery: string;
  subjectId: string;
  assigneeId: string;
}

const emptyDraft = (assigneeId: string): TaskDraft => ({ title: '', kind: 'todo', dueAt: '', dueTime: '', subjectType: '', subjectQuery: '', subjectId: '', assigneeId });

/** What the form needs of the element that shows it (<crm-task-list>), declared here so the two files do not import each other. */
export interface TaskFormHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly formClient: CrmClient | undefined;
  readonly formUser: CrmUser | undefined;
  readonly formTimeZone: string | undefined;
  formMsg(key: CrmStringKey, params?: CrmMessageParams): string;
  formPlural(key: CrmPluralKey, count: number): string;
  taskCreated(task: Task): Promise<void>;
}

/** The state and rendering of the task form, driven by its host's updates. */
export class TaskForm implements ReactiveController {
  open = false;
  private draft: TaskDraft = emptyDraft('');
  private errors: Record<string, string> = {};
  private other: string[] = [];
  private matches: CrmSubjectMatch[] | undefined;
  private assignees: CrmSubjectMatch[] = [];
  private saving = false;
  private status = '';
  private search: AbortController | undefined;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: TaskFormHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.search?.abort();
    clearTimeout(this.searchTimer);
  }

  private get root(): ShadowRoot | HTMLElement {
    return this.host.renderRoot as ShadowRoot;
  }

  /** Opens the form and puts focus on its title. */
  async show(): Promise<void> {
    const me = this.host.formUser?.id ?? '';
    this.open = true;
    this.draft = emptyDraft(me);
    this.errors = {};
    this.other = [];
    this.matches = undefined;
    this.status = '';
    this.host.requestUpdate();
    try {
      const found = await loadTaskAssignees(taskFormClient(this.host.formClient));
      this.assignees = found;
    } catch {
      this.assignees = [];
    }
    this.host.requestUpdate();
    await this.host.updateComplete;
    const title = this.root.querySelector<HTMLElement>('[part="new-task"] [name="title"]');
    if (title) focusWithoutJump(title);
  }

  /** Closes the form and gives focus back to the "New task" button. */
  async hide(): Promise<void> {
    this.open = false;
    this.search?.abort();
    this.host.requestUpdate();
    await this.host.updateComplete;
    this.root.querySelector<HTMLElement>('[data-new-task]')?.focus();
  }

  private set(name: keyof TaskDraft, value: string): void {
    this.draft = { ...this.draft, [name]: value };
    if (this.errors[name]) {
      const { [name]: _fixed, ...rest } = this.errors;
      this.errors = rest;
    }
    if (name === 'subjectType') this.draft = { ...this.draft, subjectQuery: '', subjectId: '' };
    if (name === 'subjectType') this.matches = undefined;
    if (name === 'subjectQuery') this.findSoon();
    this.host.requestUpdate();
  }

  private onInput = (event: CustomEvent<CrmFieldDetail>): void => {
    const name = event.detail.name as keyof TaskDraft;
    if (name in this.draft) this.set(name, event.detail.value);
  };

  /** Looks records up a moment after typing stops, cancelling the search before. */
  private findSoon(): void {
    clearTimeout(this.searchTimer);
    this.search?.abort();
    const { subjectType, subjectQuery } = this.draft;
    if (!subjectType || subjectQuery.trim().length < 2) {
      this.matches = undefined;
      return;
    }
    this.searchTimer = setTimeout(async () => {
      const controller = (this.search = new AbortController());
      try {
        const found = await findSubjects(taskFormClient(this.host.formClient), subjectType as CrmTaskSubjectType, subjectQuery.trim(), controller.signal);
        if (controller.signal.aborted) return;
        this.matches = found;
        this.draft = { ...this.draft, subjectId: found.length === 1 ? found[0]!.id : '' };
      } catch (error) {
        if (!controller.signal.aborted) this.errors = { ...this.errors, subjectQuery: readProblem(error).detail };
      }
      this.host.requestUpdate();
    }, 250);
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.saving) return;
    const d = this.draft;
    const fields = [...this.root.querySelectorAll<CrmFormField>('[part="new-task"] crm-text-field, [part="new-task"] crm-select-field')];
    if (d.subjectType && !d.subjectId) this.errors = { ...this.errors, subjectQuery: this.host.formMsg('tasks.create.pickRelated') };
    // The day is typed the reader's way; a day without a time is due at 09:00 in the provider's time zone.
    const dueAt = d.dueAt ? zonedToInstant(`${d.dueAt}T${d.dueTime || '09:00'}`, this.host.formTimeZone) : undefined;
    if (d.dueTime && !d.dueAt) this.errors = { ...this.errors, dueAt: this.host.formMsg('tasks.create.badDue') };
    else if (d.dueAt && !dueAt) this.errors = { ...this.errors, dueTime: this.host.formMsg('tasks.create.badDue') };
    this.host.requestUpdate();
    await this.host.updateComplete;
    const invalid = validateFields(fields);
    if (invalid.length > 0) {
      this.status = this.host.formPlural('tasks.create.fixErrors', invalid.length);
      this.host.requestUpdate();
      return;
    }
    const me = this.host.formUser?.id ?? '';
    const body: TaskCreateParams = {
      kind: d.kind as TaskCreateParams['kind'],
      title: d.title.trim(),
      ...(dueAt ? { dueAt: dueAt.toISOString() } : {}),
      ...(d.subjectType && d.subjectId ? { subject: { type: d.subjectType as CrmTaskSubjectType, id: d.subjectId } } : {}),
      ...(d.assigneeId && d.assigneeId !== me ? { assigneeId: d.assigneeId } : {}),
    };
    this.saving = true;
    this.other = [];
    this.status = this.host.formMsg('tasks.create.saving');
    this.host.requestUpdate();
    try {
      const created = await taskFormClient(this.host.formClient).tasks.create(body);
      this.open = false;
      this.saving = false;
      // The SDK's task is the API's record, which the list holds.
      await this.host.taskCreated(created as unknown as Task);
    } catch (error) {
      this.saving = false;
      const problem = readProblem(error);
      const known = new Set(['title', 'kind', 'dueAt', 'dueTime', 'assigneeId', 'subjectQuery']);
      const relabelled = problem.fieldErrors.map((f) => (f.field.startsWith('subject') ? { ...f, field: 'subjectQuery' } : f));
      const { byField, other } = mapFieldErrors(relabelled, (name) => known.has(name));
      if (problem.fieldErrors.length === 0) other.push(problem.detail);
      this.errors = byField;
      this.other = other;
      this.status = '';
      this.host.requestUpdate();
      await this.host.updateComplete;
      if (!focusFirstError(this.root.querySelector('[part="new-task"]') ?? this.root)) {
        const summary = this.root.querySelector<HTMLElement>('[part="new-task"] .banner.error');
        if (summary) focusWithoutJump(summary);
      }
    }
  }

  hostUpdate(): void {
    // Nothing to prepare: the form renders from its own state.
  }

  render(): TemplateResult | typeof nothing {
    if (!this.open) return nothing;
    const msg = this.host.formMsg;
    const d = this.draft;
    const e = (name: string) => this.errors[name] ?? '';
    const zone = this.host.formTimeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    return html`<form part="new-task" class="new-task" novalidate aria-labelledby="new-task-heading"
      @submit=${(ev: SubmitEvent) => this.submit(ev)} @crm-field-input=${this.onInput} @crm-field-change=${this.onInput}
      @keydown=${(ev: KeyboardEvent) => { if (ev.key === 'Escape' && !ev.defaultPrevented) { ev.preventDefault(); void this.hide(); } }}>
      <h3 id="new-task-heading">${msg('tasks.create.heading')}</h3>
      <div class="form-grid">
        <crm-text-field class="wide" name="title" required maxlength="300" label=${msg('tasks.create.title')} .value=${d.title} error=${e('title')}></crm-text-field>
        <crm-select-field name="kind" required label=${msg('tasks.create.kind')} .value=${d.kind} error=${e('kind')}
          .options=${newTaskKinds.map((k) => ({ value: k, label: msg(`tasks.kind.${k}`) }))}></crm-select-field>
        <crm-text-field name="dueAt" type="date" label=${msg('tasks.create.due')} .value=${d.dueAt} error=${e('dueAt')}></crm-text-field>
        <crm-text-field name="dueTime" type="time" label=${msg('tasks.create.dueTime')} hint=${msg('tasks.create.dueHint', { zone })}
          .value=${d.dueTime} error=${e('dueTime')}></crm-text-field>
        ${this.assignees.length
          ? html`<crm-select-field name="assigneeId" label=${msg('tasks.create.assignee')} .value=${d.assigneeId} error=${e('assigneeId')}
              .options=${this.assignees.map((a) => ({ value: a.id, label: a.label }))}></crm-select-field>`
          : nothing}
        <crm-select-field name="subjectType" label=${msg('tasks.create.relatedType')} placeholder=${msg('tasks.create.related.none')} .value=${d.subjectType}
          .options=${taskSubjectTypes.map((t) => ({ value: t, label: msg(`tasks.create.related.${t}`) }))}></crm-select-field>
        ${d.subjectType
          ? html`<crm-text-field name="subjectQuery" type="search" required label=${msg('tasks.create.find')} .value=${d.subjectQuery} error=${e('subjectQuery')}></crm-text-field>`
          : nothing}
      </div>
      ${d.subjectType && this.matches
        ? this.matches.length
          ? html`<fieldset class="matches"><legend>${msg('tasks.create.results')}</legend>
              ${this.matches.map(
                (m) => html`<label class="inline"><input type="radio" name="subjectId" .value=${m.id} .checked=${d.subjectId === m.id}
                  @change=${() => this.set('subjectId', m.id)} />${m.label}</label>`,
              )}
            </fieldset>`
          : html`<p class="muted">${msg('tasks.create.noMatch')}</p>`
        : nothing}
      ${this.other.length ? html`<div class="banner error" role="alert" tabindex="-1">${this.other.map((m) => html`<p>${m}</p>`)}</div>` : nothing}
      <div class="row">
        <button type="submit" class="primary" ?disabled=${this.saving} aria-busy=${this.saving ? 'true' : 'false'}>${msg('tasks.create.save')}</button>
        <button type="button" @click=${() => this.hide()}>${msg('tasks.create.cancel')}</button>
        <span role="status" class="muted">${this.status}</span>
      </div>
    </form>`;
  }
}
