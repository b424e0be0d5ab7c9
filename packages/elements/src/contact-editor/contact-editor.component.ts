import { Task } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { CrmContactCancelEvent, CrmContactPictureChangedEvent, CrmContactSavedEvent, CrmCloseRequestedEvent } from '../events/contact-events.js';
import type { CrmFieldDetail } from '../events/field-events.js';
import { CrmSelectField } from '../select-field/select-field.component.js';
import { createContact, loadContact, loadContactFields, loadOwners, loadProducts, removeContactPicture, updateContact, uploadContactPicture } from '../shared/api/contact-editor.js';
import { isVersionConflict, readProblem } from '../shared/api/errors.js';
import type { Contact, CustomFieldDefinition, Person, Product } from '../shared/api/types.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { focusFirstError, focusWithoutJump, mapFieldErrors, validateFields, type CrmFormField } from '../shared/form-field.js';
import { CrmState } from '../state/state.component.js';
import { CrmTextField } from '../text-field/text-field.component.js';
import { contactEditorStyles } from './contact-editor.styles.js';
import { emptyEntry, sameDraft, toBody, toDraft, withValue, type ContactDraft, type ContactListKey } from './contact-draft.js';
import { renderCustomField } from './custom-field.js';
import { isShowablePictureUrl, preparePicture } from './picture.js';

interface EditorData {
  contact: Contact | undefined;
  definitions: CustomFieldDefinition[];
  owners: Person[];
  products: Product[];
}

/**
 * Creates or edits a contact: names, job title, emails, phones and addresses (labelled, one primary
 * each), company, owner and product, tags, notes, consent, picture and the tenant's custom
 * attributes. The picture is uploaded from a file through `crm.contacts.uploadPicture` (a large photo is
 * scaled down first): at once for a saved contact, right after the create for a new one; the API's
 * refusals (not an image, larger than 1 MB) show on the picture field, and "Remove picture" calls
 * `crm.contacts.removePicture`. Shows the API's per-field errors beside the fields, saves with
 * `If-Match` and explains a conflicting change, and guards unsaved changes. Usable with the keyboard
 * alone (Escape cancels).
 *
 * @summary A contact form with inline API validation, conflict handling and an unsaved-changes guard.
 *
 * @slot heading - Replaces the default heading ("New contact" / "Edit contact").
 *
 * @event crm-contact-saved - The contact was saved; `detail.contact` is the API's record (with its picture, for a create with one), `detail.created` tells a create.
 * @event crm-contact-picture-changed - The picture of a saved contact was uploaded or removed; `detail.contact` is the API's record, its `pictureUrl` new or null.
 * @event crm-contact-cancel - The person left without saving (after confirming when there were changes).
 * @event crm-close-requested - Cancelable, before closing on Cancel or Escape; `detail.dirty` says if changes would be lost.
 *
 * @csspart form - The form.
 * @csspart section - Each group of fields.
 * @csspart entry - One email, phone or address.
 * @csspart picture - The picture preview.
 * @csspart picture-input - The file input that uploads a picture.
 * @csspart picture-remove - The "Remove picture" button.
 * @csspart conflict - The message shown when someone else changed the contact meanwhile.
 * @csspart error-summary - Errors the API reported for no particular field.
 * @csspart actions - The row of Save and Cancel.
 * @csspart save-button - The Save button.
 * @csspart cancel-button - The Cancel button.
 * @csspart confirm - The "discard changes?" question.
 *
 * @cssproperty --crm-contact-editor-background - Background. Defaults to `--crm-sys-color-surface`.
 * @cssproperty --crm-contact-editor-section-background - Background of each group. Defaults to `--crm-sys-color-surface`.
 * @cssproperty --crm-contact-editor-accent - Save button and links. Defaults to `--crm-sys-color-primary`.
 * @cssproperty --crm-contact-editor-gap - Space between groups. Defaults to `--crm-sys-spacing-l`.
 * @cssproperty --crm-contact-editor-columns - Minimum column width of the field grid. Defaults to `14rem`.
 */
export class CrmContactEditor extends CrmDataElement {
  static override styles = [controlStyles, contactEditorStyles];
  static override dependencies = { 'crm-text-field': CrmTextField, 'crm-select-field': CrmSelectField, 'crm-state': CrmState };

  /** Id of the contact to edit; leave empty to create one. */
  @property({ attribute: 'contact-id', reflect: true }) contactId = '';

  /** A contact the host already loaded, edited without fetching it again. */
  @property({ attribute: false }) contact: Contact | undefined;

  /** Values a new contact starts with (a scanned business card); the form starts changed, and Save creates it. */
  @property({ attribute: false }) initial: Partial<Contact> | undefined;

  /** Hides owner and product (for hosts that assign records elsewhere). */
  @property({ type: Boolean, reflect: true, attribute: 'no-assignment' }) noAssignment = false;

  @state() private draft: ContactDraft = toDraft();
  @state() private original: ContactDraft = toDraft();
  @state() private record: Contact | undefined;
  @state() private fieldErrors: Record<string, string> = {};
  @state() private otherErrors: string[] = [];
  @state() private conflict: Contact | undefined;
  @state() private saving = false;
  @state() private confirmingDiscard = false;
  @state() private statusMessage = '';
  @state() private pictureError = '';
  @state() private pictureBusy = false;
  /** The picked picture of a contact not created yet; uploaded right after the create. */
  @state() private pendingPicture: Blob | undefined;
  /** An object URL of the picked picture, shown while it waits or uploads. */
  @state() private picturePreview = '';

  private readonly load = new Task(this, {
    args: () => [this.client, this.contactId, this.contact, this.initial] as const,
    task: async ([, id, given], { signal }): Promise<EditorData> => {
      const api = this.api;
      const [contact, definitions, owners, products] = await Promise.all([
        given ?? (id ? loadContact(api, id, { signal }) : Promise.resolve(undefined)),
        loadContactFields(api, { signal }),
        this.noAssignment ? [] : loadOwners(api, { signal }),
        this.noAssignment ? [] : loadProducts(api, { signal }),
      ]);
      this.adopt(contact);
      return { contact, definitions, owners, products };
    },
  });

  /** True while the form holds changes that are not saved. */
  get dirty(): boolean {
    return !sameDraft(this.draft, this.original) || this.pendingPicture !== undefined;
  }

  /**
   * Asks to close the editor, as Cancel does: fires `crm-close-requested`, then asks to confirm when
   * there are unsaved changes. Resolves true when the editor may close now.
   */
  requestClose(): boolean {
    return this.close('method');
  }

  private readonly beforeUnload = (event: BeforeUnloadEvent) => {
    if (this.dirty) event.preventDefault();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('beforeunload', this.beforeUnload);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('beforeunload', this.beforeUnload);
    this.showPreview('');
    super.disconnectedCallback();
  }

  private adopt(contact: Contact | undefined): void {
    this.record = contact;
    // A new contact with initial values differs from the empty one from the start: the values are the person's to save.
    this.draft = toDraft(contact ?? this.initial);
    this.original = toDraft(contact);
    this.fieldErrors = {};
    this.otherErrors = [];
    this.conflict = undefined;
    if (!this.pendingPicture) this.showPreview('');
  }

  private set(path: string, value: unknown): void {
    this.draft = withValue(this.draft, path, value);
    if (this.fieldErrors[path]) {
      const { [path]: _fixed, ...rest } = this.fieldErrors;
      this.fieldErrors = rest;
    }
    this.statusMessage = '';
  }

  private onFieldInput(event: CustomEvent<CrmFieldDetail>): void {
    if (event.detail.name) this.set(event.detail.name, event.detail.value);
  }

  private async addEntry(list: ContactListKey): Promise<void> {
    const entries = this.draft[list];
    this.draft = { ...this.draft, [list]: [...entries, emptyEntry(list, entries.length === 0)] };
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`[data-entry="${list}.${entries.length}"] crm-text-field`)?.focus();
  }

  private async removeEntry(list: ContactListKey, index: number): Promise<void> {
    const entries = this.draft[list].filter((_, i) => i !== index);
    if (entries.length > 0 && !entries.some((e) => e.primary)) entries[0] = { ...entries[0]!, primary: true };
    this.draft = { ...this.draft, [list]: entries };
    this.statusMessage = this.msg('contactEditor.entryRemoved');
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`[data-add="${list}"]`)?.focus();
  }

  /** Shows `url` (an object URL of a picked picture, or '') as the preview, releasing the one before. */
  private showPreview(url: string): void {
    if (this.picturePreview.startsWith('blob:')) URL.revokeObjectURL(this.picturePreview);
    this.picturePreview = url;
  }

  /** The picked file: uploaded at once for a saved contact, kept for the create of a new one. */
  private async onPictureChosen(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    this.pictureBusy = true;
    this.pictureError = '';
    this.statusMessage = this.msg('contactEditor.pictureReading');
    try {
      const { body, previewable } = await preparePicture(file);
      this.showPreview(previewable ? URL.createObjectURL(body) : '');
      if (this.record) {
        await this.uploadPicture(this.record.id, body);
      } else {
        this.pendingPicture = body;
        this.statusMessage = this.msg('contactEditor.picturePending');
      }
    } finally {
      this.pictureBusy = false;
      input.value = '';
    }
  }

  /** Uploads `body` as the contact's picture; true when the API took it, else its refusal shows on the field. */
  private async uploadPicture(id: string, body: Blob, announce = true): Promise<boolean> {
    this.pictureBusy = true;
    this.statusMessage = this.msg('contactEditor.pictureUploading');
    try {
      const contact = await uploadContactPicture(this.api, id, body);
      this.takePicture(contact, announce);
      this.statusMessage = this.msg('contactEditor.pictureUploaded');
      return true;
    } catch (error) {
      this.showPreview('');
      this.pictureError = this.pictureProblem(error);
      this.statusMessage = '';
      return false;
    } finally {
      this.pictureBusy = false;
    }
  }

  /** The API's refusal of a picture, in the reader's language where the code is known. */
  private pictureProblem(error: unknown): string {
    const problem = readProblem(error);
    if (problem.status === 415) return this.msg('contactEditor.pictureError.type');
    if (problem.status === 413) return this.msg('contactEditor.pictureError.size');
    return problem.detail || this.msg('state.error');
  }

  /** Adopts the picture (and version) of `contact` without touching the other fields being edited. */
  private takePicture(contact: Contact, announce = true): void {
    const pictureUrl = contact.pictureUrl ?? '';
    this.record = contact;
    this.draft = { ...this.draft, pictureUrl };
    this.original = { ...this.original, pictureUrl };
    this.pendingPicture = undefined;
    this.showPreview('');
    if (announce) this.emit(new CrmContactPictureChangedEvent({ contact }));
  }

  private async removePicture(): Promise<void> {
    this.pictureError = '';
    if (this.pendingPicture || !this.record?.pictureUrl) {
      this.pendingPicture = undefined;
      this.showPreview('');
      this.statusMessage = this.msg('contactEditor.pictureRemoved');
    } else {
      this.pictureBusy = true;
      try {
        this.takePicture(await removeContactPicture(this.api, this.record.id));
        this.statusMessage = this.msg('contactEditor.pictureRemoved');
      } catch (error) {
        this.pictureError = this.pictureProblem(error);
        this.statusMessage = '';
      } finally {
        this.pictureBusy = false;
      }
    }
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('input[type="file"]')?.focus();
  }

  private renderPicture(): TemplateResult {
    const stored = this.record?.pictureUrl ?? '';
    const preview = this.picturePreview || (isShowablePictureUrl(stored) ? stored : '');
    const hasPicture = Boolean(this.pendingPicture || stored);
    const pictureError = this.pictureError || this.error('pictureUrl');
    return html`<div class="picture-row" aria-busy=${this.pictureBusy ? 'true' : 'false'}>
      ${preview ? html`<img part="picture" src=${preview} alt=${this.msg('contactEditor.pictureAlt')} width="64" height="64" />` : html`<span part="picture" class="no-picture" aria-hidden="true"></span>`}
      <div class="stack picture-controls">
        <label class="stack">
          <span class="label">${this.msg('contactEditor.pictureUpload')}</span>
          <input part="picture-input" class="native" name="picture" type="file" accept="image/png,image/jpeg,image/webp,image/gif" ?disabled=${this.pictureBusy}
            aria-invalid=${pictureError ? 'true' : 'false'}
            aria-describedby=${pictureError ? 'picture-hint picture-error' : 'picture-hint'} @change=${this.onPictureChosen} />
        </label>
        <span id="picture-hint" class="muted">${this.msg('contactEditor.pictureUploadHint')}</span>
        ${pictureError ? html`<span id="picture-error" class="field-error" role="alert">${pictureError}</span>` : nothing}
        ${hasPicture
          ? html`<button type="button" part="picture-remove" class="quiet" data-remove-picture ?disabled=${this.pictureBusy} @click=${this.removePicture}>${this.msg('contactEditor.pictureRemove')}</button>`
          : nothing}
      </div>
    </div>`;
  }

  private setPrimary(list: ContactListKey, index: number): void {
    this.draft = { ...this.draft, [list]: this.draft[list].map((entry, i) => ({ ...entry, primary: i === index })) };
  }

  private async save(event?: SubmitEvent): Promise<void> {
    event?.preventDefault();
    if (this.saving) return;
    // Each invalid field shows its own message once, beside it; focus goes to the first, no scroll jump.
    const invalid = validateFields(this.renderRoot.querySelectorAll<CrmFormField>('crm-text-field, crm-select-field'));
    if (invalid.length > 0) {
      this.statusMessage = this.plural('contactEditor.fixErrors', invalid.length);
      return;
    }
    this.saving = true;
    this.fieldErrors = {};
    this.otherErrors = [];
    this.statusMessage = this.msg('contactEditor.saving');
    const definitions = this.load.value?.definitions ?? [];
    try {
      const body = toBody(this.draft, this.original, definitions);
      const created = !this.record;
      let saved = this.record ? await updateContact(this.api, this.record.id, body, this.record.version) : await createContact(this.api, body);
      const picture = this.pendingPicture;
      this.adopt(saved);
      this.statusMessage = this.msg('contactEditor.saved');
      // A new contact's picture goes up once the contact exists; the saved event then carries it.
      if (picture) {
        this.pendingPicture = undefined;
        if (await this.uploadPicture(saved.id, picture, false)) {
          saved = this.record ?? saved;
          this.statusMessage = this.msg('contactEditor.saved');
        } else {
          this.statusMessage = this.msg('contactEditor.savedWithoutPicture');
        }
      }
      this.emit(new CrmContactSavedEvent({ contact: saved, created }));
    } catch (error) {
      this.showProblem(error);
    } finally {
      this.saving = false;
    }
  }

  private async showProblem(error: unknown): Promise<void> {
    const problem = readProblem(error);
    this.statusMessage = '';
    if (isVersionConflict(problem)) {
      this.conflict = (problem.current as Contact | undefined) ?? (this.record ? await loadContact(this.api, this.record.id) : undefined);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[part="conflict"] button')?.focus();
      return;
    }
    const known = new Set([...this.renderRoot.querySelectorAll<HTMLElement>('[name]')].map((el) => el.getAttribute('name')));
    // One message per field, beside it: a path no field shows goes to its nearest named parent
    // (an address's `addresses.0.geo.lat` to the list), else to the summary beside the Save button.
    const { byField, other } = mapFieldErrors(problem.fieldErrors, (name) => known.has(name) || /^(emails|phones|addresses)$/.test(name));
    if (problem.fieldErrors.length === 0) other.push(problem.detail || this.msg('state.error'));
    this.fieldErrors = byField;
    this.otherErrors = other;
    const invalidCount = Object.keys(byField).length;
    this.statusMessage = invalidCount ? this.plural('contactEditor.fixErrors', invalidCount) : '';
    await this.updateComplete;
    if (!focusFirstError(this.renderRoot)) {
      const summary = this.renderRoot.querySelector<HTMLElement>('[part="error-summary"]');
      if (summary) focusWithoutJump(summary);
    }
  }

  private takeTheirs(): void {
    this.adopt(this.conflict);
    this.statusMessage = this.msg('contactEditor.reloaded');
  }

  private async keepMine(): Promise<void> {
    if (!this.conflict || !this.record) return;
    this.record = { ...this.record, version: this.conflict.version };
    this.conflict = undefined;
    await this.save();
  }

  private close(source: 'cancel-button' | 'keyboard' | 'method'): boolean {
    const dirty = this.dirty;
    if (this.emit(new CrmCloseRequestedEvent({ dirty, source })).defaultPrevented) return false;
    if (dirty) {
      this.confirmingDiscard = true;
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part="confirm"] button')?.focus());
      return false;
    }
    this.emit(new CrmContactCancelEvent({ dirty: false }));
    return true;
  }

  private discard(): void {
    this.confirmingDiscard = false;
    this.draft = this.original;
    this.emit(new CrmContactCancelEvent({ dirty: true }));
  }

  private async keepEditing(): Promise<void> {
    this.confirmingDiscard = false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[part="cancel-button"]')?.focus();
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    event.preventDefault();
    if (this.confirmingDiscard) void this.keepEditing();
    else this.close('keyboard');
  }

  private error(path: string): string {
    return this.fieldErrors[path] ?? '';
  }

  private text(name: string, label: string, value: string, extra: { type?: string; required?: boolean; autocomplete?: string; hint?: string; maxlength?: number } = {}): TemplateResult {
    return html`<crm-text-field
      name=${name}
      label=${label}
      type=${extra.type ?? 'text'}
      autocomplete=${extra.autocomplete ?? 'off'}
      hint=${extra.hint ?? ''}
      ?required=${extra.required ?? false}
      maxlength=${ifDefined(extra.maxlength)}
      .value=${value}
      error=${this.error(name)}
    ></crm-text-field>`;
  }

  private renderList(list: ContactListKey): TemplateResult {
    const what = this.msg(`contactEditor.${list}.one`);
    const listError = this.error(list);
    return html`<fieldset part="section" aria-describedby=${listError ? `${list}-error` : nothing}>
      <legend>${this.msg(`contactEditor.${list}`)}</legend>
      ${listError ? html`<p class="field-error" id="${list}-error">${listError}</p>` : nothing}
      ${this.draft[list].map((entry, i) => {
        const n = i + 1;
        const prefix = `${list}.${i}`;
        return html`<div class="entry" part="entry" data-entry=${prefix}>
          ${'value' in entry
            ? this.text(`${prefix}.value`, `${what} ${n}`, entry.value, { type: list === 'emails' ? 'email' : 'tel', required: true })
            : html`${this.text(`${prefix}.line1`, this.msg('contactEditor.line1', { n }), entry.line1 ?? '', { maxlength: 200 })}
                ${this.text(`${prefix}.line2`, this.msg('contactEditor.line2', { n }), entry.line2 ?? '', { maxlength: 200 })}
                ${this.text(`${prefix}.postalCode`, this.msg('contactEditor.postalCode', { n }), entry.postalCode ?? '', { maxlength: 20 })}
                ${this.text(`${prefix}.city`, this.msg('contactEditor.city', { n }), entry.city ?? '', { maxlength: 100 })}
                ${this.text(`${prefix}.country`, this.msg('contactEditor.country', { n }), entry.country ?? '', { maxlength: 100 })}`}
          ${this.text(`${prefix}.label`, this.msg('contactEditor.entryLabel', { what, n }), entry.label ?? '', { hint: this.msg('contactEditor.labelHint'), maxlength: 30 })}
          <div class="entry-actions">
            <label class="inline">
              <input type="radio" name="${list}-primary" .checked=${entry.primary} @change=${() => this.setPrimary(list, i)} />
              ${this.msg('contactEditor.primary', { what, n })}
            </label>
            <button type="button" class="quiet" @click=${() => this.removeEntry(list, i)}>${this.msg('contactEditor.remove', { what, n })}</button>
          </div>
        </div>`;
      })}
      <button type="button" data-add=${list} @click=${() => this.addEntry(list)}>${this.msg(`contactEditor.add.${list}`)}</button>
    </fieldset>`;
  }

  private renderAssignment(data: EditorData): TemplateResult | typeof nothing {
    if (this.noAssignment || (data.owners.length === 0 && data.products.length === 0)) return nothing;
    return html`<fieldset part="section">
      <legend>${this.msg('contactEditor.assignment')}</legend>
      <div class="grid">
        ${data.owners.length
          ? html`<crm-select-field name="ownerId" label=${this.msg('contactEditor.owner')} .value=${this.draft.ownerId} error=${this.error('ownerId')}
              .options=${data.owners.map((p) => ({ value: p.id, label: p.name }))}></crm-select-field>`
          : nothing}
        ${data.products.length
          ? html`<crm-select-field name="productId" label=${this.msg('contactEditor.product')} .value=${this.draft.productId} error=${this.error('productId')}
              .options=${data.products.map((p) => ({ value: p.id, label: p.name }))}></crm-select-field>`
          : nothing}
      </div>
    </fieldset>`;
  }

  private renderForm(data: EditorData): TemplateResult {
    const d = this.draft;
    return html`<form part="form" novalidate aria-labelledby="heading" @submit=${this.save} @crm-field-input=${this.onFieldInput} @keydown=${this.onKeydown}>
      <h2 id="heading"><slot name="heading">${this.msg(this.record ? 'contactEditor.editHeading' : 'contactEditor.newHeading')}</slot></h2>
      ${this.conflict
        ? html`<div part="conflict" class="banner error" role="alert">
            <p>${this.msg('contactEditor.conflict', { version: this.conflict.version })}</p>
            <div class="row">
              <button type="button" @click=${this.takeTheirs}>${this.msg('contactEditor.takeTheirs')}</button>
              <button type="button" @click=${this.keepMine}>${this.msg('contactEditor.keepMine')}</button>
            </div>
          </div>`
        : nothing}
      <fieldset part="section">
        <legend>${this.msg('contactEditor.person')}</legend>
        <div class="grid">
          ${this.text('firstName', this.msg('contactEditor.firstName'), d.firstName, { required: true, autocomplete: 'given-name', maxlength: 100 })}
          ${this.text('middleName', this.msg('contactEditor.middleName'), d.middleName, { autocomplete: 'additional-name', maxlength: 100 })}
          ${this.text('lastName', this.msg('contactEditor.lastName'), d.lastName, { required: true, autocomplete: 'family-name', maxlength: 100 })}
          ${this.text('jobTitle', this.msg('contactEditor.jobTitle'), d.jobTitle, { autocomplete: 'organization-title', maxlength: 150 })}
        </div>
        ${this.renderPicture()}
      </fieldset>
      ${this.renderList('emails')} ${this.renderList('phones')} ${this.renderList('addresses')}
      <fieldset part="section">
        <legend>${this.msg('contactEditor.company')}</legend>
        <div class="grid">
          ${this.text('company.name', this.msg('contactEditor.companyName'), d.company.name, { autocomplete: 'organization' })}
          ${this.text('company.industry', this.msg('contactEditor.industry'), d.company.industry)}
          ${this.text('company.website', this.msg('contactEditor.website'), d.company.website, { type: 'url' })}
        </div>
      </fieldset>
      ${this.renderAssignment(data)}
      <fieldset part="section">
        <legend>${this.msg('contactEditor.more')}</legend>
        <div class="grid">
          ${this.text('leadSource', this.msg('contactEditor.leadSource'), d.leadSource)}
          ${this.text('tags', this.msg('contactEditor.tags'), d.tags, { hint: this.msg('contactEditor.tagsHint') })}
          ${data.definitions.map((definition) => renderCustomField(definition, d.custom[definition.key], this.error(`custom.${definition.key}`), (path, value) => this.set(path, value)))}
        </div>
        <label class="stack">
          <span class="label">${this.msg('contactEditor.notes')}</span>
          <textarea name="notes" rows="4" .value=${d.notes} @input=${(e: Event) => this.set('notes', (e.target as HTMLTextAreaElement).value)}></textarea>
        </label>
        <div class="row">
          <label class="inline">
            <input type="checkbox" name="consent.marketing" .checked=${d.consent.marketing} @change=${(e: Event) => this.set('consent.marketing', (e.target as HTMLInputElement).checked)} />
            ${this.msg('contactEditor.consent')}
          </label>
          ${this.text('consent.source', this.msg('contactEditor.consentSource'), d.consent.source)}
        </div>
      </fieldset>
      ${this.confirmingDiscard
        ? html`<div part="confirm" class="banner" role="alertdialog" aria-labelledby="confirm-text">
            <p id="confirm-text">${this.msg('contactEditor.confirmDiscard')}</p>
            <div class="row">
              <button type="button" @click=${this.keepEditing}>${this.msg('contactEditor.keepEditing')}</button>
              <button type="button" @click=${this.discard}>${this.msg('contactEditor.discard')}</button>
            </div>
          </div>`
        : nothing}
      ${this.otherErrors.length
        ? html`<div part="error-summary" class="banner error" role="alert" tabindex="-1">
            <p>${this.msg('contactEditor.notSaved')}</p>
            <ul>${this.otherErrors.map((message) => html`<li>${message}</li>`)}</ul>
          </div>`
        : nothing}
      <div part="actions" class="row">
        <button part="save-button" class="primary" type="submit" ?disabled=${this.saving} aria-busy=${this.saving ? 'true' : 'false'}>
          ${this.msg(this.saving ? 'contactEditor.saving' : 'contactEditor.save')}
        </button>
        <button part="cancel-button" type="button" @click=${() => this.close('cancel-button')}>${this.msg('contactEditor.cancel')}</button>
        <span role="status" class="muted">${this.statusMessage}</span>
      </div>
    </form>`;
  }

  override render() {
    return this.load.render({
      initial: () => html`<crm-state kind="loading"></crm-state>`,
      pending: () => html`<crm-state kind="loading"></crm-state>`,
      error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${() => this.load.run()}></crm-state>`,
      complete: (data) => this.renderForm(data),
    });
  }
}
