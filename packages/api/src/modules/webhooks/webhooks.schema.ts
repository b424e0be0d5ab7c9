import { listOf, objectId, pageQuery } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { webhookActions, webhookKinds } from './webhook-events.js';

const kinds = z.array(z.string().max(40)).min(1).max(20).openapi({ description: `Record kinds to receive: ${webhookKinds.join(', ')}` });
const actions = z
  .array(z.string().regex(/^[a-z_]{1,40}$/, 'lower-case letters and _ only'))
  .max(20)
  .openapi({ description: `Actions to receive (${webhookActions.join(', ')}); empty or left out means every action` });

export const createWebhookBody = z
  .object({
    url: z.string().max(2000).openapi({ description: 'The receiver: http(s), resolving to a public address unless the operator allows private ones' }),
    description: z.string().max(500).optional(),
    kinds,
    actions: actions.optional(),
    active: z.boolean().optional(),
  })
  .openapi('WebhookSubscriptionInput');

export const updateWebhookBody = z
  .object({
    url: z.string().max(2000).optional(),
    description: z.string().max(500).optional(),
    kinds: kinds.optional(),
    actions: actions.optional(),
    active: z.boolean().optional().openapi({ description: 'false pauses deliveries (they wait); true resumes and sends what waited' }),
  })
  .openapi('WebhookSubscriptionUpdate');

export const webhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string(),
    kinds: z.array(z.string()),
    actions: z.array(z.string()),
    active: z.boolean(),
    ownerId: z.string().openapi({ description: 'The creator: deliveries carry only records this user may see' }),
    failedEventsInARow: z.number().int(),
    disabledReason: z.string().nullable().openapi({ description: 'Why it was turned off automatically, if it was' }),
    disabledAt: z.string().nullable(),
    previousSecretExpiresAt: z.string().nullable().openapi({ description: 'During a rotation: until when the previous secret is still signed with' }),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('WebhookSubscription');

export const webhookWithSecretSchema = webhookSchema
  .extend({ secret: z.string().openapi({ description: 'The signing secret (`whsec_...`), shown in this answer only' }) })
  .openapi('WebhookSubscriptionWithSecret');

export const webhookListSchema = listOf(webhookSchema, 'WebhookSubscriptionList');

const attemptSchema = z
  .object({
    n: z.number().int(),
    at: z.string(),
    url: z.string(),
    requestHeaders: z.record(z.string(), z.string()),
    status: z.number().int().nullable(),
    responseBody: z.string().openapi({ description: 'The first 4 KB of the answer' }),
    durationMs: z.number(),
    error: z.string().nullable(),
  })
  .openapi('WebhookAttempt');

export const deliverySchema = z
  .object({
    id: z.string(),
    subscriptionId: z.string(),
    eventId: z.string().openapi({ description: 'The same for every delivery of one event (replays included): dedupe by it' }),
    eventType: z.string(),
    resource: z.string(),
    resourceId: z.string().nullable(),
    state: z.enum(['pending', 'succeeded', 'failed', 'skipped']),
    attemptCount: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    replayOf: z.string().nullable(),
    skippedReason: z.string().nullable(),
    lastStatus: z.number().int().nullable(),
    attempts: z.array(attemptSchema),
    body: z.string().optional().openapi({ description: 'The request body exactly as signed (in the detail, not in lists)' }),
    createdAt: z.string(),
  })
  .openapi('WebhookDelivery');

export const deliveryListSchema = listOf(deliverySchema, 'WebhookDeliveryList');

export const deliveryListQuery = pageQuery.extend({ state: z.enum(['pending', 'succeeded', 'failed', 'skipped']).optional() });

export const deliveryParams = z.object({ id: objectId, deliveryId: objectId });

export const replayRangeBody = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    onlyFailed: z.boolean().optional().openapi({ description: 'Replay only events whose delivery failed' }),
  })
  .openapi('WebhookReplayRange');

export const rotateBody = z
  .object({ overlapHours: z.number().min(0).max(168).optional().openapi({ description: 'How long the previous secret stays valid (default 24; 0 ends it now)' }) })
  .openapi('WebhookRotateSecret');

export const eventTypesSchema = z
  .object({ kinds: z.array(z.string()), actions: z.array(z.string()) })
  .openapi('WebhookEventTypes');
