import { createHash, randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import supertest from 'supertest';
import { testConfig } from '../platform/config.js';
import { startRuntime, type Runtime } from '../runtime.js';
import { startTestDatabase } from './test-database.js';

export { makeAgency, makeCustomer, makeUser, signIn, type TestAgency } from './factories.js';
export { startTestDatabase } from './test-database.js';
export { deliveredMail, registrationToken, waitForMail } from './mailbox.js';
export { startRealtime } from '../platform/realtime/start.js';
export { startSmtpSink, type SmtpSink } from '../platform/mail/smtp-sink.js';
/** Invoicing as the API wires it, to run the reminder job with a given clock (`runDunning(now)`). */
export { invoicingFor } from '../modules/invoices/testing/invoicing-runtime.js';

/**
 * A real API on a database of its own: each test file gets a fresh database on the shared test
 * server (TEST_MONGODB_URI, started by scripts/run-tests.ts), so files run in parallel without
 * seeing each other's data. Run alone, a file starts its own (the same default: FerretDB on an embedded
 * PostgreSQL).
 */
export async function createTestRuntime(options: { file?: string; env?: Record<string, string>; dbName?: string } = {}): Promise<Runtime & { request: () => supertest.Agent; dbName: string }> {
  const stem = basename(options.file ?? 'test').replace(/\.test\.ts$/, '').replace(/[^A-Za-z0-9]/g, '_').slice(0, 30);
  const dbName = options.dbName ?? `t_${stem}_${randomBytes(4).toString('hex')}`;
  // One master key per test database, as every process of one deployment shares ENCRYPTION_KEY: a second
  // runtime on the same database (another API process) opens what the first one sealed.
  const config = testConfig({ ENCRYPTION_KEY: createHash('sha256').update(`crm-test-key:${dbName}`).digest('base64'), ...options.env });
  let uri = process.env.TEST_MONGODB_URI;
  let ownServer: { stop(): Promise<void> } | undefined;
  if (!uri) {
    const server = await startTestDatabase();
    ownServer = server;
    uri = server.uri;
  }
  const runtime = await startRuntime(config, { uri, dbName });
  return {
    ...runtime,
    dbName,
    request: () => supertest.agent(runtime.app),
    async close() {
      await runtime.db.connection.dropDatabase().catch(() => {});
      await runtime.close();
      await ownServer?.stop();
    },
  };
}
