import { createHmac, timingSafeEqual } from 'node:crypto';

const hex24 = /^[a-f0-9]{24}$/;

/**
 * The stable reply address of each ticket, `support+<token>@<domain>`: the token is the ticket's id and
 * 64 bits of an HMAC of it (lower-case hex, since mail servers may change the case of a local part), so a
 * reply finds its ticket without any lookup table and nobody can make up the address of another ticket.
 * The same token sits in the Message-IDs of the ticket's emails, so a reply that lost its address (a
 * client replying to the From, a forward) is still threaded through In-Reply-To or References.
 */
export function createTicketMailAddresses(secret: string, replyAddress: string) {
  const at = replyAddress.lastIndexOf('@');
  const local = replyAddress.slice(0, at).toLowerCase();
  const domain = replyAddress.slice(at + 1).toLowerCase();
  const key = createHmac('sha256', secret).update('crm:ticket-reply-address').digest();
  const mac = (ticketId: string) => createHmac('sha256', key).update(ticketId).digest('hex').slice(0, 16);

  const tokenFor = (ticketId: string) => `${ticketId}${mac(ticketId)}`;
  /** The ticket id a token stands for, or null when it was not made here. */
  const readToken = (token: string): string | null => {
    const lower = token.toLowerCase();
    if (!/^[a-f0-9]{40}$/.test(lower)) return null;
    const ticketId = lower.slice(0, 24);
    const expected = Buffer.from(mac(ticketId));
    const given = Buffer.from(lower.slice(24));
    return hex24.test(ticketId) && timingSafeEqual(expected, given) ? ticketId : null;
  };

  return {
    domain,
    /** Where replies to the ticket's emails go. */
    replyAddress: (ticketId: string) => `${local}+${tokenFor(ticketId)}@${domain}`,
    /** Where a customer writes to open a ticket with an agency: `support+<agency slug>@<domain>`. */
    agencyAddress: (slug: string) => `${local}+${slug}@${domain}`,
    /** The Message-ID of one email of the ticket (one per reply). */
    messageId: (ticketId: string, messageId: string) => `<ticket.${tokenFor(ticketId)}.${messageId}@${domain}>`,
    /** The conversation's root id, referenced by every email of the ticket. */
    threadId: (ticketId: string) => `<ticket.${tokenFor(ticketId)}@${domain}>`,
    /**
     * What a recipient address names: a ticket (its token verified), an agency by slug, or nothing of
     * ours (another domain, the bare address, a token that does not verify).
     */
    parseRecipient(address: string): { kind: 'ticket'; ticketId: string } | { kind: 'agency'; slug: string } | null {
      const match = /^([^@+]+)\+([^@]+)@(.+)$/.exec(address.trim().toLowerCase());
      if (!match || match[1] !== local || match[3] !== domain) return null;
      const tag = match[2]!;
      const ticketId = readToken(tag);
      if (ticketId) return { kind: 'ticket', ticketId };
      return /^[a-z0-9][a-z0-9-]{0,62}$/.test(tag) && !/^[a-f0-9]{40}$/.test(tag) ? { kind: 'agency', slug: tag } : null;
    },
    /** The ticket a reply's In-Reply-To / References name (the first whose token verifies), or null. */
    ticketFromReferences(ids: string[]): string | null {
      for (const id of ids) {
        const match = /^<?ticket\.([a-f0-9]{40})[.@]/i.exec(id.trim());
        const ticketId = match ? readToken(match[1]!) : null;
        if (ticketId) return ticketId;
      }
      return null;
    },
  };
}

export type TicketMailAddresses = ReturnType<typeof createTicketMailAddresses>;

/** The reply address the API uses when SUPPORT_REPLY_ADDRESS is not set: `support@` the domain of MAIL_FROM. */
export function defaultReplyAddress(mailFrom: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(mailFrom)?.[1] ?? 'crm.localhost';
  return `support@${domain}`;
}
