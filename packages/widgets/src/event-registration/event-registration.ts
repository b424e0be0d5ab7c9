import { css, html, nothing, type PropertyValues } from 'lit';
import { CrmApiError, CrmValidationError, type PublicCrmClient } from '@crm/client-sdk/public';
import { publicClient } from '../shared/config.js';
import { strings } from '../shared/i18n.js';
import { baseStyles, WidgetElement } from '../shared/widget-element.js';

const text = strings('event', {
  notFound: 'This event is not open for registration.',
  notAllowed: 'This site is not allowed to show this event.',
  full: 'The event is full: no seat is left.',
  closed: 'This event takes no registrations right now.',
  when: '{start} – {end}',
  seatsLeft: { one: '{n} seat left', other: '{n} seats left' },
  role: 'I attend as',
  'role.delegate': 'Delegate',
  'role.speaker': 'Speaker',
  'role.sponsor': 'Sponsor',
  email: 'Email',
  firstName: 'First name',
  lastName: 'Last name',
  companyName: 'Company',
  required: '{field} is required.',
  invalidEmail: 'Enter an email address like name@example.com.',
  consent: 'I accept the privacy notice.',
  privacyLink: 'Read the privacy notice',
  consentRequired: 'Please accept the privacy notice to register.',
  fixErrors: 'Please correct the highlighted fields.',
  submit: 'Register',
  sending: 'Sending…',
  thanks: 'You are registered for {event}. See you there!',
});
type Key = Parameters<typeof text>[1];

type SalesEvent = Awaited<ReturnType<PublicCrmClient['public']['salesEvents']['get']>>;
type Role = SalesEvent['roles'][number];
type Phase = 'loading' | 'unavailable' | 'form' | 'sending' | 'done';

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const fields = [
  { key: 'email', type: 'email', autocomplete: 'email', required: true },
  { key: 'firstName', type: 'text', autocomplete: 'given-name', required: true },
  { key: 'lastName', type: 'text', autocomplete: 'family-name', required: true },
  { key: 'companyName', type: 'text', autocomplete: 'organization', required: false },
] as const;

/**
 * Registration for a sales event on a partner page: the event's name, dates (in the event's time zone,
 * written with `Intl` in the visitor's language), venue and seats left, and a form that registers the
 * visitor as a delegate, speaker or sponsor (a lead of the agency). With a privacy notice set by the
 * agency, its acceptance is asked for and recorded with its version. What the visitor typed survives
 * every error (offline, rate limited, full).
 *
 * Its field, consent and honeypot code repeats `<crm-referral-signup>`'s on purpose: moved into
 * src/shared, it would ride in the chunk every widget loads (measured: the card-only page +0.87 KB gzip,
 * the loader + signup from 15.11 KB to its 15.25 KB budget); a separate chunk cost the signup 0.35 KB more.
 *
 * @summary Sales event registration form.
 * @event crm-event-registered - The visitor is registered; `detail`: `{ event, seatsLeft }`.
 * @event crm-registration-failed - A registration failed; `detail`: `{ event, message }`.
 * @event crm-widget-error - The event could not be loaded; `detail`: `{ event, message }`.
 * @csspart root - The card around everything.
 * @csspart title - The event's name.
 * @csspart details - Dates, venue and seats left.
 * @csspart form - The form.
 * @csspart field - One label + input + error group.
 * @csspart input - A text input or the role select.
 * @csspart error - A field error.
 * @csspart consent - The privacy consent row.
 * @csspart submit - The submit button.
 * @csspart status - The live region with the form-level message.
 * @csspart message - The thank-you message.
 * @cssproperty --crm-event-registration-min-height - Its height, reserved before it renders (default 620px; the same in crm-widgets.css); what does not fit scrolls inside it.
 * @cssproperty --crm-event-registration-max-width - Its largest width (default 480px).
 */
export class CrmEventRegistration extends WidgetElement {
  static override properties = {
    event: {},
    defaultRole: { attribute: 'default-role' },
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
        --_min-height: var(--crm-event-registration-min-height, 620px);
        --_max-width: var(--crm-event-registration-max-width, 480px);
        height: var(--_min-height) !important;
      }
      .root {
        height: 100%;
        overflow-y: auto;
      }
      .details {
        margin: 0 0 12px;
        font-size: 0.875em;
        color: var(--crm-sys-color-on-surface-variant, #57606a);
      }
      .details p {
        margin: 0;
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
      input:not([type='checkbox']),
      select {
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
      select:focus-visible {
        outline: 3px solid var(--crm-sys-color-focus, #f0b400);
        outline-offset: 2px;
      }
      [aria-invalid='true'] {
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
      a {
        color: var(--crm-sys-color-primary, #0b5cad);
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

  /** The sales event's id. */
  declare event: string;
  /** The role preselected in the form (`default-role`): `delegate` (default), `speaker` or `sponsor`. */
  declare defaultRole: string;
  declare protected phase: Phase;
  declare protected data: SalesEvent | null;
  declare protected values: Record<string, string | boolean>;
  declare protected fieldErrors: Record<string, string>;
  declare protected status: string;
  private abort: AbortController | null = null;

  constructor() {
    super();
    this.event = '';
    this.defaultRole = 'delegate';
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
    if (changed.has('event') && this.event) void this.load();
  }

  private t(key: Key, params?: Record<string, string | number>): string {
    return text(this.locale, key, params);
  }

  /** What to tell the visitor about a failed call, in the event's words. */
  private explain(error: unknown): string {
    if (error instanceof CrmApiError) {
      if (error.status === 404) return this.t('notFound');
      if (error.status === 401 || error.status === 403) return this.t('notAllowed');
      if (error.status === 409) return error.errors.some((e) => e.code === 'full') ? this.t('full') : this.t('closed');
    }
    return this.describe(error);
  }

  /** Fetches the event; keeps what was typed. */
  private async load(): Promise<void> {
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    this.phase = 'loading';
    try {
      const [data] = await Promise.all([publicClient().public.salesEvents.get(this.event, { signal: abort.signal }), this.localeReady()]);
      if (abort.signal.aborted) return;
      this.data = data;
      this.phase = data.seatsLeft > 0 ? 'form' : 'unavailable';
      this.status = data.seatsLeft > 0 ? '' : this.t('full');
    } catch (error) {
      await this.localeReady();
      if (abort.signal.aborted) return;
      this.phase = 'unavailable';
      this.status = this.explain(error);
      this.emit('crm-widget-error', { event: this.event, message: this.status });
    }
  }

  private onInput(event: Event): void {
    const input = event.target as HTMLInputElement | HTMLSelectElement;
    this.values = { ...this.values, [input.name]: input instanceof HTMLInputElement && input.type === 'checkbox' ? input.checked : input.value };
    if (this.fieldErrors[input.name]) {
      const { [input.name]: _cleared, ...rest } = this.fieldErrors;
      this.fieldErrors = rest;
    }
  }

  private validate(): Record<string, string> {
    const errors: Record<string, string> = {};
    for (const field of fields) {
      const value = String(this.values[field.key] ?? '').trim();
      if (!value && field.required) errors[field.key] = this.t('required', { field: this.t(field.key) });
      else if (field.key === 'email' && value && !emailPattern.test(value)) errors[field.key] = this.t('invalidEmail');
    }
    if (this.data?.privacy && !this.values.consent) errors.consent = this.t('consentRequired');
    return errors;
  }

  private get chosenRole(): Role {
    const roles = this.data?.roles ?? [];
    const wanted = (this.values.role as string | undefined) ?? this.defaultRole;
    return (roles as string[]).includes(wanted) ? (wanted as Role) : 'delegate';
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = this.data;
    if (!data || this.phase !== 'form') return;
    const errors = this.validate();
    this.fieldErrors = errors;
    if (Object.keys(errors).length) {
      this.status = this.t('fixErrors');
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    this.phase = 'sending';
    this.status = this.t('sending');
    const value = (key: string) => String(this.values[key] ?? '').trim();
    const honeypot = this.renderRoot.querySelector<HTMLInputElement>('input[name="website"]')?.value ?? '';
    try {
      const result = await publicClient().public.salesEvents.register(this.event, {
        role: this.chosenRole,
        email: value('email'),
        firstName: value('firstName'),
        lastName: value('lastName'),
        ...(value('companyName') ? { companyName: value('companyName') } : {}),
        consent: Boolean(this.values.consent),
        ...(honeypot ? { website: honeypot } : {}),
      });
      this.phase = 'done';
      this.status = this.t('thanks', { event: data.name });
      this.emit('crm-event-registered', { event: this.event, seatsLeft: result.seatsLeft });
    } catch (error) {
      this.phase = 'form';
      this.status = this.explain(error);
      if (error instanceof CrmValidationError) {
        const mapped: Record<string, string> = {};
        for (const e of error.errors) {
          const key = e.field.replace(/^body\./, '');
          mapped[key] = key === 'email' ? this.t('invalidEmail') : key === 'consent' ? this.t('consentRequired') : e.message;
        }
        this.fieldErrors = mapped;
        if (Object.keys(mapped).length) this.status = this.t('fixErrors');
      } else if (error instanceof CrmApiError && error.status === 409) this.phase = 'unavailable';
      this.emit('crm-registration-failed', { event: this.event, message: this.status });
    }
  }

  private renderField(field: (typeof fields)[number]) {
    const id = `f-${field.key}`;
    const error = this.fieldErrors[field.key];
    const value = this.values[field.key];
    return html`<div class="field" part="field">
      <label for=${id}>${this.t(field.key)}${field.required ? html`<span aria-hidden="true"> *</span>` : nothing}</label>
      <input
        id=${id}
        part="input"
        name=${field.key}
        type=${field.type}
        autocomplete=${field.autocomplete}
        ?required=${field.required}
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${error ? `${id}-e` : nothing}
        .value=${typeof value === 'string' ? value : ''}
        @input=${this.onInput}
      />
      ${error ? html`<p class="error" id="${id}-e" part="error">${error}</p>` : nothing}
    </div>`;
  }

  private renderDetails(data: SalesEvent) {
    // The event's own time zone: a visitor abroad sees the times the venue runs on, with the zone named.
    const when = new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: data.timezone });
    // Styles and a zone name cannot be asked of one formatter: the zone's short name comes from its own.
    const zone = new Intl.DateTimeFormat(this.locale, { timeZone: data.timezone, timeZoneName: 'short' }).formatToParts(new Date(data.endsAt)).find((p) => p.type === 'timeZoneName')?.value ?? data.timezone;
    const place = [data.venue.name, data.venue.city, data.venue.country].filter(Boolean).join(', ');
    return html`<div class="details" part="details">
      <p data-when>${this.t('when', { start: when.format(new Date(data.startsAt)), end: `${when.format(new Date(data.endsAt))} ${zone}` })}</p>
      <p data-venue>${place}</p>
      <p data-seats>${this.t('seatsLeft', { n: data.seatsLeft })}</p>
    </div>`;
  }

  private renderForm(data: SalesEvent) {
    const busy = this.phase === 'sending';
    const consentError = this.fieldErrors.consent;
    return html`<form part="form" novalidate @submit=${this.onSubmit}>
      <div class="field" part="field">
        <label for="f-role">${this.t('role')}</label>
        <select id="f-role" name="role" part="input" @change=${this.onInput}>
          ${data.roles.map((r) => html`<option value=${r} ?selected=${r === this.chosenRole}>${this.t(`role.${r}`)}</option>`)}
        </select>
      </div>
      ${fields.map((f) => this.renderField(f))}
      ${data.privacy
        ? html`<div class="consent" part="consent">
              <input id="consent" name="consent" type="checkbox" .checked=${this.values.consent === true} @change=${this.onInput} aria-invalid=${consentError ? 'true' : 'false'} aria-describedby=${consentError ? 'consent-e' : nothing} />
              <label for="consent">${this.t('consent')}</label>
            </div>
            ${data.privacy.url && /^https?:\/\//.test(data.privacy.url) ? html`<p class="muted"><a href=${data.privacy.url} target="_blank" rel="noopener noreferrer">${this.t('privacyLink')}</a></p>` : nothing}
            ${consentError ? html`<p class="error" id="consent-e" part="error">${consentError}</p>` : nothing}`
        : nothing}
      <div class="hp" aria-hidden="true"><label>Website <input name="website" type="text" tabindex="-1" autocomplete="off" /></label></div>
      <button part="submit" type="submit" ?disabled=${busy}>${busy ? this.t('sending') : this.t('submit')}</button>
    </form>`;
  }

  protected override render() {
    if (this.phase === 'loading' && !this.loadingVisible) return nothing;
    const data = this.data;
    return html`<div class="root" part="root" lang=${this.locale} aria-busy=${this.phase === 'loading' || this.phase === 'sending' ? 'true' : 'false'}>
      ${data ? html`<h2 part="title">${data.name}</h2>${this.renderDetails(data)}` : html`<p class="muted">${this.phase === 'loading' ? this.common('loading') : ''}</p>`}
      ${this.phase === 'done'
        ? html`<p part="message" role="status">${this.status}</p>`
        : html`<p class="alert" part="status" role=${this.phase === 'unavailable' ? 'alert' : 'status'} aria-live="polite">${this.phase === 'loading' ? '' : this.status}</p>
            ${data && (this.phase === 'form' || this.phase === 'sending') ? this.renderForm(data) : nothing}
            ${this.phase === 'unavailable' && !data ? html`<button part="submit" type="button" @click=${() => void this.load()}>${this.common('retry')}</button>` : nothing}`}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'crm-event-registration': CrmEventRegistration;
  }
}
