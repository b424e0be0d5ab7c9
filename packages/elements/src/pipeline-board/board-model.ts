// The board as the element holds it: columns of cards with counts and per-currency totals, and the
// one operation everything (drag, keyboard, realtime, rollback) goes through: put a card somewhere.
import type { CrmPageLike } from '../shared/api/transport.js';
import type { ColumnTotal, Opportunity, PipelineBoard, PipelineStage } from '../shared/api/types.js';

/** One stage's column. */
export interface BoardColumn {
  stage: PipelineStage;
  cards: Opportunity[];
  /** Every matching card of the stage, loaded or not. */
  count: number;
  totals: ColumnTotal[];
  hasMore: boolean;
  /** Where the column's next page starts (the board's `nextCursor`), until a page of its own was read. */
  nextCursor: string | null;
  page: CrmPageLike<Opportunity> | null;
  /**
   * A won or lost stage the board's answer has no column for (it counts open deals only): a drop
   * target that shows the deals closed here while the board is open, without a count or totals.
   */
  final?: boolean;
}

/** Where a card is. */
export interface CardPlace {
  stage: string;
  index: number;
}

/** Columns from the API's board answer. */
export function toColumns(board: PipelineBoard): BoardColumn[] {
  const columns: BoardColumn[] = board.columns.map((column) => ({
    stage: column.stage,
    cards: column.opportunities,
    count: column.count,
    totals: column.totals.map((t) => ({ ...t })),
    hasMore: column.hasMore,
    nextCursor: column.nextCursor,
    page: null,
  }));
  // The pipeline's won and lost stages follow as drop targets, in the pipeline's order.
  const answered = new Set(columns.map((c) => c.stage.key));
  for (const stage of board.pipeline.stages) {
    if (answered.has(stage.key) || (stage.kind !== 'won' && stage.kind !== 'lost')) continue;
    columns.push({ stage, cards: [], count: 0, totals: [], hasMore: false, nextCursor: null, page: null, final: true });
  }
  const order = new Map(board.pipeline.stages.map((stage, i) => [stage.key, i]));
  return columns.sort((a, b) => (order.get(a.stage.key) ?? 0) - (order.get(b.stage.key) ?? 0));
}

/** Where the card with `id` is, if loaded. */
export function findCard(columns: BoardColumn[], id: string): (CardPlace & { card: Opportunity }) | undefined {
  for (const column of columns) {
    const index = column.cards.findIndex((card) => card.id === id);
    if (index >= 0) return { stage: column.stage.key, index, card: column.cards[index]! };
  }
  return undefined;
}

function addToTotals(totals: ColumnTotal[], card: Opportunity, sign: 1 | -1): ColumnTotal[] {
  const next = totals.map((t) => ({ ...t }));
  let total = next.find((t) => t.currency === card.currency);
  if (!total) {
    total = { currency: card.currency, count: 0, amount: 0, weightedAmount: 0 };
    next.push(total);
  }
  total.count += sign;
  total.amount += sign * card.amount;
  total.weightedAmount = (total.weightedAmount ?? 0) + sign * ((card.amount * (card.probability ?? 0)) / 100);
  return next.filter((t) => t.count > 0);
}

/**
 * The columns with `card` (new data or the same) at `to`, removed from wherever it was; counts and
 * totals follow. `to` undefined removes the card. Columns not involved keep their identity.
 */
export function placeCard(columns: BoardColumn[], card: Opportunity, to: CardPlace | undefined): BoardColumn[] {
  const from = findCard(columns, card.id);
  return columns.map((column) => {
    const key = column.stage.key;
    if (key !== from?.stage && key !== to?.stage) return column;
    let { cards, count, totals } = column;
    if (from && key === from.stage) {
      cards = cards.filter((c) => c.id !== card.id);
      count -= 1;
      totals = addToTotals(totals, from.card, -1);
    }
    if (to && key === to.stage) {
      const index = Math.max(0, Math.min(to.index, cards.length));
      cards = [...cards.slice(0, index), card, ...cards.slice(index)];
      count += 1;
      totals = addToTotals(totals, card, 1);
    }
    return { ...column, cards, count, totals };
  });
}

/** The index a card of `rank` takes among a column's loaded cards (board order is by rank). */
export function indexByRank(column: BoardColumn, rank: number | undefined): number {
  if (rank === undefined) return 0;
  const index = column.cards.findIndex((c) => (c.rank ?? Infinity) > rank);
  return index < 0 ? column.cards.length : index;
}
