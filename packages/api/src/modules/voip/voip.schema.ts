import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { callOutcomes } from './voip.model.js';

/** The Action-URL events the CRM turns into calls (Yealink's names, as `action_url.<event>` configures them). */
export const actionUrlEvents = ['incoming_call', 'outgoing_call', 'call_established', 'call_terminated', 'missed_call', 'remote_busy', 'call_remote_canceled'] as const;
export type ActionUrlEvent = (typeof actionUrlEvents)[number];

export const voipPhoneInput = z
  .object({
    host: z.string().trim().min(1).max(255).regex(/^[A-Za-z0-9.\-:[\]]+$/, 'an IP address or host name, with :port when needed').openapi({ description: "The phone's address as the API reaches it, e.g. 192.168.1.42 or phone-12.office.lan:8080" }),
    https: z.boolean().default(false).openapi({ description: 'Reach the phone over HTTPS' }),
    username: z.string().trim().min(1).max(100).openapi({ description: "The phone's web user (Yealink default: admin)" }),
    password: z.string().min(1).max(200).optional().openapi({ description: 'Write-only: stored encrypted, never returned. Required the first time; omit to keep the stored one.' }),
    extension: z.string().trim().max(40).default('').openapi({ description: 'Your extension, shown on the call records' }),
    outgoingUri: z.string().trim().max(200).default('').openapi({ description: 'The SIP account to dial from (outgoing_uri, e.g. 1006@pbx.example.com); empty: the phone default' }),
  })
  .openapi('VoipPhoneInput');

export const voipPhone = z
  .object({
    host: z.string(),
    https: z.boolean(),
    username: z.string(),
    password: z.object({ set: z.boolean() }).openapi({ description: 'The password itself is never returned' }),
    extension: z.string(),
    outgoingUri: z.string(),
    actionUrls: z.record(z.string(), z.string()).openapi({ description: "Paste each into the phone's Features > Action URL field of the same event (or provision `action_url.<event>`): the signed link the phone reports calls to" }),
    lastDial: z.object({ ok: z.boolean(), at: z.string(), message: z.string() }).nullable(),
    updatedAt: z.string(),
  })
  .openapi('VoipPhone');

export const clickToCallInput = z
  .object({
    subject: z.object({ type: z.enum(['contact', 'lead']), id: objectId }).openapi({ description: 'Who to call: their primary phone number unless `number` names another' }),
    number: z.string().trim().min(3).max(40).regex(/^\+?[\d\s().\-/]+$/, 'digits, spaces, + ( ) . - / only').optional().openapi({ description: "One of the record's numbers; default its primary one" }),
  })
  .openapi('VoipClickToCall');

export const voipCall = z
  .object({
    id: objectId,
    source: z.enum(['action-url', 'click-to-call', 'cdr']),
    direction: z.enum(['inbound', 'outbound']),
    remote: z.string(),
    remoteDisplay: z.string(),
    startedAt: z.string(),
    answeredAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    outcome: z.enum(callOutcomes).nullable().openapi({ description: 'Set when the call ended' }),
    durationSeconds: z.number().int().openapi({ description: 'Talk time: from answered to ended' }),
    subject: z.object({ type: z.enum(['contact', 'lead']), id: objectId }).nullable().openapi({ description: 'The contact or lead the number matched; null when none did' }),
    activityId: objectId.nullable().openapi({ description: 'The call activity on the timeline, once the call ended' }),
    userId: objectId,
  })
  .openapi('VoipCall');
export const voipCallList = z.object({ object: z.literal('list'), data: z.array(voipCall) }).openapi('VoipCallList');
export const voipCallsQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

export const actionUrlParams = z.object({ token: z.string().min(10).max(300).openapi({ description: 'The signed token of the phone, from its action URLs' }) });
export const actionUrlQuery = z.object({
  event: z.enum(actionUrlEvents),
  call_id: z.string().trim().min(1).max(100).openapi({ description: 'Yealink $call_id' }),
  remote: z.string().max(300).default('').openapi({ description: 'Yealink $remote (the other party, a number or SIP URI)' }),
  local: z.string().max(300).default('').openapi({ description: 'Yealink $local' }),
  display_remote: z.string().max(300).default('').openapi({ description: 'Yealink $display_remote' }),
});
export const actionUrlResult = z.object({ applied: z.boolean().openapi({ description: 'false when this event was already applied (a repeat changes nothing)' }) }).openapi('VoipActionUrlResult');

export const cdrImportInput = z
  .object({ csv: z.string().min(1).max(5_000_000).openapi({ description: 'The call-log export as text (CSV with a header row); see docs/voip.md for the columns read' }) })
  .openapi('VoipCdrImport');
export const cdrImportResult = z
  .object({
    rows: z.number().int(),
    imported: z.number().int().openapi({ description: 'New calls recorded as activities' }),
    duplicates: z.number().int().openapi({ description: 'Rows whose call id was imported before' }),
    unmatched: z.number().int().openapi({ description: 'Calls recorded without a contact or lead (no number matched)' }),
    errors: z.array(z.object({ row: z.number().int(), message: z.string() })),
  })
  .openapi('VoipCdrImportResult');
