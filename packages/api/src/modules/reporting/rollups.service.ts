import { Types, type Connection } from 'mongoose';
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
import { campaignModel } from '../campaigns/campaign.model.js';
import { campaignCounts } from '../campaigns/campaigns.service.js';
import { mailwizzCampaignModel } from '../mailwizz/mailwizz.model.js';
import { campaignEventTotals } from '../sales-events/sales-event.model.js';
import { readCounter } from '../../platform/counts/record-counts.js';
import { recordCountDeltaModel } from '../../platform/counts/record-count.model.js';
import { toTicketDto } from '../support/ticket.definition.js';
import { bucketId, contributionsOf, countedPart, countedResources, metricResource, readGroup, type Contribution, type CountedResource, type MetricName, type Period, type TeamsOf } from './metrics.js';
import { isWon, pillarOfWonDeal } from './forecast-pillars.js';
import { packEntries, rollupApplierModel, rollupContributionModel, rollupModel, rollupOutboxModel, type Rollup, type RollupContribution } from './reporting.model.js';
import { createRollupReadCache } from './rollup-read-cache.js';
import { bulkWriteBounded } from '../../platform/db/bulk-writes.js';
import { bucketFields, cents, createRollupApplier, rollupId, writeWhole } from './rollup-applier.js';

const FACTS_CACHE_MS = 5_000;
/** Records per batch of the rebuild's writes (one insert command, or commands of 16 replaces, per batch). */
const REBUILD_BATCH = 500;

type Dto = Record<string, unknown>;

/** What the roll-ups need to know of an agency besides a record: who is in which team, and its time zone. */
interface AgencyFacts {
  teamsOf: TeamsOf;
  timeZone: string;
}

/** The record types counted, with how the rebuild reads them and turns them into their API shape. */
function sources(connection: Connection): Record<CountedResource, { model: ReturnType<typeof opportunityModel> | ReturnType<typeof leadModel> | ReturnType<typeof activityModel> | ReturnType<typeof ticketModel> | ReturnType<typeof campaignModel>; toDto: (doc: never) => Dto }> {
  return {
    opportunity: { model: opportunityModel(connection), toDto: toOpportunityDto },
    // The import that wrote a lead is kept on its document, not in its API shape: `leads.imported` reads it from there.
    lead: { model: leadModel(connection), toDto: (doc: never) => ({ ...toLeadDto(doc), importId: (doc as { importId?: unknown }).importId ? String((doc as { importId: unknown }).importId) : null }) },
    activity: { model: activityModel(connection), toDto: toActivityDto },
    ticket: { model: ticketModel(connection), toDto: toTicketDto },
    // A campaign's figures are read whole when it is counted (`campaignFigures`); the rebuild only names it.
    campaign: { model: campaignModel(connection), toDto: (doc: never) => ({ id: String((doc as { _id: unknown })._id), version: Date.now() }) },
  };
}

/**
 * The counter of our own sends' analytics (campaigns/email-tracking.ts counts each fact there, once per
 * delivery): `campaign-email:<agency>:<campaign>:<figure>`.
 */
const ownEmailCounter = (tenantId: Types.ObjectId, campaignId: Types.ObjectId, figure: string) => `campaign-email:${tenantId.toHexString()}:${campaignId.toHexString()}:${figure}`;

/**
 * A campaign as the roll-ups count it, its totals so far (null once it is gone): cost and revenue as its
 * stats have them (its own cost plus its sales events', won deals plus event revenue), confirmed
 * signups, and per channel the email figures: our own sends' counters and the Mailwizz statistics last
 * pulled (absolute counters; the applier counts the difference from what it applied before).
 */
export async function campaignFigures(connection: Connection, tenantId: Types.ObjectId, campaignId: string): Promise<Dto | null> {
  if (!Types.ObjectId.isValid(campaignId) || campaignId.length !== 24) return null;
  const _id = new Types.ObjectId(campaignId);
  const campaign = await campaignModel(connection).findOne({ tenantId, _id }).select('ownerId teamId productId startAt createdAt cost version').lean();
  if (!campaign) return null;
  const [counts, events, won, mailwizz, ours] = await Promise.all([
    campaignCounts(connection, tenantId, _id),
    campaignEventTotals(connection, tenantId, _id),
    opportunityModel(connection).find({ tenantId, campaignId: _id }).select('amount outcome').limit(50_000).lean(),
    mailwizzCampaignModel(connection).findOne({ tenantId, campaignId: _id }).select('stats').lean(),
    Promise.all(['sent', 'opened', 'clicked', 'bounced', 'replied', 'unsubscribed'].map((f) => readCounter(connection, tenantId, ownEmailCounter(tenantId, _id, f)))),
  ]);
  const wonRevenue = won.filter((o) => o.outcome === 'won' || o.outcome === 'partially_won').reduce((sum, o) => sum + (Number(o.amount) || 0), 0);
  const st = mailwizz?.stats;
  return {
    id: campaignId,
    ownerId: campaign.ownerId ? String(campaign.ownerId) : null,
    teamId: campaign.teamId ? String(campaign.teamId) : null,
    productId: campaign.productId ? String(campaign.productId) : null,
    startAt: campaign.startAt?.toISOString() ?? null,
    createdAt: campaign.createdAt?.toISOString() ?? null,
    cost: cents((campaign.cost ?? 0) + events.cost),
    revenue: cents(wonRevenue + events.revenue),
    signups: counts.signups,
    email: {
      ours: { sent: ours[0], opened: ours[1], clicked: ours[2], bounced: ours[3], replied: ours[4], unsubscribed: ours[5] },
      mailwizz: st
        ? { sent: st.processed ?? 0, opened: st.uniqueOpens ?? 0, clicked: st.uniqueClicks ?? 0, bounced: (st.bouncesHard ?? 0) + (st.bouncesSoft ?? 0), replied: 0, unsubscribed: st.unsubscribes ?? 0 }
        : {},
    },
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
export function createRollups(deps: { connection: Connection; events: EventBus; logger?: Logger; autoApply?: boolean; beforePlanCleared?: () => Promise<void>; memory?: { contributions?: number; clockMarginMs?: number } }) {
  const { connection, events } = deps;
  const Rollups = rollupModel(connection);
  const Contributions = rollupContributionModel(connection);
  const Outbox = rollupOutboxModel(connection);
  const factsCache = new Map<string, { at: number; value: Promise<AgencyFacts> }>();
  // Roll-up reads answered from memory until the agency's buckets are written again (rollup-read-cache.ts).
  const readCache = createRollupReadCache(async (tenantId) => {
    const state = await rollupApplierModel(connection).findOne({ _id: String(tenantId), tenantId }).select('seq stamp').lean();
    return state ? `${state.seq ?? 0}|${state.stamp ?? 0}` : 'none';
  });

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

  /**
   * The import that wrote a lead (null for one made otherwise): set once when the import inserts it and
   * never changed, so reading it when an entry is applied (off the request path) answers what the
   * rebuild reads from the document.
   */
  async function importIdOf(tenantId: Types.ObjectId, leadId: string): Promise<string | null> {
    if (!Types.ObjectId.isValid(leadId)) return null;
    const found = await leadModel(connection).collection.findOne({ tenantId, _id: new Types.ObjectId(leadId) }, { projection: { importId: 1 } });
    return found?.importId ? String(found.importId) : null;
  }

  /** What the roll-ups read of a record besides its API shape: a lead's import, a campaign's figures (null: nothing to count), a won deal's forecast pillar. */
  async function countedRecord(tenantId: Types.ObjectId, resource: string, recordId: string, record: Dto): Promise<Dto | null> {
    if (resource === 'lead' && !('importId' in record)) return { ...record, importId: await importIdOf(tenantId, recordId) };
    if (resource === 'campaign') return campaignFigures(connection, tenantId, recordId);
    if (resource === 'opportunity' && record.customerId && isWon(record) && !record.pillar) return { ...record, pillar: await pillarOfWonDeal(connection, tenantId, recordId, record) };
    return record;
  }

  /** A queued record's share of the buckets, under the agency's teams and time zone as they are when it is applied. */
  async function sharesOf(tenantId: Types.ObjectId, entry: { resource: string; recordId: string; record: Dto | null }) {
    if (!entry.record) return [];
    const facts = await factsOf(tenantId);
    const record = await countedRecord(tenantId, entry.resource, entry.recordId, entry.record);
    if (!record) return [];
    return [...contributionsOf(entry.resource as CountedResource, record, facts.teamsOf, facts.timeZone)].map(([b, c]) => ({ b, v: c.value }));
  }

  const applier = createRollupApplier({ connection, logger: deps.logger, sharesOf, onApplied: announce, beforePlanCleared: deps.beforePlanCleared, memory: deps.memory });

  /**
   * Queues one record as the roll-ups read it (null once deleted): one small insert, whose id is the
   * record's version, so the same event queued twice is one entry.
   */
  async function queue(tenantId: Types.ObjectId, resource: CountedResource, recordId: string, record: Dto | null): Promise<void> {
    const recordVersion = record ? Number(record.version ?? 0) : Number.MAX_SAFE_INTEGER;
    const _id = `${String(tenantId)}|${resource}|${recordId}|${record ? recordVersion : 'deleted'}`;
    try {
      // The record as one JSON string: FerretDB encodes (here) and decodes (in the applier) one value instead of ~25.
      await Outbox.collection.insertOne({ _id, tenantId, resource, recordId, recordVersion, deleted: record === null, record: record ? JSON.stringify(countedPart(record)) : null, queuedAt: new Date() } as never);
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
    }
  }

  /**
   * Queues a campaign to be counted again: its figures are read when the entry is applied, so the entry
   * only carries a version (the time it was queued; the newest wins).
   */
  async function queueCampaign(tenantId: Types.ObjectId, campaignId: string, deleted = false): Promise<void> {
    await queue(tenantId, 'campaign', campaignId, deleted ? null : { version: Date.now() });
  }

  /**
   * Queues every campaign whose own sends' counters moved (their facts still in the counters' queue) and
   * starts applying: the recurring job, as opens, clicks, bounces and replies are counted without an event.
   */
  async function queueCountedCampaigns(): Promise<number> {
    const seen = new Map<string, Types.ObjectId>();
    for await (const d of recordCountDeltaModel(connection).find({ kind: 'campaign-email' }, { tenantId: 1, key: 1 }, { crossTenant: 'the roll-ups find every campaign whose email counters moved' }).lean().cursor()) {
      const [, , campaignId] = String(d.key).split(':');
      if (campaignId) seen.set(`${String(d.tenantId)}|${campaignId}`, d.tenantId);
    }
    for (const [key, tenantId] of seen) await queueCampaign(tenantId, key.split('|')[1]!);
    if (deps.autoApply !== false) for (const tenantId of new Map([...seen.values()].map((t) => [String(t), t])).values()) void applier.kick(tenantId);
    return seen.size;
  }

  /** Queues one domain event of a counted record (created, updated, moved, transitioned, deleted...) and starts applying it. */
  async function onEvent(event: DomainEvent): Promise<void> {
    const resource = event.resource as CountedResource;
    if (!countedResources.includes(resource) || !event.resourceId) return;
    if (resource === 'campaign') {
      // Any change of a campaign (its record, signups, Mailwizz statistics pulled) counts it again.
      await queueCampaign(event.tenantId, event.resourceId, event.type === 'campaign.deleted');
      if (deps.autoApply !== false) void applier.kick(event.tenantId);
      return;
    }
    if (resource === 'opportunity') {
      // A deal of a campaign moves the campaign's revenue (and the one it left, when its campaign changed).
      const change = event.changes?.campaignId as { from?: unknown } | undefined;
      const campaigns = new Set([(event.record as Dto | undefined)?.campaignId, change?.from].filter((c): c is string => typeof c === 'string' && c.length === 24));
      for (const campaignId of campaigns) await queueCampaign(event.tenantId, campaignId);
    }
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
  async function rebuild(tenantId: Types.ObjectId, keepAlive: () => Promise<void> = async () => {}): Promise<{ records: number; buckets: number; changed: number; removed: number; ms: Record<string, number> }> {
    let state = await applier.acquire(tenantId);
    for (let waited = 0; !state && waited < 120; waited += 1) {
      await new Promise((r) => setTimeout(r, 500));
      await keepAlive();
      state = await applier.acquire(tenantId);
    }
    if (!state) throw new Error('roll-ups: the agency’s applier stayed busy for a minute; the rebuild runs again later');
    try {
      // `stamp` moved before anything is written: a process that remembers contributions (rollup-applier.ts `known`) forgets them, also if this rebuild dies halfway.
      await applier.renew(tenantId, { plan: null }, undefined, true);
      return await rebuildHeld(tenantId, state.seq ?? 0, async () => {
        await keepAlive();
        if (!(await applier.renew(tenantId))) throw new Error('roll-ups: the rebuild lost the agency’s applier lease');
      });
    } finally {
      await applier.release(tenantId);
      if (deps.autoApply !== false) void applier.kick(tenantId);
    }
  }

  async function rebuildHeld(tenantId: Types.ObjectId, seq: number, keepAlive: () => Promise<void>): Promise<{ records: number; buckets: number; changed: number; removed: number; ms: Record<string, number> }> {
    const { teamsOf: teams, timeZone } = await factsOf(tenantId);
    const totals = new Map<string, number>();
    const live = new Set<string>();
    // What the agency has now: which contributions (and whether each is a tombstone), which buckets with which value.
    const startedAt = performance.now();
    const ms: Record<string, number> = {};
    const lap = (phase: string, since: number) => (ms[phase] = Math.round(performance.now() - since));
    const stored = new Map<string, boolean>();
    for await (const c of Contributions.find({ tenantId }).select('_id deleted').lean().cursor()) stored.set(c._id, Boolean(c.deleted));
    let records = 0;
    // One batch is written while the next is read.
    let writing: Promise<void> = Promise.resolve();
    let batch: RollupContribution[] = [];
    const flush = async () => {
      const docs = batch;
      batch = [];
      await writing;
      writing = (async () => {
        const at = performance.now();
        await writeWhole(Contributions.collection, docs, stored);
        ms.contributionWrites = (ms.contributionWrites ?? 0) + Math.round(performance.now() - at);
        await keepAlive();
      })();
      // A failed batch surfaces at the next flush (or the final await), not as an unhandled rejection.
      writing.catch(() => {});
    };
    for (const [resource, source] of Object.entries(sources(connection)) as [CountedResource, ReturnType<typeof sources>[CountedResource]][]) {
      for await (const doc of (source.model as ReturnType<typeof opportunityModel>).find({ tenantId }).lean().cursor()) {
        const shape = source.toDto(doc as never);
        const recordId = String(shape.id);
        const dto = resource === 'campaign' || resource === 'opportunity' ? await countedRecord(tenantId, resource, recordId, shape) : shape;
        if (!dto) continue;
        const contributions = contributionsOf(resource, dto, teams, timeZone);
        for (const [bucket, c] of contributions) totals.set(bucket, cents((totals.get(bucket) ?? 0) + c.value));
        const _id = `${String(tenantId)}|${resource}|${recordId}`;
        live.add(_id);
        records += 1;
        batch.push({ _id, tenantId, resource, recordId, recordVersion: Number(shape.version ?? 0), deleted: false, rev: seq, packed: packEntries([...contributions].map(([b, c]) => ({ b, v: c.value }))) });
        if (batch.length >= REBUILD_BATCH) await flush();
      }
    }
    await flush();
    await writing;
    lap('records', startedAt);
    const bucketsAt = performance.now();
    // Contributions of records that are gone become tombstones: a late event of a deleted record changes nothing.
    const gone = [...stored].filter(([_id, deleted]) => !deleted && !live.has(_id)).map(([_id]) => _id);
    for (let i = 0; i < gone.length; i += REBUILD_BATCH) {
      const ops = gone.slice(i, i + REBUILD_BATCH).map((_id) => ({ updateOne: { filter: { _id, tenantId }, update: { $set: { deleted: true, packed: '', recordVersion: Number.MAX_SAFE_INTEGER }, $unset: { entries: '' }, $inc: { rev: 1 } } } }));
      await bulkWriteBounded(Contributions.collection, ops as never, { ordered: false });
      await keepAlive();
    }

    // Buckets: new ones inserted, changed ones replaced, unchanged ones left, those nothing adds to any more deleted.
    const had = new Map<string, number>();
    for await (const r of Rollups.find({ tenantId }).select('_id value').lean().cursor()) had.set(r._id, r.value);
    const kept = new Set<string>();
    const changed: Rollup[] = [];
    for (const [bucket, value] of totals) {
      if (value === 0) continue;
      const _id = rollupId(tenantId, bucket);
      kept.add(_id);
      if (had.get(_id) !== value) changed.push({ _id, tenantId, ...bucketFields(bucket), value, seq } as Rollup);
    }
    // New buckets (small documents) go 5,000 to an insert; replaces 500 at a time between lease renewals.
    for (const [docs, size] of [[changed.filter((b) => !had.has(b._id)), 10 * REBUILD_BATCH], [changed.filter((b) => had.has(b._id)), REBUILD_BATCH]] as const) {
      for (let i = 0; i < docs.length; i += size) {
        await writeWhole(Rollups.collection, docs.slice(i, i + size), had);
        await keepAlive();
      }
    }
    const stale = [...had.keys()].filter((_id) => !kept.has(_id));
    for (let i = 0; i < stale.length; i += REBUILD_BATCH) {
      await bulkWriteBounded(Rollups.collection, stale.slice(i, i + REBUILD_BATCH).map((_id) => ({ deleteOne: { filter: { _id, tenantId } } })) as never, { ordered: false });
      await keepAlive();
    }
    lap('buckets', bucketsAt);
    deps.logger?.info({ tenantId: String(tenantId), records, buckets: kept.size, changed: changed.length, removed: stale.length, ms }, 'roll-ups rebuilt');
    return { records, buckets: kept.size, changed: changed.length, removed: stale.length, ms };
  }

  /**
   * The buckets of one metric, period and dimension in one read group (metrics.ts `readGroup`: a month
   * of days or weeks, a year of longer periods), for one key (`line`) or every key (`slice`): one
   * equality on one field, which FerretDB pushes down and a GIN index serves.
   */
  async function read(tenantId: Types.ObjectId, q: { metric: string; period: Period; dimension: string; group: string; key?: string }, asOf = performance.now()): Promise<readonly { periodStart: string; key: string; value: number }[]> {
    const filter = q.key !== undefined ? { tenantId, line: `${q.metric}|${q.period}|${q.dimension}|${q.group}|${q.key}` } : { tenantId, slice: `${q.metric}|${q.period}|${q.dimension}|${q.group}` };
    return readCache.get(
      tenantId,
      'line' in filter ? `l|${filter.line}` : `s|${filter.slice}`,
      asOf,
      async () => (await Rollups.find(filter).select('periodStart key value').lean()).map((r) => ({ periodStart: r.periodStart, key: r.key, value: r.value })),
      (rows) => rows.length,
    );
  }

  /** One bucket's value (0 when nothing was counted), read by its id. */
  async function value(tenantId: Types.ObjectId, c: Omit<Contribution, 'value'>, asOf = performance.now()): Promise<number> {
    const _id = rollupId(tenantId, bucketId(c));
    return readCache.get(tenantId, `v|${_id}`, asOf, async () => (await Rollups.findOne({ _id, tenantId }).select('value').lean())?.value ?? 0, () => 1);
  }

  return {
    onEvent,
    queueCountedCampaigns,
    rebuild,
    read,
    value,
    /** The agency's applied stamp (rollup-read-cache.ts) read at or after `asOf`: answers built from the roll-ups stand while it does. */
    appliedStamp: (tenantId: Types.ObjectId, asOf = performance.now()) => readCache.stamp(tenantId, asOf),
    teamsOf,
    timeZoneOf,
    readGroup,
    applier,
    /** Resolves when this process has applied what it queued for the agency (tests, the bench). */
    settled: (tenantId: Types.ObjectId) => applier.settled(tenantId),
    /** Follows the counted records' events (and team changes, which the team dimension reads); answers the unsubscribe. */
    subscribe(): () => void {
      // Beside the write's other subscribers (its audit entry...): the queue insert runs while they do, and the write still answers only once it is stored.
      const offs = countedResources.map((resource) => events.subscribe(`${resource}.*`, onEvent, { beside: true }));
      offs.push(events.subscribe('org.team.*', (event) => void factsCache.delete(String(event.tenantId))));
      offs.push(events.subscribe('tenant.updated', (event) => void factsCache.delete(String(event.tenantId))));
      return () => offs.forEach((off) => off());
    },
  };
}

export type Rollups = ReturnType<typeof createRollups>;
