import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/**
 * One member of an account's production team (003 Accounts, Teams): who works on the account's jobs of a
 * task type (a price-book service) and/or spec. A null task type or spec matches every one.
 */
export interface ProductionTeamMember {
  userId: Types.ObjectId;
  taskType: string | null;
  spec: string | null;
  role: string | null;
}

/** The production team dedicated to one account: data on the account, rewritten whole under a version. */
export interface ProductionTeam {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  customerId: Types.ObjectId;
  members: ProductionTeamMember[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const memberSchema = new Schema<ProductionTeamMember>({ userId: { type: Schema.Types.ObjectId, required: true }, taskType: { type: String, default: null }, spec: { type: String, default: null }, role: { type: String, default: null } }, { _id: false });
const teamSchema = new Schema<ProductionTeam>({ customerId: { type: Schema.Types.ObjectId, required: true }, members: { type: [memberSchema], default: [] }, version: { type: Number, default: 0 } }, { timestamps: true, versionKey: false });
teamSchema.plugin(tenantScoped);
teamSchema.index({ tenantId: 1, customerId: 1 }, { unique: true });

/** One job of a project: a line of the won quote (service = task type, spec), staffed by the team. */
export interface ProjectJob {
  title: string;
  taskType: string | null;
  spec: string | null;
  quantity: number;
  unit: string | null;
  assigneeIds: Types.ObjectId[];
  taskIds: Types.ObjectId[];
}

/** The project a won or partially won opportunity becomes (003 Opportunities, issue 23.6). */
export interface Project {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  /** `<opportunityId>:<closedAt ms>`: one project per win. */
  winKey: string;
  opportunityId: Types.ObjectId;
  customerId: Types.ObjectId | null;
  quoteId: Types.ObjectId | null;
  name: string;
  outcome: 'won' | 'partially_won';
  amount: number;
  currency: string;
  status: 'open' | 'done';
  jobs: ProjectJob[];
  /** Copied from the opportunity: the project is seen by whoever may see its deal (one visibility filter). */
  ownerId: Types.ObjectId | null;
  teamId: Types.ObjectId | null;
  productId: Types.ObjectId | null;
  departmentId: Types.ObjectId | null;
  wonAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

const jobSchema = new Schema<ProjectJob>(
  { title: String, taskType: { type: String, default: null }, spec: { type: String, default: null }, quantity: { type: Number, default: 1 }, unit: { type: String, default: null }, assigneeIds: { type: [Schema.Types.ObjectId], default: [] }, taskIds: { type: [Schema.Types.ObjectId], default: [] } },
  { _id: false },
);
const projectSchema = new Schema<Project>(
  {
    winKey: { type: String, required: true },
    opportunityId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, default: null },
    quoteId: { type: Schema.Types.ObjectId, default: null },
    name: { type: String, required: true },
    outcome: { type: String, enum: ['won', 'partially_won'], required: true },
    amount: { type: Number, default: 0 },
    currency: { type: String, default: 'EUR' },
    status: { type: String, enum: ['open', 'done'], default: 'open' },
    jobs: { type: [jobSchema], default: [] },
    ownerId: { type: Schema.Types.ObjectId, default: null },
    teamId: { type: Schema.Types.ObjectId, default: null },
    productId: { type: Schema.Types.ObjectId, default: null },
    departmentId: { type: Schema.Types.ObjectId, default: null },
    wonAt: { type: Date, required: true },
  },
  { timestamps: true, versionKey: false },
);
projectSchema.plugin(tenantScoped);
projectSchema.index({ tenantId: 1, winKey: 1 }, { unique: true });
projectSchema.index({ tenantId: 1, opportunityId: 1 });
projectSchema.index({ tenantId: 1, customerId: 1 });

export function productionTeamModel(connection: Connection): Model<ProductionTeam> {
  return (connection.models.ProductionTeam as Model<ProductionTeam>) ?? connection.model<ProductionTeam>('ProductionTeam', teamSchema, 'production_teams');
}

export function projectModel(connection: Connection): Model<Project> {
  return (connection.models.Project as Model<Project>) ?? connection.model<Project>('Project', projectSchema, 'projects');
}
