import { Task as LitTask } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmTaskCreatedEvent, CrmTaskTransitionedEvent } from '../events/board-events.js';
import type { CrmClient, CrmUser } from '../context/client-context.js';
import type { CrmMessageParams, CrmPluralKey } from '../i18n/msg.js';
import type { CrmStringKey } from '../i18n/strings.en.js';
import { CrmSelectField } from '../select-field/select-field.component.js';
import { CrmTextField } from '../text-field/text-field.component.js';
import { TaskForm } from './task-form.js';
import { isVersionConflict, readProblem } from '../shared/api/errors.js';
import { listTasks, loadCallingWorkflow, openTaskStatuses, rescheduleTask, transitionTask } from '../shared/api/task-list.js';
import type { Task, Workflow } from '../shared/api/types.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatDateTime } from '../shared/format.js';
import { CrmState } from '../state/state.component.js';
import { groupByDue, type DueGroup } from './due-groups.js';
import { localInputValue, zonedToInstant } from './zoned-time.js';
import { taskListStyles } from './task-list.styles.js';

/** Whose tasks to show. */
export type CrmTaskScope = 'mine' | 'team';

/**
 * The signed-in person's open tasks, or their team's, grouped by due date (overdue, today, tomorrow,
 * this week, later, no date). "New task" opens a form for the title, kind, due date and time (in the
 * provider's time zone), the contact, customer, lead or deal it is about (found by what the person
 * types) and, where the caller may list people, the assignee; it creates the task through
 * `crm.tasks.create`. Every task can be marked done; calling tasks offer all the moves of the
 * calling-task workflow (schedule, re-schedule, done, abort) as buttons, and re-schedule first asks for
 * the new due date and time, checks it is in the future, and saves it with the move. Everything works
 * by keyboard and at 390 px.
 *
 * @summary Open tasks grouped by due date: create, complete and move them.
 *
 * @event crm-task-created - A task was created from the form; `detail.task` is the API's record.
 * @event crm-task-transitioned - A task moved to another status; `detail.task` is the updated record.
 *
 * @csspart scope - The "My tasks / My team's" switch.
 * @csspart group - One due-date group.
 * @csspart group-heading - A group's heading.
 * @csspart task - One task.
 * @csspart status - A task's status badge.
 * @csspart transition-button - One status action.
 * @csspart reschedule - The form asking for the new due date and time of a re-schedule.
 * @csspart message - A message about the last action.
 * @csspart new-task-button - The "New task" button.
 * @csspart new-task - The form that creates a task.
 *
 * @cssproperty --crm-task-list-background - Background of a task. Defaults to `--crm-sys-color-surface-container`.
 * @cssproperty --crm-task-list-overdue-color - Heading colour of the overdue group. Defaults to `--crm-sys-color-error`.
 * @cssproperty --crm-task-list-accent - Buttons and the chosen scope. Defaults to `--crm-sys-color-primary`.
 */
export class CrmTaskList extends CrmDataElement {
  static override styles = [controlStyles, taskListStyles];
  static override dependencies = { 'crm-state': CrmState, 'crm-text-field': CrmTextField, 'crm-select-field': CrmSelectField };

  /** `mine` (assigned to the signed-in user) or `team` (every open task the user may see). */
  @property({ reflect: true }) scope: CrmTaskScope = 'mine';

  /** Hides the scope switch. */
  @property({ type: Boolean, reflect: true, attribute: 'no-scope' }) noScope = false;

  /** Hides the "New task" button and form. */
  @property({ type: Boolean, reflect: true, attribute: 'no-create' }) noCreate = false;

  private readonly taskForm = new TaskForm(this);

  /** @internal A string for the task form, in this element's locale. */
  readonly formMsg = (key: CrmStringKey, params?: CrmMessageParams): string => this.msg(key, params);

  /** @internal A counted string for the task form. */
  readonly formPlural = (key: CrmPluralKey, count: number): string => this.plural(key, count);

  /** @internal The client for the task form. */
  get formClient(): CrmClient | undefined {
    return this.client;
  }

  /** @internal The signed-in user, for the task form. */
  get formUser(): CrmUser | undefined {
    return this.user;
  }

  /** @internal The time zone a due time is typed in. */
  get formTimeZone(): string | undefined {
    return this.activeTimeZone;
  }

  /** @internal The form created `task`: list it when it belongs here, say so and focus it. */
  async taskCreated(task: Task): Promise<void> {
    const mine = !task.assigneeId || task.assigneeId === this.user?.id;
    if (this.scope === 'team' || mine) this.tasks = [...this.tasks, task];
    this.message = this.msg('tasks.created', { title: task.title });
    this.emit(new CrmTaskCreatedEvent({ task }));
    await this.updateComplete;
    (this.renderRoot.querySelector<HTMLElement>(`[data-task="${task.id}"] [data-to]`) ?? this.renderRoot.querySelector<HTMLElement>('[data-new-task]'))?.focus();
  }

  @state() private tasks: Task[] = [];
  @state() private busy = '';
  @state() private message = '';
  /** The task whose re-schedule form is open, the value typed and its problem. */
  @state() private rescheduling: { id: string; to: string; value: string; error: string } | undefined;

  private readonly load = new LitTask(this, {
    args: () => [this.client, this.user?.id, this.scope] as const,
    task: async ([, userId, scope], { signal }): Promise<Workflow> => {
      const api = this.api;
      const [tasks, workflow] = await Promise.all([
        listTasks(api, scope === 'mine' ? (userId ?? '') || undefined : undefined, { signal }),
        loadCallingWorkflow(api, { signal }),
      ]);
      this.tasks = tasks;
      return workflow;
    },
  });

  /** Loads the tasks again. */
  reload(): void {
    void this.load.run();
  }

  private label(workflow: Workflow, key: string): string {
    return workflow.states.find((s) => s.key === key)?.label ?? key;
  }

  private async move(task: Task, to: string, workflow: Workflow): Promise<void> {
    this.busy = `${task.id}:${to}`;
    this.message = '';
    try {
      const updated = await transitionTask(this.api, task.id, to, task.version);
      this.tasks = this.tasks.map((t) => (t.id === task.id ? updated : t));
      this.message = this.msg('tasks.moved', { title: task.title, status: this.label(workflow, to) });
      this.emit(new CrmTaskTransitionedEvent({ task: updated, from: task.status, to }));
    } catch (error) {
      const problem = readProblem(error);
      if (isVersionConflict(problem) && problem.current) this.tasks = this.tasks.map((t) => (t.id === task.id ? (problem.current as Task) : t));
      this.message = this.msg('tasks.failed', { title: task.title, detail: problem.detail });
    } finally {
      this.busy = '';
    }
  }

  /** Re-schedule asks for the new due time first; other moves go at once. */
  private async choose(task: Task, to: string, workflow: Workflow): Promise<void> {
    if (to !== 'rescheduled') return this.move(task, to, workflow);
    const day = 86_400_000;
    const from = task.dueAt && Date.parse(task.dueAt) > Date.now() ? Date.parse(task.dueAt) + day : Math.ceil(Date.now() / 3_600_000) * 3_600_000 + day;
    this.rescheduling = { id: task.id, to, value: localInputValue(new Date(from), this.activeTimeZone), error: '' };
    this.message = '';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[part="reschedule"] crm-text-field')?.focus();
  }

  private async closeReschedule(task: Task): Promise<void> {
    this.rescheduling = undefined;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`[data-task="${task.id}"] [data-to="rescheduled"]`)?.focus();
  }

  private async reschedule(event: SubmitEvent, task: Task): Promise<void> {
    event.preventDefault();
    const form = this.rescheduling;
    if (!form || this.busy) return;
    const dueAt = form.value ? zonedToInstant(form.value, this.activeTimeZone) : undefined;
    const error = !form.value || !dueAt ? this.msg('tasks.reschedule.required') : dueAt.getTime() <= Date.now() ? this.msg('tasks.reschedule.past') : '';
    if (error || !dueAt) {
      this.rescheduling = { ...form, error };
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[part="reschedule"] crm-text-field')?.focus();
      return;
    }
    this.busy = `${task.id}:${form.to}`;
    try {
      const updated = await rescheduleTask(this.api, task, form.to, dueAt.toISOString());
      this.tasks = this.tasks.map((t) => (t.id === task.id ? updated : t));
      this.rescheduling = undefined;
      this.message = this.msg('tasks.rescheduled', { title: task.title, when: formatDateTime(updated.dueAt, this.activeLocale, this.activeTimeZone) });
      this.emit(new CrmTaskTransitionedEvent({ task: updated, from: task.status, to: form.to }));
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>(`[data-task="${task.id}"] [data-to]`)?.focus();
    } catch (error) {
      const problem = readProblem(error);
      if (isVersionConflict(problem) && problem.current) {
        this.tasks = this.tasks.map((t) => (t.id === task.id ? (problem.current as Task) : t));
        this.rescheduling = undefined;
      } else {
        const dueProblem = problem.fieldErrors.find((f) => f.field === 'dueAt');
        if (dueProblem) this.rescheduling = { ...form, error: dueProblem.message };
      }
      this.message = this.msg('tasks.failed', { title: task.title, detail: problem.detail });
    } finally {
      this.busy = '';
    }
  }

  /** A part of the new due time changed: the day (typed the reader's way) or the time. */
  private onRescheduleInput(event: CustomEvent<{ name: string; value: string }>): void {
    const form = this.rescheduling;
    if (!form) return;
    const [date = '', time = ''] = form.value.split('T');
    const next = event.detail.name === 'dueDate' ? `${event.detail.value}T${time}` : `${date}T${event.detail.value}`;
    this.rescheduling = { ...form, value: next === 'T' ? '' : next, error: '' };
  }

  private renderReschedule(task: Task): TemplateResult {
    const form = this.rescheduling!;
    const [date = '', time = ''] = form.value.split('T');
    // One message, beside the day: the first of the two fields, where focus goes.
    return html`<form part="reschedule" class="reschedule" novalidate aria-labelledby="reschedule-${task.id}"
      @submit=${(e: SubmitEvent) => this.reschedule(e, task)} @crm-field-input=${this.onRescheduleInput}
      @keydown=${(e: KeyboardEvent) => { if (e.key === 'Escape') { e.preventDefault(); void this.closeReschedule(task); } }}>
      <span id="reschedule-${task.id}" class="label">${this.msg('tasks.reschedule.heading', { title: task.title })}</span>
      <crm-text-field name="dueDate" type="date" label=${this.msg('tasks.reschedule.label')} .value=${date} error=${form.error}></crm-text-field>
      <crm-text-field name="dueTime" type="time" label=${this.msg('tasks.reschedule.time')} .value=${time}></crm-text-field>
      <div class="row">
        <button type="submit" class="primary" ?disabled=${Boolean(this.busy)} aria-busy=${this.busy ? 'true' : 'false'}>${this.msg('tasks.reschedule.save')}</button>
        <button type="button" @click=${() => this.closeReschedule(task)}>${this.msg('tasks.reschedule.cancel')}</button>
      </div>
    </form>`;
  }

  private renderTask(task: Task, workflow: Workflow): TemplateResult {
    // Calling tasks offer every move of their workflow; any other task can at least be marked done.
    const allowed = workflow.transitions.filter((t) => t.from === task.status).map((t) => t.to);
    const targets = task.kind === 'call' ? allowed : allowed.filter((to) => to === 'done');
    const open = openTaskStatuses.includes(task.status);
    return html`<li part="task" class="task" data-task=${task.id} aria-labelledby="task-${task.id}">
      <div class="what">
        <span class="kind">${this.msgOr(`tasks.kind.${task.kind}`, task.kind)}</span>
        <strong id="task-${task.id}">${task.title}</strong>
        ${task.dueAt ? html`<time datetime=${task.dueAt} class="muted">${formatDateTime(task.dueAt, this.activeLocale, this.activeTimeZone)}</time>` : nothing}
      </div>
      <span part="status" class="badge">${this.label(workflow, task.status)}</span>
      ${open && targets.length
        ? html`<div role="group" class="row" aria-label=${this.msg('tasks.actionsFor', { title: task.title })}>
            ${targets.map(
              (to) => html`<button part="transition-button" type="button" data-to=${to} ?disabled=${Boolean(this.busy)} aria-busy=${this.busy === `${task.id}:${to}` ? 'true' : 'false'}
                aria-expanded=${to === 'rescheduled' ? (this.rescheduling?.id === task.id ? 'true' : 'false') : nothing}
                @click=${() => this.choose(task, to, workflow)}>${this.msgOr(`tasks.to.${to}`, this.label(workflow, to))}</button>`,
            )}
          </div>`
        : nothing}
      ${this.rescheduling?.id === task.id ? this.renderReschedule(task) : nothing}
    </li>`;
  }

  private renderGroup(group: DueGroup, workflow: Workflow): TemplateResult {
    const id = `group-${group.key}`;
    return html`<section part="group" class="group" data-group=${group.key} aria-labelledby=${id}>
      <h3 part="group-heading" id=${id}>${this.msg(`tasks.group.${group.key}`)} <span class="muted">(${group.tasks.length})</span></h3>
      <ul>${group.tasks.map((task) => this.renderTask(task, workflow))}</ul>
    </section>`;
  }

  private renderScope(): TemplateResult | typeof nothing {
    if (this.noScope) return nothing;
    const option = (scope: CrmTaskScope) =>
      html`<button type="button" class=${this.scope === scope ? 'primary' : ''} aria-pressed=${this.scope === scope ? 'true' : 'false'}
        @click=${() => (this.scope = scope)}>${this.msg(`tasks.scope.${scope}`)}</button>`;
    return html`<div part="scope" role="group" aria-label=${this.msg('tasks.scope')} class="row">${option('mine')}${option('team')}</div>`;
  }

  override render() {
    const body = this.load.render({
      initial: () => html`<crm-state kind="loading"></crm-state>`,
      pending: () => html`<crm-state kind="loading"></crm-state>`,
      error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${this.reload}></crm-state>`,
      complete: (workflow) => {
        if (this.tasks.length === 0) return html`<crm-state kind="empty" message=${this.msg('tasks.empty')}></crm-state>`;
        const now = new Date();
        return groupByDue(this.tasks, now, this.activeTimeZone).map((group) => this.renderGroup(group, workflow));
      },
    });
    return html`<div class="toolbar">
        ${this.renderScope()}
        ${this.noCreate || this.taskForm.open
          ? nothing
          : html`<button part="new-task-button" type="button" class="primary" data-new-task @click=${() => this.taskForm.show()}>${this.msg('tasks.new')}</button>`}
      </div>
      ${this.noCreate ? nothing : this.taskForm.render()}
      <p part="message" class="banner" role="status">${this.message}</p>
      ${body}`;
  }
}
