import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, Reply, type RouteSpec } from '../../platform/http/route.js';
import { z } from '../../platform/http/zod.js';
import { recordRoutes } from '../../platform/records/record-routes.js';
import type { RecordBase, RecordService } from '../../platform/records/record-service.js';
import { campaignMessagePreviewBody, campaignPreviewBody, campaignSchema, campaignStatsSchema, campaignTestSendBody, campaignTestSendResult, createCampaignBody, renderedCampaignMessage, createReferralCodeBody, referralCodeSchema, signupListQuery, signupSchema, statsQuery, updateCampaignBody } from './campaign.schema.js';
import type { CampaignsService } from './campaigns.service.js';

const signupList = z.object({ object: z.literal('list'), data: z.array(signupSchema), hasMore: z.boolean(), nextCursor: z.string().nullable() }).openapi('CampaignSignupList');

/** The campaign routes: the standard record set, message preview and test send, stats, referral codes and signups. */
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
      method: 'post',
      path: '/campaigns/preview',
      operationId: 'previewCampaignMessage',
      summary: 'Render a campaign message that is not saved yet, for a real recipient',
      description:
        'The message is a template (`templateId`) or a written `subject` and `body` with handlebars merge fields (`{{recipient.firstName}}`, `{{recipient.lastName}}`, `{{recipient.fullName}}`, `{{recipient.companyName}}`, `{{agency.name}}`, `{{sender.name}}`), escaped in the HTML part. The recipient (`contactId`, `leadId` or `customerId`) must be one you can see (404 otherwise). Nothing is saved or sent.',
      tags: ['Campaigns'],
      access: access.permission('campaign', 'read'),
      body: campaignMessagePreviewBody,
      success: { status: 200, description: 'The rendered subject, HTML and text', schema: renderedCampaignMessage },
      handler: ({ body, req }) => service.preview(req.principal!, null, body),
    }),
    defineRoute({
      method: 'post',
      path: '/campaigns/{id}/preview',
      operationId: 'previewCampaign',
      summary: "Render a campaign's message for a real recipient",
      description: 'Renders `message` from the body when given (the message being written), else the campaign’s saved message (400 on `message` when it has none). Nothing is saved or sent.',
      tags: ['Campaigns'],
      access: access.permission('campaign', 'read'),
      params: idParams,
      body: campaignPreviewBody,
      success: { status: 200, description: 'The rendered subject, HTML and text', schema: renderedCampaignMessage },
      handler: ({ params, body, req }) => service.preview(req.principal!, params.id, body),
    }),
    defineRoute({
      method: 'post',
      path: '/campaigns/{id}/test-send',
      operationId: 'sendCampaignTest',
      summary: 'Send a test of the campaign message to yourself',
      description:
        'Renders the message (from the body, else the campaign’s saved one) for the named recipient, or for you when none is named, and sends it through the normal mailer to the signed-in user’s own address only, subject prefixed "[Test]". Send an `Idempotency-Key`: a retry with the same key answers the first result and sends nothing again.',
      tags: ['Campaigns'],
      access: access.permission('campaign', 'read'),
      usersOnly: true,
      params: idParams,
      body: campaignTestSendBody,
      success: { status: 201, description: 'The test was handed to the mail server', schema: campaignTestSendResult },
      handler: ({ params, body, req }) => service.sendTest(req.principal!, params.id, body),
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
