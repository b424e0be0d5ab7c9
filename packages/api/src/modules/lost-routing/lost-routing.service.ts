import { Types, type Connection } from 'mongoose';
import { visibilityFilter } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { claimOnce } from '../../platform/db/claim-once.js';
import { op } from '../../platform/db/operators.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { DomainEvent, EventBus } from '../../platform/events.js';
import { iso, id } from '../../platform/records/dto.js';
import type { RecordDeps } from '../../platform/records/record-service.js';
import type { WorkflowEngine } from '../../platform/workflow/workflow-engine.js';
import { opportunityModel } from '../opportunities/opportunity.model.js';
import type { OpportunitiesService } from '../opportunities/opportunities.service.js';
import { createSystemTask } from '../tasks/system-task.js';
import type { TasksService } from '../tasks/tasks.service.js';
import { lostReasonGroupModel, lostReviewModel, reasonKeyOf, type LostReasonGroup, type LostReview, type ReviewOutcome } from './lost-routing.model.js';

const toGroupDto = (g: LostReasonGroup) => ({ id: String(g._id), reason: g.reason, name: g.name, memberIds: g.memberIds.map(String), version: g.version ?? 0, createdAt: iso(g.createdAt) ?? '', updatedAt: iso(g.updatedAt) ?? '' });

const toReviewDto = (r: LostReview) => ({
  id: String(r._id),
  opportunityId: String(r.opportunityId),
  opportunityName: r.opportunityName,
  reason: r.reason,
  amount: r.amount,
  currency: r.currency,
  groupId: id(r.groupId),
  groupName: r.groupName ?? null,
  assigneeId: id(r.assigneeId),
  taskId: id(r.taskId),
  state: r.state,
  outcome: r.outcome ?? null,
  note: r.note ?? null,
  decidedBy: id(r.decidedBy),
  decidedAt: iso(r.decidedAt),
  lostAt: iso(r.lostAt) ?? '',
  createdAt: iso(r.createdAt) ?? '',
});

const oid = (v: unknown) => (typeof v === 'string' && /^[a-f0-9]{24}$/i.test(v) ? new Types.ObjectId(v) : null);

/**
 * Lost-deal routing (issue 23.5, 003 "each lost opportunity is sent to a consultant group based on its
 * lost reason"): groups per reason are tenant data; `opportunity.lost` creates one review and one review
 * task per loss (claimOnce decides, so a twice-delivered event creates nothing twice); the consultant
 * records the outcome.
 */
export function createLostRoutingService(deps: { connection: Connection; events: EventBus; workflows: WorkflowEngine; directory: RecordDeps['directory']; opportunities: OpportunitiesService; tasks: TasksService }) {
  const { connection } = deps;
  const Group = lostReasonGroupModel(connection);
  const Review = lostReviewModel(connection);

  async function checkMembers(tenantId: Types.ObjectId, memberIds: string[]): Promise<Types.ObjectId[]> {
    const out: Types.ObjectId[] = [];
    for (const [i, raw] of memberIds.entries()) {
      const userId = new Types.ObjectId(raw);
      if (!(await deps.directory.user(tenantId, userId))) throw AppError.invalidField(`memberIds.${i}`, 'is not a user of this agency');
      if (!out.some((o) => o.equals(userId))) out.push(userId);
    }
    return out;
  }

  async function findGroup(principal: Principal, groupId: string): Promise<LostReasonGroup> {
    const found = await Group.findOne({ tenantId: principal.tenantId, _id: new Types.ObjectId(groupId) }).lean();
    if (!found) throw AppError.notFound('Lost reason group');
    return found;
  }

  /** The group member with the fewest open reviews (ties: first listed). */
  async function leastLoaded(tenantId: Types.ObjectId, memberIds: Types.ObjectId[]): Promise<Types.ObjectId | null> {
    if (!memberIds.length) return null;
    const load = await Review.aggregate<{ _id: Types.ObjectId; open: number }>([
      { $match: { tenantId, state: 'open', assigneeId: op({ $in: memberIds }) } },
      { $group: { _id: '$assigneeId', open: { $sum: 1 } } },
    ]);
    const openBy = new Map(load.map((l) => [String(l._id), l.open]));
    let best = memberIds[0]!;
    for (const m of memberIds) if ((openBy.get(String(m)) ?? 0) < (openBy.get(String(best)) ?? 0)) best = m;
    return best;
  }

  /** Routes one loss: the group by reason (or the `*` group), a review, and a review task for its consultant. */
  async function onLost(event: DomainEvent): Promise<void> {
    const opportunityId = oid(event.resourceId);
    if (!opportunityId) return;
    const record = event.record ?? {};
    const reason = String(event.data?.reason ?? record.lostReason ?? '').trim() || 'unspecified';
    const lostAt = typeof record.closedAt === 'string' ? new Date(record.closedAt) : event.at;
    const lossKey = `${opportunityId}:${lostAt.getTime()}`;
    if (!(await claimOnce(connection, `lost-review:${String(event.tenantId)}:${lossKey}`))) return;
    const group = (await Group.findOne({ tenantId: event.tenantId, reasonKey: reasonKeyOf(reason) }).lean()) ?? (await Group.findOne({ tenantId: event.tenantId, reasonKey: '*' }).lean());
    const assigneeId = group ? await leastLoaded(event.tenantId, group.memberIds) : null;
    const name = typeof record.name === 'string' ? record.name : 'the opportunity';
    let review: LostReview;
    try {
      review = (
        await Review.create({
          tenantId: event.tenantId, lossKey, opportunityId, opportunityName: name, reason,
          amount: Number(record.amount ?? event.data?.amount ?? 0), currency: String(record.currency ?? event.data?.currency ?? 'EUR'),
          groupId: group?._id ?? null, groupName: group?.name ?? null, assigneeId, lostAt,
        })
      ).toObject();
    } catch (error) {
      if (isDuplicateKeyError(error)) return;
      throw error;
    }
    const taskId = await createSystemTask(deps, {
      tenantId: event.tenantId,
      autoKey: `lost-review:${lossKey}`,
      kind: 'todo',
      title: `Review lost deal: ${name} (${reason})`,
      description: `Lost for "${reason}". Check the deal and record the outcome: re-open it, confirm it lost, or note the lesson (003 Opportunities, Tracking).`,
      subject: { type: 'opportunity', id: opportunityId },
      assigneeId,
      ownerId: assigneeId,
      cause: 'opportunity.lost',
    });
    await Review.updateOne({ tenantId: event.tenantId, _id: review._id }, { $set: { taskId } });
    await deps.events.publish({ type: 'lost_review.created', tenantId: event.tenantId, resource: 'lostReview', resourceId: String(review._id), actor: null, record: toReviewDto({ ...review, taskId }), data: { opportunityId: String(opportunityId), groupId: id(group?._id) } });
  }

  /** A review the principal may see: its opportunity is visible to them, or it is assigned to them. */
  async function findReview(principal: Principal, reviewId: string): Promise<LostReview> {
    const review = await Review.findOne({ tenantId: principal.tenantId, _id: new Types.ObjectId(reviewId) }).lean();
    if (!review) throw AppError.notFound('Lost review');
    if (review.assigneeId?.equals(principal.userId)) return review;
    const visible = await opportunityModel(connection).exists({ ...visibilityFilter(principal, 'opportunity'), _id: review.opportunityId });
    if (!visible) throw AppError.notFound('Lost review');
    return review;
  }

  return {
    onLost,

    async listGroups(principal: Principal) {
      const groups = await Group.find({ tenantId: principal.tenantId }).sort({ reasonKey: 1 }).limit(500).lean();
      return { object: 'list' as const, data: groups.map(toGroupDto), hasMore: false, nextCursor: null };
    },

    async createGroup(principal: Principal, input: { reason: string; name: string; memberIds: string[] }) {
      const memberIds = await checkMembers(principal.tenantId, input.memberIds);
      try {
        const created = await Group.create({ tenantId: principal.tenantId, reason: input.reason.trim(), reasonKey: reasonKeyOf(input.reason), name: input.name, memberIds });
        return toGroupDto(created.toObject());
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new AppError('conflict', `A group already checks the lost reason "${input.reason}"; change that group instead`, { errors: [{ field: 'reason', code: 'duplicate', message: 'already has a group' }] });
        throw error;
      }
    },

    async updateGroup(principal: Principal, groupId: string, input: { reason?: string | undefined; name?: string | undefined; memberIds?: string[] | undefined }, ifMatch?: number) {
      const existing = await findGroup(principal, groupId);
      if (ifMatch !== undefined && ifMatch !== existing.version) throw new AppError('version_conflict', 'The group changed meanwhile; reload and try again', { extensions: { current: toGroupDto(existing) } });
      const set: Record<string, unknown> = {};
      if (input.reason !== undefined) Object.assign(set, { reason: input.reason.trim(), reasonKey: reasonKeyOf(input.reason) });
      if (input.name !== undefined) set.name = input.name;
      if (input.memberIds !== undefined) set.memberIds = await checkMembers(principal.tenantId, input.memberIds);
      try {
        const written = await Group.updateOne({ tenantId: principal.tenantId, _id: existing._id, version: existing.version }, { $set: set, $inc: { version: 1 } });
        if (!written.modifiedCount) throw new AppError('version_conflict', 'The group changed meanwhile; reload and try again');
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new AppError('conflict', `A group already checks the lost reason "${input.reason}"`, { errors: [{ field: 'reason', code: 'duplicate', message: 'already has a group' }] });
        throw error;
      }
      return toGroupDto(await findGroup(principal, groupId));
    },

    async removeGroup(principal: Principal, groupId: string) {
      const existing = await findGroup(principal, groupId);
      await Group.deleteOne({ tenantId: principal.tenantId, _id: existing._id });
    },

    /** Reviews, newest first: of opportunities the principal may see, or assigned to them. */
    async listReviews(principal: Principal, query: { state?: 'open' | 'decided' | undefined; opportunityId?: string | undefined; mine?: 'true' | 'false' | undefined; limit: number }) {
      const filter: Record<string, unknown> = { tenantId: principal.tenantId };
      if (query.state) filter.state = query.state;
      if (query.opportunityId) filter.opportunityId = new Types.ObjectId(query.opportunityId);
      if (query.mine === 'true') filter.assigneeId = principal.userId;
      const found = await Review.find(filter).sort({ _id: -1 }).limit(query.limit * 4).lean();
      const visibleIds = new Set(
        (await opportunityModel(connection).find({ ...visibilityFilter(principal, 'opportunity'), _id: op({ $in: found.map((r) => r.opportunityId) }) }).select('_id').lean()).map((o) => String(o._id)),
      );
      const data = found.filter((r) => r.assigneeId?.equals(principal.userId) || visibleIds.has(String(r.opportunityId))).slice(0, query.limit);
      return { object: 'list' as const, data: data.map(toReviewDto), hasMore: false, nextCursor: null };
    },

    getReview: async (principal: Principal, reviewId: string) => toReviewDto(await findReview(principal, reviewId)),

    /** Records the outcome once; `reopened` with `reopenStage` moves the deal back to that open stage; the review task is done. */
    async decide(principal: Principal, reviewId: string, input: { outcome: ReviewOutcome; note?: string | undefined; reopenStage?: string | undefined }) {
      const review = await findReview(principal, reviewId);
      if (input.reopenStage && input.outcome !== 'reopened') throw AppError.invalidField('reopenStage', 'is only for the outcome reopened');
      if (review.state === 'decided') throw new AppError('conflict', `The outcome was already recorded (${review.outcome}); a review is decided once`, { errors: [{ field: 'outcome', code: 'already_decided', message: 'was already recorded' }] });
      // The move is checked (and made) first, so a bad stage leaves the review open for another try.
      if (input.outcome === 'reopened' && input.reopenStage) {
        const opportunity = await deps.opportunities.findVisible(principal, String(review.opportunityId), 'update');
        await deps.opportunities.move(principal, String(review.opportunityId), { stage: input.reopenStage, version: opportunity.version });
      }
      if (!(await claimOnce(connection, `lost-review-outcome:${String(review._id)}`))) throw new AppError('conflict', 'The outcome was already recorded; a review is decided once', { errors: [{ field: 'outcome', code: 'already_decided', message: 'was already recorded' }] });
      const now = new Date();
      await Review.updateOne({ tenantId: principal.tenantId, _id: review._id }, { $set: { state: 'decided', outcome: input.outcome, note: input.note ?? null, decidedBy: principal.userId, decidedAt: now } });
      if (review.taskId) {
        // The review task is done with the outcome; a task already closed by hand stays as it is.
        await deps.tasks.transition(principal, String(review.taskId), { to: 'done', note: `lost review: ${input.outcome}` }).catch(() => undefined);
      }
      const updated = (await Review.findOne({ tenantId: principal.tenantId, _id: review._id }).lean())!;
      const dto = toReviewDto(updated);
      await deps.events.publish({ type: 'lost_review.decided', tenantId: principal.tenantId, resource: 'lostReview', resourceId: dto.id, actor: { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId }, record: dto, data: { outcome: input.outcome } });
      return dto;
    },
  };
}

export type LostRoutingService = ReturnType<typeof createLostRoutingService>;
