import { Task } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmOpportunityCancelEvent, CrmOpportunitySavedEvent } from '../events/opportunity-events.js';
import type { CrmFieldDetail } from '../events/field-events.js';
import { CrmSelectField } from '../select-field/select-field.component.js';
import { isVersionConflict, readProblem } from '../shared/api/errors.js';
import {
  loadAssignees,
  opportunityClient,
  saveOpportunity,
  type Opportunity,
  type OpportunityUpdateParams,
  type Pipeline,
  type User,
} from '../shared/api/opportunity-editor.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { focusFirstError, focusWithoutJump, mapFieldErrors, validateFields, type CrmFormField } from '../shared/form-field.js';
import { currencyName } from '../shared/format.js';
import { CrmState } from '../state/state.component.js';
import { CrmTextField } from '../text-field/text-field.component.js';
import { opportunityEditorStyles } from './opportunity-editor.styles.js';

interface EditorData {
  opportunity: Opportunity;
  pipeline: Pipeline;
  owners: User[];
}

/** The fields the editor binds, as strings while the person types. */
interface OpportunityDraft {
  name: string;
  amount: string;
  currency: string;
  expectedCloseDate: string;
  probability: string;
  nextStep: string;
  ownerId: string;
  stage: string;
  lostReason: string;
}

/** Currencies offered besides the deal's own. */
const commonCurrencies = ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'JPY', 'CAD', 'AUD'];

function toDraft(o: Opportunity): OpportunityDraft {
  return {
    name: o.name,
    amount: String(o.amount ?? 0),
    currency: o.currency,
    expectedCloseDate: o.expectedCloseDate ? o.expectedCloseDate.slice(0, 10) : '',
    probability: String(o.probability ?? 0),
    nextStep: o.nextStep ?? '',
    ownerId: o.ownerId ?? '',
    stage: o.stage,
    lostReason: o.lostReason ?? '',
  };
}

/**
 * Edits an opportunity in place: name, amount and currency, expected close date, probability, next
 * step, owner and stage (by name, from its pipeline; a lost stage asks for the reason). Saves the
 * changed fields through `crm.opportunities.update` with the version it loaded (`If-Match`) and a
 * stage change through `crm.opportunities.move`; a change someone else saved meanwhile is explained,
 * never overwritten. Each invalid field shows one message beside it and the first takes focus. Usable
 * by keyboard alone (Escape cancels) and at 390 px.
 *
 * @summary An opportunity (deal) form with stage moves, lost reasons and a version check.
 *
 * @event crm-opportunity-saved - The deal was saved; `detail.opportunity` is the API's record.
 * @event crm-opportunity-cancel - The person left without saving (Cancel or Escape); `detail.dirty` tells unsaved changes.
 *
 * @csspart form - The form.
 * @csspart conflict - The message shown when someone else changed the deal meanwhile.
 * @csspart error-summary - Errors the API reported for no particular field.
 * @csspart actions - The row of Save and Cancel.
 * @csspart save-button - The Save button.
 * @csspart cancel-button - The Cancel button.
 *
 * @cssproperty --crm-opportunity-editor-background - Background. Defaults to `--crm-sys-color-surface`.
 * @cssproperty --crm-opportunity-editor-accent - Save button and focus. Defaults to `--crm-sys-color-primary`.
 * @cssproperty --crm-opportunity-editor-columns - Minimum column width of the field grid. Defaults to `12rem`.
 */
export class CrmOpportunityEditor extends CrmDataElement {
  static override styles = [controlStyles, opportunityEditorStyles];
  static override dependencies = { 'crm-text-field': CrmTextField, 'crm-select-field': CrmSelectField, 'crm-state': CrmState };

  /** Id of the opportunity to edit. */
  @property({ attribute: 'opportunity-id', reflect: true }) opportunityId = '';

  /** An opportunity the host already loaded (a board card), edited without fetching it again. */
  @property({ attribute: false }) opportunity: Opportunity | undefined;

  /** Hides the heading (when a dialog around the editor has its own). */
  @property({ type: Boolean, reflect: true, attribute: 'no-heading' }) noHeading = false;

  @state() private draft: OpportunityDraft | undefined;
  @state() private original: OpportunityDraft | undefined;
  @state() private record: Opportunity | undefined;
  @state() private fieldErrors: Record<string, string> = {};
  @state() private otherErrors: string[] = [];
  @state() private conflict: Opportunity | undefined;
  @state() private saving = false;
  @state() private statusMessage = '';

  private readonly load = new Task(this, {
    args: () => [this.client, this.opportunityId, this.opportunity] as const,
    task: async ([client, id, given], { signal }): Promise<EditorData | undefined> => {
      if (!client || (!given && !id)) return undefined;
      const api = opportunityClient(client);
      const opportunity = given ?? (await api.opportunities.get(id, { signal }));
      const [pipeline, owners] = await Promise.all([api.pipelines.get(opportunity.pipelineId, { signal }), loadAssignees(api, signal)]);
      this.adopt(opportunity);
      return { opportunity, pipeline, owners };
    },
  });

  /** True while the form holds changes that are not saved. */
  get dirty(): boolean {
    return JSON.stringify(this.draft) !== JSON.stringify(this.original);
  }

  private adopt(opportunity: Opportunity): void {
    this.record = opportunity;
    this.draft = toDraft(opportunity);
    this.original = toDraft(opportunity);
    this.fieldErrors = {};
    this.otherErrors = [];
    this.conflict = undefined;
  }

  private set(name: string, value: string): void {
    if (!this.draft || !(name in this.draft)) return;
    this.draft = { ...this.draft, [name]: value };
    if (this.fieldErrors[name]) {
      const { [name]: _fixed, ...rest } = this.fieldErrors;
      this.fieldErrors = rest;
    }
    this.statusMessage = '';
  }

  private onFieldInput(event: CustomEvent<CrmFieldDetail>): void {
    this.set(event.detail.name, event.detail.value);
  }

  private stageKind(pipeline: Pipeline, key: string): string {
    return pipeline.stages.find((s) => s.key === key)?.kind ?? 'open';
  }

  /** The changed fields, typed as the API's update body. */
  private changes(draft: OpportunityDraft, original: OpportunityDraft): OpportunityUpdateParams {
    const body: OpportunityUpdateParams = {};
    if (draft.name !== original.name) body.name = draft.name.trim();
    if (draft.amount !== original.amount) body.amount = Number(draft.amount || 0);
    if (draft.currency !== original.currency) body.currency = draft.currency;
    if (draft.expectedCloseDate !== original.expectedCloseDate) body.expectedCloseDate = draft.expectedCloseDate || null;
    if (draft.probability !== original.probability) body.probability = Number(draft.probability || 0);
    if (draft.nextStep !== original.nextStep) body.nextStep = draft.nextStep.trim() || null;
    if (draft.ownerId !== original.ownerId && draft.ownerId) body.ownerId = draft.ownerId;
    return body;
  }

  private async save(event?: Event): Promise<void> {
    event?.preventDefault();
    const data = this.load.value;
    if (this.saving || !this.draft || !this.original || !this.record || !data) return;
    const invalid = validateFields(this.renderRoot.querySelectorAll<CrmFormField>('crm-text-field, crm-select-field'));
    if (invalid.length > 0) {
      this.statusMessage = this.plural('opportunityEditor.fixErrors', invalid.length);
      return;
    }
    const draft = this.draft;
    const stageChanged = draft.stage !== this.original.stage;
    const lost = this.stageKind(data.pipeline, draft.stage) === 'lost';
    const move = stageChanged ? { stage: draft.stage, ...(lost ? { lostReason: draft.lostReason.trim() } : {}) } : undefined;
    this.saving = true;
    this.fieldErrors = {};
    this.otherErrors = [];
    this.statusMessage = this.msg('opportunityEditor.saving');
    try {
      const saved = await saveOpportunity(opportunityClient(this.client), this.record, this.changes(draft, this.original), move);
      this.adopt(saved);
      this.statusMessage = this.msg('opportunityEditor.saved');
      this.emit(new CrmOpportunitySavedEvent({ opportunity: saved }));
    } catch (error) {
      await this.showProblem(error);
    } finally {
      this.saving = false;
    }
  }

  private async showProblem(error: unknown): Promise<void> {
    const problem = readProblem(error);
    this.statusMessage = '';
    if (isVersionConflict(problem)) {
      this.conflict = (problem.current as Opportunity | undefined) ?? (this.record ? await opportunityClient(this.client).opportunities.get(this.record.id) : undefined);
      await this.updateComplete;
      const button = this.renderRoot.querySelector<HTMLElement>('[part="conflict"] button');
      if (button) focusWithoutJump(button);
      return;
    }
    const known = new Set([...this.renderRoot.querySelectorAll<HTMLElement>('[name]')].map((el) => el.getAttribute('name')));
    const { byField, other } = mapFieldErrors(problem.fieldErrors, (name) => known.has(name));
    if (problem.fieldErrors.length === 0) other.push(problem.detail || this.msg('state.error'));
    this.fieldErrors = byField;
    this.otherErrors = other;
    await this.updateComplete;
    if (!focusFirstError(this.renderRoot)) {
      const summary = this.renderRoot.querySelector<HTMLElement>('[part="error-summary"]');
      if (summary) focusWithoutJump(summary);
    }
  }

  private takeTheirs(): void {
    if (this.conflict) this.adopt(this.conflict);
    this.statusMessage = this.msg('opportunityEditor.reloaded');
  }

  private cancel(): void {
    this.emit(new CrmOpportunityCancelEvent({ dirty: this.dirty }));
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    event.preventDefault();
    this.cancel();
  }

  private error(name: string): string {
    return this.fieldErrors[name] ?? '';
  }

  private renderForm(data: EditorData): TemplateResult {
    const d = this.draft!;
    const lost = this.stageKind(data.pipeline, d.stage) === 'lost';
    const currencies = [...new Set([d.currency, ...commonCurrencies])].map((code) => ({ value: code, label: `${code} · ${currencyName(code, this.activeLocale)}` }));
    const owners = data.owners.map((o) => ({ value: o.id, label: o.name }));
    if (d.ownerId && !owners.some((o) => o.value === d.ownerId)) owners.unshift({ value: d.ownerId, label: d.ownerId === this.user?.id ? this.user.name : '—' });
    return html`<form part="form" novalidate aria-labelledby=${this.noHeading ? nothing : 'heading'} aria-label=${this.noHeading ? this.msg('opportunityEditor.heading') : nothing}
      @submit=${this.save} @crm-field-input=${this.onFieldInput} @crm-field-change=${this.onFieldInput} @keydown=${this.onKeydown}>
      ${this.noHeading ? nothing : html`<h2 id="heading">${this.msg('opportunityEditor.heading')}</h2>`}
      ${this.conflict
        ? html`<div part="conflict" class="banner error" role="alert">
            <p>${this.msg('opportunityEditor.conflict', { version: this.conflict.version })}</p>
            <button type="button" @click=${this.takeTheirs}>${this.msg('opportunityEditor.takeTheirs')}</button>
          </div>`
        : nothing}
      <div class="grid">
        <crm-text-field class="wide" name="name" label=${this.msg('opportunityEditor.name')} required maxlength="200" .value=${d.name} error=${this.error('name')}></crm-text-field>
        <crm-text-field name="amount" type="number" min="0" step="any" label=${this.msg('opportunityEditor.amount')} .value=${d.amount} error=${this.error('amount')}></crm-text-field>
        <crm-select-field name="currency" required label=${this.msg('opportunityEditor.currency')} .value=${d.currency} .options=${currencies} error=${this.error('currency')}></crm-select-field>
        <crm-text-field name="expectedCloseDate" type="date" label=${this.msg('opportunityEditor.closeDate')} .value=${d.expectedCloseDate} error=${this.error('expectedCloseDate')}></crm-text-field>
        <crm-text-field name="probability" type="number" min="0" max="100" step="1" label=${this.msg('opportunityEditor.probability')} .value=${d.probability} error=${this.error('probability')}></crm-text-field>
        <crm-select-field name="stage" required label=${this.msg('opportunityEditor.stage')} .value=${d.stage} error=${this.error('stage')}
          .options=${data.pipeline.stages.map((s) => ({ value: s.key, label: s.name }))}></crm-select-field>
        ${owners.length
          ? html`<crm-select-field name="ownerId" label=${this.msg('opportunityEditor.owner')} .value=${d.ownerId} .options=${owners} error=${this.error('ownerId')}></crm-select-field>`
          : nothing}
        <crm-text-field class="wide" name="nextStep" maxlength="500" label=${this.msg('opportunityEditor.nextStep')} .value=${d.nextStep} error=${this.error('nextStep')}></crm-text-field>
        ${lost
          ? html`<crm-text-field class="wide" name="lostReason" required maxlength="200" label=${this.msg('opportunityEditor.lostReason')}
              hint=${this.msg('opportunityEditor.lostReasonHint')} .value=${d.lostReason} error=${this.error('lostReason')}></crm-text-field>`
          : nothing}
      </div>
      ${this.otherErrors.length
        ? html`<div part="error-summary" class="banner error" role="alert" tabindex="-1">
            <p>${this.msg('opportunityEditor.notSaved')}</p>
            <ul>${this.otherErrors.map((message) => html`<li>${message}</li>`)}</ul>
          </div>`
        : nothing}
      <div part="actions" class="row">
        <button part="save-button" class="primary" type="submit" ?disabled=${this.saving} aria-busy=${this.saving ? 'true' : 'false'}>
          ${this.msg(this.saving ? 'opportunityEditor.saving' : 'opportunityEditor.save')}
        </button>
        <button part="cancel-button" type="button" @click=${this.cancel}>${this.msg('opportunityEditor.cancel')}</button>
        <span role="status" class="muted">${this.statusMessage}</span>
      </div>
    </form>`;
  }

  override render() {
    if (!this.opportunityId && !this.opportunity) return html`<crm-state kind="empty" message=${this.msg('opportunityEditor.noId')}></crm-state>`;
    return this.load.render({
      initial: () => html`<crm-state kind="loading"></crm-state>`,
      pending: () => html`<crm-state kind="loading"></crm-state>`,
      error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${() => this.load.run()}></crm-state>`,
      complete: (data) => (data && this.draft ? this.renderForm(data) : html`<crm-state kind="loading"></crm-state>`),
    });
  }
}
