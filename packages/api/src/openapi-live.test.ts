import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestRuntime, makeAgency } from './testing/index.js';

interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean }[];
  responses: Record<string, { $ref?: string; headers?: Record<string, unknown> }>;
}
type Document = { paths: Record<string, Record<string, Operation>>; components: { responses: Record<string, { headers?: Record<string, unknown> }> } };

/**
 * The document against the running server, operation by operation: what each answers without a
 * credential and (for reads) as the tenant's admin is a status the operation declares, with the headers
 * that status declares, and the auth requirement the document states is the one the server enforces.
 */
describe('the OpenAPI document against the live server', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let doc: Document;
  let adminToken: string;
  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename, env: { RATE_LIMIT_MAX: '100000' } });
    doc = (await rt.request().get('/v1/openapi.json')).body as Document;
    adminToken = (await makeAgency(rt)).adminToken;
  });
  after(() => rt.close());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method, path, op })));
  // A well-formed id nobody has, so a path answers for a record that is not there.
  const concrete = (path: string) => path.replace(/\{[^}]+\}/g, '6750a1b2c3d4e5f601234567');
  const declaredHeaders = (op: Operation, status: number) => {
    const response = op.responses[String(status)]!;
    const resolved = response.$ref ? doc.components.responses[response.$ref.split('/').pop()!]! : response;
    return Object.keys(resolved.headers ?? {}).map((name) => name.toLowerCase());
  };
  const send = (method: string, path: string) => {
    const request = (rt.request() as unknown as Record<string, (url: string) => ReturnType<ReturnType<typeof rt.request>['get']>>)[method]!(concrete(path));
    return request.set('X-Forwarded-For', `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`);
  };

  it('should answer every operation without a credential as its security says, with a declared status and headers', async () => {
    assert.ok(operations().length > 100, 'the document lists the routes');
    for (const { method, path, op } of operations()) {
      const res = await send(method, path).set('Content-Type', 'application/json').send(method === 'get' || method === 'delete' ? undefined : '{}');
      const where = `${method.toUpperCase()} ${path} answered ${res.status}`;
      assert.ok(op.security, `${method.toUpperCase()} ${path} states its security`);
      if (op.security!.length > 0) assert.equal(res.status, 401, `${where}: it requires ${Object.keys(op.security![0]!).join('/')}`);
      else assert.notEqual(res.status, 401, `${where}: the document says it needs no credential`);
      assert.ok(op.responses[String(res.status)], `${where}, which it does not declare`);
      assert.ok(res.headers['x-request-id'], `${where} without X-Request-Id`);
      assert.ok(declaredHeaders(op, res.status).includes('x-request-id'), `${where}: X-Request-Id is not declared`);
      if (res.status >= 400) assert.match(res.headers['content-type'] ?? '', /application\/problem\+json/, where);
    }
  });

  it('should answer every read as the admin with a declared status, and an ETag exactly where one is declared', async () => {
    for (const { path, op } of operations().filter((o) => o.method === 'get' && o.op.security?.some((s) => 'bearer' in s))) {
      const res = await send('get', path).set('Authorization', `Bearer ${adminToken}`);
      const where = `GET ${path} answered ${res.status}`;
      assert.ok(op.responses[String(res.status)], `${where}, which it does not declare: ${JSON.stringify(res.body).slice(0, 200)}`);
      const headers = declaredHeaders(op, res.status);
      for (const name of ['x-request-id', 'ratelimit', 'ratelimit-policy', 'etag', 'retry-after']) {
        if (res.headers[name] !== undefined) assert.ok(headers.includes(name), `${where} with ${name}, which it does not declare`);
      }
      if (res.status === 200 && headers.includes('etag') && typeof res.body?.version === 'number') assert.equal(res.headers.etag, `"${res.body.version}"`, where);
    }
  });
});
