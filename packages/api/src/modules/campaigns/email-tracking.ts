import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { Logger } from 'pino';
import { readCounter } from '../../platform/counts/record-counts.js';
import { recordCountDeltaModel } from '../../platform/counts/record-count.model.js';
import { signedLinks, type SecretBox } from '../../platform/crypto/secret-box.js';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import { isDuplicateKeyError } from '../../platform/errors.js';
import { deliveryModel, sendModel, suppressionModel, type Delivery, type Send } from '../messaging/messaging.model.js';
import type { OutgoingMessage, SendHooks } from '../messaging/send-hooks.js';
import { bulkWriteBounded } from '../../platform/db/bulk-writes.js';

/** The counted engagement of a campaign's own sends (docs/campaign-analytics.md). */
export const engagementMetrics = ['sent', 'opened', 'opens', 'clicked', 'clicks', 'bounced', 'bouncedHard', 'replied', 'unsubscribed'] as const;
export type EngagementMetric = (typeof engagementMetrics)[number];

/** A link of a campaign's message, rewritten to a signed redirect; the redirect reads its URL from here only. */
export interface TrackedLink {
  _id: string;
  tenantId: Types.ObjectId;
  campaignId: Types.ObjectId;
  url: string;
  createdAt: Date;
}

const linkSchema = new Schema<TrackedLink>(
  { _id: { type: String, required: true }, campaignId: { type: Schema.Types.ObjectId, required: true }, url: { type: String, required: true, maxlength: 2000 } },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false, collection: 'email_tracked_links' },
);
linkSchema.plugin(tenantScoped);
linkSchema.index({ tenantId: 1, campaignId: 1 });

export function trackedLinkModel(connection: Connection): Model<TrackedLink> {
  return (connection.models.TrackedLink as Model<TrackedLink> | undefined) ?? connection.model<TrackedLink>('TrackedLink', linkSchema);
}

/** What happened to one campaign message, per recipient: the per-contact side of the counters. */
export const engagementEvents = ['sent', 'opened', 'clicked', 'link', 'bounced', 'bouncedHard', 'replied', 'unsubscribed'] as const;
export type EngagementEvent = (typeof engagementEvents)[number];

/**
 * One fact about one delivery of a campaign message (`<delivery>:<event>[:<link>]` as `_id`, so it is
 * written once however often it happens), read per recipient by equality on `{ tenantId, recipientId }`.
 */
export interface EmailEngagement {
  _id: string;
  tenantId: Types.ObjectId;
  recipientType: 'contact' | 'customer';
  recipientId: Types.ObjectId;
  campaignId: Types.ObjectId;
  deliveryId: Types.ObjectId;
  event: EngagementEvent;
  /** The link clicked (event `link`). */
  url: string | null;
  at: Date;
}

const engagementSchema = new Schema<EmailEngagement>(
  {
    _id: { type: String, required: true },
    recipientType: { type: String, required: true },
    recipientId: { type: Schema.Types.ObjectId, required: true },
    campaignId: { type: Schema.Types.ObjectId, required: true },
    deliveryId: { type: Schema.Types.ObjectId, required: true },
    event: { type: String, enum: engagementEvents, required: true },
    url: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'email_engagements' },
);
engagementSchema.plugin(tenantScoped);
engagementSchema.index({ tenantId: 1, recipientId: 1 });

export function emailEngagementModel(connection: Connection): Model<EmailEngagement> {
  return (connection.models.EmailEngagement as Model<EmailEngagement> | undefined) ?? connection.model<EmailEngagement>('EmailEngagement', engagementSchema);
}

/** The counter key of one metric of one campaign (a `record_count_deltas` key, folded by the counters' job). */
const counterKey = (tenantId: Types.ObjectId, campaignId: Types.ObjectId, metric: string) => `campaign-email:${tenantId.toHexString()}:${campaignId.toHexString()}:${metric}`;

/** A 1x1 transparent GIF. */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const MESSAGE_ID = /<([a-f0-9]{24})@deliveries\.crm>/i;

/** A delivery as tracking knows it: its entry, and the campaign it counts into. */
interface TrackedDelivery {
  entry: Delivery;
  campaignId: Types.ObjectId;
}

/**
 * Campaign analytics for our own sends: a pixel per message, links rewritten to signed redirects, bounces
 * and replies from the inbound listener, unsubscribes from the link. Every count is an insert into the
 * platform's exact counters (`record_count_deltas`): a unique fact (the first open of a delivery, a
 * delivery's first click on a link) has an `_id` derived from the delivery, so it is counted once however
 * often it happens or is retried; totals (every open, every click) get a fresh `_id`. A read is a few
 * equality reads per metric, never a scan of the recipients.
 */
export function createEmailTracking(deps: { connection: Connection; box: SecretBox; logger: Logger; publicBase: string; secret: string; returnPathBase?: string | null | undefined }) {
  const { connection } = deps;
  const Deltas = recordCountDeltaModel(connection);
  const Links = trackedLinkModel(connection);
  const Engagements = emailEngagementModel(connection);
  const Deliveries = deliveryModel(connection);
  const Sends = sendModel(connection);
  const Suppressions = suppressionModel(connection);
  const openTokens = signedLinks(deps.box, 'email-open');
  const clickTokens = signedLinks(deps.box, 'email-click');
  const byId = { crossTenant: 'a ledger entry by its id from a signed token or our own Message-ID; the tenant is checked on read' };

  // VERP (`bounces+b<delivery><mac>@domain`): a bounce names its delivery in the address it is sent to.
  const verp = deps.returnPathBase ? { local: deps.returnPathBase.slice(0, deps.returnPathBase.lastIndexOf('@')).toLowerCase(), domain: deps.returnPathBase.slice(deps.returnPathBase.lastIndexOf('@') + 1).toLowerCase() } : null;
  const verpKey = createHmac('sha256', deps.secret).update('crm:campaign-return-path').digest();
  const verpMac = (id: string) => createHmac('sha256', verpKey).update(id).digest('hex').slice(0, 16);

  async function count(tenantId: Types.ObjectId, campaignId: Types.ObjectId, metric: string, once: string | null): Promise<boolean> {
    const key = counterKey(tenantId, campaignId, metric);
    try {
      await Deltas.collection.insertOne({ _id: `${once ?? randomUUID()}|${key}` as never, tenantId, kind: 'campaign-email', key, d: 1, fold: null });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /** The per-recipient fact of a unique count (same `_id` scheme as the counter: written once). */
  async function fact(entry: Delivery, campaignId: Types.ObjectId, event: EngagementEvent, extra: { linkId?: string; url?: string } = {}): Promise<void> {
    const _id = `${String(entry._id)}:${event}${extra.linkId ? `:${extra.linkId}` : ''}`;
    try {
      await Engagements.collection.insertOne({ _id: _id as never, tenantId: entry.tenantId, recipientType: entry.recipientType, recipientId: entry.recipientId, campaignId, deliveryId: entry._id, event, url: extra.url ?? null, at: new Date() });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /** A unique count and its per-recipient fact. */
  async function once(entry: Delivery, campaignId: Types.ObjectId, event: Exclude<EngagementEvent, 'link'>): Promise<boolean> {
    const counted = await count(entry.tenantId, campaignId, event, `${String(entry._id)}:${event}`);
    await fact(entry, campaignId, event);
    return counted;
  }

  async function delivery(tenantId: Types.ObjectId | null, deliveryId: string): Promise<TrackedDelivery | null> {
    if (!Types.ObjectId.isValid(deliveryId) || deliveryId.length !== 24) return null;
    const entry = await Deliveries.findOne({ _id: new Types.ObjectId(deliveryId) }).setOptions(byId).lean<Delivery>();
    if (!entry || (tenantId && !entry.tenantId.equals(tenantId))) return null;
    const send = await Sends.findOne({ tenantId: entry.tenantId, _id: entry.sendId }).select('campaignId').lean();
    return send?.campaignId ? { entry, campaignId: send.campaignId } : null;
  }

  function readOpenToken(token: string): { tenantId: Types.ObjectId; deliveryId: string } | null {
    const [tenantId, deliveryId] = openTokens.read(token, 2) ?? [];
    return tenantId && deliveryId && Types.ObjectId.isValid(tenantId) ? { tenantId: new Types.ObjectId(tenantId), deliveryId } : null;
  }

  const linkIdOf = (tenantId: Types.ObjectId, campaignId: Types.ObjectId, url: string) => createHash('sha256').update(`${String(tenantId)}\0${String(campaignId)}\0${url}`).digest('hex').slice(0, 24);
  const decodeHref = (href: string) => href.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'");
  const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

  /** Rewrites a message for one delivery: links to signed redirects, a pixel, the unsubscribe link marked. */
  async function decorate(send: Send, entry: Delivery, message: OutgoingMessage, unsubscribeUrl?: string | null): Promise<OutgoingMessage & { returnPath: string | null; unsubscribeUrl: string | null }> {
    const campaignId = send.campaignId!;
    const openToken = openTokens.issue([String(send.tenantId), String(entry._id)]);
    const unsubscribeMark = (s: string) => s.replace(/(\/v1\/unsubscribe\/[A-Za-z0-9_.-]+)(?=["\s<]|$)/g, `$1?d=${openToken}`);
    let html = unsubscribeMark(message.html);
    const text = unsubscribeMark(message.text);
    if (send.tracking) {
      const links = new Map<string, string>();
      html = html.replace(/(<a\b[^>]*?\bhref\s*=\s*")(https?:\/\/[^"]+)(")/gi, (all, before: string, href: string, after: string) => {
        const url = decodeHref(href);
        if (url.includes('/v1/unsubscribe/')) return all;
        const linkId = linkIdOf(send.tenantId, campaignId, url);
        links.set(linkId, url);
        const token = clickTokens.issue([String(send.tenantId), String(entry._id), linkId]);
        return `${before}${escapeAttr(`${deps.publicBase}/v1/t/c/${token}`)}${after}`;
      });
      if (links.size) {
        // Bounded: a message with many links must not send FerretDB one command of as many updates (bulk-writes.ts).
        await bulkWriteBounded(
          Links.collection,
          [...links].map(([_id, url]) => ({ updateOne: { filter: { tenantId: send.tenantId, _id }, update: { $setOnInsert: { campaignId, url, createdAt: new Date() } }, upsert: true } })) as never,
          { ordered: false },
        ).catch((error: unknown) => {
          if (!isDuplicateKeyError(error)) throw error;
        });
      }
      const pixel = `<img src="${deps.publicBase}/v1/t/o/${openToken}.gif" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0">`;
      html = /<\/body>/i.test(html) ? html.replace(/<\/body>/i, `${pixel}</body>`) : `${html}${pixel}`;
    }
    const returnPath = verp ? `${verp.local}+b${String(entry._id)}${verpMac(String(entry._id))}@${verp.domain}` : null;
    // The List-Unsubscribe header (RFC 8058 one-click POST) carries the same mark as the link in the body.
    return { html, text, returnPath, unsubscribeUrl: unsubscribeUrl ? unsubscribeMark(unsubscribeUrl) : null };
  }

  /** The delivery a VERP address names, or null. */
  function deliveryOfAddress(address: string): string | null {
    if (!verp) return null;
    const m = /^([^@+]+)\+b([a-f0-9]{24})([a-f0-9]{16})@(.+)$/i.exec(address.trim().toLowerCase());
    if (!m || m[1] !== verp.local || m[4] !== verp.domain) return null;
    const expected = Buffer.from(verpMac(m[2]!));
    return timingSafeEqual(expected, Buffer.from(m[3]!)) ? m[2]! : null;
  }

  const hooks: Required<Pick<SendHooks, 'decorate' | 'onSent' | 'onUnsubscribed'>> = {
    decorate,
    async onSent(send, entry) {
      await once(entry, send.campaignId!, 'sent');
    },
    async onUnsubscribed(token) {
      const read = readOpenToken(token);
      const found = read && (await delivery(read.tenantId, read.deliveryId));
      if (found) await once(found.entry, found.campaignId, 'unsubscribed');
    },
  };

  return {
    hooks,
    deliveryOfAddress,
    /** Whether the listener takes mail for this address (a return path of ours). */
    acceptsRecipient: (address: string) => deliveryOfAddress(address) !== null,

    /** An open (the pixel was fetched): the first counts as a unique open, every one in the total. Answers whether the token was genuine. */
    async open(token: string): Promise<boolean> {
      const read = readOpenToken(token.replace(/\.gif$/, ''));
      const found = read && (await delivery(read.tenantId, read.deliveryId));
      if (!found) return false;
      const { tenantId } = found.entry;
      await once(found.entry, found.campaignId, 'opened');
      await count(tenantId, found.campaignId, 'opens', null);
      return true;
    },

    /** A click: the URL to redirect to, or null for a token that is not ours (never a redirect then). */
    async click(token: string): Promise<string | null> {
      const [tenantText, deliveryId, linkId] = clickTokens.read(token, 3) ?? [];
      if (!tenantText || !deliveryId || !linkId || !Types.ObjectId.isValid(tenantText)) return null;
      const tenantId = new Types.ObjectId(tenantText);
      const link = await Links.findOne({ tenantId, _id: linkId }).lean();
      if (!link) return null;
      const found = await delivery(tenantId, deliveryId);
      if (found && found.campaignId.equals(link.campaignId)) {
        const id = String(found.entry._id);
        await once(found.entry, found.campaignId, 'clicked');
        await count(tenantId, found.campaignId, `link:${linkId}`, `${id}:link:${linkId}`);
        await fact(found.entry, found.campaignId, 'link', { linkId, url: link.url });
        await count(tenantId, found.campaignId, 'clicks', null);
        // A click proves the message was opened, even with images blocked.
        await once(found.entry, found.campaignId, 'opened');
      }
      return link.url;
    },

    /** A bounce of a delivery: counted once; a hard bounce (5.x.x) puts the address on the suppression list. */
    async bounce(deliveryId: string, hard: boolean, status: string): Promise<boolean> {
      const found = await delivery(null, deliveryId);
      if (!found) return false;
      const { tenantId, email } = found.entry;
      await once(found.entry, found.campaignId, 'bounced');
      if (hard) {
        await once(found.entry, found.campaignId, 'bouncedHard');
        if (email) {
          await Suppressions.create({ tenantId, email, reason: `bounced (${status})` }).catch((error: unknown) => {
            if (!isDuplicateKeyError(error)) throw error;
          });
        }
      }
      deps.logger.info({ tenantId: String(tenantId), deliveryId, hard, status }, 'campaign email bounced');
      return true;
    },

    /** A reply to a delivery: counted once per delivery; answers the delivery for the timeline entry. */
    async reply(deliveryId: string): Promise<Delivery | null> {
      const found = await delivery(null, deliveryId);
      if (!found) return null;
      await once(found.entry, found.campaignId, 'replied');
      return found.entry;
    },

    /** The delivery a Message-ID of ours names (`<id@deliveries.crm>`), or null. */
    deliveryOfMessageId: (value: string) => MESSAGE_ID.exec(value)?.[1]?.toLowerCase() ?? null,

    /** A campaign's numbers from its counters, with rates and clicks per link. */
    async analytics(tenantId: Types.ObjectId, campaignId: Types.ObjectId) {
      const values = await Promise.all(engagementMetrics.map((m) => readCounter(connection, tenantId, counterKey(tenantId, campaignId, m))));
      const n = Object.fromEntries(engagementMetrics.map((m, i) => [m, values[i]!])) as Record<EngagementMetric, number>;
      const links = await Links.find({ tenantId, campaignId }).limit(200).lean();
      const perLink = await Promise.all(links.map(async (l) => ({ url: l.url, clicked: await readCounter(connection, tenantId, counterKey(tenantId, campaignId, `link:${l._id}`)) })));
      const delivered = Math.max(0, n.sent - n.bounced);
      const rate = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : 0);
      return {
        object: 'campaign_email_analytics' as const,
        campaignId: String(campaignId),
        sent: n.sent,
        delivered,
        opened: n.opened,
        opens: n.opens,
        clicked: n.clicked,
        clicks: n.clicks,
        bounced: n.bounced,
        bouncedHard: n.bouncedHard,
        replied: n.replied,
        unsubscribed: n.unsubscribed,
        rates: {
          delivered: rate(delivered, n.sent),
          opened: rate(n.opened, delivered),
          clicked: rate(n.clicked, delivered),
          clickToOpen: rate(n.clicked, n.opened),
          bounced: rate(n.bounced, n.sent),
          replied: rate(n.replied, delivered),
          unsubscribed: rate(n.unsubscribed, delivered),
        },
        links: perLink.sort((a, b) => b.clicked - a.clicked || a.url.localeCompare(b.url)),
      };
    },
  };
}

export type EmailTracking = ReturnType<typeof createEmailTracking>;
