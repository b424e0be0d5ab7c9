import { html, type TemplateResult } from 'lit';
import { property, query } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { CrmFormField } from '../shared/form-field.js';
import { formFieldStyles } from '../shared/form-field.styles.js';
import { textFieldStyles } from './text-field.styles.js';

/** Input types a CRM text field takes. */
export type CrmTextFieldType = 'text' | 'email' | 'tel' | 'url' | 'password' | 'search' | 'number' | 'date' | 'datetime-local';

/**
 * A labelled single-line text input that joins its `<form>` like a native input.
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
 *
 * @cssproperty --crm-text-field-label-color - Label colour. Defaults to `--crm-sys-color-on-surface`.
 * @cssproperty --crm-text-field-text-color - Input text colour. Defaults to `--crm-sys-color-on-surface`.
 * @cssproperty --crm-text-field-background - Input background. Defaults to `--crm-sys-color-surface`.
 * @cssproperty --crm-text-field-border-color - Input border. Defaults to `--crm-sys-color-outline`.
 * @cssproperty --crm-text-field-radius - Input corner radius. Defaults to `--crm-sys-radius`.
 */
export class CrmTextField extends CrmFormField {
  static override styles = [formFieldStyles, textFieldStyles];

  /** The kind of text: `text`, `email`, `tel`, `url`, `password`, `search`, `number`, `date` or `datetime-local` (the browser's picker, in the reader's locale). */
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
    return html`<input
      part="input"
      class="control"
      id="control"
      type=${this.type}
      .value=${live(this.value)}
      placeholder=${ifDefined(this.placeholder || undefined)}
      autocomplete=${ifDefined((this.autocomplete || undefined) as AutoFill | undefined)}
      maxlength=${ifDefined(this.maxlength)}
      min=${ifDefined(this.min || undefined)}
      max=${ifDefined(this.max || undefined)}
      step=${ifDefined(this.step || undefined)}
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
