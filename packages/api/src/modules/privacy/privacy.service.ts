import { Types, type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { assertCan } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { op } from '../../platform/db/operators.js';
import { AppError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import { erasePerson } from './privacy.erase.js';
import { countsOf, exportPerson } from './privacy.export.js';
import { findFootprint, maskSubject, type Footprint, type PrivacySubject } from './privacy.footprint.js';
import { privacyRequestModel, retentionKinds, retentionRuleModel, type PrivacyRequest, type RetentionKind } from './privacy.model.js';
import type { PrivacyRecordKinds } from './privacy.records.js';

/** What an erasure must be confirmed with (the console asks the admin to type it). */
export const ERASE_CONFIRMATION = 'ERASE';

function toRequestDto(r: PrivacyRequest) {
  return {
    id: String(r._id),
    type: r.type,
    status: r.status,
    source: r.source,
    subject: r.subjectMask,
    counts: r.counts ?? {},
    steps: (r.steps ?? []).map((s) => ({ at: new Date(s.at).toISOString(), action: s.action, byUserId: s.byUserId ? String(s.byUserId) : null, detail: s.detail ?? null })),
    requestedBy: r.requestedBy ? String(r.requestedBy) : null,
    createdAt: new Date(r.createdAt).toISOString(),
    completedAt: r.completedAt ? new Date(r.completedAt).toISOString() : null,
  };
}

function assertSubject(subject: PrivacySubject): void {
  if (!subject.email && !subject.phone && !subject.contactId && !subject.leadId) throw AppError.invalidField('email', 'or phone, contactId or leadId is required to find the person');
}

function monthsAgo(months: number, now: Date): Date {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d;
}

/**
 * GDPR / CCPA requests of an agency (issue 22): who is held (counts per kind), an export of all of it,
 * an erasure that leaves only a suppression hash, the request history, and retention rules that a
 * daily job enforces as erasures of source `retention`. Admin-only: `privacyRequest` is granted to no
 * built-in role but Admin.
 */
export function createPrivacyService(deps: { connection: Connection; events: EventBus; kinds: PrivacyRecordKinds; logger: Logger }) {
  const { connection, events } = deps;
  const Requests = privacyRequestModel(connection);
  const Rules = retentionRuleModel(connection);

  async function record(tenantId: Types.ObjectId, type: PrivacyRequest['type'], subject: PrivacySubject, by: Types.ObjectId | null, source: PrivacyRequest['source'], run: (id: Types.ObjectId) => Promise<Record<string, number>>) {
    const id = new Types.ObjectId();
    const received = { at: new Date(), action: 'received' as const, byUserId: by, detail: null };
    await Requests.create({ _id: id, tenantId, type, status: 'failed', subjectMask: maskSubject(subject), counts: {}, steps: [received], requestedBy: by, source, completedAt: null });
    try {
      const counts = await run(id);
      const done = { at: new Date(), action: type === 'export' ? ('exported' as const) : ('erased' as const), byUserId: by, detail: null };
      await Requests.updateOne({ tenantId, _id: id }, { $set: { status: 'completed', counts, completedAt: done.at, steps: [received, done] } });
      await events.publish({ type: `privacyRequest.${type === 'export' ? 'exported' : 'erased'}`, tenantId, resource: 'privacyRequest', resourceId: String(id), actor: { tenantId, userId: by, apiKeyId: null }, data: { source, counts } });
      return (await Requests.findOne({ tenantId, _id: id }).lean())!;
    } catch (error) {
      const failed = { at: new Date(), action: 'failed' as const, byUserId: by, detail: error instanceof AppError ? error.message : 'the request stopped on an error; run it again' };
      await Requests.updateOne({ tenantId, _id: id }, { $set: { steps: [received, failed] } });
      throw error;
    }
  }

  async function erase(tenantId: Types.ObjectId, person: Footprint, subject: PrivacySubject, by: Types.ObjectId | null, source: PrivacyRequest['source']) {
    return record(tenantId, 'erasure', subject, by, source, (id) => erasePerson({ connection, events, kinds: deps.kinds }, person, id, by, { suppress: source === 'admin' }));
  }

  /** The leads or contacts a rule would erase now: ids of records untouched since the cut-off. */
  async function expired(tenantId: Types.ObjectId, kind: RetentionKind, months: number, now: Date): Promise<Types.ObjectId[]> {
    const cutoff = monthsAgo(months, now);
    // By tenant (pushed down) with the time compared here: FerretDB pushes no range down, and a daily job may read the agency's records once.
    const docs = await connection.db!.collection(kind === 'lead' ? 'leads' : 'contacts').find({ tenantId }).project<{ _id: Types.ObjectId; updatedAt?: Date }>({ updatedAt: 1 }).toArray();
    return docs.filter((d) => d.updatedAt && new Date(d.updatedAt) < cutoff).map((d) => d._id);
  }

  return {
    /** Who is held: the masked subject and how many records of each kind (nothing is changed). */
    async preview(principal: Principal, subject: PrivacySubject) {
      assertCan(principal, 'privacyRequest', 'read');
      assertSubject(subject);
      const person = await findFootprint(connection, principal.tenantId, subject);
      const counts = countsOf(await exportPerson(connection, person));
      return { subject: maskSubject(subject), found: person.contactIds.length + person.leadIds.length + person.customerUserIds.length > 0, counts };
    },

    /** Everything held about the person, recorded as an export request. */
    async export(principal: Principal, subject: PrivacySubject) {
      assertCan(principal, 'privacyRequest', 'create');
      assertSubject(subject);
      const person = await findFootprint(connection, principal.tenantId, subject);
      let data: Record<string, unknown[]> = {};
      const request = await record(principal.tenantId, 'export', subject, principal.userId, 'admin', async () => {
        data = await exportPerson(connection, person);
        return countsOf(data);
      });
      return { request: toRequestDto(request), generatedAt: new Date().toISOString(), data };
    },

    /** Erases the person (typed confirmation required); answers the request with counts per kind. */
    async erase(principal: Principal, subject: PrivacySubject, confirmation: string) {
      assertCan(principal, 'privacyRequest', 'create');
      assertSubject(subject);
      if (confirmation !== ERASE_CONFIRMATION) throw AppError.invalidField('confirmation', `must be "${ERASE_CONFIRMATION}" to erase the person`, 'confirmation_required');
      const person = await findFootprint(connection, principal.tenantId, subject);
      return toRequestDto(await erase(principal.tenantId, person, subject, principal.userId, 'admin'));
    },

    /** The agency's requests, newest first (the last 200). */
    async list(principal: Principal) {
      assertCan(principal, 'privacyRequest', 'read');
      const all = await Requests.find({ tenantId: principal.tenantId }).lean();
      all.sort((a, b) => (a._id < b._id ? 1 : -1));
      return { object: 'list' as const, data: all.slice(0, 200).map(toRequestDto), hasMore: all.length > 200, nextCursor: null };
    },

    /** The agency's retention rules (kinds without a rule keep their records). */
    async getRetention(principal: Principal) {
      assertCan(principal, 'privacyRequest', 'read');
      const rules = await Rules.find({ tenantId: principal.tenantId }).lean();
      return { rules: retentionKinds.map((kind) => rules.find((r) => r.kind === kind)).filter((r) => r !== undefined).map((r) => ({ kind: r.kind, months: r.months, enabled: r.enabled })) };
    },

    /** Replaces the agency's retention rules. */
    async putRetention(principal: Principal, input: { rules: Array<{ kind: RetentionKind; months: number; enabled: boolean }> }) {
      assertCan(principal, 'privacyRequest', 'update');
      const kinds = new Set<string>();
      input.rules.forEach((rule, i) => {
        if (kinds.has(rule.kind)) throw AppError.invalidField(`rules.${i}.kind`, `names ${rule.kind} twice; one rule per kind`);
        kinds.add(rule.kind);
      });
      await Rules.deleteMany({ tenantId: principal.tenantId, kind: op({ $nin: [...kinds] }) } as never);
      for (const rule of input.rules) {
        await Rules.updateOne({ tenantId: principal.tenantId, _id: `${String(principal.tenantId)}:${rule.kind}` }, { $set: { kind: rule.kind, months: rule.months, enabled: rule.enabled, updatedBy: principal.userId }, $setOnInsert: { tenantId: principal.tenantId } }, { upsert: true });
      }
      return this.getRetention(principal);
    },

    /** How many records each enabled rule would erase now (nothing is changed). */
    async retentionDryRun(principal: Principal, now = new Date()) {
      assertCan(principal, 'privacyRequest', 'read');
      const rules = await Rules.find({ tenantId: principal.tenantId, enabled: true }).lean();
      const counts: Record<string, number> = {};
      for (const rule of rules) counts[rule.kind] = (await expired(principal.tenantId, rule.kind, rule.months, now)).length;
      return { counts };
    },

    /** Applies every agency's enabled rules: each expired record is erased as its own request (source `retention`, no suppression). */
    async runRetention(now = new Date(), keepAlive: () => Promise<void> = async () => {}) {
      // Across agencies on purpose: the rules say which agencies have anything to do.
      const rules = await Rules.find({ enabled: true }).setOptions({ crossTenant: 'the daily job walks every agency with a rule' } as never).lean();
      let erased = 0;
      for (const rule of rules) {
        try {
          for (const id of await expired(rule.tenantId, rule.kind, rule.months, now)) {
            const subject = rule.kind === 'lead' ? { leadId: String(id) } : { contactId: String(id) };
            const person = await findFootprint(connection, rule.tenantId, subject);
            // A lead untouched for the period whose person is still a live contact elsewhere keeps the contact: only the expired record goes.
            const only: Footprint = rule.kind === 'lead' ? { ...person, contacts: [], contactIds: [], customerUsers: [], customerUserIds: [] } : person;
            await erase(rule.tenantId, only, subject, null, 'retention');
            erased += 1;
            await keepAlive();
          }
        } catch (error) {
          deps.logger.error({ err: error, tenantId: String(rule.tenantId), kind: rule.kind }, 'privacy retention failed for an agency');
        }
      }
      return { rules: rules.length, erased };
    },
  };
}
export type PrivacyService = ReturnType<typeof createPrivacyService>;
