import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Types } from 'mongoose';

/** What a signed quote link names: the agency, the quote, the revision the customer got, when it stops working, and its own id (single use). */
export interface QuoteLinkClaims {
  tenantId: Types.ObjectId;
  quoteId: Types.ObjectId;
  revision: number;
  expiresAt: Date;
  linkId: string;
}

/**
 * The signed, single-use link in a quote email: `q1.<tenant>.<quote>.<revision>.<expiry s>.<link id>.<HMAC-SHA256>`,
 * keyed by a key derived from the server secret for this purpose only. Anyone holding it may accept or
 * reject that revision once, until the quote's last valid day ends; it carries no other right.
 */
export function createQuoteLinkSigner(secret: string) {
  const key = createHmac('sha256', secret).update('crm:quotes:acceptance-link').digest();
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url');
  return {
    sign(input: { tenantId: Types.ObjectId; quoteId: Types.ObjectId; revision: number; expiresAt: Date }): string {
      const payload = ['q1', String(input.tenantId), String(input.quoteId), String(input.revision), String(Math.floor(input.expiresAt.getTime() / 1000)), randomBytes(12).toString('base64url')].join('.');
      return `${payload}.${mac(payload)}`;
    },
    /** The claims of a genuine link (expired ones too: the caller says why it no longer works), or null. */
    verify(token: string): QuoteLinkClaims | null {
      if (token.length > 300) return null;
      const parts = token.split('.');
      if (parts.length !== 7 || parts[0] !== 'q1') return null;
      const signature = Buffer.from(parts.pop()!);
      const expected = Buffer.from(mac(parts.join('.')));
      if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return null;
      const [, tenant, quote, revision, expires, linkId] = parts as [string, string, string, string, string, string];
      if (!Types.ObjectId.isValid(tenant) || !Types.ObjectId.isValid(quote) || !/^\d+$/.test(revision) || !/^\d+$/.test(expires)) return null;
      return { tenantId: new Types.ObjectId(tenant), quoteId: new Types.ObjectId(quote), revision: Number(revision), expiresAt: new Date(Number(expires) * 1000), linkId };
    },
  };
}

export type QuoteLinkSigner = ReturnType<typeof createQuoteLinkSigner>;

/** The link a quote email carries for its revision: valid until the end of the quote's last valid day. */
export function quoteLinkToken(signer: QuoteLinkSigner, quote: { _id: Types.ObjectId; tenantId: Types.ObjectId; revision: number; validUntil: Date }): string {
  return signer.sign({ tenantId: quote.tenantId, quoteId: quote._id, revision: quote.revision, expiresAt: new Date(new Date(quote.validUntil).getTime() + 86_400_000) });
}
