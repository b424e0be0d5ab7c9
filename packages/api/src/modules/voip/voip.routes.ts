import type { RequestHandler } from 'express';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { actionUrlParams, actionUrlQuery, actionUrlResult, cdrImportInput, cdrImportResult, clickToCallInput, voipCall, voipCallList, voipCallsQuery, voipPhone, voipPhoneInput } from './voip.schema.js';
import type { VoipService } from './voip.service.js';

/** Yealink VOIP: your phone, click-to-call, your calls, the phones' Action-URL events and CDR imports. */
export function voipRoutes(service: VoipService, limits: { events: RequestHandler }): RouteSpec[] {
  const tags = ['VOIP'];
  const caller = access.permission('activity', 'create');
  return [
    defineRoute({
      method: 'get', path: '/voip/phone', operationId: 'getVoipPhone', summary: 'Your Yealink phone (the password only as set) and the action URLs to configure on it', tags, access: access.authenticated, usersOnly: true,
      success: { status: 200, description: 'Your phone', schema: voipPhone }, errors: [404],
      handler: ({ req }) => service.getPhone(req.principal!),
    }),
    defineRoute({
      method: 'put', path: '/voip/phone', operationId: 'putVoipPhone', summary: 'Save your Yealink phone (address, web login, extension; the password is stored encrypted)', tags, access: access.authenticated, usersOnly: true, body: voipPhoneInput,
      success: { status: 200, description: 'Your phone', schema: voipPhone },
      handler: ({ req, body }) => service.putPhone(req.principal!, body),
    }),
    defineRoute({
      method: 'delete', path: '/voip/phone', operationId: 'deleteVoipPhone', summary: 'Remove your phone (its action URLs stop working)', tags, access: access.authenticated, usersOnly: true,
      success: { status: 204, description: 'Removed' }, errors: [404],
      handler: ({ req }) => service.deletePhone(req.principal!),
    }),
    defineRoute({
      method: 'post', path: '/voip/calls', operationId: 'placeVoipCall', summary: "Click-to-call: dial a contact's or lead's number on your phone", tags, access: caller, usersOnly: true, body: clickToCallInput,
      description: "Sends Yealink's Action URI `/servlet?key=number=<number>` to your phone, which dials at once, and records the attempt. The phone's action URLs then report the call; when it ends it lands on the record's timeline.",
      success: { status: 201, description: 'The call attempt', schema: voipCall }, errors: [404, 409],
      handler: ({ req, body }) => service.clickToCall(req.principal!, body),
    }),
    defineRoute({
      method: 'get', path: '/voip/calls', operationId: 'listVoipCalls', summary: 'Your latest calls, newest first', tags, access: caller, query: voipCallsQuery,
      success: { status: 200, description: 'Your calls', schema: voipCallList },
      handler: ({ req, query }) => service.listCalls(req.principal!, query.limit),
    }),
    defineRoute({
      method: 'post', path: '/voip/cdr', operationId: 'importVoipCdr', summary: 'Import a call-log (CDR) export as call activities, once per call id', tags, access: caller, usersOnly: true, body: cdrImportInput,
      description: 'Reads the columns callid, timestart, callfrom, callto, talkduraction, status (ANSWERED, NO ANSWER, BUSY, VOICEMAIL) and type (Inbound, Outbound); docs/voip.md lists the other names accepted. A call id imported before is counted as a duplicate and changes nothing.',
      success: { status: 200, description: 'What was imported', schema: cdrImportResult }, idempotency: false,
      handler: ({ req, body }) => service.importCdr(req.principal!, body.csv),
    }),
    defineRoute({
      method: 'get', path: '/voip/events/{token}', operationId: 'receiveVoipActionUrl', summary: "A Yealink phone's Action-URL event (public; the signed token in the path identifies the phone)", tags, access: access.public,
      description: 'Configured on the phone as `action_url.<event>` with `$call_id`, `$remote`, `$local` and `$display_remote`. The events of one call id become one call; when it ends (terminated, missed, busy, canceled) it is written as a call activity with direction, talk time and outcome. A repeated event changes nothing.',
      params: actionUrlParams, query: actionUrlQuery, before: [limits.events],
      success: { status: 200, description: 'Whether the event changed the call', schema: actionUrlResult }, errors: [401],
      handler: ({ params, query }) => service.applyEvent(params.token, query),
    }),
  ];
}
