import type { OperationQuery, Schema } from '../core/api-types.js';
import { WorkflowRecordResource } from '../core/crud-resource.js';
import { path } from '../core/path.js';
import type { RequestOptions } from '../core/request-options.js';
import type { QueryParams } from '../internal/query.js';
import type { ListParams } from '../core/pagination.js';
import type { CampaignEngagementList } from './campaigns.js';

/** A lead: a person or company that may become a customer. */
export type Lead = Schema<'Lead'>;
/** The body of `crm.leads.create`. */
export type LeadCreateParams = Schema<'LeadCreate'>;
/** The body of `crm.leads.update`: only the fields sent change. */
export type LeadUpdateParams = Schema<'LeadUpdate'>;
/** The query of `crm.leads.list`: paging, `q`, `sort` and filters such as `status`, `kind`, `quality`. */
export type LeadListParams = OperationQuery<'listLeads'> & ListParams;
/** The query of `crm.leads.export`. */
export type LeadExportParams = OperationQuery<'exportLeads'> & QueryParams;
/** The body of `crm.leads.convert`: attach to a customer or name a new one, and optionally open an opportunity. */
export type LeadConvertParams = Schema<'LeadConvert'>;
/** The answer of `crm.leads.convert`: the converted lead and the ids of what it became. */
export type LeadConversion = Schema<'LeadConversion'>;
/** The agency's lead settings (participation types). */
export type LeadSettings = Schema<'LeadSettings'>;
/** The body of `crm.leads.updateSettings`. */
export type LeadSettingsUpdateParams = Schema<'LeadSettingsUpdate'>;

/**
 * Leads (`crm.leads`): the standard record routes, conversion into a customer, contact and opportunity,
 * and the agency's lead settings.
 *
 * @example const { customerId, opportunityId } = await crm.leads.convert(lead.id, { opportunity: { name: 'First order' } });
 */
export class Leads extends WorkflowRecordResource<Lead, LeadCreateParams, LeadUpdateParams, LeadListParams, LeadExportParams> {
  protected readonly resource = 'leads';

  /** The campaigns that reached the lead's contact (the contact it was converted to), newest first; empty for an unconverted lead. */
  campaignEngagement(id: string, options?: RequestOptions): Promise<CampaignEngagementList> {
    return this._transport.get<CampaignEngagementList>(path`/v1/leads/${id}/campaign-engagement`, undefined, options);
  }

  /** Converts a lead into a customer (new or existing) and a contact, and optionally an opportunity. */
  convert(id: string, params: LeadConvertParams, options?: RequestOptions): Promise<LeadConversion> {
    return this._transport.post<LeadConversion>(path`/v1/leads/${id}/convert`, params, options);
  }

  /** The agency's lead settings. */
  getSettings(options?: RequestOptions): Promise<LeadSettings> {
    return this._transport.get<LeadSettings>('/v1/lead-settings', undefined, options);
  }

  /** Replaces the agency's lead settings. */
  async updateSettings(params: LeadSettingsUpdateParams, options?: RequestOptions): Promise<LeadSettings> {
    return (await this._transport.request<LeadSettings>({ method: 'PUT', path: '/v1/lead-settings', body: params }, options)).data;
  }
}
