/** Why a webhook signature check failed; `ok: true` when it passed. */
export type WebhookVerification =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'malformed_header' | 'timestamp_out_of_tolerance' | 'no_matching_signature'; timestamp?: number };

const encoder = new TextEncoder();

function toHex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}

// Compares every character whatever the first difference, so timing tells nothing about the signature.
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Checks a CRM webhook's `Crm-Signature` header (`t=<unix seconds>,v1=<hex>[,v1=<hex>]`): the HMAC-SHA256
 * of `<t>.<raw body>` under `secret` must equal one of the `v1` values (there are two while the sender
 * rotates its secret), and `t` must be within `toleranceSec` of now, so a captured request cannot be
 * replayed later. Pass the raw body exactly as received (not re-serialized JSON). Runs in Node 20+ and
 * browsers (WebCrypto).
 *
 * @example
 * const check = await verifyWebhookSignature(process.env.CRM_WEBHOOK_SECRET!, req.headers['crm-signature'], rawBody);
 * if (!check.ok) return res.writeHead(400).end(check.reason);
 */
export async function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  body: string | Uint8Array,
  toleranceSec = 300,
  now: number = Date.now(),
): Promise<WebhookVerification> {
  if (!header) return { ok: false, reason: 'malformed_header' };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) return { ok: false, reason: 'malformed_header' };
  if (Math.abs(now / 1000 - timestamp) > toleranceSec) return { ok: false, reason: 'timestamp_out_of_tolerance', timestamp };
  const key = await globalThis.crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const bodyBytes = typeof body === 'string' ? encoder.encode(body) : body;
  const prefix = encoder.encode(`${timestamp}.`);
  const signed = new Uint8Array(prefix.length + bodyBytes.length);
  signed.set(prefix, 0);
  signed.set(bodyBytes, prefix.length);
  const expected = toHex(await globalThis.crypto.subtle.sign('HMAC', key, signed));
  let matched = false;
  for (const candidate of signatures) matched = constantTimeEqual(candidate, expected) || matched;
  return matched ? { ok: true, timestamp } : { ok: false, reason: 'no_matching_signature', timestamp };
}
