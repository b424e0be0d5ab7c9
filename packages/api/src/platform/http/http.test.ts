import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestRuntime } from '../../testing/index.js';

describe('HTTP foundation', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename, env: { BODY_LIMIT: '2kb' } });
  });
  after(() => rt.close());

  it('should answer /healthz and /readyz when the database is up', async () => {
    const health = await rt.request().get('/healthz');
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: 'ok' });
    const ready = await rt.request().get('/readyz');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.database, 'up');
  });

  it('should answer an unknown route with a 404 problem carrying the request id', async () => {
    const res = await rt.request().get('/v1/nothing-here').set('X-Request-Id', 'req-abc-123');
    assert.equal(res.status, 404);
    assert.match(res.headers['content-type']!, /application\/problem\+json/);
    assert.equal(res.headers['x-request-id'], 'req-abc-123');
    assert.equal(res.body.code, 'not_found');
    assert.equal(res.body.requestId, 'req-abc-123');
    assert.equal(res.body.type, 'urn:crm:problem:not_found');
    assert.equal(res.body.instance, '/v1/nothing-here');
  });

  it('should replace an unsafe incoming request id with its own', async () => {
    const res = await rt.request().get('/healthz').set('X-Request-Id', 'bad id <script>');
    assert.match(res.headers['x-request-id']!, /^[0-9a-f-]{36}$/);
  });

  it('should answer malformed JSON with a 400 bad_json problem', async () => {
    const res = await rt.request().post('/v1/auth/login').set('Content-Type', 'application/json').send('{"email": ');
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'bad_json');
    assert.equal(res.body.errors[0].field, 'body');
  });

  it('should answer a body over the limit with 413', async () => {
    const res = await rt.request().post('/v1/auth/login').send({ email: 'a@b.test', password: 'x'.repeat(4000) });
    assert.equal(res.status, 413);
    assert.equal(res.body.code, 'payload_too_large');
  });

  it('should answer a body that fails validation with a 400 naming every failing field', async () => {
    const res = await rt.request().post('/v1/auth/register').send({ agency: { name: 'A' }, admin: { email: 'not-an-email', password: 'short' } });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'validation_failed');
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    assert.deepEqual(fields, ['admin.email', 'admin.name', 'admin.password', 'agency.name']);
  });

  it('should refuse query operators smuggled into the query string', async () => {
    const res = await rt.request().get('/v1/auth/sessions?status[$ne]=x');
    assert.equal(res.status, 401, 'the guard runs first for protected routes');
    const pub = await rt.request().post('/v1/auth/login?email[$gt]=').send({ email: 'a@b.test', password: 'x' });
    assert.equal(pub.status, 400);
    assert.equal(pub.body.errors[0].field, 'query.email[$gt]');
  });

  it('should send security headers and no x-powered-by', async () => {
    const res = await rt.request().get('/healthz');
    assert.equal(res.headers['x-powered-by'], undefined);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.ok(res.headers['content-security-policy']);
  });

  it('should serve the OpenAPI document and the interactive docs', async () => {
    const doc = await rt.request().get('/v1/openapi.json');
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, '3.1.0');
    assert.ok(doc.body.paths['/v1/auth/login'].post);
    const docs = await rt.request().get('/docs/');
    assert.equal(docs.status, 200);
    assert.match(docs.text, /swagger-ui/);
  });
});
