// The message step of <crm-campaign-creator>: a template or a written subject and body with merge
// fields, the API's preview for a real recipient, and a test sent to the signed-in user. Rendering
// only; the element keeps the state and makes the calls.
import { html, nothing, type TemplateResult } from 'lit';
import type { MessagePreview } from '../shared/api/campaign-creator.js';
import type { CampaignDraft, Template } from '../shared/api/types.js';

/**
 * The merge fields the API fills in a campaign message (its preview route documents them): the
 * recipient's names, email and company, the agency's name and the sender's name.
 */
export const mergeFields = [
  'recipient.firstName',
  'recipient.lastName',
  'recipient.fullName',
  'recipient.email',
  'recipient.companyName',
  'agency.name',
  'sender.name',
] as const;

/** A merge field as it is written into a subject or body. */
export const mergeToken = (field: string) => `{{${field}}}`;

/** `value` with `token` put in place of the selection `start`–`end`, and where the caret goes after it. */
export function insertAt(value: string, token: string, start: number, end: number): { value: string; caret: number } {
  const from = Math.max(0, Math.min(start, value.length));
  const to = Math.max(from, Math.min(end, value.length));
  return { value: value.slice(0, from) + token + value.slice(to), caret: from + token.length };
}

/** Where a test send stands. */
export type TestSendState = { state: 'idle' } | { state: 'sending' } | { state: 'sent'; to: string } | { state: 'failed'; message: string };

/** What the step shows and what it calls back. */
export interface MessageStepView {
  draft: CampaignDraft;
  templates: Template[];
  preview: MessagePreview | undefined;
  previewFor: string;
  previewProblem: string;
  previewing: boolean;
  test: TestSendState;
  /** The signed-in user's address, where a test goes. */
  userEmail: string;
  /** Field errors of this step by field (`templateId`, `subject`, `body`, `message`). */
  errors: Record<string, string>;
  /** Whether there is a message to send yet (a template chosen, or something written). */
  hasMessage: boolean;
  msg: (key: string, params?: Record<string, string | number>) => string;
  setKind: (kind: CampaignDraft['messageKind']) => void;
  setBody: (value: string) => void;
  insert: (field: string) => void;
  sendTest: () => void;
}

function renderWriting(view: MessageStepView): TemplateResult {
  const { draft, errors, msg } = view;
  return html`<crm-text-field name="subject" label=${msg('campaign.subject')} .value=${draft.subject} error=${errors.subject ?? ''}></crm-text-field>
    <div class="stack">
      <label class="label" for="message-body">${msg('campaign.body')}</label>
      <textarea id="message-body" name="body" rows="8" part="body-input" .value=${draft.body}
        aria-describedby=${errors.body ? 'message-body-hint message-body-error' : 'message-body-hint'} aria-invalid=${errors.body ? 'true' : 'false'}
        @input=${(e: Event) => view.setBody((e.target as HTMLTextAreaElement).value)}></textarea>
      <span id="message-body-hint" class="muted">${msg('campaign.bodyHint')}</span>
      ${errors.body ? html`<span id="message-body-error" class="field-error">${errors.body}</span>` : nothing}
    </div>
    <div part="merge-fields" class="merge-fields" role="group" aria-labelledby="merge-fields-label">
      <span id="merge-fields-label" class="label">${msg('campaign.mergeFields')}</span>
      <span class="muted">${msg('campaign.mergeFieldsHint')}</span>
      <ul>
        ${mergeFields.map(
          (field) => html`<li><button type="button" class="merge-field" data-field=${field} @click=${() => view.insert(field)}
            >${msg(`campaign.field.${field}`)} <code>${mergeToken(field)}</code></button></li>`,
        )}
      </ul>
    </div>`;
}

function renderTest(view: MessageStepView): TemplateResult {
  const { test, msg } = view;
  const status =
    test.state === 'sending' ? msg('campaign.testSending')
    : test.state === 'sent' ? msg('campaign.testSent', { email: test.to })
    : '';
  return html`<div part="test-send" class="test-send">
    <button type="button" ?disabled=${test.state === 'sending'} @click=${view.sendTest}>${msg('campaign.sendTest')}</button>
    <span class="muted">${msg('campaign.sendTestHint', { email: view.userEmail || msg('campaign.yourAddress') })}</span>
    <p role="status" class="test-status">${status}</p>
    ${test.state === 'failed' ? html`<p role="alert" class="field-error">${test.message}</p>` : nothing}
  </div>`;
}

/** The message step: how the message is given, the writing or the template, the preview and the test send. */
export function renderMessageStep(view: MessageStepView): TemplateResult {
  const { draft, templates, msg, errors } = view;
  const kind = (k: CampaignDraft['messageKind']) =>
    html`<label class="inline"><input type="radio" name="message-kind" value=${k} .checked=${draft.messageKind === k} ?disabled=${k === 'template' && templates.length === 0}
      @change=${() => view.setKind(k)} /> ${msg(`campaign.messageKind.${k}`)}</label>`;
  return html`<fieldset><legend>${msg('campaign.messageKind')}</legend><div class="row">${kind('template')} ${kind('written')}</div></fieldset>
    ${errors.message
      ? html`<p class="field-error" role="alert" id="message-error">${errors.message}</p>`
      : view.hasMessage ? nothing : html`<p class="muted">${msg('campaign.needMessage')}</p>`}
    ${draft.messageKind === 'template'
      ? templates.length
        ? html`<crm-select-field name="templateId" label=${msg('campaign.template')} .value=${draft.templateId} error=${errors.templateId ?? ''}
            .options=${templates.map((t) => ({ value: t.id, label: t.name }))}></crm-select-field>`
        : html`<p class="muted">${msg('campaign.noTemplates')}</p>`
      : renderWriting(view)}
    <section part="preview" class="preview" aria-labelledby="preview-heading" aria-live="polite" aria-busy=${view.previewing ? 'true' : 'false'}>
      <h3 id="preview-heading">${view.previewFor ? msg('campaign.previewFor', { name: view.previewFor }) : msg('campaign.preview')}</h3>
      ${view.preview
        ? html`<p class="subject"><span class="label">${msg('campaign.subject')}:</span> ${view.preview.subject}</p><div class="body">${view.preview.body}</div>`
        : html`<p class="muted">${view.previewProblem || msg('campaign.choosePreview')}</p>`}
    </section>
    ${renderTest(view)}`;
}
