import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { CrmSelectionChangedEvent } from '../events/contact-events.js';
import type { CrmFieldDetail } from '../events/field-events.js';
import type { CrmPluralKey } from '../i18n/msg.js';
import { en } from '../i18n/strings.en.js';
import { CrmSelectField } from '../select-field/select-field.component.js';
import { CrmState } from '../state/state.component.js';
import { CrmTextField } from '../text-field/text-field.component.js';
import { readProblem } from './api/errors.js';
import { listRecords, loadFilterChoices, loadStatuses, type CrmListedKind, type Person, type Product, type RecordQuery } from './api/record-lists.js';
import type { CrmPageLike } from './api/transport.js';
import type { Workflow } from './api/types.js';
import { cssomStyle } from './cssom-style.js';
import { CrmDataElement } from './data-element.js';
import { recordRowHeight } from './record-list.styles.js';
import { VirtualWindow } from './virtual-window.js';

/** One column of a record list. */
export interface CrmListColumn<T> {
  /** Header text. */
  label: string;
  /** The cell's content. */
  cell: (row: T) => unknown;
  /** Only shown when the list is wider than a phone (below 40rem the column is left out). */
  wide?: boolean;
  /** Extra classes of the cell, e.g. `name` or `number`. */
  className?: string;
}

/** What every listed record has. */
export interface CrmListedRecord {
  id: string;
  status: string;
  ownerId: string | null;
}

/**
 * The shared machinery of `<crm-lead-list>`, `<crm-customer-list>` and `<crm-campaign-list>`: a
 * search box, status / owner / product filters and a sort, pages from the SDK's cursor pages as the
 * person scrolls, only the rows in view in the DOM, selection and keyboard movement. Subclasses name
 * the kind of record, its columns, its sorts and the event that opens a row.
 */
export abstract class CrmRecordList<T extends CrmListedRecord> extends CrmDataElement {
  static override dependencies = { 'crm-text-field': CrmTextField, 'crm-select-field': CrmSelectField, 'crm-state': CrmState };

  /** Free-text search (the API matches names, emails, phones and company by prefix). */
  @property({ reflect: true }) search = '';

  /** Only records in this status (a key of the record's workflow, e.g. `new`). */
  @property({ reflect: true }) status = '';

  /** Only records owned by this user id. */
  @property({ attribute: 'owner-id', reflect: true }) ownerId = '';

  /** Only records of this product id. */
  @property({ attribute: 'product-id', reflect: true }) productId = '';

  /** Sort key, `-` first for descending; empty for the list's default. */
  @property({ reflect: true }) sort = '';

  /** Records per request (1..200). */
  @property({ type: Number, attribute: 'page-size' }) pageSize = 100;

  /** Hides the search and filter row (the host filters through the attributes). */
  @property({ type: Boolean, attribute: 'no-filters', reflect: true }) noFilters = false;

  /** Ids of the selected records. */
  get selectedIds(): string[] {
    return [...this.selection];
  }

  /** Loads the list again from the first page. */
  reload(): void {
    void this.reset();
  }

  /** The kind of record listed; also the workflow key of its statuses and the prefix of its strings. */
  protected abstract readonly kind: CrmListedKind;
  /** The sort keys offered, the first being the default. */
  protected abstract readonly sorts: readonly string[];
  /** The columns after the selection box. */
  protected abstract columns(): Array<CrmListColumn<T>>;
  /** Fires the element's `crm-<kind>-selected` event for `row`. */
  protected abstract opened(row: T): void;

  /** Filters a subclass adds to the query (e.g. a campaign's type). */
  protected extraQuery(): RecordQuery {
    return {};
  }

  /** Controls a subclass adds to the filter row. */
  protected renderExtraFilters(): TemplateResult | typeof nothing {
    return nothing;
  }

  /** Called after each render with the rows in view, e.g. to load figures for them. */
  protected rowsShown(_rows: T[]): void {}

  /** Attribute names whose change reloads the list (beyond search, status, owner, product, sort, page size). */
  protected readonly extraQueryKeys: readonly string[] = [];

  @state() protected rows: T[] = [];
  @state() protected owners: Person[] = [];
  @state() private products: Product[] = [];
  @state() private statuses: Workflow['states'] = [];
  @state() private loading = false;
  @state() private loadingMore = false;
  @state() private failure = '';
  @state() private selection = new Set<string>();
  @state() private active = 0;

  @query('.scroller') private scroller!: HTMLElement | null;

  private readonly window = new VirtualWindow(this, recordRowHeight);
  private page: CrmPageLike<T> | null = null;
  private abort: AbortController | undefined;
  private searchTimer = 0;
  private generation = 0;

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    const keys = ['search', 'status', 'ownerId', 'productId', 'sort', 'pageSize', ...this.extraQueryKeys];
    const queryChanged = keys.some((key) => changed.has(key as keyof this));
    if (changed.has('client') && this.client) {
      void this.loadChoices();
      void this.reset();
    } else if (changed.has('client')) {
      // Signed out: the rows were the last user's.
      this.abort?.abort();
      this.generation++;
      this.page = null;
      this.rows = [];
      this.selection = new Set();
      this.loading = false;
    } else if (queryChanged && this.hasUpdated) {
      void this.reset();
    }
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    this.window.observe(this.scroller);
    const { start, end } = this.window.range(this.rows.length);
    if (this.rows.length) this.rowsShown(this.rows.slice(start, end));
    if (end >= this.rows.length - 20) void this.loadMore();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.abort?.abort();
    clearTimeout(this.searchTimer);
  }

  private get activeSort(): string {
    return this.sort || this.sorts[0] || '';
  }

  private get query(): RecordQuery {
    return { q: this.search, status: this.status, ownerId: this.ownerId, productId: this.productId, sort: this.activeSort, limit: this.pageSize, ...this.extraQuery() };
  }

  private async loadChoices(): Promise<void> {
    const [statuses, choices] = await Promise.all([loadStatuses(this.api, this.kind).catch(() => []), loadFilterChoices(this.api)]);
    this.statuses = statuses;
    this.owners = choices.owners;
    this.products = choices.products;
  }

  private async reset(): Promise<void> {
    if (!this.client) return;
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    const generation = ++this.generation;
    this.loading = true;
    this.failure = '';
    try {
      const page = (await listRecords(this.api, this.kind, this.query, { signal: abort.signal })) as unknown as CrmPageLike<T>;
      if (generation !== this.generation) return;
      this.page = page;
      this.rows = page.data;
      this.active = 0;
      if (this.scroller) this.scroller.scrollTop = 0;
    } catch (error) {
      if (generation === this.generation) this.failure = readProblem(error).detail;
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  private async loadMore(): Promise<void> {
    const page = this.page;
    if (!page || this.loadingMore || this.loading || !page.hasNextPage()) return;
    const generation = this.generation;
    this.loadingMore = true;
    try {
      const next = await page.nextPage();
      if (generation !== this.generation || !next) return;
      this.page = next;
      this.rows = [...this.rows, ...next.data];
    } catch (error) {
      if (generation === this.generation) this.failure = readProblem(error).detail;
    } finally {
      this.loadingMore = false;
    }
  }

  /** A string of this list (`<kind>List.<name>`), falling back to the shared record-list one. */
  protected text(name: string, params?: Record<string, string | number>): string {
    return this.msgOr(`${this.kind}List.${name}`, this.msgOr(`recordList.${name}`, name, params), params);
  }

  /** A status in the reader's language when it is a seeded one; a label the agency gave stays as written. */
  protected statusLabel(key: string): string {
    const label = this.statuses.find((s) => s.key === key)?.label ?? key;
    const stringKey = `${this.kind}Status.${key}`;
    const seeded = (en as Record<string, string>)[stringKey];
    return label === key || label === seeded ? this.msgOr(stringKey, label) : label;
  }

  /** The status badge cell content. */
  protected statusBadge(row: T): TemplateResult {
    return html`<span part="status" class="badge">${this.statusLabel(row.status)}</span>`;
  }

  /** The owner's name, when the caller may see the people of the agency. */
  protected ownerName(row: T): string {
    return this.owners.find((o) => o.id === row.ownerId)?.name ?? '';
  }

  private onFilter(event: CustomEvent<CrmFieldDetail>): void {
    const { name, value } = event.detail;
    if (name === 'search') {
      clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(() => (this.search = value), 250);
    } else if (name in this) {
      (this as unknown as Record<string, string>)[name] = value;
    }
  }

  private toggle(row: T): void {
    const selection = new Set(this.selection);
    if (selection.has(row.id)) selection.delete(row.id);
    else selection.add(row.id);
    this.setSelection(selection);
  }

  private setSelection(selection: Set<string>): void {
    this.selection = selection;
    this.emit(new CrmSelectionChangedEvent({ ids: [...selection] }));
  }

  private toggleAll(event: Event): void {
    const on = (event.target as HTMLInputElement).checked;
    this.setSelection(on ? new Set(this.rows.map((r) => r.id)) : new Set());
  }

  private async focusRow(index: number): Promise<void> {
    this.active = Math.max(0, Math.min(index, this.rows.length - 1));
    this.window.reveal(this.active);
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`[data-index="${this.active}"]`)?.focus();
  }

  private onGridKeydown(event: KeyboardEvent): void {
    const page = Math.max(1, Math.floor((this.scroller?.clientHeight ?? 400) / recordRowHeight) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    const row = this.rows[this.active];
    if (event.key in moves) void this.focusRow(this.active + moves[event.key]!);
    else if (event.key === 'Home') void this.focusRow(0);
    else if (event.key === 'End') void this.focusRow(this.rows.length - 1);
    else if (event.key === ' ' && row) this.toggle(row);
    else if (event.key === 'Enter' && row) this.opened(row);
    else return;
    event.preventDefault();
  }

  /** One listener for every row (re-binding one per row each frame would churn garbage while scrolling). */
  private onRowClick(event: MouseEvent): void {
    const target = event.target as HTMLElement;
    const element = target.closest?.<HTMLElement>('[data-index]');
    const index = Number(element?.dataset.index);
    const row = this.rows[index];
    if (!element || !row) return;
    this.active = index;
    if (target.closest('.select')) this.toggle(row);
    else this.opened(row);
  }

  private renderRow(row: T, index: number, columns: Array<CrmListColumn<T>>): TemplateResult {
    const selected = this.selection.has(row.id);
    return html`<div
      part="row"
      role="row"
      class="row-item"
      data-index=${index}
      aria-rowindex=${index + 2}
      aria-selected=${selected ? 'true' : 'false'}
      tabindex=${index === this.active ? 0 : -1}
      ${cssomStyle({ transform: `translateY(${index * recordRowHeight}px)` })}
    >
      <span part="cell" role="gridcell" class="select"><span class="box" aria-hidden="true">${selected ? '✓' : ''}</span></span>
      ${columns.map((column) => html`<span part="cell" role="gridcell" class=${`${column.className ?? ''}${column.wide ? ' wide' : ''}`}>${column.cell(row)}</span>`)}
    </div>`;
  }

  /** Loading, error and empty replace the grid, so the grid only ever holds rows. */
  private renderState(): TemplateResult | undefined {
    if (this.loading) return html`<crm-state kind="loading"></crm-state>`;
    if (this.failure && this.rows.length === 0) return html`<crm-state kind="error" message=${this.failure} @crm-retry-requested=${this.reload}></crm-state>`;
    if (this.rows.length === 0) {
      const filtered = Boolean(this.search || this.status || this.ownerId || this.productId || Object.values(this.extraQuery()).some(Boolean));
      return html`<slot name="empty"><crm-state kind="empty" message=${this.text(filtered ? 'noMatch' : 'empty')}></crm-state></slot>`;
    }
    return undefined;
  }

  private renderFilters(): TemplateResult | typeof nothing {
    if (this.noFilters) return nothing;
    const choose = (name: string, label: string, any: string, value: string, options: Array<{ value: string; label: string }>) =>
      options.length ? html`<crm-select-field name=${name} label=${label} placeholder=${any} .value=${value} .options=${options}></crm-select-field>` : nothing;
    return html`<div part="toolbar" class="toolbar" @crm-field-input=${this.onFilter}>
      <crm-text-field name="search" type="search" label=${this.text('search')} .value=${this.search}></crm-text-field>
      ${choose('status', this.text('status'), this.text('anyStatus'), this.status, this.statuses.map((s) => ({ value: s.key, label: this.statusLabel(s.key) })))}
      ${choose('ownerId', this.text('owner'), this.text('anyOwner'), this.ownerId, this.owners.map((o) => ({ value: o.id, label: o.name })))}
      ${choose('productId', this.text('product'), this.text('anyProduct'), this.productId, this.products.map((p) => ({ value: p.id, label: p.name })))}
      ${this.renderExtraFilters()}
      <crm-select-field name="sort" label=${this.text('sort')} .value=${this.activeSort}
        .options=${this.sorts.map((s) => ({ value: s, label: this.text(`sort.${s}`) }))}></crm-select-field>
    </div>`;
  }

  override render() {
    const columns = this.columns();
    const allSelected = this.rows.length > 0 && this.rows.every((r) => this.selection.has(r.id));
    const { start, end } = this.window.range(this.rows.length);
    const visible = this.rows.slice(start, end);
    return html`
      ${this.renderFilters()}
      <div part="bulk-bar" class="bulk" ?hidden=${this.selection.size === 0}>
        <span role="status">${this.plural('recordList.selected', this.selection.size)}</span>
        <slot name="bulk-actions"></slot>
        <button type="button" class="quiet" @click=${() => this.setSelection(new Set())}>${this.text('clearSelection')}</button>
      </div>
      ${this.renderState() ??
      html`<div part="grid" role="grid" aria-label=${this.text('label')} aria-rowcount=${this.rows.length + 1} aria-multiselectable="true" @keydown=${this.onGridKeydown}>
        <div role="rowgroup">
          <div part="header" role="row" class="row-item header" aria-rowindex="1">
            <span role="columnheader" class="select">
              <input type="checkbox" aria-label=${this.text('selectAll')} .checked=${allSelected} @change=${this.toggleAll} />
            </span>
            ${columns.map((column) => html`<span role="columnheader" class=${`${column.className ?? ''}${column.wide ? ' wide' : ''}`}>${column.label}</span>`)}
          </div>
        </div>
        <div class="scroller">
          <div role="rowgroup" class="body" ${cssomStyle({ height: `${this.rows.length * recordRowHeight}px` })} @click=${this.onRowClick}>
            ${repeat(
              visible,
              (_, offset) => this.window.slotKey(start + offset),
              (row, offset) => this.renderRow(row, start + offset, columns),
            )}
          </div>
        </div>
      </div>`}
      <p class="muted footer" role="status">
        ${this.loadingMore ? this.text('loadingMore') : this.rows.length ? this.plural(`${this.kind}List.count` as CrmPluralKey, this.rows.length) : ''}
        ${this.failure && this.rows.length ? html`<span class="error">${this.failure}</span>` : nothing}
      </p>
    `;
  }
}
