import type { DashboardWidget } from '@crm/client-sdk';

// Where a dashboard's widgets sit: the API stores each widget's place on a 12-column grid (x, y, w, h);
// the element shows them in reading order (row by row, left to right) and, after the user added,
// removed or moved widgets, flows them into the grid again in their new order.

/** The part of a widget that says where it sits. */
export interface GridPlace {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The widgets in reading order: top row first, left to right within a row. */
export function readingOrder<T extends GridPlace>(widgets: readonly T[]): T[] {
  return [...widgets].sort((a, b) => a.y - b.y || a.x - b.x);
}

/** Lays `widgets` out again in the order given, each keeping its width and height, wrapping at 12 columns. */
export function flow<T extends GridPlace>(widgets: readonly T[]): T[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return widgets.map((widget) => {
    const w = Math.min(12, Math.max(1, widget.w));
    if (x + w > 12) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const placed = { ...widget, x, y, w };
    x += w;
    rowHeight = Math.max(rowHeight, widget.h);
    return placed;
  });
}

/** `list` with the item at `from` moved to `to` (both clamped to the list). */
export function moved<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  const target = Math.max(0, Math.min(out.length - 1, to));
  const [item] = out.splice(from, 1);
  if (item !== undefined) out.splice(target, 0, item);
  return out;
}

const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

/** A roll-up period: a day, an ISO week (from Monday), a month, a quarter or a year on the agency's calendar (the API's type). */
export type RollupPeriod = DashboardWidget['period'];

/** How far back a chart looks, ending today (the API's type). */
export type WidgetRange = NonNullable<DashboardWidget['range']>;

/** What a widget asks `/v1/metrics` for besides its metric: a span of days, or the API's current period. */
export interface WidgetSpan {
  from?: string;
  to?: string;
  since?: RollupPeriod;
}

/**
 * The days a widget asks for, ending today. Period boundaries are the API's (on the agency's calendar),
 * so this never computes one: a gauge or figure asks for its current period by sending no `from`; a
 * chart sends how far back its `range` reaches (a week, a month, three months, a year: the API counts
 * the periods holding those days), `since: 'quarter'` for the current quarter, else 12 periods back; a
 * forecast range (`next3months`, `next12months`) sends how far ahead it reaches, from the current period.
 */
export function widgetSpan(widget: { kind: string; period: RollupPeriod; range?: WidgetRange | undefined }, now: Date): WidgetSpan {
  if (widget.kind !== 'chart') return {};
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  switch (widget.range) {
    case 'week':
      from.setUTCDate(from.getUTCDate() - 6);
      return { from: ymd(from) };
    case 'month':
      from.setUTCMonth(from.getUTCMonth() - 1);
      return { from: ymd(from) };
    case 'quarter':
      return { since: 'quarter' };
    case '3months':
      from.setUTCMonth(from.getUTCMonth() - 3);
      return { from: ymd(from) };
    case 'year':
      from.setUTCFullYear(from.getUTCFullYear() - 1);
      return { from: ymd(from) };
    case 'next3months':
    case 'next12months':
      from.setUTCMonth(from.getUTCMonth() + (widget.range === 'next3months' ? 3 : 12));
      return { to: ymd(from) };
    default: {
      const back = { day: [0, 0, 11], week: [0, 0, 77], month: [0, 11, 0], quarter: [0, 33, 0], year: [11, 0, 0] }[widget.period];
      from.setUTCFullYear(from.getUTCFullYear() - back[0]!, from.getUTCMonth() - back[1]!, from.getUTCDate() - back[2]!);
      return { from: ymd(from) };
    }
  }
}
