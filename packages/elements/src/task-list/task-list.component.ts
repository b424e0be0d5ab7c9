import { Task as LitTask } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmTaskTransitionedEvent } from '../events/board-events.js';
import { isVersionConflict, readProblem } from '../shared/api/errors.js';
import { listTasks, loadCallingWorkflow, openTaskStatuses, transitionTask } from '../shared/api/task-list.js';
import type { Task, Workflow } from '../shared/api/types.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatDateTime } from '../shared/format.js';
import { CrmState } from '../state/state.component.js';
import { groupByDue, type DueGroup } from './due-groups.js';
import { taskListStyles } from './task-list.styles.js';

/** Whose tasks to show. */
export type CrmTaskScope = 'mine' | 'team';

/**
 * The signed-in person's open tasks, or their team's, grouped by due date (overdue, today, tomorrow,
 * this week, later, no date). Calling tasks offer the moves of the calling-task workflow (schedule,
 * re-schedule, done, abort) as buttons.
 *
 * @summary Open tasks grouped by due date, with calling-task transitions.
 *
 * @event crm-task-transitioned - A task moved to another status; `detail.task` is the updated record.
 *
 * @csspart scope - The "My tasks / My team's" switch.
 * @csspart group - One due-date group.
 * @csspart group-heading - A group's heading.
 * @csspart task - One task.
 * @csspart status - A task's status badge.
 * @csspart transition-button - One status action.
 * @csspart message - A message about the last action.
 *
 * @cssproperty --crm-task-list-background - Background of a task. Defaults to `--crm-sys-color-surface-container`.
 * @cssproperty --crm-task-list-overdue-color - Heading colour of the overdue group. Defaults to `--crm-sys-color-error`.
 * @cssproperty --crm-task-list-accent - Buttons and the chosen scope. Defaults to `--crm-sys-color-primary`.
 */
export class CrmTaskList extends CrmDataElement {
  static override styles = [controlStyles, taskListStyles];
  static override dependencies = { 'crm-state': CrmState };

  /** `mine` (assigned to the signed-in user) or `team` (every open task the user may see). */
  @property({ reflect: true }) scope: CrmTaskScope = 'mine';

  /** Hides the scope switch. */
  @property({ type: Boolean, reflect: true, attribute: 'no-scope' }) noScope = false;

  @state() private tasks: Task[] = [];
  @state() private busy = '';
  @state() private message = '';

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

  private renderTask(task: Task, workflow: Workflow): TemplateResult {
    const targets = task.kind === 'call' ? workflow.transitions.filter((t) => t.from === task.status).map((t) => t.to) : [];
    const open = openTaskStatuses.includes(task.status);
    return html`<li part="task" class="task" aria-labelledby="task-${task.id}">
      <div class="what">
        <span class="kind">${this.msgOr(`tasks.kind.${task.kind}`, task.kind)}</span>
        <strong id="task-${task.id}">${task.title}</strong>
        ${task.dueAt ? html`<time datetime=${task.dueAt} class="muted">${formatDateTime(task.dueAt, this.activeLocale, this.activeTimeZone)}</time>` : nothing}
      </div>
      <span part="status" class="badge">${this.label(workflow, task.status)}</span>
      ${open && targets.length
        ? html`<div role="group" class="row" aria-label=${this.msg('tasks.actionsFor', { title: task.title })}>
            ${targets.map(
              (to) => html`<button part="transition-button" type="button" ?disabled=${Boolean(this.busy)} aria-busy=${this.busy === `${task.id}:${to}` ? 'true' : 'false'}
                @click=${() => this.move(task, to, workflow)}>${this.msgOr(`tasks.to.${to}`, this.label(workflow, to))}</button>`,
            )}
          </div>`
        : nothing}
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
    return html`${this.renderScope()}
      <p part="message" class="banner" role="status">${this.message}</p>
      ${body}`;
  }
}
