// The figures behind <crm-chart>, shaped once for both the canvas and the table that stands in for it.
import { formatMoney, formatNumber, formatPercent } from '../shared/format.js';

/** One line, bar group or slice: a series of `crm.metrics.query`'s answer (one key of the dimension). */
export interface CrmChartSeries {
  /** The dimension's key (an owner's id, a stage's key...), or `total`. */
  key: string;
  /** What the series is called on the legend and in the table. */
  label: string;
  /** Its value per period, oldest first; a period without a point counts as 0. */
  points: ReadonlyArray<{ periodStart: string; value: number }>;
}

/** The period the points are counted in (sets how the periods are written). */
export type CrmChartPeriod = 'day' | 'week' | 'month' | 'quarter' | 'year';

/** How values are written: a plain number, money in a currency, or a percent (`25` → 25 %). */
export type CrmChartFormat = 'number' | 'currency' | 'percent';

/** Every period any series has a point in, oldest first. */
export function periodsOf(series: readonly CrmChartSeries[]): string[] {
  const periods = new Set<string>();
  for (const one of series) for (const point of one.points) periods.add(point.periodStart);
  return [...periods].sort();
}

/** Each series' values over `periods`, 0 where it has no point. */
export function valuesOver(one: CrmChartSeries, periods: readonly string[]): number[] {
  const byPeriod = new Map(one.points.map((point) => [point.periodStart, point.value]));
  return periods.map((period) => byPeriod.get(period) ?? 0);
}

/** A series' sum over all its points (a funnel step or a pie slice). */
export function totalOf(one: CrmChartSeries): number {
  return one.points.reduce((sum, point) => sum + point.value, 0);
}

/** Formats a value as the chart's `format` says. */
export function formatValue(value: number, format: CrmChartFormat, locale: string, currency = 'EUR'): string {
  if (format === 'currency') return formatMoney(value, currency || 'EUR', locale);
  if (format === 'percent') return formatPercent(value, locale);
  return formatNumber(value, locale, { maximumFractionDigits: 1 });
}

const periodFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = periodFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' });
    periodFormats.set(key, format);
  }
  return format;
}

/**
 * A period's start written for its length, in UTC (roll-up periods are calendar periods): `Dec 2026` /
 * `Dez. 2026` for a month, `Q4 2026` for a quarter, `Week of 11/30/2026` for an ISO week.
 */
export function formatPeriod(periodStart: string, period: CrmChartPeriod, locale: string, words: { quarter: (quarter: number, year: number) => string; week: (date: string) => string }): string {
  const date = new Date(periodStart);
  if (Number.isNaN(date.getTime())) return periodStart;
  switch (period) {
    case 'year':
      return String(date.getUTCFullYear());
    case 'quarter':
      return words.quarter(Math.floor(date.getUTCMonth() / 3) + 1, date.getUTCFullYear());
    case 'month':
      return dateFormat(locale, { month: 'short', year: 'numeric' }).format(date);
    case 'week':
      return words.week(dateFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric' }).format(date));
    default:
      return dateFormat(locale, { day: 'numeric', month: 'short', year: 'numeric' }).format(date);
  }
}
