import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Small HMAC-signed tokens for the public routes: the form token (when a form was served, so the
 * minimum fill time cannot be forged) and the double opt-in confirmation token. The payload is
 * `part.part...`, readable but not changeable without the server's key.
 */
export function createTokenSigner(secret: string, purpose: string) {
  const key = createHmac('sha256', secret).update(`crm:campaigns:${purpose}`).digest();
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url');
  return {
    sign(parts: string[]): string {
      const payload = parts.join('.');
      return `${payload}.${mac(payload)}`;
    },
    /** The parts of a genuine token, or null. */
    verify(token: string, count: number): string[] | null {
      const parts = token.split('.');
      if (parts.length !== count + 1) return null;
      const signature = Buffer.from(parts.pop()!);
      const expected = Buffer.from(mac(parts.join('.')));
      if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return null;
      return parts;
    },
  };
}
