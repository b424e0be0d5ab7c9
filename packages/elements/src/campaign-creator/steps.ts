// The details, schedule and review steps of <crm-campaign-creator>: rendering only, from the draft.
// (The audience and message steps, which also talk to the API, have controllers of their own.)
import { html, type TemplateResult } from 'lit';
import type { CampaignDraft, Template } from '../shared/api/types.js';
import { formatDate, formatDateTime } from '../shared/format.js';

const types = ['email', 'promotion', 'greetings', 'event', 'referral', 'ad'];
const visibilities = ['private', 'internal', 'public'];

/** What these steps show and call back. */
export interface DraftStepView {
  draft: CampaignDraft;
  /** Field errors by field name, from the API's `errors[]`. */
  errors: Record<string, string>;
  locale: string;
  templates: Template[];
  /** The audience in words, with its count. */
  audienceSummary: string;
  msg: (key: string, params?: Record<string, string | number>) => string;
  set: <K extends keyof CampaignDraft>(key: K, value: CampaignDraft[K]) => void;
}

function text(view: DraftStepView, name: 'title' | 'code', label: string): TemplateResult {
  return html`<crm-text-field name=${name} label=${label} required .value=${view.draft[name]} error=${view.errors[name] ?? ''}></crm-text-field>`;
}

function date(view: DraftStepView, name: 'startDate' | 'endDate' | 'sendAt', label: string, type = 'date'): TemplateResult {
  return html`<label class="stack"><span class="label">${label}</span>
    <input class="native" type=${type} name=${name} .value=${view.draft[name]} @input=${(e: Event) => view.set(name, (e.target as HTMLInputElement).value)} /></label>`;
}

/** Title, code, type, visibility, period and description. */
export function renderDetails(view: DraftStepView): TemplateResult {
  const { draft, msg } = view;
  return html`<div class="grid">
      ${text(view, 'title', msg('campaign.title'))} ${text(view, 'code', msg('campaign.code'))}
      <crm-select-field name="type" label=${msg('campaign.type')} required .value=${draft.type}
        .options=${types.map((t) => ({ value: t, label: msg(`campaign.type.${t}`) }))}></crm-select-field>
      <crm-select-field name="visibility" label=${msg('campaign.visibility')} required .value=${draft.visibility}
        .options=${visibilities.map((v) => ({ value: v, label: msg(`campaign.visibility.${v}`) }))}></crm-select-field>
      ${date(view, 'startDate', msg('campaign.start'))} ${date(view, 'endDate', msg('campaign.end'))}
    </div>
    <label class="stack"><span class="label">${msg('campaign.description')}</span>
      <textarea rows="3" .value=${draft.description} @input=${(e: Event) => view.set('description', (e.target as HTMLTextAreaElement).value)}></textarea></label>`;
}

/** Delivery (email, the one channel the API sends on), own mailbox, and when it goes out. */
export function renderSchedule(view: DraftStepView): TemplateResult {
  const { draft, msg } = view;
  // The API sends a campaign's message by email only (a campaign and its send have no channel to
  // choose), so the step says so instead of offering a choice the API would not keep.
  return html`<fieldset><legend>${msg('campaign.delivery')}</legend>
      <p class="muted">${msg('campaign.deliveryHint')}</p>
      <label class="inline"><input type="checkbox" .checked=${draft.fromUser}
        @change=${(e: Event) => view.set('fromUser', (e.target as HTMLInputElement).checked)} /> ${msg('campaign.fromUser')}</label>
    </fieldset>
    ${date(view, 'sendAt', msg('campaign.sendAt'), 'datetime-local')}
    <p class="muted">${msg('campaign.sendAtHint')}</p>`;
}

/** Everything entered, dates in the reader's format. */
export function renderReview(view: DraftStepView): TemplateResult {
  const { draft: d, msg, locale } = view;
  const row = (label: string, value: string) => html`<dt>${label}</dt><dd>${value || '—'}</dd>`;
  return html`<dl part="summary">
    ${row(msg('campaign.title'), d.title)} ${row(msg('campaign.code'), d.code)}
    ${row(msg('campaign.type'), msg(`campaign.type.${d.type}`))}
    ${row(msg('campaign.visibility'), msg(`campaign.visibility.${d.visibility}`))}
    ${row(msg('campaign.period'), [d.startDate, d.endDate].filter(Boolean).map((day) => formatDate(day, locale)).join(' – '))}
    ${row(msg('campaign.audience'), view.audienceSummary)}
    ${d.messageKind === 'template'
      ? row(msg('campaign.template'), view.templates.find((t) => t.id === d.templateId)?.name ?? '')
      : row(msg('campaign.subject'), d.subject)}
    ${row(msg('campaign.delivery'), msg('campaign.deliveryEmail'))}
    ${row(msg('campaign.fromUser'), msg(d.fromUser ? 'campaign.yes' : 'campaign.no'))}
    ${row(msg('campaign.sendAt'), d.sendAt ? formatDateTime(d.sendAt, locale) : msg('campaign.sendOnActivation'))}
  </dl>`;
}
