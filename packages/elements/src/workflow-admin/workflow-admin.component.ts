import { Task as LitTask } from '@lit/task';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmPipelineSavedEvent, CrmWorkflowSavedEvent } from '../events/admin-events.js';
import type { CrmStringKey } from '../i18n/strings.en.js';
import { syncSelects, adminStyles, checkboxField, ConfirmController, focusFirstInvalid, inputField, problemOnFields, selectField, type FieldErrors } from '../shared/admin-form.js';
import { adminClient, allPages, stageKinds, type Pipeline, type SdkWorkflow } from '../shared/api/admin.js';
import { isVersionConflict, readProblem } from '../shared/api/errors.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { CrmState } from '../state/state.component.js';
import { workflowAdminStyles } from './workflow-admin.styles.js';
import {
  moved,
  newPipelineDraft,
  newUid,
  pipelineBody,
  pipelineDraft,
  pipelineProblems,
  workflowBody,
  workflowDraft,
  workflowProblems,
  type DraftProblem,
  type PipelineDraft,
  type StageDraft,
  type StateDraft,
  type WorkflowDraft,
} from './workflow-draft.js';

/** What the editor shows: a status workflow by key, or a pipeline's stages by id. */
type Target = { kind: 'workflow'; workflow: SdkWorkflow } | { kind: 'pipeline'; pipeline: Pipeline } | { kind: 'newPipeline' };

/**
 * A tenant's status workflows as data, for administrators: pick a record kind (contact, customer,
 * lead, calling task, campaign, ticket... as the API lists them, and each sales pipeline's
 * opportunity stages), then edit its states (key, label, final), the initial state and, per state,
 * the states it may move to. Pipelines are edited as ordered stages with a win probability and a
 * kind (open, won, lost); a new pipeline starts with one open stage, Won and Lost. Saves send the
 * version that was read (`If-Match`), so when another admin saved first nothing is overwritten:
 * their version can be loaded, or this one saved over it.
 * Problems show beside the control they are about, and the first gets focus. Keys of saved states
 * stay as they are, since records hold them; moves keep the roles the API had for them.
 *
 * @summary Status workflows and pipeline stages: states, transitions, final states; saved with a version check.
 *
 * @event crm-workflow-saved - A workflow was saved; `detail.workflow` is the stored one.
 * @event crm-pipeline-saved - A pipeline was created or its stages saved; `detail.pipeline` is the stored one.
 *
 * @csspart picker - The record kind / pipeline picker.
 * @csspart form - The editor.
 * @csspart state - One state (or stage) with its fields and moves.
 * @csspart moves - A state's "can move to" choices.
 * @csspart field-error - The message beside an invalid control.
 * @csspart message - A message about the last action.
 * @csspart confirm - The "discard changes?" dialog.
 *
 * @cssproperty --crm-workflow-admin-accent - Buttons and focus. Defaults to `--crm-sys-color-primary`.
 * @cssproperty --crm-workflow-admin-background - Background of a state card. Defaults to `--crm-sys-color-surface-container`.
 */
export class CrmWorkflowAdmin extends CrmDataElement {
  static override styles = [controlStyles, adminStyles, workflowAdminStyles];
  static override dependencies = { 'crm-state': CrmState };

  /** The workflow to edit by key (`contact`, `lead`, `callingTask`...); the first one when neither this nor `pipeline-id` is set. */
  @property({ attribute: 'workflow-key', reflect: true }) workflowKey = '';

  /** The pipeline whose opportunity stages to edit; wins over `workflow-key`. */
  @property({ attribute: 'pipeline-id', reflect: true }) pipelineId = '';

  @state() private workflows: SdkWorkflow[] = [];
  @state() private pipelines: Pipeline[] = [];
  @state() private wDraft: WorkflowDraft | undefined;
  @state() private pDraft: PipelineDraft | undefined;
  /** `w:<key>` or `p:<id>` of the record the draft was made from. */
  @state() private draftOf = '';
  @state() private dirty = false;
  @state() private errors: FieldErrors = {};
  @state() private busy = false;
  @state() private message = '';
  @state() private conflict: Exclude<Target, { kind: 'newPipeline' }> | undefined;
  /** True while a new pipeline is being written (picked as "New pipeline"). */
  @state() private creatingPipeline = false;

  private readonly confirm = new ConfirmController(this);

  private readonly load = new LitTask(this, {
    args: () => [this.client] as const,
    task: async (_, { signal }) => {
      const api = adminClient(this.client);
      const [workflows, pipelines] = await Promise.all([allPages(api.workflows.list({ signal })), allPages(api.pipelines.list(undefined, { signal }))]);
      this.workflows = workflows;
      this.pipelines = pipelines;
      this.draftOf = '';
      return workflows;
    },
  });

  /** Loads workflows and pipelines again (unsaved changes are dropped). */
  reload(): void {
    void this.load.run();
  }

  private get target(): Target | undefined {
    if (this.creatingPipeline) return { kind: 'newPipeline' };
    const pipeline = this.pipelineId ? this.pipelines.find((p) => p.id === this.pipelineId) : undefined;
    if (pipeline) return { kind: 'pipeline', pipeline };
    const workflow = this.workflows.find((w) => w.key === this.workflowKey) ?? (this.pipelineId ? undefined : this.workflows[0]);
    return workflow ? { kind: 'workflow', workflow } : undefined;
  }

  private static ref(target: Target): string {
    return target.kind === 'workflow' ? `w:${target.workflow.key}` : target.kind === 'pipeline' ? `p:${target.pipeline.id}` : 'p:new';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const target = this.target;
    if (target && CrmWorkflowAdmin.ref(target) !== this.draftOf) this.startDraft(target);
  }

  private startDraft(target: Target): void {
    this.draftOf = CrmWorkflowAdmin.ref(target);
    this.wDraft = target.kind === 'workflow' ? workflowDraft(target.workflow) : undefined;
    this.pDraft =
      target.kind === 'pipeline'
        ? pipelineDraft(target.pipeline)
        : target.kind === 'newPipeline'
          ? newPipelineDraft({ first: this.msg('workflowAdmin.firstStage'), won: this.msg('workflowAdmin.kind.won'), lost: this.msg('workflowAdmin.kind.lost') })
          : undefined;
    this.dirty = false;
    this.errors = {};
    this.conflict = undefined;
  }

  private async pick(value: string): Promise<void> {
    if (this.dirty) {
      const discard = await this.confirm.ask({
        heading: this.msg('workflowAdmin.discardHeading'),
        message: this.msg('workflowAdmin.discardExplained'),
        confirmLabel: this.msg('workflowAdmin.discard'),
        cancelLabel: this.msg('workflowAdmin.keepEditing'),
        danger: true,
      });
      if (!discard) {
        this.requestUpdate();
        return;
      }
    }
    this.message = '';
    this.creatingPipeline = value === 'p:new';
    if (this.creatingPipeline) return;
    if (value.startsWith('p:')) {
      this.pipelineId = value.slice(2);
    } else {
      this.pipelineId = '';
      this.workflowKey = value.slice(2);
    }
  }

  private changeWorkflow(change: (draft: WorkflowDraft) => WorkflowDraft, clear: string[] = []): void {
    this.wDraft = change(this.wDraft!);
    this.touched(clear);
  }

  private changePipeline(change: (draft: PipelineDraft) => PipelineDraft, clear: string[] = []): void {
    this.pDraft = change(this.pDraft!);
    this.touched(clear);
  }

  private touched(clear: string[]): void {
    this.dirty = true;
    const errors = { ...this.errors };
    for (const field of clear) delete errors[field];
    this.errors = errors;
  }

  private setState(index: number, patch: Partial<StateDraft>): void {
    this.changeWorkflow((d) => ({ ...d, states: d.states.map((s, i) => (i === index ? { ...s, ...patch } : s)) }), Object.keys(patch).map((k) => `states.${index}.${k}`));
  }

  private setStage(index: number, patch: Partial<StageDraft>): void {
    this.changePipeline((d) => ({ ...d, stages: d.stages.map((s, i) => (i === index ? { ...s, ...patch } : s)) }), Object.keys(patch).map((k) => `stages.${index}.${k}`));
  }

  private toggleMove(from: string, to: string, allowed: boolean): void {
    this.changeWorkflow((d) => {
      const moves = new Set(d.moves);
      if (allowed) moves.add(`${from}>${to}`);
      else moves.delete(`${from}>${to}`);
      return { ...d, moves };
    });
  }

  /** Moves a state or stage up or down, keeping focus on the button pressed (or its twin once at an end). */
  private async reorder(index: number, delta: number): Promise<void> {
    // Errors name positions; after a reorder they would point at the wrong rows.
    if (this.wDraft) this.changeWorkflow((d) => ({ ...d, states: moved(d.states, index, delta) }));
    else this.changePipeline((d) => ({ ...d, stages: moved(d.stages, index, delta) }));
    this.errors = {};
    await this.updateComplete;
    const cards = this.renderRoot.querySelectorAll<HTMLElement>('[part="state"]');
    const card = cards[index + delta];
    (card?.querySelector<HTMLButtonElement>(`[data-move="${delta}"]:not(:disabled)`) ?? card?.querySelector<HTMLButtonElement>('[data-move]:not(:disabled)'))?.focus();
  }

  private async addRow(): Promise<void> {
    if (this.wDraft) this.changeWorkflow((d) => ({ ...d, states: [...d.states, { uid: newUid(), key: '', label: '', final: false, saved: false }] }));
    else this.changePipeline((d) => ({ ...d, stages: [...d.stages, { uid: newUid(), key: '', name: '', probability: '50', kind: 'open', saved: false }] }));
    await this.updateComplete;
    const cards = this.renderRoot.querySelectorAll<HTMLElement>('[part="state"]');
    cards[cards.length - 1]?.querySelector<HTMLInputElement>('input')?.focus();
  }

  private async removeRow(index: number): Promise<void> {
    if (this.wDraft) {
      const uid = this.wDraft.states[index]!.uid;
      this.changeWorkflow((d) => ({
        ...d,
        states: d.states.filter((_, i) => i !== index),
        moves: new Set([...d.moves].filter((m) => !m.split('>').includes(uid))),
      }));
    } else {
      this.changePipeline((d) => ({ ...d, stages: d.stages.filter((_, i) => i !== index) }));
    }
    this.errors = {};
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('[data-add]')?.focus();
  }

  private words(field: string, problem: DraftProblem): string {
    const label = field === 'name' ? (this.pDraft ? 'workflowAdmin.pipelineName' : 'workflowAdmin.name') : field.endsWith('.key') ? 'workflowAdmin.key' : field.endsWith('.probability') ? 'workflowAdmin.probability' : field === 'initial' ? 'workflowAdmin.initial' : field.endsWith('.name') ? 'workflowAdmin.stageName' : 'workflowAdmin.label';
    if (problem.key === 'required') return this.msg('field.required', { label: this.msg(label as CrmStringKey) });
    return this.msg(`workflowAdmin.problem.${problem.key}` as CrmStringKey, problem.params);
  }

  private async save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.busy) return;
    const problems = this.wDraft ? workflowProblems(this.wDraft) : pipelineProblems(this.pDraft!);
    this.errors = Object.fromEntries(Object.entries(problems).map(([field, problem]) => [field, this.words(field, problem)]));
    this.message = this.errors.states ?? '';
    if (Object.keys(this.errors).length) {
      await this.updateComplete;
      if (!focusFirstInvalid(this.renderRoot, this.errors)) this.renderRoot.querySelector<HTMLElement>('[data-add]')?.focus();
      return;
    }
    const target = this.target!;
    this.busy = true;
    try {
      const api = adminClient(this.client);
      if (target.kind === 'workflow') {
        const version = this.conflict?.kind === 'workflow' ? this.conflict.workflow.version : target.workflow.version;
        const saved = await api.workflows.replace(target.workflow.key, workflowBody(this.wDraft!), { ifMatch: version });
        this.workflows = this.workflows.map((w) => (w.key === saved.key ? saved : w));
        this.startDraft({ kind: 'workflow', workflow: saved });
        this.message = this.msg('workflowAdmin.saved', { name: saved.name });
        this.emit(new CrmWorkflowSavedEvent({ workflow: saved }));
      } else if (target.kind === 'newPipeline') {
        const saved = await api.pipelines.create(pipelineBody(this.pDraft!));
        this.pipelines = [...this.pipelines, saved];
        this.creatingPipeline = false;
        this.pipelineId = saved.id;
        this.startDraft({ kind: 'pipeline', pipeline: saved });
        this.message = this.msg('workflowAdmin.saved', { name: saved.name });
        this.emit(new CrmPipelineSavedEvent({ pipeline: saved }));
      } else {
        const version = this.conflict?.kind === 'pipeline' ? this.conflict.pipeline.version : target.pipeline.version;
        const saved = await api.pipelines.update(target.pipeline.id, pipelineBody(this.pDraft!), { ifMatch: version });
        this.pipelines = this.pipelines.map((p) => (p.id === saved.id ? saved : p));
        this.startDraft({ kind: 'pipeline', pipeline: saved });
        this.message = this.msg('workflowAdmin.saved', { name: saved.name });
        this.emit(new CrmPipelineSavedEvent({ pipeline: saved }));
      }
    } catch (error) {
      const problem = readProblem(error);
      if (isVersionConflict(problem) && problem.current && target.kind !== 'newPipeline') {
        this.conflict = target.kind === 'workflow' ? { kind: 'workflow', workflow: problem.current as SdkWorkflow } : { kind: 'pipeline', pipeline: problem.current as Pipeline };
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

  /** Takes the version another admin saved (their changes win). */
  private takeTheirs(): void {
    const theirs = this.conflict!;
    if (theirs.kind === 'workflow') this.workflows = this.workflows.map((w) => (w.key === theirs.workflow.key ? theirs.workflow : w));
    else this.pipelines = this.pipelines.map((p) => (p.id === theirs.pipeline.id ? theirs.pipeline : p));
    this.startDraft(theirs);
    this.message = this.msg('admin.reloaded');
  }

  private renderRowActions(index: number, count: number, name: string): TemplateResult {
    return html`<div class="row">
      <button type="button" data-move="-1" ?disabled=${index === 0} aria-label=${this.msg('workflowAdmin.moveUp', { name })} @click=${() => this.reorder(index, -1)}>↑</button>
      <button type="button" data-move="1" ?disabled=${index === count - 1} aria-label=${this.msg('workflowAdmin.moveDown', { name })} @click=${() => this.reorder(index, 1)}>↓</button>
      <button type="button" data-remove aria-label=${this.msg('workflowAdmin.removeNamed', { name })} @click=${() => this.removeRow(index)}>${this.msg('workflowAdmin.remove')}</button>
    </div>`;
  }

  private renderKey(field: string, row: { key: string; saved: boolean }, onInput: (key: string) => void): TemplateResult {
    if (row.saved) {
      return html`<div class="field"><span class="label">${this.msg('workflowAdmin.key')}</span><code>${row.key}</code></div>`;
    }
    return inputField({ field, label: this.msg('workflowAdmin.key'), value: row.key, error: this.errors[field], required: true, maxlength: 40, hint: this.msg('workflowAdmin.keyHint'), onInput: (key) => onInput(key.trim()) });
  }

  private renderState(draft: WorkflowDraft, s: StateDraft, index: number): TemplateResult {
    const name = s.label || s.key || this.msg('workflowAdmin.newState');
    const e = this.errors;
    return html`<fieldset part="state" class="state" data-state=${s.key}>
      <legend>${name}${s.final ? html` <span class="badge">${this.msg('workflowAdmin.finalBadge')}</span>` : nothing}</legend>
      <div class="fields">
        ${this.renderKey(`states.${index}.key`, s, (key) => this.setState(index, { key }))}
        ${inputField({ field: `states.${index}.label`, label: this.msg('workflowAdmin.label'), value: s.label, error: e[`states.${index}.label`], required: true, maxlength: 60, onInput: (label) => this.setState(index, { label }) })}
        ${checkboxField({ field: `states.${index}.final`, label: this.msg('workflowAdmin.final'), checked: s.final, onChange: (final) => this.setState(index, { final }) })}
      </div>
      <fieldset part="moves" class="moves">
        <legend>${this.msg('workflowAdmin.canMoveTo', { name })}</legend>
        <div class="choices">
          ${draft.states.map((to, j) =>
            checkboxField({
              field: `moves.${index}.${j}`,
              label: to.uid === s.uid ? this.msg('workflowAdmin.again', { name: to.label || to.key || '…' }) : to.label || to.key || this.msg('workflowAdmin.newState'),
              checked: draft.moves.has(`${s.uid}>${to.uid}`),
              onChange: (allowed) => this.toggleMove(s.uid, to.uid, allowed),
            }),
          )}
        </div>
      </fieldset>
      ${e[`transitions.${index}`] ? html`<span class="field-error">${e[`transitions.${index}`]}</span>` : nothing}
      ${this.renderRowActions(index, draft.states.length, name)}
    </fieldset>`;
  }

  private renderWorkflow(draft: WorkflowDraft): TemplateResult {
    const e = this.errors;
    return html`${inputField({ field: 'name', label: this.msg('workflowAdmin.name'), value: draft.name, error: e.name, required: true, maxlength: 100, onInput: (name) => this.changeWorkflow((d) => ({ ...d, name }), ['name']) })}
      ${selectField({
        field: 'initial', label: this.msg('workflowAdmin.initial'), value: draft.initialUid, error: e.initial,
        hint: this.msg('workflowAdmin.initialHint'),
        options: draft.states.map((s) => ({ value: s.uid, label: s.label || s.key || this.msg('workflowAdmin.newState') })),
        onInput: (initialUid) => this.changeWorkflow((d) => ({ ...d, initialUid }), ['initial']),
      })}
      <h3>${this.plural('workflowAdmin.states', draft.states.length)}</h3>
      ${draft.states.map((s, i) => this.renderState(draft, s, i))}`;
  }

  private renderStage(draft: PipelineDraft, s: StageDraft, index: number): TemplateResult {
    const name = s.name || s.key || this.msg('workflowAdmin.newStage');
    const e = this.errors;
    return html`<fieldset part="state" class="state" data-state=${s.key}>
      <legend>${name} <span class="badge">${this.msg(`workflowAdmin.kind.${s.kind}` as CrmStringKey)}</span></legend>
      <div class="fields">
        ${this.renderKey(`stages.${index}.key`, s, (key) => this.setStage(index, { key }))}
        ${inputField({ field: `stages.${index}.name`, label: this.msg('workflowAdmin.stageName'), value: s.name, error: e[`stages.${index}.name`], required: true, maxlength: 60, onInput: (value) => this.setStage(index, { name: value }) })}
        ${inputField({ field: `stages.${index}.probability`, label: this.msg('workflowAdmin.probability'), type: 'number', min: '0', max: '100', value: s.probability, error: e[`stages.${index}.probability`], onInput: (probability) => this.setStage(index, { probability }) })}
        ${selectField({
          field: `stages.${index}.kind`, label: this.msg('workflowAdmin.kind'), value: s.kind, error: e[`stages.${index}.kind`],
          options: stageKinds.map((k) => ({ value: k, label: this.msg(`workflowAdmin.kind.${k}` as CrmStringKey) })),
          onInput: (kind) => this.setStage(index, { kind: kind as StageDraft['kind'] }),
        })}
      </div>
      ${this.renderRowActions(index, draft.stages.length, name)}
    </fieldset>`;
  }

  private renderPipeline(draft: PipelineDraft): TemplateResult {
    return html`${inputField({ field: 'name', label: this.msg('workflowAdmin.pipelineName'), value: draft.name, error: this.errors.name, required: true, maxlength: 100, onInput: (name) => this.changePipeline((d) => ({ ...d, name }), ['name']) })}
      <p class="muted">${this.msg('workflowAdmin.pipelineHint')}</p>
      <h3>${this.plural('workflowAdmin.stages', draft.stages.length)}</h3>
      ${draft.stages.map((s, i) => this.renderStage(draft, s, i))}`;
  }

  private renderEditor(target: Target): TemplateResult {
    const heading =
      target.kind === 'workflow'
        ? this.msg('workflowAdmin.editHeading', { name: target.workflow.name })
        : target.kind === 'pipeline'
          ? this.msg('workflowAdmin.pipelineHeading', { name: target.pipeline.name })
          : this.msg('workflowAdmin.newPipelineHeading');
    return html`<form part="form" class="editor" novalidate aria-labelledby="workflow-heading" @submit=${this.save}>
      <h2 id="workflow-heading">${heading}</h2>
      ${this.conflict
        ? html`<div class="banner error" role="alert">${this.msg('admin.conflict')}
            <button type="button" @click=${this.takeTheirs}>${this.msg('admin.loadTheirs')}</button></div>`
        : nothing}
      ${this.wDraft ? this.renderWorkflow(this.wDraft) : this.pDraft ? this.renderPipeline(this.pDraft) : nothing}
      <div class="row actions">
        <button type="button" data-add @click=${this.addRow}>${this.msg(this.wDraft ? 'workflowAdmin.addState' : 'workflowAdmin.addStage')}</button>
        <button type="submit" class="primary" ?disabled=${this.busy} aria-busy=${this.busy ? 'true' : 'false'}>${this.msg('admin.save')}</button>
      </div>
    </form>`;
  }

  private renderPicker(target: Target): TemplateResult {
    const options = [
      ...this.workflows.map((w) => ({ value: `w:${w.key}`, label: w.name })),
      ...this.pipelines.map((p) => ({ value: `p:${p.id}`, label: this.msg('workflowAdmin.pipelineOption', { name: p.name }) })),
      { value: 'p:new', label: this.msg('workflowAdmin.newPipeline') },
    ];
    return html`<div part="picker" class="toolbar">${selectField({ field: 'workflow', label: this.msg('workflowAdmin.pick'), value: CrmWorkflowAdmin.ref(target), options, onInput: (value) => this.pick(value) })}</div>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    syncSelects(this.renderRoot);
  }

  override render() {
    const body = this.load.render({
      initial: () => html`<crm-state kind="loading"></crm-state>`,
      pending: () => html`<crm-state kind="loading"></crm-state>`,
      error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${this.reload}></crm-state>`,
      complete: () => {
        const target = this.target;
        if (!target) return html`<crm-state kind="empty" message=${this.msg('workflowAdmin.empty')}></crm-state>`;
        return html`${this.renderPicker(target)}${this.renderEditor(target)}`;
      },
    });
    return html`<p part="message" class="banner" role="status">${this.message}</p>${body}${this.confirm.render()}`;
  }
}
