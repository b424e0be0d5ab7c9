import type { OperationQuery, Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { requestPage, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** A request for leads: criteria, workflow state, counts, and the campaign started on it. */
export type LeadRequest = Schema<'LeadRequest'>;
/** The body of `crm.leadRequests.create`. */
export type LeadRequestCreateParams = Schema<'LeadRequestCreate'>;
/** Title, notes or criteria fields to change (null clears a criterion); `version` guards against lost updates. */
export type LeadRequestUpdateParams = Schema<'LeadRequestUpdate'>;
/** The query of `crm.leadRequests.list`. */
export type LeadRequestListParams = OperationQuery<'listLeadRequests'>;
/** One lead on a request, with its state (candidate, accepted, rejected, delivered). */
export type LeadRequestItem = Schema<'LeadRequestItem'>;
/** The body of `crm.leadRequests.transition`. */
export type LeadRequestTransitionParams = Schema<'LeadRequestTransition'>;
/** The body of `crm.leadRequests.vet`. */
export type LeadRequestVettingParams = Schema<'LeadRequestVetting'>;
/** The answer of `crm.leadRequests.deliver`. */
export type LeadRequestDelivery = Schema<'LeadRequestDelivery'>;
/** The body of `crm.leadRequests.extend`. */
export type LeadRequestExtensionParams = Schema<'LeadRequestExtension'>;
/** The body of `crm.leadRequests.startCampaign`. */
export type LeadRequestCampaignParams = Schema<'LeadRequestCampaignStart'>;
/** The answer of `crm.leadRequests.startCampaign`. */
export type LeadRequestCampaign = Schema<'LeadRequestCampaign'>;

/**
 * Requests for leads (`crm.leadRequests`): sourcing, vetting, approval, delivery against the needed
 * count, extension, reopen and closure, and a sales campaign on exactly the delivered leads.
 *
 * @example
 * const request = await crm.leadRequests.create({ title: 'Publishers in Germany', criteria: { neededCount: 50, industry: 'Publishing', country: 'DE' } });
 * await crm.leadRequests.addCandidates(request.id, [leadId]);
 * await crm.leadRequests.transition(request.id, { to: 'vetting' });
 */
export class LeadRequests extends APIResource {
  /** Requests your lead scope reaches, and those you source. */
  list(params?: LeadRequestListParams, options?: RequestOptions): PagePromise<LeadRequest> {
    return requestPage<LeadRequest>(this._transport, '/v1/lead-requests', params, options);
  }

  /** One request. */
  get(id: string, options?: RequestOptions): Promise<LeadRequest> {
    return this._transport.get<LeadRequest>(path`/v1/lead-requests/${id}`, undefined, options);
  }

  /** Asks for leads; the request starts in sourcing. */
  create(params: LeadRequestCreateParams, options?: RequestOptions): Promise<LeadRequest> {
    return this._transport.post<LeadRequest>('/v1/lead-requests', params, options, true);
  }

  /** Changes the title, notes or criteria until delivered or closed; the open leads are checked against the new criteria. */
  update(id: string, params: LeadRequestUpdateParams, options?: RequestOptions): Promise<LeadRequest> {
    return this._transport.patch<LeadRequest>(path`/v1/lead-requests/${id}`, params, options);
  }

  /** Moves the request through its workflow (vetting, approved, closed, or sourcing to reopen). */
  transition(id: string, params: LeadRequestTransitionParams, options?: RequestOptions): Promise<LeadRequest> {
    return this._transport.post<LeadRequest>(path`/v1/lead-requests/${id}/transition`, params, options);
  }

  /** The leads on a request, optionally of one state. */
  leads(id: string, params?: OperationQuery<'listLeadRequestLeads'>, options?: RequestOptions): PagePromise<LeadRequestItem> {
    return requestPage<LeadRequestItem>(this._transport, path`/v1/lead-requests/${id}/leads`, params, options);
  }

  /** Proposes leads while sourcing. */
  addCandidates(id: string, leadIds: string[], options?: RequestOptions): Promise<LeadRequest> {
    return this._transport.post<LeadRequest>(path`/v1/lead-requests/${id}/candidates`, { leadIds }, options);
  }

  /** Accepts or rejects proposed leads while vetting. */
  vet(id: string, params: LeadRequestVettingParams, options?: RequestOptions): Promise<LeadRequest> {
    return this._transport.post<LeadRequest>(path`/v1/lead-requests/${id}/vetting`, params, options);
  }

  /** Delivers the accepted leads, up to the needed count. */
  deliver(id: string, options?: RequestOptions): Promise<LeadRequestDelivery> {
    return this._transport.post<LeadRequestDelivery>(path`/v1/lead-requests/${id}/deliveries`, undefined, options);
  }

  /** Asks for more leads: raises the needed count, back to sourcing. */
  extend(id: string, params: LeadRequestExtensionParams, options?: RequestOptions): Promise<LeadRequest> {
    return this._transport.post<LeadRequest>(path`/v1/lead-requests/${id}/extension`, params, options);
  }

  /** Starts a sales campaign on exactly the delivered leads, once per request. */
  startCampaign(id: string, params: LeadRequestCampaignParams, options?: RequestOptions): Promise<LeadRequestCampaign> {
    return this._transport.post<LeadRequestCampaign>(path`/v1/lead-requests/${id}/campaign`, params, options, true);
  }
}
