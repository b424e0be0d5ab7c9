import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { io as connect } from 'socket.io-client';
import type { Authenticator } from '../auth/guard.js';
import type { CustomerAuthenticator } from '../auth/customer-guard.js';
import { createTestRuntime, makeAgency, makeCustomer, type TestAgency } from '../../testing/index.js';
import { startRealtime } from './start.js';
import { client } from './test-support.js';

type Rt = Awaited<ReturnType<typeof createTestRuntime>>;

/** What a refused handshake told the client: its message and the problem in `data`. */
async function refusal(url: string, token: string, address: string): Promise<{ message: string; data?: { code?: string; retryAfter?: number; status?: number } }> {
  try {
    const s = await client(url, token, { address });
    s.socket.disconnect();
  } catch (error) {
    return error as { message: string; data?: { code?: string } };
  }
  throw new Error('the handshake was accepted');
}

describe('realtime handshake limits per address', () => {
  const budget = 5;
  let rt: Rt;
  let agency: TestAgency;
  let url: string;
  let close: () => Promise<void>;
  // Every credential the real authenticator is asked to verify, by the address that sent it.
  const verified: string[] = [];

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    const server = createServer(rt.app);
    const counting: Authenticator = (req, token) => {
      verified.push(token);
      return rt.authenticate(req, token);
    };
    const realtime = await startRealtime(server, { ctx: rt.ctx, app: rt.app, authenticate: counting }, { handshakeFailuresPerMinute: budget });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = async () => {
      await realtime.close();
      await new Promise((resolve) => server.close(resolve));
    };
  });
  after(async () => {
    await close();
    await rt.close();
  });

  it('should refuse an address past its failed handshakes before verifying any token, even a good one', async () => {
    const address = '203.0.113.10';
    for (let i = 0; i < budget; i++) assert.equal((await refusal(url, `bad-token-number-${i}-xxxxxxxx`, address)).message, 'unauthenticated');
    const before = verified.length;
    const refused = await refusal(url, 'bad-token-over-the-budget-xxxx', address);
    assert.equal(refused.message, 'rate_limited');
    assert.equal(refused.data?.code, 'rate_limited');
    assert.equal(refused.data?.status, 429);
    assert.ok((refused.data?.retryAfter ?? 0) >= 1, 'the problem says when to try again');
    // A good token from that address is refused too, and neither reached the authenticator.
    assert.equal((await refusal(url, agency.adminToken, address)).message, 'rate_limited');
    assert.equal(verified.length, before, 'no token was verified once the address was over its budget');
    // Another address is not affected.
    const elsewhere = await client(url, agency.adminToken, { address: '203.0.113.11' });
    assert.equal(elsewhere.socket.connected, true);
    elsewhere.socket.disconnect();
  });

  it('should count a parallel flood of bad tokens before verifying them', async () => {
    const address = '203.0.113.20';
    const before = verified.length;
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => refusal(url, `parallel-bad-token-${i}-xxxxxxxx`, address)));
    const unauthenticated = answers.filter((a) => a.message === 'unauthenticated').length;
    assert.equal(unauthenticated, budget, 'only the budget’s worth reached verification');
    assert.equal(answers.filter((a) => a.message === 'rate_limited').length, 20 - budget);
    assert.equal(verified.length - before, budget);
  });

  it('should never spend the budget on good tokens', async () => {
    const address = '203.0.113.30';
    const sockets = [];
    for (let i = 0; i < budget * 3; i++) sockets.push(await client(url, agency.adminToken, { address }));
    assert.ok(sockets.every((s) => s.socket.connected));
    for (const s of sockets) s.socket.disconnect();
    // The failures still have their whole budget: a bad token is told it is bad, not rate limited.
    assert.equal((await refusal(url, 'one-bad-token-after-good-ones', address)).message, 'unauthenticated');
  });
});

describe('realtime handshake limits per address on the customers namespace (/portal)', () => {
  const budget = 4;
  let rt: Rt;
  let agency: TestAgency;
  let url: string;
  let close: () => Promise<void>;
  // Every customer credential the real customer authenticator is asked to verify.
  const verified: string[] = [];

  before(async () => {
    rt = await createTestRuntime({ file: 'handshake-limit-portal.test.ts' });
    agency = await makeAgency(rt);
    const server = createServer(rt.app);
    const counting: CustomerAuthenticator = (req, token) => {
      verified.push(token);
      return rt.authenticateCustomer(req, token);
    };
    const realtime = await startRealtime(server, { ctx: rt.ctx, app: rt.app, authenticate: rt.authenticate, authenticateCustomer: counting }, { handshakeFailuresPerMinute: budget });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = async () => {
      await realtime.close();
      await new Promise((resolve) => server.close(resolve));
    };
  });
  after(async () => {
    await close();
    await rt.close();
  });

  /** A signed-in customer of a new account of the agency, through the invite and magic-link routes. */
  const customerToken = async () => (await makeCustomer(rt, agency)).accessToken;

  /** Connects to /portal from `address`; resolves with the refusal (message and problem), or null when accepted. */
  const portalRefusal = async (token: string, address: string): Promise<{ message: string; data?: { code?: string; status?: number; retryAfter?: number } } | null> => {
    const socket = connect(`${url}/portal`, { path: '/v1/realtime', auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { 'X-Forwarded-For': address } });
    try {
      return await new Promise((resolve) => {
        socket.once('connect', () => resolve(null));
        socket.once('connect_error', (error) => resolve(error as { message: string }));
      });
    } finally {
      socket.disconnect();
    }
  };

  it('should refuse an address past its failed customer handshakes before verifying any token, even a good one', async () => {
    const good = await customerToken();
    const address = '198.51.100.10';
    for (let i = 0; i < budget; i++) assert.equal((await portalRefusal(`bad-customer-token-${i}-xxxxxxxx`, address))?.message, 'unauthenticated');
    const before = verified.length;
    const refused = await portalRefusal('bad-customer-token-over-budget', address);
    assert.equal(refused?.message, 'rate_limited');
    assert.equal(refused?.data?.code, 'rate_limited');
    assert.equal(refused?.data?.status, 429);
    assert.ok((refused?.data?.retryAfter ?? 0) >= 1, 'the problem says when to try again');
    assert.equal((await portalRefusal(good, address))?.message, 'rate_limited', 'a good token from that address is refused too');
    assert.equal(verified.length, before, 'no token was verified once the address was over its budget');
    assert.equal(await portalRefusal(good, '198.51.100.11'), null, 'another address is not affected');
  });

  it('should count agent tokens presented to /portal as failures, and never spend the budget on good customer tokens', async () => {
    const good = await customerToken();
    const address = '198.51.100.20';
    for (let i = 0; i < budget * 2; i++) assert.equal(await portalRefusal(good, address), null);
    for (let i = 0; i < budget; i++) assert.equal((await portalRefusal(agency.adminToken, address))?.message, 'unauthenticated');
    assert.equal((await portalRefusal(good, address))?.message, 'rate_limited');
  });

  it('should share the budget with the agents namespace: failures on one are counted on the other', async () => {
    const address = '198.51.100.30';
    for (let i = 0; i < budget; i++) assert.equal((await portalRefusal(`bad-customer-token-${i}-yyyyyyyy`, address))?.message, 'unauthenticated');
    assert.equal((await refusal(url, agency.adminToken, address)).message, 'rate_limited');
  });
});
