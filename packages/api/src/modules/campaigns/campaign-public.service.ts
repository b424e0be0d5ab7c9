import { Types, type Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Principal } from '../../platform/access/principal.js';
import type { CustomFields } from '../../platform/custom-fields/custom-fields.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import { recordSignupAcceptance } from '../../platform/privacy/terms.js';
import { assertNotSuppressed } from '../../platform/privacy/suppression.js';
import { writeNextVersion } from '../../platform/records/version-claims.js';
import type { EventBus } from '../../platform/events.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { RecordBase, RecordService } from '../../platform/records/record-service.js';
import { contactModel } from '../contacts/contact.model.js';
import { tenantModel } from '../identity/tenant.model.js';
import { resolvePrincipal } from '../identity/principal.service.js';
import { leadModel } from '../leads/lead.model.js';
import {
  campaignEngagementModel,
  campaignModel,
  campaignSignupClaimModel,
  campaignSignupModel,
  referralCodeModel,
  signupIdentityModel,
  type Campaign,
  type CampaignSignup,
  type EngagementKind,
} from './campaign.model.js';
import { bumpDaily, campaignCounts } from './campaigns.service.js';
import { createTokenSigner } from './signed-token.js';
import { renderConfirmationMail } from './signup-mail.js';

/** What a public call knows about its caller: the tenant of the publishable key and the visitor's address. */
export interface PublicCaller {
  tenantId: Types.ObjectId;
  keyId: Types.ObjectId;
  ip: string;
  userAgent: string;
}

export interface SignupInput {
  fields: Record<string, string | number | boolean | null>;
  consent: boolean;
  referral?: string | undefined;
  visitorId?: string | undefined;
  formToken: string;
  website?: string | undefined;
}

const FORM_TOKEN_MAX_AGE_MS = 24 * 3_600_000;
const CONFIRM_TOKEN_MAX_AGE_MS = 7 * 24 * 3_600_000;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const kindCounter = { view: 'views', like: 'likes', enrol: 'enrolments' } as const;

/**
 * The widget-facing side of campaigns: the public payload of a campaign, engagement counted once per
 * visitor, and signups (honeypot, signed minimum fill time, dedupe by email, double opt-in). Every
 * signup answers the same whether the address was known or not.
 */
export function createCampaignPublicService(deps: {
  connection: Connection;
  events: EventBus;
  customFields: CustomFields;
  contacts: RecordService<RecordBase>;
  leads: RecordService<RecordBase>;
  mailer: Mailer;
  logger: Logger;
  secret: string;
  /** Where the API answers, for the confirmation link. */
  apiBase: string;
  /** The least time between serving a form and its submission. */
  minFillMs: number;
}) {
  const { connection, events } = deps;
  const Campaign = campaignModel(connection);
  const Engagement = campaignEngagementModel(connection);
  const Signup = campaignSignupModel(connection);
  const SignupClaim = campaignSignupClaimModel(connection);
  const Referral = referralCodeModel(connection);
  const Identity = signupIdentityModel(connection);
  const Contact = contactModel(connection);
  const Lead = leadModel(connection);
  const formTokens = createTokenSigner(deps.secret, 'form');
  const confirmTokens = createTokenSigner(deps.secret, 'confirm');

  const notFound = () => AppError.notFound('Campaign');

  /** A public campaign of the key's agency by code; drafts, discarded and non-public ones are not found. */
  async function findPublic(tenantId: Types.ObjectId, code: string): Promise<Campaign> {
    const campaign = await Campaign.findOne({ tenantId, codeKey: code.toUpperCase() }).lean<Campaign>();
    if (!campaign || campaign.visibility !== 'public' || !['new', 'active', 'inactive'].includes(campaign.status)) throw notFound();
    return campaign;
  }

  const isActive = (c: Campaign, now = new Date()) => c.status === 'active' && (!c.startAt || c.startAt <= now) && (!c.endAt || c.endAt > now);

  function assertOpen(c: Campaign) {
    if (!isActive(c)) throw new AppError('conflict', 'This campaign is not running now', { extensions: { reason: 'campaign_not_active' } });
  }

  async function fieldTypes(tenantId: Types.ObjectId): Promise<Map<string, string>> {
    const defs = await deps.customFields.definitions(tenantId, 'contact');
    return new Map(defs.map((d) => [`custom.${d.key}`, d.type]));
  }

  function inputType(key: string, custom: Map<string, string>): 'email' | 'text' | 'tel' | 'number' | 'checkbox' | 'date' {
    if (key === 'email') return 'email';
    if (key === 'phone') return 'tel';
    const type = custom.get(key);
    if (type === 'number') return 'number';
    if (type === 'boolean') return 'checkbox';
    if (type === 'date') return 'date';
    return 'text';
  }

  const publicCounts = async (tenantId: Types.ObjectId, id: Types.ObjectId) => {
    const c = await campaignCounts(connection, tenantId, id);
    return { views: c.views, likes: c.likes, enrolments: c.enrolments };
  };

  async function publishEngaged(caller: PublicCaller, campaign: Campaign, kind: string, data: Record<string, unknown> = {}) {
    await events.publish({
      type: 'campaign.engaged',
      tenantId: caller.tenantId,
      resource: 'campaign',
      resourceId: String(campaign._id),
      actor: { tenantId: caller.tenantId, userId: null, apiKeyId: caller.keyId, ip: caller.ip, userAgent: caller.userAgent },
      data: { kind, ownerId: campaign.ownerId ? String(campaign.ownerId) : null, title: campaign.title, code: campaign.code, ...data },
    });
  }

  /** The principal public writes act as: the referrer, else the campaign owner (their records, their visibility). */
  async function actingPrincipal(tenantId: Types.ObjectId, userIds: Array<Types.ObjectId | null>): Promise<Principal | null> {
    for (const userId of userIds) {
      if (!userId) continue;
      const principal = await resolvePrincipal(connection, { tenantId, userId });
      if (principal) return principal;
    }
    return null;
  }

  /** Finds the contact of an address, or creates it exactly once even when two signups race. */
  async function contactFor(principal: Principal, campaign: Campaign, signup: CampaignSignup, client: { ip: string; userAgent: string }): Promise<Types.ObjectId> {
    const { tenantId } = principal;
    const known = await Contact.findOne({ tenantId, primaryEmail: signup.email }).select('_id consent tags version').lean();
    if (known) {
      // A public form never overwrites what the agency knows about someone; it only records consent.
      if (signup.consent && !known.consent?.marketing) {
        await writeNextVersion(Contact, tenantId, known._id, (current) => (current.consent?.marketing ? null : { $set: { consent: { marketing: true, source: `campaign:${campaign.code}`, at: new Date() }, updatedAt: new Date() } }));
      }
      return known._id;
    }
    let contactId = new Types.ObjectId();
    try {
      await Identity.create({ tenantId, email: signup.email, contactId });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      contactId = (await Identity.findOne({ tenantId, email: signup.email }).lean())!.contactId;
      if (await Contact.exists({ tenantId, _id: contactId })) return contactId;
    }
    const a = signup.answers;
    const custom = Object.fromEntries(Object.entries(a).filter(([k]) => k.startsWith('custom.')).map(([k, v]) => [k.slice('custom.'.length), v]));
    const input: Record<string, unknown> = {
      firstName: String(a.firstName ?? '').trim() || signup.email.split('@')[0]!.slice(0, 100),
      lastName: String(a.lastName ?? '').trim() || '-',
      emails: [{ label: 'work', value: signup.email, primary: true }],
      phones: a.phone ? [{ label: 'mobile', value: String(a.phone), primary: true }] : [],
      jobTitle: a.jobTitle ? String(a.jobTitle) : null,
      company: a.companyName ? { name: String(a.companyName) } : null,
      leadSource: `campaign:${campaign.code}`,
      tags: [`campaign-${campaign.code.toLowerCase()}`.slice(0, 50)],
      consent: signup.consent ? { marketing: true, source: `campaign:${campaign.code}` } : null,
      custom,
      ownerId: String(principal.userId),
      ...(campaign.productId ? { productId: String(campaign.productId) } : {}),
    };
    try {
      await deps.contacts.create(principal, input, client, { id: contactId });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    return contactId;
  }

  /** Turns a (confirmed) signup into a contact and a lead attributed to the campaign and the referrer. */
  async function materialize(campaign: Campaign, signup: CampaignSignup, client: { ip: string; userAgent: string }): Promise<void> {
    const principal = await actingPrincipal(signup.tenantId, [signup.referrerId, campaign.ownerId]);
    if (!principal) {
      deps.logger.warn({ campaignId: String(campaign._id), signupId: String(signup._id) }, 'campaign signup kept without contact/lead: neither referrer nor owner is an active user');
      return;
    }
    const contactId = await contactFor(principal, campaign, signup, client);
    const leadId = signup.leadId ?? new Types.ObjectId();
    let leadCreated = false;
    const existingLead = await Lead.findOne({ tenantId: signup.tenantId, campaignId: campaign._id, primaryEmail: signup.email }).select('_id').lean();
    if (!existingLead) {
      const a = signup.answers;
      try {
        await deps.leads.create(
          principal,
          {
            kind: 'individual',
            firstName: a.firstName ? String(a.firstName) : null,
            lastName: a.lastName ? String(a.lastName) : null,
            jobTitle: a.jobTitle ? String(a.jobTitle) : null,
            companyName: a.companyName ? String(a.companyName) : null,
            emails: [{ label: 'work', value: signup.email, primary: true }],
            phones: a.phone ? [{ label: 'mobile', value: String(a.phone), primary: true }] : [],
            source: signup.referrerId ? 'referral' : 'campaign',
            campaignId: campaign._id,
            notes: signup.referralCode ? `Signed up through referral code ${signup.referralCode}` : null,
            ownerId: String(principal.userId),
            ...(campaign.productId ? { productId: String(campaign.productId) } : {}),
          },
          client,
          { id: leadId },
        );
        leadCreated = true;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    await Signup.updateOne({ tenantId: signup.tenantId, _id: signup._id }, { $set: { contactId, leadId: existingLead?._id ?? leadId } });
    if (leadCreated) await bumpDaily(connection, signup.tenantId, campaign._id, { leads: 1 });
  }

  /** Checks answers against the form: required fields, email, known keys only (others are dropped). */
  async function validateAnswers(campaign: Campaign, input: SignupInput): Promise<{ email: string; answers: Record<string, unknown> }> {
    const form = campaign.form!;
    const errors: { field: string; code: string; message: string }[] = [];
    const answers: Record<string, unknown> = {};
    for (const field of form.fields) {
      const raw = input.fields[field.key];
      const empty = raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
      if (empty) {
        if (field.required || field.key === 'email') errors.push({ field: `fields.${field.key}`, code: 'required', message: `${field.label} is required` });
        continue;
      }
      answers[field.key] = typeof raw === 'string' ? raw.trim() : raw;
    }
    const email = typeof answers.email === 'string' ? answers.email.toLowerCase() : '';
    if (email && (!emailPattern.test(email) || email.length > 254)) errors.push({ field: 'fields.email', code: 'invalid_format', message: 'must be an email address' });
    if (typeof answers.phone === 'string' && !/^[+()\d\s.-]{4,30}$/.test(answers.phone)) errors.push({ field: 'fields.phone', code: 'invalid_format', message: 'must be a phone number' });
    if (form.consentText && !input.consent) errors.push({ field: 'consent', code: 'required', message: 'Please accept to continue' });
    const custom = Object.fromEntries(Object.entries(answers).filter(([k]) => k.startsWith('custom.')).map(([k, v]) => [k.slice('custom.'.length), v]));
    if (Object.keys(custom).length) {
      try {
        const valid = await deps.customFields.validate(campaign.tenantId, 'contact', custom, 'update');
        for (const [k, v] of Object.entries(valid)) answers[`custom.${k}`] = v;
      } catch (error) {
        if (error instanceof AppError && error.errors) errors.push(...error.errors.map((e) => ({ ...e, field: `fields.${e.field}` })));
        else throw error;
      }
    }
    if (errors.length) throw new AppError('validation_failed', `${errors.length} field(s) need attention`, { errors });
    return { email, answers };
  }

  /**
   * The signup id an address has for a campaign: a new claim (`won`), or the one claimed before. A signup
   * made before claims existed is adopted by the first claim of its address.
   */
  async function claimSignup(tenantId: Types.ObjectId, campaignId: Types.ObjectId, email: string): Promise<{ signupId: Types.ObjectId; won: boolean }> {
    const signupId = new Types.ObjectId();
    try {
      await SignupClaim.create({ tenantId, campaignId, email, signupId });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const claimed = await SignupClaim.findOne({ tenantId, campaignId, email }).lean();
      if (!claimed) throw error;
      return { signupId: claimed.signupId, won: false };
    }
    const earlier = await Signup.findOne({ tenantId, campaignId, email }).select('_id').lean();
    if (!earlier) return { signupId, won: true };
    await SignupClaim.updateOne({ tenantId, campaignId, email }, { $set: { signupId: earlier._id } });
    return { signupId: earlier._id, won: false };
  }

  /**
   * The same address again: finishes what an earlier attempt may not have (materializing is idempotent)
   * and sends no second email. False when the claimed signup does not exist yet (its maker is still
   * writing it, or crashed before it could), so the caller writes it.
   */
  async function resumeSignup(campaign: Campaign, signupId: Types.ObjectId, client: { ip: string; userAgent: string }): Promise<boolean> {
    const earlier = await findByIdInTenant(Signup, campaign.tenantId, signupId);
    if (!earlier) return false;
    if (earlier.status === 'confirmed') await materialize(campaign, earlier, client);
    return true;
  }

  return {
    /** The campaign as a widget shows it, with a fresh signed form token. */
    async getCampaign(caller: PublicCaller, code: string) {
      const campaign = await findPublic(caller.tenantId, code);
      const custom = campaign.form ? await fieldTypes(caller.tenantId) : new Map<string, string>();
      return {
        code: campaign.code,
        title: campaign.title,
        description: campaign.description ?? null,
        type: campaign.type,
        startAt: campaign.startAt?.toISOString() ?? null,
        endAt: campaign.endAt?.toISOString() ?? null,
        active: isActive(campaign),
        counts: await publicCounts(caller.tenantId, campaign._id),
        form: campaign.form
          ? {
              fields: campaign.form.fields.map((f) => ({ key: f.key, label: f.label, required: Boolean(f.required) || f.key === 'email', type: inputType(f.key, custom) })),
              consentText: campaign.form.consentText ?? null,
              doubleOptIn: Boolean(campaign.form.doubleOptIn),
              thankYouMessage: campaign.form.thankYouMessage ?? null,
              redirectUrl: campaign.form.redirectUrl ?? null,
            }
          : null,
        formToken: formTokens.sign([String(campaign._id), String(Date.now())]),
      };
    },

    /** Counts a view, like or enrolment once per visitor; `counted` says whether this one was new. */
    async engage(caller: PublicCaller, code: string, kind: EngagementKind, visitorId: string) {
      const campaign = await findPublic(caller.tenantId, code);
      if (kind !== 'view') assertOpen(campaign);
      let counted = true;
      try {
        await Engagement.create({ tenantId: caller.tenantId, campaignId: campaign._id, visitorId, kind });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        counted = false;
      }
      if (counted) {
        await bumpDaily(connection, caller.tenantId, campaign._id, { [kindCounter[kind]]: 1 });
        await publishEngaged(caller, campaign, kind, { visitorId });
      }
      return { counted, counts: await publicCounts(caller.tenantId, campaign._id) };
    },

    /**
     * A signup from a widget. Bots get the same answer as people but nothing is stored (honeypot);
     * a form sent faster than a person could fill it is refused with a retry time; the contact is
     * found by email or created, a lead is attributed to the campaign and the referrer, and the answer
     * never tells whether the address was already known.
     */
    async signup(caller: PublicCaller, code: string, input: SignupInput) {
      const campaign = await findPublic(caller.tenantId, code);
      if (!campaign.form) throw notFound();
      const answer = {
        status: 'received' as const,
        confirmationRequired: Boolean(campaign.form.doubleOptIn),
        message: campaign.form.thankYouMessage ?? null,
        redirectUrl: campaign.form.redirectUrl ?? null,
      };
      if (input.website && input.website.trim() !== '') {
        deps.logger.info({ campaignId: String(campaign._id) }, 'campaign signup dropped: honeypot filled');
        return answer;
      }
      const token = formTokens.verify(input.formToken, 2);
      if (!token || token[0] !== String(campaign._id)) throw AppError.invalidField('formToken', 'is not valid; reload the form', 'invalid_token');
      const age = Date.now() - Number(token[1]);
      if (!(age >= 0) || age > FORM_TOKEN_MAX_AGE_MS) throw AppError.invalidField('formToken', 'has expired; reload the form', 'expired');
      if (age < deps.minFillMs) {
        const retryAfter = Math.max(1, Math.ceil((deps.minFillMs - age) / 1000));
        throw new AppError('rate_limited', `The form was sent too quickly; try again in ${retryAfter} s`, { headers: { 'Retry-After': String(retryAfter) }, extensions: { retryAfter, reason: 'too_fast' } });
      }
      assertOpen(campaign);
      const { email, answers } = await validateAnswers(campaign, input);
      // A person erased at their request is refused before anything of them is stored.
      await assertNotSuppressed(connection, caller.tenantId, { emails: [email], phones: [typeof answers.phone === 'string' ? answers.phone : null] }, (kind) => `fields.${kind}`);
      const referral = input.referral ? await Referral.findOne({ tenantId: caller.tenantId, code: input.referral.toUpperCase(), campaignId: campaign._id }).lean() : null;
      const doubleOptIn = Boolean(campaign.form.doubleOptIn);
      // One address, one signup per campaign: a form sent again (a reload, a second visit, a retry after
      // a lost answer, two at once) answers with the signup already made, pending or confirmed, and
      // changes and counts nothing; the claim's unique index decides, on every engine.
      const claim = await claimSignup(caller.tenantId, campaign._id, email);
      const again = () => resumeSignup(campaign, claim.signupId, { ip: caller.ip, userAgent: caller.userAgent });
      if (!claim.won && (await again())) return answer;
      let created;
      try {
        created = await Signup.create({
          _id: claim.signupId,
          tenantId: caller.tenantId,
          campaignId: campaign._id,
          referrerId: referral?.userId ?? null,
          referralCode: referral?.code ?? null,
          email,
          answers,
          consent: input.consent,
          status: doubleOptIn ? 'pending' : 'confirmed',
          confirmedAt: doubleOptIn ? null : new Date(),
          leadId: new Types.ObjectId(),
          ip: caller.ip || null,
        });
      } catch (error) {
        // Two sends of one address at once: the other made the signup between our claim and here.
        if (!isDuplicateKeyError(error) || !(await again())) throw error;
        return answer;
      }
      const signup = created.toObject();
      // Consent given: the privacy notice version the agency asks for now is recorded as accepted, with the time (docs/privacy.md).
      if (input.consent) await recordSignupAcceptance(connection, { tenantId: caller.tenantId, signupId: signup._id, email, source: `campaign:${campaign.code}`, ip: caller.ip || null });
      const client = { ip: caller.ip, userAgent: caller.userAgent };
      if (doubleOptIn) {
        const link = `${deps.apiBase}/v1/public/signup-confirmations?token=${encodeURIComponent(confirmTokens.sign([String(caller.tenantId), String(signup._id), String(Date.now() + CONFIRM_TOKEN_MAX_AGE_MS)]))}`;
        const name = typeof answers.firstName === 'string' ? answers.firstName : '';
        // The answer must not depend on the mail server: a failed send is logged, the signup stays pending.
        await deps.mailer.send(renderConfirmationMail(email, { title: campaign.title, name, link })).catch((error: unknown) => deps.logger.error({ err: error }, 'campaign opt-in email failed'));
      } else {
        await bumpDaily(connection, caller.tenantId, campaign._id, { signups: 1 });
        await materialize(campaign, signup, client);
      }
      await publishEngaged(caller, campaign, 'signup', { signupId: String(signup._id), referrerId: signup.referrerId ? String(signup.referrerId) : null, pending: doubleOptIn });
      return answer;
    },

    /** Confirms a double opt-in signup from the emailed link (idempotent: a second click confirms nothing new). */
    async confirm(token: string, client: { ip: string; userAgent: string }) {
      const parts = confirmTokens.verify(token, 3);
      const invalid = () => AppError.invalidField('token', 'is not a valid confirmation link; sign up again', 'invalid_token');
      if (!parts || !/^[a-f0-9]{24}$/.test(parts[0]!) || !/^[a-f0-9]{24}$/.test(parts[1]!)) throw invalid();
      if (Number(parts[2]) < Date.now()) throw AppError.invalidField('token', 'has expired; sign up again', 'expired');
      const tenantId = new Types.ObjectId(parts[0]);
      const signup = await Signup.findOne({ tenantId, _id: new Types.ObjectId(parts[1]) }).lean<CampaignSignup>();
      if (!signup) throw invalid();
      const campaign = await Campaign.findOne({ tenantId, _id: signup.campaignId }).lean<Campaign>();
      if (!campaign) throw invalid();
      const result = { status: 'confirmed' as const, message: campaign.form?.thankYouMessage ?? null, redirectUrl: campaign.form?.redirectUrl ?? null };
      const moved = await Signup.updateOne({ tenantId, _id: signup._id, status: 'pending' }, { $set: { status: 'confirmed', confirmedAt: new Date() } });
      if (moved.modifiedCount === 0) return result;
      await bumpDaily(connection, tenantId, campaign._id, { signups: 1 });
      await materialize(campaign, { ...signup, status: 'confirmed' }, client);
      await events.publish({
        type: 'campaign.engaged',
        tenantId,
        resource: 'campaign',
        resourceId: String(campaign._id),
        actor: { tenantId, userId: null, apiKeyId: null, ip: client.ip, userAgent: client.userAgent },
        data: { kind: 'signup_confirmed', ownerId: campaign.ownerId ? String(campaign.ownerId) : null, title: campaign.title, code: campaign.code, signupId: String(signup._id), referrerId: signup.referrerId ? String(signup.referrerId) : null },
      });
      return result;
    },

    /**
     * The agency and campaign a confirmation link belongs to, for the page a browser sees (also when
     * the link has expired); null when the link was not signed by us. Reads only, changes nothing.
     */
    async confirmationBrand(token: string): Promise<{ agencyName: string | null; campaignTitle: string | null; locale: string } | null> {
      const parts = confirmTokens.verify(token, 3);
      if (!parts || !/^[a-f0-9]{24}$/.test(parts[0]!) || !/^[a-f0-9]{24}$/.test(parts[1]!)) return null;
      const tenantId = new Types.ObjectId(parts[0]);
      const tenant = await tenantModel(connection).findById(tenantId).select('name settings.locale').lean();
      const signup = await Signup.findOne({ tenantId, _id: new Types.ObjectId(parts[1]) }).select('campaignId').lean<Pick<CampaignSignup, 'campaignId'>>();
      const campaign = signup ? await Campaign.findOne({ tenantId, _id: signup.campaignId }).select('title').lean<Pick<Campaign, 'title'>>() : null;
      return { agencyName: tenant?.name ?? null, campaignTitle: campaign?.title ?? null, locale: tenant?.settings?.locale ?? 'en' };
    },
  };
}

export type CampaignPublicService = ReturnType<typeof createCampaignPublicService>;
