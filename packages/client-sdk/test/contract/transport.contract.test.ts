// The request machinery against the real API: pages, retries behind a failing server, an idempotent
// create whose first answer is lost, one token refresh for a burst of calls, timeouts and abort.
import assert from 'node:assert/strict';
import { createServer, request as forward, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createCrmClient } from '../../src/core/client.js';
import { CrmAbortError, CrmConnectionError, CrmTimeoutError } from '../../src/core/errors.js';
import type { FetchLike } from '../../src/core/transport.js';
import { jwtClaims, nowSeconds, until, useLiveApi } from '../support/live-api.js';

const live = useLiveApi(import.meta.filename);

const fastRetries = { maxRetries: 3, initialDelayMs: 5, maxDelayMs: 20 };

/** Records each request a client sends, then sends it through `next`. */
function recording(next: FetchLike): { fetch: FetchLike; sent: { method: string; path: string; headers: Record<string, string> }[] } {
  const sent: { method: string; path: string; headers: Record<string, string> }[] = [];
  return {
    sent,
    fetch: (url, init) => {
      sent.push({ method: init.method ?? 'GET', path: new URL(url).pathname, headers: { ...(init.headers as Record<string, string>) } });
      return next(url, init);
    },
  };
}

/** An HTTP server in front of the API that answers 503 to the first `failures` requests and forwards the rest. */
async function startFlakyProxy(target: string, failures: number): Promise<{ baseUrl: string; received: () => number; close(): Promise<void> }> {
  const upstream = new URL(target);
  let received = 0;
  const server: Server = createServer((req, res) => {
    received += 1;
    if (received <= failures) {
      res.writeHead(503, { 'Content-Type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'urn:crm:problem:unavailable', title: 'Unavailable', status: 503, code: 'unavailable' }));
      return;
    }
    const proxied = forward({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(proxied);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => received,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe('pages', () => {
  it('should walk every record across several pages with for await', async () => {
    const tag = `page-${Date.now()}`;
    const created: string[] = [];
    for (let index = 0; index < 7; index += 1) created.push((await live.crm.contacts.create({ firstName: `Paged${index}`, lastName: 'Person', tags: [tag] })).id);

    const first = await live.crm.contacts.list({ tag, limit: 3 });
    assert.equal(first.data.length, 3);
    assert.equal(first.hasMore, true);
    assert.equal(typeof first.nextCursor, 'string');
    const second = await first.nextPage();
    assert.equal(second?.data.length, 3);

    let pages = 0;
    for await (const page of first.iterPages()) pages += page.data.length > 0 ? 1 : 0;
    assert.equal(pages, 3);

    const seen: string[] = [];
    for await (const contact of live.crm.contacts.list({ tag, limit: 3 })) seen.push(contact.id);
    assert.deepEqual([...seen].sort(), [...created].sort());
  });
});

describe('retries', () => {
  it('should retry a GET through a server that fails the first attempts', async () => {
    const proxy = await startFlakyProxy(live.api.baseUrl, 2);
    try {
      const tokens = await live.api.adminClient().session!.login();
      const client = createCrmClient({ baseUrl: proxy.baseUrl, retries: fastRetries, auth: { type: 'session', ...tokens } });
      const page = await client.contacts.list({ limit: 1 });
      assert.ok(Array.isArray(page.data));
      assert.equal(proxy.received(), 3);
    } finally {
      await proxy.close();
    }
  });

  it('should create exactly one record when the first answer is lost after the API made it', async () => {
    let dropped = false;
    const { fetch: client, sent } = recording(async (url, init) => {
      const response = await fetch(url, init);
      if (!dropped && init.method === 'POST' && new URL(url).pathname === '/v1/contacts') {
        dropped = true;
        await response.arrayBuffer(); // the API has answered: the contact exists
        throw new TypeError('fetch failed: the connection was reset');
      }
      return response;
    });
    const crmWithLossyNetwork = live.api.adminClient({ fetch: client, retries: fastRetries });
    const name = `Once-${Date.now()}`;

    const contact = await crmWithLossyNetwork.contacts.create({ firstName: name, lastName: 'Only' });

    const creates = sent.filter((request) => request.method === 'POST' && request.path === '/v1/contacts');
    assert.equal(creates.length, 2);
    assert.ok(creates[0]!.headers['Idempotency-Key']);
    assert.equal(creates[0]!.headers['Idempotency-Key'], creates[1]!.headers['Idempotency-Key']);
    const found = await live.crm.contacts.list({ q: name });
    assert.deepEqual(found.data.map((record) => record.id), [contact.id]);
  });

  it('should create exactly one template, too, when its first answer is lost (every create honours the key)', async () => {
    let dropped = false;
    const { fetch: client, sent } = recording(async (url, init) => {
      const response = await fetch(url, init);
      if (!dropped && init.method === 'POST' && new URL(url).pathname === '/v1/templates') {
        dropped = true;
        await response.arrayBuffer();
        throw new TypeError('fetch failed: the connection was reset');
      }
      return response;
    });
    const name = `Once template ${Date.now()}`;
    const template = await live.api.adminClient({ fetch: client, retries: fastRetries }).templates.create({ name, category: 'greeting', subject: 'Hello', html: '<p>Hi</p>', text: 'Hi' });
    const creates = sent.filter((request) => request.method === 'POST' && request.path === '/v1/templates');
    assert.equal(creates.length, 2);
    assert.equal(creates[0]!.headers['Idempotency-Key'], creates[1]!.headers['Idempotency-Key']);
    const all = [];
    for await (const t of live.crm.templates.list({ limit: 100 })) all.push(t);
    assert.deepEqual(all.filter((t) => t.name === name).map((t) => t.id), [template.id]);
  });

  it('should not retry an update, which carries no idempotency key', async () => {
    const contact = await live.crm.contacts.create({ firstName: 'Not', lastName: 'Retried' });
    const { fetch: client, sent } = recording(async () => {
      throw new TypeError('fetch failed');
    });
    const offline = createCrmClient({ baseUrl: live.api.baseUrl, fetch: client, retries: fastRetries, auth: { type: 'secretKey', key: 'sk_test_unused' } });
    await assert.rejects(offline.contacts.update(contact.id, { jobTitle: 'x' }), CrmConnectionError);
    assert.equal(sent.length, 1);
  });
});

describe('session refresh', () => {
  async function signedInTokens(): Promise<{ accessToken: string; refreshToken: string }> {
    const client = live.api.adminClient();
    const tokens = await client.session!.login();
    return tokens;
  }

  it('should refresh an expired access token once for a burst of calls', async () => {
    const tokens = await signedInTokens();
    const { sub, tid, sid } = jwtClaims(tokens.accessToken);
    const expired = live.api.signAccessToken({ sub, tid, sid, exp: nowSeconds() - 60 });
    const saved: unknown[] = [];
    const { fetch: client, sent } = recording(live.api.fetchFrom());
    const burst = createCrmClient({
      baseUrl: live.api.baseUrl,
      fetch: client,
      auth: { type: 'session', accessToken: expired, refreshToken: tokens.refreshToken, onTokens: (next) => void saved.push(next) },
    });

    const answers = await Promise.all(Array.from({ length: 12 }, () => burst.auth.me()));

    assert.equal(answers.length, 12);
    assert.equal(sent.filter((request) => request.path === '/v1/auth/refresh').length, 1);
    assert.equal(saved.length, 1);
    assert.ok(sent.filter((request) => request.path === '/v1/me').every((request) => request.headers.Authorization !== `Bearer ${expired}`));
  });

  it('should refresh once when a burst of calls is refused with 401, and replay each call', async () => {
    const tokens = await signedInTokens();
    const { sub, tid, sid } = jwtClaims(tokens.accessToken);
    // Signed with the API's secret and not expired by its claims, but for another audience: the API refuses it.
    const refused = live.api.signAccessToken({ sub, tid, sid, aud: 'another-service', exp: nowSeconds() + 600 });
    const { fetch: client, sent } = recording(live.api.fetchFrom());
    const burst = createCrmClient({ baseUrl: live.api.baseUrl, fetch: client, auth: { type: 'session', accessToken: refused, refreshToken: tokens.refreshToken } });

    const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => (index % 2 ? burst.auth.me() : burst.contacts.list({ limit: 1 }))));

    assert.equal(answers.length, 10);
    assert.equal(sent.filter((request) => request.path === '/v1/auth/refresh').length, 1);
    const refusedCalls = sent.filter((request) => request.headers.Authorization === `Bearer ${refused}`).length;
    assert.equal(refusedCalls, 10);
  });
});

describe('timeouts and abort', () => {
  // A network that takes `ms` before sending, and gives up when the request's signal aborts.
  const slow = (ms: number): FetchLike => (url, init) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve(fetch(url, init)), ms);
      init.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(init.signal?.reason ?? new Error('aborted'));
      });
    });

  it('should reject with CrmAbortError and create nothing when the caller aborts a create in flight', async () => {
    const tokens = await live.api.adminClient().session!.login();
    const client = createCrmClient({ baseUrl: live.api.baseUrl, fetch: slow(2_000), auth: { type: 'session', ...tokens } });
    const controller = new AbortController();
    const name = `Aborted-${Date.now()}`;
    const creating = client.contacts.create({ firstName: name, lastName: 'Never' }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(creating, CrmAbortError);
    assert.equal((await live.crm.contacts.list({ q: name })).data.length, 0);
  });

  it('should send nothing for a signal that is already aborted', async () => {
    const { fetch: client, sent } = recording(live.api.fetchFrom());
    const tokens = await live.api.adminClient().session!.login();
    const quiet = createCrmClient({ baseUrl: live.api.baseUrl, fetch: client, auth: { type: 'session', ...tokens } });
    await assert.rejects(quiet.contacts.list(undefined, { signal: AbortSignal.abort() }), CrmAbortError);
    assert.equal(sent.length, 0);
  });

  it('should abort the wait before a retry', async () => {
    const proxy = await startFlakyProxy(live.api.baseUrl, 100);
    try {
      const tokens = await live.api.adminClient().session!.login();
      const client = createCrmClient({ baseUrl: proxy.baseUrl, retries: { maxRetries: 5, initialDelayMs: 5_000, maxDelayMs: 5_000 }, auth: { type: 'session', ...tokens } });
      const controller = new AbortController();
      const listing = client.contacts.list(undefined, { signal: controller.signal });
      await until(() => proxy.received() >= 1, 5_000, 'the first attempt');
      controller.abort();
      await assert.rejects(listing, CrmAbortError);
      assert.equal(proxy.received(), 1);
    } finally {
      await proxy.close();
    }
  });

  it('should time out an attempt that takes too long, as a CrmTimeoutError', async () => {
    const tokens = await live.api.adminClient().session!.login();
    const client = createCrmClient({ baseUrl: live.api.baseUrl, fetch: slow(5_000), retries: 0, auth: { type: 'session', ...tokens } });
    await assert.rejects(client.auth.me({ timeoutMs: 50 }), CrmTimeoutError);
  });
});
