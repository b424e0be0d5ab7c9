import { Types, type Connection } from 'mongoose';
import { assertCan, visibilityFilter } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { maySetTarget, metricReach } from '../../platform/access/metric-visibility.js';
import { op } from '../../platform/db/operators.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import { AppError } from '../../platform/errors.js';
import { iso } from '../../platform/records/dto.js';
import { combine } from '../../platform/records/list-query.js';
import { customerModel } from '../customers/customer.model.js';
import { orgModel } from '../identity/org.model.js';
import { tenantModel } from '../identity/tenant.model.js';
import { userModel } from '../identity/user.model.js';
import { forecastPlanModel, pillars, type ForecastPlan, type Pillar, type PillarMonths } from './forecast.model.js';
import type { Rollups } from './rollups.service.js';

/** One entry as entered: whose, for which account (null: not tied to one), the twelve months per pillar. */
export interface ForecastInput {
  year: number;
  ownerId: string;
  accountId?: string | null | undefined;
  months: PillarMonths;
}

type Scope = { kind: 'agency' | 'owner' | 'team' | 'account'; id: string | null };

const pillarMetric = (pillar: Pillar) => `deals.won.amount.${pillar}` as const;
const zeros = () => Array.from({ length: 12 }, () => 0);
const ratio = (actual: number, plan: number) => (plan > 0 ? Math.round((actual / plan) * 10_000) / 10_000 : null);

/** The public shape of a forecast entry. */
export function toForecastDto(f: ForecastPlan) {
  return {
    id: String(f._id),
    year: f.year,
    ownerId: String(f.ownerId),
    accountId: f.accountId ? String(f.accountId) : null,
    months: { new: [...f.months.new], accountManagement: [...f.months.accountManagement], upsell: [...f.months.upsell] },
    updatedBy: f.updatedBy ? String(f.updatedBy) : null,
    version: f.version ?? 0,
    createdAt: iso(f.createdAt) ?? '',
    updatedAt: iso(f.updatedAt) ?? '',
  };
}

/**
 * 003's annual forecast in three pillars (new sales, account management, upselling): account managers
 * and their heads enter twelve monthly amounts per pillar for a year, per person and optionally per
 * account; the plan is summed up the account tree and the org (person, team, agency) and set against
 * the won deals of each pillar, month by month, from the roll-ups.
 */
export function createForecastsService(deps: { connection: Connection; rollups: Rollups }) {
  const { connection, rollups } = deps;
  const Plans = forecastPlanModel(connection);
  const Teams = orgModel(connection);

  /** Whether the caller may see this owner's forecast and figures (the roll-ups' visibility of deals). */
  function mayReadOwner(principal: Principal, ownerId: string): boolean {
    const reach = metricReach(principal, 'opportunity');
    return reach.all || reach.owner.includes(ownerId);
  }

  /** The leads of the teams a person is in (the heads who may enter their forecast). */
  async function leadsOf(tenantId: Types.ObjectId, userId: Types.ObjectId): Promise<string[]> {
    const teams = await Teams.find({ tenantId, kind: 'team' }).select('memberIds leadId').lean();
    return teams.filter((t) => t.memberIds.some((m) => m.equals(userId)) && t.leadId).map((t) => String(t.leadId));
  }

  /**
   * Who may enter a person's forecast: the person themself (it is their own plan), and whoever may set
   * their targets (targets.service's rule: their team's lead, someone above them, an admin).
   */
  async function mayEnter(principal: Principal, ownerId: Types.ObjectId): Promise<boolean> {
    if (principal.userId.equals(ownerId)) return true;
    return maySetTarget(principal, 'opportunity', { dimension: 'owner', key: String(ownerId), leadIds: await leadsOf(principal.tenantId, ownerId) });
  }

  /** An account the caller may see (404 otherwise), with the ids of it and its descendants they may see. */
  async function accountTree(principal: Principal, accountId: string, field = 'accountId'): Promise<Types.ObjectId[]> {
    const id = new Types.ObjectId(accountId);
    const visibility = visibilityFilter(principal, 'customer', 'read');
    const Customers = customerModel(connection);
    const node = await Customers.findOne(combine(visibility, { tenantId: principal.tenantId, _id: id }, []) as never).select('_id').lean();
    if (!node) throw AppError.invalidField(field, 'is not an account of this agency you may see');
    const tree = await Customers.find(combine(visibility, { tenantId: principal.tenantId }, [{ $or: [{ _id: id }, { ancestorIds: id }] }]) as never).select('_id').lean();
    return tree.map((c) => c._id as Types.ObjectId);
  }

  /** The won amounts per pillar and month (minor units) of the given keys of a dimension, from the month roll-ups. */
  async function actuals(tenantId: Types.ObjectId, year: number, dimension: string, keys: string[]): Promise<Record<Pillar, number[]>> {
    const out = { new: zeros(), accountManagement: zeros(), upsell: zeros() };
    const wanted = new Set(keys);
    await Promise.all(
      pillars.map(async (pillar) => {
        const q = { metric: pillarMetric(pillar), period: 'month' as const, dimension, group: String(year) };
        // One key is one line; several are the slice of every key, kept to those asked for.
        const rows = keys.length === 1 ? await rollups.read(tenantId, { ...q, key: keys[0]! }) : keys.length ? (await rollups.read(tenantId, q)).filter((r) => wanted.has(r.key)) : [];
        for (const row of rows) {
          const month = Number(row.periodStart.slice(5, 7)) - 1;
          if (month >= 0 && month < 12) out[pillar][month]! += Math.round(row.value * 100);
        }
      }),
    );
    return out;
  }

  /** The team by id (404 unless the caller sees its figures: their team, a team they lead or lead above, or all). */
  async function visibleTeam(principal: Principal, teamId: string) {
    const team = await findByIdInTenant(Teams, principal.tenantId, new Types.ObjectId(teamId));
    const reach = metricReach(principal, 'opportunity');
    const lead = team?.leadId ? String(team.leadId) : null;
    const allowed = team && team.kind === 'team' && (reach.all || reach.team.includes(teamId) || (lead && (lead === String(principal.userId) || reach.owner.includes(lead))));
    if (!allowed) throw AppError.notFound('A team you may see');
    return team;
  }

  return {
    /** The entries the caller may see (their own, their people's, all for an admin), by year, owner and account. */
    async list(principal: Principal, query: { year?: number | undefined; ownerId?: string | undefined; accountId?: string | undefined }) {
      assertCan(principal, 'report', 'read');
      const filter: Record<string, unknown> = { tenantId: principal.tenantId };
      if (query.year !== undefined) filter.year = query.year;
      if (query.ownerId) filter.ownerId = new Types.ObjectId(query.ownerId);
      if (query.accountId) filter.accountId = new Types.ObjectId(query.accountId);
      const rows = (await Plans.find(filter).limit(5_000).lean()).filter((p) => mayReadOwner(principal, String(p.ownerId)));
      rows.sort((a, b) => a.year - b.year || String(a.ownerId).localeCompare(String(b.ownerId)) || String(a.accountId ?? '').localeCompare(String(b.accountId ?? '')));
      return { object: 'list' as const, data: rows.map((p) => toForecastDto(p as ForecastPlan)), hasMore: false, nextCursor: null };
    },

    /**
     * Enters or replaces one entry (year, owner, account): by the person themself or someone who may set
     * their targets. Conditional on `ifMatch` (the entry's version; 0 for one not entered yet) when sent.
     */
    async put(principal: Principal, input: ForecastInput, ifMatch?: number) {
      assertCan(principal, 'report', 'read');
      const ownerId = new Types.ObjectId(input.ownerId);
      if (!(await findByIdInTenant(userModel(connection), principal.tenantId, ownerId))) throw AppError.invalidField('ownerId', 'is not a user of this agency');
      if (!(await mayEnter(principal, ownerId))) throw new AppError('forbidden', 'Only the account manager themself, their team’s lead, someone above them or an admin may enter their forecast');
      const accountId = input.accountId ? new Types.ObjectId(input.accountId) : null;
      if (accountId) await accountTree(principal, String(accountId));
      const key = { tenantId: principal.tenantId, year: input.year, ownerId, accountId };
      const existing = await Plans.findOne(key).lean();
      const current = () => (existing ? toForecastDto(existing as ForecastPlan) : null);
      if (ifMatch !== undefined && ifMatch !== (existing?.version ?? 0)) throw new AppError('version_conflict', 'The forecast changed meanwhile; reload it and try again', { extensions: { current: current() } });
      if (!existing) {
        try {
          const created = await Plans.create({ ...key, months: input.months, updatedBy: principal.userId });
          return toForecastDto(created.toObject() as ForecastPlan);
        } catch (error) {
          if ((error as { code?: number }).code === 11000) throw new AppError('version_conflict', 'Someone entered this forecast meanwhile; reload it and try again');
          throw error;
        }
      }
      const done = await Plans.updateOne({ _id: existing._id, tenantId: principal.tenantId, version: existing.version }, { $set: { months: input.months, updatedBy: principal.userId }, $inc: { version: 1 } });
      if (!done.matchedCount) throw new AppError('version_conflict', 'The forecast changed meanwhile; reload it and try again', { extensions: { current: current() } });
      return toForecastDto((await Plans.findOne({ _id: existing._id, tenantId: principal.tenantId }).lean()) as ForecastPlan);
    },

    /** Removes an entry (the same people who may enter it). */
    async remove(principal: Principal, id: string) {
      assertCan(principal, 'report', 'read');
      const found = await findByIdInTenant(Plans, principal.tenantId, new Types.ObjectId(id));
      if (!found || !mayReadOwner(principal, String(found.ownerId))) throw AppError.notFound('Forecast');
      if (!(await mayEnter(principal, found.ownerId))) throw new AppError('forbidden', 'Only the account manager themself, their team’s lead, someone above them or an admin may remove their forecast');
      await Plans.deleteOne({ _id: found._id, tenantId: principal.tenantId });
    },

    /**
     * Plan against won deals for a year, per pillar and month, for one owner, team or account (with its
     * descendants), or without one for everything the caller may see (the agency for an admin).
     */
    async annual(principal: Principal, query: { year: number; ownerId?: string | undefined; teamId?: string | undefined; accountId?: string | undefined }) {
      assertCan(principal, 'report', 'read');
      assertCan(principal, 'opportunity', 'read');
      const named = (['ownerId', 'teamId', 'accountId'] as const).filter((f) => query[f]);
      if (named.length > 1) throw AppError.invalidField(named[1]!, `name one of ownerId, teamId or accountId, not ${named.join(' and ')}`);
      const { tenantId } = principal;
      const reach = metricReach(principal, 'opportunity');
      const planFilter: Record<string, unknown> = { tenantId, year: query.year };
      let scope: Scope;
      let actual: Record<Pillar, number[]>;
      let editable = false;
      if (query.ownerId) {
        const known = await findByIdInTenant(userModel(connection), tenantId, new Types.ObjectId(query.ownerId));
        if (!known || !mayReadOwner(principal, query.ownerId)) throw AppError.notFound('An account manager you may see');
        scope = { kind: 'owner', id: query.ownerId };
        planFilter.ownerId = new Types.ObjectId(query.ownerId);
        actual = await actuals(tenantId, query.year, 'owner', [query.ownerId]);
        editable = await mayEnter(principal, new Types.ObjectId(query.ownerId));
      } else if (query.teamId) {
        const team = await visibleTeam(principal, query.teamId);
        scope = { kind: 'team', id: query.teamId };
        planFilter.ownerId = op({ $in: [...team.memberIds, ...(team.leadId ? [team.leadId] : [])] });
        actual = await actuals(tenantId, query.year, 'team', [query.teamId]);
      } else if (query.accountId) {
        const tree = await accountTree(principal, query.accountId);
        scope = { kind: 'account', id: query.accountId };
        planFilter.accountId = op({ $in: tree });
        actual = await actuals(tenantId, query.year, 'account', tree.map(String));
      } else if (reach.all) {
        scope = { kind: 'agency', id: null };
        actual = await actuals(tenantId, query.year, 'all', ['all']);
      } else {
        // Their agency is what they may see (as /v1/metrics answers `all`): the owners they see.
        scope = { kind: 'agency', id: null };
        planFilter.ownerId = op({ $in: reach.owner.map((o) => new Types.ObjectId(o)) });
        actual = await actuals(tenantId, query.year, 'owner', reach.owner);
      }
      const entries = await Plans.find(planFilter).select('months').limit(50_000).lean();
      const plan = { new: zeros(), accountManagement: zeros(), upsell: zeros() };
      for (const entry of entries) for (const pillar of pillars) entry.months[pillar].forEach((v, m) => (plan[pillar][m]! += v));
      const seriesOf = (p: number[], a: number[]) => {
        const planTotal = p.reduce((x, y) => x + y, 0);
        const actualTotal = a.reduce((x, y) => x + y, 0);
        return { plan: p, actual: a, planTotal, actualTotal, attainment: ratio(actualTotal, planTotal) };
      };
      const totalPlan = zeros().map((_, m) => pillars.reduce((sum, p) => sum + plan[p][m]!, 0));
      const totalActual = zeros().map((_, m) => pillars.reduce((sum, p) => sum + actual[p][m]!, 0));
      const tenant = await tenantModel(connection).findById(tenantId).select('settings.currency').lean();
      return {
        year: query.year,
        currency: tenant?.settings?.currency ?? 'USD',
        scope,
        entries: entries.length,
        editable,
        pillars: { new: seriesOf(plan.new, actual.new), accountManagement: seriesOf(plan.accountManagement, actual.accountManagement), upsell: seriesOf(plan.upsell, actual.upsell) },
        total: seriesOf(totalPlan, totalActual),
      };
    },
  };
}

export type ForecastsService = ReturnType<typeof createForecastsService>;
