import type { RequestHandler } from 'express';
import type { Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { AppError } from '../../platform/errors.js';
import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { z } from '../../platform/http/zod.js';
import { PIXEL_GIF, type EmailTracking } from './email-tracking.js';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const count = z.number().int();
const rate = z.number().openapi({ description: 'A share from 0 to 1, four decimals' });
/** The answer of GET /campaigns/{id}/email-analytics. */
export const campaignEmailAnalyticsSchema = z
  .object({
    object: z.literal('campaign_email_analytics'),
    campaignId: z.string(),
    sent: count.openapi({ description: 'Messages the mail server accepted' }),
    delivered: count.openapi({ description: 'Sent minus bounced' }),
    opened: count.openapi({ description: 'Deliveries opened at least once (the pixel, or a click)' }),
    opens: count.openapi({ description: 'Every fetch of the pixel' }),
    clicked: count.openapi({ description: 'Deliveries with at least one click' }),
    clicks: count.openapi({ description: 'Every click' }),
    bounced: count.openapi({ description: 'Deliveries a delivery status notification reported failed' }),
    bouncedHard: count.openapi({ description: 'Bounces with a permanent status (5.x.x); their addresses are suppressed' }),
    replied: count,
    unsubscribed: count,
    rates: z.object({ delivered: rate, opened: rate, clicked: rate, clickToOpen: rate, bounced: rate, replied: rate, unsubscribed: rate }),
    links: z.array(z.object({ url: z.string(), clicked: count.openapi({ description: 'Deliveries that clicked this link' }) })),
  })
  .openapi('CampaignEmailAnalytics');

const tokenParams = z.object({ token: z.string().min(10).max(600) });

/**
 * The public tracking routes (`/v1/t/o/{token}` the pixel, `/v1/t/c/{token}` the signed click redirect),
 * rate limited before anything else, and the analytics of a campaign for those who may read it.
 */
export function emailTrackingRoutes(tracking: EmailTracking, deps: { limit: RequestHandler; campaignVisible: (principal: Principal, id: string) => Promise<{ _id: Types.ObjectId }> }): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path: '/t/o/{token}', operationId: 'trackEmailOpen', summary: 'The open-tracking pixel of a campaign email (a 1x1 GIF, whatever the token)', tags: ['Tracking'],
      access: access.public, params: tokenParams, before: [deps.limit],
      success: { status: 200, description: 'A 1x1 transparent GIF', mediaType: 'image/gif' },
      handler: async ({ params, res }) => {
        await tracking.open(params.token);
        res.status(200).set({ 'Content-Type': 'image/gif', 'Cache-Control': 'no-store, max-age=0', 'Content-Length': String(PIXEL_GIF.length) }).end(PIXEL_GIF);
      },
    }),
    defineRoute({
      method: 'get', path: '/t/c/{token}', operationId: 'trackEmailClick', summary: 'A signed click link of a campaign email: a page that forwards at once to the link the message had; any other token is 404 and forwards nowhere', tags: ['Tracking'],
      description: 'Answers 200 with a `Refresh: 0; url=…` header and a page with the link (no script), so the reader lands on the original URL. The URL comes only from the links stored when the message was rendered, never from the request.',
      access: access.public, params: tokenParams, before: [deps.limit],
      success: { status: 200, description: 'A page forwarding to the link of the message', mediaType: 'text/html' },
      handler: async ({ params, res }) => {
        const url = await tracking.click(params.token);
        if (!url) throw new AppError('not_found', 'This link is not valid');
        const safe = escapeHtml(url);
        res
          .status(200)
          .set({ Refresh: `0; url=${url}`, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'Content-Security-Policy': "default-src 'none'" })
          .type('html')
          .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=${safe}"><title>Opening link</title></head><body><p><a href="${safe}">Continue to ${safe}</a></p></body></html>`);
      },
    }),
    defineRoute({
      method: 'get', path: '/campaigns/{id}/email-analytics', operationId: 'getCampaignEmailAnalytics', summary: "A campaign's email analytics: sent, delivered, opened, clicked (per link), bounced, replied, unsubscribed, with rates",
      description: 'Counted from the sends that name the campaign (`campaignId` on a greeting). Opens and clicks are counted only for sends with `tracking: true`. From counters kept on write: constant time whatever the number of recipients.',
      tags: ['Campaigns'], access: access.permission('campaign', 'read'), params: idParams,
      success: { status: 200, description: 'The numbers', schema: campaignEmailAnalyticsSchema },
      handler: async ({ params, req }) => {
        const campaign = await deps.campaignVisible(req.principal!, params.id);
        return tracking.analytics(req.principal!.tenantId, campaign._id);
      },
    }),
  ];
}
