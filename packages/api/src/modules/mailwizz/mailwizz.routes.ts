import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { campaignParams, mailwizzCampaign, mailwizzCampaignInput, mailwizzCampaignList, mailwizzSettings, mailwizzSettingsInput, mailwizzSync, mailwizzSyncList, mailwizzTestResult, segmentParams, unsubscribePullResult } from './mailwizz.schema.js';
import type { MailwizzService } from './mailwizz.service.js';

/** The Mailwizz connection: settings (admins), segment syncs, campaigns and their statistics. */
export function mailwizzRoutes(service: MailwizzService): RouteSpec[] {
  const tags = ['Mailwizz'];
  const admin = access.permission('tenant', 'update');
  const marketer = access.permission('campaign', 'create');
  return [
    defineRoute({
      method: 'get', path: '/mailwizz/settings', operationId: 'getMailwizzSettings', summary: 'Get the Mailwizz connection (keys only as set and their last 4 characters)', tags, access: admin,
      success: { status: 200, description: 'The connection', schema: mailwizzSettings }, errors: [404],
      handler: ({ req }) => service.getSettings(req.principal!),
    }),
    defineRoute({
      method: 'put', path: '/mailwizz/settings', operationId: 'putMailwizzSettings', summary: 'Connect Mailwizz 1.9 (API URL, public and private key; keys are stored encrypted)', tags, access: admin, body: mailwizzSettingsInput,
      success: { status: 200, description: 'The connection', schema: mailwizzSettings },
      handler: ({ req, body }) => service.putSettings(req.principal!, body),
    }),
    defineRoute({
      method: 'delete', path: '/mailwizz/settings', operationId: 'deleteMailwizzSettings', summary: 'Disconnect Mailwizz', tags, access: admin,
      success: { status: 204, description: 'Removed' }, errors: [404],
      handler: ({ req }) => service.deleteSettings(req.principal!),
    }),
    defineRoute({
      method: 'post', path: '/mailwizz/settings/test', operationId: 'testMailwizzConnection', summary: 'Test the Mailwizz connection with the stored keys', tags, access: admin,
      description: 'Calls Mailwizz `GET /lists`; answers `ok: false` with what Mailwizz said when it refuses the keys or does not answer.',
      success: { status: 200, description: 'The result', schema: mailwizzTestResult }, errors: [409], idempotency: false,
      handler: ({ req }) => service.testConnection(req.principal!),
    }),
    defineRoute({
      method: 'get', path: '/mailwizz/syncs', operationId: 'listMailwizzSyncs', summary: 'Segments pushed to Mailwizz and the state of their last sync', tags, access: marketer,
      success: { status: 200, description: 'The syncs', schema: mailwizzSyncList },
      handler: ({ req }) => service.listSyncs(req.principal!),
    }),
    defineRoute({
      method: 'get', path: '/mailwizz/syncs/{segmentId}', operationId: 'getMailwizzSync', summary: "A segment's sync and its progress", tags, access: marketer, params: segmentParams,
      success: { status: 200, description: 'The sync', schema: mailwizzSync }, errors: [404],
      handler: ({ req, params }) => service.getSync(req.principal!, params.segmentId),
    }),
    defineRoute({
      method: 'post', path: '/mailwizz/syncs/{segmentId}', operationId: 'startMailwizzSync', summary: 'Push a segment of contacts to its Mailwizz list now (a background job)', tags, access: marketer, params: segmentParams,
      description: 'Only members with marketing consent who have not opted out are pushed; a second run sends only what changed. Safe to repeat: one job per segment.',
      success: { status: 202, description: 'Queued', schema: mailwizzSync }, errors: [404, 409], idempotency: false,
      handler: ({ req, params }) => service.startSync(req.principal!, params.segmentId),
    }),
    defineRoute({
      method: 'post', path: '/mailwizz/unsubscribes/pull', operationId: 'pullMailwizzUnsubscribes', summary: "Mark the contacts who unsubscribed in Mailwizz as unsubscribed now (also hourly)", tags, access: marketer,
      success: { status: 200, description: 'How many contacts were marked', schema: unsubscribePullResult }, errors: [409], idempotency: false,
      handler: ({ req }) => service.pullUnsubscribesNow(req.principal!),
    }),
    defineRoute({
      method: 'get', path: '/mailwizz/campaigns', operationId: 'listMailwizzCampaigns', summary: 'CRM campaigns sent through Mailwizz, with their statistics', tags, access: marketer,
      success: { status: 200, description: 'The campaigns', schema: mailwizzCampaignList },
      handler: ({ req }) => service.listCampaigns(req.principal!),
    }),
    defineRoute({
      method: 'post', path: '/mailwizz/campaigns', operationId: 'createMailwizzCampaign', summary: 'Create and schedule a Mailwizz campaign for a pushed segment (recorded as a CRM campaign)', tags, access: marketer, body: mailwizzCampaignInput,
      success: { status: 201, description: 'Created in Mailwizz and the CRM', schema: mailwizzCampaign }, errors: [409],
      handler: ({ req, body }) => service.createCampaign(req.principal!, { ...body, sendAt: body.sendAt ? new Date(body.sendAt) : undefined }),
    }),
    defineRoute({
      method: 'get', path: '/mailwizz/campaigns/{campaignId}', operationId: 'getMailwizzCampaign', summary: "A Mailwizz campaign and its last statistics", tags, access: marketer, params: campaignParams,
      success: { status: 200, description: 'The campaign', schema: mailwizzCampaign }, errors: [404],
      handler: ({ req, params }) => service.getCampaign(req.principal!, params.campaignId),
    }),
    defineRoute({
      method: 'post', path: '/mailwizz/campaigns/{campaignId}/stats', operationId: 'refreshMailwizzCampaignStats', summary: "Pull a campaign's statistics from Mailwizz now (also hourly)", tags, access: marketer, params: campaignParams,
      success: { status: 200, description: 'The campaign with fresh statistics', schema: mailwizzCampaign }, errors: [404, 409], idempotency: false,
      handler: ({ req, params }) => service.refreshStats(req.principal!, params.campaignId),
    }),
  ];
}
