import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { problem, startFakeApi, type Answer, type FakeApi, type ReceivedRequest } from '../testing/fake-api.js';
import { createCrmClient, type CrmClient } from './client.js';
import { CrmAuthenticationError } from './errors.js';
import type { SessionAuth, SessionTokens } from './session.js';

/** A JWT whose only meaningful claim is `exp` (seconds from now); the SDK never checks signatures. */
function jwt(name: string, expiresInSeconds: number): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none' })}.${encode({ sub: name, exp: Math.floor(Date.now() / 1000) + expiresInSeconds })}.sig`;
}

/** An auth server in miniature: one valid access token and one valid, rotating refresh token at a time. */
function authServer(initial: { access?: string; refresh?: string } = {}) {
  const state = { access: initial.access ?? 'none', refresh: initial.refresh ?? 'none', generation: 0 };
  const calls = (requests: ReceivedRequest[], route: string) => requests.filter((request) => request.path === route).length;
  const script = (request: ReceivedRequest): Answer => {
    const issue = (): Answer => {
      state.generation += 1;
      state.access = jwt(`access-${state.generation}`, 900);
      state.refresh = `refresh-${state.generation}`;
      return { body: { accessToken: state.access, refreshToken: state.refresh, expiresIn: 900, user: { id: 'u1' } } };
    };
    if (request.path === '/v1/auth/login') {
      const { email, password } = request.body as { email?: string; password?: string };
      return email === 'ada@example.com' && password === 'secret' ? issue() : problem('unauthenticated', 401);
    }
    if (request.path === '/v1/auth/register') return { status: 202, body: { status: 'accepted', detail: 'Check your inbox' } };
    if (request.path === '/v1/auth/register/confirm') {
      return (request.body as { token?: string }).token === 'reg_emailed-token' ? { ...issue(), status: 201 } : problem('validation_failed', 400);
    }
    if (request.path === '/v1/auth/logout') {
      if (request.headers.authorization !== `Bearer ${state.access}`) return problem('unauthenticated', 401);
      state.access = 'none';
      return { status: 204 };
    }
    if (request.path === '/v1/auth/refresh') {
      return (request.body as { refreshToken?: string }).refreshToken === state.refresh ? issue() : problem('unauthenticated', 401);
    }
    return request.headers.authorization === `Bearer ${state.access}` ? { body: { ok: true } } : problem('unauthenticated', 401);
  };
  return { state, script, calls };
}

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function sessionClient(
  server: ReturnType<typeof authServer>,
  auth: Omit<SessionAuth, 'type'>,
): Promise<{ api: FakeApi; crm: CrmClient; saved: (SessionTokens | null)[] }> {
  api = await startFakeApi(server.script);
  const saved: (SessionTokens | null)[] = [];
  const crm = createCrmClient({
    baseUrl: api.baseUrl,
    retries: { initialDelayMs: 1, maxDelayMs: 1 },
    auth: { type: 'session', ...auth, onTokens: (tokens) => void saved.push(tokens) },
  });
  return { api, crm, saved };
}

const burst = (crm: CrmClient, count: number) =>
  Promise.all(Array.from({ length: count }, (_, index) => crm.transport.get(`/v1/contacts/c${index}`)));

describe('session auth', () => {
  it('should log in on the first call, send the access token and hand the tokens to onTokens', async () => {
    const server = authServer();
    const { api, crm, saved } = await sessionClient(server, { email: 'ada@example.com', password: 'secret' });
    assert.deepEqual(await crm.transport.get('/v1/me'), { ok: true });
    assert.equal(server.calls(api.requests, '/v1/auth/login'), 1);
    assert.equal(api.requests[1]?.headers.authorization, `Bearer ${server.state.access}`);
    assert.equal(saved.length, 1);
    assert.equal(saved[0]?.refreshToken, 'refresh-1');
    assert.deepEqual(crm.session?.user, { id: 'u1' });
  });

  it('should make exactly one refresh call when 20 parallel calls meet a 401', async () => {
    const server = authServer({ refresh: 'refresh-0' });
    // The host kept an access token the server no longer accepts (its expiry is not readable).
    const { api, crm, saved } = await sessionClient(server, { accessToken: 'revoked-access', refreshToken: 'refresh-0' });
    const answers = await burst(crm, 20);
    assert.equal(answers.length, 20);
    assert.equal(server.calls(api.requests, '/v1/auth/refresh'), 1);
    assert.equal(saved.length, 1);
    assert.equal(crm.session?.tokens?.refreshToken, 'refresh-1');
  });

  it('should refresh once before expiry, before sending any of 20 parallel calls', async () => {
    const server = authServer({ refresh: 'refresh-0' });
    const { api, crm } = await sessionClient(server, { accessToken: jwt('old', 5), refreshToken: 'refresh-0' });
    await burst(crm, 20);
    assert.equal(server.calls(api.requests, '/v1/auth/refresh'), 1);
    assert.equal(api.requests.filter((request) => request.path.startsWith('/v1/contacts')).length, 20);
    assert.equal(api.requests[0]?.path, '/v1/auth/refresh');
  });

  it('should send the rotated refresh token on the next refresh', async () => {
    const server = authServer({ refresh: 'refresh-0' });
    const { api, crm } = await sessionClient(server, { refreshToken: 'refresh-0' });
    await crm.session?.refresh();
    await crm.session?.refresh();
    const sent = api.requests.map((request) => (request.body as { refreshToken?: string }).refreshToken);
    assert.deepEqual(sent, ['refresh-0', 'refresh-1']);
  });

  it('should end the session and reject with CrmAuthenticationError when the refresh token is refused', async () => {
    const server = authServer({ refresh: 'refresh-9' });
    const { crm, saved } = await sessionClient(server, { accessToken: 'revoked-access', refreshToken: 'reused-refresh' });
    await assert.rejects(crm.transport.get('/v1/me'), CrmAuthenticationError);
    assert.deepEqual(saved, [null]);
    assert.equal(crm.session?.tokens, null);
  });

  it('should log in again when the refresh token is refused and credentials are known', async () => {
    const server = authServer();
    const { api, crm } = await sessionClient(server, { email: 'ada@example.com', password: 'secret', refreshToken: 'stale' });
    assert.deepEqual(await crm.transport.get('/v1/me'), { ok: true });
    assert.deepEqual(
      api.requests.map((request) => request.path),
      ['/v1/auth/refresh', '/v1/auth/login', '/v1/me'],
    );
  });

  it('should reject a wrong password with CrmAuthenticationError from login', async () => {
    const server = authServer();
    const { crm } = await sessionClient(server, {});
    await assert.rejects(crm.session!.login({ email: 'ada@example.com', password: 'wrong' }), CrmAuthenticationError);
  });

  it('should sign out on the API, forget the tokens and tell onTokens with null', async () => {
    const server = authServer();
    const { api, crm, saved } = await sessionClient(server, { email: 'ada@example.com', password: 'secret' });
    await crm.auth.me();
    const access = crm.session?.tokens?.accessToken;
    await crm.session?.signOut();
    const logout = api.requests.find((request) => request.path === '/v1/auth/logout');
    assert.equal(logout?.headers.authorization, `Bearer ${access}`);
    assert.equal(crm.session?.tokens, null);
    assert.equal(saved.at(-1), null);
  });

  it('should refuse a call after signing out with a 401 CrmAuthenticationError, sending nothing, when no credentials are kept', async () => {
    const server = authServer();
    const signedIn = await sessionClient(server, { email: 'ada@example.com', password: 'secret' });
    await signedIn.crm.auth.me();
    const tokens = signedIn.crm.session!.tokens!;
    await signedIn.api.close();
    const { api, crm } = await sessionClient(server, { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
    await crm.auth.me();
    await crm.session?.signOut();
    const sent = api.requests.length;
    const refused = await crm.auth.me().then(
      () => assert.fail('a signed-out client must not be served'),
      (error: unknown) => error,
    );
    assert.ok(refused instanceof CrmAuthenticationError, String(refused));
    assert.equal(refused.status, 401);
    assert.equal(refused.code, 'unauthenticated');
    assert.equal(api.requests.length, sent, 'nothing sent once signed out');
  });

  it('should not sign in on registering, only once the emailed link is confirmed', async () => {
    const server = authServer();
    const { api, crm, saved } = await sessionClient(server, {});
    const pending = await crm.session!.register({ admin: { email: 'ada@example.com', name: 'Ada', password: 'secret' }, agency: { name: 'Acme' } });
    assert.equal(pending.status, 'accepted');
    assert.equal(crm.session!.tokens, null, 'no session before the link is confirmed');
    assert.deepEqual(saved, []);
    await crm.session!.confirmRegistration({ token: 'reg_emailed-token' });
    await crm.auth.me();
    assert.equal(api.requests[0]?.headers.authorization, undefined);
    assert.equal(api.requests[1]?.path, '/v1/auth/register/confirm');
    assert.equal(api.requests[1]?.headers.authorization, undefined);
    assert.deepEqual(api.requests[1]?.body, { token: 'reg_emailed-token' });
    assert.equal(api.requests[2]?.path, '/v1/me');
    assert.equal(api.requests[2]?.headers.authorization, `Bearer ${server.state.access}`);
    assert.equal(saved.length, 1, 'the confirmed session reaches onTokens');
  });
});
