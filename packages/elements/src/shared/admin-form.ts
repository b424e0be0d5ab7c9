// Pieces the admin elements share: labelled native controls with one message each beside them,
// focus on the first invalid one, a modal confirmation, and the CSS they all use.
import { css, html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { sys } from '../theme/tokens.js';
import { readProblem, type CrmProblem } from './api/errors.js';
import { focusWithoutJump, mapFieldErrors } from './form-field.js';

/** Messages by field name (the API's names, e.g. `states.2.key`). */
export type FieldErrors = Record<string, string>;

/**
 * A refused save laid onto the form: each `errors[]` path goes to the control of that `data-field` (or
 * its nearest named parent), one message per field; what no control shows comes back as `other`.
 */
export function problemOnFields(problem: CrmProblem, root: ParentNode): { errors: FieldErrors; other: string[] } {
  const { byField, other } = mapFieldErrors(problem.fieldErrors, (name) => Boolean(root.querySelector(`[data-field="${CSS.escape(name)}"]`)));
  return { errors: byField, other };
}

/** What an admin form shows while and after one of its actions runs. */
export interface AdminActionState {
  busy: boolean;
  message: string;
  errors: FieldErrors;
}

/**
 * Runs one action of an admin form: one at a time (a second click while busy does nothing), the message
 * and field errors cleared first, and a refusal laid onto the fields with the rest joined in the message.
 */
export async function runAdminAction(root: ParentNode, state: () => AdminActionState, set: (patch: Partial<AdminActionState>) => void, work: () => Promise<void>): Promise<void> {
  if (state().busy) return;
  set({ busy: true, message: '', errors: {} });
  try {
    await work();
  } catch (error) {
    const problem = readProblem(error);
    const { errors, other } = problemOnFields(problem, root);
    set({ errors, message: [...Object.values(errors), ...other].join('; ') || problem.detail });
  } finally {
    set({ busy: false });
  }
}

/** Focuses (without a scroll jump) the first control in document order whose `data-field` has an error. */
export function focusFirstInvalid(root: ParentNode, errors: FieldErrors): boolean {
  const first = [...root.querySelectorAll<HTMLElement>('[data-field]')].find((el) => errors[el.dataset.field!]);
  if (first) focusWithoutJump(first);
  return Boolean(first);
}

interface ControlOptions {
  /** The API's field name; also the `data-field` the focus helper looks for. */
  field: string;
  label: string;
  value: string;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
  disabled?: boolean;
  onInput: (value: string) => void;
}

const controlId = (field: string) => `f-${field.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

function described(id: string, error?: string, hint?: string): string | typeof nothing {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return ids || nothing;
}

function extras(id: string, error?: string, hint?: string): TemplateResult {
  return html`${hint ? html`<span id="${id}-hint" class="hint">${hint}</span>` : nothing}${error ? html`<span id="${id}-error" part="field-error" class="field-error">${error}</span>` : nothing}`;
}

/** A labelled `<input>` with its hint and its one error message beside it. */
export function inputField(options: ControlOptions & { type?: string; pattern?: string; maxlength?: number; min?: string; max?: string }): TemplateResult {
  const id = controlId(options.field);
  return html`<div class="field">
    <label for=${id}>${options.label}</label>
    <input id=${id} class="native" data-field=${options.field} type=${options.type ?? 'text'} .value=${live(options.value)}
      ?required=${Boolean(options.required)} ?disabled=${Boolean(options.disabled)} maxlength=${options.maxlength ?? nothing}
      min=${options.min ?? nothing} max=${options.max ?? nothing}
      aria-invalid=${options.error ? 'true' : 'false'} aria-describedby=${described(id, options.error, options.hint)}
      @input=${(e: Event) => options.onInput((e.target as HTMLInputElement).value)} />
    ${extras(id, options.error, options.hint)}
  </div>`;
}

/** A labelled `<textarea>` with its hint and its one error message beside it. */
export function textareaField(options: ControlOptions & { rows?: number; onSelect?: (el: HTMLTextAreaElement) => void }): TemplateResult {
  const id = controlId(options.field);
  return html`<div class="field wide">
    <label for=${id}>${options.label}</label>
    <textarea id=${id} data-field=${options.field} rows=${options.rows ?? 4} .value=${live(options.value)}
      ?required=${Boolean(options.required)} ?disabled=${Boolean(options.disabled)}
      aria-invalid=${options.error ? 'true' : 'false'} aria-describedby=${described(id, options.error, options.hint)}
      @input=${(e: Event) => options.onInput((e.target as HTMLTextAreaElement).value)}></textarea>
    ${extras(id, options.error, options.hint)}
  </div>`;
}

/** A labelled `<select>` with its one error message beside it. */
export function selectField(options: ControlOptions & { options: Array<{ value: string; label: string }> }): TemplateResult {
  const id = controlId(options.field);
  return html`<div class="field">
    <label for=${id}>${options.label}</label>
    <select id=${id} class="native" data-field=${options.field} data-value=${options.value} .value=${live(options.value)} ?required=${Boolean(options.required)} ?disabled=${Boolean(options.disabled)}
      aria-invalid=${options.error ? 'true' : 'false'} aria-describedby=${described(id, options.error, options.hint)}
      @change=${(e: Event) => options.onInput((e.target as HTMLSelectElement).value)}>
      ${options.options.map((o) => html`<option value=${o.value} ?selected=${o.value === options.value}>${o.label}</option>`)}
    </select>
    ${extras(id, options.error, options.hint)}
  </div>`;
}

/**
 * Puts every select rendered by `selectField` on its value once its options exist (a binding on the
 * select runs before options added in the same render); call from `updated()`.
 */
export function syncSelects(root: ParentNode): void {
  for (const select of root.querySelectorAll<HTMLSelectElement>('select[data-value]')) {
    if (select.value !== select.dataset.value) select.value = select.dataset.value!;
  }
}

/** A checkbox with its label after it. */
export function checkboxField(options: { field: string; label: string; checked: boolean; disabled?: boolean; onChange: (checked: boolean) => void }): TemplateResult {
  const id = controlId(options.field);
  // The label holds the box, so the whole row (at least 44 px high) is the touch target.
  return html`<label class="field check" for=${id}>
    <input id=${id} type="checkbox" data-field=${options.field} .checked=${live(options.checked)} ?disabled=${Boolean(options.disabled)}
      @change=${(e: Event) => options.onChange((e.target as HTMLInputElement).checked)} />
    <span>${options.label}</span>
  </label>`;
}

/** What a confirmation asks. */
export interface ConfirmRequest {
  heading: string;
  message: string;
  confirmLabel: string;
  cancelLabel: string;
  /** Styles the confirm button as destructive. */
  danger?: boolean;
}

/**
 * A modal confirmation (`<dialog>`, so focus stays inside and Escape cancels). `ask()` resolves true
 * when confirmed; focus goes back to where it was.
 */
export class ConfirmController implements ReactiveController {
  private request: ConfirmRequest | undefined;
  private resolve: ((ok: boolean) => void) | undefined;
  private returnFocus: HTMLElement | undefined;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Shows the dialog; resolves with the answer. */
  ask(request: ConfirmRequest): Promise<boolean> {
    this.resolve?.(false);
    this.returnFocus = (this.host.shadowRoot?.activeElement as HTMLElement | null) ?? undefined;
    this.request = request;
    this.host.requestUpdate();
    return new Promise((resolve) => (this.resolve = resolve));
  }

  hostUpdated(): void {
    const dialog = this.host.shadowRoot?.querySelector<HTMLDialogElement>('dialog[part="confirm"]');
    if (dialog && this.request && !dialog.open) {
      dialog.showModal();
      dialog.querySelector<HTMLButtonElement>('[data-answer="cancel"]')?.focus();
    }
  }

  private answer(ok: boolean): void {
    const resolve = this.resolve;
    this.request = undefined;
    this.resolve = undefined;
    this.host.shadowRoot?.querySelector<HTMLDialogElement>('dialog[part="confirm"]')?.close();
    this.host.requestUpdate();
    this.returnFocus?.focus();
    resolve?.(ok);
  }

  /** The dialog, while a question is open. */
  render(): TemplateResult | typeof nothing {
    const request = this.request;
    if (!request) return nothing;
    return html`<dialog part="confirm" aria-labelledby="confirm-heading" aria-describedby="confirm-message"
      @cancel=${(e: Event) => { e.preventDefault(); this.answer(false); }}>
      <h3 id="confirm-heading">${request.heading}</h3>
      <p id="confirm-message">${request.message}</p>
      <div class="row">
        <button type="button" class=${request.danger ? 'primary danger' : 'primary'} data-answer="confirm" @click=${() => this.answer(true)}>${request.confirmLabel}</button>
        <button type="button" data-answer="cancel" @click=${() => this.answer(false)}>${request.cancelLabel}</button>
      </div>
    </dialog>`;
  }
}

/**
 * The fields the `*Field` helpers above render (`.fields` grid, `.field`, `.field.wide`, `.field.check`,
 * hints and errors) and the danger button: shared by the admin elements (through `adminStyles`) and by any
 * dialog that renders those helpers.
 */
export const fieldStyles = css`
  .fields {
    display: grid;
    gap: ${sys('spacing-m')};
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 13rem), 1fr));
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-xs')};
    min-inline-size: 0;
  }
  .field.wide {
    grid-column: 1 / -1;
  }
  .field.check {
    flex-direction: row;
    align-items: center;
    gap: ${sys('spacing-s')};
    min-block-size: 2.75rem;
  }
  .field label {
    font-weight: 600;
  }
  .hint {
    font-size: 0.85em;
    color: ${sys('color-on-surface-variant')};
  }
  .field-error {
    color: ${sys('color-error')};
  }
  button.danger {
    background: ${sys('color-error')};
    border-color: ${sys('color-error')};
    color: ${sys('color-on-error')};
  }
`;

/** Layout of the admin elements: a list beside (or, narrow, above) the form; fields that wrap. */
export const adminStyles = css`
  .layout {
    display: grid;
    gap: ${sys('spacing-l')};
    grid-template-columns: minmax(0, 1fr);
  }
  @media (min-width: 900px) {
    .layout.split {
      grid-template-columns: minmax(14rem, 1fr) minmax(0, 2fr);
    }
  }
  h2,
  h3 {
    font-size: 1.1em;
    margin: 0 0 ${sys('spacing-s')};
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-s')};
    align-items: flex-end;
    margin-block-end: ${sys('spacing-m')};
  }
  ul.records {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-xs')};
  }
  ul.records li {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-xs')} ${sys('spacing-s')};
    align-items: center;
    padding: ${sys('spacing-s')};
    border-radius: var(--_radius);
    background: var(--_panel);
    min-inline-size: 0;
  }
  ul.records li[aria-current='true'] {
    outline: 2px solid var(--_accent);
  }
  ul.records .name {
    flex: 1 1 10rem;
    min-inline-size: 0;
    overflow-wrap: anywhere;
  }
  button.pick {
    flex: 1 1 10rem;
    justify-content: flex-start;
    text-align: start;
    border-color: transparent;
    color: inherit;
    min-inline-size: 0;
    overflow-wrap: anywhere;
  }
  form.editor {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-m')};
    min-inline-size: 0;
  }
  ${fieldStyles}
  textarea {
    resize: vertical;
    font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
  }
  button,
  input.native,
  select.native {
    min-block-size: 2.75rem;
  }
  button {
    min-inline-size: 2.75rem;
    justify-content: center;
  }
  label.field.check {
    min-inline-size: 2.75rem;
    cursor: pointer;
  }
  dialog {
    max-inline-size: min(30rem, calc(100vw - 2rem));
    color: inherit;
    background: var(--_surface);
    border: 1px solid ${sys('color-outline')};
    border-radius: var(--_radius);
    padding: ${sys('spacing-l')};
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.4);
  }
  [part='message'] {
    margin: 0 0 ${sys('spacing-s')};
  }
`;
