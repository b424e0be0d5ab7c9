import type { OperationQuery, Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { requestPage, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** One item of a subject's timeline: an activity, a task, a status change or a stage change. */
export type TimelineItem = Schema<'Timeline'>['data'][number];
/** The record types that have a timeline. */
export type TimelineSubjectType = 'contact' | 'customer' | 'lead' | 'opportunity';
/** The query of `crm.timeline.list`: `limit` per page (pages follow `nextBefore` by themselves). */
export type TimelineParams = Omit<OperationQuery<'getLeadTimeline'>, 'before'>;

const collections: Record<TimelineSubjectType, string> = { contact: 'contacts', customer: 'customers', lead: 'leads', opportunity: 'opportunities' };

/**
 * What happened to a contact, customer, lead or opportunity, newest first (`crm.timeline`).
 *
 * @example for await (const item of crm.timeline.list('lead', lead.id)) console.log(item.at, item.kind, item.title);
 */
export class Timeline extends APIResource {
  /** The subject's timeline, page by page, newest first; `for await` walks back through all of it. */
  list(subjectType: TimelineSubjectType, subjectId: string, params?: TimelineParams, options?: RequestOptions): PagePromise<TimelineItem> {
    const collection = collections[subjectType];
    return requestPage<TimelineItem>(this._transport, `/v1/${collection}` + path`/${subjectId}/timeline`, params, options, {
      cursorParam: 'before',
      nextCursorField: 'nextBefore',
    });
  }
}
