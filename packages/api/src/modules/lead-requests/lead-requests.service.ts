import { Types, type Connection } from 'mongoose';
import { visibilityFilter } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { claimOnce } from '../../platform/db/claim-once.js';
import { op } from '../../platform/db/operators.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import { iso, id } from '../../platform/records/dto.js';
import { registerListedKind, syncListRow, type ListedKind } from '../../platform/lists/list-rows.js';
import { keptRowPage } from '../../platform/lists/list-page-cache.js';
import type { RecordDeps } from '../../platform/records/record-service.js';
import type { WorkflowEngine } from '../../platform/workflow/workflow-engine.js';
import { leadRequestItemModel, leadRequestModel, type LeadCriteria, type LeadRequest, type LeadRequestItem } from './lead-requests.model.js';

/** Criteria as the API takes them (absent and null both mean: not asked). */
export interface LeadCriteriaInput {
  neededCount: number;
  industry?: string | null | undefined;
  region?: string | null | undefined;
  country?: string | null | undefined;
  employeesMin?: number | null | undefined;
  employeesMax?: number | null | undefined;
  size?: string | null | undefined;
}

const WORKFLOW = 'leadRequest';

/** What this module needs of a lead: its name and the fields the criteria are checked against. */
export interface LeadFacts {
  _id: Types.ObjectId;
  firstName?: string | null;
  lastName?: string | null;
  companyName?: string | null;
  industry?: string | null;
  employees?: number | null;
  companySize?: string | null;
  addresses?: { country?: string | undefined; state?: string | undefined }[];
}

/** A criterion a lead does not meet: the criteria field and why. */
export interface CriteriaMismatch {
  field: 'industry' | 'region' | 'country' | 'employeesMin' | 'employeesMax' | 'size';
  message: string;
}

const itemDto = (i: LeadRequestItem) => ({ id: String(i._id), requestId: String(i.requestId), leadId: String(i.leadId), leadName: i.leadName, state: i.state, matchesCriteria: i.matchesCriteria, mismatches: i.mismatches ?? [], note: i.note ?? null, deliveredAt: iso(i.deliveredAt) });

/**
 * Every criterion the lead is outside of (empty when it fits all): industry, region (an address's state or
 * region), country (an address's), employees within [employeesMin, employeesMax], and company size. A lead
 * that does not state what a criterion asks about (no employee count, no size) does not meet it.
 */
export function criteriaMismatches(lead: LeadFacts, c: LeadCriteria): CriteriaMismatch[] {
  const same = (a: string | null | undefined, b: string | null | undefined) => (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();
  const out: CriteriaMismatch[] = [];
  if (c.industry && !same(lead.industry, c.industry)) out.push({ field: 'industry', message: lead.industry ? `industry is ${lead.industry}, not ${c.industry}` : `has no industry (${c.industry} asked)` });
  if (c.region && !(lead.addresses ?? []).some((a) => same(a.state, c.region))) out.push({ field: 'region', message: `has no address in ${c.region}` });
  if (c.country && !(lead.addresses ?? []).some((a) => same(a.country, c.country))) out.push({ field: 'country', message: `has no address in ${c.country}` });
  const employees = lead.employees ?? null;
  if (c.employeesMin != null && (employees === null || employees < c.employeesMin)) out.push({ field: 'employeesMin', message: employees === null ? 'has no employee count' : `has ${employees} employees, fewer than ${c.employeesMin}` });
  if (c.employeesMax != null && (employees === null || employees > c.employeesMax)) out.push({ field: 'employeesMax', message: employees === null ? 'has no employee count' : `has ${employees} employees, more than ${c.employeesMax}` });
  if (c.size && lead.companySize !== c.size) out.push({ field: 'size', message: lead.companySize ? `is ${lead.companySize}, not ${c.size}` : `has no company size (${c.size} asked)` });
  return out;
}

/** True when the lead meets every criterion the request names. */
export const matchesCriteria = (lead: LeadFacts, c: LeadCriteria): boolean => criteriaMismatches(lead, c).length === 0;

/**
 * Requests for leads (issue 23.7, 003): criteria, the `leadRequest` workflow as tenant data, candidates
 * proposed while sourcing, vetted, approved, delivered against the needed count (each lead delivered once:
 * claimOnce), extended, reopened and closed; a sales campaign started on exactly the delivered leads.
 */
export function createLeadRequestsService(deps: {
  connection: Connection;
  events: EventBus;
  workflows: WorkflowEngine;
  directory: RecordDeps['directory'];
  leadVisible: (principal: Principal, id: string) => Promise<LeadFacts>;
  startCampaign: (principal: Principal, input: { title: string; type: string; ownerId?: string | undefined; leadIds: string[] }) => Promise<{ id: string; status: string }>;
}) {
  const { connection, workflows } = deps;
  const Request = leadRequestModel(connection);
  const Item = leadRequestItemModel(connection);

  /** A request's public shape but what depends on the caller (its allowed transitions): what its list row holds. */
  const storedDto = (r: LeadRequest) => ({
      id: String(r._id),
      title: r.title,
      notes: r.notes ?? null,
      criteria: { neededCount: r.criteria.neededCount, industry: r.criteria.industry ?? null, region: r.criteria.region ?? null, country: r.criteria.country ?? null, employeesMin: r.criteria.employeesMin ?? null, employeesMax: r.criteria.employeesMax ?? null, size: r.criteria.size ?? null },
      status: r.status,
      statusChangedAt: iso(r.statusChangedAt),
      candidateCount: r.candidateCount,
      acceptedCount: r.acceptedCount,
      deliveredCount: r.deliveredCount,
      remainingCount: Math.max(0, r.criteria.neededCount - r.deliveredCount),
      extensions: r.extensions,
      campaignId: id(r.campaignId),
      assigneeId: id(r.assigneeId),
      ownerId: id(r.ownerId),
      version: r.version ?? 0,
      createdAt: iso(r.createdAt) ?? '',
      updatedAt: iso(r.updatedAt) ?? '',
  });
  type StoredDto = ReturnType<typeof storedDto>;

  async function withTransitions(principal: Principal, dto: StoredDto) {
    const workflow = await workflows.get(principal.tenantId, WORKFLOW);
    const { version, createdAt, updatedAt, ...rest } = dto;
    return { ...rest, allowedTransitions: workflows.allowedTargets(workflow, principal, dto.status), version, createdAt, updatedAt };
  }
  const toDto = (principal: Principal, r: LeadRequest) => withTransitions(principal, storedDto(r));

  // The list reads list rows by equality on write-order buckets (platform/lists), never every request of the agency.
  const listed: ListedKind<LeadRequest> = { resource: 'leadRequest', model: Request, list: { filters: { status: { path: 'status', kind: 'string' } }, sorts: {} }, toDto: storedDto };
  registerListedKind(connection, listed);
  /** The request as stored after a write, its list row moved with it. */
  async function stored(tenantId: Types.ObjectId, requestId: Types.ObjectId): Promise<LeadRequest> {
    const found = (await Request.findOne({ tenantId, _id: requestId }).lean())!;
    await syncListRow(connection, listed, tenantId, requestId, found);
    return found;
  }

  /** The one filter: requests the principal's lead scope reaches, and those they source. */
  const visible = (principal: Principal) => ({ tenantId: principal.tenantId, $or: [visibilityFilter(principal, 'lead'), { tenantId: principal.tenantId, assigneeId: principal.userId }] });

  async function find(principal: Principal, requestId: string): Promise<LeadRequest> {
    const found = await Request.findOne({ ...visible(principal), _id: new Types.ObjectId(requestId) }).lean();
    if (!found) throw AppError.notFound('Request for leads');
    return found;
  }

  /**
   * Recounts the items and writes the counters; returns the request as stored. Two writers racing (two
   * deliveries at once) may land their counts out of order, the older last: each counts again after its
   * write and writes again until what it wrote is what the items say, so the last write standing is true.
   */
  async function recount(tenantId: Types.ObjectId, requestId: Types.ObjectId): Promise<LeadRequest> {
    const count = () => Promise.all((['candidate', 'accepted', 'delivered'] as const).map((state) => Item.countDocuments({ tenantId, requestId, state })));
    let counts = await count();
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const [candidateCount, acceptedCount, deliveredCount] = counts;
      await Request.updateOne({ tenantId, _id: requestId }, { $set: { candidateCount, acceptedCount, deliveredCount }, $inc: { version: 1 } });
      const now = await count();
      if (now.every((n, i) => n === counts[i])) break;
      counts = now;
    }
    return stored(tenantId, requestId);
  }

  async function move(principal: Principal, r: LeadRequest, to: string, note: string | null, extra: Record<string, unknown> = {}, inc: Record<string, number> = {}): Promise<LeadRequest> {
    await workflows.assertTransition(principal, WORKFLOW, r.status, to);
    const now = new Date();
    const written = await Request.updateOne({ tenantId: principal.tenantId, _id: r._id, version: r.version, status: r.status }, { $set: { status: to, statusChangedAt: now, ...extra }, $inc: { version: 1, ...inc } });
    if (!written.modifiedCount) throw new AppError('version_conflict', 'The request changed meanwhile; reload and try again', { extensions: { current: await toDto(principal, await find(principal, String(r._id))) } });
    await workflows.record({ principal, tenantId: principal.tenantId, key: WORKFLOW, resource: 'leadRequest', recordId: r._id, from: r.status, to, note });
    const updated = await stored(principal.tenantId, r._id);
    await publish(principal, 'lead_request.transitioned', updated, { from: r.status, to });
    return updated;
  }

  async function publish(principal: Principal, type: string, r: LeadRequest, data: Record<string, unknown> = {}) {
    await deps.events.publish({ type, tenantId: principal.tenantId, resource: 'leadRequest', resourceId: String(r._id), actor: { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId }, record: { id: String(r._id), title: r.title, status: r.status, deliveredCount: r.deliveredCount, ownerId: id(r.ownerId), assigneeId: id(r.assigneeId) }, data });
  }

  const leadName = (l: LeadFacts) => [l.firstName, l.lastName].filter(Boolean).join(' ') || l.companyName || 'Lead';

  /**
   * The leads as they are now, checked against the criteria: a problem (400) with an error per criterion a
   * lead is outside of, naming `field` (the input that named the lead) or else the criteria field
   * (`criteria.employeesMax`), and the `outside` leads; a lead the principal can no longer see is refused too.
   */
  async function assertWithinCriteria(principal: Principal, r: LeadRequest, leadIds: { leadId: Types.ObjectId; field: string | null }[]) {
    const errors: { field: string; code: string; message: string }[] = [];
    const outside: { leadId: string; criteria: string[] }[] = [];
    for (const { leadId, field } of leadIds) {
      let lead: LeadFacts;
      try {
        lead = await deps.leadVisible(principal, String(leadId));
      } catch {
        errors.push({ field: field ?? `leads.${String(leadId)}`, code: 'not_visible', message: `lead ${String(leadId)} is not a lead you can see` });
        continue;
      }
      const mismatches = criteriaMismatches(lead, r.criteria);
      if (mismatches.length) outside.push({ leadId: String(leadId), criteria: mismatches.map((m) => m.field) });
      for (const m of mismatches) errors.push({ field: field ?? `criteria.${m.field}`, code: 'outside_criteria', message: `${leadName(lead)} ${m.message} (criteria.${m.field})` });
    }
    if (errors.length) throw new AppError('validation_failed', `${outside.length || errors.length} lead(s) do not meet the request's criteria: ${errors.map((e) => e.message).join('; ')}`, { errors, extensions: { outside } });
  }

  /** Checks the proposed and accepted leads again after the criteria changed. */
  async function recheck(principal: Principal, r: LeadRequest) {
    const open = await Item.find({ tenantId: principal.tenantId, requestId: r._id, state: op({ $in: ['candidate', 'accepted'] as Array<LeadRequestItem['state']> }) }).limit(10_000).lean();
    for (const item of open) {
      let lead: LeadFacts;
      try {
        lead = await deps.leadVisible(principal, String(item.leadId));
      } catch {
        continue; // a lead gone from sight keeps its last check; delivery refuses it
      }
      const mismatches = criteriaMismatches(lead, r.criteria).map((m) => m.field);
      await Item.updateOne({ tenantId: principal.tenantId, _id: item._id }, { $set: { matchesCriteria: !mismatches.length, mismatches } });
    }
  }

  return {
    async list(principal: Principal, query: { status?: string | undefined; limit: number; cursor?: string | undefined }) {
      const filter: Record<string, unknown> = visible(principal);
      if (query.status) filter.status = query.status;
      const page = await keptRowPage(connection, { tenantId: principal.tenantId, kind: listed.resource, order: 'c', direction: -1, filter, limit: query.limit, cursor: query.cursor });
      return { object: 'list' as const, data: await Promise.all(page.rows.map((row) => withTransitions(principal, row.item as StoredDto))), hasMore: page.hasMore, nextCursor: page.nextCursor };
    },

    get: async (principal: Principal, requestId: string) => toDto(principal, await find(principal, requestId)),

    /**
     * Changes the title, notes or criteria (criteria fields given replace theirs; null clears one) until the
     * request is delivered or closed; the proposed and accepted leads are checked against the new criteria.
     */
    async update(principal: Principal, requestId: string, input: { title?: string | undefined; notes?: string | null | undefined; criteria?: Partial<LeadCriteriaInput> | undefined; version?: number | undefined }) {
      const r = await find(principal, requestId);
      if (input.version !== undefined && input.version !== r.version) throw new AppError('version_conflict', 'The request changed meanwhile; reload and try again', { extensions: { current: await toDto(principal, r) } });
      if (r.status === 'delivered' || r.status === 'closed') throw new AppError('conflict', `The criteria of a ${r.status} request stay as they were; extend or reopen it first`, { errors: [{ field: 'criteria', code: 'wrong_state', message: `cannot change while ${r.status}` }] });
      const c = input.criteria ?? {};
      const pick = <K extends keyof LeadCriteria>(key: K): LeadCriteria[K] => (key in c && (c as Record<string, unknown>)[key] !== undefined ? ((c as Record<string, unknown>)[key] ?? null) as LeadCriteria[K] : (r.criteria[key] ?? null) as LeadCriteria[K]);
      const criteria: LeadCriteria = { neededCount: pick('neededCount'), industry: pick('industry'), region: pick('region'), country: pick('country'), employeesMin: pick('employeesMin'), employeesMax: pick('employeesMax'), size: pick('size') };
      if (criteria.neededCount < r.deliveredCount) throw AppError.invalidField('criteria.neededCount', `must not be below the ${r.deliveredCount} leads already delivered`);
      if (criteria.employeesMin != null && criteria.employeesMax != null && criteria.employeesMin > criteria.employeesMax) throw AppError.invalidField('criteria.employeesMax', 'must not be below employeesMin');
      const set: Record<string, unknown> = { criteria };
      if (input.title !== undefined) set.title = input.title;
      if (input.notes !== undefined) set.notes = input.notes;
      const written = await Request.updateOne({ tenantId: principal.tenantId, _id: r._id, version: r.version }, { $set: set, $inc: { version: 1 } });
      if (!written.modifiedCount) throw new AppError('version_conflict', 'The request changed meanwhile; reload and try again', { extensions: { current: await toDto(principal, await find(principal, requestId)) } });
      const updated = await stored(principal.tenantId, r._id);
      if (input.criteria) await recheck(principal, updated);
      await publish(principal, 'lead_request.updated', updated, { criteria: updated.criteria });
      return toDto(principal, updated);
    },

    async create(principal: Principal, input: { title: string; notes?: string | null | undefined; criteria: LeadCriteriaInput; assigneeId?: string | null | undefined }) {
      let assigneeId: Types.ObjectId | null = null;
      if (input.assigneeId) {
        assigneeId = new Types.ObjectId(input.assigneeId);
        if (!(await deps.directory.user(principal.tenantId, assigneeId))) throw AppError.invalidField('assigneeId', 'is not a user of this agency');
      }
      const status = await workflows.initialState(principal.tenantId, WORKFLOW);
      const created = (
        await Request.create({
          tenantId: principal.tenantId, title: input.title, notes: input.notes ?? null,
          criteria: { neededCount: input.criteria.neededCount, industry: input.criteria.industry ?? null, region: input.criteria.region ?? null, country: input.criteria.country ?? null, employeesMin: input.criteria.employeesMin ?? null, employeesMax: input.criteria.employeesMax ?? null, size: input.criteria.size ?? null },
          status, statusChangedAt: new Date(), assigneeId, ownerId: principal.userId, departmentId: principal.departmentId ?? null,
        })
      ).toObject();
      await syncListRow(connection, listed, principal.tenantId, created._id, created, { created: true });
      await workflows.record({ principal, tenantId: principal.tenantId, key: WORKFLOW, resource: 'leadRequest', recordId: created._id, from: null, to: status, note: null });
      await publish(principal, 'lead_request.created', created);
      return toDto(principal, created);
    },

    async transition(principal: Principal, requestId: string, input: { to: string; version?: number | undefined; note?: string | undefined }) {
      const r = await find(principal, requestId);
      if (input.version !== undefined && input.version !== r.version) throw new AppError('version_conflict', 'The request changed meanwhile; reload and try again', { extensions: { current: await toDto(principal, r) } });
      await workflows.assertTransition(principal, WORKFLOW, r.status, input.to);
      if (input.to === 'vetting' && r.candidateCount + r.acceptedCount === 0) throw AppError.invalidField('to', 'vetting needs at least one proposed lead: add candidates first');
      if (input.to === 'approved' && r.acceptedCount === 0) throw AppError.invalidField('to', 'approval needs at least one lead accepted in vetting');
      if (input.to === 'delivered' && r.deliveredCount === 0) throw AppError.invalidField('to', 'is reached by delivering leads (POST /lead-requests/{id}/deliveries)');
      return toDto(principal, await move(principal, r, input.to, input.note ?? null));
    },

    /** Proposes leads while sourcing (or vetting); each lead must be one the principal may see. */
    async addCandidates(principal: Principal, requestId: string, leadIds: string[]) {
      const r = await find(principal, requestId);
      if (r.status !== 'sourcing' && r.status !== 'vetting') throw new AppError('conflict', `Leads are proposed while sourcing or vetting; this request is '${r.status}'`, { errors: [{ field: 'leadIds', code: 'wrong_state', message: `cannot be added while ${r.status}` }] });
      for (const [i, leadId] of leadIds.entries()) {
        let lead: LeadFacts;
        try {
          lead = await deps.leadVisible(principal, leadId);
        } catch {
          throw AppError.invalidField(`leadIds.${i}`, 'is not a lead you can see');
        }
        try {
          const mismatches = criteriaMismatches(lead, r.criteria).map((m) => m.field);
          await Item.create({ tenantId: principal.tenantId, requestId: r._id, leadId: lead._id, leadName: leadName(lead), matchesCriteria: !mismatches.length, mismatches });
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error; // proposed before: once per request
        }
      }
      return toDto(principal, await recount(principal.tenantId, r._id));
    },

    async items(principal: Principal, requestId: string, state?: LeadRequestItem['state']) {
      const r = await find(principal, requestId);
      const found = await Item.find({ tenantId: principal.tenantId, requestId: r._id, ...(state ? { state } : {}) }).sort({ _id: 1 }).limit(10_000).lean();
      return { object: 'list' as const, data: found.map(itemDto), hasMore: false, nextCursor: null };
    },

    /** Vetting: accepts or rejects proposed leads (a delivered lead stays delivered). */
    async vet(principal: Principal, requestId: string, decisions: { leadId: string; decision: 'accept' | 'reject'; note?: string | undefined }[]) {
      const r = await find(principal, requestId);
      if (r.status !== 'vetting') throw new AppError('conflict', `Leads are vetted while the request is in vetting; it is '${r.status}'`, { errors: [{ field: 'decisions', code: 'wrong_state', message: `cannot be recorded while ${r.status}` }] });
      const items: LeadRequestItem[] = [];
      for (const [i, d] of decisions.entries()) {
        const item = await Item.findOne({ tenantId: principal.tenantId, requestId: r._id, leadId: new Types.ObjectId(d.leadId) }).lean();
        if (!item) throw AppError.invalidField(`decisions.${i}.leadId`, 'is not proposed on this request');
        items.push(item);
      }
      // A lead is accepted only when it meets every criterion as it stands now; nothing is recorded otherwise.
      await assertWithinCriteria(principal, r, decisions.flatMap((d, i) => (d.decision === 'accept' && items[i]!.state !== 'delivered' ? [{ leadId: items[i]!.leadId, field: `decisions.${i}.leadId` }] : [])));
      for (const [i, d] of decisions.entries()) {
        const item = items[i]!;
        if (item.state === 'delivered') continue;
        await Item.updateOne({ tenantId: principal.tenantId, _id: item._id }, { $set: { state: d.decision === 'accept' ? 'accepted' : 'rejected', note: d.note ?? null, ...(d.decision === 'accept' ? { matchesCriteria: true, mismatches: [] } : {}) } });
      }
      return toDto(principal, await recount(principal.tenantId, r._id));
    },

    /**
     * Delivers the accepted leads, up to the remaining needed count, each exactly once (a claim per lead
     * and request); the request moves to delivered when the needed count is reached.
     */
    async deliver(principal: Principal, requestId: string) {
      const r = await find(principal, requestId);
      if (r.status !== 'approved') throw new AppError('conflict', `Leads are delivered once the request is approved; it is '${r.status}'`, { errors: [{ field: 'status', code: 'wrong_state', message: `is ${r.status}, not approved` }] });
      let remaining = Math.max(0, r.criteria.neededCount - r.deliveredCount);
      const accepted = await Item.find({ tenantId: principal.tenantId, requestId: r._id, state: 'accepted' }).sort({ _id: 1 }).limit(10_000).lean();
      // The leads that would go out are checked against the criteria as they stand now (a lead may have
      // changed since vetting): one outside them stops the delivery before anything is delivered.
      await assertWithinCriteria(principal, r, accepted.slice(0, remaining).map((item) => ({ leadId: item.leadId, field: null })));
      const delivered: string[] = [];
      const now = new Date();
      for (const item of accepted) {
        if (remaining <= 0) break;
        if (!(await claimOnce(connection, `lead-request-delivery:${String(r._id)}:${String(item.leadId)}`))) continue;
        await Item.updateOne({ tenantId: principal.tenantId, _id: item._id }, { $set: { state: 'delivered', deliveredAt: now } });
        delivered.push(String(item.leadId));
        remaining -= 1;
      }
      let updated = await recount(principal.tenantId, r._id);
      await publish(principal, 'lead_request.delivered', updated, { leadIds: delivered });
      if (updated.deliveredCount >= updated.criteria.neededCount) updated = await move(principal, updated, 'delivered', `${updated.deliveredCount} of ${updated.criteria.neededCount} delivered`);
      return { delivered, request: await toDto(principal, updated) };
    },

    /** Extension: more leads are needed; the request goes back to sourcing with the higher count. */
    async extend(principal: Principal, requestId: string, input: { additionalCount: number; note?: string | undefined }) {
      const r = await find(principal, requestId);
      const updated = await move(principal, r, 'sourcing', input.note ?? `extended by ${input.additionalCount}`, { 'criteria.neededCount': r.criteria.neededCount + input.additionalCount }, { extensions: 1 });
      return toDto(principal, updated);
    },

    /** Starts a sales campaign on exactly the delivered leads, once per request. */
    async startCampaign(principal: Principal, requestId: string, input: { title: string; type: string; ownerId?: string | undefined }) {
      const r = await find(principal, requestId);
      if (r.campaignId) throw new AppError('conflict', 'A campaign was already started on this request', { extensions: { campaignId: String(r.campaignId) }, errors: [{ field: 'title', code: 'already_started', message: 'a campaign already runs on these leads' }] });
      const leadIds = (await Item.find({ tenantId: principal.tenantId, requestId: r._id, state: 'delivered' }).sort({ _id: 1 }).limit(1000).select('leadId').lean()).map((i) => String(i.leadId));
      if (!leadIds.length) throw AppError.invalidField('title', 'no campaign without delivered leads: deliver leads first', 'no_delivered_leads');
      if (input.ownerId && !(await deps.directory.user(principal.tenantId, new Types.ObjectId(input.ownerId)))) throw AppError.invalidField('ownerId', 'is not a user of this agency');
      if (!(await claimOnce(connection, `lead-request-campaign:${String(r._id)}`))) throw new AppError('conflict', 'A campaign is being started on this request', { errors: [{ field: 'title', code: 'already_started', message: 'a campaign already runs on these leads' }] });
      const campaign = await deps.startCampaign(principal, { title: input.title, type: input.type, ownerId: input.ownerId, leadIds });
      await Request.updateOne({ tenantId: principal.tenantId, _id: r._id }, { $set: { campaignId: new Types.ObjectId(campaign.id) }, $inc: { version: 1 } });
      const updated = await stored(principal.tenantId, r._id);
      await publish(principal, 'lead_request.campaign_started', updated, { campaignId: campaign.id, leadIds });
      return { campaignId: campaign.id, status: campaign.status, leadIds, request: await toDto(principal, updated) };
    },
  };
}

export type LeadRequestsService = ReturnType<typeof createLeadRequestsService>;
