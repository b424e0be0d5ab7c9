/**
 * The parts of `@crm/api` the SDK's contract tests and test runner use, imported at run time. The import
 * specifiers are computed so that `tsc` over this package never type-checks the API's source (its own
 * typecheck does that); the interfaces below state what the SDK relies on, and a drift there fails the
 * contract tests at once.
 */
import type { RequestListener, Server } from 'node:http';

/** `@crm/api/src/platform/config.ts`: only what the runner reads. */
export interface ApiConfigModule {
  loadConfig(env: NodeJS.ProcessEnv): {
    TOOLS_DIR: string;
    EMBEDDED_DB_HANDLER: 'sqlite' | 'postgresql';
    EMBEDDED_DB_POSTGRES_URL?: string | undefined;
  };
}

/** `@crm/api/src/platform/db/ferretdb.ts`. */
export interface FerretDbModule {
  installFerretDB(toolsDir: string, log?: (line: string) => void): string;
  startFerretDB(options: {
    binary: string;
    dataDir: string;
    handler: 'sqlite' | 'postgresql';
    postgresUrl?: string | undefined;
  }): Promise<{ uri: string; stop(): Promise<void> }>;
}

/** `@crm/api/src/testing/test-database.ts`: the API's default test database, removed by `stop()`. */
export interface TestDatabaseModule {
  startTestDatabase(): Promise<{ uri: string; stop(): Promise<void> }>;
}

/** A running API from `createTestRuntime`: the Express app, its context and its database. */
export interface TestRuntime {
  app: RequestListener;
  ctx: {
    secrets: { jwt: string };
    config: Record<string, unknown>;
    /** The in-process event bus; tests publish domain events on it to arrange what a module reacts to. */
    events: { publish(event: { type: string; tenantId: unknown; resource: string; resourceId: string | null; actor: null; record?: Record<string, unknown>; data?: Record<string, unknown> }): Promise<void> };
    /** The scheduled jobs; the tests that need sends to go out start them (the runtime stops them on close). */
    jobs: { start(): Promise<void> };
  };
  authenticate: (req: never, credential: string) => Promise<unknown>;
  dbName: string;
  close(): Promise<void>;
}

/** The agency `makeAgency` registers, with its admin signed in. */
export interface TestAgency {
  tenantId: string;
  adminEmail: string;
  adminToken: string;
  refreshToken: string;
}

/** `@crm/api/testing`. */
export interface ApiTestingModule {
  createTestRuntime(options?: { file?: string; env?: Record<string, string>; dbName?: string }): Promise<TestRuntime>;
  makeAgency(runtime: TestRuntime, name?: string): Promise<TestAgency>;
  makeUser(
    runtime: TestRuntime,
    agency: TestAgency,
    options: { role: string; departmentKey?: string; email?: string; name?: string },
  ): Promise<{ id: { toString(): string }; email: string }>;
  signIn(runtime: TestRuntime, email: string, password?: string): Promise<string>;
  /** Waits for an email the API sent to `to`, where it really went (the test SMTP server, else the outbox). */
  waitForMail(runtime: TestRuntime, to: string, match?: (mail: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  /** The token of the sign-up link (`…/confirm-registration?token=…`) in a registration email. */
  registrationToken(mail: CapturedMail): string;
}

/** A server-side socket.io socket, as far as the tests touch it. */
export interface ServerSocket {
  id: string;
  emit(event: string, ...args: unknown[]): boolean;
  disconnect(close?: boolean): unknown;
  conn: { close(): void };
}

/** `@crm/api/src/platform/realtime/start.ts`. */
export interface RealtimeStartModule {
  startRealtime(
    server: Server,
    runtime: Pick<TestRuntime, 'ctx' | 'authenticate'>,
  ): Promise<{ io: { sockets: { sockets: Map<string, ServerSocket> } }; close(): Promise<void> }>;
}

const apiRoot = new URL('../../../api/', import.meta.url);

/** Imports a module of the API package by its path inside packages/api (e.g. `src/platform/config.ts`). */
export async function importApiModule<TModule>(pathInApi: string): Promise<TModule> {
  return (await import(new URL(pathInApi, apiRoot).href)) as TModule;
}

/** Imports `@crm/api/testing` through the package's exports map. */
export async function importApiTesting(): Promise<ApiTestingModule> {
  const specifier: string = '@crm/api/testing';
  return (await import(specifier)) as ApiTestingModule;
}

/** A message the capturing SMTP server received. */
export interface CapturedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** The whole message as received, headers included (e.g. `List-Unsubscribe`). */
  raw: string;
}

/** `@crm/api/src/platform/mail/testing.ts`: an SMTP server that keeps what the API sends. */
export interface MailTestingModule {
  startSmtpCapture(): Promise<{
    url: string;
    messages: CapturedMail[];
    waitFor(predicate: (mail: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
    stop(): Promise<void>;
  }>;
}
