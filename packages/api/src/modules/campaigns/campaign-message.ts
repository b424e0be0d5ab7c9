import Handlebars from 'handlebars';
import { Types, type Connection } from 'mongoose';
import { visibilityFilter } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { AppError } from '../../platform/errors.js';
import type { MessageSource } from '../../platform/mail/message-renderer.js';
import { userModel } from '../identity/user.model.js';
import { leadModel, type Lead } from '../leads/lead.model.js';
import { createRecipients } from '../messaging/recipients.js';
import { compileOrThrow, type TemplatesService } from '../templates/templates.service.js';
import type { CampaignMessage } from './campaign.model.js';

/** A message as the API takes it: a stored template, or a subject and body written for the campaign. */
export interface CampaignMessageInput {
  templateId?: string | null | undefined;
  subject?: string | null | undefined;
  body?: string | null | undefined;
}

/** Who a message is rendered for, with the values merge fields read (`{{recipient.firstName}}`...). */
export interface MessageRecipient {
  type: 'contact' | 'lead' | 'customer' | 'user';
  id: Types.ObjectId;
  name: string;
  email: string | null;
  fields: { firstName: string; lastName: string; fullName: string; email: string | null; companyName: string | null };
}

const escapeHtml = Handlebars.Utils.escapeExpression;
const mustache = /(\{\{\{?[\s\S]*?\}?\}\})/;

/**
 * The HTML part of a written body: the literal text is escaped (a `<b>` typed in the body arrives as
 * text), merge fields stay handlebars expressions (escaped when rendered), blank lines make paragraphs
 * and single line breaks `<br>`. Triple-stash `{{{x}}}` would print a value unescaped, so it is
 * rewritten to `{{x}}`.
 */
export function bodyToHtml(body: string): string {
  const escaped = body
    .split(mustache)
    .map((part, i) => (i % 2 ? part.replace(/^\{\{\{([\s\S]*)\}\}\}$/, '{{$1}}') : escapeHtml(part)))
    .join('');
  return escaped
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${p.replace(/\r?\n/g, '<br>')}</p>`)
    .join('\n');
}

/** Renders campaign messages: loads the template or compiles the written text, finds the recipient. */
export function createCampaignMessages(deps: { connection: Connection; templates: TemplatesService }) {
  const recipients = createRecipients(deps.connection);
  const Lead = leadModel(deps.connection);
  const User = userModel(deps.connection);

  /** The handlebars sources of a message; a template that is not the agency's names `message.templateId`. */
  async function sourceOf(tenantId: Types.ObjectId, message: CampaignMessageInput | CampaignMessage): Promise<MessageSource & { category: string }> {
    if (message.templateId) {
      const template = await deps.templates.load(tenantId, String(message.templateId)).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'not_found') throw AppError.invalidField('message.templateId', 'is not a template of this agency');
        throw error;
      });
      return { subject: template.subject, html: template.html, text: template.text, category: template.category };
    }
    const body = message.body ?? '';
    return { subject: message.subject ?? '', html: bodyToHtml(body), text: body, category: 'campaign' };
  }

  /** Compiles a message; a syntax error answers 400 on `message.subject` or `message.body`. */
  function compile(source: MessageSource, written: boolean) {
    try {
      return compileOrThrow(source);
    } catch (error) {
      if (written && error instanceof AppError && error.errors?.length) {
        throw new AppError('validation_failed', error.message, { errors: error.errors.map((e) => ({ ...e, field: e.field === 'subject' ? 'message.subject' : 'message.body' })) });
      }
      throw error;
    }
  }

  async function leadRecipient(principal: Principal, id: string): Promise<MessageRecipient> {
    const lead = await Lead.findOne({ ...visibilityFilter(principal, 'lead', 'read'), _id: new Types.ObjectId(id) }).lean<Lead>();
    if (!lead) throw AppError.notFound('Lead');
    const fullName = [lead.firstName, lead.middleName, lead.lastName].filter(Boolean).join(' ') || lead.companyName || '';
    const email = (lead.emails?.find((e) => e.primary) ?? lead.emails?.[0])?.value?.trim().toLowerCase() || null;
    return { type: 'lead', id: lead._id, name: fullName, email, fields: { firstName: lead.firstName ?? fullName, lastName: lead.lastName ?? '', fullName, email, companyName: lead.companyName ?? null } };
  }

  return {
    /** Checks a message before it is saved: the template exists, or the written text compiles. */
    async validate(tenantId: Types.ObjectId, message: CampaignMessageInput): Promise<CampaignMessage> {
      const source = await sourceOf(tenantId, message);
      compile(source, !message.templateId);
      return message.templateId ? { templateId: new Types.ObjectId(message.templateId), subject: null, body: null } : { templateId: null, subject: message.subject ?? null, body: message.body ?? null };
    },

    /** The one recipient named by `contactId`, `leadId` or `customerId`, as the principal may see it (404 otherwise). */
    async recipient(principal: Principal, ids: { contactId?: string | undefined; leadId?: string | undefined; customerId?: string | undefined }): Promise<MessageRecipient | null> {
      const named = (['contactId', 'leadId', 'customerId'] as const).filter((k) => ids[k]);
      if (named.length > 1) throw AppError.invalidField(named[1]!, `cannot be combined with ${named[0]}; name one recipient`);
      if (ids.leadId) return leadRecipient(principal, ids.leadId);
      if (ids.contactId) return recipients.visible(principal, 'contact', ids.contactId);
      if (ids.customerId) return recipients.visible(principal, 'customer', ids.customerId);
      return null;
    },

    /** The signed-in user as a recipient (a test send with nobody named renders for yourself). */
    async self(principal: Principal): Promise<MessageRecipient> {
      if (principal.kind !== 'user') throw new AppError('forbidden', 'A test message goes to the signed-in person; sign in as a user');
      const user = await User.findOne({ tenantId: principal.tenantId, _id: principal.userId }).lean();
      if (!user) throw new AppError('unauthenticated', 'Your account is gone; sign in again');
      const [firstName = '', ...rest] = user.name.split(/\s+/);
      return { type: 'user', id: user._id, name: user.name, email: user.email, fields: { firstName, lastName: rest.join(' '), fullName: user.name, email: user.email, companyName: null } };
    },

    /** Renders a message for one recipient, in the agency's locale and time zone. */
    async render(principal: Principal, message: CampaignMessageInput | CampaignMessage, recipient: MessageRecipient, sender: { name: string; email: string | null }) {
      const source = await sourceOf(principal.tenantId, message);
      const compiled = compile(source, !message.templateId);
      const agency = await recipients.agency(principal.tenantId);
      const rendered = compiled.render({ recipient: recipient.fields, agency: { name: agency.name }, sender, unsubscribeUrl: 'https://example.invalid/unsubscribe-preview' }, agency);
      return { ...rendered, recipient: { type: recipient.type, id: String(recipient.id), name: recipient.name, email: recipient.email }, locale: agency.locale, timeZone: agency.timeZone };
    },
  };
}

export type CampaignMessages = ReturnType<typeof createCampaignMessages>;
