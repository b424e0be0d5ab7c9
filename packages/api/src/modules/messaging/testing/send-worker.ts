/**
 * A separate API process for the exactly-once tests and the benchmark: `agenda` mode starts the job
 * scheduler and exits once the send completes; `direct` mode runs the send handler itself, bypassing
 * Agenda's lock (two of them at once is the two-worker case).
 * Env: WORKER_URI, WORKER_DB, WORKER_MODE, TENANT_ID, SEND_ID, plus the API's own settings.
 */
import { Types } from 'mongoose';
import { loadConfig } from '../../../platform/config.js';
import { startRuntime } from '../../../runtime.js';
import { buildMessaging } from '../messaging.module.js';
import { sendModel } from '../messaging.model.js';

const env = process.env;
const config = loadConfig({ ...env, NODE_ENV: 'test', LOG_LEVEL: env.LOG_LEVEL ?? 'silent' });
const runtime = await startRuntime(config, { uri: env.WORKER_URI!, dbName: env.WORKER_DB! });
const tenantId = new Types.ObjectId(env.TENANT_ID);
const sendId = new Types.ObjectId(env.SEND_ID);
// WORKER_COUNT_COMMANDS=1 (bench/email.ts --count-commands yes): tallies the commands this process sends,
// by command and collection (count, total and longest milliseconds), and prints them on stdout before it exits.
const tally = new Map<string, { n: number; ms: number; max: number }>();
if (env.WORKER_COUNT_COMMANDS === '1') {
  const keys = new Map<number, string>();
  const client = runtime.ctx.connection.getClient();
  client.on('commandStarted', (event) => keys.set(event.requestId, `${event.commandName} ${String(event.command[event.commandName])}`));
  const done = (event: { requestId: number; duration: number }) => {
    const key = keys.get(event.requestId);
    if (!key) return;
    keys.delete(event.requestId);
    const t = tally.get(key) ?? { n: 0, ms: 0, max: 0 };
    tally.set(key, { n: t.n + 1, ms: t.ms + event.duration, max: Math.max(t.max, event.duration) });
  };
  client.on('commandSucceeded', done);
  client.on('commandFailed', done);
}
if (env.WORKER_MODE === 'direct') {
  const { engine } = buildMessaging(runtime.ctx, () => (_req, _res, next) => next());
  await engine.run(tenantId, sendId);
} else {
  await runtime.ctx.jobs.start();
  const Send = sendModel(runtime.ctx.connection);
  for (;;) {
    // The state only, once a second: the send's document holds its whole target list.
    const send = await Send.findOne({ tenantId, _id: sendId }).select('state').lean();
    if (send?.state === 'completed') break;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
if (tally.size) {
  const cpu = process.cpuUsage();
  const rows = [...tally].sort((a, b) => b[1].ms - a[1].ms).map(([key, t]) => `  ${key}: ${t.n} commands, ${Math.round(t.ms)} ms in all, ${(t.ms / t.n).toFixed(1)} ms each, longest ${Math.round(t.max)} ms`);
  process.stdout.write(`commands (by time):\n${rows.join('\n')}\nworker CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s\n`);
}
process.stdout.write('worker done\n');
process.exit(0);
