import type { Connection, Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { AppError } from '../../platform/errors.js';
import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { z } from '../../platform/http/zod.js';
import { mailwizzCampaignModel, mailwizzMemberModel } from '../mailwizz/mailwizz.model.js';
import { emailEngagementModel, type EmailEngagement } from './email-tracking.js';

/** The most facts read for one person (a person gets a few facts per campaign message). */
const MAX_FACTS = 5000;
/** The most Mailwizz lists of one person looked at. */
const MAX_LISTS = 50;

const known = z.boolean().nullable();
/** One campaign that reached a person, and what they did with it. */
export const campaignEngagementSchema = z
  .object({
    campaignId: z.string(),
    title: z.string(),
    source: z.enum(['email', 'mailwizz']).openapi({ description: '`email`: our own sends (counted per message); `mailwizz`: a Mailwizz campaign sent to a list the person is on' }),
    sentAt: z.string().nullable().openapi({ description: 'When the first message reached the mail server (ours), or the Mailwizz campaign was scheduled' }),
    sent: z.boolean(),
    delivered: known.openapi({ description: 'Sent and not bounced; null where the source does not tell per person' }),
    opened: known,
    clicked: known,
    links: z.array(z.string()).openapi({ description: 'The links the person clicked (our sends with tracking)' }),
    bounced: z.enum(['hard', 'soft']).nullable(),
    replied: known,
    unsubscribed: z.boolean().openapi({ description: "Unsubscribed through this message's link or one-click header (ours), or from the campaign's Mailwizz list" }),
  })
  .openapi('CampaignEngagement');

export const campaignEngagementListSchema = z
  .object({ object: z.literal('list'), data: z.array(campaignEngagementSchema), hasMore: z.boolean(), nextCursor: z.string().nullable() })
  .openapi('CampaignEngagementList');

export type CampaignEngagement = z.infer<typeof campaignEngagementSchema>;

interface Visible {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  conversion?: { contactId?: Types.ObjectId | null } | null;
}

/**
 * Campaign analytics per person (docs/campaign-analytics.md): the facts written once per delivery when a
 * campaign message was sent, opened, clicked, bounced, replied to or unsubscribed from, read by equality
 * on `{ tenantId, recipientId }`, and the Mailwizz campaigns sent to the lists the contact is on (by
 * `{ tenantId, contactId }`, then `{ tenantId, listUid }`). Mailwizz reports its statistics per campaign,
 * not per subscriber, so only its unsubscribes are known per person. Campaigns the reader may not read
 * are left out.
 */
export function createCampaignEngagement(deps: {
  connection: Connection;
  campaignVisible: (principal: Principal, id: string) => Promise<{ _id: Types.ObjectId; title: string }>;
  contactVisible: (principal: Principal, id: string) => Promise<Visible>;
  leadVisible: (principal: Principal, id: string) => Promise<Visible>;
}) {
  const Engagements = emailEngagementModel(deps.connection);
  const Members = mailwizzMemberModel(deps.connection);
  const MailwizzCampaigns = mailwizzCampaignModel(deps.connection);

  async function ofContact(principal: Principal, contactId: Types.ObjectId): Promise<CampaignEngagement[]> {
    const tenantId = principal.tenantId;
    const facts = await Engagements.find({ tenantId, recipientId: contactId }).limit(MAX_FACTS).lean<EmailEngagement[]>();
    const byCampaign = new Map<string, EmailEngagement[]>();
    for (const f of facts) {
      if (f.recipientType !== 'contact') continue;
      const key = String(f.campaignId);
      byCampaign.set(key, [...(byCampaign.get(key) ?? []), f]);
    }
    const titles = new Map<string, string | null>();
    const title = async (id: string) => {
      if (!titles.has(id)) titles.set(id, await deps.campaignVisible(principal, id).then((c) => c.title, () => null));
      return titles.get(id)!;
    };
    const rows: CampaignEngagement[] = [];
    for (const [campaignId, list] of byCampaign) {
      const name = await title(campaignId);
      if (name === null) continue;
      const has = (event: EmailEngagement['event']) => list.some((f) => f.event === event);
      const sentAt = list.filter((f) => f.event === 'sent').map((f) => f.at.getTime()).sort((a, b) => a - b)[0];
      const bounced = has('bouncedHard') ? 'hard' : has('bounced') ? 'soft' : null;
      rows.push({
        campaignId,
        title: name,
        source: 'email',
        sentAt: sentAt === undefined ? null : new Date(sentAt).toISOString(),
        sent: has('sent'),
        delivered: has('sent') && !bounced,
        opened: has('opened'),
        clicked: has('clicked'),
        links: [...new Set(list.filter((f) => f.event === 'link' && f.url).map((f) => f.url!))].sort(),
        bounced,
        replied: has('replied'),
        unsubscribed: has('unsubscribed'),
      });
    }
    const members = await Members.find({ tenantId, contactId }).limit(MAX_LISTS).lean();
    for (const member of members) {
      const sent = await MailwizzCampaigns.find({ tenantId, listUid: member.listUid }).limit(200).lean();
      for (const c of sent) {
        const name = await title(String(c.campaignId));
        if (name === null) continue;
        rows.push({
          campaignId: String(c.campaignId),
          title: name,
          source: 'mailwizz',
          sentAt: c.sendAt.toISOString(),
          sent: c.mailwizzStatus === 'sent',
          delivered: null,
          opened: null,
          clicked: null,
          links: [],
          bounced: null,
          replied: null,
          unsubscribed: member.state === 'unsubscribed',
        });
      }
    }
    return rows.sort((a, b) => (b.sentAt ?? '').localeCompare(a.sentAt ?? '') || a.title.localeCompare(b.title));
  }

  const list = (data: CampaignEngagement[]) => ({ object: 'list' as const, data, hasMore: false, nextCursor: null });

  return {
    /** The campaigns that reached a contact the principal may read (404 otherwise), newest first. */
    async contact(principal: Principal, id: string) {
      const contact = await deps.contactVisible(principal, id);
      return list(await ofContact(principal, contact._id));
    },
    /** A lead's campaigns: those of the contact it was converted to (campaign mail goes to contacts), if the principal may read it. */
    async lead(principal: Principal, id: string) {
      const lead = await deps.leadVisible(principal, id);
      const contactId = lead.conversion?.contactId;
      if (!contactId) return list([]);
      const contact = await deps.contactVisible(principal, String(contactId)).catch((error: unknown) => {
        if (error instanceof AppError && error.status === 404) return null;
        throw error;
      });
      return list(contact ? await ofContact(principal, contact._id) : []);
    },
  };
}

export type CampaignEngagementService = ReturnType<typeof createCampaignEngagement>;

export function campaignEngagementRoutes(engagement: CampaignEngagementService): RouteSpec[] {
  const description =
    'Every campaign that reached the person, newest first: our own sends (sent, delivered, opened, clicked which links, bounced hard or soft, replied, unsubscribed, each counted once per message) and Mailwizz campaigns sent to a list the contact is on (Mailwizz tells only unsubscribes per person; the other fields are null). Campaigns the caller may not read are left out. Read by equality on the person: constant work per campaign message, whatever the size of the agency.';
  return [
    defineRoute({
      method: 'get', path: '/contacts/{id}/campaign-engagement', operationId: 'listContactCampaignEngagement', summary: "The campaigns that reached a contact and what the contact did with each",
      description, tags: ['Contacts'], access: access.permission('contact', 'read'), params: idParams,
      success: { status: 200, description: 'The campaigns, newest first', schema: campaignEngagementListSchema },
      handler: ({ params, req }) => engagement.contact(req.principal!, params.id),
    }),
    defineRoute({
      method: 'get', path: '/leads/{id}/campaign-engagement', operationId: 'listLeadCampaignEngagement', summary: "The campaigns that reached a lead's contact and what it did with each",
      description: `${description} A lead is reached through the contact it was converted to; an unconverted lead answers an empty list.`,
      tags: ['Leads'], access: access.permission('lead', 'read'), params: idParams,
      success: { status: 200, description: 'The campaigns, newest first', schema: campaignEngagementListSchema },
      handler: ({ params, req }) => engagement.lead(req.principal!, params.id),
    }),
  ];
}
