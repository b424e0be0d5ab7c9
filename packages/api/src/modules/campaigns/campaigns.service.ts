import { randomBytes } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { op } from '../../platform/db/operators.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import { writeNextVersion } from '../../platform/records/version-claims.js';
import type { EventBus } from '../../platform/events.js';
import { createRecordService, type RecordDeps } from '../../platform/records/record-service.js';
import type { WorkflowEngine } from '../../platform/workflow/workflow-engine.js';
import { leadModel } from '../leads/lead.model.js';
import { opportunityModel } from '../opportunities/opportunity.model.js';
import { campaignEventTotals } from '../sales-events/sales-event.model.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { campaignDefinition, toCampaignDto } from './campaign.definition.js';
import type { CampaignMessageInput, CampaignMessages } from './campaign-message.js';
import { campaignDailyModel, campaignModel, campaignScheduleClaimModel, campaignSignupModel, referralCodeModel, type Campaign, type CampaignAudience, type CampaignSignup, type ReferralCode, type SignupForm } from './campaign.model.js';

type Client = { ip?: string; userAgent?: string };

const day = (d: Date) => d.toISOString().slice(0, 10);
const round = (n: number) => Math.round(n * 10_000) / 10_000;

function toReferralDto(r: ReferralCode) {
  return { id: String(r._id), campaignId: String(r.campaignId), userId: String(r.userId), code: r.code, createdAt: r.createdAt.toISOString() };
}

/** The API shape of a signup (who referred it and what it became). */
export function toSignupDto(s: CampaignSignup) {
  return {
    id: String(s._id),
    campaignId: String(s.campaignId),
    referrerId: s.referrerId ? String(s.referrerId) : null,
    referralCode: s.referralCode ?? null,
    email: s.email,
    status: s.status,
    contactId: s.contactId ? String(s.contactId) : null,
    leadId: s.leadId ? String(s.leadId) : null,
    createdAt: s.createdAt.toISOString(),
    confirmedAt: s.confirmedAt?.toISOString() ?? null,
  };
}

/** Adds one to a day's counters of a campaign (an `$inc` upsert; a lost race on the unique index retries once). */
export async function bumpDaily(connection: Connection, tenantId: Types.ObjectId, campaignId: Types.ObjectId, counters: Partial<Record<'views' | 'likes' | 'enrolments' | 'signups' | 'leads', number>>, at = new Date()) {
  const Daily = campaignDailyModel(connection);
  const filter = { tenantId, campaignId, day: day(at) };
  for (let attempt = 0; ; attempt += 1) {
    try {
      await Daily.updateOne(filter, { $inc: counters }, { upsert: true });
      // The campaign's own totals, so its list shows them without reading the roll-up.
      await campaignModel(connection).updateOne({ tenantId, _id: campaignId }, { $inc: Object.fromEntries(Object.entries(counters).map(([k, v]) => [`counters.${k}`, v])) });
      return;
    } catch (error) {
      if (!isDuplicateKeyError(error) || attempt > 0) throw error;
    }
  }
}

/**
 * Totals of a campaign's daily roll-up: O(days), summed here. (FerretDB v1.24 computes only the first
 * accumulator of a `$group` with several, so one `$group` with five `$sum`s answers zeros for four.)
 */
export async function campaignCounts(connection: Connection, tenantId: Types.ObjectId, campaignId: Types.ObjectId) {
  const rows = await campaignDailyModel(connection).find({ tenantId, campaignId }).select('views likes enrolments signups leads').limit(20_000).lean();
  const totals = { views: 0, likes: 0, enrolments: 0, signups: 0, leads: 0 };
  for (const row of rows) for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += row[key] ?? 0;
  return totals;
}

/**
 * Moves campaigns at their period's edges, as the system (no user): `new` → `active` once `startAt`
 * has come, `active` → `inactive` once `endAt` has passed. Each move is a conditional update on the
 * status it starts from, so running twice (or on two workers) moves a campaign once.
 */
export function createCampaignSchedule(deps: { connection: Connection; events: EventBus; workflows: WorkflowEngine }) {
  const Campaign = campaignModel(deps.connection);
  const Claim = campaignScheduleClaimModel(deps.connection);
  /** A claim left by a worker that died mid-move may be taken over after this long. */
  const STALE_CLAIM_MS = 60_000;

  /** Claims this move for this worker; returns the claim's key, or null when another worker has it. */
  async function claim(campaign: Campaign, to: string, now: Date): Promise<string | null> {
    const key = `${String(campaign._id)}:${campaign.status}@${campaign.statusChangedAt?.toISOString() ?? campaign.createdAt?.toISOString() ?? ''}->${to}`;
    try {
      await Claim.create({ tenantId: campaign.tenantId, key, at: now });
      return key;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await Claim.findOne({ tenantId: campaign.tenantId, key }).lean();
      return existing && Date.now() - existing.at.getTime() > STALE_CLAIM_MS ? key : null;
    }
  }

  async function move(campaign: Campaign, to: 'active' | 'inactive', now: Date): Promise<boolean> {
    const workflow = await deps.workflows.get(campaign.tenantId, 'campaign');
    const from = campaign.status;
    // A sysadmin may have removed the move from the tenant's workflow: then the schedule leaves it alone.
    if (!workflow.transitions.some((t) => t.from === from && t.to === to)) return false;
    // The period's start activates only a campaign a person could activate: one that would send something.
    if (to === 'active' && !campaign.form && !(hasAudience(campaign.audience) && hasMessage(campaign.message))) return false;
    const key = await claim(campaign, to, now);
    if (!key) return false;
    // The move is a write to the campaign like a person's: it takes the campaign's next version claim.
    let moved: Campaign | null;
    try {
      moved = await writeNextVersion(Campaign, campaign.tenantId, campaign._id, (current) => (current.status === from ? { $set: { status: to, statusChangedAt: now, updatedAt: now } } : null));
    } catch (error) {
      // Not moved (other writers held the record's next versions): give the move back, so the next run tries again at once.
      await Claim.deleteOne({ tenantId: campaign.tenantId, key });
      throw error;
    }
    if (!moved) return false;
    await deps.workflows.record({ principal: null, tenantId: campaign.tenantId, key: 'campaign', resource: 'campaign', recordId: campaign._id, from, to, note: to === 'active' ? 'period started' : 'period ended' });
    const updated = await Campaign.findOne({ tenantId: campaign.tenantId, _id: campaign._id }).lean<Campaign>();
    const record = updated ? toCampaignDto(updated) : undefined;
    const base = { tenantId: campaign.tenantId, resource: 'campaign', resourceId: String(campaign._id), actor: null, record, at: now };
    await deps.events.publish({ ...base, type: 'campaign.transitioned', changes: { status: { from, to } }, data: { from, to, bySchedule: true } });
    await deps.events.publish({ ...base, type: to === 'active' ? 'campaign.activated' : 'campaign.deactivated', data: { ownerId: campaign.ownerId ? String(campaign.ownerId) : null, title: campaign.title, code: campaign.code } });
    return true;
  }

  return {
    /**
     * Applies the edge one campaign has reached by `now` (its period-edge job): `new` → `active` once
     * started (and not ended), `active` → `inactive` once ended; returns the move made, if any.
     */
    async settle(tenantId: Types.ObjectId, campaignId: Types.ObjectId, now: Date = new Date()): Promise<'active' | 'inactive' | null> {
      const campaign = await Campaign.findOne({ tenantId, _id: campaignId }).lean<Campaign>();
      if (!campaign) return null;
      if (campaign.status === 'new' && campaign.startAt && campaign.startAt <= now && (!campaign.endAt || campaign.endAt > now)) return (await move(campaign, 'active', now)) ? 'active' : null;
      if (campaign.status === 'active' && campaign.endAt && campaign.endAt <= now) return (await move(campaign, 'inactive', now)) ? 'inactive' : null;
      return null;
    },
    /** Activates every `new` campaign whose period has started (and not ended) by `now`; returns how many moved. */
    async activateDueCampaigns(now: Date = new Date()): Promise<number> {
      const due = await Campaign.find({ status: 'new', startAt: op({ $lte: now }) })
        .setOptions({ crossTenant: 'the schedule looks at every agency' })
        .limit(5000)
        .lean<Campaign[]>();
      let moved = 0;
      for (const campaign of due) if ((!campaign.endAt || campaign.endAt > now) && (await move(campaign, 'active', now))) moved += 1;
      return moved;
    },
    /** Deactivates every `active` campaign whose period has ended by `now`; returns how many moved. */
    async deactivateEndedCampaigns(now: Date = new Date()): Promise<number> {
      const ended = await Campaign.find({ status: 'active', endAt: op({ $lte: now }) })
        .setOptions({ crossTenant: 'the schedule looks at every agency' })
        .limit(5000)
        .lean<Campaign[]>();
      let moved = 0;
      for (const campaign of ended) if (await move(campaign, 'inactive', now)) moved += 1;
      return moved;
    },
  };
}

export type CampaignSchedule = ReturnType<typeof createCampaignSchedule>;

/** What campaign messages need beyond the record rules: rendering, the mailer, segment visibility. */
export interface CampaignMessageDeps {
  messages: CampaignMessages;
  mailer: Mailer;
  /** Resolves when the principal may see the segment; rejects with a not_found AppError otherwise. */
  segmentVisible: (principal: Principal, id: string) => Promise<unknown>;
}

type AudienceInput = { segmentId?: string | null | undefined; contactIds?: string[] | undefined; leadIds?: string[] | undefined; customerIds?: string[] | undefined };
type RecipientIds = { contactId?: string | undefined; leadId?: string | undefined; customerId?: string | undefined };

/** Whether an audience names anyone (a segment, or at least one contact, lead or customer). */
function hasAudience(a: CampaignAudience | null | undefined): boolean {
  return Boolean(a && (a.segmentId || a.contactIds?.length || a.leadIds?.length || a.customerIds?.length));
}

/** Whether a message is there to send (a template, or a written subject and body). */
function hasMessage(m: Campaign['message'] | undefined): boolean {
  return Boolean(m && (m.templateId || (m.subject && m.body?.trim())));
}

/** Campaigns: the shared record rules plus codes, signup forms, messages, stats and referral codes. */
export function createCampaignsService(connection: Connection, deps: RecordDeps, messaging?: CampaignMessageDeps) {
  const record = createRecordService(campaignDefinition(connection), deps);
  const Referral = referralCodeModel(connection);
  const Signup = campaignSignupModel(connection);
  const Daily = campaignDailyModel(connection);
  const Campaign = campaignModel(connection);

  /** Custom attributes named by a form must exist on contacts. */
  async function checkForm(principal: Principal, form: SignupForm | null | undefined) {
    if (!form) return;
    const customKeys = form.fields.filter((f) => f.key.startsWith('custom.')).map((f) => f.key.slice('custom.'.length));
    if (!customKeys.length) return;
    const defined = new Set((await deps.customFields.definitions(principal.tenantId, 'contact')).map((d) => d.key));
    const missing = customKeys.filter((k) => !defined.has(k));
    if (missing.length) throw AppError.invalidField('form.fields', `name custom attributes contacts do not have: ${missing.join(', ')}`);
  }

  const messagingOf = (): CampaignMessageDeps => {
    if (!messaging) throw new AppError('internal', 'campaign messages are not wired in this process');
    return messaging;
  };

  /** Checks and normalises `message` and `audience` of a create or update body (ids to ObjectIds). */
  async function checkMessageAndAudience(principal: Principal, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const out = { ...input };
    if (input.message) out.message = await messagingOf().messages.validate(principal.tenantId, input.message as CampaignMessageInput);
    if (input.audience) {
      const a = input.audience as AudienceInput;
      if (a.segmentId) {
        await messagingOf()
          .segmentVisible(principal, a.segmentId)
          .catch((error: unknown) => {
            if (error instanceof AppError && error.code === 'not_found') throw AppError.invalidField('audience.segmentId', 'is not a segment you can see');
            throw error;
          });
      }
      const ids = (list: string[] | undefined) => [...new Set(list ?? [])].map((v) => new Types.ObjectId(v));
      out.audience = { segmentId: a.segmentId ? new Types.ObjectId(a.segmentId) : null, contactIds: ids(a.contactIds), leadIds: ids(a.leadIds), customerIds: ids(a.customerIds) };
    }
    return out;
  }

  /** The message to render: the one being written (body), else the campaign's saved one (400 on `message` if none). */
  function messageFor(campaign: Campaign | null, written: CampaignMessageInput | undefined): CampaignMessageInput | NonNullable<Campaign['message']> {
    if (written) return written;
    if (campaign && hasMessage(campaign.message)) return campaign.message!;
    throw AppError.invalidField('message', 'is required: the campaign has no message yet; send one, or save it on the campaign first', 'required');
  }

  async function senderOf(principal: Principal) {
    if (principal.kind !== 'user') return { name: '', email: null };
    const self = await messagingOf().messages.self(principal);
    return { name: self.name, email: self.email };
  }

  const codeTaken = (code: unknown) => new AppError('conflict', `The campaign code ${String(code).toUpperCase()} is already used in this agency; choose another`, { errors: [{ field: 'code', code: 'taken', message: 'is already used' }] });

  return {
    ...record,

    async create(principal: Principal, input: Record<string, unknown>, client?: Client) {
      await checkForm(principal, input.form as SignupForm | null | undefined);
      const body = await checkMessageAndAudience(principal, input);
      try {
        return await record.create(principal, body, client);
      } catch (error) {
        if (isDuplicateKeyError(error)) throw codeTaken(input.code);
        throw error;
      }
    },

    async update(principal: Principal, id: string, patch: Record<string, unknown>, options: { ifMatch?: number | undefined; client?: Client } = {}) {
      await checkForm(principal, patch.form as SignupForm | null | undefined);
      if (patch.startAt !== undefined || patch.endAt !== undefined) {
        const current = await record.findVisible(principal, id, 'update');
        const start = patch.startAt !== undefined ? patch.startAt : current.startAt;
        const end = patch.endAt !== undefined ? patch.endAt : current.endAt;
        if (start && end && new Date(start as string) >= new Date(end as string)) throw AppError.invalidField('endAt', 'must be after startAt');
      }
      const body = await checkMessageAndAudience(principal, patch);
      try {
        return await record.update(principal, id, body, options);
      } catch (error) {
        if (isDuplicateKeyError(error)) throw codeTaken(patch.code);
        throw error;
      }
    },

    /**
     * Moves the campaign along its workflow. Activating one that would send nothing is refused (400,
     * nothing changes) with one error per missing part, `audience` and `message`; a campaign with a
     * signup form gathers its people through the form and needs neither.
     */
    async transition(principal: Principal, id: string, input: { to: string; version?: number | undefined; note?: string | undefined }, client?: Client) {
      if (input.to === 'active') {
        const campaign = await record.findVisible(principal, id, 'transition');
        if (!campaign.form) {
          const errors = [
            ...(hasAudience(campaign.audience) ? [] : [{ field: 'audience', code: 'required', message: 'is empty: choose a segment or at least one contact, lead or customer' }]),
            ...(hasMessage(campaign.message) ? [] : [{ field: 'message', code: 'required', message: 'is missing: pick a template or write a subject and body' }]),
          ];
          if (errors.length) {
            throw new AppError('validation_failed', `The campaign cannot be activated: it would send nothing (${errors.map((e) => `${e.field} ${e.message}`).join('; ')})`, { errors });
          }
        }
      }
      return record.transition(principal, id, input, client);
    },

    /**
     * Renders a message for one real recipient the caller can see: the message in the body (being
     * written), else the campaign's saved one. `id` null previews a message of no campaign yet.
     */
    async preview(principal: Principal, id: string | null, input: RecipientIds & { message?: CampaignMessageInput | undefined }) {
      const campaign = id ? await record.findVisible(principal, id, 'read') : null;
      const { messages } = messagingOf();
      const message = messageFor(campaign, input.message);
      const recipient = await messages.recipient(principal, input);
      if (!recipient) throw AppError.invalidField('contactId', 'or leadId or customerId is required: the preview renders for a real recipient', 'required');
      return messages.render(principal, message, recipient, await senderOf(principal));
    },

    /**
     * Sends the rendered message to the signed-in user's own address (never to the recipient), through
     * the normal mailer, subject marked "[Test]". Rendered for the named recipient, else for yourself.
     * The route runs it once per Idempotency-Key.
     */
    async sendTest(principal: Principal, id: string, input: RecipientIds & { message?: CampaignMessageInput | undefined }) {
      const campaign = await record.findVisible(principal, id, 'read');
      const { messages, mailer } = messagingOf();
      const self = await messages.self(principal);
      if (!self.email) throw new AppError('validation_failed', 'Your account has no email address to send the test to');
      const message = messageFor(campaign, input.message);
      const recipient = (await messages.recipient(principal, input)) ?? self;
      const rendered = await messages.render(principal, message, recipient, { name: self.name, email: self.email });
      const subject = `[Test] ${rendered.subject}`;
      await mailer.send({ to: self.email, subject, text: rendered.text, html: rendered.html });
      await Campaign.updateOne({ tenantId: principal.tenantId, _id: campaign._id }, { $inc: { 'counters.testSends': 1 } });
      return { object: 'campaign_test_send' as const, campaignId: String(campaign._id), to: self.email, subject, sentAt: new Date().toISOString() };
    },

    /** Engagement, leads, conversions, revenue won and ROI of one campaign, with its daily series. */
    async stats(principal: Principal, id: string, range: { from?: string | undefined; to?: string | undefined } = {}) {
      const campaign = await record.findVisible(principal, id, 'read');
      const { tenantId } = principal;
      const to = range.to ?? day(new Date());
      const from = range.from ?? day(new Date(Date.now() - 90 * 86_400_000));
      const wonMatch = { $match: { tenantId, campaignId: campaign._id, outcome: op({ $in: ['won', 'partially_won'] }) } };
      // One accumulator per $group: FerretDB v1.24 computes only the first of several.
      const [counts, pendingSignups, leads, wonCount, wonRevenue, daily] = await Promise.all([
        campaignCounts(connection, tenantId, campaign._id),
        Signup.countDocuments({ tenantId, campaignId: campaign._id, status: 'pending' }),
        leadModel(connection).countDocuments({ tenantId, campaignId: campaign._id }),
        opportunityModel(connection).aggregate<{ count: number }>([wonMatch, { $group: { _id: null, count: { $sum: 1 } } }]),
        opportunityModel(connection).aggregate<{ revenue: number }>([wonMatch, { $group: { _id: null, revenue: { $sum: '$amount' } } }]),
        Daily.find({ tenantId, campaignId: campaign._id, day: op({ $gte: from, $lte: to }) }).sort({ day: 1 }).limit(1000).lean(),
      ]);
      const revenueWon = wonRevenue[0]?.revenue ?? 0;
      // Sales events of the campaign (issue 23): their costs add to its cost, their fees and sponsor packages to its revenue.
      const events = await campaignEventTotals(connection, tenantId, campaign._id);
      const cost = (campaign.cost ?? 0) + events.cost;
      const expectedRevenue = campaign.expectedRevenue ?? 0;
      return {
        campaignId: String(campaign._id),
        totals: { ...counts, leads: Math.max(leads, counts.leads), pendingSignups, conversions: wonCount[0]?.count ?? 0, revenueWon },
        cost,
        expectedRevenue,
        events,
        currency: campaign.currency ?? 'EUR',
        roi: cost > 0 ? round((revenueWon + events.revenue - cost) / cost) : null,
        expectedRoi: cost > 0 ? round((expectedRevenue - cost) / cost) : null,
        daily: daily.map((d) => ({ day: d.day, views: d.views ?? 0, likes: d.likes ?? 0, enrolments: d.enrolments ?? 0, signups: d.signups ?? 0, leads: d.leads ?? 0 })),
        revenueSource: 'opportunities' as const,
      };
    },

    /**
     * Gives the caller their own referral code for a campaign with a signup form (one per person and
     * campaign: asking again returns the same code). Signups through it are attributed to them.
     */
    async createReferralCode(principal: Principal, id: string, input: { code?: string | undefined }): Promise<{ created: boolean; code: ReturnType<typeof toReferralDto> }> {
      const campaign = await record.findVisible(principal, id, 'read');
      if (principal.kind !== 'user') throw new AppError('forbidden', 'Referral codes belong to people; sign in as a user');
      if (!campaign.form) throw AppError.invalidField('form', 'the campaign has no signup form to refer people to; add one first');
      if (['discarded'].includes(campaign.status)) throw new AppError('conflict', 'The campaign is discarded; it takes no more referrals');
      const existing = await Referral.findOne({ tenantId: principal.tenantId, campaignId: campaign._id, userId: principal.userId }).lean();
      if (existing) return { created: false, code: toReferralDto(existing) };
      const code = (input.code ?? `${campaign.code.slice(0, 12)}-${randomBytes(4).toString('hex')}`).toUpperCase();
      try {
        const created = await Referral.create({ tenantId: principal.tenantId, campaignId: campaign._id, userId: principal.userId, code });
        return { created: true, code: toReferralDto(created.toObject()) };
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new AppError('conflict', `The referral code ${code} is taken; choose another`, { errors: [{ field: 'code', code: 'taken', message: 'is already used' }] });
        throw error;
      }
    },

    /** The referral codes of a campaign: your own, or everyone's if you may update the campaign. */
    async listReferralCodes(principal: Principal, id: string) {
      const campaign = await record.findVisible(principal, id, 'read');
      const mine = !principal.role.isAdmin;
      const rows = await Referral.find({ tenantId: principal.tenantId, campaignId: campaign._id, ...(mine ? { userId: principal.userId } : {}) }).sort({ _id: 1 }).limit(500).lean();
      return { object: 'list' as const, data: rows.map(toReferralDto) };
    },

    /**
     * Signups of a campaign, newest first: by default those you referred; `referrer=any` lists all of
     * them for people who may update the campaign.
     */
    async listSignups(principal: Principal, id: string | null, query: { referrer: 'me' | 'any'; limit: number; cursor?: string | undefined }) {
      const filter: Record<string, unknown> = { tenantId: principal.tenantId };
      if (id) {
        const campaign = await record.findVisible(principal, id, query.referrer === 'any' ? 'update' : 'read');
        filter.campaignId = campaign._id;
      }
      if (query.referrer === 'me' || !id) filter.referrerId = principal.userId;
      if (query.cursor) filter._id = op({ $lt: new Types.ObjectId(query.cursor) });
      const rows = await Signup.find(filter).sort({ _id: -1 }).limit(query.limit + 1).lean();
      const page = rows.slice(0, query.limit);
      const hasMore = rows.length > query.limit;
      return { object: 'list' as const, data: page.map(toSignupDto), hasMore, nextCursor: hasMore ? String(page[page.length - 1]!._id) : null };
    },
  };
}

export type CampaignsService = ReturnType<typeof createCampaignsService>;
