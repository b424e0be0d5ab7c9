import express, { type RequestHandler } from 'express';
import { idParams, listOf, objectId, pageQuery } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { z } from '../../platform/http/zod.js';
import { AppError } from '../../platform/errors.js';
import type { GreetingsService } from './greetings.service.js';
import { channels, sendStates } from './messaging.model.js';
import type { SubscriptionsService } from './subscriptions.service.js';
import type { SendHooks } from './send-hooks.js';
import type { UnsubscribeTokens } from './unsubscribe.js';

const subscriptionsSchema = z
  .object({
    email: z.string().nullable(),
    suppressed: z.boolean(),
    subscriptions: z.array(z.object({ category: z.string(), channel: z.enum(channels), subscribed: z.boolean(), source: z.string(), updatedAt: z.string() })),
  })
  .openapi('Subscriptions');
const subscriptionBody = z
  .object({ category: z.string().regex(/^[a-z][a-zA-Z0-9_-]{0,40}$/, 'a category key such as greeting or marketing'), channel: z.enum(channels), subscribed: z.boolean() })
  .openapi('SubscriptionChange');
const progressSchema = z
  .object({
    sendId: z.string(),
    state: z.enum(sendStates),
    total: z.number().int(),
    sent: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
    uncertain: z.number().int().openapi({ description: 'Messages whose worker stopped mid-send: the mail server may or may not have them. Never sent again unless you resend them.' }),
    pending: z.number().int(),
  })
  .openapi('SendProgress');
const uncertainSchema = z
  .object({
    recipientType: z.enum(['contact', 'customer']),
    recipientId: z.string(),
    email: z.string().nullable(),
    attempts: z.number().int(),
    messageId: z.string().nullable().openapi({ description: 'The Message-ID every attempt at this message carries' }),
    lastAttemptAt: z.string().nullable(),
    reason: z.string().nullable(),
  })
  .openapi('UncertainDelivery');

const greetingSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    templateId: z.string(),
    category: z.string(),
    targets: z.object({ segmentId: z.string().nullable(), contactIds: z.array(z.string()), customerIds: z.array(z.string()) }),
    sendAt: z.string(),
    timeZone: z.string(),
    fromUser: z.boolean(),
    campaignId: z.string().nullable(),
    tracking: z.boolean(),
    createdBy: z.string(),
    progress: progressSchema,
    startedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Greeting');
const resendResultSchema = z
  .object({ requeued: z.number().int().openapi({ description: 'Messages queued again by this request (0 when an earlier request already did)' }), greeting: greetingSchema })
  .openapi('ResendUncertainResult');
const greetingBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    templateId: objectId,
    targets: z.object({ segmentId: objectId.optional(), contactIds: z.array(objectId).max(50_000).optional(), customerIds: z.array(objectId).max(50_000).optional() }),
    sendAt: z.string().max(40).openapi({ description: "A local date and time in the agency's time zone (2026-12-24T09:00), or an ISO instant with Z or an offset", example: '2026-12-24T09:00' }),
    fromUser: z.boolean().optional().openapi({ description: "Send from the creator's own mailbox (their mail settings) instead of the agency's" }),
    campaignId: objectId.optional().openapi({ description: "The campaign this send counts into: its email analytics (GET /v1/campaigns/{id}/email-analytics) add this send's sent, opened, clicked, bounced, replied and unsubscribed" }),
    tracking: z.boolean().optional().openapi({ description: 'Track opens (a 1x1 pixel) and clicks (links rewritten to signed redirects); off by default. Bounces, replies and unsubscribes are counted either way' }),
  })
  .openapi('CreateGreeting');
const suppressionSchema = z.object({ email: z.string(), reason: z.string(), createdAt: z.string().optional() }).openapi('Suppression');
const tokenParams = z.object({ token: z.string().min(10).max(400) });

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body style="font-family:system-ui;max-width:32rem;margin:3rem auto">${body}</body></html>`;

/** Subscriptions (staff), suppression list (admins), greetings (admins) and the public unsubscribe link. */
export function messagingRoutes(deps: { subscriptions: SubscriptionsService; greetings: GreetingsService; tokens: UnsubscribeTokens; unsubscribeLimit: RequestHandler; hooks?: SendHooks }): RouteSpec[] {
  const { subscriptions, greetings, tokens } = deps;
  const routes: RouteSpec[] = [];
  for (const type of ['contact', 'customer'] as const) {
    const plural = `${type}s`;
    const tag = type === 'contact' ? 'Contacts' : 'Customers';
    routes.push(
      defineRoute({
        method: 'get', path: `/${plural}/{id}/subscriptions`, operationId: `get${tag.slice(0, -1)}Subscriptions`, summary: `What messages a ${type} receives, per category and channel`, tags: [tag],
        access: access.permission(type, 'read'), params: idParams,
        success: { status: 200, description: 'Explicit choices (anything absent is subscribed) and whether the address is suppressed', schema: subscriptionsSchema },
        handler: ({ params, req }) => subscriptions.list(req.principal!, type, params.id),
      }),
      defineRoute({
        method: 'put', path: `/${plural}/{id}/subscriptions`, operationId: `set${tag.slice(0, -1)}Subscription`, summary: `Subscribe or unsubscribe a ${type} from a category on a channel`, tags: [tag],
        access: access.permission(type, 'update'), params: idParams, body: subscriptionBody,
        success: { status: 200, description: 'The subscriptions after the change', schema: subscriptionsSchema },
        handler: ({ params, body, req }) => subscriptions.update(req.principal!, type, params.id, body),
      }),
    );
  }
  const unsubscribe = async (token: string) => {
    const claim = tokens.read(token);
    if (!claim) throw new AppError('not_found', 'This unsubscribe link is not valid');
    await subscriptions.unsubscribe(claim);
    return claim;
  };
  routes.push(
    defineRoute({
      method: 'get', path: '/unsubscribe/{token}', operationId: 'unsubscribePage', summary: 'The page an unsubscribe link opens (a button; a GET changes nothing, so link scanners cannot unsubscribe anyone)', tags: ['Unsubscribe'],
      access: access.public, params: tokenParams, before: [deps.unsubscribeLimit],
      success: { status: 200, description: 'An HTML page', mediaType: 'text/html' },
      handler: async ({ params, res }) => {
        if (!tokens.read(params.token)) throw new AppError('not_found', 'This unsubscribe link is not valid');
        res.status(200).type('html').set('Cache-Control', 'no-store').send(page('Unsubscribe', `<h1>Unsubscribe</h1><p>Stop receiving these emails?</p><form method="post"><button type="submit" name="List-Unsubscribe" value="One-Click">Unsubscribe</button></form>`));
      },
    }),
    defineRoute({
      method: 'post', path: '/unsubscribe/{token}', operationId: 'unsubscribe', summary: 'One-click unsubscribe (RFC 8058); no sign-in, the token is signed', tags: ['Unsubscribe'],
      access: access.public, params: tokenParams, query: z.object({ d: z.string().max(400).optional().openapi({ description: 'The campaign delivery the link was sent in (signed; counts the unsubscribe in its campaign analytics)' }) }),
      before: [deps.unsubscribeLimit, express.urlencoded({ extended: false, limit: '2kb' })],
      success: {
        status: 200,
        description: 'Unsubscribed (this JSON for API clients, a page for browsers)',
        mediaType: 'text/html',
        schema: z.object({ unsubscribed: z.literal(true), category: z.string(), channel: z.literal('email') }).openapi('UnsubscribeResult'),
      },
      handler: async ({ params, query, req, res }) => {
        const claim = await unsubscribe(params.token);
        if (query.d && deps.hooks?.onUnsubscribed) await deps.hooks.onUnsubscribed(query.d);
        if (req.accepts(['json', 'html']) === 'html' && !req.is('application/json')) {
          res.status(200).type('html').set('Cache-Control', 'no-store').send(page('Unsubscribed', `<h1>Done</h1><p>You will not receive these emails any more.</p>`));
          return;
        }
        res.status(200).json({ unsubscribed: true, category: claim.category, channel: 'email' });
      },
    }),
    defineRoute({
      method: 'get', path: '/suppressions', operationId: 'listSuppressions', summary: "The agency's suppression list (never emailed)", tags: ['Messaging'],
      access: access.permission('notification', 'read'), query: pageQuery,
      success: { status: 200, description: 'Suppressed addresses, newest first', schema: listOf(suppressionSchema, 'SuppressionList') },
      handler: ({ query, req }) => subscriptions.suppressions.list(req.principal!, query),
    }),
    defineRoute({
      method: 'post', path: '/suppressions', operationId: 'addSuppression', summary: 'Never email an address again', tags: ['Messaging'],
      access: access.permission('notification', 'create'), body: z.object({ email: z.email(), reason: z.string().max(200).default('manual') }),
      success: { status: 201, description: 'Suppressed', schema: suppressionSchema },
      handler: ({ body, req }) => subscriptions.suppressions.add(req.principal!, body.email, body.reason),
    }),
    defineRoute({
      method: 'delete', path: '/suppressions/{email}', operationId: 'removeSuppression', summary: 'Allow an address again', tags: ['Messaging'],
      access: access.permission('notification', 'delete'), params: z.object({ email: z.email() }),
      success: { status: 204, description: 'Removed' },
      handler: ({ params, req }) => subscriptions.suppressions.remove(req.principal!, params.email),
    }),
    defineRoute({
      method: 'get', path: '/greetings', operationId: 'listGreetings', summary: 'List greetings with their progress', tags: ['Messaging'],
      access: access.permission('notification', 'read'), query: pageQuery,
      success: { status: 200, description: 'Greetings, newest first', schema: listOf(greetingSchema, 'GreetingList') },
      handler: ({ query, req }) => greetings.list(req.principal!, query),
    }),
    defineRoute({
      method: 'post', path: '/greetings', operationId: 'createGreeting', summary: 'Schedule a greeting to contacts and customers', tags: ['Messaging'],
      description: 'Sent at `sendAt` (agency time zone) to every target subscribed to the template category on email, exactly once per recipient. Targets are listed contacts and customers and/or a saved segment, taken as the members you may see when the greeting is scheduled (at most 50,000). Progress is pushed live as `send.progress` on the realtime socket.',
      access: access.permission('notification', 'create'), body: greetingBody,
      success: { status: 201, description: 'The scheduled greeting', schema: greetingSchema },
      handler: ({ body, req }) => greetings.create(req.principal!, body),
    }),
    defineRoute({
      method: 'get', path: '/greetings/{id}', operationId: 'getGreeting', summary: 'A greeting and the progress of its send', tags: ['Messaging'],
      access: access.permission('notification', 'read'), params: idParams,
      success: { status: 200, description: 'The greeting', schema: greetingSchema },
      handler: ({ params, req }) => greetings.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'get', path: '/greetings/{id}/uncertain', operationId: 'listUncertainGreetingDeliveries', summary: 'Recipients whose message is uncertain after a crash', tags: ['Messaging'],
      description: 'A message is `uncertain` when the worker sending it stopped (crash, kill, lost lease) after claiming it and before recording the mail server\'s answer: the server may or may not have it. Uncertain messages are never sent again on their own; see `POST /v1/greetings/{id}/resend-uncertain`.',
      access: access.permission('notification', 'read'), params: idParams, query: pageQuery,
      success: { status: 200, description: 'Uncertain deliveries of the greeting', schema: listOf(uncertainSchema, 'UncertainDeliveryList') },
      handler: ({ params, query, req }) => greetings.uncertain(req.principal!, params.id, query),
    }),
    defineRoute({
      method: 'post', path: '/greetings/{id}/resend-uncertain', operationId: 'resendUncertainGreetingDeliveries', summary: 'Send the uncertain messages of a greeting again', tags: ['Messaging'],
      description: 'Queues every uncertain message of the greeting once more (same Message-ID) and resumes its send. Idempotent: each uncertain message is queued at most once, however often this is called; a repeat answers `requeued: 0`. In production, answers 409 when no SMTP server is configured.',
      access: access.permission('notification', 'update'), params: idParams, errors: [409],
      success: { status: 200, description: 'How many messages were queued again, and the greeting', schema: resendResultSchema },
      handler: ({ params, req }) => greetings.resendUncertain(req.principal!, params.id),
    }),
    defineRoute({
      method: 'post', path: '/greetings/{id}/cancel', operationId: 'cancelGreeting', summary: 'Cancel a greeting that has not started', tags: ['Messaging'],
      access: access.permission('notification', 'update'), params: idParams, errors: [409],
      success: { status: 200, description: 'The canceled greeting', schema: greetingSchema },
      handler: ({ params, req }) => greetings.cancel(req.principal!, params.id),
    }),
  );
  return routes;
}
