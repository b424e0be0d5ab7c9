import type { Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** The Mailwizz connection: API URL, sender, and the keys only as `{ set, last4 }`. */
export type MailwizzSettings = Schema<'MailwizzSettings'>;
/** The body of `crm.mailwizz.saveSettings` (keys are write-only; omit one to keep it). */
export type MailwizzSettingsParams = Schema<'MailwizzSettingsInput'>;
/** The result of `crm.mailwizz.testConnection`: whether Mailwizz accepted the keys, and what it said. */
export type MailwizzConnectionTest = Schema<'MailwizzConnectionTest'>;
/** A segment pushed as a Mailwizz list, with its last sync's status and progress. */
export type MailwizzSync = Schema<'MailwizzSync'>;
/** A CRM campaign sent through Mailwizz (channel `mailwizz`) with its last statistics. */
export type MailwizzCampaign = Schema<'MailwizzCampaign'>;
/** The body of `crm.mailwizz.createCampaign`. */
export type MailwizzCampaignParams = Schema<'MailwizzCampaignInput'>;

/**
 * The Mailwizz 1.9 connection (`crm.mailwizz`): settings, segment syncs, campaigns and their statistics.
 *
 * @example
 * await crm.mailwizz.saveSettings({ apiUrl: 'https://mail.example.com/api', publicKey, privateKey, fromName: 'Agency', fromEmail: 'news@agency.example' });
 * await crm.mailwizz.sync(segmentId);
 * const campaign = await crm.mailwizz.createCampaign({ segmentId, name: 'December', subject: 'News', html: '<p>Hi [FNAME]</p>' });
 */
export class Mailwizz extends APIResource {
  /** The connection (404 when Mailwizz is not connected). */
  settings(options?: RequestOptions): Promise<MailwizzSettings> {
    return this._transport.get<MailwizzSettings>('/v1/mailwizz/settings', undefined, options);
  }

  /** Connects Mailwizz or changes the connection; the keys are stored encrypted and never returned. */
  async saveSettings(params: MailwizzSettingsParams, options?: RequestOptions): Promise<MailwizzSettings> {
    return (await this._transport.request<MailwizzSettings>({ method: 'PUT', path: '/v1/mailwizz/settings', body: params }, options)).data;
  }

  /** Disconnects Mailwizz. */
  disconnect(options?: RequestOptions): Promise<void> {
    return this._transport.delete('/v1/mailwizz/settings', options);
  }

  /** Calls Mailwizz with the stored keys; `ok: false` carries what Mailwizz said. */
  testConnection(options?: RequestOptions): Promise<MailwizzConnectionTest> {
    return this._transport.post<MailwizzConnectionTest>('/v1/mailwizz/settings/test', undefined, options);
  }

  /** The segments pushed to Mailwizz, with the state of their last sync. */
  async syncs(options?: RequestOptions): Promise<MailwizzSync[]> {
    return (await this._transport.get<{ data: MailwizzSync[] }>('/v1/mailwizz/syncs', undefined, options)).data;
  }

  /** One segment's sync and its progress. */
  getSync(segmentId: string, options?: RequestOptions): Promise<MailwizzSync> {
    return this._transport.get<MailwizzSync>(path`/v1/mailwizz/syncs/${segmentId}`, undefined, options);
  }

  /** Pushes a segment of contacts to its Mailwizz list now (a background job; poll `getSync`). */
  sync(segmentId: string, options?: RequestOptions): Promise<MailwizzSync> {
    return this._transport.post<MailwizzSync>(path`/v1/mailwizz/syncs/${segmentId}`, undefined, options);
  }

  /** Marks the contacts who unsubscribed in Mailwizz as unsubscribed in the CRM now (also hourly). */
  pullUnsubscribes(options?: RequestOptions): Promise<{ marked: number }> {
    return this._transport.post<{ marked: number }>('/v1/mailwizz/unsubscribes/pull', undefined, options);
  }

  /** Campaigns sent through Mailwizz, newest first, with their statistics. */
  async campaigns(options?: RequestOptions): Promise<MailwizzCampaign[]> {
    return (await this._transport.get<{ data: MailwizzCampaign[] }>('/v1/mailwizz/campaigns', undefined, options)).data;
  }

  /** Creates and schedules a Mailwizz campaign for a pushed segment, recorded as a CRM campaign. */
  createCampaign(params: MailwizzCampaignParams, options?: RequestOptions): Promise<MailwizzCampaign> {
    return this._transport.post<MailwizzCampaign>('/v1/mailwizz/campaigns', params, options, true);
  }

  /** One campaign (by the CRM campaign's id) and its last statistics. */
  getCampaign(campaignId: string, options?: RequestOptions): Promise<MailwizzCampaign> {
    return this._transport.get<MailwizzCampaign>(path`/v1/mailwizz/campaigns/${campaignId}`, undefined, options);
  }

  /** Pulls a campaign's statistics from Mailwizz now (also hourly). */
  refreshStats(campaignId: string, options?: RequestOptions): Promise<MailwizzCampaign> {
    return this._transport.post<MailwizzCampaign>(path`/v1/mailwizz/campaigns/${campaignId}/stats`, undefined, options);
  }
}
