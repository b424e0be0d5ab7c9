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
import { campaignDefinition, toCampaignDto } from './campaign.definition.js';
import { campaignDailyModel, campaignModel, campaignScheduleClaimModel, campaignSignupModel, referralCodeModel, type Campaign, type CampaignSignup, type ReferralCode, type SignupForm } from './campaign.model.js';

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

  async function claim(campaign: Campaign, to: string, now: Date): Promise<boolean> {
    const key = `${String(campaign._id)}:${campaign.status}@${campaign.statusChangedAt?.toISOString() ?? campaign.createdAt?.toISOString() ?? ''}->${to}`;
    try {
      await Claim.create({ tenantId: campaign.tenantId, key, at: now });
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await Claim.findOne({ tenantId: campaign.tenantId, key }).lean();
      return Boolean(existing && Date.now() - existing.at.getTime() > STALE_CLAIM_MS);
    }
  }

  async function move(campaign: Campaign, to: 'active' | 'inactive', now: Date): Promise<boolean> {
    const workflow = await deps.workflows.get(campaign.tenantId, 'campaign');
    const from = campaign.status;
    // A sysadmin may have removed the move from the tenant's workflow: then the schedule leaves it alone.
    if (!workflow.transitions.some((t) => t.from === from && t.to === to)) return false;
    if (!(await claim(campaign, to, now))) return false;
    const moved = await writeNextVersion(Campaign, campaign.tenantId, campaign._id, (current) => (current.status === from ? { $set: { status: to, statusChangedAt: now, updatedAt: now } } : null));
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

/** Campaigns: the shared record rules plus codes, signup forms, stats and referral codes. */
export function createCampaignsService(connection: Connection, deps: RecordDeps) {
  const record = createRecordService(campaignDefinition(connection), deps);
  const Referral = referralCodeModel(connection);
  const Signup = campaignSignupModel(connection);
  const Daily = campaignDailyModel(connection);

  /** Custom attributes named by a form must exist on contacts. */
  async function checkForm(principal: Principal, form: SignupForm | null | undefined) {
    if (!form) return;
    const customKeys = form.fields.filter((f) => f.key.startsWith('custom.')).map((f) => f.key.slice('custom.'.length));
    if (!customKeys.length) return;
    const defined = new Set((await deps.customFields.definitions(principal.tenantId, 'contact')).map((d) => d.key));
    const missing = customKeys.filter((k) => !defined.has(k));
    if (missing.length) throw AppError.invalidField('form.fields', `name custom attributes contacts do not have: ${missing.join(', ')}`);
  }

  const codeTaken = (code: unknown) => new AppError('conflict', `The campaign code ${String(code).toUpperCase()} is already used in this agency; choose another`, { errors: [{ field: 'code', code: 'taken', message: 'is already used' }] });

  return {
    ...record,

    async create(principal: Principal, input: Record<string, unknown>, client?: Client) {
      await checkForm(principal, input.form as SignupForm | null | undefined);
      try {
        return await record.create(principal, input, client);
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
      try {
        return await record.update(principal, id, patch, options);
      } catch (error) {
        if (isDuplicateKeyError(error)) throw codeTaken(patch.code);
        throw error;
      }
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
      const cost = campaign.cost ?? 0;
      const expectedRevenue = campaign.expectedRevenue ?? 0;
      return {
        campaignId: String(campaign._id),
        totals: { ...counts, leads: Math.max(leads, counts.leads), pendingSignups, conversions: wonCount[0]?.count ?? 0, revenueWon },
        cost,
        expectedRevenue,
        currency: campaign.currency ?? 'EUR',
        roi: cost > 0 ? round((revenueWon - cost) / cost) : null,
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
