import { Types, type Connection } from 'mongoose';
import { assertCan, can } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import type { CustomFields } from '../../platform/custom-fields/custom-fields.js';
import { op } from '../../platform/db/operators.js';
import { pageOf } from '../../platform/records/list-query.js';
import { AppError, type FieldError } from '../../platform/errors.js';
import { writeVersion } from '../../platform/records/version-claims.js';
import type { EventBus } from '../../platform/events.js';
import { buildFilters } from '../../platform/records/list-query.js';
import { parseSearch } from '../../platform/search/search-query.js';
import type { FilterQuery, ListQuery, RecordBase, RecordService } from '../../platform/records/record-service.js';
import { accountCreditModel, type AccountCredit } from '../credit/credit.model.js';
import { COUNT_CAP } from '../../platform/records/record-service.js';
import { segmentModel, type Segment, type SegmentPurchase } from './segment.model.js';

type Audience = Pick<RecordService<RecordBase>, 'definition' | 'list' | 'count'> & { visibility?: RecordService<RecordBase>['visibility'] };
type SegmentInput = { name?: string | undefined; description?: string | null | undefined; resource?: 'contact' | 'customer'; filters?: Record<string, string> | undefined; purchase?: SegmentPurchase | null | undefined; sharing?: Segment['sharing'] | undefined; teamId?: string | null | undefined };

function toSegmentDto(s: Segment) {
  return {
    id: String(s._id),
    name: s.name,
    description: s.description ?? null,
    resource: s.resource,
    filters: Object.fromEntries((s.filters ?? []).map((f) => [f.param, f.value])),
    purchase: s.purchase ?? null,
    sharing: s.sharing,
    teamId: s.teamId ? String(s.teamId) : null,
    ownerId: String(s.ownerId),
    version: s.version ?? 0,
    createdAt: s.createdAt ? new Date(s.createdAt).toISOString() : '',
    updatedAt: s.updatedAt ? new Date(s.updatedAt).toISOString() : '',
  };
}

const DAY = 86_400_000;

/** Whether an account's purchase summary meets every condition given. */
export function meetsPurchase(summary: Pick<AccountCredit, 'productIds' | 'lastOrderAt' | 'revenue'>, purchase: SegmentPurchase, now: Date): boolean {
  if (purchase.products) {
    const have = new Set(summary.productIds.map(String));
    const hits = purchase.products.ids.filter((id) => have.has(id)).length;
    if (purchase.products.mode === 'any' ? hits === 0 : hits < purchase.products.ids.length) return false;
  }
  if (purchase.revenue) {
    const { op, amount, currency, months } = purchase.revenue;
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1)).toISOString().slice(0, 7);
    const total = summary.revenue.filter((r) => r.currency === currency && r.month >= from).reduce((sum, r) => sum + r.amount, 0);
    if (op === 'gte' ? total < amount : total > amount) return false;
  }
  if (purchase.lastOrder) {
    const last = summary.lastOrderAt ? new Date(summary.lastOrderAt).getTime() : null;
    const { op, date, days } = purchase.lastOrder;
    if (last === null) return false;
    if (op === 'within' && last < now.getTime() - (days ?? 0) * DAY) return false;
    if (op === 'before' && !(last < Date.parse(`${date}T00:00:00Z`))) return false;
    if (op === 'after' && !(last >= Date.parse(`${date}T00:00:00Z`) + DAY)) return false;
  }
  return true;
}

/**
 * Segments (004): named, shareable filters over contacts or customers. Members are always evaluated
 * through the record service's `list`/`count`, so the caller's visibility applies to every audience.
 */
export function createSegmentsService(connection: Connection, deps: { events: EventBus; customFields: CustomFields; audiences: Record<Segment['resource'], Audience> }) {
  const SegmentModel = segmentModel(connection);
  const Summary = accountCreditModel(connection);

  /** The segments the principal may see: their own, their teams', the agency's (admins see all). */
  function visible(principal: Principal): Record<string, unknown> {
    if (principal.role.isAdmin) return { tenantId: principal.tenantId };
    return { tenantId: principal.tenantId, $or: [{ ownerId: principal.userId }, { sharing: 'agency' }, { sharing: 'team', teamId: op({ $in: principal.teamIds }) }] };
  }

  async function findVisible(principal: Principal, id: string): Promise<Segment> {
    const segment = await SegmentModel.findOne({ ...visible(principal), _id: new Types.ObjectId(id) }).lean<Segment>();
    if (!segment) throw AppError.notFound('Segment');
    return segment;
  }

  function assertManage(principal: Principal, segment: Segment, action: 'update' | 'delete') {
    if (!segment.ownerId.equals(principal.userId) && !can(principal, 'segment', action)) throw new AppError('forbidden', `Only the segment's owner or an admin may ${action} it`);
  }

  /** Validates the saved parameters exactly as the list route would read them; errors name `filters.<param>`. */
  async function validateFilters(principal: Principal, resource: Segment['resource'], filters: Record<string, string>): Promise<{ param: string; value: string }[]> {
    const spec = deps.audiences[resource].definition.list;
    const errors: FieldError[] = [];
    for (const [param, value] of Object.entries(filters)) {
      const [name, operator] = param.split('.', 2) as [string, string | undefined];
      try {
        if (param === 'q') parseSearch(value);
        else if (name === 'custom') await deps.customFields.filters(principal.tenantId, resource, { [param]: value });
        else if (!spec.filters[name] || (operator && !['gte', 'lte', 'gt', 'lt'].includes(operator))) {
          errors.push({ field: `filters.${param}`, code: 'unknown_filter', message: `is not a filter of ${resource}s; filters: q, ${Object.keys(spec.filters).join(', ')}, custom.<key>` });
        } else buildFilters(spec, { [param]: value });
      } catch (error) {
        if (!(error instanceof AppError) || !error.errors) throw error;
        errors.push(...error.errors.map((e) => ({ ...e, field: e.field.replace(/^query\./, 'filters.') })));
      }
    }
    if (errors.length) throw new AppError('validation_failed', `${errors.length} filter(s) are not valid: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, { errors });
    return Object.entries(filters).map(([param, value]) => ({ param, value }));
  }

  function checkPurchase(resource: Segment['resource'], purchase: SegmentPurchase | null | undefined, filters: Record<string, string>): SegmentPurchase | null {
    if (!purchase || Object.keys(purchase).length === 0) return null;
    if (resource !== 'customer') throw AppError.invalidField('purchase', 'applies to customer segments only');
    if ('q' in filters) throw AppError.invalidField('filters.q', 'cannot be combined with purchase conditions');
    const last = purchase.lastOrder;
    if (last && last.op === 'within' && !last.days) throw AppError.invalidField('purchase.lastOrder.days', 'is required for within', 'required');
    if (last && last.op !== 'within' && !last.date) throw AppError.invalidField('purchase.lastOrder.date', `is required for ${last.op}`, 'required');
    return purchase;
  }

  /**
   * Members of a segment with purchase conditions: the matching accounts from the purchase summaries
   * (one document per account, read by tenant), then the caller's visibility and the segment's filters
   * applied to them 500 ids at a time, newest id first; the cursor is the last id.
   */
  async function purchasePage(principal: Principal, segment: Segment, limit: number, cursor: string | undefined) {
    const audience = deps.audiences.customer;
    if (!audience.visibility) throw new Error('the customer audience has no visibility filter');
    const now = new Date();
    const ids: string[] = [];
    for await (const summary of Summary.find({ tenantId: principal.tenantId }).select('accountId productIds lastOrderAt revenue').lean<AccountCredit[]>().cursor()) {
      if (meetsPurchase(summary, segment.purchase!, now)) ids.push(String(summary.accountId));
    }
    ids.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    const start = cursor ? ids.findIndex((id) => id < cursor) : 0;
    const query = queryOf(segment);
    const { equalities, conditions } = buildFilters(audience.definition.list, query);
    const custom = await deps.customFields.filters(principal.tenantId, 'customer', query);
    const found: RecordBase[] = [];
    for (let i = start < 0 ? ids.length : start; i < ids.length && found.length <= limit; i += 500) {
      const chunk = ids.slice(i, i + 500).map((id) => new Types.ObjectId(id));
      const filter = { $and: [audience.visibility(principal, 'read'), { ...equalities, ...custom }, ...conditions, { _id: op({ $in: chunk }) }] };
      const docs = await audience.definition.model.find(filter as never).lean<RecordBase[]>();
      found.push(...docs.sort((a, b) => (String(a._id) < String(b._id) ? 1 : -1)));
    }
    const page = found.slice(0, limit);
    const hasMore = found.length > limit;
    return { object: 'list' as const, data: page.map((doc) => audience.definition.toDto(doc as never)), hasMore, nextCursor: hasMore ? String(page[page.length - 1]!._id) : null };
  }

  function checkSharing(principal: Principal, sharing: Segment['sharing'], teamId: string | null | undefined): Types.ObjectId | null {
    if (sharing !== 'team') return null;
    if (!teamId) throw AppError.invalidField('teamId', 'is required when sharing with a team');
    if (!principal.role.isAdmin && !principal.teamIds.some((t) => t.equals(teamId))) throw AppError.invalidField('teamId', 'is not one of your teams');
    return new Types.ObjectId(teamId);
  }

  async function publish(principal: Principal, type: string, segment: Segment) {
    await deps.events.publish({ type: `segment.${type}`, tenantId: principal.tenantId, resource: 'segment', resourceId: String(segment._id), actor: { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId }, record: toSegmentDto(segment) });
  }

  const queryOf = (segment: Segment): FilterQuery => Object.fromEntries(segment.filters.map((f) => [f.param, f.value]));

  return {
    findVisible,

    async list(principal: Principal, query: { limit: number; cursor?: string | undefined; resource?: string | undefined; mine?: string | undefined }) {
      const filter: Record<string, unknown> = visible(principal);
      if (query.resource) filter.resource = query.resource;
      if (query.mine === 'true') filter.ownerId = principal.userId;
      return pageOf(SegmentModel, filter, query, (s) => toSegmentDto(s as Segment));
    },

    get: async (principal: Principal, id: string) => toSegmentDto(await findVisible(principal, id)),

    async create(principal: Principal, input: SegmentInput & { resource: Segment['resource']; filters: Record<string, string>; sharing: Segment['sharing'] }) {
      const doc = {
        tenantId: principal.tenantId,
        name: input.name,
        description: input.description ?? null,
        resource: input.resource,
        filters: await validateFilters(principal, input.resource, input.filters),
        purchase: checkPurchase(input.resource, input.purchase, input.filters),
        sharing: input.sharing,
        teamId: checkSharing(principal, input.sharing, input.teamId),
        ownerId: principal.userId,
      };
      const created = (await SegmentModel.create(doc)).toObject() as Segment;
      await publish(principal, 'created', created);
      return toSegmentDto(created);
    },

    async update(principal: Principal, id: string, input: SegmentInput, ifMatch?: number) {
      const segment = await findVisible(principal, id);
      assertManage(principal, segment, 'update');
      const conflict = (current: Segment) => new AppError('version_conflict', `Segment was changed by someone else (now version ${current.version}); reload and try again`, { extensions: { current: toSegmentDto(current) } });
      if (ifMatch !== undefined && segment.version !== ifMatch) throw conflict(segment);
      const set: Record<string, unknown> = {};
      if (input.name !== undefined) set.name = input.name;
      if (input.description !== undefined) set.description = input.description;
      if (input.filters !== undefined) set.filters = await validateFilters(principal, segment.resource, input.filters);
      if (input.purchase !== undefined || input.filters !== undefined) set.purchase = checkPurchase(segment.resource, input.purchase === undefined ? segment.purchase : input.purchase, input.filters ?? queryOf(segment) as Record<string, string>);
      if (input.sharing !== undefined || input.teamId !== undefined) {
        const sharing = input.sharing ?? segment.sharing;
        set.sharing = sharing;
        set.teamId = checkSharing(principal, sharing, input.teamId === undefined ? (segment.teamId ? String(segment.teamId) : null) : input.teamId);
      }
      const written = await writeVersion(SegmentModel, segment, { $set: set });
      const updated = await SegmentModel.findOne({ tenantId: principal.tenantId, _id: segment._id }).lean<Segment>();
      // Deleted by someone else between the read and the write.
      if (!updated) throw AppError.notFound('Segment');
      if (!written) throw conflict(updated);
      await publish(principal, 'updated', updated);
      return toSegmentDto(updated);
    },

    async remove(principal: Principal, id: string) {
      const segment = await findVisible(principal, id);
      assertManage(principal, segment, 'delete');
      await SegmentModel.deleteOne({ tenantId: principal.tenantId, _id: segment._id });
      await publish(principal, 'deleted', segment);
    },

    /** A page of the segment's members that the caller may see. */
    async members(principal: Principal, id: string, page: { limit: number; cursor?: string | undefined; sort?: string | undefined; fields?: string | undefined }) {
      const segment = await findVisible(principal, id);
      assertCan(principal, segment.resource, 'read');
      if (segment.purchase) return purchasePage(principal, segment, page.limit, page.cursor);
      const query: ListQuery = { ...queryOf(segment), limit: page.limit, cursor: page.cursor, sort: page.sort, fields: page.fields };
      return deps.audiences[segment.resource].list(principal, query);
    },

    /**
     * Every member id the caller may see (a campaign or greeting audience), page by page; refuses a
     * segment larger than `max` rather than cutting it short, naming `field` (where the caller's input
     * named the segment) in the error.
     */
    async memberIds(principal: Principal, id: string, { max = 50_000, field = 'segmentId' }: { max?: number; field?: string } = {}): Promise<{ resource: Segment['resource']; ids: Types.ObjectId[] }> {
      const segment = await findVisible(principal, id);
      assertCan(principal, segment.resource, 'read');
      const ids: Types.ObjectId[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = segment.purchase ? await purchasePage(principal, segment, 200, cursor) : await deps.audiences[segment.resource].list(principal, { ...queryOf(segment), limit: 200, cursor, fields: 'id' });
        for (const member of page.data) ids.push(new Types.ObjectId(String(member.id)));
        if (ids.length > max) throw AppError.invalidField(field, `has more than ${max} members; narrow it down`);
        if (!page.hasMore || !page.nextCursor) break;
        cursor = page.nextCursor;
      }
      return { resource: segment.resource, ids };
    },

    /** How many members the caller may see. */
    async count(principal: Principal, id: string) {
      const segment = await findVisible(principal, id);
      assertCan(principal, segment.resource, 'read');
      if (segment.purchase) {
        const page = await purchasePage(principal, segment, COUNT_CAP, undefined);
        return { id: String(segment._id), resource: segment.resource, count: page.data.length, capped: page.hasMore };
      }
      return { id: String(segment._id), resource: segment.resource, ...(await deps.audiences[segment.resource].count(principal, queryOf(segment))) };
    },
  };
}

export type SegmentsService = ReturnType<typeof createSegmentsService>;
