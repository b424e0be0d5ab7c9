import { css, html, nothing, type PropertyValues } from 'lit';
import { CrmApiError, CrmValidationError, type PublicCrmClient } from '@crm/client-sdk/public';
import { fetchCampaign, publicClient, visitorId } from '../shared/config.js';
import { strings } from '../shared/i18n.js';
import { baseStyles, WidgetElement } from '../shared/widget-element.js';

const text = strings('signup', {
  invalidEmail: 'Enter an email address like name@example.com.',
  required: '{field} is required.',
  fixErrors: 'Please correct the highlighted fields.',
  consentRequired: 'Please accept to continue.',
  expired: 'The form expired. Please submit it again.',
  submit: 'Sign up',
  sending: 'Sending…',
  thanks: 'Thank you for signing up!',
  confirm: 'Almost done: check your inbox and confirm your email address.',
});

type Campaign = Awaited<ReturnType<PublicCrmClient['public']['campaigns']['get']>>;
type Field = NonNullable<Campaign['form']>['fields'][number];
type Phase = 'loading' | 'unavailable' | 'form' | 'sending' | 'done';

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const autocomplete: Record<string, string> = { email: 'email', firstName: 'given-name', lastName: 'family-name', phone: 'tel', companyName: 'organization', jobTitle: 'organization-title' };

/**
 * A campaign's signup form for partner pages: fields, consent and thank-you message come from the
 * campaign; signups through `referral` are attributed to that sales person. What the visitor typed
 * survives every error (offline, rate limited, invalid email).
 *
 * @summary Referral / campaign signup form.
 * @event crm-signup-submitted - The signup was received; `detail`: `{ campaign, confirmationRequired }`.
 * @event crm-signup-failed - A submission failed; `detail`: `{ campaign, message }`.
 * @event crm-widget-error - The campaign could not be loaded; `detail`: `{ campaign, message }`.
 * @csspart root - The card around everything.
 * @csspart title - The campaign title.
 * @csspart form - The form.
 * @csspart field - One label + input + error group.
 * @csspart label - A field label.
 * @csspart input - A text input.
 * @csspart error - A field error.
 * @csspart consent - The consent checkbox row.
 * @csspart submit - The submit button.
 * @csspart status - The live region with the form-level message.
 * @csspart message - The thank-you message.
 * @cssproperty --crm-referral-signup-min-height - Its height, reserved before it renders (default 438px, the default form at 340 px wide and more; the same in crm-widgets.css); what does not fit, such as errors after a submit, scrolls inside it.
 * @cssproperty --crm-referral-signup-max-width - Its largest width (default 480px).
 */
export class CrmReferralSignup extends WidgetElement {
  static override properties = {
    campaign: {},
    referral: {},
    phase: { state: true },
    data: { state: true },
    values: { state: true },
    fieldErrors: { state: true },
    status: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        --_min-height: var(--crm-referral-signup-min-height, 438px);
        --_max-width: var(--crm-referral-signup-max-width, 480px);
        /* The reserved box is its size, not only its floor: errors shown after a submit (two lines each
           at 340 px in German) scroll inside it instead of pushing the partner's page down. */
        height: var(--_min-height) !important;
      }
      /* Only once errors are shown, so no scrollbar can come and go while the form first renders. */
      .scrolls {
        height: 100%;
        overflow-y: auto;
      }
      .field {
        display: flex;
        flex-direction: column;
        gap: 4px;
        margin: 0 0 12px;
      }
      label {
        font-weight: 600;
        font-size: 0.875em;
      }
      input:not([type='checkbox']) {
        font: inherit;
        color: inherit;
        background: var(--crm-sys-color-surface, #ffffff);
        border: 1px solid var(--crm-sys-color-outline, #8c959f);
        border-radius: var(--crm-sys-radius, 8px);
        padding: 8px 10px;
        min-height: 40px;
        width: 100%;
        margin: 0;
      }
      input[aria-invalid='true'] {
        border-color: var(--crm-sys-color-error, #b3261e);
      }
      .error {
        color: var(--crm-sys-color-error, #b3261e);
        font-size: 0.875em;
        margin: 0;
      }
      .consent {
        display: flex;
        gap: 8px;
        align-items: flex-start;
        margin: 0 0 12px;
        font-size: 0.875em;
      }
      .consent input {
        margin: 4px 0 0;
        width: 16px;
        height: 16px;
      }
      .hp {
        position: absolute;
        left: -10000px;
        width: 1px;
        height: 1px;
        overflow: hidden;
      }
    `,
  ];

  /** The campaign code. */
  declare campaign: string;
  /** A sales person's referral code, to attribute signups to them. */
  declare referral: string;
  declare protected phase: Phase;
  declare protected data: Campaign | null;
  declare protected values: Record<string, string | boolean>;
  declare protected fieldErrors: Record<string, string>;
  declare protected status: string;
  private abort: AbortController | null = null;

  constructor() {
    super();
    this.campaign = '';
    this.referral = '';
    this.phase = 'loading';
    this.data = null;
    this.values = {};
    this.fieldErrors = {};
    this.status = '';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.abort?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('campaign') && this.campaign) void this.load();
  }

  /** Fetches the campaign (and a fresh form token); keeps what was typed. */
  private async load(keepPhase = false): Promise<void> {
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    if (!keepPhase) this.phase = 'loading';
    try {
      const [data] = await Promise.all([fetchCampaign(this.campaign, keepPhase), this.localeReady()]);
      if (abort.signal.aborted) return;
      this.data = data;
      this.phase = data.form && data.active ? 'form' : 'unavailable';
      if (!data.form || !data.active) this.status = this.common('notRunning');
    } catch (error) {
      await this.localeReady();
      if (abort.signal.aborted) return;
      this.phase = 'unavailable';
      this.status = this.describe(error);
      this.emit('crm-widget-error', { campaign: this.campaign, message: this.status });
    }
  }

  private t(key: Parameters<typeof text>[1], params?: Record<string, string | number>): string {
    return text(this.locale, key, params);
  }

  private onInput(event: Event): void {
    const input = event.target as HTMLInputElement;
    this.values = { ...this.values, [input.name]: input.type === 'checkbox' ? input.checked : input.value };
    if (this.fieldErrors[input.name]) {
      const { [input.name]: _cleared, ...rest } = this.fieldErrors;
      this.fieldErrors = rest;
    }
  }

  private validate(fields: Field[]): Record<string, string> {
    const errors: Record<string, string> = {};
    for (const field of fields) {
      const value = this.values[field.key];
      const empty = value === undefined || value === '' || value === false;
      if (empty && field.required && field.type !== 'checkbox') errors[field.key] = this.t('required', { field: field.label });
      else if (field.key === 'email' && typeof value === 'string' && !emailPattern.test(value.trim())) errors[field.key] = this.t('invalidEmail');
    }
    if (this.data?.form?.consentText && !this.values.consent) errors.consent = this.t('consentRequired');
    return errors;
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = this.data;
    if (!data?.form || this.phase === 'sending') return;
    const errors = this.validate(data.form.fields);
    this.fieldErrors = errors;
    if (Object.keys(errors).length) {
      this.status = this.t('fixErrors');
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    this.phase = 'sending';
    this.status = this.t('sending');
    const fields: Record<string, string | boolean | number | null> = {};
    for (const field of data.form.fields) {
      const value = this.values[field.key];
      fields[field.key] = field.type === 'number' && typeof value === 'string' && value !== '' ? Number(value) : (value ?? null);
    }
    const honeypot = this.renderRoot.querySelector<HTMLInputElement>('input[name="website"]')?.value ?? '';
    try {
      const result = await publicClient().public.campaigns.signUp(this.campaign, {
        fields,
        consent: Boolean(this.values.consent),
        formToken: data.formToken,
        visitorId: visitorId(),
        ...(this.referral ? { referral: this.referral } : {}),
        ...(honeypot ? { website: honeypot } : {}),
      });
      this.phase = 'done';
      this.status = result.confirmationRequired ? this.t('confirm') : (result.message ?? this.t('thanks'));
      this.emit('crm-signup-submitted', { campaign: this.campaign, confirmationRequired: result.confirmationRequired });
      if (result.redirectUrl && /^https?:\/\//.test(result.redirectUrl)) window.location.assign(result.redirectUrl);
    } catch (error) {
      this.phase = 'form';
      this.status = this.describe(error);
      if (error instanceof CrmValidationError) {
        const mapped: Record<string, string> = {};
        for (const e of error.errors) {
          const key = e.field.replace(/^(body\.)?fields\./, '').replace(/^body\./, '');
          if (key === 'formToken') {
            this.status = this.t('expired');
            void this.load(true);
          } else mapped[key] = key === 'email' ? this.t('invalidEmail') : e.message;
        }
        this.fieldErrors = mapped;
        if (Object.keys(mapped).length) this.status = this.t('fixErrors');
      } else if (error instanceof CrmApiError && error.status === 409) this.phase = 'unavailable';
      this.emit('crm-signup-failed', { campaign: this.campaign, message: this.status });
    }
  }

  private renderField(field: Field) {
    const id = `f-${field.key.replace(/\W/g, '-')}`;
    const error = this.fieldErrors[field.key];
    const value = this.values[field.key];
    if (field.type === 'checkbox') {
      return html`<div class="consent" part="field">
        <input id=${id} name=${field.key} type="checkbox" .checked=${value === true} @change=${this.onInput} aria-invalid=${error ? 'true' : 'false'} aria-describedby=${error ? `${id}-e` : nothing} />
        <label for=${id} part="label">${field.label}</label>
        ${error ? html`<p class="error" id="${id}-e" part="error">${error}</p>` : nothing}
      </div>`;
    }
    return html`<div class="field" part="field">
      <label for=${id} part="label">${field.label}${field.required ? html`<span aria-hidden="true"> *</span>` : nothing}</label>
      <input
        id=${id}
        part="input"
        name=${field.key}
        type=${field.type}
        autocomplete=${autocomplete[field.key] ?? 'off'}
        ?required=${field.required}
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${error ? `${id}-e` : nothing}
        .value=${typeof value === 'string' ? value : ''}
        @input=${this.onInput}
      />
      ${error ? html`<p class="error" id="${id}-e" part="error">${error}</p>` : nothing}
    </div>`;
  }

  protected override render() {
    // Nothing until the campaign comes, unless it is slow to (the host keeps the space meanwhile).
    if (this.phase === 'loading' && !this.loadingVisible) return nothing;
    const data = this.data;
    const form = data?.form;
    const busy = this.phase === 'sending';
    return html`<div class="root ${this.phase === 'form' && Object.keys(this.fieldErrors).length ? 'scrolls' : ''}" part="root" lang=${this.locale} aria-busy=${this.phase === 'loading' || busy ? 'true' : 'false'}>
      ${data ? html`<h2 part="title">${data.title}</h2>` : html`<p class="muted">${this.phase === 'loading' ? this.common('loading') : ''}</p>`}
      ${this.phase === 'done'
        ? html`<p part="message" role="status">${this.status}</p>`
        : html`<p class="alert" part="status" role=${this.phase === 'unavailable' ? 'alert' : 'status'} aria-live="polite">${this.phase === 'loading' ? '' : this.status}</p>
            ${form && this.phase !== 'unavailable'
              ? html`<form part="form" novalidate @submit=${this.onSubmit}>
                  ${form.fields.map((f) => this.renderField(f))}
                  ${form.consentText
                    ? html`<div class="consent" part="consent">
                        <input id="consent" name="consent" type="checkbox" .checked=${this.values.consent === true} @change=${this.onInput} aria-invalid=${this.fieldErrors.consent ? 'true' : 'false'} aria-describedby=${this.fieldErrors.consent ? 'consent-e' : nothing} />
                        <label for="consent">${form.consentText}</label>
                      </div>
                      ${this.fieldErrors.consent ? html`<p class="error" id="consent-e" part="error">${this.fieldErrors.consent}</p>` : nothing}`
                    : nothing}
                  <div class="hp" aria-hidden="true"><label>Website <input name="website" type="text" tabindex="-1" autocomplete="off" /></label></div>
                  <button part="submit" type="submit" ?disabled=${busy}>${busy ? this.t('sending') : this.t('submit')}</button>
                </form>`
              : this.phase === 'unavailable' && !data
                ? html`<button part="submit" type="button" @click=${() => void this.load()}>${this.common('retry')}</button>`
                : nothing}`}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-referral-signup': CrmReferralSignup;
  }
}
