import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

export const stageKinds = ['open', 'won', 'lost'] as const;
export type StageKind = (typeof stageKinds)[number];

/** One column of a pipeline: opportunities in it default to its probability. */
export interface PipelineStage {
  key: string;
  name: string;
  probability: number;
  kind: StageKind;
}

/** A sales pipeline: ordered stages with default probabilities. A tenant may have several. */
export interface Pipeline {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  name: string;
  description: string | null;
  isDefault: boolean;
  stages: PipelineStage[];
  /** Changes whenever a deal of this pipeline is written: the key of its cached board (opportunities.service). */
  boardRev: string | null;
  version: number;
  createdAt?: Date;
  updatedAt?: Date;
}

const pipelineSchema = new Schema<Pipeline>(
  {
    name: { type: String, required: true, trim: true, maxlength: 100 },
    description: { type: String, default: null, maxlength: 1000 },
    isDefault: { type: Boolean, default: false },
    stages: { type: [{ _id: false, key: String, name: String, probability: Number, kind: { type: String, enum: stageKinds } }], default: [] },
    boardRev: { type: String, default: null },
  },
  { timestamps: true, versionKey: 'version' },
);
pipelineSchema.plugin(tenantScoped);
// Pipeline names are unique per tenant; this also makes the lazy default seeding safe under races.
pipelineSchema.index({ tenantId: 1, name: 1 }, { unique: true });

export function pipelineModel(connection: Connection): Model<Pipeline> {
  return (connection.models.Pipeline as Model<Pipeline>) ?? connection.model<Pipeline>('Pipeline', pipelineSchema, 'pipelines');
}

/** The pipeline every tenant starts with (seeded on first use). */
export const defaultPipeline: Pick<Pipeline, 'name' | 'description' | 'isDefault' | 'stages'> = {
  name: 'Sales pipeline',
  description: 'The default pipeline: from first contact to a signed deal',
  isDefault: true,
  stages: [
    { key: 'prospecting', name: 'Prospecting', probability: 10, kind: 'open' },
    { key: 'qualification', name: 'Qualification', probability: 25, kind: 'open' },
    { key: 'proposal', name: 'Proposal', probability: 50, kind: 'open' },
    { key: 'negotiation', name: 'Negotiation', probability: 75, kind: 'open' },
    { key: 'won', name: 'Won', probability: 100, kind: 'won' },
    { key: 'lost', name: 'Lost', probability: 0, kind: 'lost' },
  ],
};
