import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { AppError } from '../../platform/errors.js';
import { pageOf, type PageQuery } from '../../platform/records/list-query.js';
import { zonedTimeToUtc } from '../../platform/jobs/time.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import type { TemplatesService } from '../templates/templates.service.js';
import { SEND_JOB, toProgress, type DeliveryEngine } from './delivery.engine.js';
import { deliveryModel, sendModel, type Delivery, type Send } from './messaging.model.js';
import type { Recipients } from './recipients.js';
import type { SendHooks } from './send-hooks.js';

/** The public shape of a greeting, with its progress. */
export function toGreetingDto(s: Send) {
  return {
    id: String(s._id),
    name: s.name,
    templateId: String(s.templateId),
    category: s.category,
    targets: { segmentId: s.targets.segmentId ? String(s.targets.segmentId) : null, contactIds: s.targets.contactIds.map(String), customerIds: s.targets.customerIds.map(String) },
    sendAt: new Date(s.sendAt).toISOString(),
    timeZone: s.timeZone,
    fromUser: s.fromUser,
    campaignId: s.campaignId ? String(s.campaignId) : null,
    tracking: s.tracking ?? false,
    createdBy: String(s.createdBy),
    progress: toProgress(s),
    startedAt: s.startedAt ? new Date(s.startedAt).toISOString() : null,
    completedAt: s.completedAt ? new Date(s.completedAt).toISOString() : null,
    createdAt: new Date(s.createdAt).toISOString(),
  };
}

export interface GreetingInput {
  name: string;
  templateId: string;
  targets: { segmentId?: string | undefined; contactIds?: string[] | undefined; customerIds?: string[] | undefined };
  sendAt: string;
  fromUser?: boolean | undefined;
  campaignId?: string | undefined;
  tracking?: boolean | undefined;
}

/** A ledger entry whose outcome is not known (its worker died mid-send), as the API lists it. */
export function toUncertainDto(d: Delivery) {
  return {
    recipientType: d.recipientType,
    recipientId: String(d.recipientId),
    email: d.email,
    attempts: d.attempts,
    messageId: d.messageId,
    lastAttemptAt: d.claimedAt ? new Date(d.claimedAt).toISOString() : null,
    reason: d.error,
  };
}

/** Greetings (000): an admin schedules a template to contacts and customers at a time in the agency's zone. */
/** The members of a saved segment that a principal may see: contacts or customers, by id. */
export type SegmentMembers = (principal: Principal, segmentId: string) => Promise<{ resource: 'contact' | 'customer'; ids: Types.ObjectId[] }>;

export function createGreetingsService(deps: {
  connection: Connection;
  jobs: Jobs;
  templates: TemplatesService;
  recipients: Recipients;
  segmentMembers?: SegmentMembers;
  /** Throws when a send could not be delivered (production with no SMTP server for this sender). */
  assertCanDeliver?: (principal: Principal, fromUser: boolean) => Promise<void>;
  engine?: Pick<DeliveryEngine, 'resendUncertain'>;
  hooks?: SendHooks;
}) {
  const Send = sendModel(deps.connection);
  const Delivery = deliveryModel(deps.connection);
  const campaignOf = async (principal: Principal, id: string) => {
    if (!deps.hooks?.campaignOf) throw AppError.invalidField('campaignId', 'campaigns are not available here');
    return deps.hooks.campaignOf(principal, id);
  };
  const find = async (tenantId: Types.ObjectId, id: string) => {
    const s = await Send.findOne({ tenantId, _id: new Types.ObjectId(id) }).lean();
    if (!s) throw AppError.notFound('Greeting');
    return s;
  };
  return {
    async create(principal: Principal, input: GreetingInput) {
      const template = await deps.templates.load(principal.tenantId, input.templateId).catch(() => {
        throw AppError.invalidField('templateId', 'is not a template of this agency');
      });
      await deps.assertCanDeliver?.(principal, input.fromUser ?? false);
      const contactIds = [...new Set(input.targets.contactIds ?? [])].map((id) => new Types.ObjectId(id));
      const customerIds = [...new Set(input.targets.customerIds ?? [])].map((id) => new Types.ObjectId(id));
      let segmentId: Types.ObjectId | null = null;
      if (input.targets.segmentId) {
        // A segment is taken as its members at scheduling time, as the scheduler may see them (000, 004).
        if (!deps.segmentMembers) throw AppError.invalidField('targets.segmentId', 'segments are not available here');
        const members = await deps.segmentMembers(principal, input.targets.segmentId).catch((error: unknown) => {
          if (error instanceof AppError && error.code === 'not_found') throw AppError.invalidField('targets.segmentId', 'is not a segment you can see');
          throw error;
        });
        const into = members.resource === 'contact' ? contactIds : customerIds;
        const known = new Set(into.map(String));
        for (const id of members.ids) if (!known.has(String(id))) into.push(id);
        segmentId = new Types.ObjectId(input.targets.segmentId);
      }
      if (!contactIds.length && !customerIds.length) throw AppError.invalidField('targets', 'must name at least one contact or customer');
      const { timeZone } = await deps.recipients.agency(principal.tenantId);
      const sendAt = /(Z|[+-]\d{2}:\d{2})$/.test(input.sendAt) ? new Date(input.sendAt) : zonedTimeToUtc(input.sendAt, timeZone);
      if (Number.isNaN(sendAt.getTime())) throw AppError.invalidField('sendAt', 'is not a valid date and time');
      const created = await Send.create({
        tenantId: principal.tenantId,
        kind: 'greeting',
        name: input.name,
        templateId: template._id,
        category: template.category,
        targets: { segmentId, contactIds, customerIds },
        sendAt,
        timeZone,
        fromUser: input.fromUser ?? false,
        campaignId: input.campaignId ? await campaignOf(principal, input.campaignId) : null,
        tracking: input.tracking ?? false,
        createdBy: principal.userId,
        total: contactIds.length + customerIds.length,
      });
      await deps.jobs.scheduleUnique(String(created._id), sendAt, SEND_JOB, { tenantId: String(principal.tenantId), sendId: String(created._id) });
      return toGreetingDto(created.toObject());
    },
    async list(principal: Principal, page: PageQuery) {
      return pageOf(Send, { tenantId: principal.tenantId, kind: 'greeting' }, page, toGreetingDto);
    },
    async get(principal: Principal, id: string) {
      return toGreetingDto(await find(principal.tenantId, id));
    },
    /** The greeting's recipients whose message is `uncertain`: the server may or may not have it. */
    async uncertain(principal: Principal, id: string, page: PageQuery) {
      const s = await find(principal.tenantId, id);
      return pageOf(Delivery, { tenantId: principal.tenantId, sendId: s._id, state: 'uncertain' }, page, toUncertainDto);
    },
    /**
     * Sends the uncertain messages again (same Message-ID, so a receiver that keeps the first copy can
     * drop the second). Idempotent: each uncertain attempt is queued once, whoever asks how often.
     */
    async resendUncertain(principal: Principal, id: string) {
      const s = await find(principal.tenantId, id);
      if (!deps.engine) throw new AppError('unavailable', 'Sending is not available in this process');
      await deps.assertCanDeliver?.(principal, s.fromUser);
      const requeued = await deps.engine.resendUncertain(principal.tenantId, s._id, `user:${String(principal.userId)}`);
      return { requeued, greeting: toGreetingDto(await find(principal.tenantId, id)) };
    },
    async cancel(principal: Principal, id: string) {
      const s = await find(principal.tenantId, id);
      const res = await Send.updateOne({ tenantId: principal.tenantId, _id: s._id, state: 'scheduled' }, { $set: { state: 'canceled' } });
      if (!res.modifiedCount) throw new AppError('conflict', `The greeting is ${s.state}; only a scheduled greeting can be canceled`);
      await deps.jobs.cancel(SEND_JOB, { sendId: String(s._id) });
      return toGreetingDto({ ...s, state: 'canceled' });
    },
  };
}

export type GreetingsService = ReturnType<typeof createGreetingsService>;
