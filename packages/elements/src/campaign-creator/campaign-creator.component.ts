import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { CrmCampaignSavedEvent } from '../events/board-events.js';
import type { CrmFieldDetail } from '../events/field-events.js';
import { CrmSelectField } from '../select-field/select-field.component.js';
import { audienceBody, listSegments, listTemplates, messageBody, saveCampaign } from '../shared/api/campaign-creator.js';
import { readProblem, type CrmFieldProblem } from '../shared/api/errors.js';
import type { Campaign, CampaignDraft, Segment, Template } from '../shared/api/types.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import type { CrmFormField } from '../shared/form-field.js';
import { CrmState } from '../state/state.component.js';
import { CrmTextField } from '../text-field/text-field.component.js';
import { campaignCreatorStyles } from './campaign-creator.styles.js';
import { AudienceStepController } from './audience-step.js';
import { stepOfField } from './campaign-draft.js';
import { MessageStepController } from './message-controller.js';
import { renderMessageStep } from './message-step.js';
import { renderDetails, renderReview, renderSchedule, type DraftStepView } from './steps.js';

const steps = ['details', 'audience', 'message', 'schedule', 'review'] as const;
type Step = (typeof steps)[number];

function emptyDraft(): CampaignDraft {
  return {
    title: '',
    code: '',
    description: '',
    type: 'email',
    visibility: 'internal',
    startDate: '',
    endDate: '',
    audience: { kind: 'segment', segmentId: '' },
    messageKind: 'template',
    templateId: '',
    subject: '',
    body: '',
    fromUser: false,
    sendAt: '',
  };
}

/**
 * A stepped editor for a campaign: details (title, code, description, type, visibility, period),
 * audience (a saved segment or hand-picked contacts and customers, with a live count), the message
 * (a template, or a subject and body written here with merge fields from a picker, previewed by the
 * API for a real recipient of the audience and shown as escaped text, with a test sent to the
 * signed-in user), schedule (sent by email, the one channel the API sends on), and a review that
 * saves a draft or activates the campaign.
 *
 * The campaign is stored with its message and audience. A draft may lack either; activating one that
 * would send nothing is refused by the API, and each field it names in `errors[]` (`audience`,
 * `message`, `message.subject`...) is shown on its own step, which the step list flags. A test send
 * needs a stored campaign, so it saves the draft first; later saves update that same campaign.
 *
 * @summary A step-by-step campaign editor: audience with live count, a template or a written message with merge fields, the API's preview, a test to yourself.
 *
 * @event crm-campaign-saved - The campaign was saved; `detail.activated` is true when it was also activated.
 *
 * @csspart steps - The list of steps.
 * @csspart step - One step in that list (class `flagged` while the API's refusal names a field of it).
 * @csspart form - The current step's form.
 * @csspart audience-count - The live count of recipients.
 * @csspart body-input - The message text area of a written message.
 * @csspart merge-fields - The merge-field picker.
 * @csspart preview - The rendered message preview.
 * @csspart test-send - The "Send a test to me" button and its outcome.
 * @csspart summary - The review of everything entered.
 * @csspart actions - The Back / Next / Save buttons.
 * @csspart error - Errors that keep the step or the save from going ahead.
 *
 * @cssproperty --crm-campaign-creator-accent - Current step and main buttons. Defaults to `--crm-sys-color-primary`.
 * @cssproperty --crm-campaign-creator-preview-background - Background of the preview. Defaults to `--crm-sys-color-surface-container`.
 * @cssproperty --crm-campaign-creator-max-width - Widest the editor grows. Defaults to `48rem`.
 */
export class CrmCampaignCreator extends CrmDataElement {
  static override styles = [controlStyles, campaignCreatorStyles];
  static override dependencies = { 'crm-text-field': CrmTextField, 'crm-select-field': CrmSelectField, 'crm-state': CrmState };

  @state() private step: Step = 'details';
  @state() private reached = 0;
  @state() private draft: CampaignDraft = emptyDraft();
  @state() private segments: Segment[] = [];
  @state() private templates: Template[] = [];
  /** The campaign as stored so far (after a test send or a refused activation), so saving again updates it. */
  @state() private saved: Campaign | undefined;
  /** What keeps each step from going ahead: its own checks, or the API's `errors[]` for its fields. */
  @state() private stepProblems: Partial<Record<Step, string[]>> = {};
  @state() private fieldErrors: Record<string, string> = {};
  @state() private saving = false;
  /** Segments and templates: loading, loaded, or failed (with the API's message). */
  @state() private choices: 'loading' | 'ready' | 'error' = 'loading';
  @state() private choicesProblem = '';

  private readonly message: MessageStepController;
  private readonly audience: AudienceStepController;

  constructor() {
    super();
    // The controller reaches the element's private state through this adapter, so none of it becomes public API.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    this.message = new MessageStepController({
      get renderRoot() {
        return self.renderRoot;
      },
      get updateComplete() {
        return self.updateComplete;
      },
      get storedCampaign() {
        return self.saved;
      },
      set storedCampaign(campaign) {
        self.saved = campaign;
      },
      addController: (controller) => self.addController(controller),
      removeController: (controller) => self.removeController(controller),
      requestUpdate: () => self.requestUpdate(),
      messageDraft: () => self.draft,
      setMessage: (key, value) => self.set(key, value),
      messageApi: () => self.api,
      messageTemplates: () => self.templates,
      previewTarget: () => self.audience.firstRecipient(),
      showFieldErrors: (errors) => void self.showFieldErrors(errors, false),
      fieldLabel: (field) => self.fieldLabel(field),
      noRecipientText: () => self.msg('campaign.noRecipient'),
    });
    this.audience = new AudienceStepController({
      get updateComplete() {
        return self.updateComplete;
      },
      addController: (controller) => self.addController(controller),
      removeController: (controller) => self.removeController(controller),
      requestUpdate: () => self.requestUpdate(),
      audienceDraft: () => self.draft.audience,
      setAudience: (audience) => self.set('audience', audience),
      audienceApi: () => self.api,
      audienceProblem: (detail) => (self.problems = [detail]),
    });
  }

  private get problems(): string[] {
    return this.stepProblems[this.step] ?? [];
  }

  private set problems(problems: string[]) {
    this.stepProblems = { ...this.stepProblems, [this.step]: problems };
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    if (changed.has('client') && this.client) void this.loadChoices();
  }

  private async loadChoices(): Promise<void> {
    this.choices = 'loading';
    try {
      const [segments, templates] = await Promise.all([listSegments(this.api), listTemplates(this.api)]);
      this.segments = segments;
      this.templates = templates;
      if (segments.length === 0) this.draft = { ...this.draft, audience: { kind: 'picked', contactIds: [], customerIds: [] } };
      if (templates.length === 0) this.draft = { ...this.draft, messageKind: 'written' };
      this.choices = 'ready';
    } catch (error) {
      this.choicesProblem = readProblem(error).detail;
      this.choices = 'error';
    }
  }

  private set<K extends keyof CampaignDraft>(key: K, value: CampaignDraft[K]): void {
    this.draft = { ...this.draft, [key]: value };
    if (this.fieldErrors[key]) this.fieldErrors = { ...this.fieldErrors, [key]: '' };
    if (['messageKind', 'templateId', 'subject', 'body'].includes(key) && this.fieldErrors.message) this.fieldErrors = { ...this.fieldErrors, message: '' };
    if (key === 'audience' && this.fieldErrors.audience) this.fieldErrors = { ...this.fieldErrors, audience: '' };
  }

  private onInput(event: CustomEvent<CrmFieldDetail>): void {
    const { name, value } = event.detail;
    if (name === 'search') {
      this.audience.search(value);
    } else if (name === 'segmentId') {
      void this.audience.chooseSegment(value);
    } else if (name === 'templateId') {
      this.set('templateId', value);
      void this.message.refresh();
    } else if (name === 'subject') {
      this.set('subject', value);
      this.message.schedule();
    } else if (name in this.draft) {
      this.set(name as 'title', value);
    }
  }

  /** A field the API named, in the reader's words (`message.subject` → "Subject"). */
  private fieldLabel(field: string): string {
    const key = field.replace(/^message\./, '');
    const labels: Record<string, string> = {
      audience: this.msg('campaign.audience'),
      targets: this.msg('campaign.audience'),
      message: this.msg('campaign.step.message'),
      subject: this.msg('campaign.subject'),
      body: this.msg('campaign.body'),
      templateId: this.msg('campaign.template'),
      title: this.msg('campaign.title'),
      code: this.msg('campaign.code'),
    };
    return labels[key] ?? labels[field.split('.')[0]!] ?? field;
  }

  /**
   * Lays the API's `errors[]` on the steps that edit those fields and on the fields themselves, and
   * (when `go`) takes the person to the first such step.
   */
  private showFieldErrors(fieldErrors: CrmFieldProblem[], go: boolean): Promise<void> | undefined {
    const errors: Record<string, string> = {};
    const byStep: Partial<Record<Step, string[]>> = {};
    for (const { field, message } of fieldErrors) {
      const key = field.startsWith('message.') ? field.slice('message.'.length) : field.split('.')[0]!;
      errors[key] = message;
      const step = stepOfField(field);
      (byStep[step] ??= []).push(`${this.fieldLabel(field)}: ${message}`);
    }
    this.fieldErrors = errors;
    this.stepProblems = byStep;
    const first = fieldErrors[0];
    return go && first ? this.go(stepOfField(first.field), false) : undefined;
  }

  /** What keeps `step` from being complete, as messages; empty when it is. */
  private check(step: Step): string[] {
    const d = this.draft;
    const out: string[] = [];
    if (step === 'details') {
      const fields = [...this.renderRoot.querySelectorAll<CrmFormField>('crm-text-field, crm-select-field')];
      for (const field of fields) if (!field.reportValidity()) out.push(field.validationMessage);
      if (d.startDate && d.endDate && d.endDate < d.startDate) out.push(this.msg('campaign.periodOrder'));
    } else if (step === 'schedule') {
      if (d.sendAt && Number.isNaN(Date.parse(d.sendAt))) out.push(this.msg('campaign.badSendAt'));
    }
    return out;
  }

  /** Shows `step`; its own earlier problems are cleared unless `keepProblems` (the API's refusal stays on its step). */
  private async go(step: Step, clearProblems = true): Promise<void> {
    if (clearProblems) this.stepProblems = { ...this.stepProblems, [step]: [] };
    this.step = step;
    this.reached = Math.max(this.reached, steps.indexOf(step));
    if (step === 'message') void this.message.refresh();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#step-heading')?.focus();
  }

  private next(event: SubmitEvent): void {
    event.preventDefault();
    const problems = this.check(this.step);
    if (problems.length) {
      this.problems = problems;
      return;
    }
    const index = steps.indexOf(this.step);
    if (index < steps.length - 1) void this.go(steps[index + 1]!);
  }

  /**
   * Saves the draft, or saves and activates it. When the API refuses (a field it names in `errors[]`,
   * such as `audience` or `message` for a campaign that would send nothing), each message goes to the
   * step and field it belongs to and the person is taken to the first.
   */
  private async save(activate: boolean): Promise<void> {
    if (this.saving) return;
    this.saving = true;
    this.stepProblems = {};
    try {
      const campaign = await saveCampaign(this.api, this.draft, activate, this.saved, (stored) => (this.saved = stored));
      this.emit(new CrmCampaignSavedEvent({ campaign, activated: activate }));
      this.stepProblems = {};
      this.fieldErrors = {};
      this.draft = { ...emptyDraft(), messageKind: this.templates.length ? 'template' : 'written' };
      this.saved = undefined;
      this.audience.reset();
      this.message.reset();
      this.reached = 0;
      await this.go('details');
      this.announce(this.msg(activate ? 'campaign.activated' : 'campaign.savedDraft', { title: campaign.title }));
    } catch (error) {
      const problem = readProblem(error);
      if (problem.fieldErrors.length) {
        await this.showFieldErrors(problem.fieldErrors, true);
        if (this.problems.length === 0) this.problems = [problem.detail];
      } else {
        this.problems = [problem.detail];
      }
    } finally {
      this.saving = false;
    }
  }

  @state() private announcement = '';

  private announce(text: string): void {
    this.announcement = text;
  }

  /** What the details, schedule and review steps render from. */
  private get draftView(): DraftStepView {
    return {
      draft: this.draft,
      errors: this.fieldErrors,
      locale: this.activeLocale,
      templates: this.templates,
      audienceSummary: this.audience.summary(this.segments, (key, count) => this.plural(key, count)),
      msg: (key, params) => this.msgOr(key, key, params),
      set: (key, value) => this.set(key, value),
    };
  }

  private renderAudience(): TemplateResult {
    return this.audience.render({
      segments: this.segments,
      error: this.fieldErrors.audience ?? '',
      chosen: audienceBody(this.draft) !== null,
      msg: (key, params) => this.msgOr(key, key, params),
      plural: (key, count) => this.plural(key, count),
    });
  }

  private renderMessage(): TemplateResult {
    const message = this.message;
    return renderMessageStep({
      draft: this.draft,
      templates: this.templates,
      preview: message.preview,
      previewFor: message.previewFor,
      previewProblem: message.previewProblem,
      previewing: message.previewing,
      test: message.test,
      userEmail: this.user?.email ?? '',
      errors: this.fieldErrors,
      hasMessage: messageBody(this.draft) !== null,
      msg: (key, params) => this.msgOr(key, key, params),
      setKind: (kind) => message.setKind(kind),
      setBody: (value) => message.setBody(value),
      insert: (field) => void message.insert(field),
      sendTest: () => void message.sendTest(),
    });
  }

  override render() {
    if (this.choices === 'loading') return html`<crm-state kind="loading"></crm-state>`;
    if (this.choices === 'error') {
      return html`<crm-state kind="error" message=${this.choicesProblem} @crm-retry-requested=${() => this.loadChoices()}></crm-state>`;
    }
    const index = steps.indexOf(this.step);
    const body: Record<Step, () => TemplateResult> = {
      details: () => renderDetails(this.draftView),
      audience: () => this.renderAudience(),
      message: () => this.renderMessage(),
      schedule: () => renderSchedule(this.draftView),
      review: () => renderReview(this.draftView),
    };
    return html`<nav aria-label=${this.msg('campaign.steps')}>
        <ol part="steps">
          ${steps.map((s, i) => {
            const flagged = s !== this.step && (this.stepProblems[s]?.length ?? 0) > 0;
            return html`<li part="step" aria-current=${s === this.step ? 'step' : nothing} class=${flagged ? 'flagged' : ''}>
              <button type="button" class="quiet" ?disabled=${i > this.reached} @click=${() => this.go(s, false)}>${i + 1}. ${this.msg(`campaign.step.${s}`)}${flagged
                ? html` <span aria-hidden="true">⚠</span><span class="sr-only">(${this.msg('campaign.stepNeedsAttention')})</span>`
                : nothing}</button>
            </li>`;
          })}
        </ol>
      </nav>
      <form part="form" novalidate aria-labelledby="step-heading" @submit=${this.next} @crm-field-input=${this.onInput} @focusin=${this.message.onFocusIn}>
        <h2 id="step-heading" tabindex="-1">${this.msg(`campaign.step.${this.step}`)}</h2>
        ${body[this.step]()}
        ${this.problems.length ? html`<div part="error" class="banner error" role="alert"><ul>${this.problems.map((p) => html`<li>${p}</li>`)}</ul></div>` : nothing}
        <div part="actions" class="row">
          ${index > 0 ? html`<button type="button" @click=${() => this.go(steps[index - 1]!)}>${this.msg('campaign.back')}</button>` : nothing}
          ${this.step === 'review'
            ? html`<button type="button" ?disabled=${this.saving} @click=${() => this.save(false)}>${this.msg('campaign.saveDraft')}</button>
                <button type="button" class="primary" ?disabled=${this.saving} @click=${() => this.save(true)}>${this.msg('campaign.activate')}</button>`
            : html`<button type="submit" class="primary">${this.msg('campaign.next')}</button>`}
        </div>
      </form>
      <p class="sr-only" role="status">${this.announcement}</p>`;
  }
}
