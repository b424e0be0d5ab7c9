import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { op } from '../../platform/db/operators.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import { AppError } from '../../platform/errors.js';
import { iso } from '../../platform/records/dto.js';
import { orgModel } from '../identity/org.model.js';
import { roleModel } from '../identity/role.model.js';
import { userModel } from '../identity/user.model.js';
import { metricResource, type Dimension, type MetricName, type Period } from './metrics.js';
import type { MetricsService } from './metrics.service.js';
import { reportModel, type Report, type ReportSchedule } from './reports.model.js';
import type { ReportKind, reportRanges } from './reports.schema.js';

/** The record type each report kind counts; a measure of another type is refused. */
const kindResource: Record<ReportKind, string> = { opportunities: 'opportunity', leads: 'lead', activities: 'activity', tickets: 'ticket' };

export interface ReportDefinitionInput {
  kind: ReportKind;
  measures: MetricName[];
  dimension: Dimension;
  period: Period;
  range?: (typeof reportRanges)[number] | null | undefined;
  from?: string | null | undefined;
  to?: string | null | undefined;
  key?: string | null | undefined;
}

export interface ReportInput extends ReportDefinitionInput {
  name: string;
  sharedWith: { roles: string[]; teams: string[] };
  schedule?: { frequency: ReportSchedule['frequency']; recipients: string[]; format: ReportSchedule['format'] } | null | undefined;
}

/** A report's answer: one row per period and dimension key, a value per measure. */
export interface ReportResult {
  name: string | null;
  kind: ReportKind;
  measures: MetricName[];
  dimension: Dimension;
  period: Period;
  from: string;
  to: string;
  source: 'rollups';
  rows: { periodStart: string; key: string; label: string; values: number[] }[];
}

/**
 * Saved reports (issue 19, item 4): definitions per agency and owner, shared with roles and teams, run
 * from the roll-ups through the metrics service, so every reader gets the figures of what they may see
 * (a rep their own, a head the team's), exactly as their dashboards do.
 */
export function createReportsService(deps: { connection: Connection; metrics: MetricsService }) {
  const Reports = reportModel(deps.connection);

  const editable = (principal: Principal, r: Report) => r.ownerId.equals(principal.userId) || principal.role.isAdmin;
  const visible = (principal: Principal, r: Report) =>
    editable(principal, r) || (r.sharedRoles ?? []).includes(principal.role.key) || (r.sharedTeamIds ?? []).some((t) => principal.teamIds.some((mine) => mine.equals(t)));

  function toDto(principal: Principal, r: Report) {
    return {
      id: String(r._id),
      name: r.name,
      kind: r.kind as ReportKind,
      measures: r.measures as MetricName[],
      dimension: r.dimension as Dimension,
      period: r.period as Period,
      range: (r.range ?? null) as (typeof reportRanges)[number] | null,
      from: r.from ?? null,
      to: r.to ?? null,
      key: r.key ?? null,
      sharedWith: { roles: r.sharedRoles ?? [], teams: (r.sharedTeamIds ?? []).map(String) },
      schedule: r.schedule ? { frequency: r.schedule.frequency, recipients: r.schedule.recipientIds.map(String), format: r.schedule.format } : null,
      owner: String(r.ownerId),
      editable: editable(principal, r),
      version: r.version ?? 0,
      createdAt: iso(r.createdAt) ?? '',
      updatedAt: iso(r.updatedAt) ?? '',
    };
  }

  /** Checks what zod cannot: each measure counts the report's kind, and a fixed span has both ends in order. */
  function assertDefinition(def: ReportDefinitionInput) {
    def.measures.forEach((m, i) => {
      if (metricResource[m] !== kindResource[def.kind]) throw AppError.invalidField(`measures.${i}`, `counts ${metricResource[m]} records, not ${def.kind}; pick measures of one kind`);
    });
    if (new Set(def.measures).size !== def.measures.length) throw AppError.invalidField('measures', 'names a measure twice');
    if (def.from && def.to && def.from > def.to) throw AppError.invalidField('to', 'must not be before from');
    if (def.to && !def.from) throw AppError.invalidField('from', 'is needed with to (or use range for a span up to today)');
  }

  /** Checks the roles, teams and recipients named belong to the agency (and recipients may sign in). */
  async function assertAudience(principal: Principal, input: ReportInput) {
    const tenantId = principal.tenantId;
    if (input.sharedWith.roles.length) {
      const known = new Set((await roleModel(deps.connection).find({ tenantId }).select('key').lean()).map((r) => r.key));
      input.sharedWith.roles.forEach((key, i) => {
        if (!known.has(key)) throw AppError.invalidField(`sharedWith.roles.${i}`, 'is not a role of this agency');
      });
    }
    if (input.sharedWith.teams.length) {
      const known = new Set((await orgModel(deps.connection).find({ tenantId, kind: 'team' }).select('_id').lean()).map((t) => String(t._id)));
      input.sharedWith.teams.forEach((id, i) => {
        if (!known.has(id)) throw AppError.invalidField(`sharedWith.teams.${i}`, 'is not a team of this agency');
      });
    }
    const recipients = input.schedule?.recipients ?? [];
    if (recipients.length) {
      const found = await userModel(deps.connection).find({ tenantId, _id: op({ $in: recipients.map((id) => new Types.ObjectId(id)) }) }).select('_id status').lean();
      const active = new Set(found.filter((u) => u.status !== 'disabled').map((u) => String(u._id)));
      recipients.forEach((id, i) => {
        if (!active.has(id)) throw AppError.invalidField(`schedule.recipients.${i}`, 'is not an active user of this agency');
      });
      if (new Set(recipients).size !== recipients.length) throw AppError.invalidField('schedule.recipients', 'names a user twice');
    }
  }

  function fields(input: ReportInput) {
    return {
      name: input.name,
      kind: input.kind,
      measures: input.measures,
      dimension: input.dimension,
      period: input.period,
      range: input.range ?? null,
      from: input.from ?? null,
      to: input.to ?? null,
      key: input.key ?? null,
      sharedRoles: input.sharedWith.roles,
      sharedTeamIds: input.sharedWith.teams.map((id) => new Types.ObjectId(id)),
      schedule: input.schedule ? { frequency: input.schedule.frequency, recipientIds: input.schedule.recipients.map((id) => new Types.ObjectId(id)), format: input.schedule.format } : null,
      scheduled: Boolean(input.schedule),
    };
  }

  async function findVisible(principal: Principal, id: string): Promise<Report> {
    const found = Types.ObjectId.isValid(id) ? ((await findByIdInTenant(Reports, principal.tenantId, new Types.ObjectId(id))) as Report | null) : null;
    if (!found || !visible(principal, found)) throw AppError.notFound('Report');
    return found;
  }

  async function findEditable(principal: Principal, id: string): Promise<Report> {
    const found = await findVisible(principal, id);
    if (!editable(principal, found)) throw new AppError('forbidden', 'A report shared with you is changed by its owner; save your own copy to change it');
    return found;
  }

  /** Runs a definition for `principal`: one metrics read per measure, merged into rows by period and key. */
  async function run(principal: Principal, def: ReportDefinitionInput, name: string | null = null): Promise<ReportResult> {
    assertDefinition(def);
    const answers = await Promise.all(
      def.measures.map((metric) =>
        deps.metrics.query(principal, { metric, period: def.period, dimension: def.dimension, from: def.from ?? undefined, to: def.from ? (def.to ?? undefined) : undefined, since: def.from ? undefined : (def.range ?? undefined), key: def.key ?? undefined }),
      ),
    );
    const first = answers[0]!;
    // Keys in the first measure's order (largest first), then any only another measure has.
    const keys = new Map<string, string>();
    for (const answer of answers) for (const s of answer.series) if (!keys.has(s.key)) keys.set(s.key, s.label);
    const values = answers.map((answer) => new Map(answer.series.map((s) => [s.key, new Map(s.points.map((p) => [p.periodStart, p.value]))])));
    const starts = first.series[0]?.points.map((p) => p.periodStart) ?? [];
    const rows = starts.flatMap((periodStart) => [...keys].map(([key, label]) => ({ periodStart, key, label, values: values.map((byKey) => byKey.get(key)?.get(periodStart) ?? 0) })));
    return { name, kind: def.kind, measures: def.measures, dimension: def.dimension, period: def.period, from: first.from, to: first.to, source: 'rollups', rows };
  }

  return {
    run,

    /** The reports the caller owns or that are shared with their role or one of their teams (an admin: every one). */
    async list(principal: Principal) {
      const rows = principal.role.isAdmin
        ? await Reports.find({ tenantId: principal.tenantId }).lean()
        : (await Promise.all([
            Reports.find({ tenantId: principal.tenantId, ownerId: principal.userId }).lean(),
            Reports.find({ tenantId: principal.tenantId, sharedRoles: principal.role.key }).lean(),
            ...principal.teamIds.slice(0, 20).map((teamId) => Reports.find({ tenantId: principal.tenantId, sharedTeamIds: teamId }).lean()),
          ])).flat();
      const unique = [...new Map(rows.map((r) => [String(r._id), r as Report])).values()].sort((a, b) => a.name.localeCompare(b.name) || String(a._id).localeCompare(String(b._id)));
      return { object: 'list' as const, data: unique.map((r) => toDto(principal, r)), hasMore: false, nextCursor: null };
    },

    async get(principal: Principal, id: string) {
      return toDto(principal, await findVisible(principal, id));
    },

    async create(principal: Principal, input: ReportInput) {
      assertDefinition(input);
      await assertAudience(principal, input);
      const created = await Reports.create({ tenantId: principal.tenantId, ownerId: principal.userId, ...fields(input) });
      return toDto(principal, created.toObject() as Report);
    },

    /** Replaces the definition, audience and schedule (conditional on `ifMatch`, the version, when sent). */
    async update(principal: Principal, id: string, input: ReportInput, ifMatch?: number) {
      assertDefinition(input);
      const existing = await findEditable(principal, id);
      if (ifMatch !== undefined && ifMatch !== existing.version) throw new AppError('version_conflict', 'The report changed meanwhile', { extensions: { current: toDto(principal, existing) } });
      await assertAudience(principal, input);
      const done = await Reports.updateOne({ _id: existing._id, tenantId: principal.tenantId, version: existing.version }, { $set: fields(input), $inc: { version: 1 } });
      if (!done.matchedCount) throw new AppError('version_conflict', 'The report changed meanwhile; reload it and try again', { extensions: { current: toDto(principal, await findVisible(principal, id)) } });
      return toDto(principal, await findVisible(principal, id));
    },

    async remove(principal: Principal, id: string) {
      const existing = await findEditable(principal, id);
      await Reports.deleteOne({ _id: existing._id, tenantId: principal.tenantId });
    },

    /** The language of the caller's profile (`locale`), for headers they did not ask a language of. */
    async profileLocale(principal: Principal): Promise<string | null> {
      const user = await userModel(deps.connection).findOne({ tenantId: principal.tenantId, _id: principal.userId }).select('locale').lean();
      return user?.locale ?? null;
    },

    /** Runs a saved report with the caller's own visibility. */
    async runSaved(principal: Principal, id: string) {
      const report = await findVisible(principal, id);
      return run(principal, toDto(principal, report), report.name);
    },
  };
}

export type ReportsService = ReturnType<typeof createReportsService>;
