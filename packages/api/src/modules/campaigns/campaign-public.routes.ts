import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../../platform/errors.js';
import { access, defineRoute, Reply, type RouteSpec } from '../../platform/http/route.js';
import { confirmQuery, confirmResult, engagementBody, engagementParams, engagementResult, publicCampaignSchema, publicCodeParams, signupBody, signupResult } from './campaign.schema.js';
import type { CampaignPublicService, PublicCaller } from './campaign-public.service.js';
import { confirmationPagePolicy, renderConfirmationPage } from './campaign-confirmation-page.js';

function caller(req: Request): PublicCaller {
  return { tenantId: req.publishable!.tenantId, keyId: req.publishable!.keyId, ip: req.ip ?? '', userAgent: String(req.headers['user-agent'] ?? '').slice(0, 500) };
}

/** Sends the confirmation page under its own policy (only its hashed style may apply). */
function sendPage(res: Response, status: number, html: string): void {
  res.status(status).set({ 'Content-Security-Policy': confirmationPagePolicy, 'Cache-Control': 'no-store' }).type('html').send(html);
}

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
        const client = { ip: req.ip ?? '', userAgent: String(req.headers['user-agent'] ?? '').slice(0, 500) };
        if (req.accepts(['json', 'html']) !== 'html') return service.confirm(query.token, client);
        // A browser gets a page in the agency's brand (or the campaign's redirect), also when the link failed.
        let result;
        try {
          result = await service.confirm(query.token, client);
        } catch (error) {
          if (!(error instanceof AppError) || error.status !== 400) throw error;
          const brand = await service.confirmationBrand(query.token);
          const reason = error.errors?.[0] ? `${error.errors[0].field === 'token' ? 'The link' : error.errors[0].field} ${error.errors[0].message}` : error.message;
          sendPage(res, 400, renderConfirmationPage({ agencyName: null, campaignTitle: null, locale: 'en', ...brand, message: null, failed: true, reason }));
          return undefined;
        }
        if (result.redirectUrl) return new Reply(303, undefined, { Location: result.redirectUrl });
        const brand = await service.confirmationBrand(query.token);
        sendPage(res, 200, renderConfirmationPage({ agencyName: null, campaignTitle: null, locale: 'en', ...brand, message: result.message }));
        return undefined;
      },
    }),
  ];
}
