import type { OperationQuery, Schema } from '../core/api-types.js';
import { RecordResource } from '../core/crud-resource.js';
import type { ListParams } from '../core/pagination.js';
import type { QueryParams } from '../internal/query.js';

/** An activity logged about a subject: a call, email, meeting or note, with when and how it went. */
export type Activity = Schema<'Activity'>;
/** The body of `crm.activities.create`. */
export type ActivityCreateParams = Schema<'ActivityCreate'>;
/** The body of `crm.activities.update`. */
export type ActivityUpdateParams = Schema<'ActivityUpdate'>;
/** The query of `crm.activities.list`: paging, `q`, `sort` and filters such as `type`, `subjectId`. */
export type ActivityListParams = OperationQuery<'listActivities'> & ListParams;
/** The query of `crm.activities.export`. */
export type ActivityExportParams = OperationQuery<'exportActivities'> & QueryParams;

/**
 * Activities (`crm.activities`): the record routes.
 *
 * @example await crm.activities.create({ type: 'call', title: 'Intro call', subject: { type: 'lead', id: lead.id } });
 */
export class Activities extends RecordResource<Activity, ActivityCreateParams, ActivityUpdateParams, ActivityListParams, ActivityExportParams> {
  protected readonly resource = 'activities';
}
