import type { RequestHandler } from 'express';
import type { Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { ifMatchVersion } from '../../platform/records/record-routes.js';
import {
  createEntryBody, entrySchema, feedParams, feedSchema, feedStatusSchema, freeBusyQuery, freeBusySchema, invitationResultSchema, occurrenceListSchema, occurrenceParams,
  publicReplySchema, rangeQuery, replyBody, replyParams, updateEntryBody, updateOccurrenceBody,
} from './calendar.schema.js';
import type { CalendarService } from './calendar.service.js';

/** Shared calendars: entries, the range view, free/busy, invitations and replies, private feeds (issue 23). */
export function calendarRoutes(service: CalendarService, deps: { publicLimit: RequestHandler; loadPrincipal: (tenantId: Types.ObjectId, userId: Types.ObjectId) => Promise<Principal | null> }): RouteSpec[] {
  const tags = ['Calendar'];
  return [
    defineRoute({
      method: 'get', path: '/calendar', operationId: 'listCalendarOccurrences', summary: 'Everything on the calendars you see in a range',
      description: 'Entries (recurring ones expanded into occurrences) and tasks with a due time (meetings at their chosen slot, follow-ups, calls), sorted by start. At most 93 days per call.',
      tags, access: access.authenticated, query: rangeQuery,
      success: { status: 200, description: 'The occurrences', schema: occurrenceListSchema },
      handler: ({ query, req }) => service.range(req.principal!, query),
    }),
    defineRoute({
      method: 'get', path: '/calendar/free-busy', operationId: 'getFreeBusy', summary: 'Busy intervals of users over a range',
      description: 'For any user of the agency; the title and id of an interval are given only when you may see the entry or task behind it. Declined invitations and closed tasks are free.',
      tags, access: access.authenticated, query: freeBusyQuery,
      success: { status: 200, description: 'Busy intervals per user', schema: freeBusySchema },
      handler: ({ query, req }) => service.freeBusy(req.principal!, query),
    }),
    defineRoute({
      method: 'post', path: '/calendar/entries', operationId: 'createCalendarEntry', summary: 'Put an entry on your calendar (or your team’s)', tags,
      access: access.authenticated, usersOnly: true, body: createEntryBody,
      success: { status: 201, description: 'The entry', schema: entrySchema },
      handler: ({ body, req }) => service.create(req.principal!, body),
    }),
    defineRoute({
      method: 'get', path: '/calendar/entries/{id}', operationId: 'getCalendarEntry', summary: 'Get a calendar entry', tags,
      access: access.authenticated, params: idParams,
      success: { status: 200, description: 'The entry', schema: entrySchema }, errors: [404],
      handler: ({ params, req }) => service.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'patch', path: '/calendar/entries/{id}', operationId: 'updateCalendarEntry', summary: 'Change a calendar entry (its owner, or someone above them)', tags,
      access: access.authenticated, params: idParams, body: updateEntryBody, ifMatch: 'optional',
      success: { status: 200, description: 'The entry', schema: entrySchema }, errors: [403, 404],
      handler: ({ params, body, req }) => service.update(req.principal!, params.id, body, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'delete', path: '/calendar/entries/{id}', operationId: 'deleteCalendarEntry', summary: 'Delete a calendar entry', tags,
      access: access.authenticated, params: idParams,
      success: { status: 204, description: 'Deleted' }, errors: [403, 404],
      handler: ({ params, req }) => service.remove(req.principal!, params.id),
    }),
    defineRoute({
      method: 'patch', path: '/calendar/entries/{id}/occurrences/{occurrenceStart}', operationId: 'updateCalendarOccurrence', summary: 'Move or retitle one occurrence of a recurring entry',
      description: 'Stored with the series as an override (iCalendar RECURRENCE-ID): the range, free/busy and feeds show it instead of the generated occurrence. `occurrenceStart` is the start the series’ rule gives the occurrence. Changing the series’ start or rule later drops its overrides and cancellations.',
      tags, access: access.authenticated, params: occurrenceParams, body: updateOccurrenceBody, ifMatch: 'optional',
      success: { status: 200, description: 'The series with its overrides', schema: entrySchema }, errors: [403, 404, 409],
      handler: ({ params, body, req }) => service.updateOccurrence(req.principal!, params.id, params.occurrenceStart, body, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'delete', path: '/calendar/entries/{id}/occurrences/{occurrenceStart}', operationId: 'cancelCalendarOccurrence', summary: 'Cancel one occurrence of a recurring entry',
      description: 'Recorded on the series as an exception (iCalendar EXDATE); attendees already invited get METHOD:CANCEL for that occurrence (its RECURRENCE-ID). Cancelling a cancelled occurrence changes nothing.',
      tags, access: access.authenticated, params: occurrenceParams,
      success: { status: 204, description: 'Cancelled' }, errors: [403, 404, 409],
      handler: ({ params, req }) => service.cancelOccurrence(req.principal!, params.id, params.occurrenceStart),
    }),
    defineRoute({
      method: 'post', path: '/calendar/entries/{id}/invitations', operationId: 'sendCalendarInvitations', summary: 'Email the attendees an invitation with an iCalendar (.ics) attachment',
      description: 'Each attendee gets METHOD:REQUEST with the entry in its own time zone (TZID and VTIMEZONE) and a personal link to accept or decline; their calendar app’s answer is the same.',
      tags, access: access.authenticated, usersOnly: true, params: idParams,
      success: { status: 201, description: 'Who was invited', schema: invitationResultSchema }, errors: [403, 404],
      handler: ({ params, req }) => service.invite(req.principal!, params.id),
    }),
    defineRoute({
      method: 'get', path: '/calendar-invitations/{token}', operationId: 'getCalendarInvitation', summary: 'What an invitation link shows (public)', tags,
      access: access.public, params: replyParams, before: [deps.publicLimit],
      success: { status: 200, description: 'The entry as the attendee sees it', schema: publicReplySchema }, errors: [404, 429],
      handler: ({ params }) => service.invitation(params.token),
    }),
    defineRoute({
      method: 'post', path: '/calendar-invitations/{token}', operationId: 'replyToCalendarInvitation', summary: 'Accept, decline or tentatively accept an invitation (public)', tags,
      access: access.public, params: replyParams, body: replyBody, before: [deps.publicLimit],
      success: { status: 200, description: 'The recorded reply', schema: publicReplySchema }, errors: [404, 409, 429],
      handler: ({ params, body }) => service.reply(params.token, body.reply),
    }),
    defineRoute({
      method: 'get', path: '/calendar/feed', operationId: 'getCalendarFeedStatus', summary: 'Whether you have an active private feed URL', tags,
      access: access.authenticated, usersOnly: true,
      success: { status: 200, description: 'The feed state (the URL is shown only when made)', schema: feedStatusSchema },
      handler: ({ req }) => service.feedStatus(req.principal!),
    }),
    defineRoute({
      method: 'post', path: '/calendar/feed', operationId: 'rotateCalendarFeed', summary: 'Make a new private iCalendar feed URL (the previous one stops working)', tags,
      access: access.authenticated, usersOnly: true, idempotency: 'once',
      success: { status: 201, description: 'The URL, shown only now (only its hash is stored)', schema: feedSchema },
      handler: ({ req }) => service.rotateFeed(req.principal!),
    }),
    defineRoute({
      method: 'delete', path: '/calendar/feed', operationId: 'revokeCalendarFeed', summary: 'Revoke your private feed URL', tags,
      access: access.authenticated, usersOnly: true,
      success: { status: 204, description: 'Revoked' },
      handler: ({ req }) => service.revokeFeed(req.principal!),
    }),
    defineRoute({
      method: 'get', path: '/calendar-feeds/{token}', operationId: 'getCalendarFeed', summary: 'A private iCalendar feed (public; the token is the credential)',
      description: 'text/calendar for Google, Outlook and Apple calendars: your entries, your team calendars and your tasks with a time, from a quarter back to a year ahead. Rate-limited per address before the token is checked.',
      tags, access: access.public, params: feedParams, before: [deps.publicLimit],
      success: { status: 200, description: 'The calendar', mediaType: 'text/calendar' }, errors: [404, 429],
      handler: async ({ params, res }) => {
        const ics = await service.feed(params.token.slice(0, -'.ics'.length), deps.loadPrincipal);
        res.status(200).type('text/calendar; charset=utf-8').set('Cache-Control', 'private, max-age=300').send(ics);
      },
    }),
  ];
}
