import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, waitForMail, type TestAgency } from '../testing/index.js';
import { randomIp } from '../testing/factories.js';
import { roleModel } from '../modules/identity/role.model.js';
import { currentOpenApiDocument } from '../openapi-document.js';
import { collectListedIds, endsSession, exampleValue, fillPath, isPortalRoute, operations, type IdPool, type Operation } from './operations.js';

/**
 * The function-level walk shared by the function-level suites: an agency with records of everything,
 * callers of each kind, and `walk(caller)`, which calls every operation of the OpenAPI document as that
 * caller and lists each answer that differs from what the route's declared access and the caller's
 * stored role grant.
 */

export const ORIGIN = 'https://widget.partner.test';

export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'publishable'; key: string }
  | { kind: 'user' | 'secretKey'; credential: string; roleKey: string; grants: Set<string>; pool: IdPool; email?: string };

export type SignedInCaller = Caller & { kind: 'user' | 'secretKey' };

export interface Answer {
  status: number;
  body: { code?: string; detail?: string; id?: string; data?: { id: string }[] } & Record<string, unknown>;
  text: string;
}

/**
 * Builds the agency and its callers: users with the given built-in roles, secret keys scoped to roles.
 * Only the callers named in `walked` (role keys; `key:<ROLE>` for a key) get records of their own,
 * because each costs a round of creates on a test database shared with other files.
 */
export async function createAccessHarness(file: string, callers: { users?: string[]; secretKeyRoles?: string[]; walked?: string[] }) {
  const rt = await createTestRuntime({ file, env: { RATE_LIMIT_MAX: '1000000', PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' } });
  const agency: TestAgency = await makeAgency(rt);
  const tenantId = new Types.ObjectId(agency.tenantId);
  const ops = operations();
  const adminPool: IdPool = new Map();

  const send = async (credential: string | null, method: Operation['method'], path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    let req = rt.request()[method](path).set('X-Forwarded-For', randomIp()).timeout(30_000);
    if (credential) req = req.set('Authorization', `Bearer ${credential}`);
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    try {
      const res = await (body === undefined ? req : req.send(body as object));
      return { status: res.status, body: res.body ?? {}, text: res.text ?? '' };
    } catch (error) {
      throw new Error(`${method.toUpperCase()} ${path}: ${(error as Error).message}`);
    }
  };

  /** The permissions a role's stored document grants, as `resource:action`. */
  async function grantsOf(roleKey: string): Promise<Set<string>> {
    const role = await roleModel(rt.ctx.connection).findOne({ tenantId, key: roleKey }).lean();
    assert.ok(role, `no role ${roleKey}`);
    assert.ok(!role.isAdmin);
    return new Set(role.permissions.flatMap((p) => p.actions.map((a) => `${p.resource}:${a}`)));
  }

  /** Ids the caller created itself, then the admin's; a route is probed with the caller's own record first. */
  function merged(own: IdPool): IdPool {
    const out: IdPool = new Map(adminPool);
    for (const [path, ids] of own) out.set(path, [...ids, ...(adminPool.get(path) ?? [])]);
    return out;
  }

  const creatable = ops.filter((op) => op.method === 'post' && !op.pathParams.length && op.body && op.access !== 'public' && !isPortalRoute(op) && !/^\/v1\/(auth|me)\b/.test(op.path));
  const lists = ops.filter((op) => op.method === 'get' && !op.pathParams.length && op.access !== 'public' && !isPortalRoute(op));

  /** Creates one of each creatable resource the pool lacks, a few at a time, from example bodies. */
  async function createEach(credential: string, pool: IdPool, lookup: () => IdPool, marker: string): Promise<void> {
    await inBatches(
      creatable.filter((op) => !pool.has(op.path)),
      async (op) => {
        const res = await send(credential, 'post', op.path, exampleValue(op.body!, { pool: lookup(), marker, field: 'body' }));
        if (res.status === 201 && typeof res.body.id === 'string') pool.set(op.path, [res.body.id]);
      },
    );
  }

  /** Adds the ids of everything the caller can list, a few lists at a time. */
  async function listEach(credential: string, pool: IdPool): Promise<void> {
    await inBatches(lists, (op) => collectListedIds((m, p) => send(credential, m, p), [op], pool));
  }

  /** Creates one of everything the caller may create from an example body, and lists what it can see. */
  async function arrangeOwnRecords(credential: string): Promise<IdPool> {
    const own: IdPool = new Map();
    await createEach(credential, own, () => merged(own), 'own');
    await listEach(credential, own);
    return own;
  }

  const adminUserId = ((await send(agency.adminToken, 'get', '/v1/me')).body.user as { id: string }).id;
  // The admin's records: one of everything creatable (two passes, for references), then all listable ids.
  for (let pass = 0; pass < 2; pass += 1) await createEach(agency.adminToken, adminPool, () => adminPool, 'adm');
  await listEach(agency.adminToken, adminPool);

  /** Signs in a new customer of the agency (a contact of an account, invited by the admin): the caller portal routes take. */
  async function signInCustomer(): Promise<string> {
    const account = await send(agency.adminToken, 'post', '/v1/customers', { name: 'Portal Account' });
    const email = `portal-${new Types.ObjectId().toHexString()}@example.test`;
    const person = await send(agency.adminToken, 'post', '/v1/contacts', { firstName: 'Pat', lastName: 'Portal', emails: [{ label: 'work', value: email, primary: true }], customerId: account.body.id });
    const invited = await send(agency.adminToken, 'post', '/v1/customer-users', { contactId: person.body.id });
    assert.equal(invited.status, 201, invited.text);
    const mail = await waitForMail(rt, email, (m) => m.text.includes('#crm-portal-link='));
    const link = decodeURIComponent(/#crm-portal-link=([A-Za-z0-9_%.-]+)/.exec(mail.text)![1]!);
    const session = await send(null, 'post', '/v1/portal/session', { link });
    assert.equal(session.status, 200, session.text);
    return String(session.body.accessToken);
  }

  const pk = await send(agency.adminToken, 'post', '/v1/api-keys', { kind: 'publishable', name: 'widget', allowedOrigins: [ORIGIN] });
  assert.equal(pk.status, 201, pk.text);
  const publishable: Caller & { kind: 'publishable' } = { kind: 'publishable', key: String(pk.body.key) };

  const users = new Map<string, SignedInCaller & { id: Types.ObjectId }>();
  const secretKeys = new Map<string, SignedInCaller>();
  await Promise.all([
    ...(callers.users ?? []).map(async (roleKey) => {
      const user = await makeUser(rt, agency, { role: roleKey });
      const credential = await signIn(rt, user.email);
      const pool = callers.walked?.includes(roleKey) ? await arrangeOwnRecords(credential) : new Map();
      users.set(roleKey, { kind: 'user', id: user.id, email: user.email, credential, roleKey, grants: await grantsOf(roleKey), pool });
    }),
    ...(callers.secretKeyRoles ?? []).map(async (roleKey) => {
      const role = await roleModel(rt.ctx.connection).findOne({ tenantId, key: roleKey }).lean();
      const secret = await send(agency.adminToken, 'post', '/v1/api-keys', { kind: 'secret', name: `host backend (${roleKey})`, roleId: String(role!._id) });
      assert.equal(secret.status, 201, secret.text);
      const credential = String(secret.body.key);
      const pool = callers.walked?.includes(`key:${roleKey}`) ? await arrangeOwnRecords(credential) : new Map();
      secretKeys.set(roleKey, { kind: 'secretKey', credential, roleKey, grants: await grantsOf(roleKey), pool });
    }),
  ]);

  /** A widget route: under /v1/public and declaring 401, i.e. it needs a publishable key (a confirmation link does not). */
  const document = currentOpenApiDocument() as { paths: Record<string, Record<string, { responses: Record<string, unknown>; 'x-users-only'?: boolean }>> };
  /** A route that acts for a person (profile, password, sessions, mailbox): a secret key gets 403. */
  const isUsersOnly = (op: Operation) => document.paths[op.path]![op.method]!['x-users-only'] === true;
  /** Phone Sales records are tied to a product (002); the admin's product. */
  const productId = () => adminPool.get('/v1/products')![0]!;
  const isWidgetRoute = (op: Operation) => op.path.startsWith('/v1/public/') && '401' in document.paths[op.path]![op.method]!.responses;

  /** Calls one operation as the caller: its own records first, a body from the request schema. */
  function call(caller: Caller, op: Operation): Promise<Answer> {
    const pool = caller.kind === 'user' || caller.kind === 'secretKey' ? merged(caller.pool) : adminPool;
    const path = fillPath(op, pool);
    const body = op.body ? exampleValue(op.body, { pool, marker: 'fl', field: 'body' }) : undefined;
    if (caller.kind === 'anonymous') return send(null, op.method, path, body);
    if (caller.kind === 'publishable') return send(caller.key, op.method, path, body, { Origin: ORIGIN });
    return send(caller.credential, op.method, path, body);
  }

  /** What the rule table says the caller gets: `401`, `403`, or `allowed` (anything but 401 and 403). */
  function expectation(caller: Caller, op: Operation): '401' | '403' | 'allowed' | 'any' {
    if (op.access === 'public') {
      // Widget routes take a publishable key and nothing else; other public routes refuse one.
      if (isWidgetRoute(op)) return caller.kind === 'publishable' ? 'allowed' : '401';
      if (op.path.startsWith('/v1/public/')) return 'any';
      return caller.kind === 'publishable' ? '401' : 'any';
    }
    // Portal routes take a customer's token: no agent, key or anonymous caller gets past them.
    if (isPortalRoute(op)) return '401';
    if (caller.kind === 'anonymous' || caller.kind === 'publishable') return '401';
    if (caller.kind === 'secretKey' && isUsersOnly(op)) return '403';
    if (!op.access.includes(':')) return 'allowed';
    return caller.grants.has(op.access) ? 'allowed' : '403';
  }

  /** Walks every operation (the ones that end the caller's session last) and returns every mismatch. */
  async function walk(caller: Caller): Promise<{ mismatches: string[]; counts: Record<string, number> }> {
    const mismatches: string[] = [];
    const counts: Record<string, number> = { '401': 0, '403': 0, allowed: 0, any: 0 };
    const check = async (op: Operation) => {
      const expected = expectation(caller, op);
      const res = await call(caller, op);
      counts[expected] = (counts[expected] ?? 0) + 1;
      const what = `${op.method.toUpperCase()} ${op.path} [${op.access}]: expected ${expected}, got ${res.status} ${res.text.slice(0, 160)}`;
      if (res.status >= 500) mismatches.push(what);
      else if (expected === '401' && res.status !== 401) mismatches.push(what);
      else if (expected === '403' && !(res.status === 403 && res.body.code === 'forbidden')) mismatches.push(what);
      else if (expected === 'allowed' && (res.status === 401 || res.status === 403)) mismatches.push(what);
      else if (expected === 'any' && /Send Authorization/.test(String(res.body.detail))) mismatches.push(`${what} (a public route asked for credentials)`);
    };
    // Independent routes a few at a time; those that end the session one by one at the end, each on a
    // fresh sign-in so the one before cannot decide its answer.
    // Deletes go after the rest, so a record is not deleted under a concurrent call that needs it.
    await inBatches(ops.filter((op) => !endsSession(op) && op.method !== 'delete'), check);
    await inBatches(ops.filter((op) => !endsSession(op) && op.method === 'delete'), check);
    for (const op of ops.filter(endsSession)) {
      if (caller.kind === 'user' && caller.email) caller.credential = await signIn(rt, caller.email);
      await check(op);
    }
    return { mismatches, counts };
  }

  return { rt, agency, tenantId, adminUserId, adminPool, publishable, users, secretKeys, send, walk, productId, signInCustomer };
}

/** Runs a task per item, a few at a time: quick enough, and gentle with a test database shared by other files. */
async function inBatches<T>(items: T[], task: (item: T) => Promise<void>, size = 6): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(task));
}
