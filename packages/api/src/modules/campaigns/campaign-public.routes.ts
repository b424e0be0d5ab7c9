import type { Request, RequestHandler } from 'express';
import { access, defineRoute, Reply, type RouteSpec } from '../../platform/http/route.js';
import { confirmQuery, confirmResult, engagementBody, engagementParams, engagementResult, publicCampaignSchema, publicCodeParams, signupBody, signupResult } from './campaign.schema.js';
import type { CampaignPublicService, PublicCaller } from './campaign-public.service.js';

function caller(req: Request): PublicCaller {
  return { tenantId: req.publishable!.tenantId, keyId: req.publishable!.keyId, ip: req.ip ?? '', userAgent: String(req.headers['user-agent'] ?? '').slice(0, 500) };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The widget routes under /v1/public: each behind the publishable key guard (key, allowed origin,
 * per-key and per-visitor limits); signups also behind a per-address limit per minute.
 */
export function campaignPublicRoutes(service: CampaignPublicService, guards: { publishable: RequestHandler; signupLimit: RequestHandler; confirmLimit: RequestHandler }): RouteSpec[] {
  const tags = ['Public'];
  return [
    defineRoute({
      method: 'get',
      path: '/public/campaigns/{code}',
      operationId: 'getPublicCampaign',
      summary: 'A public campaign for a widget',
      description: 'Title, period, counts and signup form of a public campaign of the key’s agency, with a signed `formToken` to send back with a signup.',
      tags,
      access: access.public,
      before: [guards.publishable],
      params: publicCodeParams,
      success: { status: 200, description: 'The campaign', schema: publicCampaignSchema },
      errors: [401, 403, 404, 429],
      handler: ({ params, req, res }) => {
        res.setHeader('Cache-Control', 'no-store');
        return service.getCampaign(caller(req), params.code);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/public/campaigns/{code}/signups',
      operationId: 'signUpPublicCampaign',
      summary: 'Sign up through a campaign form',
      description:
        'Creates or updates the contact (deduplicated by email within the agency) and a lead attributed to the campaign and the referral code’s owner; with double opt-in, only after the emailed link is followed. The answer is the same whether the address was known or not. Limited per address (PUBLIC_RATE_LIMIT_PER_MINUTE, 10 a minute by default); a form sent faster than a person fills it answers 429 with `retryAfter`.',
      tags,
      access: access.public,
      before: [guards.publishable, guards.signupLimit],
      params: publicCodeParams,
      body: signupBody,
      success: { status: 202, description: 'Received', schema: signupResult },
      errors: [401, 403, 404, 409, 429],
      handler: ({ params, body, req }) => service.signup(caller(req), params.code, body),
    }),
    defineRoute({
      method: 'post',
      path: '/public/campaigns/{code}/{kind}',
      operationId: 'engagePublicCampaign',
      summary: 'Count a view, like or enrolment (once per visitor)',
      description: '`kind` is view, like or enrol. Likes and enrolments need the campaign to be active.',
      tags,
      access: access.public,
      before: [guards.publishable],
      params: engagementParams,
      body: engagementBody,
      success: { status: 200, description: 'Whether it counted, and the counts now', schema: engagementResult },
      errors: [401, 403, 404, 409, 429],
      handler: ({ params, body, req }) => service.engage(caller(req), params.code, params.kind, body.visitorId),
    }),
    defineRoute({
      method: 'get',
      path: '/public/signup-confirmations',
      operationId: 'confirmPublicSignup',
      summary: 'Confirm a double opt-in signup (the emailed link)',
      description: 'No key: the signed token is the credential. Browsers (Accept: text/html) get a short page, or a redirect to the campaign’s redirect URL; other clients get JSON.',
      tags,
      access: access.public,
      before: [guards.confirmLimit],
      query: confirmQuery,
      success: { status: 200, description: 'Confirmed', schema: confirmResult },
      errors: [429],
      handler: async ({ query, req, res }) => {
        const result = await service.confirm(query.token, { ip: req.ip ?? '', userAgent: String(req.headers['user-agent'] ?? '').slice(0, 500) });
        if (req.accepts(['json', 'html']) !== 'html') return result;
        if (result.redirectUrl) return new Reply(303, undefined, { Location: result.redirectUrl });
        const text = escapeHtml(result.message ?? 'Thank you, your signup is confirmed.');
        res.status(200).type('html').send(`<!doctype html><html lang="en"><meta charset="utf-8"><title>Signup confirmed</title><p>${text}</p></html>`);
        return undefined;
      },
    }),
  ];
}
