import type { OperationQuery, Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { etagOf, type RequestOptions, type UpdateOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** One calendar entry (meeting, call, task, follow-up or conference date). */
export type CalendarEntry = Schema<'CalendarEntry'>;
/** The body of `crm.calendar.create`. */
export type CalendarEntryCreateParams = Schema<'CalendarEntryCreate'>;
/** The body of `crm.calendar.update`. */
export type CalendarEntryUpdateParams = Schema<'CalendarEntryUpdate'>;
/** The body of `crm.calendar.updateOccurrence`: what changes for that one occurrence. */
export type CalendarOccurrenceUpdateParams = Schema<'CalendarOccurrenceUpdate'>;
/** One occurrence in a range: an entry (a series expanded) or a task with a due time. */
export type CalendarOccurrence = Schema<'CalendarOccurrence'>;
/** The query of `crm.calendar.range`: `from`, `to` (at most 93 days), optionally one user or team. */
export type CalendarRangeParams = OperationQuery<'listCalendarOccurrences'>;
/** The query of `crm.calendar.freeBusy` (`userIds` comma-separated). */
export type FreeBusyParams = OperationQuery<'getFreeBusy'>;
/** Busy intervals per user. */
export type FreeBusy = Schema<'FreeBusy'>;
/** An invitation as its link shows it. */
export type CalendarPublicInvitation = Schema<'CalendarPublicInvitation'>;

/**
 * Shared calendars (`crm.calendar`): entries, the range view, free/busy, invitations with .ics
 * attachments and replies, and the private iCalendar feed URL.
 *
 * @example const { data } = await crm.calendar.range({ from: '2026-03-02T00:00:00Z', to: '2026-03-09T00:00:00Z' });
 */
export class Calendar extends APIResource {
  /** Everything on the calendars you see in a range, sorted by start. */
  range(params: CalendarRangeParams, options?: RequestOptions): Promise<{ data: CalendarOccurrence[] }> {
    return this._transport.get<{ data: CalendarOccurrence[] }>('/v1/calendar', params, options);
  }

  /** Busy intervals of users; titles only where you may see the entry. */
  freeBusy(params: FreeBusyParams, options?: RequestOptions): Promise<FreeBusy> {
    return this._transport.get<FreeBusy>('/v1/calendar/free-busy', params, options);
  }

  /** Puts an entry on your calendar (or your team's with `teamId`). */
  create(params: CalendarEntryCreateParams, options?: RequestOptions): Promise<CalendarEntry> {
    return this._transport.post<CalendarEntry>('/v1/calendar/entries', params, options, true);
  }

  /** Fetches one entry. */
  get(id: string, options?: RequestOptions): Promise<CalendarEntry> {
    return this._transport.get<CalendarEntry>(path`/v1/calendar/entries/${id}`, undefined, options);
  }

  /** Changes an entry; `ifMatch` makes it conditional on the version read. */
  update(id: string, params: CalendarEntryUpdateParams, options?: UpdateOptions): Promise<CalendarEntry> {
    return this._transport.patch<CalendarEntry>(path`/v1/calendar/entries/${id}`, params, options, options?.ifMatch === undefined ? undefined : { 'If-Match': etagOf(options.ifMatch) });
  }

  /** Deletes an entry. */
  delete(id: string, options?: RequestOptions): Promise<void> {
    return this._transport.delete(path`/v1/calendar/entries/${id}`, options);
  }

  /**
   * Moves or retitles one occurrence of a recurring entry (stored with the series, as iCalendar's
   * RECURRENCE-ID). `occurrenceStart` is the start the series' rule gives it: `recurrenceId` in `range`.
   */
  updateOccurrence(id: string, occurrenceStart: string, params: CalendarOccurrenceUpdateParams, options?: UpdateOptions): Promise<CalendarEntry> {
    return this._transport.patch<CalendarEntry>(path`/v1/calendar/entries/${id}/occurrences/${occurrenceStart}`, params, options, options?.ifMatch === undefined ? undefined : { 'If-Match': etagOf(options.ifMatch) });
  }

  /** Cancels one occurrence of a recurring entry (an EXDATE); invited attendees get a CANCEL for it. */
  cancelOccurrence(id: string, occurrenceStart: string, options?: RequestOptions): Promise<void> {
    return this._transport.delete(path`/v1/calendar/entries/${id}/occurrences/${occurrenceStart}`, options);
  }

  /** Emails the attendees an invitation with an .ics (METHOD:REQUEST) attachment. */
  invite(id: string, options?: RequestOptions): Promise<Schema<'CalendarInvitationResult'>> {
    return this._transport.post<Schema<'CalendarInvitationResult'>>(path`/v1/calendar/entries/${id}/invitations`, undefined, options, true);
  }

  /** What an invitation link shows (no sign-in; the token is the credential). */
  async getInvitation(token: string, options?: RequestOptions): Promise<CalendarPublicInvitation> {
    return (await this._transport.request<CalendarPublicInvitation>({ method: 'GET', path: path`/v1/calendar-invitations/${token}`, authenticate: false }, options)).data;
  }

  /** Accepts, declines or tentatively accepts an invitation. */
  async reply(token: string, params: Schema<'CalendarReply'>, options?: RequestOptions): Promise<CalendarPublicInvitation> {
    return (await this._transport.request<CalendarPublicInvitation>({ method: 'POST', path: path`/v1/calendar-invitations/${token}`, body: params, authenticate: false }, options)).data;
  }

  /** Whether you have an active feed URL. */
  feedStatus(options?: RequestOptions): Promise<Schema<'CalendarFeedStatus'>> {
    return this._transport.get<Schema<'CalendarFeedStatus'>>('/v1/calendar/feed', undefined, options);
  }

  /** A new private feed URL (shown only now); the previous one stops working. */
  rotateFeed(options?: RequestOptions): Promise<Schema<'CalendarFeedUrl'>> {
    return this._transport.post<Schema<'CalendarFeedUrl'>>('/v1/calendar/feed', undefined, options, true);
  }

  /** Revokes your feed URL. */
  revokeFeed(options?: RequestOptions): Promise<void> {
    return this._transport.delete('/v1/calendar/feed', options);
  }
}
