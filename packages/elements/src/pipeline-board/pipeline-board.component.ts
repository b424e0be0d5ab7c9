import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { CrmCardMovedEvent, CrmCardRevertedEvent } from '../events/board-events.js';
import { CrmRequestOpenEvent, type CrmOpportunitySavedEvent } from '../events/opportunity-events.js';
import { CrmOpportunityEditor } from '../opportunity-editor/opportunity-editor.component.js';
import type { Opportunity as SdkOpportunity } from '../shared/api/opportunity-editor.js';
import { validateFields } from '../shared/form-field.js';
import { CrmTextField } from '../text-field/text-field.component.js';
import { isVersionConflict, readProblem } from '../shared/api/errors.js';
import { listColumn, loadBoard, loadOwners, loadProducts, moveCard, watchPipeline, type BoardFilter } from '../shared/api/pipeline-board.js';
import type { CrmRealtimeEvent } from '../shared/api/transport.js';
import type { Opportunity, Person, Product } from '../shared/api/types.js';
import { controlStyles } from '../shared/controls.styles.js';
import { cssomStyle } from '../shared/cssom-style.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatDate, formatMoney } from '../shared/format.js';
import { VirtualWindow } from '../shared/virtual-window.js';
import { CrmState } from '../state/state.component.js';
import { findCard, indexByRank, placeCard, toColumns, type BoardColumn, type CardPlace } from './board-model.js';
import { cardHeight, pipelineBoardStyles } from './pipeline-board.styles.js';

/** A card being moved with the keyboard: where it started, so Escape can put it back. */
interface Grab {
  id: string;
  origin: CardPlace;
}

/**
 * The opportunities of one pipeline as columns by stage (stage names from the pipeline, never keys),
 * with each column's count and totals, followed by the pipeline's final stages (won, lost) as drop
 * targets. Cards move by drag and drop or by keyboard (Space picks up, arrows move, Space drops,
 * Escape cancels, each step announced). A move into a lost stage first asks for the reason in an
 * accessible dialog (required; cancelling puts the card back). Moves show at once and roll back with a
 * message when the API refuses them (409); other people's moves arrive live. Enter or a click opens a
 * card: the board fires the cancelable `crm-request-open`, and unless the host prevents it, edits the
 * deal in place in a dialog holding `<crm-opportunity-editor>`. Columns render only the cards in view,
 * so boards with tens of thousands of cards stay smooth. Where the element is narrower than 40rem (a
 * phone), the columns stack, full width, so nothing scrolls sideways.
 *
 * @summary A pipeline board with drag and drop, keyboard moves, won/lost stages, in-place editing and live changes.
 *
 * @event crm-card-moved - The API accepted a move; `detail.opportunity` is the moved record.
 * @event crm-card-reverted - The API refused a move (or the lost reason was not given) and the card went back; `detail.reason` is the problem code (`cancelled` when the person cancelled).
 * @event crm-request-open - Cancelable, before a card opens in the built-in editor; `detail.opportunity` is the card. Prevent it to open the deal your own way.
 *
 * @csspart filters - The filter row.
 * @csspart columns - The row of columns.
 * @csspart column - One stage's column.
 * @csspart column-header - A column's title, count and totals.
 * @csspart count - A column's card count.
 * @csspart total - A column's amount total.
 * @csspart card - One opportunity card.
 * @csspart card-amount - The amount on a card.
 * @csspart drop-indicator - The line showing where a dragged card will land.
 * @csspart message - The message shown when a move was refused.
 * @csspart column-loading - Below a column's cards while its next page loads.
 * @csspart column-error - Below a column's cards when its next page failed, with a retry button.
 * @csspart lost-dialog - The dialog that asks why a deal was lost.
 * @csspart editor-dialog - The dialog that edits an opened card.
 *
 * @cssproperty --crm-pipeline-board-height - Height of the columns. Defaults to `32rem`.
 * @cssproperty --crm-pipeline-board-stacked-height - Height of a column when the columns stack (narrower than 40rem). Defaults to `18rem`.
 * @cssproperty --crm-pipeline-board-column-width - Width of a column. Defaults to `17rem`.
 * @cssproperty --crm-pipeline-board-column-background - Column background. Defaults to `--crm-sys-color-surface-container`.
 * @cssproperty --crm-pipeline-board-card-background - Card background. Defaults to `--crm-sys-color-surface`.
 * @cssproperty --crm-pipeline-board-accent - Focus, grabbed card and drop line. Defaults to `--crm-sys-color-primary`.
 */
export class CrmPipelineBoard extends CrmDataElement {
  static override styles = [controlStyles, pipelineBoardStyles];
  static override dependencies = { 'crm-state': CrmState, 'crm-text-field': CrmTextField, 'crm-opportunity-editor': CrmOpportunityEditor };

  /** Id of the pipeline to show. */
  @property({ attribute: 'pipeline-id', reflect: true }) pipelineId = '';

  /** Only cards of this owner. */
  @property({ attribute: 'owner-id', reflect: true }) ownerId = '';

  /** Only cards of this product. */
  @property({ attribute: 'product-id', reflect: true }) productId = '';

  /** Only cards expected to close on or after this date (YYYY-MM-DD). */
  @property({ attribute: 'close-after', reflect: true }) closeAfter = '';

  /** Only cards expected to close before this date (YYYY-MM-DD). */
  @property({ attribute: 'close-before', reflect: true }) closeBefore = '';

  /** Cards loaded per column at first; more load as a column scrolls. */
  @property({ type: Number, attribute: 'per-stage' }) perStage = 50;

  /** Hides the filter row. */
  @property({ type: Boolean, reflect: true, attribute: 'no-filters' }) noFilters = false;

  @state() private columns: BoardColumn[] = [];
  @state() private pipelineName = '';
  @state() private loading = false;
  @state() private failure = '';
  @state() private owners: Person[] = [];
  @state() private products: Product[] = [];
  @state() private active: CardPlace = { stage: '', index: 0 };
  @state() private grab: Grab | undefined;
  @state() private dragId = '';
  @state() private dropAt: CardPlace | undefined;
  @state() private message = '';
  @state() private announcement = '';
  /** The card asking for its lost reason, with the answer's resolver. */
  @state() private losing: { card: Opportunity; stage: string; resolve: (reason: string | undefined) => void } | undefined;
  /** The card open in the built-in editor. */
  @state() private editing: Opportunity | undefined;

  private readonly windows = new Map<string, VirtualWindow>();
  /** Columns whose next page is on its way. */
  @state() private loadingColumns = new Set<string>();
  /** Why a column's next page failed; that column asks for nothing more until the person retries. */
  @state() private columnFailures = new Map<string, string>();
  private dragOrigin: CardPlace | undefined;
  private unsubscribe: (() => void) | undefined;
  private generation = 0;

  /** Loads the board again. */
  reload(): void {
    void this.loadAll();
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    const keys = ['client', 'pipelineId', 'ownerId', 'productId', 'closeAfter', 'closeBefore', 'perStage'] as const;
    if (keys.some((key) => changed.has(key)) && this.client && this.pipelineId) void this.loadAll();
    if ((changed.has('client') || changed.has('pipelineId')) && this.client && this.pipelineId) this.watch();
    if (changed.has('client') && this.client && !this.noFilters) void this.loadChoices();
    if (changed.has('client') && !this.client) {
      // Signed out: stop listening and forget the last user's cards.
      this.unsubscribe?.();
      this.unsubscribe = undefined;
      this.generation++;
      this.columns = [];
      this.loading = false;
    }
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    for (const column of this.columns) {
      const win = this.windowFor(column.stage.key);
      win.observe(this.renderRoot.querySelector<HTMLElement>(`.scroller[data-stage="${column.stage.key}"]`));
      // A column asks for its next page only when the cards in view come within 8 of its loaded end.
      const { end } = win.range(column.cards.length);
      if (end >= column.cards.length - 8 && column.cards.length < column.count && !this.columnFailures.has(column.stage.key)) void this.loadMore(column.stage.key);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated && this.client && this.pipelineId) this.watch();
  }

  private windowFor(stage: string): VirtualWindow {
    let win = this.windows.get(stage);
    if (!win) this.windows.set(stage, (win = new VirtualWindow(this, cardHeight)));
    return win;
  }

  private get filter(): BoardFilter {
    return { ownerId: this.ownerId, productId: this.productId, closeAfter: this.closeAfter, closeBefore: this.closeBefore };
  }

  private async loadChoices(): Promise<void> {
    const [owners, products] = await Promise.all([loadOwners(this.api).catch(() => []), loadProducts(this.api).catch(() => [])]);
    this.owners = owners;
    this.products = products;
  }

  private async loadAll(): Promise<void> {
    const generation = ++this.generation;
    this.loading = this.columns.length === 0;
    this.failure = '';
    this.columnFailures = new Map();
    try {
      const board = await loadBoard(this.api, this.pipelineId, this.filter, this.perStage);
      if (generation !== this.generation) return;
      this.columns = toColumns(board);
      this.pipelineName = board.pipeline.name;
      const first = this.columns.find((c) => c.cards.length) ?? this.columns[0];
      this.active = { stage: first?.stage.key ?? '', index: 0 };
    } catch (error) {
      if (generation === this.generation) this.failure = readProblem(error).detail;
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  private async loadMore(stage: string): Promise<void> {
    if (this.loadingColumns.has(stage)) return;
    this.loadingColumns = new Set(this.loadingColumns).add(stage);
    const generation = this.generation;
    try {
      const column = this.columns.find((c) => c.stage.key === stage);
      if (!column) return;
      const page = column.page ? await column.page.nextPage() : await listColumn(this.api, this.pipelineId, stage, this.filter, column.nextCursor);
      if (!page || generation !== this.generation) return;
      this.columns = this.columns.map((c) => {
        if (c.stage.key !== stage) return c;
        const known = new Set(c.cards.map((card) => card.id));
        const fresh = page.data.filter((card) => !known.has(card.id));
        const cards = [...c.cards, ...fresh];
        // A column whose pages ran out has everything there is, whatever the count said.
        return { ...c, cards, page, count: page.hasNextPage() ? Math.max(c.count, cards.length) : cards.length };
      });
    } catch (error) {
      if (generation === this.generation) this.columnFailures = new Map(this.columnFailures).set(stage, readProblem(error).detail);
    } finally {
      const loading = new Set(this.loadingColumns);
      loading.delete(stage);
      this.loadingColumns = loading;
    }
  }

  /** Asks for a column's failed page again. */
  private retryColumn(stage: string): void {
    const failures = new Map(this.columnFailures);
    failures.delete(stage);
    this.columnFailures = failures;
    void this.loadMore(stage);
  }

  /** Below a column's loaded cards: its next page loading, or why it failed with a retry. */
  private renderColumnTail(column: BoardColumn): TemplateResult | typeof nothing {
    const stage = column.stage.key;
    const failure = this.columnFailures.get(stage);
    const place = cssomStyle({ transform: `translateY(${column.cards.length * cardHeight}px)` });
    if (failure) {
      return html`<p part="column-error" class="tail" ${place}><span class="error">${failure}</span>
        <button type="button" class="quiet" @click=${() => this.retryColumn(stage)}>${this.msg('state.retry')}</button></p>`;
    }
    if (this.loadingColumns.has(stage)) return html`<p part="column-loading" class="tail muted" ${place}>${this.msg('board.loadingMore')}</p>`;
    return nothing;
  }

  private watch(): void {
    this.unsubscribe?.();
    try {
      this.unsubscribe = watchPipeline(this.api, this.pipelineId, (event) => this.applyRemote(event));
    } catch {
      this.unsubscribe = undefined;
    }
  }

  /** Another person's change: put the card where the API says it is now, unless we know better. */
  private applyRemote(event: CrmRealtimeEvent<Opportunity>): void {
    const record = event.record;
    const here = findCard(this.columns, event.id);
    if (here && record && here.card.version >= record.version && event.type !== 'deleted') return;
    if (this.grab?.id === event.id || this.dragId === event.id) return;
    const column = this.columns.find((c) => c.stage.key === record?.stage);
    if (event.type === 'deleted' || !record || record.pipelineId !== this.pipelineId || !column) {
      if (here) this.columns = placeCard(this.columns, here.card, undefined);
      return;
    }
    const index = here?.stage === record.stage ? here.index : indexByRank(column, record.rank);
    this.columns = placeCard(this.columns, record, { stage: record.stage, index });
    if (here && here.stage !== record.stage) {
      this.announcement = this.msg('board.remoteMove', { name: record.name, stage: column.stage.name });
    }
  }

  private stageName(key: string): string {
    return this.columns.find((c) => c.stage.key === key)?.stage.name ?? key;
  }

  /** Sends a move the board already shows; rolls back to `origin` when the API refuses it. */
  private async commit(card: Opportunity, origin: CardPlace, target: CardPlace): Promise<void> {
    if (origin.stage === target.stage && origin.index === target.index) return;
    this.message = '';
    const detail = { opportunity: card, fromStage: origin.stage, toStage: target.stage, position: target.index };
    let lostReason: string | undefined;
    if (this.columns.find((c) => c.stage.key === target.stage)?.stage.kind === 'lost') {
      lostReason = await this.askLostReason(card, target.stage);
      if (lostReason === undefined) {
        this.columns = placeCard(this.columns, findCard(this.columns, card.id)?.card ?? card, origin);
        this.announcement = this.msg('board.cancelled', { name: card.name });
        this.emit(new CrmCardRevertedEvent({ ...detail, reason: 'cancelled' }));
        void this.focusCard(origin);
        return;
      }
    }
    try {
      const moved = await moveCard(this.api, card.id, { stage: target.stage, version: card.version, position: target.index, ...(lostReason ? { lostReason } : {}) });
      const now = findCard(this.columns, card.id);
      this.columns = placeCard(this.columns, moved, now ?? target);
      const final = this.columns.find((c) => c.stage.key === target.stage)?.final;
      this.announcement = this.msg(final ? 'board.closed' : 'board.moved', { name: card.name, stage: this.stageName(target.stage) });
      this.emit(new CrmCardMovedEvent({ ...detail, opportunity: moved }));
    } catch (error) {
      const problem = readProblem(error);
      const current = isVersionConflict(problem) ? (problem.current as Opportunity | undefined) : undefined;
      // Back where it was; with a newer version from the API, where the API says it is.
      const back = current && current.stage !== origin.stage && this.columns.some((c) => c.stage.key === current.stage)
        ? { stage: current.stage, index: 0 }
        : origin;
      this.columns = placeCard(this.columns, current ?? card, back);
      this.message =
        problem.status === 409
          ? this.msg(isVersionConflict(problem) ? 'board.conflict' : 'board.refused', { name: card.name, detail: problem.detail })
          : this.msg('board.failed', { name: card.name, detail: problem.detail });
      this.announcement = this.message;
      this.emit(new CrmCardRevertedEvent({ ...detail, reason: problem.code }));
    }
  }

  // Lost reason and the in-place editor -----------------------------------------------------------

  /** Asks why `card` was lost in a modal dialog; resolves with the reason, or undefined when cancelled. */
  private async askLostReason(card: Opportunity, stage: string): Promise<string | undefined> {
    this.losing?.resolve(undefined);
    const answer = new Promise<string | undefined>((resolve) => (this.losing = { card, stage, resolve }));
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLDialogElement>('dialog[part="lost-dialog"]')?.showModal();
    return answer;
  }

  private settleLost(reason: string | undefined): void {
    const losing = this.losing;
    this.losing = undefined;
    this.renderRoot.querySelector<HTMLDialogElement>('dialog[part="lost-dialog"]')?.close();
    losing?.resolve(reason);
  }

  private onLostSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const field = this.renderRoot.querySelector<CrmTextField>('dialog[part="lost-dialog"] crm-text-field');
    if (!field || validateFields([field]).length > 0) return;
    this.settleLost(field.value.trim());
  }

  /** Opens a card: the host may take it (`crm-request-open`), else the built-in editor dialog. */
  private openCard(id: string): void {
    const card = findCard(this.columns, id)?.card;
    if (!card) return;
    // The board's card is the API's record; the event and the editor speak the SDK's type.
    if (this.emit(new CrmRequestOpenEvent({ opportunity: card as unknown as SdkOpportunity })).defaultPrevented) return;
    this.editing = card;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLDialogElement>('dialog[part="editor-dialog"]')?.showModal());
  }

  private closeEditor(): void {
    const card = this.editing;
    this.editing = undefined;
    this.renderRoot.querySelector<HTMLDialogElement>('dialog[part="editor-dialog"]')?.close();
    const place = card && findCard(this.columns, card.id);
    if (place) void this.focusCard(place);
  }

  /** The editor saved: the card takes the new data, in its (maybe new) stage. */
  private onEditorSaved(event: CrmOpportunitySavedEvent): void {
    const saved = event.detail.opportunity as unknown as Opportunity;
    const here = findCard(this.columns, saved.id);
    const column = this.columns.find((c) => c.stage.key === saved.stage);
    if (column) {
      const index = here?.stage === saved.stage ? here.index : indexByRank(column, saved.rank);
      this.columns = placeCard(this.columns, saved, { stage: saved.stage, index });
      this.announcement = here?.stage === saved.stage ? '' : this.msg('board.moved', { name: saved.name, stage: column.stage.name });
    } else if (here) {
      this.columns = placeCard(this.columns, saved, undefined);
    }
    this.closeEditor();
  }

  private onCardClick(event: MouseEvent): void {
    const card = this.cardOf(event);
    if (card && !this.grab) this.openCard(card.id);
  }

  private renderDialogs(): TemplateResult {
    const losing = this.losing;
    return html`
      <dialog part="lost-dialog" aria-labelledby="lost-heading" @cancel=${(e: Event) => { e.preventDefault(); this.settleLost(undefined); }}>
        ${losing
          ? html`<form method="dialog" novalidate @submit=${this.onLostSubmit}>
              <h3 id="lost-heading">${this.msg('board.lost.heading', { name: losing.card.name })}</h3>
              <crm-text-field name="lostReason" required maxlength="200" label=${this.msg('board.lost.reason')} hint=${this.msg('board.lost.hint')} autofocus></crm-text-field>
              <div class="row">
                <button type="submit" class="primary">${this.msg('board.lost.confirm')}</button>
                <button type="button" @click=${() => this.settleLost(undefined)}>${this.msg('board.lost.cancel')}</button>
              </div>
            </form>`
          : nothing}
      </dialog>
      <dialog part="editor-dialog" class="editor" aria-labelledby="editor-heading" @cancel=${(e: Event) => { e.preventDefault(); this.closeEditor(); }}>
        ${this.editing
          ? html`<div class="dialog-header">
                <h3 id="editor-heading">${this.editing.name}</h3>
                <button type="button" class="quiet" @click=${this.closeEditor}>${this.msg('board.editor.close')}</button>
              </div>
              <crm-opportunity-editor no-heading opportunity-id=${this.editing.id}
                @crm-opportunity-saved=${this.onEditorSaved} @crm-opportunity-cancel=${this.closeEditor}></crm-opportunity-editor>`
          : nothing}
      </dialog>
    `;
  }

  // Keyboard --------------------------------------------------------------------------------------

  private async focusCard(place: CardPlace): Promise<void> {
    const column = this.columns.find((c) => c.stage.key === place.stage);
    if (!column) return;
    const index = Math.max(0, Math.min(place.index, column.cards.length - 1));
    this.active = { stage: place.stage, index };
    this.windowFor(place.stage).reveal(index);
    await this.updateComplete;
    const id = column.cards[index]?.id;
    const target = id
      ? this.renderRoot.querySelector<HTMLElement>(`[data-id="${id}"]`)
      : this.renderRoot.querySelector<HTMLElement>(`.scroller[data-stage="${place.stage}"]`);
    target?.focus();
  }

  private onKeydown(event: KeyboardEvent): void {
    const target = event.target as HTMLElement;
    const onCard = target.matches('[part~="card"]');
    const onEmptyColumn = target.matches('.scroller');
    if (!onCard && !onEmptyColumn) return;
    const stages = this.columns.map((c) => c.stage.key);
    const col = stages.indexOf(this.active.stage);
    const steps: Record<string, [number, number]> = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
    if (event.key in steps) {
      event.preventDefault();
      const [dc, di] = steps[event.key]!;
      const stage = stages[Math.max(0, Math.min(stages.length - 1, col + dc))]!;
      const index = dc === 0 ? this.active.index + di : this.active.index;
      if (this.grab) this.carry(stage, index);
      else void this.focusCard({ stage, index });
    } else if (event.key === ' ' || event.key === 'Enter') {
      if (!onCard) return;
      event.preventDefault();
      if (this.grab) this.drop();
      else if (event.key === 'Enter') this.openCard(target.dataset.id ?? '');
      else this.pickUp();
    } else if (event.key === 'Escape' && this.grab) {
      event.preventDefault();
      this.cancelGrab();
    }
  }

  private pickUp(): void {
    const column = this.columns.find((c) => c.stage.key === this.active.stage);
    const card = column?.cards[this.active.index];
    if (!card) return;
    this.grab = { id: card.id, origin: { ...this.active } };
    this.announcement = this.msg('board.pickedUp', { name: card.name, stage: column!.stage.name, position: this.active.index + 1, count: column!.count });
  }

  private carry(stage: string, index: number): void {
    const here = this.grab && findCard(this.columns, this.grab.id);
    if (!here) return;
    const column = this.columns.find((c) => c.stage.key === stage)!;
    const limit = stage === here.stage ? column.cards.length - 1 : column.cards.length;
    const place = { stage, index: Math.max(0, Math.min(index, limit)) };
    this.columns = placeCard(this.columns, here.card, place);
    this.announcement = this.msg('board.carrying', { stage: column.stage.name, position: place.index + 1 });
    void this.focusCard(place);
  }

  private drop(): void {
    const grab = this.grab;
    const here = grab && findCard(this.columns, grab.id);
    this.grab = undefined;
    if (!grab || !here) return;
    if (here.stage === grab.origin.stage && here.index === grab.origin.index) {
      this.announcement = this.msg('board.droppedInPlace', { name: here.card.name });
      return;
    }
    this.announcement = this.msg('board.dropped', { name: here.card.name, stage: this.stageName(here.stage), position: here.index + 1 });
    void this.commit(here.card, grab.origin, { stage: here.stage, index: here.index });
  }

  private cancelGrab(): void {
    const grab = this.grab!;
    const here = findCard(this.columns, grab.id);
    this.grab = undefined;
    if (here) this.columns = placeCard(this.columns, here.card, grab.origin);
    this.announcement = this.msg('board.cancelled', { name: here?.card.name ?? '' });
    void this.focusCard(grab.origin);
  }

  // Pointer drag and drop -------------------------------------------------------------------------

  // Listeners sit on the columns container and find their card or column from the event, so rendering
  // a frame never re-binds listeners on every card (which would churn garbage while scrolling).

  /** The card element an event came from, with where that card is. */
  private cardOf(event: Event): { id: string; place: CardPlace } | undefined {
    const element = (event.target as HTMLElement).closest?.<HTMLElement>('[part~="card"]');
    if (!element?.dataset.id) return undefined;
    return { id: element.dataset.id, place: { stage: element.dataset.stage ?? '', index: Number(element.dataset.index) } };
  }

  /** The stage of the column an event happened over. */
  private stageOf(event: Event): string | undefined {
    return (event.target as HTMLElement).closest?.<HTMLElement>('section[data-stage]')?.dataset.stage;
  }

  private onFocusIn(event: FocusEvent): void {
    const card = this.cardOf(event);
    if (card && (card.place.stage !== this.active.stage || card.place.index !== this.active.index)) this.active = card.place;
  }

  private onDragStart(event: DragEvent): void {
    const card = this.cardOf(event);
    if (!card) return;
    this.dragId = card.id;
    this.dragOrigin = card.place;
    event.dataTransfer?.setData('text/plain', card.id);
    if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
  }

  private dropPlace(event: DragEvent, stage: string): CardPlace {
    const scroller = this.renderRoot.querySelector<HTMLElement>(`.scroller[data-stage="${stage}"]`)!;
    const column = this.columns.find((c) => c.stage.key === stage)!;
    const y = event.clientY - scroller.getBoundingClientRect().top + scroller.scrollTop;
    return { stage, index: Math.max(0, Math.min(column.cards.length, Math.round(y / cardHeight))) };
  }

  private onDragOver(event: DragEvent): void {
    const stage = this.stageOf(event);
    if (!this.dragId || !stage) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
    const place = this.dropPlace(event, stage);
    if (place.stage !== this.dropAt?.stage || place.index !== this.dropAt.index) this.dropAt = place;
  }

  private onDrop(event: DragEvent): void {
    const stage = this.stageOf(event);
    if (!stage) return;
    event.preventDefault();
    const here = findCard(this.columns, this.dragId);
    const origin = this.dragOrigin;
    const place = this.dropPlace(event, stage);
    this.dragId = '';
    this.dropAt = undefined;
    if (!here || !origin) return;
    // Dropping below itself in its own column: the card leaves its slot first.
    const index = here.stage === stage && place.index > here.index ? place.index - 1 : place.index;
    this.columns = placeCard(this.columns, here.card, { stage, index });
    this.active = { stage, index };
    void this.commit(here.card, origin, { stage, index });
  }

  private onDragEnd(): void {
    if (!this.dragId && !this.dropAt) return;
    this.dragId = '';
    this.dropAt = undefined;
  }

  // Rendering -------------------------------------------------------------------------------------

  private onFilter(name: 'ownerId' | 'productId' | 'closeAfter' | 'closeBefore', event: Event): void {
    this[name] = (event.target as HTMLInputElement | HTMLSelectElement).value;
  }

  private renderFilters(): TemplateResult | typeof nothing {
    if (this.noFilters) return nothing;
    const select = (name: 'ownerId' | 'productId', label: string, options: Array<{ id: string; name: string }>) =>
      html`<label class="filter"><span class="label">${label}</span>
        <select class="native" .value=${this[name]} @change=${(e: Event) => this.onFilter(name, e)}>
          <option value="">${this.msg('board.anyone')}</option>
          ${options.map((o) => html`<option value=${o.id} ?selected=${o.id === this[name]}>${o.name}</option>`)}
        </select></label>`;
    // Dates typed the reader's way (31.03.2027 in German), whatever language the browser speaks.
    const date = (name: 'closeAfter' | 'closeBefore', label: string) =>
      html`<crm-text-field class="filter" type="date" name=${name} label=${label} .value=${this[name]}
        @crm-field-change=${(e: CustomEvent<{ value: string }>) => (this[name] = e.detail.value)}></crm-text-field>`;
    return html`<div part="filters" class="filters">
      ${this.owners.length ? select('ownerId', this.msg('board.owner'), this.owners) : nothing}
      ${this.products.length ? select('productId', this.msg('board.product'), this.products) : nothing}
      ${date('closeAfter', this.msg('board.closeAfter'))} ${date('closeBefore', this.msg('board.closeBefore'))}
    </div>`;
  }

  private renderCard(card: Opportunity, index: number, column: BoardColumn): TemplateResult {
    const stage = column.stage.key;
    const isActive = this.active.stage === stage && this.active.index === index;
    const owner = this.owners.find((o) => o.id === card.ownerId)?.name;
    return html`<div role="listitem" class="slot" aria-setsize=${column.count} aria-posinset=${index + 1}
      ${cssomStyle({ transform: `translateY(${index * cardHeight}px)` })}>
      <article
        part="card"
        data-id=${card.id}
        tabindex=${isActive ? 0 : -1}
        draggable="true"
        aria-labelledby="name-${card.id}"
        aria-describedby="instructions"
        class=${this.grab?.id === card.id ? 'grabbed' : this.dragId === card.id ? 'dragging' : ''}
        data-stage=${stage}
        data-index=${index}
      >
        <strong id="name-${card.id}">${card.name}</strong>
        <span part="card-amount">${formatMoney(card.amount, card.currency, this.activeLocale)}</span>
        <span class="muted">${[card.expectedCloseDate ? formatDate(card.expectedCloseDate, this.activeLocale, this.activeTimeZone) : '', owner].filter(Boolean).join(' · ')}</span>
      </article>
    </div>`;
  }

  private renderColumn(column: BoardColumn, position: number): TemplateResult {
    const stage = column.stage.key;
    const win = this.windowFor(stage);
    const { start, end } = win.range(column.cards.length);
    const indices: number[] = [];
    for (let i = start; i < end; i++) indices.push(i);
    // A card being dragged stays in the DOM even when scrolled away, or the browser ends the drag.
    const dragged = this.dragId ? column.cards.findIndex((c) => c.id === this.dragId) : -1;
    const pinned = dragged >= 0 && (dragged < start || dragged >= end) ? dragged : -1;
    if (pinned >= 0) indices.push(pinned);
    const totals = column.totals.map((t) => formatMoney(t.amount, t.currency, this.activeLocale)).join(' + ') || formatMoney(0, 'EUR', this.activeLocale);
    const titleId = `stage-${position}`;
    const hasFocusable = this.active.stage === stage && column.cards.length > 0;
    return html`<section part="column" class=${column.final ? `column final ${column.stage.kind ?? ''}` : 'column'} aria-labelledby=${titleId} data-stage=${stage}>
      <header part="column-header">
        <h3 id=${titleId}>${column.stage.name}</h3>
        ${column.final
          ? nothing
          : html`<span part="count" class="badge">${this.plural('board.count', column.count)}</span>
              <span part="total" class="muted">${totals}</span>`}
      </header>
      <div class="scroller" data-stage=${stage} tabindex=${column.cards.length === 0 && this.active.stage === stage ? 0 : -1}
        aria-label=${column.cards.length === 0 ? this.msg('board.emptyColumn', { stage: column.stage.name }) : nothing}>
        <div role="list" aria-labelledby=${titleId} class="cards" ${cssomStyle({ height: `${(column.cards.length + (this.loadingColumns.has(stage) || this.columnFailures.has(stage) ? 1 : 0)) * cardHeight}px` })}>
          ${repeat(
            indices,
            (i) => (i === pinned ? 'pinned' : win.slotKey(i)),
            (i) => this.renderCard(column.cards[i]!, i, column),
          )}
        </div>
        ${this.renderColumnTail(column)}
        ${this.dropAt?.stage === stage
          ? html`<div part="drop-indicator" class="drop" ${cssomStyle({ transform: `translateY(${this.dropAt.index * cardHeight}px)` })}></div>`
          : nothing}
        ${!hasFocusable && column.cards.length === 0
          ? html`<p class="muted empty">${column.final ? this.msg('board.finalHint', { stage: column.stage.name }) : this.msg('board.noCards')}</p>`
          : nothing}
      </div>
    </section>`;
  }

  override render() {
    if (!this.pipelineId) return html`<crm-state kind="empty" message=${this.msg('board.noPipeline')}></crm-state>`;
    if (this.loading) return html`<crm-state kind="loading"></crm-state>`;
    if (this.failure && this.columns.length === 0) return html`<crm-state kind="error" message=${this.failure} @crm-retry-requested=${this.reload}></crm-state>`;
    if (this.columns.length === 0) return html`<crm-state kind="empty"></crm-state>`;
    return html`
      ${this.renderFilters()}
      <p part="message" class="banner error" role="alert">${this.message}</p>
      <p id="instructions" class="sr-only">${this.msg('board.instructions')}</p>
      <div part="columns" class="columns" role="group" aria-label=${this.pipelineName || this.msg('board.label')}
        @keydown=${this.onKeydown} @focusin=${this.onFocusIn} @click=${this.onCardClick} @dragstart=${this.onDragStart} @dragover=${this.onDragOver} @drop=${this.onDrop} @dragend=${this.onDragEnd}>
        ${this.columns.map((column, i) => this.renderColumn(column, i))}
      </div>
      <div class="sr-only" aria-live="assertive">${this.announcement}</div>
      ${this.renderDialogs()}
    `;
  }
}
