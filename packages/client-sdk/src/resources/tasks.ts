import type { OperationQuery, Schema } from '../core/api-types.js';
import { WorkflowRecordResource } from '../core/crud-resource.js';
import { path } from '../core/path.js';
import type { ListParams } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';
import type { QueryParams } from '../internal/query.js';

/** A task: a call, meeting or to-do about a subject record, with its assignee, due date and status. */
export type Task = Schema<'Task'>;
/** The body of `crm.tasks.create`. */
export type TaskCreateParams = Schema<'TaskCreate'>;
/** The body of `crm.tasks.update`. */
export type TaskUpdateParams = Schema<'TaskUpdate'>;
/** The query of `crm.tasks.list`: paging, `q`, `sort` and filters such as `status`, `assigneeId`, `subjectId`. */
export type TaskListParams = OperationQuery<'listTasks'> & ListParams;
/** The query of `crm.tasks.export`. */
export type TaskExportParams = OperationQuery<'exportTasks'> & QueryParams;
/** The body of `crm.tasks.transition`: the target status, and with `scheduled` or `rescheduled` optionally the new `dueAt`. */
export type TaskTransitionParams = Schema<'TaskTransitionRequest'>;
/** The body of `crm.tasks.chooseSlot`: the start of one of the proposed slots. */
export type TaskChooseSlotParams = Schema<'ChooseSlot'>;
/** A meeting invitation: the token and public path the contact opens to pick a slot (shown once). */
export type MeetingInvitation = Schema<'MeetingInvitation'>;
/** A meeting invitation as the invitee sees it: the title, location and offered slots. */
export type PublicMeetingInvitation = Schema<'PublicMeetingInvitation'>;
/** The body of `crm.tasks.pickMeetingSlot`. */
export type MeetingSlotPickParams = Schema<'PickMeetingSlot'>;

/**
 * Tasks (`crm.tasks`): the record routes with status transitions, meeting slots and invitations.
 *
 * @example await crm.tasks.create({ kind: 'call', title: 'Call back', subject: { type: 'lead', id: lead.id } });
 */
export class Tasks extends WorkflowRecordResource<Task, TaskCreateParams, TaskUpdateParams, TaskListParams, TaskExportParams> {
  protected readonly resource = 'tasks';

  /**
   * Moves a task along the calling-task workflow. With `dueAt` (only when moving to `scheduled` or
   * `rescheduled`) the new due time is saved in the same write as the move: one version, never half done.
   *
   * @example await crm.tasks.transition(call.id, { to: 'rescheduled', dueAt: '2026-12-01T10:00:00Z', version: call.version });
   */
  override transition(id: string, params: TaskTransitionParams, options?: RequestOptions): Promise<Task> {
    return super.transition(id, params, options);
  }

  /** Schedules a meeting task at one of its proposed slots. */
  chooseSlot(id: string, params: TaskChooseSlotParams, options?: RequestOptions): Promise<Task> {
    return this._transport.post<Task>(path`/v1/tasks/${id}/choose-slot`, params, options);
  }

  /**
   * Creates an invitation for the meeting's contact to pick a slot; the token is shown only now (so, as
   * with API keys, a retry after a lost answer rejects with `CrmConflictError` instead of replaying it).
   */
  inviteToMeeting(id: string, options?: RequestOptions): Promise<MeetingInvitation> {
    return this._transport.post<MeetingInvitation>(path`/v1/tasks/${id}/invitation`, undefined, options, true);
  }

  /** What an invitee sees: the offered slots (public, by token; no sign-in needed). */
  async getMeetingInvitation(token: string, options?: RequestOptions): Promise<PublicMeetingInvitation> {
    return (await this._transport.request<PublicMeetingInvitation>({ method: 'GET', path: path`/v1/meeting-invitations/${token}`, authenticate: false }, options)).data;
  }

  /** Picks a slot as the invitee (public, by token). */
  async pickMeetingSlot(token: string, params: MeetingSlotPickParams, options?: RequestOptions): Promise<PublicMeetingInvitation> {
    return (
      await this._transport.request<PublicMeetingInvitation>({ method: 'POST', path: path`/v1/meeting-invitations/${token}`, body: params, authenticate: false }, options)
    ).data;
  }
}
