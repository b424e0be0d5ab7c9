import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { signedLinks, type SecretBox } from '../../platform/crypto/secret-box.js';
import { claimOnce } from '../../platform/db/claim-once.js';
import { op } from '../../platform/db/operators.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import { normalisePhone } from '../../platform/privacy/suppression.js';
import { searchEntryModel, searchKey } from '../../platform/search/search-entry.model.js';
import { phoneEndingToken } from '../../platform/search/search-tokens.js';
import type { ActivitiesService } from '../activities/activities.service.js';
import { contactModel } from '../contacts/contact.model.js';
import { loadPrincipal } from '../identity/principal.service.js';
import { leadModel } from '../leads/lead.model.js';
import { voipCallModel, voipPhoneModel, type CallOutcome, type VoipCall, type VoipPhone } from './voip.model.js';
import { actionUrlEvents, type ActionUrlEvent } from './voip.schema.js';
import { dialUri, sendActionUri, YealinkError } from './yealink.client.js';

type SubjectRef = { type: 'contact' | 'lead'; id: string };
type PhonePoint = { value: string; primary?: boolean };

/** What the module needs from the rest of the CRM, wired in modules/index.ts. */
export interface VoipDeps {
  connection: Connection;
  box: SecretBox;
  activities: ActivitiesService;
  /** The contact or lead if the principal may see it (404 otherwise), with its phone numbers. */
  findSubject(principal: Principal, subject: SubjectRef): Promise<{ phones?: PhonePoint[] | null }>;
  /** The API's public base URL (PUBLIC_URL), which the phone's action URLs point at. */
  publicBase: string;
  now?: () => Date;
}

export interface PhoneInput {
  host: string;
  https: boolean;
  username: string;
  password?: string | undefined;
  extension: string;
  outgoingUri: string;
}

/** A number matches a stored one when their last digits agree (national and international forms of one number). */
const MATCH_DIGITS = 8;
const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);
/** `$remote` may be a SIP URI (`sip:0301234567@pbx`) or a bare number: the user part is the number. */
export function remoteNumber(remote: string): string {
  const user = remote.trim().replace(/^sips?:/i, '').split('@')[0] ?? '';
  return user.trim();
}
const sameNumber = (a: string, b: string) => {
  const x = normalisePhone(a);
  const y = normalisePhone(b);
  if (x.length < 6 || y.length < 6) return x === y && x.length > 0;
  const n = Math.min(MATCH_DIGITS, x.length, y.length);
  return x.slice(-n) === y.slice(-n);
};
const minutesOf = (seconds: number) => (seconds > 0 ? Math.ceil(seconds / 60) : 0);
const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

export function toCallDto(c: VoipCall) {
  return {
    id: String(c._id),
    source: c.source,
    direction: c.direction,
    remote: c.remote,
    remoteDisplay: c.remoteDisplay,
    startedAt: iso(c.startedAt)!,
    answeredAt: iso(c.answeredAt),
    endedAt: iso(c.endedAt),
    outcome: c.outcome ?? null,
    durationSeconds: c.durationSeconds ?? 0,
    subject: c.subjectType && c.subjectId ? { type: c.subjectType, id: String(c.subjectId) } : null,
    activityId: c.activityId ? String(c.activityId) : null,
    userId: String(c.userId),
  };
}

/**
 * Yealink VOIP (issue 22, item 3): per-user phone settings with the password sealed, click-to-call
 * through the phone's Action URI, Action-URL events folded into one call each, CDR imports, and every
 * ended call written once as a `call` activity on the matching contact's or lead's timeline (which the
 * reporting roll-ups count: calls, answered calls, talk minutes per rep).
 */
export function createVoipService(deps: VoipDeps) {
  const Phone = voipPhoneModel(deps.connection);
  const Call = voipCallModel(deps.connection);
  const Contact = contactModel(deps.connection);
  const Lead = leadModel(deps.connection);
  const Entries = searchEntryModel(deps.connection);
  const links = signedLinks(deps.box, 'voip-action-url');
  const now = deps.now ?? (() => new Date());

  function actionUrls(phone: VoipPhone): Record<string, string> {
    const token = links.issue([String(phone.tenantId), String(phone._id)]);
    const base = `${deps.publicBase.replace(/\/$/, '')}/v1/voip/events/${token}`;
    return Object.fromEntries(actionUrlEvents.map((event) => [event, `${base}?event=${event}&call_id=$call_id&remote=$remote&local=$local&display_remote=$display_remote`]));
  }

  function toPhoneDto(p: VoipPhone) {
    return {
      host: p.host,
      https: p.https,
      username: p.username,
      password: { set: Boolean(p.passwordSealed) },
      extension: p.extension,
      outgoingUri: p.outgoingUri,
      actionUrls: actionUrls(p),
      lastDial: p.lastDial ? { ok: p.lastDial.ok, at: iso(p.lastDial.at)!, message: p.lastDial.message } : null,
      updatedAt: iso(p.updatedAt)!,
    };
  }

  async function phoneOf(principal: Principal) {
    return Phone.findOne({ tenantId: principal.tenantId, userId: principal.userId }).lean();
  }

  /** The contact or lead whose number ends like `remote`, through the search index's phone tokens (equality lookups only). */
  async function matchNumber(tenantId: Types.ObjectId, remote: string): Promise<SubjectRef | null> {
    const digits = normalisePhone(remoteNumber(remote));
    if (digits.length < 6) return null;
    // Every stored number ending like it shares its last 6 digits (platform/search/search-tokens.ts); `sameNumber` confirms.
    const token = phoneEndingToken(digits);
    for (const [kind, Model] of [['contact', Contact], ['lead', Lead]] as const) {
      const entries = await Entries.find({ key: searchKey(tenantId, kind, token), tenantId } as never).select({ recordId: 1 }).limit(50).lean();
      if (!entries.length) continue;
      const records = await (Model as typeof Contact).find({ tenantId, _id: op({ $in: entries.map((e) => e.recordId) }) } as never).select({ phones: 1, updatedAt: 1 }).lean();
      const hit = records
        .filter((r) => (r.phones ?? []).some((p) => sameNumber(p.value, digits)))
        .sort((a, b) => new Date(b.updatedAt ?? 0).getTime() - new Date(a.updatedAt ?? 0).getTime())[0];
      if (hit) return { type: kind, id: String(hit._id) };
    }
    return null;
  }

  /**
   * Writes an ended call as its activity, exactly once (the claim on its key decides, also between two
   * API processes), as the phone's user: on the matched contact or lead, or on none when nothing matched.
   */
  async function finalize(call: VoipCall, actor?: Principal): Promise<VoipCall> {
    if (!(await claimOnce(deps.connection, `voip-call:${String(call.tenantId)}:${call.callKey}`))) return call;
    const durationSeconds = call.answeredAt && call.endedAt ? Math.max(0, Math.round((call.endedAt.getTime() - call.answeredAt.getTime()) / 1000)) : call.durationSeconds ?? 0;
    const outcome: CallOutcome = call.outcome ?? (call.answeredAt ? 'answered' : 'missed');
    const subject = call.subjectId && call.subjectType ? { type: call.subjectType, id: String(call.subjectId) } : await matchNumber(call.tenantId, call.remote);
    const patch: Partial<VoipCall> = { durationSeconds, outcome, ...(subject ? { subjectType: subject.type, subjectId: new Types.ObjectId(subject.id) } : {}) };
    const principal = actor ?? (await loadPrincipal(deps.connection, { tenantId: call.tenantId, userId: call.userId }));
    if (subject && principal) {
      const who = call.remoteDisplay && call.remoteDisplay !== call.remote ? `${call.remoteDisplay} (${call.remote})` : call.remote;
      try {
        const activity = (await deps.activities.create(principal, {
          type: 'call',
          title: `${call.direction === 'inbound' ? 'Incoming' : 'Outgoing'} call: ${outcome}`,
          body: `Yealink call with ${who}: ${outcome}${durationSeconds ? `, talk time ${clock(durationSeconds)}` : ''}.`,
          subject,
          occurredAt: call.startedAt.toISOString(),
          direction: call.direction,
          durationMinutes: minutesOf(durationSeconds),
          outcome,
          tags: ['voip'],
        })) as { id: string };
        patch.activityId = new Types.ObjectId(activity.id);
      } catch (error) {
        // The phone's user may not see the matched record: the call stays in the call list, unlinked.
        if (!(error instanceof AppError)) throw error;
        delete patch.subjectType;
        delete patch.subjectId;
      }
    }
    await Call.updateOne({ tenantId: call.tenantId, _id: call._id }, { $set: patch });
    return { ...call, ...patch } as VoipCall;
  }

  /** The call of `callKey`, created on its first event; a concurrent first event finds the other's document. */
  async function callFor(phone: VoipPhone, callKey: string, fresh: () => Partial<VoipCall>): Promise<VoipCall> {
    const found = await Call.findOne({ tenantId: phone.tenantId, callKey }).lean();
    if (found) return found;
    try {
      return (await Call.create({ tenantId: phone.tenantId, callKey, phoneId: phone._id, userId: phone.userId, source: 'action-url', events: [], ...fresh() })).toObject();
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return (await Call.findOne({ tenantId: phone.tenantId, callKey }).lean())!;
    }
  }

  return {
    async getPhone(principal: Principal) {
      const phone = await phoneOf(principal);
      if (!phone) throw AppError.notFound('Your phone settings');
      return toPhoneDto(phone);
    },

    async putPhone(principal: Principal, input: PhoneInput) {
      const existing = await phoneOf(principal);
      if (!existing && !input.password) throw AppError.invalidField('password', "is required the first time: the phone's web password");
      const set = { host: input.host, https: input.https, username: input.username, extension: input.extension, outgoingUri: input.outgoingUri, ...(input.password ? { passwordSealed: deps.box.encrypt(input.password) } : {}) };
      if (existing) await Phone.updateOne({ tenantId: principal.tenantId, _id: existing._id }, { $set: set });
      else {
        try {
          await Phone.create({ tenantId: principal.tenantId, userId: principal.userId, ...set });
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          await Phone.updateOne({ tenantId: principal.tenantId, userId: principal.userId }, { $set: set });
        }
      }
      return toPhoneDto((await phoneOf(principal))!);
    },

    async deletePhone(principal: Principal) {
      const removed = await Phone.deleteOne({ tenantId: principal.tenantId, userId: principal.userId });
      if (!removed.deletedCount) throw AppError.notFound('Your phone settings');
    },

    /** Dials the record's number on the caller's phone and records the attempt (the phone's events then complete it). */
    async clickToCall(principal: Principal, input: { subject: SubjectRef; number?: string | undefined }) {
      const phone = await phoneOf(principal);
      if (!phone) throw new AppError('conflict', 'No phone is set up for you: save your Yealink phone first (PUT /v1/voip/phone)');
      const record = await deps.findSubject(principal, input.subject);
      const phones = (record.phones ?? []).filter((p) => normalisePhone(p.value).length >= 3);
      let chosen: string | undefined;
      if (input.number) {
        chosen = phones.find((p) => normalisePhone(p.value) === normalisePhone(input.number!))?.value;
        if (!chosen) throw AppError.invalidField('number', `is not one of this ${input.subject.type}'s numbers`);
      } else {
        chosen = (phones.find((p) => p.primary) ?? phones[0])?.value;
        if (!chosen) throw AppError.invalidField('subject.id', `has no phone number: add one to the ${input.subject.type} first`);
      }
      const dialled = `${chosen.trim().startsWith('+') ? '+' : ''}${normalisePhone(chosen)}`;
      const at = now();
      try {
        await sendActionUri({ host: phone.host, https: phone.https, username: phone.username, password: deps.box.decrypt(phone.passwordSealed) }, dialUri(phone, dialled, phone.outgoingUri));
        await Phone.updateOne({ tenantId: phone.tenantId, _id: phone._id }, { $set: { lastDial: { ok: true, at, message: `dialled ${dialled}` } } });
      } catch (error) {
        if (!(error instanceof YealinkError)) throw error;
        await Phone.updateOne({ tenantId: phone.tenantId, _id: phone._id }, { $set: { lastDial: { ok: false, at, message: error.message } } });
        throw new AppError('conflict', `The call was not placed: ${error.message}`, { errors: [{ field: 'phone', code: 'phone_refused', message: error.message }] });
      }
      const call = await Call.create({
        tenantId: principal.tenantId, callKey: `c2c:${randomUUID()}`, phoneId: phone._id, userId: principal.userId, source: 'click-to-call', direction: 'outbound',
        remote: dialled, remoteDisplay: '', startedAt: at, subjectType: input.subject.type, subjectId: new Types.ObjectId(input.subject.id), events: ['dialled'],
      });
      return toCallDto(call.toObject());
    },

    async listCalls(principal: Principal, limit: number) {
      const calls = await Call.find({ tenantId: principal.tenantId, userId: principal.userId }).sort({ startedAt: -1 }).limit(limit).lean();
      return { object: 'list' as const, data: calls.map(toCallDto) };
    },

    /** One Action-URL request of a phone: folded into its call; a repeat (same call id and event) changes nothing. */
    async applyEvent(token: string, input: { event: ActionUrlEvent; call_id: string; remote: string; local: string; display_remote: string }, at: Date = now()) {
      const values = links.read(token, 2);
      const refuse = () => new AppError('unauthenticated', 'This action URL is not valid (or its phone was removed): copy the action URLs again from the phone settings', { errors: [{ field: 'token', code: 'invalid', message: 'not a valid action URL token' }] });
      if (!values || !Types.ObjectId.isValid(values[0]!) || !Types.ObjectId.isValid(values[1]!)) throw refuse();
      const phone = await Phone.findOne({ tenantId: new Types.ObjectId(values[0]), _id: new Types.ObjectId(values[1]) }).lean();
      if (!phone) throw refuse();
      const remote = remoteNumber(input.remote);
      const inbound = !['outgoing_call', 'remote_busy'].includes(input.event);
      const call = await callFor(phone, `${String(phone._id)}:${input.call_id}`, () => ({ direction: inbound ? 'inbound' : 'outbound', remote, remoteDisplay: input.display_remote.trim(), startedAt: at }));
      if (call.events.includes(input.event) || call.activityId || (call.outcome && call.endedAt)) return { applied: false };
      const set: Partial<VoipCall> = {};
      if (!call.remote && remote) set.remote = remote;
      if (!call.remoteDisplay && input.display_remote.trim()) set.remoteDisplay = input.display_remote.trim();
      if (input.event === 'outgoing_call' && call.direction !== 'outbound') set.direction = 'outbound';
      if (input.event === 'outgoing_call' && !call.subjectId) {
        // A click-to-call placed a moment ago from this phone to this number: the call is about that record.
        const attempt = await Call.findOne({ tenantId: phone.tenantId, phoneId: phone._id, source: 'click-to-call', startedAt: op({ $gte: new Date(at.getTime() - 120_000) }) }).sort({ startedAt: -1 }).lean();
        if (attempt && sameNumber(attempt.remote, remote) && attempt.subjectId) Object.assign(set, { subjectType: attempt.subjectType, subjectId: attempt.subjectId });
      }
      if (input.event === 'call_established' && !call.answeredAt) set.answeredAt = at;
      const ending: Partial<Record<ActionUrlEvent, CallOutcome | 'auto'>> = { call_terminated: 'auto', missed_call: 'missed', remote_busy: 'busy', call_remote_canceled: 'missed' };
      const end = ending[input.event];
      if (end) {
        set.endedAt = at;
        set.outcome = end === 'auto' ? (call.answeredAt ? 'answered' : 'missed') : end;
      }
      await Call.updateOne({ tenantId: phone.tenantId, _id: call._id }, { $set: set, $push: { events: input.event } });
      if (end) await finalize({ ...call, ...set, events: [...call.events, input.event] } as VoipCall);
      return { applied: true };
    },

    /** A call-log (CDR) export: one call per call id, each written as an activity once; a second upload adds nothing. */
    async importCdr(principal: Principal, csv: string) {
      let rows: Record<string, string>[];
      try {
        rows = parse(csv, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase().replace(/[\s-]+/g, '_')), bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, delimiter: [',', ';', '\t'] });
      } catch (error) {
        throw AppError.invalidField('csv', `could not be read as CSV: ${(error as Error).message}`);
      }
      const phone = await phoneOf(principal);
      const col = (row: Record<string, string>, ...names: string[]) => names.map((n) => row[n]).find((v) => v !== undefined && v !== '') ?? '';
      const result = { rows: rows.length, imported: 0, duplicates: 0, unmatched: 0, errors: [] as { row: number; message: string }[] };
      for (const [index, row] of rows.entries()) {
        const line = index + 2;
        const callId = col(row, 'callid', 'call_id', 'uid', 'cdrid', 'id');
        const started = parseStart(col(row, 'timestart', 'time_start', 'start_time', 'time', 'date'));
        if (!callId) { result.errors.push({ row: line, message: 'no call id (column callid)' }); continue; }
        if (!started) { result.errors.push({ row: line, message: 'no readable start time (column timestart, e.g. 2026-12-01 09:30:00)' }); continue; }
        const from = col(row, 'callfrom', 'call_from', 'from', 'caller');
        const to = col(row, 'callto', 'call_to', 'to', 'callee');
        const type = col(row, 'type', 'direction', 'communication_type').toLowerCase();
        const outbound = type.startsWith('out') || (!type.startsWith('in') && phone?.extension !== undefined && phone.extension !== '' && normalisePhone(from) === normalisePhone(phone.extension));
        const status = col(row, 'status', 'disposition').toUpperCase().replace(/_/g, ' ');
        const outcome: CallOutcome = status.startsWith('ANSWER') ? 'answered' : status === 'BUSY' ? 'busy' : 'missed';
        const talk = outcome === 'answered' ? parseSeconds(col(row, 'talkduraction', 'talk_duration', 'talkduration', 'billsec', 'duration')) : 0;
        const remote = remoteNumber(outbound ? to : from);
        let call: VoipCall;
        try {
          call = (await Call.create({
            tenantId: principal.tenantId, callKey: `cdr:${callId}`, phoneId: phone?._id ?? null, userId: principal.userId, source: 'cdr', direction: outbound ? 'outbound' : 'inbound',
            remote, remoteDisplay: '', startedAt: started, answeredAt: null, endedAt: new Date(started.getTime() + talk * 1000), outcome, durationSeconds: talk, events: ['cdr'],
          })).toObject();
        } catch (error) {
          if (isDuplicateKeyError(error)) { result.duplicates += 1; continue; }
          throw error;
        }
        const done = await finalize(call, principal);
        if (done.activityId) result.imported += 1;
        else result.unmatched += 1;
      }
      return result;
    },
  };
}

/** `2026-12-01 09:30:00` (the PBX's local time, read as UTC), ISO 8601, or Unix seconds. */
function parseStart(text: string): Date | null {
  if (!text) return null;
  if (/^\d{9,11}$/.test(text)) return new Date(Number(text) * 1000);
  const value = new Date(/^\d{4}-\d{2}-\d{2} \d/.test(text) && !/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? `${text.replace(' ', 'T')}Z` : text);
  return Number.isNaN(value.getTime()) ? null : value;
}

/** Seconds, or `h:mm:ss` / `mm:ss`. */
function parseSeconds(text: string): number {
  if (!text) return 0;
  if (text.includes(':')) return text.split(':').map(Number).reduce((total, part) => total * 60 + (Number.isFinite(part) ? part : 0), 0);
  const n = Number(text);
  return Number.isFinite(n) && n > 0 ? Math.round(n) : 0;
}

export type VoipService = ReturnType<typeof createVoipService>;
