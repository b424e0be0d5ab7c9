/**
 * The API process of `bench/import.ts --api-process`: the runtime and its HTTP server on a database the
 * bench started, in a process of its own, so the bench reports the API's own peak RSS apart from its
 * own (file generation, upload, polling). It sets the heap growth as server.ts does. Talks to the bench over IPC:
 *
 *   child → bench  { ready: { port, adminToken, refreshToken, rss } }
 *   bench → child  { start: { profile } }     (command monitor on, jobs started)
 *   child → bench  { started: { rss } }
 *   bench → child  { finish: true }           → { finished: { commands, entriesInserted, peakRss, peakHeap } }, then it closes and exits
 *                                                (with `keep: true` it goes on serving, for the bench's `--export`, until `{ close: true }`)
 *
 * With `restart: true` in BENCH_IMPORT_API (the bench's `--kill-at`: this process replaces one the bench killed)
 * it makes no agency: the first process's tokens are the agency's, signed with the same secret.
 */
import { createServer } from 'node:http';
import { testConfig } from '../packages/api/src/platform/config.js';
import { applyHeapGrowth } from '../packages/api/src/platform/heap.js';
import { startRuntime } from '../packages/api/src/runtime.js';
import { makeAgency } from '../packages/api/src/testing/factories.js';
import { measureApi } from './command-profile.js';

const env = JSON.parse(process.env.BENCH_IMPORT_API!) as { uri: string; dbName: string; postgresUrl: string; config: Record<string, string>; restart?: boolean };
const config = testConfig(env.config);
// As server.ts does at start (HEAP_GROWING_PERCENT, platform/heap.ts).
applyHeapGrowth(config.HEAP_GROWING_PERCENT);
const runtime = await startRuntime(config, { uri: env.uri, dbName: env.dbName, postgresUrl: env.postgresUrl });
const agency = env.restart ? { adminToken: '', refreshToken: '' } : await makeAgency(runtime);
const server = createServer(runtime.app);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
const send = (message: unknown) => process.send!(message);
send({ ready: { port: (server.address() as { port: number }).port, adminToken: agency.adminToken, refreshToken: agency.refreshToken, rss: process.memoryUsage().rss } });

let measures: ReturnType<typeof measureApi> | undefined;

async function closeAndExit(): Promise<never> {
  server.closeAllConnections();
  server.close();
  // Bounded: the bench stops the database servers after this process is gone, whatever state it is in.
  await Promise.race([runtime.close(), new Promise((resolve) => setTimeout(resolve, 30_000))]);
  process.exit(0);
}

process.on('message', async (message: { start?: { profile: boolean }; finish?: boolean; keep?: boolean; close?: boolean }) => {
  if (message.start) {
    measures = measureApi(runtime.db.connection.getClient(), env.dbName, message.start.profile);
    await runtime.ctx.jobs.start();
    send({ started: { rss: process.memoryUsage().rss } });
  }
  if (message.finish) {
    send({ finished: measures!.finish() });
    if (!message.keep) await closeAndExit();
  }
  if (message.close) await closeAndExit();
});
