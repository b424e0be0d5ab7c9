import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { Logger } from 'pino';
import { assertCan } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import type { SecretBox } from '../../platform/crypto/secret-box.js';
import { op } from '../../platform/db/operators.js';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import { erasePerson } from './privacy.erase.js';
import { findFootprint, maskSubject, type PrivacySubject } from './privacy.footprint.js';
import { privacyRequestModel } from './privacy.model.js';
import type { PrivacyRecordKinds } from './privacy.records.js';

/** The Agenda job that runs one erasure: `{ tenantId, jobId }`. */
export const PRIVACY_ERASURE_JOB = 'privacy.erasure';
const MAX_ATTEMPTS = 5;

/** An erasure asked for and run in the background; its `_id` becomes the privacy request's. */
export interface PrivacyErasureJob {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  status: 'queued' | 'running' | 'completed' | 'failed';
  subjectMask: string;
  /** The person's identifiers, sealed; dropped once the erasure completed. */
  subjectSealed: string | null;
  requestedBy: Types.ObjectId | null;
  attempts: number;
  counts: Record<string, number>;
  error: string | null;
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const jobSchema = new Schema<PrivacyErasureJob>(
  {
    status: { type: String, enum: ['queued', 'running', 'completed', 'failed'], required: true },
    subjectMask: { type: String, required: true },
    subjectSealed: { type: String, default: null },
    requestedBy: { type: Schema.Types.ObjectId, default: null },
    attempts: { type: Number, default: 0 },
    counts: { type: Schema.Types.Mixed, default: () => ({}) },
    error: { type: String, default: null },
    completedAt: { type: Date, default: null },
  },
  { timestamps: true, versionKey: false, minimize: false, collection: 'privacy_erasure_jobs' },
);
jobSchema.plugin(tenantScoped);

export function privacyErasureJobModel(connection: Connection): Model<PrivacyErasureJob> {
  return (connection.models.PrivacyErasureJob as Model<PrivacyErasureJob> | undefined) ?? connection.model<PrivacyErasureJob>('PrivacyErasureJob', jobSchema);
}

/** The public shape of an erasure job, with the URL to poll. */
export function toErasureJobDto(j: PrivacyErasureJob) {
  return {
    id: String(j._id),
    status: j.status,
    subject: j.subjectMask,
    attempts: j.attempts,
    counts: j.counts ?? {},
    error: j.error,
    statusUrl: `/v1/privacy/erasure-jobs/${String(j._id)}`,
    requestId: j.status === 'completed' ? String(j._id) : null,
    createdAt: new Date(j.createdAt).toISOString(),
    completedAt: j.completedAt ? new Date(j.completedAt).toISOString() : null,
  };
}

/**
 * Erasure as a background job (202 and a status URL): the request stores the person's identifiers
 * sealed, an Agenda job (one per request: `scheduleUnique`) erases. Resumable: erasing is idempotent
 * (a second pass finds what the first left), so a run that died is simply run again by Agenda when its
 * lock lapses, or retried with backoff after an error. Exactly once: the privacy request is the insert
 * of the job's id into `privacy_requests`, and only the run that inserts it publishes
 * `privacyRequest.erased`; every later run finds the job completed and does nothing.
 */
export function createPrivacyErasureJobs(deps: { connection: Connection; events: EventBus; jobs: Jobs; kinds: PrivacyRecordKinds; box: SecretBox; logger: Logger }) {
  const { connection } = deps;
  const Jobs = privacyErasureJobModel(connection);
  const Requests = privacyRequestModel(connection);

  const schedule = (j: Pick<PrivacyErasureJob, '_id' | 'tenantId' | 'attempts'>, when: Date) =>
    deps.jobs.scheduleUnique(`${String(j._id)}:${j.attempts}`, when, PRIVACY_ERASURE_JOB, { tenantId: String(j.tenantId), jobId: String(j._id) });

  async function run(tenantId: Types.ObjectId, jobId: Types.ObjectId): Promise<void> {
    const job = await Jobs.findOne({ tenantId, _id: jobId }).lean<PrivacyErasureJob>();
    if (!job || job.status === 'completed' || !job.subjectSealed) return;
    const attempts = job.attempts + 1;
    await Jobs.updateOne({ tenantId, _id: jobId, status: op({ $in: ['queued', 'running', 'failed'] as PrivacyErasureJob['status'][] }) }, { $set: { status: 'running', attempts, error: null } });
    try {
      const subject = JSON.parse(deps.box.decrypt(job.subjectSealed)) as PrivacySubject;
      const person = await findFootprint(connection, tenantId, subject);
      const counts = await erasePerson({ connection, events: deps.events, kinds: deps.kinds }, person, jobId, job.requestedBy, { suppress: true });
      const at = new Date();
      let first = true;
      try {
        await Requests.create({
          _id: jobId, tenantId, type: 'erasure', status: 'completed', subjectMask: job.subjectMask, counts, requestedBy: job.requestedBy, source: 'admin', completedAt: at,
          steps: [{ at: job.createdAt, action: 'received', byUserId: job.requestedBy, detail: null }, { at, action: 'erased', byUserId: job.requestedBy, detail: null }],
        });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        first = false;
      }
      await Jobs.updateOne({ tenantId, _id: jobId }, { $set: { status: 'completed', ...(first ? { counts } : {}), subjectSealed: null, completedAt: at } });
      if (first) await deps.events.publish({ type: 'privacyRequest.erased', tenantId, resource: 'privacyRequest', resourceId: String(jobId), actor: { tenantId, userId: job.requestedBy, apiKeyId: null }, data: { source: 'admin', counts } });
    } catch (error) {
      const message = error instanceof AppError ? error.message : 'the erasure stopped on an error; it is retried';
      deps.logger.error({ err: error, jobId: String(jobId), attempts }, 'privacy erasure job failed');
      const final = attempts >= MAX_ATTEMPTS;
      await Jobs.updateOne({ tenantId, _id: jobId, status: 'running' }, { $set: { status: final ? 'failed' : 'queued', error: message } });
      if (!final) await schedule({ _id: jobId, tenantId, attempts }, new Date(Date.now() + 2 ** attempts * 1000));
    }
  }

  /** The person's identifiers, sealed with this instance's key (only the identifiers, nothing else). */
  const sealSubject = (subject: PrivacySubject) => deps.box.encrypt(JSON.stringify({ email: subject.email, phone: subject.phone, contactId: subject.contactId, leadId: subject.leadId }));

  return {
    run,
    sealSubject,

    /** Records an erasure request and queues its job; the person is found and erased by the job. */
    async request(principal: Principal, subject: PrivacySubject, confirmation: string) {
      assertCan(principal, 'privacyRequest', 'create');
      if (!subject.email && !subject.phone && !subject.contactId && !subject.leadId) throw AppError.invalidField('email', 'or phone, contactId or leadId is required to find the person');
      if (confirmation !== 'ERASE') throw AppError.invalidField('confirmation', 'must be "ERASE" to erase the person', 'confirmation_required');
      const created = await Jobs.create({ tenantId: principal.tenantId, status: 'queued', subjectMask: maskSubject(subject), subjectSealed: sealSubject(subject), requestedBy: principal.kind === 'user' ? principal.userId : null, attempts: 0 });
      await schedule(created, new Date());
      return toErasureJobDto(created.toObject());
    },

    /** One erasure job of the agency (404 for another agency's). */
    async get(principal: Principal, id: string) {
      assertCan(principal, 'privacyRequest', 'read');
      const job = Types.ObjectId.isValid(id) && id.length === 24 ? await Jobs.findOne({ tenantId: principal.tenantId, _id: new Types.ObjectId(id) }).lean<PrivacyErasureJob>() : null;
      if (!job) throw AppError.notFound('Erasure job');
      return toErasureJobDto(job);
    },

    /** Defines the job (a run that dies is run again by Agenda once its lock lapses). */
    define() {
      deps.jobs.define<{ tenantId: string; jobId: string }>(PRIVACY_ERASURE_JOB, async (job) => {
        await run(new Types.ObjectId(job.attrs.data.tenantId), new Types.ObjectId(job.attrs.data.jobId));
      });
    },
  };
}

export type PrivacyErasureJobs = ReturnType<typeof createPrivacyErasureJobs>;
