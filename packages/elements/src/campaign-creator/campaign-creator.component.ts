import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { CrmCampaignSavedEvent } from '../events/board-events.js';
import type { CrmFieldDetail } from '../events/field-events.js';
import { CrmSelectField } from '../select-field/select-field.component.js';
import {
  countSegment,
  firstSegmentMember,
  listSegments,
  listTemplates,
  loadRecipient,
  previewTemplate,
  saveCampaign,
  searchRecipients,
  type MessagePreview,
  type Recipient,
} from '../shared/api/campaign-creator.js';
import { isMissingRoute, readProblem } from '../shared/api/errors.js';
import type { CampaignDraft, Contact, Segment, Template } from '../shared/api/types.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import type { CrmFormField } from '../shared/form-field.js';
import { CrmState } from '../state/state.component.js';
import { CrmTextField } from '../text-field/text-field.component.js';
import { campaignCreatorStyles } from './campaign-creator.styles.js';
import { renderLocally, stepOfField } from './campaign-draft.js';

const steps = ['details', 'audience', 'message', 'schedule', 'review'] as const;
type Step = (typeof steps)[number];
const types = ['email', 'promotion', 'greetings', 'event', 'referral', 'ad'];
const visibilities = ['private', 'internal', 'public'];

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
    templateId: '',
    fromUser: false,
    sendAt: '',
  };
}

/**
 * A stepped editor for a campaign: details (title, code, description, type, visibility, period),
 * audience (a saved segment or hand-picked contacts and customers, with a live count), the message
 * (a template with a live preview for a real recipient, shown as escaped text), schedule (sent by email, the one channel the API sends on),
 * and a review that saves a draft or activates the campaign.
 *
 * @summary A step-by-step campaign editor with live audience count and message preview.
 *
 * @event crm-campaign-saved - The campaign was saved; `detail.activated` is true when it was also activated.
 *
 * @csspart steps - The list of steps.
 * @csspart step - One step in that list.
 * @csspart form - The current step's form.
 * @csspart audience-count - The live count of recipients.
 * @csspart preview - The rendered message preview.
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
  @state() private audienceCount: number | undefined;
  @state() private counting = false;
  @state() private picked: Recipient[] = [];
  @state() private found: Recipient[] = [];
  @state() private preview: MessagePreview | undefined;
  @state() private previewFor = '';
  @state() private previewProblem = '';
  @state() private problems: string[] = [];
  @state() private fieldErrors: Record<string, string> = {};
  @state() private saving = false;
  /** Segments and templates: loading, loaded, or failed (with the API's message). */
  @state() private choices: 'loading' | 'ready' | 'error' = 'loading';
  @state() private choicesProblem = '';

  private searchTimer = 0;

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
      this.choices = 'ready';
    } catch (error) {
      this.choicesProblem = readProblem(error).detail;
      this.choices = 'error';
    }
  }

  private set<K extends keyof CampaignDraft>(key: K, value: CampaignDraft[K]): void {
    this.draft = { ...this.draft, [key]: value };
    if (this.fieldErrors[key]) this.fieldErrors = { ...this.fieldErrors, [key]: '' };
  }

  private onInput(event: CustomEvent<CrmFieldDetail>): void {
    const { name, value } = event.detail;
    if (name === 'search') {
      clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(() => void this.search(value), 250);
    } else if (name === 'segmentId') {
      this.set('audience', { kind: 'segment', segmentId: value });
      void this.count(value);
    } else if (name === 'templateId') {
      this.set('templateId', value);
      void this.renderPreview();
    } else if (name in this.draft) {
      this.set(name as 'title', value);
    }
  }

  private async count(segmentId: string): Promise<void> {
    this.audienceCount = undefined;
    if (!segmentId) return;
    this.counting = true;
    try {
      const count = await countSegment(this.api, segmentId);
      if (this.draft.audience.kind === 'segment' && this.draft.audience.segmentId === segmentId) this.audienceCount = count;
    } catch (error) {
      this.problems = [readProblem(error).detail];
    } finally {
      this.counting = false;
    }
  }

  private async search(q: string): Promise<void> {
    this.found = q.trim() ? await searchRecipients(this.api, q.trim()).catch(() => []) : [];
  }

  private pick(recipient: Recipient, on: boolean): void {
    this.picked = on ? [...this.picked.filter((p) => p.id !== recipient.id), recipient] : this.picked.filter((p) => p.id !== recipient.id);
    this.set('audience', {
      kind: 'picked',
      contactIds: this.picked.filter((p) => p.type === 'contact').map((p) => p.id),
      customerIds: this.picked.filter((p) => p.type === 'customer').map((p) => p.id),
    });
    this.audienceCount = this.picked.length;
  }

  /** The first real recipient of the audience, to preview with: a contact, or a picked customer. */
  private async recipient(): Promise<{ type: 'contact' | 'customer'; id: string; name: string; contact?: Contact } | undefined> {
    const audience = this.draft.audience;
    const ofContact = (contact: Contact | undefined) =>
      contact && { type: 'contact' as const, id: contact.id, name: contact.fullName ?? `${contact.firstName} ${contact.lastName}`, contact };
    if (audience.kind === 'segment') return audience.segmentId ? ofContact(await firstSegmentMember(this.api, audience.segmentId)) : undefined;
    const first = audience.contactIds[0];
    if (first) return ofContact(await loadRecipient(this.api, first));
    const customer = this.picked.find((p) => p.type === 'customer');
    return customer && { type: 'customer', id: customer.id, name: customer.name };
  }

  private async renderPreview(): Promise<void> {
    this.preview = undefined;
    this.previewProblem = '';
    const template = this.templates.find((t) => t.id === this.draft.templateId);
    if (!template) return;
    try {
      const recipient = await this.recipient();
      if (!recipient) {
        this.previewProblem = this.msg('campaign.noRecipient');
        return;
      }
      this.previewFor = recipient.name;
      try {
        this.preview = await previewTemplate(this.api, template.id, recipient);
      } catch (error) {
        if (!isMissingRoute(readProblem(error)) || !recipient.contact) throw error;
        this.preview = renderLocally(template, recipient.contact);
      }
    } catch (error) {
      this.previewProblem = readProblem(error).detail;
    }
  }

  /** What keeps `step` from being complete, as messages; empty when it is. */
  private check(step: Step): string[] {
    const d = this.draft;
    const out: string[] = [];
    if (step === 'details') {
      const fields = [...this.renderRoot.querySelectorAll<CrmFormField>('crm-text-field, crm-select-field')];
      for (const field of fields) if (!field.reportValidity()) out.push(field.validationMessage);
      if (d.startDate && d.endDate && d.endDate < d.startDate) out.push(this.msg('campaign.periodOrder'));
    } else if (step === 'audience') {
      const empty = d.audience.kind === 'segment' ? !d.audience.segmentId : d.audience.contactIds.length + d.audience.customerIds.length === 0;
      if (empty) out.push(this.msg('campaign.needAudience'));
    } else if (step === 'message') {
      if (this.templates.length > 0 && !d.templateId) out.push(this.msg('campaign.needTemplate'));
    } else if (step === 'schedule') {
      if (d.sendAt && Number.isNaN(Date.parse(d.sendAt))) out.push(this.msg('campaign.badSendAt'));
    }
    return out;
  }

  private async go(step: Step): Promise<void> {
    this.problems = [];
    this.step = step;
    this.reached = Math.max(this.reached, steps.indexOf(step));
    if (step === 'message' && this.draft.templateId) void this.renderPreview();
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

  private async save(activate: boolean): Promise<void> {
    if (this.saving) return;
    this.saving = true;
    this.problems = [];
    try {
      const campaign = await saveCampaign(this.api, this.draft, activate);
      this.emit(new CrmCampaignSavedEvent({ campaign, activated: activate }));
      this.problems = [];
      this.draft = emptyDraft();
      this.picked = [];
      this.reached = 0;
      await this.go('details');
      this.announce(this.msg(activate ? 'campaign.activated' : 'campaign.savedDraft', { title: campaign.title }));
    } catch (error) {
      const problem = readProblem(error);
      const errors: Record<string, string> = {};
      for (const { field, message } of problem.fieldErrors) errors[field.split('.')[0]!] = message;
      this.fieldErrors = errors;
      const first = problem.fieldErrors[0];
      if (first) await this.go(stepOfField(first.field));
      this.problems = problem.fieldErrors.length ? problem.fieldErrors.map((e) => `${e.field}: ${e.message}`) : [problem.detail];
    } finally {
      this.saving = false;
    }
  }

  @state() private announcement = '';

  private announce(text: string): void {
    this.announcement = text;
  }

  private text(name: keyof CampaignDraft, label: string, required = false): TemplateResult {
    return html`<crm-text-field name=${name} label=${label} ?required=${required} .value=${String(this.draft[name])} error=${this.fieldErrors[name] ?? ''}></crm-text-field>`;
  }

  private date(name: 'startDate' | 'endDate' | 'sendAt', label: string, type = 'date'): TemplateResult {
    return html`<label class="stack"><span class="label">${label}</span>
      <input class="native" type=${type} name=${name} .value=${this.draft[name]} @input=${(e: Event) => this.set(name, (e.target as HTMLInputElement).value)} /></label>`;
  }

  private renderDetails(): TemplateResult {
    return html`<div class="grid">
      ${this.text('title', this.msg('campaign.title'), true)} ${this.text('code', this.msg('campaign.code'), true)}
      <crm-select-field name="type" label=${this.msg('campaign.type')} required .value=${this.draft.type}
        .options=${types.map((t) => ({ value: t, label: this.msgOr(`campaign.type.${t}`, t) }))}></crm-select-field>
      <crm-select-field name="visibility" label=${this.msg('campaign.visibility')} required .value=${this.draft.visibility}
        .options=${visibilities.map((v) => ({ value: v, label: this.msgOr(`campaign.visibility.${v}`, v) }))}></crm-select-field>
      ${this.date('startDate', this.msg('campaign.start'))} ${this.date('endDate', this.msg('campaign.end'))}
    </div>
    <label class="stack"><span class="label">${this.msg('campaign.description')}</span>
      <textarea rows="3" .value=${this.draft.description} @input=${(e: Event) => this.set('description', (e.target as HTMLTextAreaElement).value)}></textarea></label>`;
  }

  private renderAudience(): TemplateResult {
    const audience = this.draft.audience;
    const kind = (k: 'segment' | 'picked') =>
      html`<label class="inline"><input type="radio" name="audience-kind" .checked=${audience.kind === k} ?disabled=${k === 'segment' && this.segments.length === 0}
        @change=${() => (k === 'segment' ? this.set('audience', { kind: 'segment', segmentId: '' }) : this.pick({ type: 'contact', id: '', name: '' }, false))} />
        ${this.msg(`campaign.audience.${k}`)}</label>`;
    return html`<fieldset><legend>${this.msg('campaign.audienceKind')}</legend><div class="row">${kind('segment')} ${kind('picked')}</div></fieldset>
      ${audience.kind === 'segment'
        ? html`<crm-select-field name="segmentId" label=${this.msg('campaign.segment')} .value=${audience.segmentId}
            .options=${this.segments.map((s) => ({ value: s.id, label: s.name }))}></crm-select-field>`
        : html`<crm-text-field name="search" type="search" label=${this.msg('campaign.findRecipients')}></crm-text-field>
            <ul class="results" aria-label=${this.msg('campaign.results')}>
              ${this.found.map((r) => {
                const on = this.picked.some((p) => p.id === r.id);
                return html`<li><label class="inline"><input type="checkbox" .checked=${on} @change=${(e: Event) => this.pick(r, (e.target as HTMLInputElement).checked)} />
                  ${r.name} <span class="muted">${this.msg(`campaign.recipient.${r.type}`)}${r.detail ? ` · ${r.detail}` : ''}</span></label></li>`;
              })}
            </ul>
            ${this.picked.length
              ? html`<ul class="chips" aria-label=${this.msg('campaign.picked')}>${this.picked.map(
                  (r) => html`<li>${r.name} <button type="button" class="quiet" @click=${() => this.pick(r, false)}>${this.msg('campaign.removeRecipient', { name: r.name })}</button></li>`,
                )}</ul>`
              : nothing}`}
      <p part="audience-count" role="status">
        ${this.counting ? this.msg('campaign.counting') : this.audienceCount === undefined ? '' : this.msg('campaign.count', { count: this.audienceCount })}
      </p>`;
  }

  private renderMessage(): TemplateResult {
    return html`${this.templates.length
        ? html`<crm-select-field name="templateId" label=${this.msg('campaign.template')} .value=${this.draft.templateId}
            .options=${this.templates.map((t) => ({ value: t.id, label: t.name }))}></crm-select-field>`
        : html`<p class="muted">${this.msg('campaign.noTemplates')}</p>`}
      <section part="preview" class="preview" aria-labelledby="preview-heading" aria-live="polite">
        <h3 id="preview-heading">${this.previewFor ? this.msg('campaign.previewFor', { name: this.previewFor }) : this.msg('campaign.preview')}</h3>
        ${this.preview
          ? html`<p class="subject"><span class="label">${this.msg('campaign.subject')}:</span> ${this.preview.subject}</p><div class="body">${this.preview.body}</div>`
          : html`<p class="muted">${this.previewProblem || this.msg('campaign.choosePreview')}</p>`}
      </section>`;
  }

  private renderSchedule(): TemplateResult {
    // The API sends a campaign's message by email only (a campaign and its send have no channel to
    // choose), so the step says so instead of offering a choice the API would not keep.
    return html`<fieldset><legend>${this.msg('campaign.delivery')}</legend>
        <p class="muted">${this.msg('campaign.deliveryHint')}</p>
        <label class="inline"><input type="checkbox" .checked=${this.draft.fromUser}
          @change=${(e: Event) => this.set('fromUser', (e.target as HTMLInputElement).checked)} /> ${this.msg('campaign.fromUser')}</label>
      </fieldset>
      ${this.date('sendAt', this.msg('campaign.sendAt'), 'datetime-local')}
      <p class="muted">${this.msg('campaign.sendAtHint')}</p>`;
  }

  private renderReview(): TemplateResult {
    const d = this.draft;
    const audience = d.audience.kind === 'segment'
      ? `${this.segments.find((s) => s.id === (d.audience as { segmentId: string }).segmentId)?.name ?? ''}`
      : this.picked.map((p) => p.name).join(', ');
    const row = (label: string, value: string) => html`<dt>${label}</dt><dd>${value || '—'}</dd>`;
    return html`<dl part="summary">
      ${row(this.msg('campaign.title'), d.title)} ${row(this.msg('campaign.code'), d.code)}
      ${row(this.msg('campaign.type'), this.msgOr(`campaign.type.${d.type}`, d.type))}
      ${row(this.msg('campaign.visibility'), this.msgOr(`campaign.visibility.${d.visibility}`, d.visibility))}
      ${row(this.msg('campaign.period'), [d.startDate, d.endDate].filter(Boolean).join(' – '))}
      ${row(this.msg('campaign.audience'), `${audience}${this.audienceCount === undefined ? '' : ` (${this.msg('campaign.count', { count: this.audienceCount })})`}`)}
      ${row(this.msg('campaign.template'), this.templates.find((t) => t.id === d.templateId)?.name ?? '')}
      ${row(this.msg('campaign.delivery'), this.msg('campaign.deliveryEmail'))}
      ${row(this.msg('campaign.fromUser'), this.msg(d.fromUser ? 'campaign.yes' : 'campaign.no'))}
      ${row(this.msg('campaign.sendAt'), d.sendAt)}
    </dl>`;
  }

  override render() {
    if (this.choices === 'loading') return html`<crm-state kind="loading"></crm-state>`;
    if (this.choices === 'error') {
      return html`<crm-state kind="error" message=${this.choicesProblem} @crm-retry-requested=${() => this.loadChoices()}></crm-state>`;
    }
    const index = steps.indexOf(this.step);
    const body: Record<Step, () => TemplateResult> = {
      details: () => this.renderDetails(),
      audience: () => this.renderAudience(),
      message: () => this.renderMessage(),
      schedule: () => this.renderSchedule(),
      review: () => this.renderReview(),
    };
    return html`<nav aria-label=${this.msg('campaign.steps')}>
        <ol part="steps">
          ${steps.map((s, i) => html`<li part="step" aria-current=${s === this.step ? 'step' : nothing}>
            <button type="button" class="quiet" ?disabled=${i > this.reached} @click=${() => this.go(s)}>${i + 1}. ${this.msg(`campaign.step.${s}`)}</button>
          </li>`)}
        </ol>
      </nav>
      <form part="form" novalidate aria-labelledby="step-heading" @submit=${this.next} @crm-field-input=${this.onInput}>
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
