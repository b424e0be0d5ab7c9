import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { ifMatchVersion } from '../../platform/records/record-routes.js';
import { webhookActions, webhookKinds } from './webhook-events.js';
import {
  createWebhookBody, deliveryListQuery, deliveryListSchema, deliveryParams, deliverySchema, eventTypesSchema, replayRangeBody, rotateBody,
  updateWebhookBody, webhookListSchema, webhookSchema, webhookWithSecretSchema,
} from './webhooks.schema.js';
import type { WebhooksService } from './webhooks.service.js';
import { z } from '../../platform/http/zod.js';

/** Webhook subscriptions, their secrets and their delivery log (admins, and anyone granted `webhook`). */
export function webhooksRoutes(service: WebhooksService): RouteSpec[] {
  const tags = ['Webhooks'];
  return [
    defineRoute({
      method: 'get', path: '/webhooks/event-types', operationId: 'listWebhookEventTypes', summary: 'The event kinds and actions a subscription can filter on', tags,
      access: access.permission('webhook', 'read'),
      success: { status: 200, description: 'Kinds and actions', schema: eventTypesSchema },
      handler: async () => ({ kinds: [...webhookKinds], actions: [...webhookActions] }),
    }),
    defineRoute({
      method: 'get', path: '/webhooks', operationId: 'listWebhooks', summary: 'List webhook subscriptions', description: 'Admins see every subscription of the agency, others their own. Never returns a secret.', tags,
      access: access.permission('webhook', 'read'),
      success: { status: 200, description: 'The subscriptions, newest first', schema: webhookListSchema },
      handler: ({ req }) => service.list(req.principal!),
    }),
    defineRoute({
      method: 'post', path: '/webhooks', operationId: 'createWebhook', summary: 'Subscribe a URL to events',
      description: 'The caller owns the subscription: it receives only records their role may see. The target must resolve to a public address (SSRF). The signing secret is in this answer only.',
      tags, access: access.permission('webhook', 'create'), usersOnly: true, body: createWebhookBody,
      success: { status: 201, description: 'The subscription with its secret, shown once', schema: webhookWithSecretSchema },
      // The answer holds the secret: a retry with the same Idempotency-Key is refused (409 with the id), never replayed.
      idempotency: 'once',
      handler: ({ body, req }) => service.create(req.principal!, body),
    }),
    defineRoute({
      method: 'get', path: '/webhooks/{id}', operationId: 'getWebhook', summary: 'Get a webhook subscription', tags,
      access: access.permission('webhook', 'read'), params: idParams,
      success: { status: 200, description: 'The subscription (no secret)', schema: webhookSchema },
      errors: [404],
      handler: ({ params, req }) => service.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'patch', path: '/webhooks/{id}', operationId: 'updateWebhook', summary: 'Change, pause or resume a webhook subscription', tags,
      access: access.permission('webhook', 'update'), params: idParams, body: updateWebhookBody, ifMatch: 'optional',
      success: { status: 200, description: 'The subscription', schema: webhookSchema },
      errors: [404],
      handler: ({ params, body, req }) => service.update(req.principal!, params.id, body, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'delete', path: '/webhooks/{id}', operationId: 'deleteWebhook', summary: 'Delete a webhook subscription', tags,
      access: access.permission('webhook', 'delete'), params: idParams,
      success: { status: 204, description: 'Deleted; pending deliveries are dropped' },
      errors: [404],
      handler: ({ params, req }) => service.remove(req.principal!, params.id),
    }),
    defineRoute({
      method: 'post', path: '/webhooks/{id}/rotate-secret', operationId: 'rotateWebhookSecret', summary: 'Rotate the signing secret',
      description: 'The new secret is in this answer only. The previous one is still signed with (a second `v1=` in Crm-Signature) for the overlap, 24 hours unless given.',
      tags, access: access.permission('webhook', 'update'), params: idParams, body: rotateBody,
      success: { status: 200, description: 'The subscription with its new secret, shown once', schema: webhookWithSecretSchema },
      errors: [404],
      idempotency: false,
      handler: ({ params, body, req }) => service.rotateSecret(req.principal!, params.id, body.overlapHours === undefined ? undefined : body.overlapHours * 3_600_000),
    }),
    defineRoute({
      method: 'post', path: '/webhooks/{id}/ping', operationId: 'pingWebhook', summary: 'Send a test event (webhook.ping)', tags,
      access: access.permission('webhook', 'update'), params: idParams,
      success: { status: 201, description: 'The delivery, queued', schema: deliverySchema },
      errors: [404],
      handler: ({ params, req }) => service.ping(req.principal!, params.id),
    }),
    defineRoute({
      method: 'get', path: '/webhooks/{id}/deliveries', operationId: 'listWebhookDeliveries', summary: 'The delivery log of a subscription', tags,
      access: access.permission('webhook', 'read'), params: idParams, query: deliveryListQuery,
      success: { status: 200, description: 'Deliveries, newest first, with their attempts', schema: deliveryListSchema },
      errors: [404],
      handler: ({ params, query, req }) => service.deliveries(req.principal!, params.id, query),
    }),
    defineRoute({
      method: 'get', path: '/webhooks/{id}/deliveries/{deliveryId}', operationId: 'getWebhookDelivery', summary: 'One delivery: the request (headers, body) and every answer', tags,
      access: access.permission('webhook', 'read'), params: deliveryParams,
      success: { status: 200, description: 'The delivery', schema: deliverySchema },
      errors: [404],
      handler: ({ params, req }) => service.delivery(req.principal!, params.id, params.deliveryId),
    }),
    defineRoute({
      method: 'post', path: '/webhooks/{id}/deliveries/{deliveryId}/replay', operationId: 'replayWebhookDelivery', summary: 'Send one delivery again (new delivery id, same event id)', tags,
      access: access.permission('webhook', 'update'), params: deliveryParams,
      success: { status: 201, description: 'The new delivery, queued', schema: deliverySchema },
      errors: [404, 409],
      handler: ({ params, req }) => service.replay(req.principal!, params.id, params.deliveryId),
    }),
    defineRoute({
      method: 'post', path: '/webhooks/{id}/replay', operationId: 'replayWebhookRange', summary: 'Send every event of a time range again, once each', tags,
      access: access.permission('webhook', 'update'), params: idParams, body: replayRangeBody,
      success: { status: 202, description: 'How many deliveries were queued', schema: z.object({ replayed: z.number().int() }).openapi('WebhookReplayResult') },
      errors: [404],
      handler: ({ params, body, req }) => service.replayRange(req.principal!, params.id, { from: new Date(body.from), to: new Date(body.to), onlyFailed: body.onlyFailed }),
    }),
  ];
}
