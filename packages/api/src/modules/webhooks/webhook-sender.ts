import { createHmac, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { resolveTarget, type TargetPolicy } from './webhook-target.js';

/** The signature header's name; the value is `t=<unix seconds>,v1=<hex>[,v1=<hex>]` (Stripe's scheme). */
export const SIGNATURE_HEADER = 'Crm-Signature';

/** A new signing secret: `whsec_` and 32 random bytes, base64url. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** HMAC-SHA256 of `<t>.<body>` under each secret, one `v1=` per secret (two during a rotation). */
export function signatureHeader(secrets: string[], timestamp: number, body: string): string {
  const v1 = secrets.map((secret) => `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  return [`t=${timestamp}`, ...v1].join(',');
}

export interface SendResult {
  status: number | null;
  responseBody: string;
  durationMs: number;
  error: string | null;
}

const RESPONSE_KEEP_BYTES = 4096;

/**
 * POSTs one delivery. The host is resolved and checked right before connecting, and the socket connects
 * to exactly the address that was checked (a custom `lookup`), so DNS rebinding cannot slip a private
 * address in between. Redirects are not followed (a 3xx is a failed attempt); the timeout covers the
 * whole exchange; only the first 4 KB of the answer are kept.
 */
export async function sendDelivery(input: { url: string; headers: Record<string, string>; body: string; timeoutMs: number; policy: TargetPolicy }): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const url = new URL(input.url);
  let target: { address: string; family: 4 | 6 };
  try {
    target = await resolveTarget(url, input.policy);
  } catch (error) {
    return { status: null, responseBody: '', durationMs: elapsed(), error: (error as Error).message };
  }
  const lookup: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<SendResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: elapsed() });
    };
    const req = send(url, { method: 'POST', headers: { ...input.headers, 'Content-Length': String(Buffer.byteLength(input.body)) }, lookup }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        if (kept < RESPONSE_KEEP_BYTES) {
          chunks.push(chunk);
          kept += chunk.length;
        }
      });
      res.on('end', () => finish({ status: res.statusCode ?? null, responseBody: Buffer.concat(chunks).subarray(0, RESPONSE_KEEP_BYTES).toString('utf8'), error: null }));
      res.on('error', (error) => finish({ status: res.statusCode ?? null, responseBody: '', error: error.message }));
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${input.timeoutMs} ms`));
    }, input.timeoutMs);
    req.on('error', (error) => finish({ status: null, responseBody: '', error: error.message }));
    req.end(input.body);
  });
}
