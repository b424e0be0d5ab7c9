import type { OperationQuery, Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { requestPage, type PagePromise } from '../core/pagination.js';
import { etagOf, type RequestOptions, type UpdateOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** A consultant group that checks the deals lost for one reason (`*`: every reason no group names). */
export type LostReasonGroup = Schema<'LostReasonGroup'>;
/** The body of `crm.lostRouting.createGroup`. */
export type LostReasonGroupParams = Schema<'LostReasonGroupInput'>;
/** The body of `crm.lostRouting.updateGroup`. */
export type LostReasonGroupUpdateParams = Schema<'LostReasonGroupUpdate'>;
/** The review of one lost deal: its group, consultant, review task and outcome. */
export type LostReview = Schema<'LostReview'>;
/** The query of `crm.lostRouting.reviews`. */
export type LostReviewListParams = OperationQuery<'listLostReviews'>;
/** The body of `crm.lostRouting.decide`. */
export type LostReviewOutcomeParams = Schema<'LostReviewOutcome'>;

/**
 * Lost-deal routing (`crm.lostRouting`): consultant groups per lost reason, and the review every lost
 * deal gets, with its outcome (re-opened, confirmed lost, lesson noted).
 *
 * @example
 * await crm.lostRouting.createGroup({ reason: 'Price', name: 'Pricing desk', memberIds: [consultantId] });
 * for await (const review of crm.lostRouting.reviews({ mine: 'true', state: 'open' })) console.log(review.opportunityName);
 */
export class LostRouting extends APIResource {
  /** Every consultant group of the agency. */
  groups(options?: RequestOptions): PagePromise<LostReasonGroup> {
    return requestPage<LostReasonGroup>(this._transport, '/v1/lost-reason-groups', undefined, options);
  }

  /** Routes a lost reason to a group (workflow admins). */
  createGroup(params: LostReasonGroupParams, options?: RequestOptions): Promise<LostReasonGroup> {
    return this._transport.post<LostReasonGroup>('/v1/lost-reason-groups', params, options, true);
  }

  /** Changes a group; `ifMatch` makes it conditional on the version read. */
  updateGroup(id: string, params: LostReasonGroupUpdateParams, options?: UpdateOptions): Promise<LostReasonGroup> {
    return this._transport.patch<LostReasonGroup>(path`/v1/lost-reason-groups/${id}`, params, options, options?.ifMatch === undefined ? undefined : { 'If-Match': etagOf(options.ifMatch) });
  }

  /** Deletes a group (its reason falls back to the `*` group). */
  deleteGroup(id: string, options?: RequestOptions): Promise<void> {
    return this._transport.delete(path`/v1/lost-reason-groups/${id}`, options);
  }

  /** Reviews of lost deals, newest first. */
  reviews(params?: LostReviewListParams, options?: RequestOptions): PagePromise<LostReview> {
    return requestPage<LostReview>(this._transport, '/v1/lost-reviews', params, options);
  }

  /** One review. */
  review(id: string, options?: RequestOptions): Promise<LostReview> {
    return this._transport.get<LostReview>(path`/v1/lost-reviews/${id}`, undefined, options);
  }

  /** Records the outcome (once); `reopened` with `reopenStage` moves the deal back to that stage. */
  decide(id: string, params: LostReviewOutcomeParams, options?: RequestOptions): Promise<LostReview> {
    return this._transport.post<LostReview>(path`/v1/lost-reviews/${id}/outcome`, params, options);
  }
}
