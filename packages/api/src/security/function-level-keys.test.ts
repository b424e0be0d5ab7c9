import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccessHarness, ORIGIN, type SignedInCaller } from './access-walk.js';

/**
 * The function-level walk (see function-level.test.ts) without a user: anonymous callers get 401 on
 * every route but the public ones, a secret key scoped to SE acts with SE's permissions and never more
 * (whoever made it), and a publishable key reaches the widget routes under /v1/public and nothing else.
 */
describe('security: function-level access for anonymous callers and each kind of key', () => {
  let h: Awaited<ReturnType<typeof createAccessHarness>>;
  let seKey: SignedInCaller;

  before(async () => {
    h = await createAccessHarness(import.meta.filename, { secretKeyRoles: ['SE'], walked: ['key:SE'] });
    seKey = h.secretKeys.get('SE')!;
  });
  after(() => h.rt.close());

  it('should give a secret key scoped to SE what SE is granted, never more', async () => {
    const { mismatches, counts } = await h.walk(seKey);
    assert.deepEqual(mismatches, []);
    assert.ok(counts['403']! > 30, JSON.stringify(counts));
  });
  it('should answer 401 to an anonymous caller on every route but the public ones', async () => {
    const { mismatches, counts } = await h.walk({ kind: 'anonymous' });
    assert.deepEqual(mismatches, []);
    assert.ok(counts['401']! > 100, JSON.stringify(counts));
  });
  it('should let a publishable key reach only /v1/public routes', async () => {
    const { mismatches, counts } = await h.walk(h.publishable);
    assert.deepEqual(mismatches, []);
    assert.ok(counts.allowed! >= 2 && counts['401']! > 100, JSON.stringify(counts));
    // The same widget route from an origin the key does not list is refused.
    const ping = await h.send(h.publishable.key, 'get', '/v1/public/ping', undefined, { Origin: 'https://elsewhere.test' });
    assert.equal(ping.status, 403);
    assert.equal((await h.send(h.publishable.key, 'get', '/v1/public/ping', undefined, { Origin: ORIGIN })).status, 200);
  });

  it("should refuse a secret key the routes that act for a person: its creator's sessions, password, profile and mailbox", async () => {
    const admin = h.agency.adminToken;
    const before = await h.send(admin, 'get', '/v1/auth/sessions');
    assert.equal(before.status, 200);
    const sessionId = before.body.data![0]!.id;
    for (const [method, path, body] of [
      ['get', '/v1/auth/sessions', undefined],
      ['delete', `/v1/auth/sessions/${sessionId}`, undefined],
      ['post', '/v1/auth/logout', undefined],
      ['patch', '/v1/me', { name: 'Renamed by a key' }],
      ['post', '/v1/me/password', { currentPassword: 'x', newPassword: 'another-long-password-1' }],
      ['put', '/v1/me/mail-settings', {}],
      ['post', '/v1/api-keys', { kind: 'publishable', name: 'minted by a key', allowedOrigins: [ORIGIN] }],
    ] as const) {
      const res = await h.send(seKey.credential, method, path, body);
      assert.equal(res.status, 403, `${method.toUpperCase()} ${path}: ${res.status} ${res.text.slice(0, 200)}`);
    }
    // The creator's session is untouched and their name unchanged.
    const me = await h.send(admin, 'get', '/v1/me');
    assert.equal(me.status, 200);
    assert.notEqual((me.body.user as { name: string }).name, 'Renamed by a key');
  });
});
