import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestRuntime, makeAgency } from '../../testing/index.js';

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

  it('should answer a known path asked with a method it does not take with 405 and Allow', async () => {
    const res = await rt.request().put('/v1/contacts').set('X-Request-Id', 'req-405');
    assert.equal(res.status, 405);
    assert.equal(res.body.code, 'method_not_allowed');
    assert.equal(res.body.requestId, 'req-405');
    assert.deepEqual(res.headers.allow!.split(', ').sort(), ['GET', 'HEAD', 'POST']);
    const byId = await rt.request().post('/v1/contacts/6750a1b2c3d4e5f601234567');
    assert.equal(byId.status, 405);
    assert.deepEqual(byId.headers.allow!.split(', ').sort(), ['DELETE', 'GET', 'HEAD', 'PATCH']);
    assert.equal((await rt.request().put('/v1/no-such-thing')).status, 404, 'an unknown path is still 404');
  });

  it('should answer a record with a strong ETag of its version that If-Match takes back, weak or strong', async () => {
    const { adminToken } = await makeAgency(rt);
    const auth = { Authorization: `Bearer ${adminToken}` };
    const created = await rt.request().post('/v1/contacts').set(auth).send({ firstName: 'Ada', lastName: 'Lovelace' });
    assert.equal(created.status, 201);
    assert.equal(created.headers.etag, `"${created.body.version}"`);
    const read = await rt.request().get(`/v1/contacts/${created.body.id}`).set(auth);
    assert.equal(read.headers.etag, created.headers.etag);
    const strong = await rt.request().patch(`/v1/contacts/${created.body.id}`).set(auth).set('If-Match', read.headers.etag!).send({ jobTitle: 'Analyst' });
    assert.equal(strong.status, 200, JSON.stringify(strong.body));
    assert.equal(strong.headers.etag, `"${created.body.version + 1}"`);
    const weak = await rt.request().patch(`/v1/contacts/${created.body.id}`).set(auth).set('If-Match', `W/${strong.headers.etag}`).send({ jobTitle: 'Engineer' });
    assert.equal(weak.status, 200);
    const stale = await rt.request().patch(`/v1/contacts/${created.body.id}`).set(auth).set('If-Match', read.headers.etag!).send({ jobTitle: 'Mine' });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.code, 'precondition_failed');
    assert.equal(stale.body.current.jobTitle, 'Engineer');
    const list = await rt.request().get('/v1/contacts').set(auth);
    assert.equal(list.headers.etag, undefined, 'a list has no version, so no ETag');
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

  it('should serve the document compressed with a strong ETag, and the UI files cached for a year', async () => {
    const gzip = await rt.request().get('/v1/openapi.json').set('Accept-Encoding', 'gzip');
    assert.equal(gzip.headers['content-encoding'], 'gzip');
    assert.match(gzip.headers.etag!, /^"[A-Za-z0-9_-]+"$/);
    assert.equal(gzip.headers['cache-control'], 'no-cache');
    const br = await rt.request().get('/v1/openapi.json').set('Accept-Encoding', 'gzip, br').buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.ok(Number(br.headers['content-length']) < Number(gzip.headers['content-length']) * 2, 'brotli is not bigger than twice gzip');
    const again = await rt.request().get('/v1/openapi.json').set('If-None-Match', gzip.headers.etag!);
    assert.equal(again.status, 304);
    const asset = /href="(\/docs\/assets\/[^"]+\.css)"/.exec((await rt.request().get('/docs/')).text)![1]!;
    const css = await rt.request().get(asset).set('Accept-Encoding', 'gzip');
    assert.equal(css.status, 200);
    assert.equal(css.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(css.headers['content-encoding'], 'gzip');
  });

  it('should give the docs page the same operations in the OpenAPI 3.0 spelling', async () => {
    const page = (await rt.request().get('/docs/')).text;
    const spec = /data-spec="([^"]+)"/.exec(page)![1]!;
    const view = await rt.request().get(spec);
    assert.equal(view.status, 200);
    assert.equal(view.body.openapi, '3.0.3');
    const full = (await rt.request().get('/v1/openapi.json')).body;
    assert.deepEqual(Object.keys(view.body.paths), Object.keys(full.paths));
    assert.ok(!JSON.stringify(view.body).includes('"null"'), 'no 3.1 null type is left');
  });
});
