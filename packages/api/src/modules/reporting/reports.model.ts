import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/** When a scheduled report goes out, as whom and in which file type. */
export interface ReportSchedule {
  frequency: 'daily' | 'weekly' | 'monthly';
  /** Users of the agency; each gets the report as their own visibility answers it. */
  recipientIds: Types.ObjectId[];
  format: 'csv' | 'xlsx';
}

/** A saved report definition (issue 19, item 4): what to count, how to group it, over which span. */
export interface Report {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  ownerId: Types.ObjectId;
  name: string;
  kind: string;
  measures: string[];
  dimension: string;
  period: string;
  range: string | null;
  from: string | null;
  to: string | null;
  key: string | null;
  sharedRoles: string[];
  sharedTeamIds: Types.ObjectId[];
  schedule: ReportSchedule | null;
  /** Top-level flag for the schedule job's one equality filter (FerretDB pushes down only those). */
  scheduled: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const reportSchema = new Schema<Report>(
  {
    ownerId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    kind: { type: String, required: true },
    measures: { type: [String], default: () => [] },
    dimension: { type: String, required: true },
    period: { type: String, required: true },
    range: { type: String, default: null },
    from: { type: String, default: null },
    to: { type: String, default: null },
    key: { type: String, default: null },
    sharedRoles: { type: [String], default: () => [] },
    sharedTeamIds: { type: [Schema.Types.ObjectId], default: () => [] },
    // Validated by the route's schema and replaced whole.
    schedule: { type: Schema.Types.Mixed, default: null },
    scheduled: { type: Boolean, default: false },
  },
  { timestamps: true, versionKey: 'version', minimize: false },
);
reportSchema.plugin(tenantScoped);
reportSchema.index({ tenantId: 1, ownerId: 1 });
reportSchema.index({ scheduled: 1 });

export function reportModel(connection: Connection): Model<Report> {
  return (connection.models.Report as Model<Report> | undefined) ?? connection.model<Report>('Report', reportSchema, 'reports');
}
