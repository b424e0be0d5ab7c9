import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, signIn, waitForMail, type TestAgency } from '../testing/index.js';
import { currentOpenApiDocument } from '../openapi-document.js';
import { randomIp } from '../testing/factories.js';
import { roleModel } from '../modules/identity/role.model.js';
import { userModel } from '../modules/identity/user.model.js';
import { notificationModel } from '../modules/notifications/notification.model.js';
import { bodyFields, collectionOf, collectListedIds, endsSession, settledSnapshot, snapshotChanges, exampleValue, fillPath, isIdSchema, isPortalRoute, operations, withQuery, type IdPool, type Operation } from './operations.js';

/**
 * Tenant isolation, walked over every operation of the OpenAPI document: tenant B, holding tenant A's
 * ids, gets 404 on every id route and never sees A's data anywhere; query operators in any query
 * parameter or top-level body field answer 400 and change nothing.
 */
describe('security: cross-tenant isolation over every operation', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let a: TestAgency;
  let b: TestAgency;
  let bKey: string;
  const marker = `ZZA${randomBytes(3).toString('hex')}`;
  const poolA: IdPool = new Map();
  const poolB: IdPool = new Map();
  const ops = operations();
  // Routes that act for a person refuse secret keys (403), so B calls them signed in, afresh each time.
  const usersOnly = new Set(
    Object.values((currentOpenApiDocument() as { paths: Record<string, Record<string, { operationId: string; 'x-users-only'?: boolean }>> }).paths)
      .flatMap((methods) => Object.values(methods))
      .filter((op) => op['x-users-only'])
      .map((op) => op.operationId),
  );
  let bSession: string | undefined;
  // Portal routes take a customer token: B probes them as a signed-in customer of B.
  let bCustomer: string;
  let freshCustomerOfB: () => Promise<string>;
  const bCredential = async (op: Operation, mayEndSession = true) => {
    if (isPortalRoute(op)) return mayEndSession && endsSession(op) ? freshCustomerOfB() : bCustomer;
    if (!usersOnly.has(op.operationId)) return bKey;
    // One session for them all, but a fresh one for a route that may end it (logout, revoke, password).
    if (mayEndSession && endsSession(op)) {
      bSession = undefined;
      return signIn(rt, b.adminEmail);
    }
    bSession ??= await signIn(rt, b.adminEmail);
    return bSession;
  };

  const call = async (credential: string | null, method: Operation['method'], path: string, body?: unknown) => {
    const started = Date.now();
    try {
      return await send(credential, method, path, body);
    } catch (error) {
      throw new Error(`${method.toUpperCase()} ${path}: ${(error as Error).message}`);
    } finally {
      if (process.env.SUITE_TIMING && Date.now() - started > 200) console.error(`slow ${Date.now() - started}ms ${method} ${path}`);
    }
  };
  const send = (credential: string | null, method: Operation['method'], path: string, body?: unknown) => {
    let req = rt.request()[method](path).set('X-Forwarded-For', randomIp()).timeout(30_000);
    if (credential) req = req.set('Authorization', `Bearer ${credential}`);
    return body === undefined ? req : req.send(body as object);
  };

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename, env: { RATE_LIMIT_MAX: '1000000', PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' } });
    a = await makeAgency(rt, `Agency ${marker}`);
    b = await makeAgency(rt);
    const bAdminRole = await roleModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(b.tenantId), key: 'ADMIN' }).lean();
    // B acts through an admin secret key, so routes that end a session cannot sign B out mid-run.
    const key = await call(b.adminToken, 'post', '/v1/api-keys', { kind: 'secret', name: 'suite', roleId: String(bAdminRole!._id) });
    bKey = key.body.key;

    // A's records: everything A can list, plus one of everything creatable from an example body (two
    // passes, so records that reference others find them on the second).
    await collectListedIds((m, p) => call(a.adminToken, m, p), ops, poolA);
    const creatable = ops.filter((op) => op.method === 'post' && !op.pathParams.length && op.body && op.access !== 'public' && !/^\/v1\/(auth|me)\b/.test(op.path));
    for (let pass = 0; pass < 2; pass += 1) {
      for (const op of creatable) {
        if (pass === 1 && poolA.has(op.path)) continue;
        const res = await call(a.adminToken, 'post', op.path, exampleValue(op.body!, { pool: poolA, marker, field: 'body' }));
        if (res.status === 201 && typeof res.body?.id === 'string') poolA.set(op.path, [...(poolA.get(op.path) ?? []), res.body.id]);
      }
    }
    // What example bodies cannot make (rules the generator does not know: a person's name, a subject, a
    // template of the right category), and the nested collections, made explicitly so every id route is
    // probed with a real id of A.
    const add = (collection: string, id: unknown) => {
      if (typeof id === 'string') poolA.set(collection, [...(poolA.get(collection) ?? []), id]);
    };
    const contactId = poolA.get('/v1/contacts')![0]!;
    const customerId = poolA.get('/v1/customers')![0]!;
    add('/v1/leads', (await call(a.adminToken, 'post', '/v1/leads', { kind: 'individual', firstName: `Lead ${marker}`, lastName: 'Probe' })).body.id);
    add('/v1/activities', (await call(a.adminToken, 'post', '/v1/activities', { type: 'call', title: `Call ${marker}`, subject: { type: 'contact', id: contactId } })).body.id);
    const template = async (category: string) =>
      (await call(a.adminToken, 'post', '/v1/templates', { name: `${category} ${marker}`, category, subject: `Hello ${marker}`, html: '<p>Hello</p>', text: 'Hello' })).body.id as string;
    add('/v1/greetings', (await call(a.adminToken, 'post', '/v1/greetings', { name: `Greeting ${marker}`, templateId: await template('greeting'), targets: { contactIds: [contactId] }, sendAt: '2031-12-24T09:00' })).body.id);
    const sequence = (await call(a.adminToken, 'post', '/v1/nurture-sequences', { name: `Nurture ${marker}`, steps: [{ templateId: await template('nurturing'), delayDays: 1 }] })).body.id as string;
    add('/v1/nurture-sequences', sequence);
    if ((await call(a.adminToken, 'post', `/v1/nurture-sequences/${sequence}/enrollments`, { contactIds: [contactId] })).status < 300) add('/v1/nurture-sequences/{id}/enrollments', contactId);
    const upload = await rt.request().post(`/v1/customers/${customerId}/documents?fileName=probe-${marker}.txt`).set('Authorization', `Bearer ${a.adminToken}`).set('X-Forwarded-For', randomIp()).set('Content-Type', 'text/plain').send(`secret of ${marker}`);
    add('/v1/customers/{id}/documents', upload.body.id);
    const imported = await rt.request().post('/v1/imports/contacts?name=probe.csv').set('Authorization', `Bearer ${a.adminToken}`).set('X-Forwarded-For', randomIp()).set('Content-Type', 'text/csv').send(`firstName,lastName\nProbe,${marker}\n`);
    assert.equal(imported.status, 201, imported.text);
    add('/v1/imports', imported.body.id);
    // A target names its subject by id (an example body's key is no id): the agency's own, set by A's admin.
    add('/v1/targets', (await call(a.adminToken, 'post', '/v1/targets', { metric: 'deals.won.amount', period: 'month', periodStart: '2026-12-01', dimension: 'all', key: 'all', value: 1000 })).body.id);
    // Issue 21: a price book of A, a quote on an opportunity of A and an invoice of A's account, priced from it.
    const book = (await call(a.adminToken, 'post', '/v1/price-books', { name: `Book ${marker}`, isDefault: true, services: [{ name: `Service ${marker}`, specs: [{ name: 'Spec', unit: 'hour', prices: [{ currency: 'EUR', unitPrice: 100 }] }] }] })).body;
    const pricedLine = { serviceId: book.services[0].id, specId: book.services[0].specs[0].id, quantity: 1 };
    const deal = (await call(a.adminToken, 'post', '/v1/opportunities', { name: `Deal ${marker}`, customerId })).body.id as string;
    const quote = await call(a.adminToken, 'post', '/v1/quotes', { opportunityId: deal, validUntil: '2031-01-01', lines: [pricedLine] });
    assert.equal(quote.status, 201, JSON.stringify(quote.body));
    add('/v1/quotes', quote.body.id);
    const invoice = await call(a.adminToken, 'post', '/v1/invoices', { accountId: customerId, lines: [pricedLine] });
    assert.equal(invoice.status, 201, JSON.stringify(invoice.body));
    add('/v1/invoices', invoice.body.id);
    const order = await call(a.adminToken, 'post', '/v1/orders', { accountId: customerId, lines: [pricedLine] });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    add('/v1/orders', order.body.id);
    // A quote of A, probed on the portal by B's customer (who must get 404).
    add('/v1/portal/quotes', quote.body.id);
    // An invoice of A, probed on the portal by B's customer (who must get 404 for its PDF).
    add('/v1/portal/invoices', invoice.body.id);
    // A credit note of A's invoice, probed by its id on the agents' and the portal's routes.
    const creditNote = await call(a.adminToken, 'post', `/v1/invoices/${invoice.body.id}/credit-notes`, { reason: `Goodwill ${marker}`, amount: 100 });
    assert.equal(creditNote.status, 201, JSON.stringify(creditNote.body));
    add('/v1/invoices/{id}/credit-notes', creditNote.body.creditNote.id);
    add('/v1/portal/invoices/{id}/credit-notes', creditNote.body.creditNote.id);
    // Issue 22: a webhook subscription of A (a public address literal: the test never sends) and a delivery of it (a ping).
    const hook = await call(a.adminToken, 'post', '/v1/webhooks', { url: 'https://93.184.216.34/probe', kinds: ['contact'], description: `Hook ${marker}` });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    add('/v1/webhooks', hook.body.id);
    const ping = await call(a.adminToken, 'post', `/v1/webhooks/${hook.body.id}/ping`, {});
    assert.equal(ping.status, 201, JSON.stringify(ping.body));
    add('/v1/webhooks/{id}/deliveries', ping.body.id);
    // Issue 22: an erasure job of A (of nobody held: the job finds nothing to erase).
    const erasure = await call(a.adminToken, 'post', '/v1/privacy/erasure-jobs', { email: `nobody-${marker}@example.test`.toLowerCase(), confirmation: 'ERASE' });
    assert.equal(erasure.status, 202, JSON.stringify(erasure.body));
    add('/v1/privacy/erasure-jobs', erasure.body.id);
    // Issue 23: a calendar entry of A.
    const entry = await call(a.adminToken, 'post', '/v1/calendar/entries', { kind: 'meeting', title: `Meeting ${marker}`, startAt: '2030-01-02T09:00:00Z', endAt: '2030-01-02T10:00:00Z' });
    assert.equal(entry.status, 201, JSON.stringify(entry.body));
    add('/v1/calendar/entries', entry.body.id);
    // Issue 23 item 4: a sales event of A with a registration (a new person, who becomes A's lead).
    const salesEvent = await call(a.adminToken, 'post', '/v1/sales-events', { name: `Summit ${marker}`, level: 2, startsAt: '2030-03-01T09:00:00Z', endsAt: '2030-03-02T17:00:00Z', venue: { name: `Venue ${marker}` }, capacity: 10 });
    assert.equal(salesEvent.status, 201, JSON.stringify(salesEvent.body));
    add('/v1/sales-events', salesEvent.body.id);
    const registration = await call(a.adminToken, 'post', `/v1/sales-events/${salesEvent.body.id}/registrations`, { role: 'speaker', email: `speaker-${randomBytes(3).toString('hex')}@example.test`, firstName: 'Sam', lastName: `Speaker ${marker}` });
    assert.equal(registration.status, 201, JSON.stringify(registration.body));
    add('/v1/sales-events/{id}/registrations', registration.body.id);
    // Issue 23.5-6: a lost deal of A (its review) and a won deal of A (its project), made by the opportunity events.
    for (const [stage, extra] of [['lost', { lostReason: `Price ${marker}` }], ['won', {}]] as const) {
      const closing = (await call(a.adminToken, 'post', '/v1/opportunities', { name: `Closing ${stage} ${marker}`, customerId })).body;
      assert.equal((await call(a.adminToken, 'post', `/v1/opportunities/${closing.id}/move`, { stage, version: closing.version, ...extra })).status, 200);
      if (stage === 'lost') add('/v1/lost-reviews', (await call(a.adminToken, 'get', `/v1/lost-reviews?opportunityId=${closing.id}`)).body.data[0]?.id);
      else add('/v1/projects', (await call(a.adminToken, 'get', `/v1/projects?opportunityId=${closing.id}`)).body.data[0]?.id);
    }
    // Notifications are made by the system for a person (never through the API): one for A's admin.
    const adminA = await userModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(a.tenantId), emailNormalized: a.adminEmail.toLowerCase() }).lean();
    const notice = await notificationModel(rt.ctx.connection).create({ tenantId: new Types.ObjectId(a.tenantId), userId: adminA!._id, category: 'task', title: `Reminder ${marker}`, dedupeKey: `probe-${marker}` });
    add('/v1/notifications', String(notice._id));
    // Issue 19 (003's annual forecast): an entry of A's admin for a year.
    const forecast = await call(a.adminToken, 'put', '/v1/forecasts', { year: 2027, ownerId: String(adminA!._id), months: { new: Array(12).fill(100), accountManagement: Array(12).fill(0), upsell: Array(12).fill(0) } });
    assert.equal(forecast.status, 200, JSON.stringify(forecast.body));
    add('/v1/forecasts', forecast.body.id);
    // The self-service portal: a customer of A (invited by A's admin) with a ticket of their own, an
    // article A publishes for customers, and a signed-in customer of B who probes the portal routes.
    const signedInCustomer = async (agency: TestAgency, name: string) => {
      // A's names carry the marker (B must never see it); B's do not.
      const account = await call(agency.adminToken, 'post', '/v1/customers', { name: agency === a ? `${name} ${marker}` : name });
      const email = `${name.toLowerCase()}-${randomBytes(3).toString('hex')}@example.test`;
      const person = await call(agency.adminToken, 'post', '/v1/contacts', { firstName: name, lastName: 'Portal', emails: [{ label: 'work', value: email, primary: true }], customerId: account.body.id });
      const invited = await call(agency.adminToken, 'post', '/v1/customer-users', { contactId: person.body.id });
      assert.equal(invited.status, 201, JSON.stringify(invited.body));
      const mail = await waitForMail(rt, email, (m) => m.text.includes('#crm-portal-link='));
      const link = decodeURIComponent(/#crm-portal-link=([A-Za-z0-9_%.-]+)/.exec(mail.text)![1]!);
      const session = await call(null, 'post', '/v1/portal/session', { link });
      assert.equal(session.status, 200, JSON.stringify(session.body));
      return { customerUserId: invited.body.id as string, token: session.body.accessToken as string };
    };
    const customerOfA = await signedInCustomer(a, 'Ana');
    add('/v1/customer-users', customerOfA.customerUserId);
    add('/v1/portal/tickets', (await call(customerOfA.token, 'post', '/v1/portal/tickets', { subject: `Portal ticket ${marker}`, description: `Help ${marker}` })).body.id);
    const article = (await call(a.adminToken, 'post', '/v1/kb/articles', { title: `Article ${marker}`, body: `Secret ${marker}`, visibility: 'customers' })).body.id as string;
    assert.equal((await call(a.adminToken, 'post', `/v1/kb/articles/${article}/publish`)).status, 200);
    add('/v1/portal/articles', article);
    add('/v1/import-mappings', (await call(a.adminToken, 'post', '/v1/imports/leads/mappings', { name: `Mapping ${marker}`, columns: [{ column: 'First', field: 'firstName' }, { column: 'Last', field: 'lastName' }], dedupeKey: 'email', mode: 'create' })).body.id);
    // Mailwizz routes name A's segment (its sync) and A's CRM campaign (its Mailwizz record) by id; the sync is queued for real.
    const segmentOfA = (await call(a.adminToken, 'post', '/v1/segments', { name: `Segment ${marker}`, resource: 'contact', filters: {}, sharing: 'agency' })).body.id as string;
    assert.equal((await call(a.adminToken, 'put', '/v1/mailwizz/settings', { apiUrl: 'http://127.0.0.1:9/api', publicKey: `public-${marker}`, privateKey: `private-${marker}`, fromName: 'A', fromEmail: 'news@a.example' })).status, 200);
    assert.equal((await call(a.adminToken, 'post', `/v1/mailwizz/syncs/${segmentOfA}`)).status, 202);
    add('/v1/mailwizz/syncs', segmentOfA);
    add('/v1/mailwizz/campaigns', poolA.get('/v1/campaigns')![0]);
    // Internal messaging: a contact's thread with a message, probed by its id and by the record's (kind filled as `contact`).
    const threadOfA = await call(a.adminToken, 'get', `/v1/record-threads/contact/${contactId}`);
    assert.equal(threadOfA.status, 200);
    const messageOfA = await call(a.adminToken, 'post', `/v1/conversations/${threadOfA.body.id}/messages`, { body: `Thread ${marker}` });
    assert.equal(messageOfA.status, 201);
    add('/v1/conversations/{id}/messages', messageOfA.body.id);
    add('/v1/conversations', threadOfA.body.id);
    add('/v1/record-threads/{kind}', contactId);
    freshCustomerOfB = async () => (await signedInCustomer(b, 'Bea')).token;
    bCustomer = await freshCustomerOfB();
    await collectListedIds((m, p) => call(a.adminToken, m, p), ops, poolA);
    await collectListedIds((m, p) => call(bKey, m, p), ops, poolB);
  });
  after(() => rt.close());

  function assertNoDataOfA(op: Operation, res: { status: number; text: string }): void {
    assert.ok(!res.text.includes(marker), `${op.method.toUpperCase()} ${op.path} answered B with A's data: ${res.text.slice(0, 300)}`);
    assert.ok(!res.text.includes(a.tenantId), `${op.method.toUpperCase()} ${op.path} answered B with A's tenant id`);
    if (res.status < 300) {
      for (const ids of poolA.values()) for (const id of ids) assert.ok(!res.text.includes(id), `${op.method.toUpperCase()} ${op.path} answered B with A's id ${id}`);
    }
  }

  it('should hold a record of A for every collection an id route names, so each id route is probed with a real id of A', () => {
    const named = new Set(ops.filter((op) => op.access !== 'public' && op.idBased).flatMap((op) => op.pathParams.filter((p) => isIdSchema(p.schema)).map((p) => collectionOf(op.path, p.name))));
    const missing = [...named].filter((collection) => !poolA.get(collection)?.length).sort();
    assert.deepEqual(missing, [], `collections whose id routes B would only probe with random ids: ${missing.join(', ')}`);
  });

  it("should answer 404 without A's data when B uses A's ids, and never show A's data on other routes", async () => {
    const before = await settledSnapshot(rt.ctx.connection);
    let idRoutes = 0;
    for (const op of ops.filter((o) => o.access !== 'public')) {
      const path = fillPath(op, poolA);
      const body = op.body ? exampleValue(op.body, { pool: poolA, marker: 'probe', field: 'body' }) : undefined;
      const res = await call(await bCredential(op), op.method, path, body);
      assertNoDataOfA(op, res);
      if (op.idBased && path !== fillPath(op, new Map())) {
        idRoutes += 1;
        assert.equal(res.status, 404, `${op.method.toUpperCase()} ${path} as tenant B: ${res.status} ${res.text.slice(0, 300)}`);
      } else if (op.idBased) {
        assert.ok([400, 404].includes(res.status), `${op.method.toUpperCase()} ${path}: ${res.status}`);
      }
    }
    const idRouteCount = ops.filter((o) => o.access !== 'public' && o.idBased).length;
    assert.equal(idRoutes, idRouteCount, `only ${idRoutes} of ${idRouteCount} id routes were probed with A's ids`);
    // Whatever B did, A's records are as they were.
    const after = await settledSnapshot(rt.ctx.connection);
    const aDocs = (snapshot: string) => snapshot.split('\n').map((line) => line.split(':')[0] + ':' + (line.match(new RegExp(`[^{]*${a.tenantId}[^}]*`, 'g')) ?? []).join('|'));
    // Only collections holding A's documents (a collection B's writes create holds none of A's).
    const holdingA = (lines: string[]) => lines.filter((line) => !line.endsWith(':'));
    const [was, is] = [holdingA(aDocs(before)), holdingA(aDocs(after))] as const;
    const changed = [...is.filter((line) => !was.includes(line)).map((line) => `now ${line.slice(0, 400)}`), ...was.filter((line) => !is.includes(line)).map((line) => `was ${line.slice(0, 400)}`)];
    assert.deepEqual(changed, [], "A's records changed while B probed");
  });

  it('should refuse query operators in every query parameter and every top-level body field, and change nothing', async () => {
    // Signed in before the snapshot (a sign-in is a write); every probe here is refused, so none ends the session.
    bSession = await signIn(rt, b.adminEmail);
    const before = await settledSnapshot(rt.ctx.connection);
    const operators = [{ $ne: null }, { $gt: '' }];
    let probes = 0;
    for (const op of ops) {
      const credential = op.access === 'public' ? null : await bCredential(op, false);
      const path = fillPath(op, poolB);
      const isWidgetRoute = op.path.startsWith('/v1/public/');
      const expectRefused = (res: { status: number; text: string }, what: string) => {
        if (isWidgetRoute) assert.ok([400, 401].includes(res.status), what);
        else assert.equal(res.status, 400, `${what}: ${res.status} ${res.text.slice(0, 200)}`);
      };
      // One request per kind of probe names every parameter or field it refused, so every one is proven.
      const probesOfOp: (() => Promise<void>)[] = [];
      if (op.queryParams.length) {
        probesOfOp.push(async () => {
          const injected = op.queryParams.map((q, i) => (i % 2 ? `${q.name}[$gt]=` : `${q.name}[$ne]=null`)).join('&');
          const res = await call(credential, op.method, withQuery(path, injected), op.body ? {} : undefined);
          expectRefused(res, `${op.method.toUpperCase()} ${path} with operators in the query`);
          if (res.status === 400) {
            const fields = new Set((res.body.errors as { field: string }[]).map((e) => e.field));
            for (const [i, q] of op.queryParams.entries()) assert.ok(fields.has(`query.${q.name}${i % 2 ? '[$gt]' : '[$ne]'}`), `${op.method.toUpperCase()} ${op.path}: query parameter ${q.name} was not refused`);
          }
        });
        if (op.method === 'get') {
          probesOfOp.push(async () => {
            // The same operators as JSON strings are only strings: never an error of ours, never A's data.
            const asJson = op.queryParams.map((q, i) => `${q.name}=${encodeURIComponent(JSON.stringify(operators[i % 2]))}`).join('&');
            const res = await call(credential, op.method, withQuery(path, asJson));
            assert.ok(res.status < 500, `${op.method.toUpperCase()} ${path} with JSON operator strings: ${res.status} ${res.text.slice(0, 200)}`);
            assertNoDataOfA(op, res);
          });
        }
      }
      if (op.body && bodyFields(op).length) {
        probesOfOp.push(async () => {
          const base = exampleValue(op.body!, { pool: poolB, marker: 'inject', field: 'body' }) as Record<string, unknown>;
          const fields = bodyFields(op);
          const injected = Object.fromEntries(fields.map((field, i) => [field, operators[i % 2]]));
          const res = await call(credential, op.method, path, { ...base, ...injected });
          expectRefused(res, `${op.method.toUpperCase()} ${path} with operators in every body field`);
          if (res.status === 400) {
            const refused = new Set((res.body.errors as { field: string }[]).map((e) => e.field));
            for (const field of fields) assert.ok(refused.has(field), `${op.method.toUpperCase()} ${op.path}: body field ${field} was not refused (${[...refused].join(', ')})`);
          }
        });
      }
      probes += probesOfOp.length;
      await inBatches(probesOfOp, 4);
    }
    assert.ok(probes > 50, `only ${probes} probes`);
    assert.deepEqual(snapshotChanges(before, await settledSnapshot(rt.ctx.connection)), [], 'an injection attempt changed the database');
  });
});

/** Runs thunks a few at a time: parallel enough to be quick, gentle enough for a small test database. */
async function inBatches(tasks: (() => Promise<void>)[], size: number): Promise<void> {
  for (let i = 0; i < tasks.length; i += size) await Promise.all(tasks.slice(i, i + size).map((task) => task()));
}
