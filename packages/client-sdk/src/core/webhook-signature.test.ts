import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { verifyWebhookSignature } from './webhook-signature.js';

// Signed independently of the helper, with node:crypto, as the API signs (HMAC-SHA256 of "<t>.<body>", hex).
const sign = (secret: string, t: number, body: string) => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
const secret = 'whsec_current';
const body = '{"id":"evt_1","type":"contact.created"}';
const now = 1_765_000_000_000;
const t = Math.floor(now / 1000);

describe('verifyWebhookSignature', () => {
  it('should accept a genuine signature, from a string or the raw bytes', async () => {
    const header = `t=${t},v1=${sign(secret, t, body)}`;
    assert.deepEqual(await verifyWebhookSignature(secret, header, body, 300, now), { ok: true, timestamp: t });
    assert.equal((await verifyWebhookSignature(secret, header, new TextEncoder().encode(body), 300, now)).ok, true);
  });

  it('should accept either secret during a rotation (two v1 values)', async () => {
    const header = `t=${t},v1=${sign('whsec_new', t, body)},v1=${sign(secret, t, body)}`;
    assert.equal((await verifyWebhookSignature(secret, header, body, 300, now)).ok, true);
    assert.equal((await verifyWebhookSignature('whsec_new', header, body, 300, now)).ok, true);
    assert.equal((await verifyWebhookSignature('whsec_other', header, body, 300, now)).ok, false);
  });

  it('should refuse a changed body, a wrong secret, an old or future timestamp and a malformed header', async () => {
    const header = `t=${t},v1=${sign(secret, t, body)}`;
    assert.deepEqual(await verifyWebhookSignature(secret, header, body.replace('created', 'deleted'), 300, now), { ok: false, reason: 'no_matching_signature', timestamp: t });
    assert.equal((await verifyWebhookSignature('whsec_wrong', header, body, 300, now)).ok, false);
    assert.deepEqual(await verifyWebhookSignature(secret, header, body, 300, now + 301_000), { ok: false, reason: 'timestamp_out_of_tolerance', timestamp: t });
    assert.equal((await verifyWebhookSignature(secret, header, body, 300, now - 301_000)).ok, false);
    for (const bad of [undefined, '', 'v1=abc', `t=${t}`, `t=x,v1=${sign(secret, t, body)}`]) {
      assert.deepEqual(await verifyWebhookSignature(secret, bad, body, 300, now), { ok: false, reason: 'malformed_header' });
    }
  });
});
