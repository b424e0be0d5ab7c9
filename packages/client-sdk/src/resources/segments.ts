import type { OperationQuery, Schema } from '../core/api-types.js';
import { CrudResource } from '../core/crud-resource.js';
import { path } from '../core/path.js';
import { requestPage, type ListParams, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';

/** A saved search over contacts or customers, shared privately, with a team or the agency. */
export type Segment = Schema<'Segment'>;
/** The body of `crm.segments.create`: a name, the resource and its list filters. */
export type SegmentCreateParams = Schema<'SegmentCreate'>;
/** Purchase-history conditions of a customer segment: ordered products (any/all), revenue over months, last order date. */
export type SegmentPurchase = Schema<'SegmentPurchase'>;
/** The body of `crm.segments.update`. */
export type SegmentUpdateParams = Schema<'SegmentUpdate'>;
/** The query of `crm.segments.list`: `resource`, `mine`. */
export type SegmentListParams = OperationQuery<'listSegments'> & ListParams;
/** The query of `crm.segments.members`: paging, `sort`, `fields`. */
export type SegmentMembersParams = OperationQuery<'listSegmentMembers'> & ListParams;
/** A member of a segment: a contact or a customer, as their list returns it. */
export type SegmentMember = Schema<'SegmentMembers'>['data'][number];
/** The answer of `crm.segments.count`. */
export type SegmentCount = Schema<'SegmentCount'>;

/**
 * Segments (`crm.segments`): CRUD, plus evaluating one with `members` and `count`.
 *
 * @example const { count } = await crm.segments.count(segment.id);
 */
export class Segments extends CrudResource<Segment, SegmentCreateParams, SegmentUpdateParams, SegmentListParams> {
  protected readonly resource = 'segments';

  /** The records matching the segment now, page by page. */
  members<TMember = SegmentMember>(id: string, params?: SegmentMembersParams, options?: RequestOptions): PagePromise<TMember> {
    return requestPage<TMember>(this._transport, path`/v1/segments/${id}/members`, params, options);
  }

  /** How many records match the segment now. */
  count(id: string, options?: RequestOptions): Promise<SegmentCount> {
    return this._transport.get<SegmentCount>(path`/v1/segments/${id}/count`, undefined, options);
  }
}
