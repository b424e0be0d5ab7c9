import { z } from '../../platform/http/zod.js';

const stateKey = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a lower-case key such as in_review');

export const workflowParams = z.object({ key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, 'must be a workflow key such as customer') });

export const workflowSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    initial: z.string(),
    states: z.array(z.object({ key: z.string(), label: z.string(), final: z.boolean() })),
    transitions: z.array(z.object({ from: z.string(), to: z.string(), roles: z.array(z.string()).openapi({ description: 'Role keys allowed to make the move; empty for anyone allowed to transition' }) })),
    version: z.number().int(),
    updatedAt: z.string().nullable(),
  })
  .openapi('Workflow');

export const workflowListSchema = z.object({ object: z.literal('list'), data: z.array(workflowSchema) }).openapi('WorkflowList');

export const updateWorkflowBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    initial: stateKey,
    states: z.array(z.object({ key: stateKey, label: z.string().trim().min(1).max(60), final: z.boolean().default(false) })).min(1).max(30),
    transitions: z.array(z.object({ from: stateKey, to: stateKey, roles: z.array(z.string().trim().min(1).max(40)).max(50).default([]) })).max(500),
  })
  .openapi('WorkflowUpdate');
