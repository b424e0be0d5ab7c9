import { Task as LitTask } from '@lit/task';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { CrmTemplateDeletedEvent, CrmTemplateSavedEvent } from '../events/admin-events.js';
import type { CrmStringKey } from '../i18n/strings.en.js';
import { syncSelects, adminStyles, ConfirmController, focusFirstInvalid, inputField, problemOnFields, selectField, textareaField, type FieldErrors } from '../shared/admin-form.js';
import { adminClient, allPages, templateCategories, type MessageTemplate, type RenderedMessage } from '../shared/api/admin.js';
import { isVersionConflict, readProblem } from '../shared/api/errors.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatDate } from '../shared/format.js';
import { CrmState } from '../state/state.component.js';
import { templateAdminStyles } from './template-admin.styles.js';

type Category = (typeof templateCategories)[number];
type SourcePart = 'subject' | 'text' | 'html';

/** The template form as typed. */
interface TemplateDraft {
  name: string;
  category: Category;
  description: string;
  subject: string;
  text: string;
  html: string;
}

/** The merge fields the API fills in for each recipient (handlebars). */
export const mergeFields = ['recipient.firstName', 'recipient.lastName', 'recipient.fullName', 'recipient.email', 'recipient.companyName', 'agency.name', 'unsubscribeUrl'] as const;

function draftOf(template?: MessageTemplate): TemplateDraft {
  return {
    name: template?.name ?? '',
    category: template?.category ?? 'marketing',
    description: template?.description ?? '',
    subject: template?.subject ?? '',
    text: template?.text ?? '',
    html: template?.html ?? '',
  };
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The HTML part for a text written without one: paragraphs and line breaks, merge fields untouched. */
export function htmlFromText(text: string): string {
  return text
    .trim()
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

/** A contact to preview with. */
interface PreviewContact {
  id: string;
  name: string;
}

/**
 * Message templates for administrators: the list; a form for name, category, subject and body in
 * handlebars with buttons that insert the merge fields the API fills in (`{{recipient.firstName}}`,
 * `{{agency.name}}`, `{{unsubscribeUrl}}`...) at the cursor; and a preview of the saved template
 * rendered by the API for a real contact found by name. A template that does not compile is refused
 * by the API, and its message (with the line) shows beside the part it is about. The HTML part may be
 * left empty: it is then made from the text. Saves send the version read (`If-Match`): when another
 * admin saved first, their version can be loaded, or this one saved over it. Opening another template
 * with unsaved changes asks first.
 *
 * @summary Message templates: list, create, edit with merge fields, preview for a real contact, delete.
 *
 * @event crm-template-saved - A template was created or changed; `detail.template`, `detail.created`.
 * @event crm-template-deleted - A template was deleted (after a confirmation); `detail.template`.
 *
 * @csspart list - The list of templates.
 * @csspart template - One template in the list.
 * @csspart form - The create / edit form.
 * @csspart merge-fields - The buttons that insert merge fields.
 * @csspart field-error - The message beside an invalid control.
 * @csspart preview - The preview: contact search, the rendered subject and text.
 * @csspart preview-html - The rendered HTML, in a sandboxed frame (no scripts, no same origin).
 * @csspart delete-button - The delete button of a saved template.
 * @csspart confirm - The confirmation dialog.
 * @csspart message - A message about the last action.
 *
 * @cssproperty --crm-template-admin-accent - Buttons and the chosen template. Defaults to `--crm-sys-color-primary`.
 * @cssproperty --crm-template-admin-background - Background of a template row and the preview. Defaults to `--crm-sys-color-surface-container`.
 */
export class CrmTemplateAdmin extends CrmDataElement {
  static override styles = [controlStyles, adminStyles, templateAdminStyles];
  static override dependencies = { 'crm-state': CrmState };

  @state() private templates: MessageTemplate[] = [];
  /** The template being edited, `new` for a new one, '' for none. */
  @state() private editing = '';
  @state() private draft: TemplateDraft = draftOf();
  @state() private dirty = false;
  @state() private errors: FieldErrors = {};
  @state() private busy = false;
  @state() private message = '';
  @state() private search = '';
  @state() private found: PreviewContact[] | undefined;
  @state() private contactId = '';
  @state() private preview: RenderedMessage | undefined;
  @state() private previewError = '';
  /** The version another admin saved while this one was being edited. */
  @state() private conflict: MessageTemplate | undefined;

  private readonly confirm = new ConfirmController(this);

  /** The part the last merge field goes into, and where its cursor was. */
  private lastPart: { part: SourcePart; at: number } = { part: 'text', at: -1 };

  private readonly load = new LitTask(this, {
    args: () => [this.client] as const,
    task: async (_, { signal }) => {
      this.templates = await allPages(adminClient(this.client).templates.list({ limit: 100 }, { signal }));
      return this.templates;
    },
  });

  /** Loads the templates again. */
  reload(): void {
    void this.load.run();
  }

  private get current(): MessageTemplate | undefined {
    return this.templates.find((t) => t.id === this.editing);
  }

  private async open(id: string): Promise<void> {
    if (this.dirty && id !== this.editing) {
      const discard = await this.confirm.ask({
        heading: this.msg('workflowAdmin.discardHeading'),
        message: this.msg('workflowAdmin.discardExplained'),
        confirmLabel: this.msg('workflowAdmin.discard'),
        cancelLabel: this.msg('workflowAdmin.keepEditing'),
        danger: true,
      });
      if (!discard) return;
    }
    this.editing = id;
    this.draft = draftOf(this.templates.find((t) => t.id === id));
    this.dirty = false;
    this.errors = {};
    this.message = '';
    this.preview = undefined;
    this.previewError = '';
    this.conflict = undefined;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('[data-field="name"]')?.focus();
  }

  private set(patch: Partial<TemplateDraft>): void {
    this.draft = { ...this.draft, ...patch };
    this.dirty = true;
    const cleared = { ...this.errors };
    for (const key of Object.keys(patch)) delete cleared[key];
    this.errors = cleared;
  }

  /** Remembers the cursor of subject, text or HTML, where a merge field button inserts. */
  private track(event: Event): void {
    const target = event.target as HTMLInputElement | HTMLTextAreaElement;
    const part = target.dataset.field as SourcePart | undefined;
    if (part === 'subject' || part === 'text' || part === 'html') this.lastPart = { part, at: target.selectionStart ?? target.value.length };
  }

  private async insert(field: string): Promise<void> {
    const { part, at } = this.lastPart;
    const value = this.draft[part];
    const position = at < 0 || at > value.length ? value.length : at;
    const token = `{{${field}}}`;
    this.set({ [part]: value.slice(0, position) + token + value.slice(position) });
    this.lastPart = { part, at: position + token.length };
    await this.updateComplete;
    const control = this.renderRoot.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[data-field="${part}"]`);
    control?.focus();
    control?.setSelectionRange(position + token.length, position + token.length);
  }

  private validate(): FieldErrors {
    const d = this.draft;
    const errors: FieldErrors = {};
    const required = (field: keyof TemplateDraft, label: CrmStringKey) => {
      if (!d[field].trim()) errors[field] = this.msg('field.required', { label: this.msg(label) });
    };
    required('name', 'templateAdmin.name');
    required('subject', 'templateAdmin.subject');
    required('text', 'templateAdmin.text');
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
    const body = { name: d.name.trim(), category: d.category, description: d.description.trim() || null, subject: d.subject, text: d.text, html: d.html.trim() ? d.html : htmlFromText(d.text) };
    const current = this.current;
    this.busy = true;
    try {
      const api = adminClient(this.client).templates;
      const saved = current ? await api.update(current.id, body, { ifMatch: this.conflict?.version ?? current.version }) : await api.create(body);
      this.templates = current ? this.templates.map((t) => (t.id === saved.id ? saved : t)) : [saved, ...this.templates];
      this.editing = saved.id;
      this.draft = draftOf(saved);
      this.dirty = false;
      this.conflict = undefined;
      this.preview = undefined;
      this.message = this.msg('templateAdmin.saved', { name: saved.name });
      this.emit(new CrmTemplateSavedEvent({ template: saved, created: !current }));
    } catch (error) {
      const problem = readProblem(error);
      if (isVersionConflict(problem) && problem.current) {
        this.conflict = problem.current as MessageTemplate;
        this.message = this.msg('admin.conflict');
        return;
      }
      const { errors, other } = problemOnFields(problem, this.renderRoot);
      // A taken name is a conflict without errors[]: it belongs beside the name.
      if (problem.code === 'conflict' && !Object.keys(errors).length) errors.name = problem.detail;
      // HTML made from the text fails where the text does: say so beside the text the user wrote.
      if (!d.html.trim() && errors.html) {
        errors.text ??= errors.html;
        delete errors.html;
      }
      this.errors = errors;
      this.message = other.length ? other.join('; ') : Object.keys(errors).length ? this.msg('admin.fixFields') : problem.detail;
      await this.updateComplete;
      focusFirstInvalid(this.renderRoot, this.errors);
    } finally {
      this.busy = false;
    }
  }

  /** Takes the version another admin saved (their changes win). */
  private takeTheirs(): void {
    const theirs = this.conflict!;
    this.templates = this.templates.map((t) => (t.id === theirs.id ? theirs : t));
    this.draft = draftOf(theirs);
    this.dirty = false;
    this.conflict = undefined;
    this.message = this.msg('admin.reloaded');
  }

  private async deleteTemplate(template: MessageTemplate): Promise<void> {
    const ok = await this.confirm.ask({
      heading: this.msg('templateAdmin.deleteHeading', { name: template.name }),
      message: this.msg('templateAdmin.deleteExplained'),
      confirmLabel: this.msg('templateAdmin.delete'),
      cancelLabel: this.msg('admin.cancel'),
      danger: true,
    });
    if (!ok) return;
    this.busy = true;
    try {
      await adminClient(this.client).templates.remove(template.id);
      this.templates = this.templates.filter((t) => t.id !== template.id);
      this.editing = '';
      this.dirty = false;
      this.message = this.msg('templateAdmin.deleted', { name: template.name });
      this.emit(new CrmTemplateDeletedEvent({ template }));
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[data-new]')?.focus();
    } catch (error) {
      this.message = readProblem(error).detail;
    } finally {
      this.busy = false;
    }
  }

  private async findContacts(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    this.previewError = '';
    try {
      const page = await adminClient(this.client).contacts.list({ q: this.search.trim(), limit: 10 });
      this.found = page.data.map((c) => ({ id: c.id, name: c.fullName || `${c.firstName} ${c.lastName}` }));
      this.contactId = this.found[0]?.id ?? '';
      if (!this.found.length) this.previewError = this.msg('templateAdmin.noContacts', { search: this.search.trim() });
    } catch (error) {
      this.previewError = readProblem(error).detail;
    }
  }

  private async renderPreview(): Promise<void> {
    const current = this.current;
    if (!current || !this.contactId) return;
    this.busy = true;
    this.previewError = '';
    try {
      this.preview = await adminClient(this.client).templates.preview(current.id, { contactId: this.contactId });
    } catch (error) {
      this.preview = undefined;
      this.previewError = readProblem(error).detail;
    } finally {
      this.busy = false;
    }
  }

  private renderTemplate(template: MessageTemplate): TemplateResult {
    return html`<li part="template" data-template=${template.id} aria-current=${template.id === this.editing ? 'true' : 'false'}>
      <button type="button" class="pick" @click=${() => this.open(template.id)}>
        <span class="name"><strong>${template.name}</strong><br />
          <span class="muted">${this.msg(`templateAdmin.category.${template.category}` as CrmStringKey)} · ${this.msg('templateAdmin.updated', { date: formatDate(template.updatedAt, this.activeLocale, this.activeTimeZone) })}</span></span>
      </button>
    </li>`;
  }

  private renderPreviewPanel(): TemplateResult {
    const current = this.current;
    if (!current) return html`<p part="preview" class="muted">${this.msg('templateAdmin.previewAfterSave')}</p>`;
    return html`<section part="preview" class="preview" aria-labelledby="preview-heading">
      <h3 id="preview-heading">${this.msg('templateAdmin.preview')}</h3>
      ${this.dirty ? html`<p class="muted">${this.msg('templateAdmin.previewSaved')}</p>` : nothing}
      <form class="row" role="search" @submit=${this.findContacts}>
        <div class="field grow">
          <label for="preview-search">${this.msg('templateAdmin.findContact')}</label>
          <input id="preview-search" class="native" type="search" .value=${this.search} @input=${(e: Event) => (this.search = (e.target as HTMLInputElement).value)} />
        </div>
        <button type="submit">${this.msg('templateAdmin.find')}</button>
      </form>
      ${this.found?.length
        ? html`<div class="row">
            ${selectField({ field: 'previewContact', label: this.msg('templateAdmin.recipient'), value: this.contactId, options: this.found.map((c) => ({ value: c.id, label: c.name })), onInput: (id) => (this.contactId = id) })}
            <button type="button" class="primary" data-preview ?disabled=${this.busy} @click=${this.renderPreview}>${this.msg('templateAdmin.showPreview')}</button>
          </div>`
        : nothing}
      <p class="field-error" role="status">${this.previewError}</p>
      ${this.preview
        ? html`<div class="rendered" data-rendered>
            <p><span class="label">${this.msg('templateAdmin.subject')}:</span> <span data-rendered-subject>${this.preview.subject}</span></p>
            <pre data-rendered-text>${this.preview.text}</pre>
            <iframe part="preview-html" sandbox="" title=${this.msg('templateAdmin.htmlPreview')} .srcdoc=${this.preview.html}></iframe>
          </div>`
        : nothing}
    </section>`;
  }

  private renderForm(): TemplateResult {
    if (!this.editing) return html`<p class="muted">${this.msg('templateAdmin.pick')}</p>`;
    const current = this.current;
    const d = this.draft;
    const e = this.errors;
    return html`<form part="form" class="editor" novalidate aria-labelledby="template-form-heading" @submit=${this.save}
        @keyup=${this.track} @click=${this.track} @focusin=${this.track}>
        <h3 id="template-form-heading">${current ? this.msg('templateAdmin.editHeading', { name: current.name }) : this.msg('templateAdmin.newHeading')}</h3>
        ${this.conflict
          ? html`<div class="banner error" role="alert">${this.msg('admin.conflict')}
              <button type="button" @click=${this.takeTheirs}>${this.msg('admin.loadTheirs')}</button></div>`
          : nothing}
        <div class="fields">
          ${inputField({ field: 'name', label: this.msg('templateAdmin.name'), value: d.name, error: e.name, required: true, maxlength: 120, onInput: (name) => this.set({ name }) })}
          ${selectField({
            field: 'category', label: this.msg('templateAdmin.categoryLabel'), value: d.category, error: e.category,
            options: templateCategories.map((c) => ({ value: c, label: this.msg(`templateAdmin.category.${c}` as CrmStringKey) })),
            onInput: (category) => this.set({ category: category as Category }),
          })}
          ${inputField({ field: 'description', label: this.msg('templateAdmin.description'), value: d.description, error: e.description, maxlength: 1000, onInput: (description) => this.set({ description }) })}
          <div class="field wide" part="merge-fields" role="group" aria-labelledby="merge-label">
            <span id="merge-label" class="label">${this.msg('templateAdmin.mergeFields')}</span>
            <span class="hint">${this.msg('templateAdmin.mergeHint')}</span>
            <div class="row">
              ${mergeFields.map((field) => html`<button type="button" class="merge" data-merge=${field} @mousedown=${(ev: Event) => ev.preventDefault()}
                @click=${() => this.insert(field)}>${this.msg(`templateAdmin.merge.${field}` as CrmStringKey)}</button>`)}
            </div>
          </div>
          <div class="field wide">${inputField({ field: 'subject', label: this.msg('templateAdmin.subject'), value: d.subject, error: e.subject, required: true, maxlength: 500, onInput: (subject) => this.set({ subject }) })}</div>
          ${textareaField({ field: 'text', label: this.msg('templateAdmin.text'), value: d.text, error: e.text, required: true, rows: 8, onInput: (text) => this.set({ text }) })}
          ${textareaField({ field: 'html', label: this.msg('templateAdmin.html'), value: d.html, error: e.html, rows: 6, hint: this.msg('templateAdmin.htmlHint'), onInput: (value) => this.set({ html: value }) })}
        </div>
        <div class="row">
          <button type="submit" class="primary" ?disabled=${this.busy} aria-busy=${this.busy ? 'true' : 'false'}>${this.msg(current ? 'admin.save' : 'templateAdmin.create')}</button>
          ${current ? html`<button type="button" part="delete-button" data-delete ?disabled=${this.busy} @click=${() => this.deleteTemplate(current)}>${this.msg('templateAdmin.delete')}</button>` : nothing}
        </div>
      </form>
      ${this.renderPreviewPanel()}`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    syncSelects(this.renderRoot);
  }

  override render() {
    const body = this.load.render({
      initial: () => html`<crm-state kind="loading"></crm-state>`,
      pending: () => html`<crm-state kind="loading"></crm-state>`,
      error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${this.reload}></crm-state>`,
      complete: () => html`<div class="layout split">
        <section aria-labelledby="templates-heading">
          <div class="toolbar">
            <h2 id="templates-heading">${this.plural('templateAdmin.count', this.templates.length)}</h2>
            <button type="button" class="primary" data-new @click=${() => this.open('new')}>${this.msg('templateAdmin.new')}</button>
          </div>
          ${this.templates.length
            ? html`<ul part="list" class="records">${this.templates.map((t) => this.renderTemplate(t))}</ul>`
            : html`<crm-state kind="empty" message=${this.msg('templateAdmin.empty')}></crm-state>`}
        </section>
        <section aria-label=${this.msg('templateAdmin.formLabel')}>${this.renderForm()}</section>
      </div>`,
    });
    return html`<p part="message" class="banner" role="status">${this.message}</p>${body}${this.confirm.render()}`;
  }
}
