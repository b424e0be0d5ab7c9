import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, Reply, type RouteSpec } from '../../platform/http/route.js';
import { z } from '../../platform/http/zod.js';
import { recordRoutes } from '../../platform/records/record-routes.js';
import type { RecordBase, RecordService } from '../../platform/records/record-service.js';
import { campaignSchema, campaignStatsSchema, createCampaignBody, createReferralCodeBody, referralCodeSchema, signupListQuery, signupSchema, statsQuery, updateCampaignBody } from './campaign.schema.js';
import type { CampaignsService } from './campaigns.service.js';

const signupList = z.object({ object: z.literal('list'), data: z.array(signupSchema), hasMore: z.boolean(), nextCursor: z.string().nullable() }).openapi('CampaignSignupList');

/** The campaign routes: the standard record set, stats, referral codes and signups. */
export function campaignRoutes(service: CampaignsService): RouteSpec[] {
  return [
    ...recordRoutes({
      service: service as unknown as RecordService<RecordBase>,
      path: '/campaigns',
      tag: 'Campaigns',
      singular: 'campaign',
      plural: 'campaigns',
      dto: campaignSchema,
      create: createCampaignBody,
      update: updateCampaignBody,
    }),
    defineRoute({
      method: 'get',
      path: '/campaigns/{id}/stats',
      operationId: 'getCampaignStats',
      summary: "A campaign's engagement, leads, conversions, revenue won and ROI",
      description: 'Views, likes and enrolments count once per visitor. Conversions and revenue won come from the opportunities of the campaign closed won or partially won. ROI is (revenue won − cost) / cost.',
      tags: ['Campaigns'],
      access: access.permission('campaign', 'read'),
      params: idParams,
      query: statsQuery,
      success: { status: 200, description: 'The stats with a daily series', schema: campaignStatsSchema },
      handler: ({ params, query, req }) => service.stats(req.principal!, params.id, query),
    }),
    defineRoute({
      method: 'post',
      path: '/campaigns/{id}/referral-codes',
      operationId: 'createCampaignReferralCode',
      summary: 'Get your own referral code for a campaign',
      description: 'Turns the campaign’s signup form into your referral campaign: signups through the code are attributed to you. One code per person and campaign; asking again answers 200 with the same code.',
      tags: ['Campaigns'],
      access: access.permission('campaign', 'read'),
      usersOnly: true,
      params: idParams,
      body: createReferralCodeBody,
      success: { status: 201, description: 'Your new code', schema: referralCodeSchema },
      errors: [403, 409],
      handler: async ({ params, body, req }) => {
        const result = await service.createReferralCode(req.principal!, params.id, body);
        return result.created ? result.code : new Reply(200, result.code);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/campaigns/{id}/referral-codes',
      operationId: 'listCampaignReferralCodes',
      summary: "A campaign's referral codes",
      description: 'Yours; an admin sees everyone’s.',
      tags: ['Campaigns'],
      access: access.permission('campaign', 'read'),
      params: idParams,
      success: { status: 200, description: 'The codes', schema: z.object({ object: z.literal('list'), data: z.array(referralCodeSchema) }).openapi('CampaignReferralCodeList') },
      handler: ({ params, req }) => service.listReferralCodes(req.principal!, params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/campaigns/{id}/signups',
      operationId: 'listCampaignSignups',
      summary: "A campaign's signups",
      description: 'By default the signups you referred; `referrer=any` lists all (needs update access to the campaign).',
      tags: ['Campaigns'],
      access: access.permission('campaign', 'read'),
      params: idParams,
      query: signupListQuery,
      success: { status: 200, description: 'Newest first', schema: signupList },
      handler: ({ params, query, req }) => service.listSignups(req.principal!, params.id, query),
    }),
    defineRoute({
      method: 'get',
      path: '/referral-signups',
      operationId: 'listMyReferralSignups',
      summary: 'The signups you referred, across campaigns',
      tags: ['Campaigns'],
      access: access.permission('campaign', 'read'),
      query: signupListQuery.omit({ referrer: true }),
      success: { status: 200, description: 'Newest first', schema: signupList },
      handler: ({ query, req }) => service.listSignups(req.principal!, null, { ...query, referrer: 'me' }),
    }),
  ];
}
