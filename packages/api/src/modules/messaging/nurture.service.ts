import { createHash } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Principal } from '../../platform/access/principal.js';
import { op } from '../../platform/db/operators.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import { pageOf, type PageQuery } from '../../platform/records/list-query.js';
import type { TemplatesService } from '../templates/templates.service.js';
import type { DeliveryEngine } from './delivery.engine.js';
import { sendModel } from './messaging.model.js';
import { nurtureEnrollmentModel, nurtureSequenceModel, type NurtureEnrollment, type NurtureSequence } from './nurture.model.js';
import type { Recipients } from './recipients.js';

/** The job that sends every due step (every minute). */
export const NURTURE_JOB = 'messaging.nurture-steps';

const DAY_MS = 24 * 3600_000;
const objectIdFrom = (text: string) => new Types.ObjectId(createHash('sha256').update(text).digest().subarray(0, 12).toString('hex'));

const toSequenceDto = (s: NurtureSequence) => ({
  id: String(s._id),
  name: s.name,
  steps: s.steps.map((step) => ({ templateId: String(step.templateId), delayDays: step.delayDays })),
  active: s.active,
  createdBy: String(s.createdBy),
  createdAt: new Date(s.createdAt).toISOString(),
});
const toEnrollmentDto = (e: NurtureEnrollment) => ({
  contactId: String(e.contactId),
  state: e.state,
  nextStep: e.nextStep,
  nextAt: e.nextAt ? new Date(e.nextAt).toISOString() : null,
  stoppedReason: e.stoppedReason,
  enrolledAt: new Date(e.createdAt).toISOString(),
});

/**
 * Lead nurturing (004): a sequence of follow-up emails (templates of category `nurturing`) spaced in
 * days. Each due step becomes a one-recipient send whose id comes from (enrolment, step) and runs through
 * the delivery ledger, so a step goes out once however often the job runs, on however many workers; an
 * unsubscribe or suppression makes the remaining steps `skipped` in the ledger.
 */
export function createNurtureService(deps: { connection: Connection; templates: TemplatesService; recipients: Recipients; engine: DeliveryEngine; logger: Logger }) {
  const Sequence = nurtureSequenceModel(deps.connection);
  const Enrollment = nurtureEnrollmentModel(deps.connection);
  const Send = sendModel(deps.connection);

  const find = async (principal: Principal, id: string) => {
    const s = await Sequence.findOne({ tenantId: principal.tenantId, _id: new Types.ObjectId(id) }).lean();
    if (!s) throw AppError.notFound('Nurture sequence');
    return s;
  };

  /** Sends one enrolment's due step and moves it on; safe to repeat (the step's send id is fixed). */
  async function runStep(enrollment: NurtureEnrollment, sequence: NurtureSequence | null, now: Date, keepAlive: () => Promise<void>): Promise<boolean> {
    const step = sequence?.active ? sequence.steps[enrollment.nextStep] : undefined;
    if (!sequence || !step) {
      const state = sequence && enrollment.nextStep >= sequence.steps.length ? 'completed' : 'stopped';
      await Enrollment.updateOne({ tenantId: enrollment.tenantId, _id: enrollment._id }, { $set: { state, nextAt: null, stoppedReason: state === 'stopped' ? 'the sequence was turned off' : null } });
      return false;
    }
    const sendId = objectIdFrom(`nurture:${String(enrollment._id)}:${enrollment.nextStep}`);
    const agency = await deps.recipients.agency(enrollment.tenantId);
    try {
      await Send.create({
        _id: sendId,
        tenantId: enrollment.tenantId,
        kind: 'nurture',
        name: `${sequence.name}: step ${enrollment.nextStep + 1}`,
        templateId: step.templateId,
        category: 'nurturing',
        targets: { segmentId: null, contactIds: [enrollment.contactId], customerIds: [] },
        sendAt: now,
        timeZone: agency.timeZone,
        fromUser: false,
        createdBy: sequence.createdBy,
        total: 1,
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    await deps.engine.run(enrollment.tenantId, sendId, keepAlive);
    const following = sequence.steps[enrollment.nextStep + 1];
    // Moved on only from the step it was at: a second worker that ran the same step changes nothing.
    const current = await Enrollment.findOne({ tenantId: enrollment.tenantId, _id: enrollment._id }).lean();
    if (current?.state === 'active' && current.nextStep === enrollment.nextStep) {
      await Enrollment.updateOne(
        { tenantId: enrollment.tenantId, _id: enrollment._id, nextStep: enrollment.nextStep },
        { $set: following ? { nextStep: enrollment.nextStep + 1, nextAt: new Date(now.getTime() + following.delayDays * DAY_MS) } : { nextStep: enrollment.nextStep + 1, nextAt: null, state: 'completed' } },
      );
    }
    return true;
  }

  return {
    async create(principal: Principal, input: { name: string; steps: { templateId: string; delayDays: number }[] }) {
      const steps = [];
      for (const [i, step] of input.steps.entries()) {
        const template = await deps.templates.load(principal.tenantId, step.templateId).catch(() => {
          throw AppError.invalidField(`steps.${i}.templateId`, 'is not a template of this agency');
        });
        if (template.category !== 'nurturing') throw AppError.invalidField(`steps.${i}.templateId`, `must be a template of category nurturing, not ${template.category}`);
        steps.push({ templateId: template._id, delayDays: step.delayDays });
      }
      const created = await Sequence.create({ tenantId: principal.tenantId, name: input.name, steps, createdBy: principal.userId });
      return toSequenceDto(created.toObject());
    },
    async list(principal: Principal, page: PageQuery) {
      return pageOf(Sequence, { tenantId: principal.tenantId }, page, toSequenceDto);
    },
    async get(principal: Principal, id: string) {
      return toSequenceDto(await find(principal, id));
    },
    async setActive(principal: Principal, id: string, active: boolean) {
      const s = await find(principal, id);
      await Sequence.updateOne({ tenantId: principal.tenantId, _id: s._id }, { $set: { active } });
      return toSequenceDto({ ...s, active });
    },
    /** Enrols contacts the caller may see; a contact already in the sequence stays where it is. */
    async enroll(principal: Principal, id: string, contactIds: string[]) {
      const sequence = await find(principal, id);
      if (!sequence.active) throw new AppError('conflict', 'This sequence is turned off; turn it on to enrol contacts');
      const now = new Date();
      let enrolled = 0;
      let already = 0;
      for (const contactId of [...new Set(contactIds)]) {
        const contact = await deps.recipients.visible(principal, 'contact', contactId);
        try {
          await Enrollment.create({
            _id: objectIdFrom(`enrol:${String(sequence._id)}:${String(contact.id)}`),
            tenantId: principal.tenantId,
            sequenceId: sequence._id,
            contactId: contact.id,
            nextAt: new Date(now.getTime() + sequence.steps[0]!.delayDays * DAY_MS),
            enrolledBy: principal.userId,
          });
          enrolled += 1;
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          already += 1;
        }
      }
      return { enrolled, alreadyEnrolled: already };
    },
    /** Enrolments in the order they were made (ids derive from sequence and contact, so by enrolment time). */
    async enrollments(principal: Principal, id: string, page: PageQuery) {
      const sequence = await find(principal, id);
      return pageOf(Enrollment, { tenantId: principal.tenantId, sequenceId: sequence._id }, page, toEnrollmentDto, { plan: { path: 'createdAt', direction: 1, kind: 'date', mongo: { createdAt: 1, _id: 1 } } });
    },
    async stop(principal: Principal, id: string, contactId: string) {
      const sequence = await find(principal, id);
      const _id = objectIdFrom(`enrol:${String(sequence._id)}:${contactId}`);
      const res = await Enrollment.updateOne({ tenantId: principal.tenantId, _id, state: 'active' }, { $set: { state: 'stopped', nextAt: null, stoppedReason: 'stopped by staff' } });
      if (!res.matchedCount) throw AppError.notFound('Active enrolment');
    },
    /** The job: every enrolment whose next step is due gets it (in batches of 500 per run); `keepAlive` renews the job's lock. */
    async runDue(now: Date, keepAlive: () => Promise<void> = async () => {}) {
      const due = await Enrollment.find({ state: 'active', nextAt: op({ $lte: now }) })
        .setOptions({ crossTenant: 'the nurture job visits every agency' })
        .sort({ nextAt: 1 })
        .limit(500)
        .lean();
      const sequences = new Map<string, NurtureSequence | null>();
      let sent = 0;
      for (const enrollment of due) {
        const key = String(enrollment.sequenceId);
        if (!sequences.has(key)) sequences.set(key, await Sequence.findOne({ tenantId: enrollment.tenantId, _id: enrollment.sequenceId }).lean());
        try {
          if (await runStep(enrollment, sequences.get(key)!, now, keepAlive)) sent += 1;
        } catch (error) {
          deps.logger.error({ err: error, enrollment: String(enrollment._id) }, 'nurture step failed; retried on the next run');
        }
      }
      return { due: due.length, sent };
    },
  };
}

export type NurtureService = ReturnType<typeof createNurtureService>;
