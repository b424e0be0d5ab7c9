import { Task as LitTask } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { CrmProductLockedEvent, CrmProductSavedEvent } from '../events/admin-events.js';
import { adminStyles, checkboxField, ConfirmController, focusFirstInvalid, problemOnFields, inputField, selectField, textareaField, type FieldErrors } from '../shared/admin-form.js';
import { adminClient, allPages, optionalPages, type OrgNode, type Product, type ProductCreateParams, type User } from '../shared/api/admin.js';
import { isVersionConflict, readProblem } from '../shared/api/errors.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatDate } from '../shared/format.js';
import { CrmState } from '../state/state.component.js';
import { productAdminStyles } from './product-admin.styles.js';

/** The product form as typed. */
interface ProductDraft {
  name: string;
  code: string;
  description: string;
  cycleStart: string;
  cycleEnd: string;
  status: Product['status'];
  departmentId: string;
  teamIds: string[];
  userIds: string[];
}

const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : '');

function draftOf(product?: Product): ProductDraft {
  return {
    name: product?.name ?? '',
    code: product?.code ?? '',
    description: product?.description ?? '',
    cycleStart: day(product?.cycleStart),
    cycleEnd: day(product?.cycleEnd),
    status: product?.status ?? 'active',
    departmentId: product?.departmentId ?? '',
    teamIds: [...(product?.teamIds ?? [])],
    userIds: [...(product?.userIds ?? [])],
  };
}

/**
 * Products (002: conferences on a 3-month cycle) for administrators: the list with each product's
 * cycle, status and lock; a form to create one or change its name, code, description, cycle, status
 * and the department, teams and people it is assigned to (saved with the version it was read at, so
 * two admins never overwrite each other); and lock / unlock, each confirmed first. A locked product's records are read-only for everyone but admins;
 * unlocking makes them workable for Sales and Marketing again. A disabled product keeps its name
 * (the API refuses a rename until it is active again).
 *
 * @summary Products with their 3-month cycle: list, create, edit, lock and unlock.
 *
 * @event crm-product-saved - A product was created or changed; `detail.product`, `detail.created`.
 * @event crm-product-locked - A product was locked or unlocked; `detail.product`, `detail.locked`.
 *
 * @csspart list - The list of products.
 * @csspart product - One product in the list.
 * @csspart status - A product's status and lock badges.
 * @csspart lock-button - The lock / unlock button of a product.
 * @csspart form - The create / edit form.
 * @csspart field-error - The message beside an invalid field.
 * @csspart message - A message about the last action.
 * @csspart confirm - The confirmation dialog.
 *
 * @cssproperty --crm-product-admin-accent - Buttons and the chosen product. Defaults to `--crm-sys-color-primary`.
 * @cssproperty --crm-product-admin-background - Background of a product row. Defaults to `--crm-sys-color-surface-container`.
 */
export class CrmProductAdmin extends CrmDataElement {
  static override styles = [controlStyles, adminStyles, productAdminStyles];
  static override dependencies = { 'crm-state': CrmState };

  @state() private products: Product[] = [];
  /** The product being edited, `new` for a new one, '' for none. */
  @state() private editing = '';
  @state() private draft: ProductDraft = draftOf();
  @state() private errors: FieldErrors = {};
  @state() private busy = false;
  @state() private message = '';
  @state() private conflict: Product | undefined;
  /** What a product can be assigned to (empty when the caller may not list them). */
  @state() private departments: OrgNode[] = [];
  @state() private teams: OrgNode[] = [];
  @state() private people: User[] = [];

  private readonly confirm = new ConfirmController(this);

  private readonly load = new LitTask(this, {
    args: () => [this.client] as const,
    task: async (_, { signal }) => {
      const api = adminClient(this.client);
      const [products, departments, teams, people] = await Promise.all([
        allPages(api.products.list({ limit: 100 }, { signal })),
        optionalPages(() => api.org.departments.list({ limit: 200 }, { signal })),
        optionalPages(() => api.org.teams.list({ limit: 200 }, { signal })),
        optionalPages(() => api.users.list({ limit: 200 }, { signal })),
      ]);
      Object.assign(this, { departments, teams, people });
      this.products = products;
      return products;
    },
  });

  /** Loads the products again. */
  reload(): void {
    void this.load.run();
  }

  private get current(): Product | undefined {
    return this.products.find((p) => p.id === this.editing);
  }

  private async open(id: string): Promise<void> {
    this.editing = id;
    this.draft = draftOf(this.products.find((p) => p.id === id));
    this.errors = {};
    this.conflict = undefined;
    this.message = '';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('[data-field="name"]')?.focus();
  }

  private set(patch: Partial<ProductDraft>): void {
    this.draft = { ...this.draft, ...patch };
    const cleared = { ...this.errors };
    for (const key of Object.keys(patch)) delete cleared[key];
    this.errors = cleared;
  }

  private validate(): FieldErrors {
    const errors: FieldErrors = {};
    if (!this.draft.name.trim()) errors.name = this.msg('field.required', { label: this.msg('productAdmin.name') });
    if (this.draft.cycleEnd && !this.draft.cycleStart) errors.cycleStart = this.msg('productAdmin.startNeeded');
    if (this.draft.cycleStart && this.draft.cycleEnd && this.draft.cycleEnd <= this.draft.cycleStart) errors.cycleEnd = this.msg('productAdmin.endAfterStart');
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
    const body: ProductCreateParams = {
      name: d.name.trim(),
      code: d.code.trim() || null,
      description: d.description.trim() || null,
      cycleStart: d.cycleStart || null,
      cycleEnd: d.cycleEnd || null,
      departmentId: d.departmentId || null,
      teamIds: d.teamIds,
      userIds: d.userIds,
    };
    const current = this.current;
    const created = !current;
    this.busy = true;
    try {
      const api = adminClient(this.client).products;
      let saved: Product;
      if (current) {
        // 002: a disabled product keeps its name; send it only when it may change.
        const { name, ...rest } = body;
        const renamable = current.status === 'active' || d.status === 'active';
        saved = await api.update(current.id, { ...rest, ...(renamable ? { name } : {}), status: d.status }, { ifMatch: this.conflict?.version ?? current.version });
      } else {
        saved = await api.create(body);
      }
      this.products = created ? [saved, ...this.products] : this.products.map((p) => (p.id === saved.id ? saved : p));
      this.editing = saved.id;
      this.draft = draftOf(saved);
      this.conflict = undefined;
      this.message = this.msg('productAdmin.saved', { name: saved.name });
      this.emit(new CrmProductSavedEvent({ product: saved, created }));
    } catch (error) {
      await this.showProblem(error);
    } finally {
      this.busy = false;
    }
  }

  private async showProblem(error: unknown): Promise<void> {
    const problem = readProblem(error);
    if (isVersionConflict(problem) && problem.current) {
      this.conflict = problem.current as Product;
      this.message = this.msg('admin.conflict');
      return;
    }
    const { errors, other } = problemOnFields(problem, this.renderRoot);
    this.errors = errors;
    this.message = other.length ? other.join('; ') : Object.keys(errors).length ? this.msg('admin.fixFields') : problem.detail;
    await this.updateComplete;
    focusFirstInvalid(this.renderRoot, this.errors);
  }

  /** Takes the version someone else saved into the form (their changes win). */
  private takeTheirs(): void {
    const theirs = this.conflict!;
    this.products = this.products.map((p) => (p.id === theirs.id ? theirs : p));
    this.draft = draftOf(theirs);
    this.conflict = undefined;
    this.message = this.msg('admin.reloaded');
  }

  private async toggleLock(product: Product): Promise<void> {
    const lock = !product.locked;
    const ok = await this.confirm.ask({
      heading: this.msg(lock ? 'productAdmin.lockHeading' : 'productAdmin.unlockHeading', { name: product.name }),
      message: this.msg(lock ? 'productAdmin.lockExplained' : 'productAdmin.unlockExplained'),
      confirmLabel: this.msg(lock ? 'productAdmin.lock' : 'productAdmin.unlock'),
      cancelLabel: this.msg('admin.cancel'),
      danger: lock,
    });
    if (!ok) return;
    this.busy = true;
    try {
      const api = adminClient(this.client).products;
      const updated = lock ? await api.lock(product.id) : await api.unlock(product.id);
      this.products = this.products.map((p) => (p.id === updated.id ? updated : p));
      this.message = this.msg(lock ? 'productAdmin.locked' : 'productAdmin.unlocked', { name: updated.name });
      this.emit(new CrmProductLockedEvent({ product: updated, locked: updated.locked }));
    } catch (error) {
      this.message = readProblem(error).detail;
    } finally {
      this.busy = false;
    }
  }

  private cycle(product: Product): string {
    if (!product.cycleStart) return this.msg('productAdmin.noCycle');
    const zone = 'UTC';
    return `${formatDate(product.cycleStart, this.activeLocale, zone)} – ${formatDate(product.cycleEnd, this.activeLocale, zone)}`;
  }

  private renderProduct(product: Product): TemplateResult {
    return html`<li part="product" data-product=${product.id} aria-current=${product.id === this.editing ? 'true' : 'false'}>
      <button type="button" class="pick" @click=${() => this.open(product.id)}>
        <span class="name"><strong>${product.name}</strong>${product.code ? html` <span class="muted">${product.code}</span>` : nothing}<br />
          <span class="muted">${this.cycle(product)}</span></span>
      </button>
      <span part="status" class="row">
        <span class="badge">${this.msg(product.status === 'active' ? 'productAdmin.active' : 'productAdmin.disabled')}</span>
        ${product.locked ? html`<span class="badge locked">${this.msg('productAdmin.lockedBadge')}</span>` : nothing}
      </span>
      <button part="lock-button" type="button" data-lock=${product.id} ?disabled=${this.busy}
        aria-label=${this.msg(product.locked ? 'productAdmin.unlockNamed' : 'productAdmin.lockNamed', { name: product.name })}
        @click=${() => this.toggleLock(product)}>${this.msg(product.locked ? 'productAdmin.unlock' : 'productAdmin.lock')}</button>
    </li>`;
  }

  private toggle(list: 'teamIds' | 'userIds', id: string, on: boolean): void {
    const current = this.draft[list].filter((x) => x !== id);
    this.set({ [list]: on ? [...current, id] : current });
  }

  /** Department, teams and people the product is assigned to (002: every department works on a product). */
  private renderAssignments(d: ProductDraft): TemplateResult {
    const e = this.errors;
    const group = (list: 'teamIds' | 'userIds', legend: string, items: Array<{ id: string; name: string }>) =>
      items.length
        ? html`<fieldset class="field wide assign" data-field=${list} tabindex="-1">
            <legend>${legend}</legend>
            <div class="choices">${items.map((item) => checkboxField({ field: `${list}:${item.id}`, label: item.name, checked: d[list].includes(item.id), onChange: (on) => this.toggle(list, item.id, on) }))}</div>
            ${e[list] ? html`<span part="field-error" class="field-error">${e[list]}</span>` : nothing}
          </fieldset>`
        : nothing;
    return html`${this.departments.length
        ? selectField({
            field: 'departmentId', label: this.msg('productAdmin.department'), value: d.departmentId, error: e.departmentId,
            options: [{ value: '', label: this.msg('productAdmin.noDepartment') }, ...this.departments.map((dep) => ({ value: dep.id, label: dep.name }))],
            onInput: (departmentId) => this.set({ departmentId }),
          })
        : nothing}
      ${group('teamIds', this.msg('productAdmin.teams'), this.teams)}
      ${group('userIds', this.msg('productAdmin.people'), this.people)}`;
  }

  private renderForm(): TemplateResult | typeof nothing {
    if (!this.editing) return html`<p class="muted">${this.msg('productAdmin.pick')}</p>`;
    const current = this.current;
    const d = this.draft;
    const e = this.errors;
    const nameLocked = Boolean(current && current.status === 'disabled' && d.status === 'disabled');
    return html`<form part="form" class="editor" novalidate aria-labelledby="product-form-heading" @submit=${this.save}>
      <h3 id="product-form-heading">${current ? this.msg('productAdmin.editHeading', { name: current.name }) : this.msg('productAdmin.newHeading')}</h3>
      ${this.conflict
        ? html`<div class="banner error" role="alert">${this.msg('admin.conflict')}
            <button type="button" @click=${this.takeTheirs}>${this.msg('admin.loadTheirs')}</button></div>`
        : nothing}
      <div class="fields">
        ${inputField({ field: 'name', label: this.msg('productAdmin.name'), value: d.name, error: e.name, required: true, maxlength: 200, disabled: nameLocked, hint: nameLocked ? this.msg('productAdmin.nameDisabled') : undefined, onInput: (name) => this.set({ name }) })}
        ${inputField({ field: 'code', label: this.msg('productAdmin.code'), value: d.code, error: e.code, maxlength: 60, onInput: (code) => this.set({ code }) })}
        ${inputField({ field: 'cycleStart', label: this.msg('productAdmin.cycleStart'), type: 'date', value: d.cycleStart, error: e.cycleStart, hint: this.msg('productAdmin.cycleHint'), onInput: (cycleStart) => this.set({ cycleStart }) })}
        ${inputField({ field: 'cycleEnd', label: this.msg('productAdmin.cycleEnd'), type: 'date', value: d.cycleEnd, error: e.cycleEnd, onInput: (cycleEnd) => this.set({ cycleEnd }) })}
        ${current
          ? selectField({
              field: 'status', label: this.msg('productAdmin.status'), value: d.status, error: e.status,
              options: [{ value: 'active', label: this.msg('productAdmin.active') }, { value: 'disabled', label: this.msg('productAdmin.disabled') }],
              hint: this.msg('productAdmin.statusHint'),
              onInput: (status) => this.set({ status: status as Product['status'] }),
            })
          : nothing}
        ${this.renderAssignments(d)}
        ${textareaField({ field: 'description', label: this.msg('productAdmin.description'), value: d.description, error: e.description, rows: 3, onInput: (description) => this.set({ description }) })}
      </div>
      <div class="row">
        <button type="submit" class="primary" ?disabled=${this.busy} aria-busy=${this.busy ? 'true' : 'false'}>${this.msg(current ? 'admin.save' : 'productAdmin.create')}</button>
      </div>
    </form>`;
  }

  override render() {
    const body = this.load.render({
      initial: () => html`<crm-state kind="loading"></crm-state>`,
      pending: () => html`<crm-state kind="loading"></crm-state>`,
      error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${this.reload}></crm-state>`,
      complete: () => html`<div class="layout split">
        <section aria-labelledby="products-heading">
          <div class="toolbar">
            <h2 id="products-heading">${this.plural('productAdmin.count', this.products.length)}</h2>
            <button type="button" class="primary" data-new @click=${() => this.open('new')}>${this.msg('productAdmin.new')}</button>
          </div>
          ${this.products.length
            ? html`<ul part="list" class="records">${this.products.map((p) => this.renderProduct(p))}</ul>`
            : html`<crm-state kind="empty" message=${this.msg('productAdmin.empty')}></crm-state>`}
        </section>
        <section aria-label=${this.msg('productAdmin.formLabel')}>${this.renderForm()}</section>
      </div>`,
    });
    return html`<p part="message" class="banner" role="status">${this.message}</p>${body}${this.confirm.render()}`;
  }
}
