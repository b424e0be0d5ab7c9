/**
 * The real API for the SDK's contract tests: `createTestRuntime` from `@crm/api/testing` (its own database
 * on the FerretDB the test runner started), served over HTTP on a free port with realtime attached, and
 * a registered agency whose admin the tests sign in as.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import { createCrmClient, type CrmClient, type CrmClientOptions } from '../../src/core/client.js';
import type { SessionAuth } from '../../src/core/session.js';
import type { FetchLike } from '../../src/core/transport.js';
import {
  importApiModule,
  importApiTesting,
  type ApiTestingModule,
  type RealtimeStartModule,
  type ServerSocket,
  type TestAgency,
  type TestRuntime,
} from './api-modules.js';

/** The password `makeAgency` and `makeUser` give every account (`TEST_PASSWORD` in @crm/api's factories). */
export const testPassword = 'correct-horse-battery';

/** A running API with an agency in it. */
export interface LiveApi {
  /** `http://127.0.0.1:<port>`, to pass as the client's `baseUrl`. */
  baseUrl: string;
  runtime: TestRuntime;
  testing: ApiTestingModule;
  /** The agency registered at start; its admin signs in with `agency.adminEmail` and `testPassword`. */
  agency: TestAgency;
  /** The server-side realtime sockets that are connected now. */
  sockets(): ServerSocket[];
  /** A client signed in as the agency's admin (email and password), with its own client address. */
  adminClient(overrides?: Partial<CrmClientOptions<SessionAuth>>): CrmClient;
  /** A `fetch` that sends every request from one made-up client address, so per-address limits stay apart. */
  fetchFrom(address?: string): FetchLike;
  /** Signs an access token with the API's own secret, e.g. one that expired or one the API refuses. */
  signAccessToken(claims: Record<string, unknown>): string;
  close(): Promise<void>;
}

// Every contract test calls from 127.0.0.1 as one client: per-address and per-user limits raised by configuration (docs/limits.md).
const limitsForOneTestClient = { USER_RATE_LIMIT_MAX: '100000', ANONYMOUS_RATE_LIMIT_PER_MINUTE: '100000', AUTH_FAILURE_LIMIT_PER_MINUTE: '100000', EXPENSIVE_CONCURRENCY_PER_USER: '1000' };

/** Starts the API for one test file; pass `env` to change its configuration (e.g. `RATE_LIMIT_MAX`). */
export async function startLiveApi(options: { file: string; env?: Record<string, string> }): Promise<LiveApi> {
  const testing = await importApiTesting();
  const { startRealtime } = await importApiModule<RealtimeStartModule>('src/platform/realtime/start.ts');
  const runtime = await testing.createTestRuntime({ file: options.file, env: { RATE_LIMIT_MAX: '100000', ...limitsForOneTestClient, ...options.env } });
  const server: Server = createServer(runtime.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const realtime = await startRealtime(server, runtime);
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const agency = await testing.makeAgency(runtime);

  const fetchFrom = (address = randomAddress()): FetchLike => (url, init) =>
    fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), 'X-Forwarded-For': address } });

  return {
    baseUrl,
    runtime,
    testing,
    agency,
    sockets: () => [...realtime.io.sockets.sockets.values()],
    adminClient: (overrides = {}) =>
      createCrmClient({
        baseUrl,
        fetch: fetchFrom(),
        retries: { initialDelayMs: 10, maxDelayMs: 50 },
        ...overrides,
        auth: { type: 'session', email: agency.adminEmail, password: testPassword, ...overrides.auth },
      }),
    fetchFrom,
    signAccessToken: (claims) => signJwt(runtime.ctx.secrets.jwt, { iss: 'crm-api', aud: 'crm-api', iat: nowSeconds(), ...claims }),
    async close() {
      await realtime.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.close();
    },
  };
}

/** A test file's live API: `api` and `crm` (a client signed in as the agency's admin), there once its `before` hook ran. */
export interface LiveSuite {
  readonly api: LiveApi;
  readonly crm: CrmClient;
}

/**
 * Starts the API before the file's tests and closes it after them (node:test's `before`/`after` of the
 * file), so a contract test file opens with one line: `const live = useLiveApi(import.meta.filename)`.
 */
export function useLiveApi(file: string, env?: Record<string, string>): LiveSuite {
  let started: { api: LiveApi; crm: CrmClient } | undefined;
  before(async () => {
    const api = await startLiveApi({ file, env });
    started = { api, crm: api.adminClient() };
  });
  after(() => started?.api.close());
  const running = () => {
    if (!started) throw new Error('useLiveApi: the API is started by the before hook; read live.api and live.crm inside tests');
    return started;
  };
  return {
    get api() {
      return running().api;
    },
    get crm() {
      return running().crm;
    },
  };
}

/** The claims of a JWT, unverified: the tests read `sub`, `tid` and `sid` of a real token to forge another. */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Now, in the seconds of JWT claims. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

// HS256, as the API signs its access tokens (platform/auth/tokens.ts).
function signJwt(secret: string, claims: Record<string, unknown>): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

function randomAddress(): string {
  const [a = 0, b = 0, c = 0] = randomBytes(3);
  return `10.${a}.${b}.${c}`;
}

/** Polls `check` until it is true, failing after `timeoutMs`; for effects that have no event to await. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
