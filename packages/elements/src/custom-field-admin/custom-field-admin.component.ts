import { Task as LitTask } from '@lit/task';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmCustomFieldDeletedEvent, CrmCustomFieldSavedEvent } from '../events/admin-events.js';
import type { CrmStringKey } from '../i18n/strings.en.js';
import { adminStyles, checkboxField, ConfirmController, focusFirstInvalid, inputField, problemOnFields, selectField, textareaField, type FieldErrors } from '../shared/admin-form.js';
import { adminClient, allPages, customFieldKeyPattern, customFieldResources, customFieldTypes, type CustomField } from '../shared/api/admin.js';
import { isVersionConflict, readProblem } from '../shared/api/errors.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { CrmState } from '../state/state.component.js';
import { customFieldAdminStyles } from './custom-field-admin.styles.js';

/** A record kind that takes custom fields. */
export type CrmCustomFieldResource = (typeof customFieldResources)[number];
type FieldType = (typeof customFieldTypes)[number];

/** The definition form as typed; options one per line. */
interface FieldDraft {
  key: string;
  label: string;
  type: FieldType;
  options: string;
  required: boolean;
}

const choice = (type: string) => type === 'select' || type === 'multiselect';
const optionList = (text: string) => text.split('\n').map((o) => o.trim()).filter(Boolean);

function draftOf(field?: CustomField): FieldDraft {
  return { key: field?.key ?? '', label: field?.label ?? '', type: field?.type ?? 'text', options: (field?.options ?? []).join('\n'), required: field?.required ?? false };
}

/**
 * Custom field definitions for administrators, per record kind (contact, customer, lead,
 * opportunity, task): each field's key, label, type (text, number, date, yes/no, choice, multiple
 * choice), its options and whether it is required. The key is checked as the API checks it (a
 * lower-case letter, then letters, digits and `_`, at most 40; never `.` or `$`) and cannot change
 * once created; the API refuses a type change or a removed option while records hold such values,
 * and says so. Deleting a field, which also removes the values records hold, is confirmed first.
 *
 * @summary Custom field definitions per record kind: list, create, edit, delete.
 *
 * @event crm-custom-field-saved - A definition was created or changed; `detail.field`, `detail.created`.
 * @event crm-custom-field-deleted - A definition was deleted; `detail.field`.
 *
 * @csspart resource - The record kind picker.
 * @csspart list - The list of fields.
 * @csspart field - One field in the list.
 * @csspart delete-button - A field's delete button.
 * @csspart form - The create / edit form.
 * @csspart field-error - The message beside an invalid control.
 * @csspart message - A message about the last action.
 * @csspart confirm - The confirmation dialog.
 *
 * @cssproperty --crm-custom-field-admin-accent - Buttons and the chosen field. Defaults to `--crm-sys-color-primary`.
 * @cssproperty --crm-custom-field-admin-background - Background of a field row. Defaults to `--crm-sys-color-surface-container`.
 */
export class CrmCustomFieldAdmin extends CrmDataElement {
  static override styles = [controlStyles, adminStyles, customFieldAdminStyles];
  static override dependencies = { 'crm-state': CrmState };

  /** The record kind whose fields are shown: `contact`, `customer`, `lead`, `opportunity` or `task`. */
  @property({ reflect: true }) resource: CrmCustomFieldResource = 'contact';

  /** Hides the record kind picker (the host chooses `resource`). */
  @property({ type: Boolean, reflect: true, attribute: 'no-resource-picker' }) noResourcePicker = false;

  @state() private fields: CustomField[] = [];
  /** The definition being edited, `new` for a new one, '' for none. */
  @state() private editing = '';
  @state() private draft: FieldDraft = draftOf();
  @state() private errors: FieldErrors = {};
  @state() private busy = false;
  @state() private message = '';
  @state() private conflict: CustomField | undefined;

  private readonly confirm = new ConfirmController(this);

  private readonly load = new LitTask(this, {
    args: () => [this.client, this.resource] as const,
    task: async ([, resource], { signal }) => {
      this.fields = await allPages(adminClient(this.client).customFields.list({ resource }, { signal }));
      return this.fields;
    },
  });

  /** Loads the definitions again. */
  reload(): void {
    void this.load.run();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('resource') && changed.get('resource') !== undefined) {
      this.editing = '';
      this.errors = {};
      this.conflict = undefined;
    }
  }

  private get current(): CustomField | undefined {
    return this.fields.find((f) => f.id === this.editing);
  }

  private typeLabel(type: string): string {
    return this.msg(`customFieldAdmin.type.${type}` as CrmStringKey);
  }

  private async open(id: string): Promise<void> {
    this.editing = id;
    this.draft = draftOf(this.fields.find((f) => f.id === id));
    this.errors = {};
    this.conflict = undefined;
    this.message = '';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>(id === 'new' ? '[data-field="key"]' : '[data-field="label"]')?.focus();
  }

  private set(patch: Partial<FieldDraft>): void {
    this.draft = { ...this.draft, ...patch };
    const cleared = { ...this.errors };
    for (const key of Object.keys(patch)) delete cleared[key];
    this.errors = cleared;
  }

  /** The checks the API makes, so a mistake shows before a round trip. */
  private validate(): FieldErrors {
    const d = this.draft;
    const errors: FieldErrors = {};
    if (!this.current) {
      if (!d.key) errors.key = this.msg('field.required', { label: this.msg('customFieldAdmin.key') });
      else if (!customFieldKeyPattern.test(d.key)) errors.key = this.msg('customFieldAdmin.keyInvalid');
      else if (this.fields.some((f) => f.key === d.key)) errors.key = this.msg('customFieldAdmin.keyTaken', { key: d.key });
    }
    if (!d.label.trim()) errors.label = this.msg('field.required', { label: this.msg('customFieldAdmin.label') });
    if (choice(d.type)) {
      const options = optionList(d.options);
      if (!options.length) errors.options = this.msg('customFieldAdmin.optionsRequired');
      else if (new Set(options).size !== options.length) errors.options = this.msg('customFieldAdmin.optionsRepeat');
      else if (options.some((o) => o.length > 100)) errors.options = this.msg('customFieldAdmin.optionTooLong');
    }
    return errors;
  }

  private async save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.busy) return;
    this.errors = this.validate();
    this.message = '';
    if (Object.keys(this.errors).length) {
      await this.updateComplete;
      focusFirstInvalid(this.renderRoot, this.errors);
      return;
    }
    const d = this.draft;
    const options = choice(d.type) ? optionList(d.options) : [];
    const current = this.current;
    this.busy = true;
    try {
      const api = adminClient(this.client).customFields;
      const saved = current
        ? await api.update(current.id, { label: d.label.trim(), type: d.type, options, required: d.required }, { ifMatch: this.conflict?.version ?? current.version })
        : await api.create({ resource: this.resource, key: d.key, label: d.label.trim(), type: d.type, options, required: d.required });
      this.fields = current ? this.fields.map((f) => (f.id === saved.id ? saved : f)) : [...this.fields, saved].sort((a, b) => a.key.localeCompare(b.key));
      this.editing = saved.id;
      this.draft = draftOf(saved);
      this.conflict = undefined;
      this.message = this.msg('customFieldAdmin.saved', { label: saved.label });
      this.emit(new CrmCustomFieldSavedEvent({ field: saved, created: !current }));
    } catch (error) {
      const problem = readProblem(error);
      if (isVersionConflict(problem) && problem.current) {
        this.conflict = problem.current as CustomField;
        this.message = this.msg('admin.conflict');
        return;
      }
      const { errors, other } = problemOnFields(problem, this.renderRoot);
      this.errors = errors;
      this.message = other.length ? other.join('; ') : Object.keys(errors).length ? this.msg('admin.fixFields') : problem.detail;
      await this.updateComplete;
      focusFirstInvalid(this.renderRoot, this.errors);
    } finally {
      this.busy = false;
    }
  }

  private takeTheirs(): void {
    const theirs = this.conflict!;
    this.fields = this.fields.map((f) => (f.id === theirs.id ? theirs : f));
    this.draft = draftOf(theirs);
    this.conflict = undefined;
    this.message = this.msg('admin.reloaded');
  }

  private async deleteField(field: CustomField): Promise<void> {
    const ok = await this.confirm.ask({
      heading: this.msg('customFieldAdmin.deleteHeading', { label: field.label }),
      message: this.msg('customFieldAdmin.deleteExplained'),
      confirmLabel: this.msg('customFieldAdmin.delete'),
      cancelLabel: this.msg('admin.cancel'),
      danger: true,
    });
    if (!ok) return;
    this.busy = true;
    try {
      await adminClient(this.client).customFields.remove(field.id);
      this.fields = this.fields.filter((f) => f.id !== field.id);
      if (this.editing === field.id) this.editing = '';
      this.message = this.msg('customFieldAdmin.deleted', { label: field.label });
      this.emit(new CrmCustomFieldDeletedEvent({ field }));
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[data-new]')?.focus();
    } catch (error) {
      this.message = readProblem(error).detail;
    } finally {
      this.busy = false;
    }
  }

  private renderField(field: CustomField): TemplateResult {
    return html`<li part="field" data-key=${field.key} aria-current=${field.id === this.editing ? 'true' : 'false'}>
      <button type="button" class="pick" @click=${() => this.open(field.id)}>
        <span class="name"><strong>${field.label}</strong> <code>${field.key}</code><br />
          <span class="muted">${this.typeLabel(field.type)}${choice(field.type) ? html` · ${this.plural('customFieldAdmin.options', field.options.length)}` : nothing}</span></span>
      </button>
      ${field.required ? html`<span class="badge">${this.msg('customFieldAdmin.requiredBadge')}</span>` : nothing}
      <button part="delete-button" type="button" ?disabled=${this.busy} aria-label=${this.msg('customFieldAdmin.deleteNamed', { label: field.label })}
        @click=${() => this.deleteField(field)}>${this.msg('customFieldAdmin.delete')}</button>
    </li>`;
  }

  private renderForm(): TemplateResult {
    if (!this.editing) return html`<p class="muted">${this.msg('customFieldAdmin.pick')}</p>`;
    const current = this.current;
    const d = this.draft;
    const e = this.errors;
    return html`<form part="form" class="editor" novalidate aria-labelledby="field-form-heading" @submit=${this.save}>
      <h3 id="field-form-heading">${current ? this.msg('customFieldAdmin.editHeading', { label: current.label }) : this.msg('customFieldAdmin.newHeading')}</h3>
      ${this.conflict
        ? html`<div class="banner error" role="alert">${this.msg('admin.conflict')}
            <button type="button" @click=${this.takeTheirs}>${this.msg('admin.loadTheirs')}</button></div>`
        : nothing}
      <div class="fields">
        ${current
          ? html`<div class="field"><span class="label">${this.msg('customFieldAdmin.key')}</span><code data-field="key" tabindex="-1">${current.key}</code>
              <span class="hint">${this.msg('customFieldAdmin.keyFixed')}</span></div>`
          : inputField({ field: 'key', label: this.msg('customFieldAdmin.key'), value: d.key, error: e.key, required: true, maxlength: 40, hint: this.msg('customFieldAdmin.keyHint'), onInput: (key) => this.set({ key: key.trim() }) })}
        ${inputField({ field: 'label', label: this.msg('customFieldAdmin.label'), value: d.label, error: e.label, required: true, maxlength: 100, onInput: (label) => this.set({ label }) })}
        ${selectField({
          field: 'type', label: this.msg('customFieldAdmin.type'), value: d.type, error: e.type,
          options: customFieldTypes.map((t) => ({ value: t, label: this.typeLabel(t) })),
          hint: current ? this.msg('customFieldAdmin.typeHint') : undefined,
          onInput: (type) => this.set({ type: type as FieldType }),
        })}
        ${checkboxField({ field: 'required', label: this.msg('customFieldAdmin.required'), checked: d.required, onChange: (required) => this.set({ required }) })}
        ${choice(d.type)
          ? textareaField({ field: 'options', label: this.msg('customFieldAdmin.optionsLabel'), value: d.options, error: e.options, rows: 5, hint: this.msg('customFieldAdmin.optionsHint'), onInput: (options) => this.set({ options }) })
          : nothing}
      </div>
      <div class="row">
        <button type="submit" class="primary" ?disabled=${this.busy} aria-busy=${this.busy ? 'true' : 'false'}>${this.msg(current ? 'admin.save' : 'customFieldAdmin.create')}</button>
      </div>
    </form>`;
  }

  private renderPicker(): TemplateResult | typeof nothing {
    if (this.noResourcePicker) return nothing;
    return html`<div part="resource" class="toolbar">${selectField({
      field: 'resource', label: this.msg('admin.recordKind'), value: this.resource,
      options: customFieldResources.map((r) => ({ value: r, label: this.msg(`admin.resource.${r}` as CrmStringKey) })),
      onInput: (resource) => (this.resource = resource as CrmCustomFieldResource),
    })}</div>`;
  }

  override render() {
    const body = this.load.render({
      initial: () => html`<crm-state kind="loading"></crm-state>`,
      pending: () => html`<crm-state kind="loading"></crm-state>`,
      error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${this.reload}></crm-state>`,
      complete: () => html`<div class="layout split">
        <section aria-labelledby="fields-heading">
          <div class="toolbar">
            <h2 id="fields-heading">${this.plural('customFieldAdmin.count', this.fields.length)}</h2>
            <button type="button" class="primary" data-new @click=${() => this.open('new')}>${this.msg('customFieldAdmin.new')}</button>
          </div>
          ${this.fields.length
            ? html`<ul part="list" class="records">${this.fields.map((f) => this.renderField(f))}</ul>`
            : html`<crm-state kind="empty" message=${this.msg('customFieldAdmin.empty')}></crm-state>`}
        </section>
        <section aria-label=${this.msg('customFieldAdmin.formLabel')}>${this.renderForm()}</section>
      </div>`,
    });
    return html`<p part="message" class="banner" role="status">${this.message}</p>${this.renderPicker()}${body}${this.confirm.render()}`;
  }
}
