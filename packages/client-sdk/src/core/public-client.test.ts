import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, it } from 'node:test';
import { build } from 'esbuild';
import { listOf, startFakeApi, type FakeApi } from '../testing/fake-api.js';
import * as publicEntry from '../public.js';
import { createCrmClient, CrmClient } from './client.js';
import { CrmError } from './errors.js';
import { path } from './path.js';
import { createPublicClient, PublicCrmClient } from './public-client.js';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('publishable-key client', () => {
  it('should expose only the public namespace', () => {
    const widget = createPublicClient({ baseUrl: 'https://crm.example.com', publishableKey: 'pk_live_1' });
    assert.deepEqual(Object.keys(widget).sort(), ['public', 'transport']);
    assert.deepEqual(Object.getOwnPropertyNames(Object.getPrototypeOf(widget.public)).sort(), ['campaigns', 'constructor', 'get', 'list', 'ping', 'post', 'salesEvents']);
    assert.equal('session' in widget, false);
    assert.equal('realtime' in widget, false);
  });

  it('should be what createCrmClient returns for publishableKey auth', () => {
    const widget = createCrmClient({ baseUrl: 'https://crm.example.com', auth: { type: 'publishableKey', key: 'pk_1' } });
    assert.ok(widget instanceof PublicCrmClient);
    assert.ok(!(widget instanceof CrmClient));
  });

  it('should send the publishable key and a generated Idempotency-Key on public posts', async () => {
    api = await startFakeApi(() => ({ status: 201, body: { received: true } }));
    const widget = createPublicClient({ baseUrl: api.baseUrl, publishableKey: 'pk_test_1' });
    await widget.public.post(path`/v1/public/forms/${'signup'}/submissions`, { email: 'ada@example.com' });
    assert.equal(api.requests[0]?.headers.authorization, 'Bearer pk_test_1');
    assert.ok(api.requests[0]?.headers['idempotency-key']);
    assert.equal(api.requests[0]?.path, '/v1/public/forms/signup/submissions');
  });

  it('should list public collections page by page', async () => {
    api = await startFakeApi((request) => (request.query.get('cursor') ? listOf([2], null) : listOf([1], 'next')));
    const widget = createPublicClient({ baseUrl: api.baseUrl, publishableKey: 'pk_test_1' });
    const items: number[] = [];
    for await (const item of widget.public.list<number>('/v1/public/products')) items.push(item);
    assert.deepEqual(items, [1, 2]);
  });

  it('should refuse routes outside /v1/public and secret keys', () => {
    const widget = createPublicClient({ baseUrl: 'https://crm.example.com', publishableKey: 'pk_1' });
    assert.throws(() => widget.public.get('/v1/contacts'), CrmError);
    assert.throws(() => createPublicClient({ baseUrl: 'https://crm.example.com', publishableKey: 'sk_live_1' }), CrmError);
  });

  it('should export nothing of sessions, realtime or record resources from @crm/client-sdk/public', () => {
    const names = Object.keys(publicEntry);
    for (const name of ['createCrmClient', 'CrmClient', 'CrmSession', 'Realtime', 'CrudResource']) {
      assert.equal(names.includes(name), false, `${name} is exported by the public entry`);
    }
    assert.ok(names.includes('createPublicClient'));
  });

  it('should bundle the public entry without session, realtime, client or CRUD modules', async () => {
    const entry = fileURLToPath(new URL('../public.ts', import.meta.url));
    const result = await build({ entryPoints: [entry], bundle: true, write: false, metafile: true, format: 'esm', platform: 'browser' });
    const inputs = Object.keys(result.metafile.inputs).join('\n');
    for (const module of ['core/session.ts', 'resources/realtime.ts', 'core/client.ts', 'core/crud-resource.ts']) {
      assert.equal(inputs.includes(module), false, `${module} is in the public bundle`);
    }
  });
});
