import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { CrmContactSelectedEvent, CrmSelectionChangedEvent } from '../events/contact-events.js';
import type { CrmFieldDetail } from '../events/field-events.js';
import { CrmSelectField } from '../select-field/select-field.component.js';
import { listContacts, listSegments, type ContactQuery } from '../shared/api/contact-list.js';
import { readProblem } from '../shared/api/errors.js';
import type { CrmPageLike } from '../shared/api/transport.js';
import type { Contact, Segment } from '../shared/api/types.js';
import { controlStyles } from '../shared/controls.styles.js';
import { cssomStyle } from '../shared/cssom-style.js';
import { CrmDataElement } from '../shared/data-element.js';
import { VirtualWindow } from '../shared/virtual-window.js';
import { CrmState } from '../state/state.component.js';
import { CrmTextField } from '../text-field/text-field.component.js';
import { contactListStyles, rowHeight } from './contact-list.styles.js';
import { LoadedPages, type PageSlot } from './loaded-pages.js';

const statuses = ['new', 'hot', 'cold', 'converted', 'not_interested'] as const;
const sorts = ['lastName', 'firstName', '-createdAt', '-updatedAt', 'companyName', 'status'] as const;
/** How close (in rows) the rows in view may come to the end of the loaded ones before the next page is asked for. */
const prefetchRows = 20;
/** How many contacts at most stay in memory; pages farther from the view are dropped and asked for again (by their cursor) when scrolled back to. */
const keptRows = 5000;

/**
 * A searchable, filterable, sortable list of contacts that pages through the server with its cursors
 * only as the person scrolls (or moves by keyboard) near the end of what is loaded, and renders only
 * the rows in view, so a hundred thousand contacts open as fast as ten and never load all at once. Rows can be
 * selected for bulk actions (Space, or the checkbox column) and opened (Enter, or a click).
 *
 * Keyboard: Tab into the list, Up/Down/Home/End/PageUp/PageDown to move, Space to select, Enter to open.
 *
 * @summary A virtualized contact list with search, filters, segments, sort, infinite scroll and selection.
 *
 * @slot bulk-actions - Buttons that act on the selection (shown while rows are selected); read `selectedIds`.
 * @slot empty - Replaces the empty state, e.g. with an "Add contact" button.
 *
 * @event crm-contact-selected - The person opened a contact (Enter or click); `detail.contact` is the row.
 * @event crm-selection-changed - The person changed the selection; `detail.ids` is the whole selection.
 *
 * @csspart toolbar - The search and filter row.
 * @csspart bulk-bar - The bar shown while rows are selected.
 * @csspart grid - The list itself.
 * @csspart header - The column header row.
 * @csspart row - One contact row.
 * @csspart cell - One cell of a row.
 * @csspart status - The status badge in a row.
 * @csspart loading-row - The row shown at the end while the next page loads.
 * @csspart error-row - The row shown at the end when the next page failed, with its retry button.
 *
 * @cssproperty --crm-contact-list-height - Height of the scrolling area. Defaults to `28rem`.
 * @cssproperty --crm-contact-list-row-hover - Background of a hovered row. Defaults to `--crm-sys-color-surface-container`.
 * @cssproperty --crm-contact-list-selected - Background of a selected row. Defaults to a tint of `--crm-sys-color-primary`.
 * @cssproperty --crm-contact-list-columns - The grid's column template. Defaults to `2.5rem 2fr 2fr 1.5fr 8rem`.
 */
export class CrmContactList extends CrmDataElement {
  static override styles = [controlStyles, contactListStyles];
  static override dependencies = { 'crm-text-field': CrmTextField, 'crm-select-field': CrmSelectField, 'crm-state': CrmState };

  /** Free-text search (names, emails, phones, company). */
  @property({ reflect: true }) search = '';

  /** Only contacts in this status (`new`, `hot`, `cold`, `converted`, `not_interested`). */
  @property({ reflect: true }) status = '';

  /** Sort key, `-` first for descending (`lastName`, `-createdAt`...). */
  @property({ reflect: true }) sort = 'lastName';

  /** Only the members of this saved segment. */
  @property({ attribute: 'segment-id', reflect: true }) segmentId = '';

  /** Contacts per request (1..200). */
  @property({ type: Number, attribute: 'page-size' }) pageSize = 100;

  /** Ids of the selected contacts. */
  get selectedIds(): string[] {
    return [...this.selection];
  }

  /** The rows paged in so far; a hole for each row of a page dropped to bound memory. */
  @state() private rows: ReadonlyArray<Contact | undefined> = [];
  @state() private segments: Segment[] = [];
  @state() private loading = false;
  @state() private loadingMore = false;
  @state() private failure = '';
  /** Why the next page failed; no further page is asked for until the person retries. */
  @state() private moreFailure = '';
  @state() private selection = new Set<string>();
  @state() private active = 0;

  @query('.scroller') private scroller!: HTMLElement | null;

  private readonly window = new VirtualWindow(this, rowHeight);
  private page: CrmPageLike<Contact> | null = null;
  private readonly pages = new LoadedPages<Contact>(keptRows);
  private abort: AbortController | undefined;
  private searchTimer = 0;
  private generation = 0;

  /** Loads the list again from the first page. */
  reload(): void {
    void this.reset();
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    const queryChanged = (['search', 'status', 'sort', 'segmentId', 'pageSize'] as const).some((key) => changed.has(key));
    if (changed.has('client') && this.client) {
      void this.loadSegments();
      void this.reset();
    } else if (changed.has('client')) {
      // Signed out: the rows were the last user's.
      this.abort?.abort();
      this.generation++;
      this.page = null;
      this.pages.reset([]);
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
    // The next page is asked for only when the rows in view come within a screenful of the loaded end.
    const { start, end } = this.window.range(this.rows.length);
    if (end >= this.rows.length - prefetchRows) void this.loadMore();
    // Rows in view whose page was dropped come back by the cursor that page was asked for by.
    for (const slot of this.pages.missing(start, end)) if (!slot.refilling && !slot.failure) void this.refill(slot);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.abort?.abort();
    clearTimeout(this.searchTimer);
  }

  private get query(): ContactQuery {
    return { q: this.search, status: this.status, sort: this.sort, segmentId: this.segmentId, limit: this.pageSize };
  }

  private async loadSegments(): Promise<void> {
    this.segments = await listSegments(this.api).catch(() => []);
  }

  private async reset(): Promise<void> {
    if (!this.client) return;
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    const generation = ++this.generation;
    this.loading = true;
    this.failure = '';
    this.moreFailure = '';
    try {
      const page = await listContacts(this.api, this.query, { signal: abort.signal });
      if (generation !== this.generation) return;
      this.page = page;
      this.pages.reset(page.data);
      this.rows = this.pages.rows;
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
    if (!page || this.loadingMore || this.loading || this.moreFailure || !page.hasNextPage()) return;
    const generation = this.generation;
    this.loadingMore = true;
    try {
      const cursor = page.nextCursor;
      const next = await page.nextPage();
      if (generation !== this.generation || !next) return;
      this.page = next;
      this.pages.append(cursor, next.data);
      const { start, end } = this.window.range(this.pages.rows.length);
      this.pages.evict(start, end);
      this.rows = this.pages.rows;
    } catch (error) {
      if (generation === this.generation) this.moreFailure = readProblem(error).detail;
    } finally {
      this.loadingMore = false;
    }
  }

  /** Asks again for a page that was dropped to bound memory, by the cursor it was first asked for by. */
  private async refill(slot: PageSlot): Promise<void> {
    const generation = this.generation;
    slot.refilling = true;
    try {
      const page = await listContacts(this.api, { ...this.query, cursor: slot.cursor ?? undefined }, { signal: this.abort?.signal });
      if (generation !== this.generation) return;
      this.pages.refill(slot, page.data);
      const { start, end } = this.window.range(this.pages.rows.length);
      this.pages.evict(start, end);
    } catch (error) {
      slot.refilling = false;
      if (generation === this.generation) slot.failure = readProblem(error).detail;
    }
    if (generation !== this.generation) return;
    this.rows = this.pages.rows;
    this.requestUpdate();
  }

  /** Asks for the page that failed again. */
  private retryMore(): void {
    this.moreFailure = '';
    void this.loadMore();
  }

  private onFilter(event: CustomEvent<CrmFieldDetail>): void {
    const { name, value } = event.detail;
    if (name === 'search') {
      clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(() => (this.search = value), 250);
    } else if (name === 'status' || name === 'sort' || name === 'segmentId') {
      this[name] = value;
    }
  }

  private toggle(contact: Contact): void {
    const selection = new Set(this.selection);
    if (selection.has(contact.id)) selection.delete(contact.id);
    else selection.add(contact.id);
    this.setSelection(selection);
  }

  private setSelection(selection: Set<string>): void {
    this.selection = selection;
    this.emit(new CrmSelectionChangedEvent({ ids: [...selection] }));
  }

  private toggleAll(event: Event): void {
    const on = (event.target as HTMLInputElement).checked;
    this.setSelection(on ? new Set(this.rows.flatMap((r) => (r ? [r.id] : []))) : new Set());
  }

  private async focusRow(index: number): Promise<void> {
    this.active = Math.max(0, Math.min(index, this.rows.length - 1));
    this.window.reveal(this.active);
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`[data-index="${this.active}"]`)?.focus();
  }

  private onGridKeydown(event: KeyboardEvent): void {
    const page = Math.max(1, Math.floor((this.scroller?.clientHeight ?? 400) / rowHeight) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    const row = this.rows[this.active];
    if (event.key in moves) void this.focusRow(this.active + moves[event.key]!);
    else if (event.key === 'Home') void this.focusRow(0);
    else if (event.key === 'End') void this.focusRow(this.rows.length - 1);
    else if (event.key === ' ' && row) this.toggle(row);
    else if (event.key === 'Enter' && row) this.emit(new CrmContactSelectedEvent({ contact: row }));
    else return;
    event.preventDefault();
  }

  /** One listener for every row (re-binding one per row each frame would churn garbage while scrolling). */
  private onRowClick(event: MouseEvent): void {
    const retry = (event.target as HTMLElement).closest?.<HTMLElement>('[data-retry]');
    const failed = retry ? this.pages.slotOf(Number(retry.dataset.retry)) : undefined;
    if (failed) {
      failed.failure = '';
      this.requestUpdate();
      return;
    }
    const row = (event.target as HTMLElement).closest?.<HTMLElement>('[data-index]');
    const index = Number(row?.dataset.index);
    const contact = this.rows[index];
    if (!row || !contact) return;
    this.active = index;
    if ((event.target as HTMLElement).closest('.select')) this.toggle(contact);
    else this.emit(new CrmContactSelectedEvent({ contact }));
  }

  /** The cell of a row whose page was dropped to bound memory, while it comes back (or why it did not, with a retry). */
  private renderPlaceholder(index: number): TemplateResult {
    const slot = this.pages.slotOf(index);
    const failure = slot?.failure ?? '';
    return html`<span role="gridcell" class="tail-cell">${failure
      ? slot?.start === index
        ? html`<span class="error">${failure}</span><button type="button" class="quiet" data-retry=${slot.start}>${this.msg('state.retry')}</button>`
        : nothing
      : html`<span class="muted">${this.msg('state.loading')}</span>`}</span>`;
  }

  private renderCells(contact: Contact, selected: boolean): TemplateResult {
    const email = contact.emails?.find((e) => e.primary)?.value ?? contact.emails?.[0]?.value ?? '';
    const name = contact.fullName || `${contact.firstName} ${contact.lastName}`;
    return html`<span part="cell" role="gridcell" class="select"><span class="box" aria-hidden="true">${selected ? '✓' : ''}</span></span>
      <span part="cell" role="gridcell" class="name">${name}</span>
      <span part="cell" role="gridcell">${email}</span>
      <span part="cell" role="gridcell">${contact.company?.name ?? ''}</span>
      <span part="cell" role="gridcell"><span part="status" class="badge">${this.msgOr(`contactStatus.${contact.status}`, contact.status)}</span></span>`;
  }

  /** One row; a row whose page was dropped keeps the same element (and so the keyboard focus) when its contact comes back. */
  private renderRow(contact: Contact | undefined, index: number): TemplateResult {
    const selected = contact ? this.selection.has(contact.id) : false;
    return html`<div
      part="row"
      role="row"
      class=${contact ? 'row-item' : 'row-item tail'}
      data-index=${index}
      aria-rowindex=${index + 2}
      aria-selected=${contact ? (selected ? 'true' : 'false') : nothing}
      aria-busy=${contact ? nothing : 'true'}
      tabindex=${index === this.active ? 0 : -1}
      ${cssomStyle({ transform: `translateY(${index * rowHeight}px)` })}
    >${contact ? this.renderCells(contact, selected) : this.renderPlaceholder(index)}</div>`;
  }

  /** Loading, error and empty replace the grid, so the grid only ever holds rows. */
  private renderState(): TemplateResult | undefined {
    if (this.loading) return html`<crm-state kind="loading"></crm-state>`;
    if (this.failure && this.rows.length === 0) return html`<crm-state kind="error" message=${this.failure} @crm-retry-requested=${this.reload}></crm-state>`;
    if (this.rows.length === 0) {
      const filtered = Boolean(this.search || this.status || this.segmentId);
      return html`<slot name="empty"><crm-state kind="empty" message=${this.msg(filtered ? 'contactList.noMatch' : 'contactList.empty')}></crm-state></slot>`;
    }
    return undefined;
  }

  /** The row after the loaded ones: the next page loading, or why it failed with a retry. */
  private renderTail(): TemplateResult | typeof nothing {
    if (!this.loadingMore && !this.moreFailure) return nothing;
    const place = cssomStyle({ transform: `translateY(${this.rows.length * rowHeight}px)` });
    if (this.moreFailure) {
      return html`<div part="error-row" role="row" class="row-item tail" ${place}>
        <span role="gridcell" class="tail-cell"><span class="error">${this.moreFailure}</span>
          <button type="button" class="quiet" @click=${this.retryMore}>${this.msg('state.retry')}</button></span>
      </div>`;
    }
    return html`<div part="loading-row" role="row" class="row-item tail" aria-busy="true" ${place}>
      <span role="gridcell" class="tail-cell muted">${this.msg('contactList.loadingMore')}</span>
    </div>`;
  }

  private renderBody(): TemplateResult {
    const { start, end } = this.window.range(this.rows.length);
    const visible = this.rows.slice(start, end);
    const tail = this.loadingMore || this.moreFailure ? 1 : 0;
    return html`<div role="rowgroup" class="body" ${cssomStyle({ height: `${(this.rows.length + tail) * rowHeight}px` })} @click=${this.onRowClick}>
      ${repeat(
        visible,
        (_, offset) => this.window.slotKey(start + offset),
        (contact, offset) => this.renderRow(contact, start + offset),
      )}
      ${this.renderTail()}
    </div>`;
  }

  override render() {
    const allSelected = this.rows.length > 0 && this.rows.every((r) => !r || this.selection.has(r.id));
    const statusOptions = statuses.map((s) => ({ value: s, label: this.msg(`contactStatus.${s}`) }));
    const sortOptions = sorts.map((s) => ({ value: s, label: this.msg(`contactList.sort.${s}`) }));
    return html`
      <div part="toolbar" class="toolbar" @crm-field-input=${this.onFilter}>
        <crm-text-field name="search" type="search" label=${this.msg('contactList.search')} .value=${this.search}></crm-text-field>
        <crm-select-field name="status" label=${this.msg('contactList.status')} placeholder=${this.msg('contactList.anyStatus')} .value=${this.status} .options=${statusOptions}></crm-select-field>
        ${this.segments.length
          ? html`<crm-select-field name="segmentId" label=${this.msg('contactList.segment')} placeholder=${this.msg('contactList.allContacts')} .value=${this.segmentId}
              .options=${this.segments.map((s) => ({ value: s.id, label: s.name }))}></crm-select-field>`
          : nothing}
        <crm-select-field name="sort" label=${this.msg('contactList.sort')} .value=${this.sort} .options=${sortOptions}></crm-select-field>
      </div>
      <div part="bulk-bar" class="bulk" ?hidden=${this.selection.size === 0}>
        <span role="status">${this.plural('contactList.selected', this.selection.size)}</span>
        <slot name="bulk-actions"></slot>
        <button type="button" class="quiet" @click=${() => this.setSelection(new Set())}>${this.msg('contactList.clearSelection')}</button>
      </div>
      ${this.renderState() ?? html`<div part="grid" role="grid" aria-label=${this.msg('contactList.label')} aria-rowcount=${this.page?.hasNextPage() ? -1 : this.rows.length + 1} aria-multiselectable="true" aria-busy=${this.loading ? 'true' : 'false'}
        @keydown=${this.onGridKeydown}>
        <div role="rowgroup">
          <div part="header" role="row" class="row-item header" aria-rowindex="1">
            <span role="columnheader" class="select">
              <input type="checkbox" aria-label=${this.msg('contactList.selectAll')} .checked=${allSelected} ?disabled=${this.rows.length === 0} @change=${this.toggleAll} />
            </span>
            <span role="columnheader">${this.msg('contactList.name')}</span>
            <span role="columnheader">${this.msg('contactViewer.email')}</span>
            <span role="columnheader">${this.msg('contactEditor.company')}</span>
            <span role="columnheader">${this.msg('contactList.status')}</span>
          </div>
        </div>
        <div class="scroller">${this.renderBody()}</div>
      </div>`}
      <p class="muted footer" role="status">
        ${this.loadingMore ? this.msg('contactList.loadingMore') : this.rows.length ? this.plural('contactList.count', this.rows.length) : ''}
        ${this.moreFailure ? html`<span class="error">${this.moreFailure}</span>` : nothing}
      </p>
    `;
  }
}
