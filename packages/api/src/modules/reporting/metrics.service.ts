import type { Connection, Types } from 'mongoose';
import { inParallel } from '../../platform/concurrency.js';
import { assertCan } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { metricReach } from '../../platform/access/metric-visibility.js';
import { AppError } from '../../platform/errors.js';
import { orgModel } from '../identity/org.model.js';
import { userModel } from '../identity/user.model.js';
import { pipelineModel } from '../opportunities/pipeline.model.js';
import { productModel } from '../products/product.model.js';
import { localDate, metricResource, periodStart, periodStarts, readGroup, type Dimension, type forecastCategories, type MetricName, type Period } from './metrics.js';
import type { Rollups } from './rollups.service.js';

/** At most this many buckets per series, so no query reads more than a bounded number of documents. */
export const MAX_POINTS = 400;
const MAX_SERIES = 50;
const READS_AT_ONCE = 8;
const KEYS_READ_ONE_BY_ONE = 4;
const LABELS_CACHE_MS = 5_000;
/** Points of whole answers kept per process (an answer is at most 50 series × 400 points). */
const MAX_ANSWER_POINTS = 200_000;
const forecastLabels: Record<(typeof forecastCategories)[number], string> = { commit: 'Commit', bestcase: 'Best case', pipeline: 'Pipeline' };

export interface MetricQuery {
  metric: MetricName;
  period: Period;
  from?: string | undefined;
  to?: string | undefined;
  since?: Period | undefined;
  dimension: Dimension;
  key?: string | undefined;
}


export interface MetricAnswer {
  metric: MetricName;
  period: Period;
  dimension: Dimension;
  from: string;
  to: string;
  series: { key: string; label: string; points: { periodStart: string; value: number }[] }[];
}

/** Answers metric series from the roll-ups, within what the caller may see (platform/access/metric-visibility). */
export function createMetricsService(deps: { connection: Connection; rollups: Rollups }) {
  const { connection, rollups } = deps;

  const labelCache = new Map<string, { at: number; value: Promise<Map<string, string>> }>();
  /**
   * Whole answers, kept under the agency's applied stamp and the labels they were named with: a
   * dashboard asked again while nothing was applied is answered without building its series again (and,
   * at the route, without serializing it again). The key holds everything the answer depends on: the
   * agency, the question with its resolved span, and the keys the caller may see (their visibility).
   */
  const answers = new Map<string, { stamp: string; names: Promise<Map<string, string>>; points: number; value: MetricAnswer }>();
  let answerPoints = 0;
  function keepAnswer(key: string, entry: { stamp: string; names: Promise<Map<string, string>>; points: number; value: MetricAnswer }): void {
    const old = answers.get(key);
    if (old) answerPoints -= old.points;
    answers.delete(key);
    answers.set(key, entry);
    answerPoints += entry.points;
    for (const [k, e] of answers) {
      if (answerPoints <= MAX_ANSWER_POINTS) break;
      answers.delete(k);
      answerPoints -= e.points;
    }
  }

  /** The labels of a dimension, read once per agency and dimension every few seconds (a dashboard asks for the same ones at once). */
  function labels(tenantId: Types.ObjectId, dimension: Dimension): Promise<Map<string, string>> {
    const cacheKey = `${String(tenantId)}|${dimension}`;
    const hit = labelCache.get(cacheKey);
    if (hit && Date.now() - hit.at < LABELS_CACHE_MS) return hit.value;
    const value = readLabels(tenantId, dimension);
    labelCache.set(cacheKey, { at: Date.now(), value });
    value.catch(() => labelCache.delete(cacheKey));
    if (labelCache.size > 1000) for (const [key, entry] of labelCache) if (Date.now() - entry.at >= LABELS_CACHE_MS) labelCache.delete(key);
    return value;
  }

  /** Names for dimension keys people read: users, teams, products, pipelines and stages; other keys stand for themselves. */
  async function readLabels(tenantId: Types.ObjectId, dimension: Dimension): Promise<Map<string, string>> {
    const out = new Map<string, string>([['all', 'All']]);
    if (dimension === 'forecast') for (const [key, name] of Object.entries(forecastLabels)) out.set(key, name);
    if (dimension === 'owner') for (const u of await userModel(connection).find({ tenantId }).select('name').lean()) out.set(String(u._id), u.name);
    if (dimension === 'team') for (const t of await orgModel(connection).find({ tenantId, kind: 'team' }).select('name').lean()) out.set(String(t._id), t.name);
    if (dimension === 'product') for (const p of await productModel(connection).find({ tenantId }).select('name').lean()) out.set(String(p._id), p.name);
    if (dimension === 'pipeline' || dimension === 'stage') {
      for (const p of await pipelineModel(connection).find({ tenantId }).select('name stages').lean()) {
        if (dimension === 'pipeline') out.set(String(p._id), p.name);
        else for (const s of p.stages ?? []) if (!out.has(s.key)) out.set(s.key, s.name);
      }
    }
    return out;
  }

  /**
   * The keys to read and how to answer them. A role that sees every record of the metric's type reads
   * what it asks; any other reads only the keys it may see, and its `all` is the sum of the owners whose
   * records it sees. Dimensions with no visibility key (stage, pipeline...) need the whole view.
   */
  function plan(principal: Principal, q: MetricQuery): { dimension: Dimension; keys: string[] | null; sumAs?: string } {
    const resource = metricResource[q.metric];
    const reach = metricReach(principal, resource);
    if (reach.all) return { dimension: q.dimension, keys: q.key !== undefined ? [q.key] : null };
    const narrow = (allowed: string[]) => {
      if (q.key === undefined) return allowed;
      if (!allowed.includes(q.key)) throw AppError.notFound(`A ${q.dimension} with key ${q.key} you may see`);
      return [q.key];
    };
    switch (q.dimension) {
      case 'all':
        if (q.key !== undefined && q.key !== 'all') throw AppError.invalidField('key', "must be 'all' (or left out) for dimension all");
        return { dimension: 'owner', keys: reach.owner, sumAs: 'all' };
      case 'owner':
        return { dimension: 'owner', keys: narrow(reach.owner) };
      case 'team':
        return { dimension: 'team', keys: narrow(reach.team) };
      case 'product':
        return { dimension: 'product', keys: narrow(reach.product) };
      default:
        throw new AppError('forbidden', `Your role sees only some ${resource} records, so it may split ${q.metric} by owner, team or product, or ask for all (your own total)`);
    }
  }

  /** A metric's series from `from` to `to`, one point per period, per dimension key the caller may see. The answer may be shared: callers do not change it. */
  async function query(principal: Principal, q: MetricQuery): Promise<MetricAnswer> {
    assertCan(principal, metricResource[q.metric], 'read');
    // The roll-ups' reads of this answer share one check of what was applied since they were cached.
    const asOf = performance.now();
    // Left out, the span is the current period (or the one named by `since`) to today, on the agency's calendar.
    const timeZone = q.from && q.to ? 'UTC' : await rollups.timeZoneOf(principal.tenantId);
    const from = q.from ?? periodStart(q.since ?? q.period, new Date(), timeZone);
    const to = q.to ?? localDate(new Date(), timeZone);
    if (from > to) throw AppError.invalidField('to', 'must not be before from');
    const starts = periodStarts(q.period, from, to);
    if (starts.length > MAX_POINTS) throw AppError.invalidField('to', `spans ${starts.length} ${q.period}s; ask for at most ${MAX_POINTS} at once (a longer period, or a shorter range)`);
    const { dimension, keys, sumAs } = plan(principal, q);
    const cacheKey = [String(principal.tenantId), q.metric, q.period, q.dimension, from, to, dimension, sumAs ?? '', keys === null ? '*' : keys.join(',')].join('|');
    // The names first: a label cached now is the one this answer would be built with.
    const names = labels(principal.tenantId, sumAs ? 'all' : dimension);
    const stamp = await rollups.appliedStamp(principal.tenantId, asOf);
    const kept = answers.get(cacheKey);
    if (kept && kept.stamp === stamp && kept.names === names) {
      answers.delete(cacheKey);
      answers.set(cacheKey, kept);
      return kept.value;
    }
    // One read per read group (a month of days or weeks, a year of longer periods) and key; many keys
    // read the group's every key at once and keep theirs, so a read is a few equality queries whatever
    // the number of people below a head.
    const groups = [...new Set(starts.map((s) => readGroup(q.period, s)))];
    const wanted = new Set(starts);
    const allowed = keys === null ? null : new Set(keys);
    const reads = keys === null || keys.length > KEYS_READ_ONE_BY_ONE ? groups.map((group) => ({ group })) : keys.flatMap((key) => groups.map((group) => ({ group, key })));
    const rows = (await inParallel(reads, READS_AT_ONCE, (r) => rollups.read(principal.tenantId, { metric: q.metric, period: q.period, dimension, ...r }, asOf))).flat().filter((row) => !allowed || allowed.has(row.key));
    const byKey = new Map<string, Map<string, number>>();
    for (const key of keys ?? []) byKey.set(sumAs ?? key, new Map());
    if (sumAs) byKey.set(sumAs, new Map());
    for (const row of rows) {
      if (!wanted.has(row.periodStart)) continue;
      const key = sumAs ?? row.key;
      const points = byKey.get(key) ?? new Map<string, number>();
      points.set(row.periodStart, Math.round(((points.get(row.periodStart) ?? 0) + row.value) * 100) / 100);
      byKey.set(key, points);
    }
    const named = await names;
    const series = [...byKey]
      .map(([key, points]) => ({
        key,
        label: named.get(key) ?? key,
        points: starts.map((periodStart) => ({ periodStart, value: points.get(periodStart) ?? 0 })),
        total: [...points.values()].reduce((a, b) => a + b, 0),
      }))
      .sort((a, b) => b.total - a.total || a.label.localeCompare(b.label))
      .slice(0, MAX_SERIES)
      .map(({ total: _total, ...s }) => s);
    const answer: MetricAnswer = { metric: q.metric, period: q.period, dimension: q.dimension, from, to, series };
    // Kept under the stamp read before its rows were (rows applied meanwhile move the stamp: the next ask builds again).
    keepAnswer(cacheKey, { stamp, names, points: Math.max(1, series.length * starts.length), value: answer });
    return answer;
  }

  return { query, labels };
}

export type MetricsService = ReturnType<typeof createMetricsService>;
