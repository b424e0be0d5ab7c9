import { createHash } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Principal } from '../../platform/access/principal.js';
import { signedLinks, type SecretBox } from '../../platform/crypto/secret-box.js';
import { op } from '../../platform/db/operators.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import { localDateAndHour } from '../../platform/jobs/time.js';
import { pageOf, type PageQuery } from '../../platform/records/list-query.js';
import type { DomainEvent } from '../../platform/events.js';
import { contactModel } from '../contacts/contact.model.js';
import { customerModel } from '../customers/customer.model.js';
import { opportunityModel } from '../opportunities/opportunity.model.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { TemplatesService } from '../templates/templates.service.js';
import { SEND_JOB } from './delivery.engine.js';
import { feedbackModel, satisfactionSettingsModel, type Feedback, type FeedbackLevel, type FeedbackRating, type SatisfactionSettings } from './feedback.model.js';
import { sendModel, type Send } from './messaging.model.js';
import type { Recipient, Recipients } from './recipients.js';

/** The recurring job that starts each agency's monthly survey once its day and hour have come. */
export const SATISFACTION_JOB = 'messaging.satisfaction-surveys';

const PURPOSE = 'feedback';
const objectIdFrom = (text: string) => new Types.ObjectId(createHash('sha256').update(text).digest().subarray(0, 12).toString('hex'));

/** What a survey link stands for: one survey send, one recipient. */
export interface FeedbackClaim {
  tenantId: Types.ObjectId;
  sendId: Types.ObjectId;
  respondentType: 'customer' | 'contact';
  respondentId: Types.ObjectId;
}

/** Signed survey links (HMAC, no login): the token carries ids only, never an address. */
export function createFeedbackTokens(box: SecretBox) {
  const links = signedLinks(box, PURPOSE);
  return {
    issue(claim: FeedbackClaim): string {
      return links.issue([String(claim.tenantId), String(claim.sendId), claim.respondentType === 'contact' ? 'c' : 'u', String(claim.respondentId)]);
    },
    read(token: string): FeedbackClaim | null {
      const [tenantId, sendId, kind, respondentId] = links.read(token, 4) ?? [];
      if (![tenantId, sendId, respondentId].every((id) => id && Types.ObjectId.isValid(id))) return null;
      return { tenantId: new Types.ObjectId(tenantId), sendId: new Types.ObjectId(sendId), respondentType: kind === 'c' ? 'contact' : 'customer', respondentId: new Types.ObjectId(respondentId) };
    },
  };
}
export type FeedbackTokens = ReturnType<typeof createFeedbackTokens>;

export function toFeedbackDto(f: Feedback) {
  return {
    id: String(f._id),
    customerId: String(f.customerId),
    respondentType: f.respondentType,
    respondentId: String(f.respondentId),
    rating: f.rating,
    comment: f.comment,
    source: f.source,
    level: f.level,
    reference: f.reference ?? null,
    sendId: f.sendId ? String(f.sendId) : null,
    createdBy: f.createdBy ? String(f.createdBy) : null,
    createdAt: new Date(f.createdAt).toISOString(),
    updatedAt: new Date(f.updatedAt).toISOString(),
  };
}

const toSettingsDto = (s: Pick<SatisfactionSettings, 'enabled' | 'templateId' | 'dayOfMonth' | 'hour'> & { afterWonDays?: number | null; afterTicketResolved?: boolean; updatedAt?: Date | null }) => ({
  enabled: s.enabled,
  templateId: s.templateId ? String(s.templateId) : null,
  dayOfMonth: s.dayOfMonth,
  hour: s.hour,
  afterWonDays: s.afterWonDays ?? null,
  afterTicketResolved: s.afterTicketResolved ?? false,
  updatedAt: s.updatedAt ? new Date(s.updatedAt).toISOString() : null,
});

/**
 * 003's satisfaction emails and feedback: each month, on the agency's chosen day and hour, one survey
 * send to every customer that has not opted out (`preferences.satisfactionEmails`), through the same
 * delivery ledger as greetings (exactly once per customer and month); each email carries signed links to
 * a rating page; an answer is stored as feedback on the account, and a negative one alerts the account
 * manager in their inbox. Staff add feedback by hand on the account, a job or a PO.
 */
export function createSatisfactionService(deps: {
  connection: Connection;
  jobs: Jobs;
  events: EventBus;
  logger: Logger;
  templates: TemplatesService;
  recipients: Recipients;
  notifications: NotificationsService;
  tokens: FeedbackTokens;
  publicBase: string;
}) {
  const Settings = satisfactionSettingsModel(deps.connection);
  const FeedbackModel = feedbackModel(deps.connection);
  const Send = sendModel(deps.connection);
  const Customer = customerModel(deps.connection);
  const Contact = contactModel(deps.connection);

  async function record(input: { tenantId: Types.ObjectId; id: Types.ObjectId; customerId: Types.ObjectId; respondent: { type: 'customer' | 'contact'; id: Types.ObjectId }; rating: FeedbackRating; comment: string; source: Feedback['source']; level: FeedbackLevel; reference: string | null; sendId: Types.ObjectId | null; createdBy: Types.ObjectId | null }) {
    const filter = { tenantId: input.tenantId, _id: input.id };
    const update = {
      $set: { rating: input.rating, comment: input.comment },
      $setOnInsert: { customerId: input.customerId, respondentType: input.respondent.type, respondentId: input.respondent.id, source: input.source, level: input.level, reference: input.reference, sendId: input.sendId, createdBy: input.createdBy },
    };
    let saved: Feedback | null;
    try {
      saved = await FeedbackModel.findOneAndUpdate(filter, update, { upsert: true, returnDocument: 'after' }).lean();
    } catch (error) {
      // Two answers at once to the same survey: the loser's upsert meets the winner's row; update it.
      if (!isDuplicateKeyError(error)) throw error;
      saved = await FeedbackModel.findOneAndUpdate(filter, { $set: update.$set }, { returnDocument: 'after' }).lean();
    }
    if (!saved) throw AppError.notFound('Feedback');
    await deps.events.publish({ type: 'customer.feedback_received', tenantId: input.tenantId, resource: 'customer', resourceId: String(input.customerId), actor: input.createdBy ? { tenantId: input.tenantId, userId: input.createdBy, apiKeyId: null } : null, data: { feedbackId: String(saved._id), rating: saved.rating, source: saved.source, level: saved.level, respondentType: saved.respondentType, respondentId: String(saved.respondentId) } });
    if (saved.rating === 'negative') await alertAccountManager(saved);
    return saved;
  }

  /** A negative answer reaches the account manager (else the account's owner) once per feedback and rating change. */
  async function alertAccountManager(f: Feedback) {
    const customer = await Customer.findOne({ tenantId: f.tenantId, _id: f.customerId }).select('name team ownerId').lean();
    const userId = (customer?.team?.accountManagerId ?? (customer as { ownerId?: Types.ObjectId | null } | null)?.ownerId) as Types.ObjectId | null | undefined;
    if (!customer || !userId) return;
    await deps.notifications.notify({
      tenantId: f.tenantId,
      userId,
      category: 'feedback.negative',
      title: `Negative feedback from ${customer.name}`,
      body: f.comment ? f.comment.slice(0, 1000) : 'No comment given.',
      resource: 'customer',
      resourceId: String(f.customerId),
      dedupeKey: `feedback:${String(f._id)}:negative:${new Date(f.updatedAt).getTime()}`,
    });
  }

  /** Starts this month's survey for one agency when its day and hour have come; safe to call any number of times. */
  async function startDueSurvey(settings: SatisfactionSettings, now: Date): Promise<'started' | 'not-due' | 'exists'> {
    if (!settings.enabled || !settings.templateId) return 'not-due';
    const agency = await deps.recipients.agency(settings.tenantId);
    const { date, hour } = localDateAndHour(now, agency.timeZone);
    const day = Number(date.slice(8, 10));
    if (day < settings.dayOfMonth || (day === settings.dayOfMonth && hour < settings.hour)) return 'not-due';
    const period = date.slice(0, 7);
    // One survey per agency and month: the send's id comes from both, so a second worker's insert fails.
    const _id = objectIdFrom(`satisfaction:${String(settings.tenantId)}:${period}`);
    const existing = await Send.findOne({ tenantId: settings.tenantId, _id }).select('state createdAt').lean();
    if (existing) {
      // Created, but its worker died before the job was stored: store it again (the run is idempotent).
      if (existing.state === 'scheduled' && new Date(existing.createdAt).getTime() < now.getTime() - deps.jobs.lockLifetime) {
        await deps.jobs.scheduleUnique(String(_id), now, SEND_JOB, { tenantId: String(settings.tenantId), sendId: String(_id) });
      }
      return 'exists';
    }
    const customers = await Customer.find({ tenantId: settings.tenantId, status: op({ $ne: 'blocked' }) }).select('_id preferences').lean();
    const customerIds = customers.filter((c) => (c as { preferences?: { satisfactionEmails?: boolean } }).preferences?.satisfactionEmails !== false).map((c) => c._id);
    try {
      await Send.create({
        _id,
        tenantId: settings.tenantId,
        kind: 'satisfaction',
        name: `Satisfaction survey ${period}`,
        templateId: settings.templateId,
        category: 'satisfaction',
        targets: { segmentId: null, contactIds: [], customerIds },
        sendAt: now,
        timeZone: agency.timeZone,
        fromUser: false,
        createdBy: settings.updatedBy ?? settings.tenantId,
        total: customerIds.length,
      });
    } catch (error) {
      if (isDuplicateKeyError(error)) return 'exists';
      throw error;
    }
    await deps.jobs.scheduleUnique(String(_id), now, SEND_JOB, { tenantId: String(settings.tenantId), sendId: String(_id) });
    deps.logger.info({ tenantId: String(settings.tenantId), period, customers: customerIds.length }, 'satisfaction survey started');
    return 'started';
  }

  return {
    /** Template values of one survey email: the rating page, and one link per rating. */
    links(send: Pick<Send, '_id' | 'tenantId'>, r: Recipient) {
      const token = deps.tokens.issue({ tenantId: send.tenantId, sendId: send._id, respondentType: r.type, respondentId: r.id });
      const url = `${deps.publicBase}/v1/feedback/${token}`;
      return { url, positiveUrl: `${url}?rating=positive`, neutralUrl: `${url}?rating=neutral`, negativeUrl: `${url}?rating=negative` };
    },
    async getSettings(principal: Principal) {
      const s = await Settings.findOne({ tenantId: principal.tenantId, _id: principal.tenantId }).lean();
      return toSettingsDto(s ?? { enabled: false, templateId: null, dayOfMonth: 1, hour: 10, afterWonDays: null, afterTicketResolved: false, updatedAt: null });
    },
    async updateSettings(principal: Principal, input: { enabled: boolean; templateId?: string | null | undefined; dayOfMonth?: number | undefined; hour?: number | undefined; afterWonDays?: number | null | undefined; afterTicketResolved?: boolean | undefined }) {
      let templateId: Types.ObjectId | null = null;
      if (input.templateId) {
        const template = await deps.templates.load(principal.tenantId, input.templateId).catch(() => {
          throw AppError.invalidField('templateId', 'is not a template of this agency');
        });
        if (template.category !== 'satisfaction') throw AppError.invalidField('templateId', `must be a template of category satisfaction, not ${template.category}`);
        templateId = template._id;
      }
      if (input.enabled && !templateId) throw AppError.invalidField('templateId', 'is required to enable the monthly survey');
      if (input.afterWonDays !== undefined && input.afterWonDays !== null && !templateId) throw AppError.invalidField('templateId', 'is required to survey customers after a won opportunity');
      if (input.afterTicketResolved && !templateId) throw AppError.invalidField('templateId', 'is required to survey contacts after a resolved ticket');
      const $set = { enabled: input.enabled, templateId, dayOfMonth: input.dayOfMonth ?? 1, hour: input.hour ?? 10, afterWonDays: input.afterWonDays ?? null, afterTicketResolved: input.afterTicketResolved ?? false, updatedBy: principal.userId };
      const filter = { tenantId: principal.tenantId, _id: principal.tenantId };
      const saved = await Settings.findOneAndUpdate(filter, { $set }, { upsert: true, returnDocument: 'after' })
        .lean()
        .catch(async (error: unknown) => {
          if (!isDuplicateKeyError(error)) throw error;
          return Settings.findOneAndUpdate(filter, { $set }, { returnDocument: 'after' }).lean();
        });
      return toSettingsDto(saved!);
    },
    /** The job: every agency whose survey is due this month gets it once. */
    async runDue(now: Date) {
      const all = await Settings.find({ enabled: true }).setOptions({ crossTenant: 'the monthly survey job visits every agency' }).lean();
      const outcome = { started: 0, exists: 0 };
      for (const settings of all) {
        try {
          const result = await startDueSurvey(settings, now);
          if (result === 'started') outcome.started += 1;
          if (result === 'exists') outcome.exists += 1;
        } catch (error) {
          deps.logger.error({ err: error, tenantId: String(settings.tenantId) }, 'satisfaction survey could not start');
        }
      }
      return outcome;
    },
    /**
     * 003's "post-delivery" survey: when an opportunity of a customer is won, that customer gets the survey
     * `afterWonDays` later. The send's id comes from the opportunity, so a replayed event sends nothing more.
     */
    async onOpportunityWon(event: DomainEvent) {
      if (!event.resourceId || !Types.ObjectId.isValid(event.resourceId)) return;
      const settings = await Settings.findOne({ tenantId: event.tenantId, _id: event.tenantId }).lean();
      if (!settings?.templateId || settings.afterWonDays === null || settings.afterWonDays === undefined) return;
      const opportunity = await opportunityModel(deps.connection).findOne({ tenantId: event.tenantId, _id: new Types.ObjectId(event.resourceId) }).select('name customerId').lean();
      if (!opportunity?.customerId) return;
      const customer = await Customer.findOne({ tenantId: event.tenantId, _id: opportunity.customerId }).select('status preferences').lean();
      if (!customer || customer.status === 'blocked' || (customer as { preferences?: { satisfactionEmails?: boolean } }).preferences?.satisfactionEmails === false) return;
      const agency = await deps.recipients.agency(event.tenantId);
      const sendAt = new Date(Date.now() + settings.afterWonDays * 24 * 3600_000);
      const _id = objectIdFrom(`satisfaction-won:${String(event.tenantId)}:${event.resourceId}`);
      try {
        await Send.create({
          _id,
          tenantId: event.tenantId,
          kind: 'satisfaction',
          name: `Satisfaction survey: ${opportunity.name}`.slice(0, 200),
          templateId: settings.templateId,
          category: 'satisfaction',
          targets: { segmentId: null, contactIds: [], customerIds: [opportunity.customerId] },
          sendAt,
          timeZone: agency.timeZone,
          fromUser: false,
          createdBy: settings.updatedBy ?? event.tenantId,
          total: 1,
        });
      } catch (error) {
        if (isDuplicateKeyError(error)) return;
        throw error;
      }
      await deps.jobs.scheduleUnique(String(_id), sendAt, SEND_JOB, { tenantId: String(event.tenantId), sendId: String(_id) });
    },
    /**
     * Issue 18: a resolved ticket surveys its contact (else its account) once, when the agency asks for
     * it. The send's id comes from the ticket, so a replayed event, a retried resolve or a ticket resolved
     * again after a reopen sends nothing more.
     */
    async onTicketResolved(event: DomainEvent) {
      const to = (event.data as { to?: string } | undefined)?.to ?? (event.changes?.status?.to as string | undefined);
      const ticket = event.record as { number?: number; subject?: string; contactId?: string | null; accountId?: string | null } | undefined;
      if (to !== 'resolved' || !event.resourceId || !ticket) return;
      const settings = await Settings.findOne({ tenantId: event.tenantId, _id: event.tenantId }).lean();
      if (!settings?.templateId || !settings.afterTicketResolved) return;
      const contactId = ticket.contactId && Types.ObjectId.isValid(ticket.contactId) ? new Types.ObjectId(ticket.contactId) : null;
      let accountId = ticket.accountId && Types.ObjectId.isValid(ticket.accountId) ? new Types.ObjectId(ticket.accountId) : null;
      if (contactId && !accountId) accountId = ((await Contact.findOne({ tenantId: event.tenantId, _id: contactId }).select('customerId').lean()) as { customerId?: Types.ObjectId | null } | null)?.customerId ?? null;
      // The answer is feedback on an account: a ticket of nobody's account has nobody to follow up with.
      if (!accountId) return;
      const customer = await Customer.findOne({ tenantId: event.tenantId, _id: accountId }).select('status preferences').lean();
      if (!customer || customer.status === 'blocked' || (customer as { preferences?: { satisfactionEmails?: boolean } }).preferences?.satisfactionEmails === false) return;
      const agency = await deps.recipients.agency(event.tenantId);
      const _id = objectIdFrom(`satisfaction-ticket:${String(event.tenantId)}:${event.resourceId}`);
      const now = new Date();
      try {
        await Send.create({
          _id,
          tenantId: event.tenantId,
          kind: 'satisfaction',
          name: `Satisfaction survey: ticket #${ticket.number ?? ''} ${ticket.subject ?? ''}`.trim().slice(0, 200),
          templateId: settings.templateId,
          category: 'satisfaction',
          targets: { segmentId: null, contactIds: contactId ? [contactId] : [], customerIds: contactId ? [] : [accountId] },
          sendAt: now,
          timeZone: agency.timeZone,
          fromUser: false,
          createdBy: settings.updatedBy ?? event.tenantId,
          total: 1,
        });
      } catch (error) {
        if (isDuplicateKeyError(error)) return;
        throw error;
      }
      await deps.jobs.scheduleUnique(String(_id), now, SEND_JOB, { tenantId: String(event.tenantId), sendId: String(_id) });
    },
    /** What the survey page shows about a link, or null for a forged or stale one. */
    async survey(token: string) {
      const claim = deps.tokens.read(token);
      if (!claim) return null;
      const send = await Send.findOne({ tenantId: claim.tenantId, _id: claim.sendId, kind: 'satisfaction' }).select('_id').lean();
      if (!send) return null;
      const agency = await deps.recipients.agency(claim.tenantId);
      const answered = await FeedbackModel.findOne({ tenantId: claim.tenantId, _id: objectIdFrom(`survey:${token.split('.')[0]}`) }).lean();
      return { claim, agencyName: agency.name, answered: answered ? answered.rating : null };
    },
    /** Records (or changes) a survey answer: one feedback per survey and respondent, the last answer wins. */
    async answer(token: string, input: { rating: FeedbackRating; comment?: string | undefined }) {
      const found = await this.survey(token);
      if (!found) throw new AppError('not_found', 'This survey link is not valid');
      const { claim } = found;
      // A contact answers for its account (a ticket's survey goes to the contact who raised it).
      const customerId =
        claim.respondentType === 'customer'
          ? claim.respondentId
          : (((await Contact.findOne({ tenantId: claim.tenantId, _id: claim.respondentId }).select('customerId').lean()) as { customerId?: Types.ObjectId | null } | null)?.customerId ?? null);
      if (!customerId) throw new AppError('not_found', 'This survey link is not valid');
      const saved = await record({
        tenantId: claim.tenantId,
        id: objectIdFrom(`survey:${token.split('.')[0]}`),
        customerId,
        respondent: { type: claim.respondentType, id: claim.respondentId },
        rating: input.rating,
        comment: (input.comment ?? '').trim().slice(0, 4000),
        source: 'survey',
        level: 'account',
        reference: null,
        sendId: claim.sendId,
        createdBy: null,
      });
      return toFeedbackDto(saved);
    },
    /** Newest first by when it was given (survey answers have ids derived from their link, not from time). */
    async list(principal: Principal, customerId: string, page: PageQuery) {
      const customer = await deps.recipients.visible(principal, 'customer', customerId);
      return pageOf(FeedbackModel, { tenantId: principal.tenantId, customerId: customer.id }, page, toFeedbackDto, { plan: { path: 'createdAt', direction: -1, kind: 'date', mongo: { createdAt: -1, _id: -1 } } });
    },
    async create(principal: Principal, customerId: string, input: { rating: FeedbackRating; comment?: string | undefined; level?: FeedbackLevel | undefined; reference?: string | null | undefined }) {
      const customer = await deps.recipients.visible(principal, 'customer', customerId);
      if ((input.level ?? 'account') !== 'account' && !input.reference) throw AppError.invalidField('reference', `names the ${input.level} the feedback is about`);
      const saved = await record({
        tenantId: principal.tenantId,
        id: new Types.ObjectId(),
        customerId: customer.id,
        respondent: { type: 'customer', id: customer.id },
        rating: input.rating,
        comment: (input.comment ?? '').trim(),
        source: 'manual',
        level: input.level ?? 'account',
        reference: input.reference ?? null,
        sendId: null,
        createdBy: principal.userId,
      });
      return toFeedbackDto(saved);
    },
  };
}

export type SatisfactionService = ReturnType<typeof createSatisfactionService>;
