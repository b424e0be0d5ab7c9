import { Task as LitTask } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { CrmAssignmentRulesSavedEvent } from '../events/ticket-events.js';
import { adminStyles, focusFirstInvalid, inputField, problemOnFields, selectField, syncSelects, type FieldErrors } from '../shared/admin-form.js';
import { adminClient, optionalPages, type OrgNode, type Product, type TicketAssignmentRules, type User } from '../shared/api/admin.js';
import { isVersionConflict, readProblem } from '../shared/api/errors.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { CrmState } from '../state/state.component.js';
import { ticketAssignmentAdminStyles } from './ticket-assignment-admin.styles.js';

/** One rule as typed in the form ('' for "any" / "in turn"). */
interface RuleDraft {
  category: string;
  productId: string;
  teamId: string;
  userId: string;
}

const draftsOf = (rules: TicketAssignmentRules['rules']): RuleDraft[] =>
  rules.map((r) => ({ category: r.category ?? '', productId: r.productId ?? '', teamId: r.teamId, userId: r.userId ?? '' }));

/**
 * The agency's ticket assignment rules for administrators (issue 18): tried in order, each sends a
 * ticket of a category and/or product to a support team, and to one agent or to the team's active
 * members in turn (round-robin). Rules can be added, reordered and removed; the list is saved whole
 * with the version it was read at, so two admins never overwrite each other.
 *
 * @summary Ticket assignment rules: category and product to a team and agent, or round-robin.
 *
 * @event crm-assignment-rules-saved - The rules were saved; `detail.rules` is what the API stored.
 *
 * @csspart list - The ordered list of rules.
 * @csspart rule - One rule.
 * @csspart form - The form around the rules.
 * @csspart field-error - The message beside an invalid field.
 * @csspart message - A message about the last action.
 *
 * @cssproperty --crm-ticket-assignment-admin-accent - Buttons. Defaults to `--crm-sys-color-primary`.
 * @cssproperty --crm-ticket-assignment-admin-background - Background of a rule. Defaults to `--crm-sys-color-surface-container`.
 */
export class CrmTicketAssignmentAdmin extends CrmDataElement {
  static override styles = [controlStyles, adminStyles, ticketAssignmentAdminStyles];
  static override dependencies = { 'crm-state': CrmState };

  @state() private rules: RuleDraft[] = [];
  @state() private version = 0;
  @state() private errors: FieldErrors = {};
  @state() private busy = false;
  @state() private message = '';
  @state() private conflict: TicketAssignmentRules | undefined;
  @state() private teams: OrgNode[] = [];
  @state() private products: Product[] = [];
  @state() private people: User[] = [];

  private readonly load = new LitTask(this, {
    args: () => [this.client] as const,
    task: async (_, { signal }) => {
      const api = adminClient(this.client);
      const [stored, teams, products, people] = await Promise.all([
        api.tickets.getAssignmentRules({ signal }),
        optionalPages(() => api.org.teams.list({ limit: 200 }, { signal })),
        optionalPages(() => api.products.list({ limit: 100 }, { signal })),
        optionalPages(() => api.users.list({ limit: 200 }, { signal })),
      ]);
      Object.assign(this, { teams, products, people });
      this.rules = draftsOf(stored.rules);
      this.version = stored.version;
      return stored;
    },
  });

  /** Loads the rules, teams, products and people again. */
  reload(): void {
    void this.load.run();
  }

  protected override updated(): void {
    syncSelects(this.renderRoot);
  }

  private set(index: number, patch: Partial<RuleDraft>): void {
    this.rules = this.rules.map((r, i) => (i === index ? { ...r, ...patch } : r));
    const cleared = { ...this.errors };
    for (const key of Object.keys(patch)) delete cleared[`rules.${index}.${key}`];
    this.errors = cleared;
  }

  private async add(): Promise<void> {
    this.rules = [...this.rules, { category: '', productId: '', teamId: '', userId: '' }];
    this.errors = {};
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>(`[data-field="rules.${this.rules.length - 1}.category"]`)?.focus();
  }

  private async move(index: number, by: -1 | 1): Promise<void> {
    const to = index + by;
    if (to < 0 || to >= this.rules.length) return;
    const next = [...this.rules];
    [next[index], next[to]] = [next[to]!, next[index]!];
    this.rules = next;
    this.errors = {};
    this.message = this.msg('assignmentAdmin.moved', { position: to + 1 });
    await this.updateComplete;
    // Keep the focus on the moved rule, so the keyboard can keep moving it (the other way at either end).
    const same = this.renderRoot.querySelector<HTMLButtonElement>(`[data-move="${by < 0 ? 'up' : 'down'}"][data-index="${to}"]`);
    const other = this.renderRoot.querySelector<HTMLButtonElement>(`[data-move="${by < 0 ? 'down' : 'up'}"][data-index="${to}"]`);
    (same && !same.disabled ? same : other)?.focus();
  }

  private removeRule(index: number): void {
    this.rules = this.rules.filter((_, i) => i !== index);
    this.errors = {};
    this.message = this.msg('assignmentAdmin.removed');
  }

  private validate(): FieldErrors {
    const errors: FieldErrors = {};
    this.rules.forEach((r, i) => {
      if (!r.teamId) errors[`rules.${i}.teamId`] = this.msg('field.required', { label: this.msg('assignmentAdmin.team') });
    });
    return errors;
  }

  private async save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.busy) return;
    this.errors = this.validate();
    this.message = '';
    if (Object.keys(this.errors).length) {
      await this.updateComplete;
      focusFirstInvalid(this.renderRoot, this.errors);
      return;
    }
    const rules = this.rules.map((r) => ({ category: r.category.trim() || null, productId: r.productId || null, teamId: r.teamId, userId: r.userId || null }));
    this.busy = true;
    try {
      const saved = await adminClient(this.client).tickets.updateAssignmentRules({ rules }, { ifMatch: this.conflict?.version ?? this.version });
      this.rules = draftsOf(saved.rules);
      this.version = saved.version;
      this.conflict = undefined;
      this.message = this.msg('assignmentAdmin.saved');
      this.emit(new CrmAssignmentRulesSavedEvent({ rules: saved }));
    } catch (error) {
      const problem = readProblem(error);
      if (isVersionConflict(problem) && problem.current) {
        this.conflict = problem.current as TicketAssignmentRules;
        this.message = this.msg('admin.conflict');
        return;
      }
      const { errors, other } = problemOnFields(problem, this.renderRoot);
      this.errors = errors;
      this.message = other.length ? other.join('; ') : Object.keys(errors).length ? this.msg('admin.fixFields') : problem.detail;
      await this.updateComplete;
      focusFirstInvalid(this.renderRoot, this.errors);
    } finally {
      this.busy = false;
    }
  }

  /** Takes the rules someone else saved into the form (their changes win). */
  private takeTheirs(): void {
    const theirs = this.conflict!;
    this.rules = draftsOf(theirs.rules);
    this.version = theirs.version;
    this.conflict = undefined;
    this.errors = {};
    this.message = this.msg('admin.reloaded');
  }

  private renderRule(rule: RuleDraft, i: number): TemplateResult {
    const e = this.errors;
    const f = (name: keyof RuleDraft) => `rules.${i}.${name}`;
    const teamMembers = this.teams.find((t) => t.id === rule.teamId)?.memberIds ?? [];
    const agents = rule.teamId && teamMembers.length ? this.people.filter((p) => teamMembers.includes(p.id)) : this.people;
    const last = this.rules.length - 1;
    return html`<li part="rule" data-rule=${i}>
      <fieldset class="rule">
        <legend>${this.msg('assignmentAdmin.ruleN', { n: i + 1 })}</legend>
        <div class="fields">
          ${inputField({ field: f('category'), label: this.msg('assignmentAdmin.category'), value: rule.category, error: e[f('category')], maxlength: 100, hint: this.msg('assignmentAdmin.anyHint'), onInput: (category) => this.set(i, { category }) })}
          ${selectField({
            field: f('productId'), label: this.msg('assignmentAdmin.product'), value: rule.productId, error: e[f('productId')],
            options: [{ value: '', label: this.msg('assignmentAdmin.anyProduct') }, ...this.products.map((p) => ({ value: p.id, label: p.name }))],
            onInput: (productId) => this.set(i, { productId }),
          })}
          ${selectField({
            field: f('teamId'), label: this.msg('assignmentAdmin.team'), value: rule.teamId, error: e[f('teamId')], required: true,
            options: [{ value: '', label: this.msg('assignmentAdmin.pickTeam') }, ...this.teams.map((t) => ({ value: t.id, label: t.name }))],
            onInput: (teamId) => this.set(i, { teamId }),
          })}
          ${selectField({
            field: f('userId'), label: this.msg('assignmentAdmin.agent'), value: rule.userId, error: e[f('userId')],
            options: [{ value: '', label: this.msg('assignmentAdmin.roundRobin') }, ...agents.map((p) => ({ value: p.id, label: p.name }))],
            onInput: (userId) => this.set(i, { userId }),
          })}
        </div>
        <div class="row">
          <button type="button" data-move="up" data-index=${i} ?disabled=${i === 0} aria-label=${this.msg('assignmentAdmin.moveUp', { n: i + 1 })} @click=${() => this.move(i, -1)}>↑</button>
          <button type="button" data-move="down" data-index=${i} ?disabled=${i === last} aria-label=${this.msg('assignmentAdmin.moveDown', { n: i + 1 })} @click=${() => this.move(i, 1)}>↓</button>
          <button type="button" data-remove=${i} @click=${() => this.removeRule(i)}>${this.msg('assignmentAdmin.remove')}</button>
        </div>
      </fieldset>
    </li>`;
  }

  override render() {
    const body = this.load.render({
      initial: () => html`<crm-state kind="loading"></crm-state>`,
      pending: () => html`<crm-state kind="loading"></crm-state>`,
      error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${this.reload}></crm-state>`,
      complete: () => html`<form part="form" class="editor" novalidate aria-labelledby="rules-heading" @submit=${this.save}>
        <div class="toolbar">
          <h2 id="rules-heading">${this.plural('assignmentAdmin.count', this.rules.length)}</h2>
          <button type="button" data-add @click=${this.add}>${this.msg('assignmentAdmin.add')}</button>
        </div>
        <p class="muted">${this.msg('assignmentAdmin.explained')}</p>
        ${this.conflict
          ? html`<div class="banner error" role="alert">${this.msg('admin.conflict')}
              <button type="button" @click=${this.takeTheirs}>${this.msg('admin.loadTheirs')}</button></div>`
          : nothing}
        ${this.rules.length
          ? html`<ol part="list" class="rules">${this.rules.map((r, i) => this.renderRule(r, i))}</ol>`
          : html`<crm-state kind="empty" message=${this.msg('assignmentAdmin.empty')}></crm-state>`}
        <div class="row">
          <button type="submit" class="primary" ?disabled=${this.busy} aria-busy=${this.busy ? 'true' : 'false'}>${this.msg('admin.save')}</button>
        </div>
      </form>`,
    });
    return html`<p part="message" class="banner" role="status">${this.message}</p>${body}`;
  }
}
