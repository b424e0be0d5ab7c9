import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/**
 * One assignment rule: a ticket whose category and/or product match goes to `teamId`, and to `userId`
 * when given (else to the next active member of the team, round-robin). A rule naming neither category
 * nor product matches every ticket, so it belongs last.
 */
export interface AssignmentRule {
  category: string | null;
  productId: Types.ObjectId | null;
  teamId: Types.ObjectId;
  userId: Types.ObjectId | null;
}

/** The agency's assignment rules, in the order they are tried; `_id` is the tenant's id (one document per agency). */
export interface AssignmentRules {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  rules: AssignmentRule[];
  version: number;
  createdAt?: Date;
  updatedAt?: Date;
}

const ruleSchema = new Schema<AssignmentRule>(
  {
    category: { type: String, default: null },
    productId: { type: Schema.Types.ObjectId, default: null },
    teamId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, default: null },
  },
  { _id: false },
);

const rulesSchema = new Schema<AssignmentRules>({ rules: { type: [ruleSchema], default: [] } }, { timestamps: true, versionKey: 'version' });
rulesSchema.plugin(tenantScoped);

export function assignmentRulesModel(connection: Connection): Model<AssignmentRules> {
  return (connection.models.TicketAssignmentRules as Model<AssignmentRules>) ?? connection.model<AssignmentRules>('TicketAssignmentRules', rulesSchema, 'ticket_assignment_rules');
}

/** A team's round-robin position: `_id` is `<tenant>:<team>`, `n` grows by one per ticket handed out. */
export interface RoundRobinCounter {
  _id: string;
  tenantId: Types.ObjectId;
  n: number;
}

const counterSchema = new Schema<RoundRobinCounter>({ _id: { type: String, required: true }, n: { type: Number, default: 0 } }, { versionKey: false });
counterSchema.plugin(tenantScoped);

export function roundRobinCounterModel(connection: Connection): Model<RoundRobinCounter> {
  return (connection.models.TicketRoundRobin as Model<RoundRobinCounter>) ?? connection.model<RoundRobinCounter>('TicketRoundRobin', counterSchema, 'ticket_round_robin');
}

/**
 * Claims of round-robin turns: `_id` is `<tenant>:<team>:<n>`. MongoDB's findAndModify `$inc` is atomic,
 * FerretDB v1's is not (it reads, then writes by id), so a turn counts only once its claim is inserted:
 * the `_id` index refuses a second claim of the same turn on every engine.
 */
export interface RoundRobinClaim {
  _id: string;
  tenantId: Types.ObjectId;
  at: Date;
}

const claimSchema = new Schema<RoundRobinClaim>({ _id: { type: String, required: true }, at: { type: Date, default: () => new Date() } }, { versionKey: false });
claimSchema.plugin(tenantScoped);
// The daily prune (./round-robin-claims.ts) deletes by age.
claimSchema.index({ at: 1 });

export function roundRobinClaimModel(connection: Connection): Model<RoundRobinClaim> {
  return (connection.models.TicketRoundRobinClaim as Model<RoundRobinClaim>) ?? connection.model<RoundRobinClaim>('TicketRoundRobinClaim', claimSchema, 'ticket_round_robin_claims');
}
