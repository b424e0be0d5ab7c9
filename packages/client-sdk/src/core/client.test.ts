import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { startFakeApi, type FakeApi } from '../testing/fake-api.js';
import { createCrmClient, CrmClient } from './client.js';
import { CrmError } from './errors.js';
import type { PublicCrmClient } from './public-client.js';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('createCrmClient', () => {
  it('should make a secret-key client that sends the key and has no session', async () => {
    api = await startFakeApi(() => ({ body: { user: { name: 'Server' } } }));
    const crm = createCrmClient({ baseUrl: `${api.baseUrl}/`, auth: { type: 'secretKey', key: 'sk_test_1' } });
    assert.ok(crm instanceof CrmClient);
    assert.equal(crm.session, null);
    await crm.auth.me();
    assert.equal(api.requests[0]?.path, '/v1/me');
    assert.equal(api.requests[0]?.headers.authorization, 'Bearer sk_test_1');
  });

  it('should type and build a public client for publishable-key auth', () => {
    const widget: PublicCrmClient = createCrmClient({ baseUrl: 'https://crm.example.com', auth: { type: 'publishableKey', key: 'pk_1' } });
    assert.ok(widget.public);
  });

  it('should refuse a key that is not a secret key', () => {
    assert.throws(() => createCrmClient({ baseUrl: 'https://crm.example.com', auth: { type: 'secretKey', key: 'pk_oops' } }), CrmError);
  });

  it('should refuse a secret key in a browser unless dangerouslyAllowBrowser is set', () => {
    const scope = globalThis as { document?: unknown };
    scope.document = {};
    try {
      assert.throws(() => createCrmClient({ baseUrl: 'https://crm.example.com', auth: { type: 'secretKey', key: 'sk_1' } }), /never reach a browser/);
      assert.ok(createCrmClient({ baseUrl: 'https://crm.example.com', auth: { type: 'secretKey', key: 'sk_1', dangerouslyAllowBrowser: true } }));
    } finally {
      delete scope.document;
    }
  });
});
