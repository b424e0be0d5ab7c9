import type { Connection, Types } from 'mongoose';
import type { Logger } from 'pino';
import type { DomainEvent, EventBus } from '../../platform/events.js';
import { TENANT_MESSAGE_EVENT } from '../../platform/realtime/realtime.js';
import { orgModel } from '../identity/org.model.js';
import { tenantModel } from '../identity/tenant.model.js';
import { activityModel } from '../activities/activity.model.js';
import { toActivityDto } from '../activities/activities.service.js';
import { leadModel } from '../leads/lead.model.js';
import { toLeadDto } from '../leads/lead.definition.js';
import { opportunityModel } from '../opportunities/opportunity.model.js';
import { toOpportunityDto } from '../opportunities/opportunities.service.js';
import { ticketModel } from '../support/ticket.model.js';
import { toTicketDto } from '../support/ticket.definition.js';
import { bucketId, contributionsOf, countedPart, countedResources, metricResource, readGroup, type Contribution, type CountedResource, type MetricName, type Period, type TeamsOf } from './metrics.js';
import { rollupContributionModel, rollupModel, rollupOutboxModel } from './reporting.model.js';
import { inParallel } from '../../platform/concurrency.js';
import { bucketFields, cents, createRollupApplier, rollupId, WRITES_AT_ONCE } from './rollup-applier.js';

const FACTS_CACHE_MS = 5_000;

type Dto = Record<string, unknown>;

/** What the roll-ups need to know of an agency besides a record: who is in which team, and its time zone. */
interface AgencyFacts {
  teamsOf: TeamsOf;
  timeZone: string;
}

/** The record types counted, with how the rebuild reads them and turns them into their API shape. */
function sources(connection: Connection): Record<CountedResource, { model: ReturnType<typeof opportunityModel> | ReturnType<typeof leadModel> | ReturnType<typeof activityModel> | ReturnType<typeof ticketModel>; toDto: (doc: never) => Dto }> {
  return {
    opportunity: { model: opportunityModel(connection), toDto: toOpportunityDto },
    lead: { model: leadModel(connection), toDto: toLeadDto },
    activity: { model: activityModel(connection), toDto: toActivityDto },
    ticket: { model: ticketModel(connection), toDto: toTicketDto },
  };
}

/**
 * Roll-ups written with the records (issue 19). Every event of a counted record (opportunity, lead,
 * activity, ticket) is turned into what that record adds to each bucket and queued (one insert, keyed by
 * the record's version, on the write path); the applier (rollup-applier.ts) applies the difference from
 * what it added last time shortly after, exactly once, so a duplicated or retried event adds nothing and
 * an older one (a lower record version) is ignored. `rebuild` recomputes a tenant from the records.
 * `autoApply: false` only queues (a test then drives the applier).
 */
export function createRollups(deps: { connection: Connection; events: EventBus; logger?: Logger; autoApply?: boolean; beforePlanCleared?: () => Promise<void> }) {
  const { connection, events } = deps;
  const Rollups = rollupModel(connection);
  const Contributions = rollupContributionModel(connection);
  const Outbox = rollupOutboxModel(connection);
  const factsCache = new Map<string, { at: number; value: Promise<AgencyFacts> }>();

  /** Who is in which team (members and leads) and the agency's time zone, read once per tenant every few seconds. */
  function factsOf(tenantId: Types.ObjectId): Promise<AgencyFacts> {
    const cacheKey = String(tenantId);
    const hit = factsCache.get(cacheKey);
    if (hit && Date.now() - hit.at < FACTS_CACHE_MS) return hit.value;
    const value = Promise.all([
      orgModel(connection).find({ tenantId, kind: 'team' }).select('memberIds leadId').lean(),
      tenantModel(connection).findById(tenantId).select('settings.timeZone').lean(),
    ]).then(([teams, tenant]) => {
      const byUser = new Map<string, string[]>();
      for (const team of teams) {
        for (const user of new Set([...team.memberIds.map(String), ...(team.leadId ? [String(team.leadId)] : [])])) {
          byUser.set(user, [...(byUser.get(user) ?? []), String(team._id)]);
        }
      }
      return { teamsOf: (userId: string) => byUser.get(userId) ?? [], timeZone: tenant?.settings?.timeZone ?? 'UTC' };
    });
    factsCache.set(cacheKey, { at: Date.now(), value });
    value.catch(() => factsCache.delete(cacheKey));
    return value;
  }

  /** Who is in which team (members and leads). */
  const teamsOf = async (tenantId: Types.ObjectId): Promise<TeamsOf> => (await factsOf(tenantId)).teamsOf;

  /** The agency's time zone (its settings; UTC when unset): days, weeks, months and quarters turn at its midnight. */
  const timeZoneOf = async (tenantId: Types.ObjectId): Promise<string> => (await factsOf(tenantId)).timeZone;

  /** Tells the agency's sockets which figures moved (metric, period and period start), never the figures. */
  async function announce(tenantId: Types.ObjectId, deltas: Map<string, number>): Promise<void> {
    const seen = new Set<string>();
    for (const bucket of deltas.keys()) {
      const { metric, period, periodStart } = bucketFields(bucket);
      const id = `${metric}|${period}|${periodStart}`;
      if (seen.has(id)) continue;
      seen.add(id);
      await events.publish({
        type: TENANT_MESSAGE_EVENT,
        tenantId,
        resource: 'metric',
        resourceId: null,
        actor: null,
        data: { name: 'metric.changed', resource: metricResource[metric as MetricName], payload: { metric, period, periodStart } },
      });
    }
  }

  /** A queued record's share of the buckets, under the agency's teams and time zone as they are when it is applied. */
  async function sharesOf(tenantId: Types.ObjectId, entry: { resource: string; record: Dto | null }) {
    if (!entry.record) return [];
    const facts = await factsOf(tenantId);
    return [...contributionsOf(entry.resource as CountedResource, entry.record, facts.teamsOf, facts.timeZone)].map(([b, c]) => ({ b, v: c.value }));
  }

  const applier = createRollupApplier({ connection, logger: deps.logger, sharesOf, onApplied: announce, beforePlanCleared: deps.beforePlanCleared });

  /**
   * Queues one record as the roll-ups read it (null once deleted): one small insert, whose id is the
   * record's version, so the same event queued twice is one entry.
   */
  async function queue(tenantId: Types.ObjectId, resource: CountedResource, recordId: string, record: Dto | null): Promise<void> {
    const recordVersion = record ? Number(record.version ?? 0) : Number.MAX_SAFE_INTEGER;
    const _id = `${String(tenantId)}|${resource}|${recordId}|${record ? recordVersion : 'deleted'}`;
    try {
      await Outbox.collection.insertOne({ _id, tenantId, resource, recordId, recordVersion, deleted: record === null, record: record ? countedPart(record) : null, queuedAt: new Date() } as never);
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
    }
  }

  /** Queues one domain event of a counted record (created, updated, moved, transitioned, deleted...) and starts applying it. */
  async function onEvent(event: DomainEvent): Promise<void> {
    const resource = event.resource as CountedResource;
    if (!countedResources.includes(resource) || !event.resourceId) return;
    const deleted = event.type === `${resource}.deleted`;
    if (!deleted && !event.record) return;
    await queue(event.tenantId, resource, event.resourceId, deleted ? null : (event.record as Dto));
    if (deps.autoApply !== false) void applier.kick(event.tenantId);
  }

  /**
   * Recomputes a tenant's roll-ups from its records: every bucket is set to what the records add up to
   * (buckets nothing adds to are removed), and each record's contribution is stored again, so entries
   * queued meanwhile apply on top of it. It holds the agency's applier lease while it runs (a plan left
   * by a crash is dropped: the records already hold what it carried). Used after a seed, an import that
   * wrote records directly, or a change of the agency's time zone. Writes made while it runs may need
   * another run.
   */
  async function rebuild(tenantId: Types.ObjectId, keepAlive: () => Promise<void> = async () => {}): Promise<{ records: number; buckets: number }> {
    let state = await applier.acquire(tenantId);
    for (let waited = 0; !state && waited < 120; waited += 1) {
      await new Promise((r) => setTimeout(r, 500));
      await keepAlive();
      state = await applier.acquire(tenantId);
    }
    if (!state) throw new Error('roll-ups: the agency’s applier stayed busy for a minute; the rebuild runs again later');
    try {
      await applier.renew(tenantId, { plan: null });
      return await rebuildHeld(tenantId, state.seq ?? 0, async () => {
        await keepAlive();
        if (!(await applier.renew(tenantId))) throw new Error('roll-ups: the rebuild lost the agency’s applier lease');
      });
    } finally {
      await applier.release(tenantId);
      if (deps.autoApply !== false) void applier.kick(tenantId);
    }
  }

  async function rebuildHeld(tenantId: Types.ObjectId, seq: number, keepAlive: () => Promise<void>): Promise<{ records: number; buckets: number }> {
    const { teamsOf: teams, timeZone } = await factsOf(tenantId);
    const totals = new Map<string, number>();
    const live = new Set<string>();
    let records = 0;
    for (const [resource, source] of Object.entries(sources(connection)) as [CountedResource, ReturnType<typeof sources>[CountedResource]][]) {
      let batch: { _id: string; fields: Record<string, unknown> }[] = [];
      const flush = async () => {
        await inParallel(batch, WRITES_AT_ONCE, async ({ _id, fields }) => {
          await Contributions.replaceOne({ _id, tenantId }, { _id, ...fields }, { upsert: true });
        });
        batch = [];
        await keepAlive();
      };
      for await (const doc of (source.model as ReturnType<typeof opportunityModel>).find({ tenantId }).lean().cursor()) {
        const dto = source.toDto(doc as never);
        const recordId = String(dto.id);
        const contributions = contributionsOf(resource, dto, teams, timeZone);
        for (const [bucket, c] of contributions) totals.set(bucket, cents((totals.get(bucket) ?? 0) + c.value));
        const _id = `${String(tenantId)}|${resource}|${recordId}`;
        live.add(_id);
        records += 1;
        const fields = { tenantId, resource, recordId, recordVersion: Number(dto.version ?? 0), deleted: false, rev: seq, entries: [...contributions].map(([b, c]) => ({ b, v: c.value })) };
        batch.push({ _id, fields });
        if (batch.length >= 200) await flush();
      }
      await flush();
    }
    // Contributions of records that are gone become tombstones: a late event of a deleted record changes nothing.
    const gone: string[] = [];
    for await (const c of Contributions.find({ tenantId }).select('_id deleted').lean().cursor()) if (!live.has(c._id) && !c.deleted) gone.push(c._id);
    await inParallel(gone, WRITES_AT_ONCE, async (_id) => {
      await Contributions.updateOne({ _id, tenantId }, { $set: { deleted: true, entries: [], recordVersion: Number.MAX_SAFE_INTEGER }, $inc: { rev: 1 } });
    });

    const kept = new Set<string>();
    const stale: string[] = [];
    for (const [bucket, value] of totals) if (value !== 0) kept.add(rollupId(tenantId, bucket));
    for await (const r of Rollups.find({ tenantId }).select('_id').lean().cursor()) if (!kept.has(r._id)) stale.push(r._id);
    await inParallel([...totals].filter(([, value]) => value !== 0), WRITES_AT_ONCE, async ([bucket, value]) => {
      const _id = rollupId(tenantId, bucket);
      await Rollups.replaceOne({ _id, tenantId }, { _id, tenantId, ...bucketFields(bucket), value, seq }, { upsert: true });
    });
    await inParallel(stale, WRITES_AT_ONCE, async (_id) => {
      await Rollups.deleteOne({ _id, tenantId });
    });
    deps.logger?.info({ tenantId: String(tenantId), records, buckets: kept.size }, 'roll-ups rebuilt');
    return { records, buckets: kept.size };
  }

  /**
   * The buckets of one metric, period and dimension in one read group (metrics.ts `readGroup`: a month
   * of days or weeks, a year of longer periods), for one key (`line`) or every key (`slice`): one
   * equality on one field, which FerretDB pushes down and a GIN index serves.
   */
  async function read(tenantId: Types.ObjectId, q: { metric: string; period: Period; dimension: string; group: string; key?: string }) {
    const filter = q.key !== undefined ? { tenantId, line: `${q.metric}|${q.period}|${q.dimension}|${q.group}|${q.key}` } : { tenantId, slice: `${q.metric}|${q.period}|${q.dimension}|${q.group}` };
    return Rollups.find(filter).select('periodStart key value').lean();
  }

  /** One bucket's value (0 when nothing was counted), read by its id. */
  async function value(tenantId: Types.ObjectId, c: Omit<Contribution, 'value'>): Promise<number> {
    const found = await Rollups.findOne({ _id: rollupId(tenantId, bucketId(c)), tenantId }).select('value').lean();
    return found?.value ?? 0;
  }

  return {
    onEvent,
    rebuild,
    read,
    value,
    teamsOf,
    timeZoneOf,
    readGroup,
    applier,
    /** Resolves when this process has applied what it queued for the agency (tests, the bench). */
    settled: (tenantId: Types.ObjectId) => applier.settled(tenantId),
    /** Follows the counted records' events (and team changes, which the team dimension reads); answers the unsubscribe. */
    subscribe(): () => void {
      const offs = countedResources.map((resource) => events.subscribe(`${resource}.*`, onEvent));
      offs.push(events.subscribe('org.team.*', (event) => void factsCache.delete(String(event.tenantId))));
      offs.push(events.subscribe('tenant.updated', (event) => void factsCache.delete(String(event.tenantId))));
      return () => offs.forEach((off) => off());
    },
  };
}

export type Rollups = ReturnType<typeof createRollups>;
