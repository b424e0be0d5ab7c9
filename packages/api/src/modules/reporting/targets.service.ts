import { Types, type Connection } from 'mongoose';
import { assertCan } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { maySetTarget, metricReach, type TargetSubject } from '../../platform/access/metric-visibility.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import { AppError } from '../../platform/errors.js';
import { iso } from '../../platform/records/dto.js';
import { orgModel } from '../identity/org.model.js';
import { userModel } from '../identity/user.model.js';
import { productModel } from '../products/product.model.js';
import { metricResource, periodStart, periodStartOfDay, type MetricName, type Period } from './metrics.js';
import { targetModel, type Target } from './reporting.model.js';
import type { Rollups } from './rollups.service.js';

type TargetDimension = 'owner' | 'team' | 'product' | 'all';
export interface TargetInput {
  metric: MetricName;
  period: Period;
  periodStart: string;
  dimension: TargetDimension;
  key: string;
  value: number;
}

const PAGE = 200;

/** The public shape of a target. */
export function toTargetDto(t: Target) {
  return {
    id: String(t._id),
    metric: t.metric as MetricName,
    period: t.period as Period,
    periodStart: t.periodStart,
    dimension: t.dimension as TargetDimension,
    key: t.key,
    value: t.value,
    setBy: t.setBy ? String(t.setBy) : null,
    version: t.version ?? 0,
    createdAt: iso(t.createdAt) ?? '',
    updatedAt: iso(t.updatedAt) ?? '',
  };
}

/** Targets (quotas) per person, team, product or agency and period, set by someone above the subject, with attainment. */
export function createTargetsService(deps: { connection: Connection; rollups: Rollups }) {
  const { connection, rollups } = deps;
  const Targets = targetModel(connection);

  /** Whether the caller may read figures of this subject (the metric's visibility in dimension keys). */
  function mayRead(principal: Principal, t: { metric: string; dimension: string; key: string }): boolean {
    const reach = metricReach(principal, metricResource[t.metric as MetricName]);
    if (reach.all) return true;
    if (t.dimension === 'owner') return reach.owner.includes(t.key);
    if (t.dimension === 'team') return reach.team.includes(t.key);
    if (t.dimension === 'product') return reach.product.includes(t.key);
    return false;
  }

  /** The subject as the org chart has it; a key naming nobody of this agency is refused on `key`. */
  async function subject(principal: Principal, dimension: TargetDimension, key: string): Promise<TargetSubject> {
    const tenantId = principal.tenantId;
    const bad = () => AppError.invalidField('key', `is not a ${dimension === 'owner' ? 'user' : dimension} of this agency`);
    if (dimension === 'all') {
      if (key !== 'all') throw AppError.invalidField('key', "must be 'all' for dimension all");
      return { dimension, key, leadIds: [] };
    }
    if (!Types.ObjectId.isValid(key) || String(new Types.ObjectId(key)) !== key.toLowerCase()) throw bad();
    const id = new Types.ObjectId(key);
    if (dimension === 'owner') {
      if (!(await findByIdInTenant(userModel(connection), tenantId, id))) throw bad();
      const teams = await orgModel(connection).find({ tenantId, kind: 'team' }).select('memberIds leadId').lean();
      return { dimension, key, leadIds: teams.filter((t) => t.memberIds.some((m) => m.equals(id)) && t.leadId).map((t) => String(t.leadId)) };
    }
    if (dimension === 'team') {
      const team = await findByIdInTenant(orgModel(connection), tenantId, id);
      if (!team || team.kind !== 'team') throw bad();
      return { dimension, key, leadIds: team.leadId ? [String(team.leadId)] : [] };
    }
    if (!(await findByIdInTenant(productModel(connection), tenantId, id))) throw bad();
    return { dimension, key, leadIds: [] };
  }

  async function assertMaySet(principal: Principal, t: { metric: string; dimension: string; key: string }) {
    const who = await subject(principal, t.dimension as TargetDimension, t.key);
    if (!maySetTarget(principal, metricResource[t.metric as MetricName], who)) {
      throw new AppError('forbidden', 'Only someone above this person, team or product (their head, or an admin) may set its target');
    }
  }

  async function findVisible(principal: Principal, id: string): Promise<Target> {
    const found = Types.ObjectId.isValid(id) ? await findByIdInTenant(Targets, principal.tenantId, new Types.ObjectId(id)) : null;
    if (!found || !mayRead(principal, found)) throw AppError.notFound('Target');
    return found as Target;
  }

  return {
    /** The targets the caller may see, filtered by equality, in id order. */
    async list(principal: Principal, query: Partial<Omit<TargetInput, 'value'>> & { limit?: number; cursor?: string | undefined }) {
      assertCan(principal, 'report', 'read');
      const filter: Record<string, unknown> = { tenantId: principal.tenantId };
      for (const field of ['metric', 'period', 'periodStart', 'dimension', 'key'] as const) if (query[field] !== undefined) filter[field] = query[field];
      const rows = (await Targets.find(filter).lean()).filter((t) => mayRead(principal, t)).sort((a, b) => String(a._id).localeCompare(String(b._id)));
      const after = query.cursor ? rows.filter((t) => String(t._id) > query.cursor!) : rows;
      const limit = query.limit ?? PAGE;
      const page = after.slice(0, limit);
      const hasMore = after.length > limit;
      return { object: 'list' as const, data: page.map((t) => toTargetDto(t as Target)), hasMore, nextCursor: hasMore ? String(page.at(-1)!._id) : null };
    },

    async get(principal: Principal, id: string) {
      return toTargetDto(await findVisible(principal, id));
    },

    /** Sets a target; one per subject, metric and period (a second answers 409). */
    async create(principal: Principal, input: TargetInput) {
      const first = periodStartOfDay(input.period, input.periodStart);
      if (first !== input.periodStart) throw AppError.invalidField('periodStart', `is not the first day of a ${input.period} (that is ${first})`);
      await assertMaySet(principal, input);
      try {
        const created = await Targets.create({ tenantId: principal.tenantId, ...input, setBy: principal.userId });
        return toTargetDto(created.toObject() as Target);
      } catch (error) {
        if ((error as { code?: number }).code === 11000) throw new AppError('conflict', 'This person, team or product already has a target for that metric and period; change it instead');
        throw error;
      }
    },

    /** Changes a target's value (conditional on `ifMatch`, the version, when sent). */
    async update(principal: Principal, id: string, input: { value: number }, ifMatch?: number) {
      const existing = await findVisible(principal, id);
      await assertMaySet(principal, existing);
      if (ifMatch !== undefined && ifMatch !== existing.version) throw new AppError('version_conflict', 'The target changed meanwhile', { extensions: { current: toTargetDto(existing) } });
      const done = await Targets.updateOne({ _id: existing._id, tenantId: principal.tenantId, version: existing.version }, { $set: { value: input.value, setBy: principal.userId }, $inc: { version: 1 } });
      if (!done.matchedCount) throw new AppError('version_conflict', 'The target changed meanwhile; reload it and try again', { extensions: { current: toTargetDto((await findVisible(principal, id))) } });
      return toTargetDto(await findVisible(principal, id));
    },

    async remove(principal: Principal, id: string) {
      const existing = await findVisible(principal, id);
      await assertMaySet(principal, existing);
      await Targets.deleteOne({ _id: existing._id, tenantId: principal.tenantId });
    },

    /**
     * How far a subject is towards its target: the roll-up's actual for the period, the target, their
     * ratio, and for a person their share of their (first) team's actual.
     */
    async attainment(principal: Principal, query: { metric: MetricName; period: Period; periodStart?: string | undefined; dimension: TargetDimension; key: string }) {
      assertCan(principal, metricResource[query.metric], 'read');
      // The current period on the agency's calendar when none is named: the one place a front end's "now" is turned into a period.
      const asOf = performance.now();
      const q = { ...query, periodStart: query.periodStart ?? periodStart(query.period, new Date(), await rollups.timeZoneOf(principal.tenantId)) };
      const bucket = { metric: q.metric, period: q.period, periodStart: q.periodStart, dimension: q.dimension, key: q.key };
      const reach = metricReach(principal, metricResource[q.metric]);
      if (q.dimension === 'all' && !reach.all) {
        // Their `all` is what they may see (as in /v1/metrics): the sum of those owners, with no agency target.
        const values = await Promise.all(reach.owner.map((key) => rollups.value(principal.tenantId, { ...bucket, dimension: 'owner', key }, asOf)));
        return { periodStart: q.periodStart, target: null, actual: Math.round(values.reduce((a, b) => a + b, 0) * 100) / 100, attainment: null, teamShare: null };
      }
      if (!mayRead(principal, q)) throw AppError.notFound(`A ${q.dimension} with key ${q.key} you may see`);
      const [actual, target] = await Promise.all([
        rollups.value(principal.tenantId, bucket, asOf),
        Targets.findOne({ tenantId: principal.tenantId, metric: q.metric, period: q.period, periodStart: q.periodStart, dimension: q.dimension, key: q.key }).lean(),
      ]);
      let teamShare: number | null = null;
      if (q.dimension === 'owner') {
        const team = (await rollups.teamsOf(principal.tenantId))(q.key)[0];
        const teamActual = team ? await rollups.value(principal.tenantId, { ...bucket, dimension: 'team', key: team }, asOf) : 0;
        teamShare = teamActual > 0 ? Math.round((actual / teamActual) * 10_000) / 10_000 : null;
      }
      const goal = target?.value ?? null;
      return { periodStart: q.periodStart, target: goal, actual, attainment: goal ? Math.round((actual / goal) * 10_000) / 10_000 : null, teamShare };
    },
  };
}

export type TargetsService = ReturnType<typeof createTargetsService>;
