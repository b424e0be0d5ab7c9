import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { campaignTypes, campaignVisibilities, engagementKinds, signupContactFields } from './campaign.model.js';

const isoDateTime = z.iso.datetime({ offset: true }).or(z.iso.date()).openapi({ description: 'ISO 8601 date or date-time' });
const money = z.number().min(0).max(1e12);

/** A campaign code: letters, digits, `-` and `_`, compared case-insensitively. */
export const campaignCode = z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$/, 'must be 2-40 letters, digits, - or _');

export const signupFormField = z.object({
  key: z
    .string()
    .refine((k) => (signupContactFields as readonly string[]).includes(k) || /^custom\.[a-z][a-zA-Z0-9_]{0,39}$/.test(k), `must be one of ${signupContactFields.join(', ')} or custom.<key>`)
    .openapi({ description: `A contact field (${signupContactFields.join(', ')}) or a contact custom attribute as custom.<key>` }),
  label: z.string().trim().min(1).max(100),
  required: z.boolean().default(false),
});

export const signupFormSchema = z
  .object({
    fields: z
      .array(signupFormField)
      .min(1)
      .max(20)
      .refine((f) => f.some((x) => x.key === 'email'), 'must include the email field (signups are deduplicated by email)')
      .refine((f) => new Set(f.map((x) => x.key)).size === f.length, 'must not repeat a field'),
    consentText: z.string().trim().max(2000).nullable().default(null),
    doubleOptIn: z.boolean().default(false).openapi({ description: 'Ask the visitor to confirm by email; until then the signup is pending' }),
    thankYouMessage: z.string().trim().max(1000).nullable().default(null),
    redirectUrl: z.url({ protocol: /^https?$/ }).max(2000).nullable().default(null),
  })
  .openapi('CampaignSignupForm');

/**
 * What a campaign sends: `templateId` (a stored template), or `subject` and `body` written here with
 * handlebars merge fields (`{{recipient.firstName}}`, `{{agency.name}}`, `{{sender.name}}`); values are
 * escaped in the HTML part.
 */
export const campaignMessageInput = z
  .object({
    templateId: objectId.nullable().optional().openapi({ description: 'A message template of the agency; leave out to write subject and body' }),
    subject: z.string().trim().max(500).nullable().optional(),
    body: z.string().max(100_000).nullable().optional().openapi({ description: 'Plain text with handlebars merge fields; blank lines separate paragraphs' }),
  })
  .superRefine((m, ctx) => {
    if (m.templateId) {
      if (m.subject || m.body) ctx.addIssue({ code: 'custom', path: ['templateId'], message: 'cannot be combined with a written subject and body; send one or the other' });
      return;
    }
    if (!m.subject) ctx.addIssue({ code: 'custom', path: ['subject'], message: 'is required when no templateId is given' });
    if (!m.body?.trim()) ctx.addIssue({ code: 'custom', path: ['body'], message: 'is required when no templateId is given' });
  })
  .openapi('CampaignMessageInput');

/** Who a campaign goes to: a saved segment, or listed contacts, leads and customers (up to 1,000 each). */
export const campaignAudienceInput = z
  .object({
    segmentId: objectId.nullable().optional().openapi({ description: 'A saved segment you can see; its members are taken when the message is sent' }),
    contactIds: z.array(objectId).max(1000).optional(),
    leadIds: z.array(objectId).max(1000).optional(),
    customerIds: z.array(objectId).max(1000).optional(),
  })
  .openapi('CampaignAudienceInput');

const writable = {
  title: z.string().trim().min(1).max(200),
  code: campaignCode,
  description: z.string().max(10_000).nullable().optional(),
  type: z.enum(campaignTypes),
  visibility: z.enum(campaignVisibilities).default('private'),
  startAt: isoDateTime.nullable().optional(),
  endAt: isoDateTime.nullable().optional(),
  cost: money.optional(),
  expectedRevenue: money.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR').optional(),
  form: signupFormSchema.nullable().optional(),
  message: campaignMessageInput.nullable().optional(),
  audience: campaignAudienceInput.nullable().optional(),
  ownerId: objectId.optional().openapi({ description: 'Defaults to you; assigning to someone else needs the assign permission' }),
  teamId: objectId.nullable().optional(),
  productId: objectId.nullable().optional(),
  custom: z.record(z.string().regex(/^[a-z][a-zA-Z0-9_]{0,39}$/), z.unknown()).optional(),
};

const periodIsOrdered = (c: { startAt?: string | null | undefined; endAt?: string | null | undefined }) => !c.startAt || !c.endAt || new Date(c.startAt) < new Date(c.endAt);

export const createCampaignBody = z.object(writable).refine(periodIsOrdered, { message: 'must be after startAt', path: ['endAt'] }).openapi('CampaignCreate');
export const updateCampaignBody = z
  .object({ ...writable, title: writable.title.optional(), code: writable.code.optional(), type: writable.type.optional(), visibility: z.enum(campaignVisibilities).optional() })
  .refine(periodIsOrdered, { message: 'must be after startAt', path: ['endAt'] })
  .openapi('CampaignUpdate');

export const campaignSchema = z
  .object({
    id: objectId,
    title: z.string(),
    code: z.string(),
    description: z.string().nullable(),
    type: z.enum(campaignTypes),
    visibility: z.enum(campaignVisibilities),
    startAt: z.string().nullable(),
    endAt: z.string().nullable(),
    cost: z.number(),
    expectedRevenue: z.number(),
    currency: z.string(),
    form: signupFormSchema.nullable(),
    message: z.object({ templateId: objectId.nullable(), subject: z.string().nullable(), body: z.string().nullable() }).nullable().openapi({ description: 'What the campaign sends; null until written' }),
    audience: z
      .object({ segmentId: objectId.nullable(), contactIds: z.array(objectId), leadIds: z.array(objectId), customerIds: z.array(objectId) })
      .nullable()
      .openapi({ description: 'Who the campaign goes to; null until chosen' }),
    counts: z
      .object({ views: z.number().int(), likes: z.number().int(), enrolments: z.number().int(), signups: z.number().int(), leads: z.number().int(), testSends: z.number().int() })
      .openapi({ description: 'Counters the campaign\'s writes maintain (no scan): widget views, likes, enrolments, signups, leads created, test messages sent' }),
    expectedRoi: z.number().nullable().openapi({ description: '(expected revenue − cost) / cost; null when the cost is 0. The stats route has the ROI from revenue won' }),
    status: z.string(),
    statusChangedAt: z.string().nullable(),
    ownerId: objectId.nullable(),
    teamId: objectId.nullable(),
    productId: objectId.nullable(),
    departmentId: objectId.nullable(),
    custom: z.record(z.string(), z.unknown()),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Campaign');

const counters = { views: z.number().int(), likes: z.number().int(), enrolments: z.number().int(), signups: z.number().int(), leads: z.number().int() };

export const campaignStatsSchema = z
  .object({
    campaignId: objectId,
    totals: z.object({
      ...counters,
      pendingSignups: z.number().int().openapi({ description: 'Double opt-in signups not yet confirmed' }),
      conversions: z.number().int().openapi({ description: 'Opportunities of the campaign closed won (or partially won)' }),
      revenueWon: z.number(),
    }),
    cost: z.number().openapi({ description: "The campaign's own cost plus its sales events' costs" }),
    expectedRevenue: z.number(),
    events: z.object({ events: z.number().int(), cost: z.number(), revenue: z.number().openapi({ description: 'Registration fees and sponsor packages' }) }).openapi({ description: 'The sales events of the campaign (issue 23), included in cost and ROI' }),
    currency: z.string(),
    roi: z.number().nullable().openapi({ description: '(revenue won + sales event revenue − cost) / cost; null when the cost is 0' }),
    expectedRoi: z.number().nullable().openapi({ description: '(expected revenue − cost) / cost; null when the cost is 0' }),
    daily: z.array(z.object({ day: z.string(), ...counters })).openapi({ description: 'One entry per day with activity (UTC), oldest first' }),
    revenueSource: z.enum(['opportunities']).openapi({ description: 'Where conversions and revenue come from' }),
  })
  .openapi('CampaignStats');

export const statsQuery = z.object({
  from: z.iso.date().optional().openapi({ description: 'First day of the daily series (UTC), default 90 days ago' }),
  to: z.iso.date().optional().openapi({ description: 'Last day of the daily series (UTC), default today' }),
});

export const referralCodeSchema = z
  .object({ id: objectId, campaignId: objectId, userId: objectId, code: z.string(), createdAt: z.string() })
  .openapi('CampaignReferralCode');

export const createReferralCodeBody = z
  .object({ code: campaignCode.optional().openapi({ description: 'Your code; a random one when left out' }) })
  .openapi('CampaignReferralCodeCreate');

export const signupSchema = z
  .object({
    id: objectId,
    campaignId: objectId,
    referrerId: objectId.nullable(),
    referralCode: z.string().nullable(),
    email: z.string(),
    status: z.enum(['pending', 'confirmed']),
    contactId: objectId.nullable(),
    leadId: objectId.nullable(),
    createdAt: z.string(),
    confirmedAt: z.string().nullable(),
  })
  .openapi('CampaignSignup');

export const signupListQuery = z.object({
  referrer: z.enum(['me', 'any']).default('me').openapi({ description: '`me` (default): the signups you referred; `any`: all signups of campaigns you may read' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: objectId.optional().openapi({ description: 'The `nextCursor` of the previous page' }),
});

/** A recipient to render the message for: exactly one of contact, lead or customer, one you can see. */
const recipientFields = {
  contactId: objectId.optional().openapi({ description: 'Render for this contact' }),
  leadId: objectId.optional().openapi({ description: 'Render for this lead' }),
  customerId: objectId.optional().openapi({ description: 'Render for this customer' }),
};

export const campaignPreviewBody = z
  .object({
    ...recipientFields,
    message: campaignMessageInput.optional().openapi({ description: 'The message being written; defaults to the campaign\'s saved message' }),
  })
  .openapi('CampaignPreview');

export const campaignMessagePreviewBody = z.object({ ...recipientFields, message: campaignMessageInput }).openapi('CampaignMessagePreview');

export const campaignTestSendBody = z
  .object({
    ...recipientFields,
    message: campaignMessageInput.optional().openapi({ description: 'The message being written; defaults to the campaign\'s saved message' }),
  })
  .openapi('CampaignTestSend');

export const renderedCampaignMessage = z
  .object({
    subject: z.string(),
    html: z.string(),
    text: z.string(),
    recipient: z.object({ type: z.enum(['contact', 'lead', 'customer', 'user']), id: objectId, name: z.string(), email: z.string().nullable() }),
    locale: z.string(),
    timeZone: z.string(),
  })
  .openapi('RenderedCampaignMessage');

export const campaignTestSendResult = z
  .object({
    object: z.literal('campaign_test_send'),
    campaignId: objectId,
    to: z.string().openapi({ description: 'Your own email address: a test goes to the signed-in user only' }),
    subject: z.string(),
    sentAt: z.string(),
  })
  .openapi('CampaignTestSendResult');

// ---- public (widget) routes ----

export const publicCodeParams = z.object({ code: campaignCode });

export const publicCampaignSchema = z
  .object({
    code: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    type: z.enum(campaignTypes),
    startAt: z.string().nullable(),
    endAt: z.string().nullable(),
    active: z.boolean().openapi({ description: 'Whether the campaign is active now (signups and enrolments are open)' }),
    counts: z.object({ views: z.number().int(), likes: z.number().int(), enrolments: z.number().int() }),
    form: z
      .object({
        fields: z.array(z.object({ key: z.string(), label: z.string(), required: z.boolean(), type: z.enum(['email', 'text', 'tel', 'number', 'checkbox', 'date']) })),
        consentText: z.string().nullable(),
        doubleOptIn: z.boolean(),
        thankYouMessage: z.string().nullable(),
        redirectUrl: z.string().nullable(),
      })
      .nullable(),
    formToken: z.string().openapi({ description: 'Send back with a signup: it carries, signed by the server, when the form was served (minimum fill time)' }),
  })
  .openapi('PublicCampaign');

export const publicVisitorQuery = z.object({ visitor: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/).optional().openapi({ description: 'The visitor id, to tell which of like/enrol this visitor already did' }) });

export const engagementBody = z
  .object({ visitorId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 letters, digits, - or _').openapi({ description: 'A random id the widget keeps in localStorage' }) })
  .openapi('PublicEngagement');

export const engagementParams = z.object({ code: campaignCode, kind: z.enum(engagementKinds) });

export const engagementResult = z
  .object({ counted: z.boolean().openapi({ description: 'False when this visitor had already done it' }), counts: z.object({ views: z.number().int(), likes: z.number().int(), enrolments: z.number().int() }) })
  .openapi('PublicEngagementResult');

export const signupBody = z
  .object({
    fields: z.record(z.string().max(60), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()])).openapi({ description: 'Answers keyed by the form field keys' }),
    consent: z.boolean().default(false),
    referral: z.string().trim().max(40).optional().openapi({ description: 'A referral code' }),
    visitorId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/).optional(),
    formToken: z.string().max(300).openapi({ description: 'The `formToken` of the campaign payload' }),
    website: z.string().max(500).optional().openapi({ description: 'Honeypot: a hidden field people leave empty' }),
  })
  .openapi('PublicSignup');

export const signupResult = z
  .object({
    status: z.literal('received'),
    confirmationRequired: z.boolean().openapi({ description: 'True when the visitor must confirm by email' }),
    message: z.string().nullable(),
    redirectUrl: z.string().nullable(),
  })
  .openapi('PublicSignupResult');

export const confirmQuery = z.object({ token: z.string().min(20).max(300) });
export const confirmResult = z.object({ status: z.enum(['confirmed']), message: z.string().nullable(), redirectUrl: z.string().nullable() }).openapi('PublicSignupConfirmation');
