import { createHash } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Principal } from '../../platform/access/principal.js';
import type { SecretBox } from '../../platform/crypto/secret-box.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import { writeNextVersion } from '../../platform/records/version-claims.js';
import { contactModel } from '../contacts/contact.model.js';
import { loadPrincipal } from '../identity/principal.service.js';
import { subscriptionModel } from '../messaging/messaging.model.js';
import type { SubscriptionsService } from '../messaging/subscriptions.service.js';
import { createMailwizzClient, mailwizzProblem, MailwizzError, type MailwizzCampaignStats, type MailwizzClient } from './mailwizz.client.js';
import { mailwizzCampaignModel, mailwizzMemberModel, mailwizzSettingsModel, mailwizzSyncModel, type MailwizzCampaign, type MailwizzSettings, type MailwizzStats, type MailwizzSync } from './mailwizz.model.js';

export const MAILWIZZ_SYNC_JOB = 'mailwizz.sync';
export const MAILWIZZ_STATS_JOB = 'mailwizz.stats';
export const MAILWIZZ_UNSUBSCRIBES_JOB = 'mailwizz.unsubscribes';
export const MAILWIZZ_MIRROR_JOB = 'mailwizz.mirror-unsubscribe';
/** The message category a Mailwizz list carries (the CRM's marketing opt-out covers it). */
const CATEGORY = 'marketing';

/** A contact of a segment as the segment's member page answers it (the contact's API shape). */
interface MemberContact {
  id: string;
  firstName?: string;
  lastName?: string;
  emails?: { value: string; primary?: boolean }[];
  consent?: { marketing: boolean } | null;
}

/** What the module needs of segments and campaigns, wired in modules/index.ts. */
export interface MailwizzDeps {
  connection: Connection;
  box: SecretBox;
  jobs: Jobs;
  events: EventBus;
  logger: Logger;
  subscriptions: SubscriptionsService;
  segments: {
    find(principal: Principal, id: string): Promise<{ name: string; resource: string }>;
    members(principal: Principal, id: string, page: { limit: number; cursor?: string | undefined }): Promise<{ data: unknown[]; hasMore: boolean; nextCursor: string | null }>;
  };
  /** Creates the CRM campaign a Mailwizz campaign is recorded as (channel "mailwizz"). */
  createCampaign(principal: Principal, input: { title: string; description: string; startAt: Date }): Promise<{ id: string }>;
}

export interface SettingsInput {
  apiUrl: string;
  publicKey?: string | undefined;
  privateKey?: string | undefined;
  fromName: string;
  fromEmail: string;
  replyTo?: string | null | undefined;
}

const last4 = (s: string) => s.slice(-4);
const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/** The settings as the API answers them: the keys only as "set" and their last four characters. */
export function toSettingsDto(s: MailwizzSettings) {
  return {
    apiUrl: s.apiUrl,
    publicKey: { set: true, last4: s.publicKeyLast4 },
    privateKey: { set: true, last4: s.privateKeyLast4 },
    fromName: s.fromName,
    fromEmail: s.fromEmail,
    replyTo: s.replyTo,
    lastTest: s.lastTest ? { ok: s.lastTest.ok, at: iso(s.lastTest.at)!, message: s.lastTest.message } : null,
    updatedAt: iso(s.updatedAt)!,
  };
}

export function toSyncDto(s: MailwizzSync) {
  return { segmentId: String(s.segmentId), listUid: s.listUid || null, listName: s.listName, status: s.status, progress: s.progress, lastError: s.lastError, startedAt: iso(s.startedAt), finishedAt: iso(s.finishedAt) };
}

export function toCampaignDto(c: MailwizzCampaign) {
  return { campaignId: String(c.campaignId), channel: 'mailwizz' as const, campaignUid: c.campaignUid, segmentId: String(c.segmentId), listUid: c.listUid, name: c.name, subject: c.subject, sendAt: iso(c.sendAt)!, mailwizzStatus: c.mailwizzStatus, stats: c.stats, statsAt: iso(c.statsAt) };
}

/** Mailwizz's statistics in the CRM's words. */
function toStats(s: MailwizzCampaignStats): MailwizzStats {
  const n = (v: unknown) => Number(v) || 0;
  return {
    recipients: n(s.subscribers_count), processed: n(s.processed_count), delivered: n(s.delivery_success_count), opens: n(s.opens_count), uniqueOpens: n(s.unique_opens_count),
    clicks: n(s.clicks_count), uniqueClicks: n(s.unique_clicks_count), bouncesHard: n(s.hard_bounces_count), bouncesSoft: n(s.soft_bounces_count), unsubscribes: n(s.unsubscribes_count), complaints: n(s.complaints_count),
  };
}

/** Mailwizz wants `Y-m-d H:i:s` in the customer's time zone; the CRM sends UTC and says so in the docs. */
const mailwizzDate = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 19);

/**
 * The Mailwizz connection (issue 22, item 2): settings with sealed keys, segments pushed as lists
 * (incremental through the sync map, idempotent by search-by-email before create, consent respected),
 * campaigns created and scheduled from the CRM, statistics pulled, and unsubscribes mirrored both ways.
 */
export function createMailwizzService(deps: MailwizzDeps) {
  const Settings = mailwizzSettingsModel(deps.connection);
  const Sync = mailwizzSyncModel(deps.connection);
  const Member = mailwizzMemberModel(deps.connection);
  const Campaign = mailwizzCampaignModel(deps.connection);
  const Contact = contactModel(deps.connection);
  const Subscription = subscriptionModel(deps.connection);

  const clientOf = (s: MailwizzSettings): MailwizzClient => createMailwizzClient({ apiUrl: s.apiUrl, publicKey: deps.box.decrypt(s.publicKeySealed), privateKey: deps.box.decrypt(s.privateKeySealed) });
  async function settingsOf(tenantId: Types.ObjectId) {
    const s = await Settings.findOne({ tenantId }).lean();
    if (!s) throw new AppError('conflict', 'Mailwizz is not connected: save the API URL and keys first (PUT /v1/mailwizz/settings)');
    return s;
  }
  async function upstream<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw mailwizzProblem(error);
    }
  }
  const syncDoc = async (tenantId: Types.ObjectId, segmentId: Types.ObjectId) => {
    const s = await Sync.findOne({ tenantId, segmentId }).lean();
    if (!s) throw AppError.notFound('Mailwizz sync of this segment');
    return s;
  };

  /** The fields a subscriber gets from a contact, and their hash (what the sync map compares). */
  function subscriberFields(c: MemberContact) {
    const email = (c.emails?.find((e) => e.primary) ?? c.emails?.[0])?.value?.trim().toLowerCase() ?? '';
    const fields = { EMAIL: email, FNAME: c.firstName ?? '', LNAME: c.lastName ?? '' };
    return { email, fields, hash: createHash('sha256').update(JSON.stringify(fields)).digest('hex') };
  }

  async function setProgress(sync: MailwizzSync, patch: Partial<MailwizzSync>) {
    await Sync.updateOne({ tenantId: sync.tenantId, _id: sync._id }, { $set: patch });
  }

  /** One sync run: the segment's consenting members pushed, changed ones updated, departed ones removed. */
  async function runSync(tenantId: Types.ObjectId, segmentId: Types.ObjectId, keepAlive: () => Promise<void> = async () => {}) {
    const sync = await syncDoc(tenantId, segmentId);
    const settings = await settingsOf(tenantId);
    const principal = await loadPrincipal(deps.connection, { tenantId, userId: sync.createdBy });
    if (!principal) {
      await setProgress(sync, { status: 'failed', lastError: 'the user who set up this sync can no longer sign in; start it again', finishedAt: new Date() });
      return;
    }
    const client = clientOf(settings);
    const progress = { total: 0, processed: 0, created: 0, updated: 0, unchanged: 0, removed: 0, skipped: 0 };
    await setProgress(sync, { status: 'running', startedAt: new Date(), finishedAt: null, lastError: null, progress });
    try {
      let listUid = sync.listUid;
      if (!listUid) {
        listUid = await client.createList({
          general: { name: sync.listName, description: `CRM segment ${sync.listName}, kept in sync by the CRM`, opt_in: 'single', opt_out: 'single' },
          defaults: { from_name: settings.fromName, from_email: settings.fromEmail, reply_to: settings.replyTo, subject: '' },
        });
        await Sync.updateOne({ tenantId, _id: sync._id }, { $set: { listUid } });
      }
      const allows = await deps.subscriptions.snapshot(tenantId, CATEGORY, 'email');
      const known = new Map((await Member.find({ tenantId, segmentId }).lean()).map((m) => [String(m.contactId), m]));
      const seen = new Set<string>();
      let cursor: string | undefined;
      for (;;) {
        const page = await deps.segments.members(principal, String(segmentId), { limit: 100, cursor });
        progress.total += page.data.length;
        for (const raw of page.data) {
          const contact = raw as MemberContact;
          const { email, fields, hash } = subscriberFields(contact);
          const contactId = new Types.ObjectId(contact.id);
          const mapped = known.get(contact.id);
          const consenting = Boolean(contact.consent?.marketing) && email !== '' && allows({ type: 'contact', id: contactId, email });
          progress.processed++;
          if (!consenting || mapped?.state === 'unsubscribed') {
            progress.skipped++;
            continue;
          }
          seen.add(contact.id);
          if (mapped && mapped.state === 'subscribed' && mapped.hash === hash) {
            progress.unchanged++;
            continue;
          }
          if (mapped && mapped.state === 'subscribed') {
            await client.updateSubscriber(listUid, mapped.subscriberUid, fields);
            await Member.updateOne({ tenantId, _id: mapped._id }, { $set: { hash, email } });
            progress.updated++;
            continue;
          }
          // Not in the map (or removed before): search first, so a retried run never adds the address twice.
          const found = await client.searchByEmail(listUid, email);
          let subscriberUid: string;
          if (found && found.status === 'unsubscribed') {
            progress.skipped++;
            await Member.updateOne({ tenantId, segmentId, contactId }, { $set: { listUid, subscriberUid: found.subscriber_uid, email, hash, state: 'unsubscribed' } }, { upsert: true });
            seen.delete(contact.id);
            continue;
          }
          if (found) {
            subscriberUid = found.subscriber_uid;
            await client.updateSubscriber(listUid, subscriberUid, fields);
            progress.updated++;
          } else {
            subscriberUid = await client.createSubscriber(listUid, fields);
            progress.created++;
          }
          await Member.updateOne({ tenantId, segmentId, contactId }, { $set: { listUid, subscriberUid, email, hash, state: 'subscribed' } }, { upsert: true });
        }
        await Promise.all([keepAlive(), setProgress(sync, { progress })]);
        if (!page.hasMore || !page.nextCursor) break;
        cursor = page.nextCursor;
      }
      // Those who left the segment or withdrew consent: their subscriber is removed from the list.
      for (const m of known.values()) {
        if (m.state !== 'subscribed' || seen.has(String(m.contactId))) continue;
        try {
          await client.deleteSubscriber(listUid, m.subscriberUid);
        } catch (error) {
          if (!(error instanceof MailwizzError && error.httpStatus === 404)) throw error;
        }
        await Member.updateOne({ tenantId, _id: m._id }, { $set: { state: 'removed' } });
        progress.removed++;
      }
      await setProgress(sync, { status: 'done', progress, finishedAt: new Date() });
    } catch (error) {
      const message = error instanceof MailwizzError ? mailwizzProblem(error).message : (error as Error).message;
      await setProgress(sync, { status: 'failed', progress, lastError: message, finishedAt: new Date() });
      if (!(error instanceof MailwizzError) && !(error instanceof AppError)) throw error;
    }
  }

  /** Reads one campaign's statistics from Mailwizz and stores them on the CRM campaign's Mailwizz record. */
  async function pullStats(tenantId: Types.ObjectId, campaign: MailwizzCampaign, client: MailwizzClient) {
    const stats = await client.campaignStats(campaign.campaignUid);
    const saved = await Campaign.findOneAndUpdate({ tenantId, _id: campaign._id }, { $set: { stats: toStats(stats), statsAt: new Date(), mailwizzStatus: stats.campaign_status } }, { returnDocument: 'after' }).lean();
    await deps.events.publish({ type: 'campaign.statistics_updated', tenantId, resource: 'campaign', resourceId: String(campaign.campaignId), actor: null, data: { channel: 'mailwizz', stats: saved!.stats } });
    return saved!;
  }

  /** Mailwizz's unsubscribes of every pushed list, marked on the CRM contact (opt-out and consent withdrawn). */
  async function pullUnsubscribes(tenantId: Types.ObjectId) {
    const settings = await settingsOf(tenantId);
    const client = clientOf(settings);
    let marked = 0;
    for (const sync of await Sync.find({ tenantId }).lean()) {
      if (!sync.listUid) continue;
      const bySubscriber = new Map((await Member.find({ tenantId, segmentId: sync.segmentId }).lean()).map((m) => [m.subscriberUid, m]));
      for (let page = 1; ; page++) {
        const result = await client.subscribers(sync.listUid, page, 50);
        for (const record of result.records) {
          const member = bySubscriber.get(record.subscriber_uid);
          if (record.status !== 'unsubscribed' || !member || member.state === 'unsubscribed') continue;
          await Member.updateMany({ tenantId, contactId: member.contactId }, { $set: { state: 'unsubscribed' } });
          await markContactUnsubscribed(tenantId, member.contactId);
          marked++;
        }
        if (!result.next_page) break;
      }
    }
    return { marked };
  }

  async function markContactUnsubscribed(tenantId: Types.ObjectId, contactId: Types.ObjectId) {
    const filter = { tenantId, subjectType: 'contact' as const, subjectId: contactId, category: CATEGORY, channel: 'email' as const };
    try {
      await Subscription.findOneAndUpdate(filter, { $set: { subscribed: false, source: 'unsubscribe-link', changedBy: null } }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      await Subscription.updateOne(filter, { $set: { subscribed: false, source: 'unsubscribe-link', changedBy: null } });
    }
    // The consent history: the withdrawal is recorded with its source and time, as a new version of the contact.
    await writeNextVersion(Contact, tenantId, contactId, (current) => (current.consent && !current.consent.marketing ? null : { $set: { consent: { marketing: false, source: 'mailwizz:unsubscribe', at: new Date() }, updatedAt: new Date() } }));
    await deps.events.publish({ type: 'contact.unsubscribed', tenantId, resource: 'contact', resourceId: String(contactId), actor: null, data: { category: CATEGORY, channel: 'email', source: 'mailwizz' } });
  }

  /** A CRM opt-out of a contact, mirrored to every list the contact was pushed to. */
  async function mirrorUnsubscribe(tenantId: Types.ObjectId, contactId: Types.ObjectId) {
    const members = await Member.find({ tenantId, contactId }).lean();
    const open = members.filter((m) => m.state === 'subscribed');
    if (!open.length) return { unsubscribed: 0 };
    const client = clientOf(await settingsOf(tenantId));
    for (const m of open) {
      await client.unsubscribe(m.listUid, m.subscriberUid);
      await Member.updateOne({ tenantId, _id: m._id }, { $set: { state: 'unsubscribed' } });
    }
    return { unsubscribed: open.length };
  }

  return {
    async getSettings(principal: Principal) {
      const s = await Settings.findOne({ tenantId: principal.tenantId }).lean();
      if (!s) throw AppError.notFound('Mailwizz settings');
      return toSettingsDto(s);
    },
    async putSettings(principal: Principal, input: SettingsInput) {
      const tenantId = principal.tenantId;
      const existing = await Settings.findOne({ tenantId }).lean();
      if (!existing && !input.publicKey) throw AppError.invalidField('publicKey', 'is required when connecting Mailwizz', 'required');
      if (!existing && !input.privateKey) throw AppError.invalidField('privateKey', 'is required when connecting Mailwizz', 'required');
      const $set: Record<string, unknown> = { apiUrl: input.apiUrl.replace(/\/+$/, ''), fromName: input.fromName, fromEmail: input.fromEmail, replyTo: input.replyTo ?? input.fromEmail, lastTest: null };
      if (input.publicKey) Object.assign($set, { publicKeySealed: deps.box.encrypt(input.publicKey), publicKeyLast4: last4(input.publicKey) });
      if (input.privateKey) Object.assign($set, { privateKeySealed: deps.box.encrypt(input.privateKey), privateKeyLast4: last4(input.privateKey) });
      const saved = await Settings.findOneAndUpdate({ tenantId }, { $set }, { upsert: true, returnDocument: 'after' }).lean();
      return toSettingsDto(saved!);
    },
    async deleteSettings(principal: Principal) {
      const res = await Settings.deleteOne({ tenantId: principal.tenantId });
      if (!res.deletedCount) throw AppError.notFound('Mailwizz settings');
    },
    /** Calls `GET /lists` with the stored keys; answers whether Mailwizz accepted them and what it said. */
    async testConnection(principal: Principal) {
      const s = await settingsOf(principal.tenantId);
      let result: { ok: boolean; message: string };
      try {
        const lists = await clientOf(s).lists(1, 1);
        result = { ok: true, message: `Connected: ${Number(lists.count) || 0} list(s) in this Mailwizz account` };
      } catch (error) {
        result = { ok: false, message: mailwizzProblem(error).message };
      }
      await Settings.updateOne({ tenantId: principal.tenantId, _id: s._id }, { $set: { lastTest: { ...result, at: new Date() } } });
      return result;
    },
    async listSyncs(principal: Principal) {
      const syncs = await Sync.find({ tenantId: principal.tenantId }).lean();
      return { data: syncs.sort((a, b) => a.listName.localeCompare(b.listName)).map(toSyncDto) };
    },
    async getSync(principal: Principal, segmentId: string) {
      await deps.segments.find(principal, segmentId);
      return toSyncDto(await syncDoc(principal.tenantId, new Types.ObjectId(segmentId)));
    },
    /** Queues a sync of a segment of contacts (one job per segment, however often asked). */
    async startSync(principal: Principal, segmentId: string) {
      const segment = await deps.segments.find(principal, segmentId);
      if (segment.resource !== 'contact') throw AppError.invalidField('segmentId', `is a segment of ${segment.resource}s; only segments of contacts can be pushed to Mailwizz`);
      await settingsOf(principal.tenantId);
      const tenantId = principal.tenantId;
      const id = new Types.ObjectId(segmentId);
      try {
        await Sync.create({ tenantId, segmentId: id, listUid: '', listName: segment.name, status: 'queued', createdBy: principal.userId });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        // A running sync keeps its state; the queued job below runs after it (one job per segment).
        const current = await syncDoc(tenantId, id);
        if (current.status !== 'running') await Sync.updateOne({ tenantId, _id: current._id }, { $set: { status: 'queued', listName: segment.name, createdBy: principal.userId } });
      }
      await deps.jobs.scheduleUnique(`mailwizz-sync:${String(tenantId)}:${segmentId}`, new Date(), MAILWIZZ_SYNC_JOB, { tenantId: String(tenantId), segmentId });
      return toSyncDto(await syncDoc(tenantId, id));
    },
    runSync,
    /** Creates the CRM campaign and the Mailwizz campaign for a pushed list, scheduled at `sendAt`. */
    async createCampaign(principal: Principal, input: { segmentId: string; name: string; subject: string; fromName?: string | undefined; fromEmail?: string | undefined; replyTo?: string | undefined; html: string; sendAt?: Date | undefined }) {
      await deps.segments.find(principal, input.segmentId);
      const settings = await settingsOf(principal.tenantId);
      const sync = await Sync.findOne({ tenantId: principal.tenantId, segmentId: new Types.ObjectId(input.segmentId) }).lean();
      if (!sync?.listUid) throw AppError.invalidField('segmentId', 'has not been pushed to Mailwizz yet; sync it first (POST /v1/mailwizz/syncs/{segmentId})');
      const sendAt = input.sendAt ?? new Date();
      const campaignUid = await upstream(() =>
        clientOf(settings).createCampaign({
          name: input.name, type: 'regular', from_name: input.fromName ?? settings.fromName, from_email: input.fromEmail ?? settings.fromEmail, subject: input.subject, reply_to: input.replyTo ?? settings.replyTo,
          send_at: mailwizzDate(sendAt), list_uid: sync.listUid,
          options: { url_tracking: 'yes', plain_text_email: 'yes' },
          template: { content: Buffer.from(input.html, 'utf8').toString('base64'), inline_css: 'no', auto_plain_text: 'yes' },
        }),
      );
      const crm = await deps.createCampaign(principal, { title: input.name, description: `Mailwizz campaign ${campaignUid}: ${input.subject}`, startAt: sendAt });
      const saved = await Campaign.create({ tenantId: principal.tenantId, campaignId: new Types.ObjectId(crm.id), campaignUid, segmentId: sync.segmentId, listUid: sync.listUid, name: input.name, subject: input.subject, sendAt, mailwizzStatus: 'pending-sending', createdBy: principal.userId });
      return toCampaignDto(saved.toObject());
    },
    async listCampaigns(principal: Principal) {
      const docs = await Campaign.find({ tenantId: principal.tenantId }).lean();
      return { data: docs.sort((a, b) => +b.sendAt - +a.sendAt).map(toCampaignDto) };
    },
    async getCampaign(principal: Principal, campaignId: string) {
      const c = await Campaign.findOne({ tenantId: principal.tenantId, campaignId: new Types.ObjectId(campaignId) }).lean();
      if (!c) throw AppError.notFound('Mailwizz campaign');
      return toCampaignDto(c);
    },
    /** Pulls one campaign's statistics now. */
    async refreshStats(principal: Principal, campaignId: string) {
      const c = await Campaign.findOne({ tenantId: principal.tenantId, campaignId: new Types.ObjectId(campaignId) }).lean();
      if (!c) throw AppError.notFound('Mailwizz campaign');
      const client = clientOf(await settingsOf(principal.tenantId));
      return toCampaignDto(await upstream(() => pullStats(principal.tenantId, c, client)));
    },
    /** The scheduled pull: statistics of every agency's Mailwizz campaigns of the last 90 days. */
    async pullAllStats(now = new Date()) {
      const since = now.getTime() - 90 * 86_400_000;
      const tenants = await Settings.find({}).setOptions({ crossTenant: 'the hourly statistics pull visits every connected agency' }).lean();
      for (const s of tenants) {
        const client = clientOf(s);
        for (const c of await Campaign.find({ tenantId: s.tenantId }).lean()) {
          if (+c.sendAt < since) continue;
          try {
            await pullStats(s.tenantId, c, client);
          } catch (error) {
            deps.logger.warn({ err: error, tenantId: String(s.tenantId), campaignUid: c.campaignUid }, 'Mailwizz statistics not pulled');
          }
        }
      }
    },
    async pullUnsubscribesNow(principal: Principal) {
      return upstream(() => pullUnsubscribes(principal.tenantId));
    },
    async pullAllUnsubscribes() {
      const tenants = await Settings.find({}).setOptions({ crossTenant: 'the unsubscribe pull visits every connected agency' }).lean();
      for (const s of tenants) {
        try {
          await pullUnsubscribes(s.tenantId);
        } catch (error) {
          deps.logger.warn({ err: error, tenantId: String(s.tenantId) }, 'Mailwizz unsubscribes not pulled');
        }
      }
    },
    mirrorUnsubscribe,
    /** Whether a contact was ever pushed to Mailwizz (so an opt-out elsewhere has something to mirror). */
    isMapped: async (tenantId: Types.ObjectId, contactId: Types.ObjectId) => Boolean(await Member.exists({ tenantId, contactId })),
  };
}

export type MailwizzService = ReturnType<typeof createMailwizzService>;
