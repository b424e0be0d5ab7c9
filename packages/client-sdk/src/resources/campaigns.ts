import type { OperationQuery, Schema } from '../core/api-types.js';
import { WorkflowRecordResource } from '../core/crud-resource.js';
import { path } from '../core/path.js';
import type { ListParams } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';
import type { QueryParams } from '../internal/query.js';

/** A marketing or sales campaign. */
export type Campaign = Schema<'Campaign'>;
/** The body of `crm.campaigns.create`. */
export type CampaignCreateParams = Schema<'CampaignCreate'>;
/** The body of `crm.campaigns.update`: only the fields sent change. */
export type CampaignUpdateParams = Schema<'CampaignUpdate'>;
/** What a campaign sends: `{ templateId }`, or a written `{ subject, body }` with merge fields. */
export type CampaignMessageParams = Schema<'CampaignMessageInput'>;
/** Who a campaign goes to: a segment, or listed contacts, leads and customers. */
export type CampaignAudienceParams = Schema<'CampaignAudienceInput'>;
/** The body of `crm.campaigns.preview`: one recipient (contact, lead or customer) and, optionally, the message being written. */
export type CampaignPreviewParams = Schema<'CampaignPreview'>;
/** The body of `crm.campaigns.previewMessage`: one recipient and the message (no campaign saved yet). */
export type CampaignMessagePreviewParams = Schema<'CampaignMessagePreview'>;
/** A campaign message rendered for one recipient: subject, HTML, text and who it was rendered for. */
export type RenderedCampaignMessage = Schema<'RenderedCampaignMessage'>;
/** The body of `crm.campaigns.sendTest`: optionally a recipient to render for and the message being written. */
export type CampaignTestSendParams = Schema<'CampaignTestSend'>;
/** Where a test went (always your own address) and its subject. */
export type CampaignTestSendResult = Schema<'CampaignTestSendResult'>;
/** The query of `crm.campaigns.list`. */
export type CampaignListParams = OperationQuery<'listCampaigns'> & ListParams;
/** The query of `crm.campaigns.export`. */
export type CampaignExportParams = OperationQuery<'exportCampaigns'> & QueryParams;
/** Engagement, leads, conversions, revenue won and ROI of a campaign, with a daily series. */
export type CampaignStats = Schema<'CampaignStats'>;
export type CampaignEmailAnalytics = Schema<'CampaignEmailAnalytics'>;
/** One campaign that reached a person and what they did with it (`crm.contacts.campaignEngagement`, `crm.leads.campaignEngagement`). */
export type CampaignEngagement = Schema<'CampaignEngagement'>;
/** The campaigns that reached a person, newest first. */
export type CampaignEngagementList = Schema<'CampaignEngagementList'>;
/** A sales person's referral code for a campaign. */
export type CampaignReferralCode = Schema<'CampaignReferralCode'>;
/** One signup through a campaign form. */
export type CampaignSignup = Schema<'CampaignSignup'>;
/** A page of signups. */
export type CampaignSignupList = Schema<'CampaignSignupList'>;

/**
 * Campaigns (`Campaigns`, for a signed-in client): the standard record routes, message preview and
 * test send, stats, referral codes and signups.
 *
 * @example const { code } = await campaigns.createReferralCode(campaign.id);
 */
export class Campaigns extends WorkflowRecordResource<Campaign, CampaignCreateParams, CampaignUpdateParams, CampaignListParams, CampaignExportParams> {
  protected readonly resource = 'campaigns';

  /**
   * Renders the campaign's message for one real recipient you can see (`contactId`, `leadId` or
   * `customerId`); pass `message` to preview what is being written instead of the saved message.
   */
  preview(id: string, params: CampaignPreviewParams, options?: RequestOptions): Promise<RenderedCampaignMessage> {
    return this._transport.post<RenderedCampaignMessage>(path`/v1/campaigns/${id}/preview`, params, options);
  }

  /** Renders a message of a campaign not saved yet for one real recipient. */
  previewMessage(params: CampaignMessagePreviewParams, options?: RequestOptions): Promise<RenderedCampaignMessage> {
    return this._transport.post<RenderedCampaignMessage>('/v1/campaigns/preview', params, options);
  }

  /**
   * Sends a test of the message to the signed-in user's own address ("[Test]" subject). Carries an
   * Idempotency-Key (yours, or one made per call), so a retried call never sends twice.
   */
  sendTest(id: string, params: CampaignTestSendParams = {}, options?: RequestOptions): Promise<CampaignTestSendResult> {
    return this._transport.post<CampaignTestSendResult>(path`/v1/campaigns/${id}/test-send`, params, options, true);
  }

  /** The campaign's engagement, leads, conversions, revenue won and ROI. */
  stats(id: string, query?: OperationQuery<'getCampaignStats'>, options?: RequestOptions): Promise<CampaignStats> {
    return this._transport.get<CampaignStats>(path`/v1/campaigns/${id}/stats`, query, options);
  }

  /** The email analytics of the campaign's own sends: sent, delivered, opened, clicked (per link), bounced, replied, unsubscribed, with rates. */
  emailAnalytics(id: string, options?: RequestOptions): Promise<CampaignEmailAnalytics> {
    return this._transport.get<CampaignEmailAnalytics>(path`/v1/campaigns/${id}/email-analytics`, undefined, options);
  }

  /** Your own referral code for the campaign (asking again returns the same one). */
  createReferralCode(id: string, params: Schema<'CampaignReferralCodeCreate'> = {}, options?: RequestOptions): Promise<CampaignReferralCode> {
    return this._transport.post<CampaignReferralCode>(path`/v1/campaigns/${id}/referral-codes`, params, options, true);
  }

  /** The campaign's referral codes (yours; an admin sees everyone's). */
  listReferralCodes(id: string, options?: RequestOptions): Promise<{ object: 'list'; data: CampaignReferralCode[] }> {
    return this._transport.get(path`/v1/campaigns/${id}/referral-codes`, undefined, options);
  }

  /** The campaign's signups: the ones you referred, or `referrer: 'any'` for all. */
  listSignups(id: string, query?: OperationQuery<'listCampaignSignups'>, options?: RequestOptions): Promise<CampaignSignupList> {
    return this._transport.get<CampaignSignupList>(path`/v1/campaigns/${id}/signups`, query, options);
  }

  /** The signups you referred, across campaigns. */
  listMySignups(query?: OperationQuery<'listMyReferralSignups'>, options?: RequestOptions): Promise<CampaignSignupList> {
    return this._transport.get<CampaignSignupList>('/v1/referral-signups', query, options);
  }
}

// `PublicCampaigns` (crm.public.campaigns) and its types live in ./public.ts so the widget bundle never pulls in
// the record machinery; they are re-exported here under the campaigns they belong to (one way: public.ts imports nothing of this file).
export {
  PublicCampaigns,
  type EngagementKind,
  type PublicCampaign,
  type PublicEngagementResult,
  type PublicSignupConfirmation,
  type PublicSignupParams,
  type PublicSignupResult,
} from './public.js';
