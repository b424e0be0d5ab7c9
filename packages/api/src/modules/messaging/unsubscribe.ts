import { Types } from 'mongoose';
import { signedLinks, type SecretBox } from '../../platform/crypto/secret-box.js';
import type { RecipientType } from './messaging.model.js';

/** What an unsubscribe link stands for: one recipient, one category, on email. */
export interface UnsubscribeClaim {
  tenantId: Types.ObjectId;
  subjectType: RecipientType;
  subjectId: Types.ObjectId;
  category: string;
}

const PURPOSE = 'unsubscribe';

/**
 * Signed one-click unsubscribe tokens (HMAC-SHA256, no login, no expiry: a link in a years-old email must
 * still work). The token carries only ids and the category, never the address.
 */
export function createUnsubscribeTokens(box: SecretBox) {
  const links = signedLinks(box, PURPOSE);
  return {
    issue(claim: UnsubscribeClaim): string {
      return links.issue([String(claim.tenantId), claim.subjectType === 'contact' ? 'c' : 'u', String(claim.subjectId), claim.category]);
    },
    /** The claim of a genuine token, or null for anything forged, altered or malformed. */
    read(token: string): UnsubscribeClaim | null {
      const [tenantId, kind, subjectId, category] = links.read(token, 4) ?? [];
      if (!tenantId || !subjectId || !category || !Types.ObjectId.isValid(tenantId) || !Types.ObjectId.isValid(subjectId)) return null;
      return { tenantId: new Types.ObjectId(tenantId), subjectType: kind === 'c' ? 'contact' : 'customer', subjectId: new Types.ObjectId(subjectId), category };
    },
  };
}

export type UnsubscribeTokens = ReturnType<typeof createUnsubscribeTokens>;
