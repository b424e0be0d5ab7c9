import { html, type TemplateResult } from 'lit';
import { property, query } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { repeat } from 'lit/directives/repeat.js';
import { CrmFormField } from '../shared/form-field.js';
import { formFieldStyles } from '../shared/form-field.styles.js';
import { selectFieldStyles } from './select-field.styles.js';

/** One choice of a select field. */
export interface CrmSelectOption {
  value: string;
  label: string;
  disabled?: boolean;
}

/**
 * A labelled drop-down built on the native `<select>`, so keyboard and screen-reader behaviour
 * is the platform's own. It joins its `<form>` like a native select.
 *
 * @summary A labelled select with hint, inline error and form participation.
 *
 * @event crm-field-input - The user picked an option (never fired when `value` is set by code).
 * @event crm-field-change - The user committed a new option; for a select this follows every `crm-field-input`.
 *
 * @csspart form-control - The wrapper around label, select, hint and error.
 * @csspart label - The label.
 * @csspart select - The native select.
 * @csspart hint - The hint text.
 * @csspart error-message - The error text.
 *
 * @cssproperty --crm-select-field-label-color - Label colour. Defaults to `--crm-sys-color-on-surface`.
 * @cssproperty --crm-select-field-text-color - Text colour. Defaults to `--crm-sys-color-on-surface`.
 * @cssproperty --crm-select-field-background - Background. Defaults to `--crm-sys-color-surface`.
 * @cssproperty --crm-select-field-border-color - Border. Defaults to `--crm-sys-color-outline`.
 * @cssproperty --crm-select-field-radius - Corner radius. Defaults to `--crm-sys-radius`.
 */
export class CrmSelectField extends CrmFormField {
  static override styles = [formFieldStyles, selectFieldStyles];

  /** The choices, in order. An object property: set it from script, not as an attribute. */
  @property({ attribute: false }) options: CrmSelectOption[] = [];

  /** Text of the empty first choice; defaults to a localized "Choose…". */
  @property() placeholder = '';

  @query('select') private select!: HTMLSelectElement | null;

  protected get control(): HTMLSelectElement | null {
    return this.select;
  }

  protected renderControl(describedBy: string | undefined, invalid: boolean): TemplateResult {
    return html`<select
      part="select"
      class="control"
      id="control"
      ?required=${this.required}
      ?disabled=${this.isDisabled}
      aria-describedby=${ifDefined(describedBy)}
      aria-invalid=${invalid ? 'true' : 'false'}
      @input=${this.handleUserInput}
      @change=${this.handleUserChange}
      @blur=${this.handleBlur}
    >
      <option value="" ?selected=${this.value === ''}>${this.placeholder || this.msg('select.placeholder')}</option>
      ${repeat(
        this.options,
        (option) => option.value,
        (option) =>
          html`<option value=${option.value} ?disabled=${option.disabled ?? false} ?selected=${option.value === this.value}>
            ${option.label}
          </option>`,
      )}
    </select>`;
  }
}
