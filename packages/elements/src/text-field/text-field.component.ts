import { html, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { dateExample, formatDateInput, parseDateInput } from '../shared/date-input.js';
import { CrmFormField } from '../shared/form-field.js';
import { formFieldStyles } from '../shared/form-field.styles.js';
import { textFieldStyles } from './text-field.styles.js';

/** Input types a CRM text field takes. */
export type CrmTextFieldType = 'text' | 'email' | 'tel' | 'url' | 'password' | 'search' | 'number' | 'date' | 'time' | 'datetime-local';

/**
 * A labelled single-line text input that joins its `<form>` like a native input.
 *
 * `type="date"` is typed the way the reader's locale writes dates (`31.03.2027` under `locale="de"`,
 * `03/31/2027` in US English; the browser's own date input would follow the browser's language), with a
 * calendar button beside it; `value` stays `YYYY-MM-DD`. A date that cannot be read says so.
 *
 * @summary A labelled text input with hint, inline error and form participation.
 *
 * @event crm-field-input - The user edited the value (never fired when `value` is set by code).
 * @event crm-field-change - The user committed an edited value by leaving the field or pressing Enter.
 *
 * @csspart form-control - The wrapper around label, input, hint and error.
 * @csspart label - The label.
 * @csspart input - The native input.
 * @csspart hint - The hint text.
 * @csspart error-message - The error text.
 * @csspart picker-button - The calendar button of `type="date"`.
 *
 * @cssproperty --crm-text-field-label-color - Label colour. Defaults to `--crm-sys-color-on-surface`.
 * @cssproperty --crm-text-field-text-color - Input text colour. Defaults to `--crm-sys-color-on-surface`.
 * @cssproperty --crm-text-field-background - Input background. Defaults to `--crm-sys-color-surface`.
 * @cssproperty --crm-text-field-border-color - Input border. Defaults to `--crm-sys-color-outline`.
 * @cssproperty --crm-text-field-radius - Input corner radius. Defaults to `--crm-sys-radius`.
 */
export class CrmTextField extends CrmFormField {
  static override styles = [formFieldStyles, textFieldStyles];

  /** The kind of text: `text`, `email`, `tel`, `url`, `password`, `search`, `number`, `date` (typed the reader's way, with a calendar button), `time` or `datetime-local` (the browser's own pickers). */
  @property({ reflect: true }) type: CrmTextFieldType = 'text';

  /** Example text shown while empty; never a substitute for the label. */
  @property() placeholder = '';

  /** Browser autofill hint, e.g. `email`, `given-name`, `current-password`. */
  @property() autocomplete = '';

  /** The most characters the user may type. */
  @property({ type: Number }) maxlength?: number;

  /** The smallest value (`number`, `date`, `datetime-local`), e.g. `0` or `2026-01-01`. */
  @property() min = '';

  /** The largest value (`number`, `date`, `datetime-local`), e.g. `100`. */
  @property() max = '';

  /** The step between values, e.g. `1` for whole numbers or `0.01` for cents (`any` allows every value). */
  @property() step = '';

  /** Shows the value but lets nobody change it. */
  @property({ type: Boolean, reflect: true }) readonly = false;

  @query('input') private input!: HTMLInputElement | null;
  @query('input.picker') private picker!: HTMLInputElement | null;

  /** What the person typed into a date field while it is not (yet) a date; undefined shows `value` formatted. */
  @state() private typed: string | undefined;

  private get isDate(): boolean {
    return this.type === 'date';
  }

  protected override controlValue(): string {
    return this.isDate ? (this.typed ?? formatDateInput(this.value, this.activeLocale)) : this.value;
  }

  protected override valueFromControl(): string {
    if (!this.isDate) return super.valueFromControl();
    const text = this.input?.value ?? '';
    this.typed = text;
    return text.trim() ? (parseDateInput(text, this.activeLocale) ?? '') : '';
  }

  protected override problem(): string {
    if (this.isDate && !this.error && this.typed?.trim() && !parseDateInput(this.typed, this.activeLocale)) {
      return this.msg('field.dateFormat', { label: this.label || this.name, example: dateExample(this.activeLocale) });
    }
    return super.problem();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A date set by code shows formatted; what the person is typing (a date or not yet) stays as typed.
    if (changed.has('value') && this.typed !== undefined && this.value !== '' && parseDateInput(this.typed, this.activeLocale) !== this.value) this.typed = undefined;
    super.willUpdate(changed);
  }

  override formResetCallback(): void {
    this.typed = undefined;
    super.formResetCallback();
  }

  protected override handleBlur(): void {
    super.handleBlur();
    if (this.isDate && this.typed !== undefined && (parseDateInput(this.typed, this.activeLocale) === this.value || !this.typed.trim())) this.typed = undefined;
  }

  /** The calendar of a date field: the browser's picker, on a hidden native date input. */
  private openPicker(): void {
    const picker = this.picker;
    if (!picker) return;
    picker.value = this.value;
    try {
      picker.showPicker();
    } catch {
      picker.focus();
    }
  }

  private onPicked(): void {
    this.typed = undefined;
    this.value = this.picker?.value ?? '';
    this.dispatchUserEdit();
  }

  /** Fires the events a user edit fires, after a pick in the calendar. */
  private dispatchUserEdit(): void {
    const control = this.input;
    if (!control) return;
    control.value = this.controlValue();
    this.handleUserInput();
    this.handleUserChange();
  }

  protected get control(): HTMLInputElement | null {
    return this.input;
  }

  /** Enter submits the enclosing form, as in a native single-line input. */
  private handleKeydown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.isComposing && this.form) {
      this.form.requestSubmit();
    }
  }

  protected renderControl(describedBy: string | undefined, invalid: boolean): TemplateResult {
    if (this.isDate) {
      return html`<div class="with-picker">
        ${this.renderInput('text', describedBy, invalid)}
        <button part="picker-button" type="button" class="picker-button" ?disabled=${this.isDisabled || this.readonly}
          aria-label=${this.msg('field.pickDate', { label: this.label || this.name })} @click=${this.openPicker}>
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="currentColor" d="M7 2v2H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2h-2V2h-2v2H9V2zm-2 8h14v10H5z"/></svg>
        </button>
        <input class="picker" type="date" tabindex="-1" aria-hidden="true" min=${ifDefined(this.min || undefined)} max=${ifDefined(this.max || undefined)} @change=${this.onPicked} />
      </div>`;
    }
    return this.renderInput(this.type, describedBy, invalid);
  }

  private renderInput(type: string, describedBy: string | undefined, invalid: boolean): TemplateResult {
    return html`<input
      part="input"
      class="control"
      id="control"
      type=${type}
      inputmode=${ifDefined(this.isDate ? 'numeric' : undefined)}
      .value=${live(this.value)}
      placeholder=${ifDefined(this.placeholder || (this.isDate ? dateExample(this.activeLocale) : undefined))}
      autocomplete=${ifDefined((this.autocomplete || undefined) as AutoFill | undefined)}
      maxlength=${ifDefined(this.maxlength)}
      min=${ifDefined(this.isDate ? undefined : this.min || undefined)}
      max=${ifDefined(this.isDate ? undefined : this.max || undefined)}
      step=${ifDefined(this.isDate ? undefined : this.step || undefined)}
      ?required=${this.required}
      ?disabled=${this.isDisabled}
      ?readonly=${this.readonly}
      aria-describedby=${ifDefined(describedBy)}
      aria-invalid=${invalid ? 'true' : 'false'}
      @input=${this.handleUserInput}
      @change=${this.handleUserChange}
      @blur=${this.handleBlur}
      @keydown=${this.handleKeydown}
    />`;
  }
}
