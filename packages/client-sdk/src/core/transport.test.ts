import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { startFakeApi, problem, type FakeApi, type Script } from '../testing/fake-api.js';
import {
  CrmAbortError,
  CrmApiError,
  CrmAuthenticationError,
  CrmConnectionError,
  CrmError,
  CrmRateLimitError,
  CrmTimeoutError,
  CrmValidationError,
} from './errors.js';
import { Transport, type TransportOptions } from './transport.js';
import { staticToken } from '../internal/token-source.js';

const fastRetries = { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 2 };
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function setup(script: Script, options: Partial<TransportOptions> = {}): Promise<{ api: FakeApi; transport: Transport }> {
  api = await startFakeApi(script);
  const transport = new Transport({ baseUrl: api.baseUrl, retries: fastRetries, tokenSource: staticToken('sk_test'), ...options });
  return { api, transport };
}

describe('Transport', () => {
  it('sends JSON with the bearer token and reads the request id back', async () => {
    const { api, transport } = await setup(() => ({ status: 201, body: { id: 'c1' } }));
    const answer = await transport.request<{ id: string }>({ method: 'POST', path: '/v1/contacts', body: { name: 'Ada' } });
    assert.deepEqual(answer.data, { id: 'c1' });
    assert.equal(answer.status, 201);
    assert.equal(answer.requestId, 'req_1');
    const [sent] = api.requests;
    assert.equal(sent?.headers.authorization, 'Bearer sk_test');
    assert.equal(sent?.headers['content-type'], 'application/json');
    assert.deepEqual(sent?.body, { name: 'Ada' });
  });

  it('serialises scalar query values, leaves out undefined and refuses objects', async () => {
    const { api, transport } = await setup(() => ({ body: {} }));
    await transport.get('/v1/contacts', { limit: 2, q: 'a b', archived: false, since: new Date(0), owner: undefined });
    assert.equal(api.requests[0]?.query.toString(), 'limit=2&q=a+b&archived=false&since=1970-01-01T00%3A00%3A00.000Z');
    await assert.rejects(transport.get('/v1/contacts', { email: { $ne: 1 } }), CrmError);
    assert.equal(api.requests.length, 1);
  });

  it('retries a GET after 503 answers and then succeeds', async () => {
    const { api, transport } = await setup((_, index) => (index < 2 ? problem('unavailable', 503) : { body: { ok: true } }));
    assert.deepEqual(await transport.get('/v1/contacts'), { ok: true });
    assert.equal(api.requests.length, 3);
  });

  it('gives up after maxRetries and throws the last error', async () => {
    const { api, transport } = await setup(() => problem('internal', 500));
    const error = await transport.get('/v1/contacts').catch((e: unknown) => e);
    assert.ok(error instanceof CrmApiError);
    assert.equal(error.status, 500);
    assert.equal(error.requestId, 'req_3');
    assert.equal(api.requests.length, 3);
  });

  it('waits what Retry-After says on 429 instead of its own backoff', { timeout: 10_000 }, async () => {
    // A one-minute backoff would time the test out: only Retry-After: 0 lets it finish at once.
    const slowBackoff = { maxRetries: 1, initialDelayMs: 60_000, maxDelayMs: 60_000 };
    const { api, transport } = await setup(
      (_, index) => (index === 0 ? { ...problem('rate_limited', 429, { retryAfter: 0 }), headers: { 'Retry-After': '0' } } : { body: 'ok' }),
      { retries: slowBackoff },
    );
    await transport.get('/v1/contacts');
    assert.equal(api.requests.length, 2);
  });

  it('waits a whole Retry-After second before the retry', { timeout: 10_000 }, async () => {
    const { api, transport } = await setup((_, index) =>
      index === 0 ? { ...problem('rate_limited', 429), headers: { 'Retry-After': '1' } } : { body: 'ok' },
    );
    const started = Date.now();
    await transport.get('/v1/contacts');
    assert.ok(Date.now() - started >= 950, `retried after ${Date.now() - started} ms`);
    assert.equal(api.requests.length, 2);
  });

  it('throws CrmRateLimitError at once when Retry-After is longer than maxRetryAfterMs', async () => {
    const { api, transport } = await setup(() => ({ ...problem('rate_limited', 429, { retryAfter: 120 }), headers: { 'Retry-After': '120' } }));
    const error = await transport.get('/v1/contacts').catch((e: unknown) => e);
    assert.ok(error instanceof CrmRateLimitError);
    assert.equal(error.retryAfter, 120);
    assert.equal(api.requests.length, 1);
  });

  it('does not retry a 400 and exposes the field errors', async () => {
    const errors = [{ field: 'email', code: 'invalid_format', message: 'must be an email address' }];
    const { api, transport } = await setup(() => problem('validation_failed', 400, { errors, requestId: 'body-id' }));
    const error = await transport.get('/v1/contacts').catch((e: unknown) => e);
    assert.ok(error instanceof CrmValidationError);
    assert.deepEqual(error.errors, errors);
    assert.equal(error.requestId, 'body-id');
    assert.equal(api.requests.length, 1);
  });

  it('does not retry a POST that carries no Idempotency-Key', async () => {
    const { api, transport } = await setup(() => problem('unavailable', 503));
    await assert.rejects(transport.post('/v1/contacts/abc/transitions', { to: 'hot' }), CrmApiError);
    assert.equal(api.requests.length, 1);
    assert.equal(api.requests[0]?.headers['idempotency-key'], undefined);
  });

  it('generates one Idempotency-Key for a create and reuses it on every retry', async () => {
    const { api, transport } = await setup((_, index) => (index < 2 ? problem('unavailable', 503) : { status: 201, body: { id: 'c1' } }));
    await transport.post('/v1/contacts', { name: 'Ada' }, {}, true);
    const keys = api.requests.map((request) => request.headers['idempotency-key']);
    assert.equal(keys.length, 3);
    assert.match(String(keys[0]), uuid);
    assert.deepEqual(new Set(keys).size, 1);
  });

  it('sends the caller-given Idempotency-Key and retries that POST', async () => {
    const { api, transport } = await setup((_, index) => (index === 0 ? { drop: true } : { status: 201, body: {} }));
    await transport.post('/v1/notes', { text: 'hi' }, { idempotencyKey: 'my-key' });
    assert.deepEqual(
      api.requests.map((request) => request.headers['idempotency-key']),
      ['my-key', 'my-key'],
    );
  });

  it('retries when the connection drops and throws CrmConnectionError when it keeps dropping', async () => {
    const { api, transport } = await setup(() => ({ drop: true }));
    const error = await transport.get('/v1/contacts').catch((e: unknown) => e);
    assert.ok(error instanceof CrmConnectionError);
    assert.ok(!(error instanceof CrmTimeoutError));
    assert.equal(api.requests.length, 3);
  });

  it('retries a 502 page from a proxy that is not a problem body', async () => {
    const { api, transport } = await setup((_, index) => (index === 0 ? { status: 502, text: '<html>Bad gateway</html>' } : { body: 1 }));
    assert.equal(await transport.get('/v1/contacts'), 1);
    assert.equal(api.requests.length, 2);
  });

  it('cancels an attempt after timeoutMs with CrmTimeoutError', async () => {
    const { api, transport } = await setup(() => ({ hang: true }), { timeoutMs: 50 });
    const error = await transport.get('/v1/contacts', undefined, { maxRetries: 0 }).catch((e: unknown) => e);
    assert.ok(error instanceof CrmTimeoutError);
    assert.ok(error instanceof CrmConnectionError);
    assert.equal(api.requests.length, 1);
  });

  it('retries an idempotent call that timed out, each attempt with its own deadline', async () => {
    const { api, transport } = await setup((_, index) => (index === 0 ? { hang: true } : { body: 'late but here' }));
    assert.equal(await transport.get('/v1/contacts', undefined, { timeoutMs: 400 }), 'late but here');
    assert.equal(api.requests.length, 2);
  });

  it('rejects with CrmAbortError when the signal aborts in flight, and never retries', async () => {
    const { api, transport } = await setup(() => ({ hang: true }));
    const controller = new AbortController();
    const call = transport.get('/v1/contacts', undefined, { signal: controller.signal });
    await api.received(1);
    controller.abort();
    await assert.rejects(call, CrmAbortError);
    assert.equal(api.requests.length, 1);
  });

  it('rejects with CrmAbortError when the signal aborts during the backoff wait', async () => {
    const { api, transport } = await setup(() => problem('unavailable', 503), { retries: { maxRetries: 3, initialDelayMs: 60_000 } });
    const controller = new AbortController();
    const call = transport.get('/v1/contacts', undefined, { signal: controller.signal });
    await api.received(1);
    controller.abort();
    await assert.rejects(call, CrmAbortError);
    assert.equal(api.requests.length, 1);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const { api, transport } = await setup(() => ({ body: {} }));
    await assert.rejects(transport.get('/v1/contacts', undefined, { signal: AbortSignal.abort() }), CrmAbortError);
    assert.equal(api.requests.length, 0);
  });

  it('does not retry a 401 when the token cannot be renewed', async () => {
    const { api, transport } = await setup(() => problem('unauthenticated', 401));
    await assert.rejects(transport.get('/v1/contacts'), CrmAuthenticationError);
    assert.equal(api.requests.length, 1);
  });

  it('adds per-call headers such as the caller’s own X-Request-Id', async () => {
    const { api, transport } = await setup(() => ({ body: {} }));
    await transport.get('/v1/contacts', undefined, { headers: { 'X-Request-Id': 'mine' } });
    assert.equal(api.requests[0]?.headers['x-request-id'], 'mine');
  });
  it('retries a create whose Idempotency-Key is still in progress (409 with Retry-After), with the same key', async () => {
    const { api, transport } = await setup((_, index) =>
      index === 0 ? { ...problem('conflict', 409, { retryAfter: 0 }), headers: { 'Retry-After': '0' } } : { status: 201, body: { id: 'c1' } },
    );
    assert.deepEqual(await transport.post('/v1/contacts', { name: 'Ada' }, undefined, true), { id: 'c1' });
    assert.equal(api.requests.length, 2);
    assert.equal(api.requests[0]?.headers['idempotency-key'], api.requests[1]?.headers['idempotency-key']);
  });

  it('never retries a plain 409 conflict', async () => {
    const { api, transport } = await setup(() => problem('conflict', 409));
    await assert.rejects(transport.post('/v1/contacts', { name: 'Ada' }, undefined, true), CrmApiError);
    assert.equal(api.requests.length, 1);
  });

  it('sends a raw body with its own content type and reads a binary answer as a Blob', async () => {
    const { api, transport } = await setup(() => ({ status: 200, headers: { 'Content-Type': 'application/pdf' }, text: '%PDF' }));
    // The fake API reads bodies as JSON, so the raw bytes spell a JSON string.
    const bytes = new TextEncoder().encode('"raw bytes"');
    const answer = await transport.request<Blob>({ method: 'POST', path: '/v1/files', body: bytes, contentType: 'application/pdf', responseType: 'blob' });
    assert.equal(await answer.data.text(), '%PDF');
    assert.equal(api.requests[0]?.headers['content-type'], 'application/pdf');
    assert.equal(api.requests[0]?.body, 'raw bytes');
  });
});
