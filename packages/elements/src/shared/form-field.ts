import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmFieldChangeEvent, CrmFieldInputEvent } from '../events/field-events.js';
import { CrmElement } from './crm-element.js';

type NativeControl = HTMLInputElement | HTMLSelectElement;

/** Native validity flags copied from the inner control onto the host's ElementInternals. */
const nativeFlags = [
  'badInput',
  'patternMismatch',
  'rangeOverflow',
  'rangeUnderflow',
  'stepMismatch',
  'tooLong',
  'tooShort',
  'typeMismatch',
] as const;

/**
 * Label, hint, error message, validation and form participation shared by `crm-*` fields.
 * A field joins its `<form>` through ElementInternals, so `FormData`, `reset()` and
 * `:invalid` work as with native controls.
 */
export abstract class CrmFormField extends CrmElement {
  static formAssociated = true;
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  protected readonly internals: ElementInternals;

  /** The name the value is submitted under, and reported in `crm-field-input` / `crm-field-change`. */
  @property({ reflect: true }) name = '';

  /** The current value. Setting it never fires `crm-field-input` or `crm-field-change`. */
  @property() value = '';

  /** The visible label; also the field's accessible name. */
  @property() label = '';

  /** Help text under the control, read out with it. */
  @property() hint = '';

  /** An error to show now, such as a server-side validation message; makes the field invalid. */
  @property() error = '';

  /** Requires a value before the form submits. */
  @property({ type: Boolean, reflect: true }) required = false;

  /** Disables the field and leaves it out of form data. */
  @property({ type: Boolean, reflect: true }) disabled = false;

  /** Set once the user has left the field or tried to submit; built-in errors show only then. */
  @state() protected touched = false;

  /** True while an enclosing `<fieldset disabled>` disables the field. */
  @state() private formDisabled = false;

  private initialValue: string | undefined;


  constructor() {
    super();
    this.internals = this.attachInternals();
    this.addEventListener('invalid', () => {
      this.touched = true;
    });
  }

  /** The native control inside the shadow root. */
  protected abstract get control(): NativeControl | null;

  /** Renders the native control; `describedBy` and `invalid` go onto it as ARIA. */
  protected abstract renderControl(describedBy: string | undefined, invalid: boolean): TemplateResult;

  /** The form this field belongs to. */
  get form(): HTMLFormElement | null {
    return this.internals.form;
  }

  /** The field's validity, as for native controls. */
  get validity(): ValidityState {
    return this.internals.validity;
  }

  /** The message a failed validation shows. */
  get validationMessage(): string {
    return this.internals.validationMessage;
  }

  /** Checks validity without showing anything. */
  checkValidity(): boolean {
    return this.internals.checkValidity();
  }

  /** Checks validity and shows the error message when invalid. */
  reportValidity(): boolean {
    this.touched = true;
    return this.internals.reportValidity();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.initialValue ??= this.value;
  }

  /** Form reset restores the value the field started with. */
  formResetCallback(): void {
    this.value = this.initialValue ?? '';
    this.touched = false;
  }

  /** An enclosing `<fieldset disabled>` disables the field too. */
  formDisabledCallback(disabled: boolean): void {
    this.formDisabled = disabled;
  }

  /** Back/forward navigation and autofill restore the value the browser kept. */
  formStateRestoreCallback(restored: string | File | FormData | null): void {
    if (typeof restored === 'string') this.value = restored;
  }

  protected get isDisabled(): boolean {
    return this.disabled || this.formDisabled;
  }

  /** The message for what is wrong with the value now, or '' when it is valid. */
  protected problem(): string {
    if (this.error) return this.error;
    const label = this.label || this.name;
    if (this.required && !this.value) return this.msg('field.required', { label });
    const native = this.control?.validity;
    if (native && !native.valid) return this.msg('field.invalid', { label });
    return '';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // Push a value set by code into the control before render(), so render() reads current validity.
    const control = this.control;
    if (control && control.value !== this.controlValue()) control.value = this.controlValue();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // A select's new options only exist now; make sure the right one is picked.
    const control = this.control;
    if (control && control.value !== this.controlValue()) control.value = this.controlValue();
    this.internals.setFormValue(this.value);
    this.syncValidity();
  }

  private syncValidity(): void {
    const message = this.problem();
    if (!message) {
      this.internals.setValidity({});
      return;
    }
    const flags: ValidityStateFlags = {};
    if (this.error) flags.customError = true;
    else if (this.required && !this.value) flags.valueMissing = true;
    else for (const flag of nativeFlags) if (this.control?.validity[flag]) flags[flag] = true;
    // A problem the native control cannot see (a date typed in the wrong order, say) is still invalid.
    if (Object.keys(flags).length === 0) flags.badInput = true;
    this.internals.setValidity(flags, message, this.control ?? undefined);
  }

  /** What the native control shows for the current value (a field that shows a value its own way overrides it). */
  protected controlValue(): string {
    return this.value;
  }

  /** The value for what the control holds now (the inverse of `controlValue`). */
  protected valueFromControl(): string {
    return this.control?.value ?? '';
  }

  /** Call from the control's `input` event: the only path that fires `crm-field-input`. */
  protected handleUserInput(): void {
    this.value = this.valueFromControl();
    this.emit(new CrmFieldInputEvent({ name: this.name, value: this.value }));
  }

  /** Call from the control's `change` event: the only path that fires `crm-field-change`. */
  protected handleUserChange(): void {
    this.value = this.valueFromControl();
    this.emit(new CrmFieldChangeEvent({ name: this.name, value: this.value }));
  }

  protected handleBlur(): void {
    this.touched = true;
  }

  override render() {
    const message = this.problem();
    const showError = Boolean(this.error) || (this.touched && Boolean(message));
    const describedBy = [this.hint ? 'hint' : '', showError ? 'error-message' : ''].filter(Boolean).join(' ');
    return html`
      <div part="form-control">
        <label part="label" for="control">
          ${this.label}${this.required ? html`<span class="required-mark" aria-hidden="true"> *</span>` : nothing}
        </label>
        ${this.renderControl(describedBy || undefined, showError)}
        <div part="hint" id="hint">${this.hint}</div>
        <div part="error-message" id="error-message" aria-live="polite">${showError ? message : ''}</div>
      </div>
    `;
  }
}

/** Anything that validates like a form control: a `crm-*` field, a native input, select or textarea. */
export type CrmValidatable = HTMLElement & { checkValidity(): boolean };

/**
 * Moves focus to `element` without a scroll jump: the page scrolls only as far as brings it into view
 * (the browser's own focus scroll may centre it, or jump to a summary at the top).
 */
export function focusWithoutJump(element: HTMLElement): void {
  element.focus({ preventScroll: true });
  // Scroll once the field has rendered its message, so the message is in view too.
  const rendered = (element as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete;
  void Promise.resolve(rendered).then(() => element.scrollIntoView?.({ block: 'nearest', inline: 'nearest' }));
}

/**
 * Validates `fields` as a submit would and shows each problem once, beside its field (a `crm-*` field
 * shows its message inline on `invalid`; no browser bubble, no second copy), then focuses the first
 * invalid one without a scroll jump. Returns the invalid fields in the order given (document order).
 */
export function validateFields(fields: Iterable<CrmValidatable>): CrmValidatable[] {
  const invalid = [...fields].filter((field) => !field.checkValidity());
  if (invalid[0]) focusWithoutJump(invalid[0]);
  return invalid;
}

/** A problem's `errors[]` laid onto a form: one message per field, and the messages no field shows. */
export interface CrmFieldErrorMap {
  /** The first message for each field, by the field's name. */
  byField: Record<string, string>;
  /** Messages for paths that no field of the form shows, as `path: message`. */
  other: string[];
}

/**
 * Lays the API's per-field errors (`errors[]` of a problem, paths such as `emails.0.value`) onto the
 * fields of a form: a path goes to the field of that name, else to its nearest named parent
 * (`company.address.city` → `company`), else to `other`. Only the first message of a field is kept,
 * so a field never shows two.
 */
export function mapFieldErrors(errors: readonly { field: string; message: string }[], isField: (name: string) => boolean): CrmFieldErrorMap {
  const byField: Record<string, string> = {};
  const other: string[] = [];
  for (const { field, message } of errors) {
    const parts = field.split('.');
    let name: string | undefined;
    for (let n = parts.length; n > 0 && !name; n--) {
      const candidate = parts.slice(0, n).join('.');
      if (isField(candidate)) name = candidate;
    }
    if (name === undefined) {
      const line = `${field}: ${message}`;
      if (!other.includes(line)) other.push(line);
    } else byField[name] ??= message;
  }
  return { byField, other };
}

/** Focuses the first field that shows an error (`error` set or `aria-invalid`) inside `root`, without a scroll jump. */
export function focusFirstError(root: ParentNode): boolean {
  const first = root.querySelector<HTMLElement>('[error]:not([error=""]), [aria-invalid="true"]');
  if (first) focusWithoutJump(first);
  return Boolean(first);
}
