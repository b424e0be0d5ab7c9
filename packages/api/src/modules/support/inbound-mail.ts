import { createHash } from 'node:crypto';
import type { AddressObject, ParsedMail } from 'mailparser';
import { Types, type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { Actor } from '../../platform/events.js';
import { contactModel } from '../contacts/contact.model.js';
import { customerUserModel } from '../customer-portal/customer-user.model.js';
import { tenantModel } from '../identity/tenant.model.js';
import type { TicketMailAddresses } from './ticket-mail-address.js';
import { REPLY_ABOVE_MARKER } from './ticket-mail.js';
import { ticketInboundMailModel } from './ticket-mail.model.js';
import type { ThreadAuthor, TicketThread } from './ticket-messages.service.js';
import { ticketModel, type Ticket } from './ticket.model.js';
import type { TicketsService } from './tickets.service.js';

/** A message the listener refuses, with the SMTP reply code the sending server gets. */
export class InboundRefused extends Error {
  override name = 'InboundRefused';
  constructor(
    readonly responseCode: 550 | 552 | 451,
    message: string,
  ) {
    super(message);
  }
}

/** What became of an accepted email. */
export interface InboundResult {
  outcome: 'appended' | 'created' | 'duplicate' | 'bounce' | 'reply';
  ticketId: string;
  messageId?: string;
}

const MAX_BODY = 20_000;
const MAX_SUBJECT = 300;

/**
 * The reply as the customer wrote it: the text above our "reply above this line" marker, above the
 * client's "On … wrote:" (English, German) or "Original Message" line, without quoted (`>`) lines or a
 * signature after "-- ".
 */
export function stripQuotedHistory(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const two = `${line} ${lines[i + 1] ?? ''}`;
    if (line.includes(REPLY_ABOVE_MARKER.slice(3, -3))) break;
    if (/^\s*(On\s.+wrote:|Am\s.+schrieb.+:)\s*$/i.test(line) || (/^\s*(On|Am)\s/i.test(line) && /(wrote|schrieb[^:]*):\s*$/i.test(two))) break;
    if (/^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht)\s*-{2,}/i.test(line) || /^_{10,}\s*$/.test(line)) break;
    if (line === '-- ') break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line);
  }
  return kept.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase())).filter(Boolean);
}

/** Mail for another module that the listener takes before tickets do (campaign bounces and replies). */
export interface InboundRouter {
  acceptsRecipient: (address: string) => boolean;
  take: (mail: ParsedMail, recipients: string[], raw: Buffer) => Promise<'bounce' | 'reply' | null>;
}

/**
 * Inbound ticket email (issue 18): a reply finds its ticket by the token in the address it was sent to
 * (or in In-Reply-To / References), is accepted only from the ticket's contact or a customer user of its
 * account, loses its quoted history and becomes a public customer message; anything else from a known
 * contact of the agency named by the address opens a ticket with channel `email`; the rest is refused.
 * The same Message-ID is stored once; attachments go through the thread's own size and type rules.
 */
export function createInboundMail(deps: { connection: Connection; tickets: TicketsService; thread: TicketThread; addresses: TicketMailAddresses; logger: Logger }) {
  const { connection, addresses } = deps;
  const Tickets = ticketModel(connection);
  const Contacts = contactModel(connection);
  const CustomerUsers = customerUserModel(connection);
  const Inbound = ticketInboundMailModel(connection);
  const routers: InboundRouter[] = [];

  /** Who the sender is for this ticket: a customer user of its account or its contact, or null. */
  async function senderOf(ticket: Ticket, from: string): Promise<ThreadAuthor | null> {
    const user = await CustomerUsers.findOne({ tenantId: ticket.tenantId, emailNormalized: from }).lean();
    if (user && user.status !== 'disabled') {
      const sameContact = ticket.contactId && String(user.contactId) === String(ticket.contactId);
      const sameAccount = ticket.accountId && user.accountId && String(user.accountId) === String(ticket.accountId);
      if (sameContact || sameAccount) return { kind: 'customer', id: user._id };
    }
    if (!ticket.contactId) return null;
    const contact = await Contacts.findOne({ tenantId: ticket.tenantId, _id: ticket.contactId }).select('primaryEmail emails').lean();
    const emails = [contact?.primaryEmail, ...(contact?.emails ?? []).map((e) => e.value)].filter(Boolean).map((e) => String(e).toLowerCase());
    // A contact without a portal identity writes as itself: the message's author is the contact.
    return emails.includes(from) ? { kind: 'customer', id: user && String(user.contactId) === String(ticket.contactId) ? user._id : ticket.contactId } : null;
  }

  async function ticketById(ticketId: string): Promise<Ticket | null> {
    return (await Tickets.findOne({ _id: new Types.ObjectId(ticketId) }).setOptions({ crossTenant: 'a reply address names its ticket by id (HMAC-checked); the tenant comes from the ticket' }).lean<Ticket>()) ?? null;
  }

  async function agencyBySlug(slug: string) {
    return tenantModel(connection).findOne({ slug, status: 'active' }).select('_id').setOptions({ crossTenant: 'an agency address names its agency by slug' }).lean();
  }

  /** Claims the Message-ID for this agency; false when it was taken in already. */
  async function claim(tenantId: Types.ObjectId, messageIdHeader: string, from: string): Promise<string | null> {
    const _id = createHash('sha256').update(`${String(tenantId)}\0${messageIdHeader}`).digest('hex');
    try {
      await Inbound.create({ _id, tenantId, ticketId: null, messageIdHeader, from, outcome: 'processing' });
      return _id;
    } catch (error) {
      if (isDuplicateKeyError(error)) return null;
      throw error;
    }
  }

  async function storeAttachments(ticket: Ticket, author: ThreadAuthor, mail: ParsedMail): Promise<{ ids: string[]; refused: string[] }> {
    const ids: string[] = [];
    const refused: string[] = [];
    for (const file of mail.attachments ?? []) {
      const name = (file.filename ?? 'attachment').slice(0, 200);
      try {
        ids.push((await deps.thread.upload(ticket, author, { name, data: file.content })).id);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        refused.push(`${name} (${error.message})`);
      }
    }
    return { ids, refused };
  }

  const actorOf = (tenantId: Types.ObjectId): Actor => ({ tenantId, userId: null, apiKeyId: null });

  async function append(ticket: Ticket, author: ThreadAuthor, mail: ParsedMail, text: string): Promise<InboundResult> {
    const files = await storeAttachments(ticket, author, mail);
    const body = [text || (files.ids.length ? '(attachments only)' : ''), ...files.refused.map((r) => `[not attached: ${r}]`)].filter(Boolean).join('\n\n').slice(0, MAX_BODY);
    if (!body) throw new InboundRefused(550, 'the reply is empty once the quoted history is removed');
    const { message } = await deps.thread.post(ticket, author, { body, visibility: 'public', attachmentIds: files.ids }, actorOf(ticket.tenantId));
    if (ticket.status === 'pending_customer' || ticket.status === 'resolved') {
      const current = (await findByIdInTenant(Tickets as never, ticket.tenantId, ticket._id)) as Ticket;
      // A workflow without that move keeps the status; the reply is stored either way.
      await deps.tickets.moveForCustomer(current, 'open', actorOf(ticket.tenantId)).catch((error: unknown) => {
        if (!(error instanceof AppError)) throw error;
      });
    }
    return { outcome: 'appended', ticketId: String(ticket._id), messageId: message.id };
  }

  async function open(tenantId: Types.ObjectId, from: string, mail: ParsedMail, text: string): Promise<InboundResult> {
    const contact = await Contacts.findOne({ tenantId, primaryEmail: from }).select('_id customerId').lean();
    if (!contact) throw new InboundRefused(550, `${from} is not a known contact of this agency`);
    const user = await CustomerUsers.findOne({ tenantId, emailNormalized: from }).select('_id contactId status').lean();
    const customerUserId = user && user.status !== 'disabled' && String(user.contactId) === String(contact._id) ? user._id : null;
    const subject = (mail.subject ?? '').replace(/^\s*((re|aw|fwd?|wg)\s*:\s*)+/i, '').trim().slice(0, MAX_SUBJECT) || '(no subject)';
    const created = await deps.tickets.createForCustomer({ tenantId, customerUserId, contactId: contact._id, accountId: (contact.customerId as Types.ObjectId | null | undefined) ?? null }, { subject, description: text.slice(0, MAX_BODY) || null }, actorOf(tenantId), { channel: 'email' });
    const files = await storeAttachments(created, { kind: 'customer', id: customerUserId ?? contact._id }, mail);
    if (files.ids.length || files.refused.length) {
      const body = [files.ids.length ? '(attachments sent with the request)' : '', ...files.refused.map((r) => `[not attached: ${r}]`)].filter(Boolean).join('\n\n');
      await deps.thread.post(created, { kind: 'customer', id: customerUserId ?? contact._id }, { body, visibility: 'public', attachmentIds: files.ids }, actorOf(tenantId));
    }
    return { outcome: 'created', ticketId: String(created._id) };
  }

  return {
    /** Whether an address names a ticket or an agency of ours (the listener refuses others before DATA). */
    acceptsRecipient: (address: string) => routers.some((r) => r.acceptsRecipient(address)) || addresses.parseRecipient(address) !== null,

    /** Adds a router asked before tickets (the campaigns module's bounces and replies). */
    route(router: InboundRouter) {
      routers.push(router);
    },

    /**
     * Takes one email as received by the listener (`recipients` from the SMTP envelope). Resolves with
     * what it became, or rejects with InboundRefused (the listener answers its code).
     */
    async accept(raw: Buffer, recipients: string[]): Promise<InboundResult> {
      const { simpleParser } = await import('mailparser'); // loaded at the first email, not by every process
      const mail = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true });
      for (const router of routers) {
        const taken = await router.take(mail, recipients, raw);
        if (taken) return { outcome: taken, ticketId: '' };
      }
      const from = addressesOf(mail.from)[0];
      if (!from) throw new InboundRefused(550, 'the message has no From address');
      const references = [mail.inReplyTo ?? '', ...(Array.isArray(mail.references) ? mail.references : mail.references ? [mail.references] : [])].filter(Boolean);
      const named = recipients.map((r) => addresses.parseRecipient(r)).filter((r) => r !== null);
      const ticketId = named.find((r) => r.kind === 'ticket')?.ticketId ?? addresses.ticketFromReferences(references);
      const ticket = ticketId ? await ticketById(ticketId) : null;
      const slug = named.find((r) => r.kind === 'agency')?.slug;
      const tenantId = ticket?.tenantId ?? (slug ? (await agencyBySlug(slug))?._id : undefined);
      if (!tenantId) throw new InboundRefused(550, 'no ticket or agency is reachable at this address');
      const text = stripQuotedHistory(mail.text ?? '');
      const messageIdHeader = mail.messageId ?? `<sha256.${createHash('sha256').update(raw).digest('hex')}@inbound>`;
      const claimed = await claim(tenantId, messageIdHeader, from);
      if (!claimed) {
        const seen = await Inbound.findOne({ tenantId, messageIdHeader }).lean();
        return { outcome: 'duplicate', ticketId: seen?.ticketId ? String(seen.ticketId) : '' };
      }
      try {
        const author = ticket ? await senderOf(ticket, from) : null;
        const result = ticket && author ? await append(ticket, author, mail, text) : await open(tenantId, from, mail, text);
        await Inbound.updateOne({ tenantId, _id: claimed }, { $set: { outcome: result.outcome, ticketId: new Types.ObjectId(result.ticketId) } });
        deps.logger.info({ tenantId: String(tenantId), ticketId: result.ticketId, outcome: result.outcome }, 'support email taken in');
        return result;
      } catch (error) {
        // Nothing was kept: the claim goes, so the sending server's retry (or a fixed address) is taken in afresh.
        await Inbound.deleteOne({ tenantId, _id: claimed });
        if (error instanceof InboundRefused) deps.logger.info({ tenantId: String(tenantId), from, reason: error.message }, 'support email refused');
        throw error;
      }
    },
  };
}

export type InboundMail = ReturnType<typeof createInboundMail>;
