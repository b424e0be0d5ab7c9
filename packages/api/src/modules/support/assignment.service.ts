import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { op } from '../../platform/db/operators.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import type { OrgDirectory } from '../../platform/records/record-service.js';
import { writeVersion } from '../../platform/records/version-claims.js';
import { orgModel } from '../identity/org.model.js';
import { userModel } from '../identity/user.model.js';
import { assignmentRulesModel, roundRobinClaimModel, roundRobinCounterModel, type AssignmentRule, type AssignmentRules } from './assignment.model.js';

/** What a rule is matched against, and what the ticket already names. */
export interface AssignmentInput {
  category?: string | null | undefined;
  productId?: Types.ObjectId | string | null | undefined;
  teamId?: Types.ObjectId | string | null | undefined;
}

/** Where a ticket goes: a team, and an agent when one was picked (null: the team's queue). */
export interface Assignment {
  teamId: Types.ObjectId;
  ownerId: Types.ObjectId | null;
}

const norm = (category: string | null | undefined) => (category ?? '').trim().toLowerCase();
const oid = (value: Types.ObjectId | string | null | undefined) => (value ? new Types.ObjectId(String(value)) : null);

function toRulesDto(doc: Pick<AssignmentRules, 'rules' | 'version'> & { updatedAt?: Date | null }) {
  return {
    rules: doc.rules.map((r) => ({ category: r.category ?? null, productId: r.productId ? String(r.productId) : null, teamId: String(r.teamId), userId: r.userId ? String(r.userId) : null })),
    version: doc.version ?? 0,
    updatedAt: doc.updatedAt ? new Date(doc.updatedAt).toISOString() : null,
  };
}

/**
 * Ticket assignment (issue 18): the agency's rules, tried in order, pick a team by category and/or
 * product (and optionally an agent); without an agent the team's active members take turns
 * (round-robin). Used for every ticket that arrives without an assignee: an agent's, the portal's, email.
 */
export function createAssignmentService(deps: { connection: Connection; events: EventBus; directory: OrgDirectory }) {
  const Rules = assignmentRulesModel(deps.connection);
  const Counters = roundRobinCounterModel(deps.connection);
  const Claims = roundRobinClaimModel(deps.connection);
  const Org = orgModel(deps.connection);
  const Users = userModel(deps.connection);

  const load = (tenantId: Types.ObjectId) => Rules.findOne({ tenantId, _id: tenantId }).lean<AssignmentRules>();

  /**
   * The team's next turn. findAndModify `$inc` hands it out (atomic on MongoDB); the turn counts once
   * its claim is inserted, which the `_id` index allows once on every engine (FerretDB v1 runs the
   * `$inc` as read-then-write, so two callers may read the same turn: the loser increments again).
   */
  async function nextTurn(tenantId: Types.ObjectId, teamId: Types.ObjectId): Promise<number> {
    const key = `${String(tenantId)}:${String(teamId)}`;
    for (let attempt = 0; attempt < 100; attempt += 1) {
      let counter: { n: number } | null;
      try {
        counter = await Counters.findOneAndUpdate({ tenantId, _id: key }, { $inc: { n: 1 } }, { upsert: true, returnDocument: 'after' }).lean<{ n: number }>();
      } catch (error) {
        // Two first turns at once: both upserts inserted; the refused one simply increments again.
        if (isDuplicateKeyError(error)) continue;
        throw error;
      }
      if (!counter) continue;
      try {
        await Claims.collection.insertOne({ _id: `${key}:${counter.n}`, tenantId, at: new Date() } as never);
        return counter.n;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    throw new AppError('conflict', 'Too many tickets are being assigned to this team at once; try again');
  }

  /** The team's active members (invited and disabled users are skipped), in a stable order. */
  async function activeMembers(tenantId: Types.ObjectId, teamId: Types.ObjectId): Promise<Types.ObjectId[]> {
    const team = await Org.findOne({ tenantId, _id: teamId, kind: 'team' }).select({ memberIds: 1 }).lean<{ memberIds?: Types.ObjectId[] }>();
    if (!team?.memberIds?.length) return [];
    const users = await Users.find({ tenantId, _id: op({ $in: team.memberIds }), status: 'active' }).select({ _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
    return users.map((u) => u._id).sort((a, b) => (String(a) < String(b) ? -1 : 1));
  }

  async function isActiveUser(tenantId: Types.ObjectId, userId: Types.ObjectId): Promise<boolean> {
    return Boolean(await Users.findOne({ tenantId, _id: userId, status: 'active' }).select({ _id: 1 }).lean());
  }

  /** The first rule whose category and product (where it names them) equal the ticket's. */
  function match(rules: AssignmentRule[], input: AssignmentInput): AssignmentRule | undefined {
    const category = norm(input.category);
    const productId = input.productId ? String(input.productId) : '';
    return rules.find((r) => (!r.category || norm(r.category) === category) && (!r.productId || String(r.productId) === productId));
  }

  return {
    /** The agency's rules (none until an admin saves some). */
    async get(principal: Principal) {
      const doc = await load(principal.tenantId);
      return toRulesDto(doc ?? { rules: [], version: 0, updatedAt: null });
    },

    /** Replaces the rules (with `ifMatch`, only if they are still at that version); each team, agent and product must be the agency's. */
    async update(principal: Principal, input: { rules: Array<{ category?: string | null | undefined; productId?: string | null | undefined; teamId: string; userId?: string | null | undefined }> }, ifMatch?: number) {
      const { tenantId } = principal;
      const rules: AssignmentRule[] = [];
      for (const [i, r] of input.rules.entries()) {
        const teamId = new Types.ObjectId(r.teamId);
        if (!(await Org.findOne({ tenantId, _id: teamId, kind: 'team' }).select({ _id: 1 }).lean())) throw AppError.invalidField(`rules.${i}.teamId`, 'is not a team of this agency');
        const userId = oid(r.userId);
        if (userId && !(await deps.directory.user(tenantId, userId))) throw AppError.invalidField(`rules.${i}.userId`, 'is not a user of this agency');
        const productId = oid(r.productId);
        if (productId && !(await deps.directory.product(tenantId, productId))) throw AppError.invalidField(`rules.${i}.productId`, 'is not a product of this agency');
        rules.push({ category: r.category?.trim() || null, productId, teamId, userId });
      }
      const current = await load(tenantId);
      const version = current?.version ?? 0;
      if (ifMatch !== undefined && ifMatch !== version) {
        throw new AppError('precondition_failed', `The assignment rules changed (now version ${version}); reload and try again`, { extensions: { current: toRulesDto(current ?? { rules: [], version: 0 }) } });
      }
      const now = new Date();
      if (!current) {
        try {
          await Rules.collection.insertOne({ _id: tenantId, tenantId, rules, version: 1, createdAt: now, updatedAt: now } as never);
        } catch (error) {
          if (isDuplicateKeyError(error)) throw new AppError('precondition_failed', 'The assignment rules were saved by someone else meanwhile; reload and try again');
          throw error;
        }
      } else if (!(await writeVersion(Rules as never, current, { $set: { rules, updatedAt: now } }))) {
        throw new AppError('precondition_failed', 'The assignment rules were saved by someone else meanwhile; reload and try again');
      }
      const saved = toRulesDto((await load(tenantId))!);
      await deps.events.publish({ type: 'ticketAssignmentRules.updated', tenantId, resource: 'tenant', resourceId: null, actor: { tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId }, data: { rules: saved.rules } });
      return saved;
    },

    /**
     * Where a ticket without an assignee goes: the team it names, else the first matching rule's; the
     * rule's agent when active, else the team's next active member in turn. Null when nothing applies.
     */
    async route(tenantId: Types.ObjectId, input: AssignmentInput): Promise<Assignment | null> {
      let teamId = oid(input.teamId);
      let userId: Types.ObjectId | null = null;
      if (!teamId) {
        const doc = await load(tenantId);
        const rule = doc ? match(doc.rules, input) : undefined;
        if (!rule) return null;
        teamId = new Types.ObjectId(String(rule.teamId));
        userId = rule.userId ? new Types.ObjectId(String(rule.userId)) : null;
      }
      if (userId && (await isActiveUser(tenantId, userId))) return { teamId, ownerId: userId };
      const members = await activeMembers(tenantId, teamId);
      if (!members.length) return { teamId, ownerId: null };
      const turn = await nextTurn(tenantId, teamId);
      return { teamId, ownerId: members[(turn - 1) % members.length]! };
    },
  };
}

export type AssignmentService = ReturnType<typeof createAssignmentService>;
