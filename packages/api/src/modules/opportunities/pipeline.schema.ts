import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { stageKinds } from './pipeline.model.js';

export const pipelineStageSchema = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lower-case letters, digits and _ (starting with a letter)'),
    name: z.string().trim().min(1).max(60),
    probability: z.number().int().min(0).max(100).openapi({ description: 'Default win probability (%) of deals in this stage' }),
    kind: z.enum(stageKinds).default('open').openapi({ description: 'open stages show on the board; moving into won/lost sets the outcome' }),
  })
  .openapi('PipelineStage');

const stages = z
  .array(pipelineStageSchema)
  .min(1)
  .max(30)
  .refine((list) => new Set(list.map((s) => s.key)).size === list.length, 'stage keys must be unique')
  .refine((list) => list.some((s) => s.kind === 'open'), 'needs at least one open stage');

export const createPipelineBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().max(1000).nullable().optional(),
    isDefault: z.boolean().optional().openapi({ description: 'Make this the pipeline new opportunities go to' }),
    stages,
  })
  .openapi('PipelineCreate');

export const updatePipelineBody = createPipelineBody.partial().openapi('PipelineUpdate');

export const pipelineSchema = z
  .object({
    id: objectId,
    name: z.string(),
    description: z.string().nullable(),
    isDefault: z.boolean(),
    stages: z.array(pipelineStageSchema),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Pipeline');

export const pipelineList = z.object({ object: z.literal('list'), data: z.array(pipelineSchema) }).openapi('PipelineList');
