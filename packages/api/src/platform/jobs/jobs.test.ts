import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../logger.js';
import { testConfig } from '../config.js';
import { createTestRuntime } from '../../testing/index.js';
import { createJobs, JOBS_COLLECTION, type Jobs } from './jobs.js';

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('jobs (Agenda on the API database)', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  const workers: Jobs[] = [];
  const logger = createLogger(testConfig());
  const worker = (name: string, lockLifetime: number) => {
    const jobs = createJobs(rt.ctx.connection, logger, { processEvery: 100, lockLifetime, name });
    workers.push(jobs);
    return jobs;
  };
  const collection = () => rt.ctx.connection.db!.collection(JOBS_COLLECTION);

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
  });
  after(async () => {
    for (const w of workers) await w.stop();
    await rt.close();
  });

  it('should run a job scheduled in the past at once, and store it in the same database', async () => {
    const a = worker('a', 5_000);
    const ran: string[] = [];
    a.define<{ v: string }>('test.past', async (job) => {
      ran.push(job.attrs.data.v);
    });
    await a.schedule(new Date(Date.now() - 60_000), 'test.past', { v: 'x' });
    assert.equal(await collection().countDocuments({ name: 'test.past' }), 1);
    await a.start();
    await until(() => ran.length === 1, 10_000, 'the past job');
    await a.stop();
    assert.deepEqual(ran, ['x']);
  });

  it('should start a job this process schedules for now at once, not at the next tick', async () => {
    // A tick a minute apart: only the in-process notice can start these jobs within the few seconds waited.
    const jobs = createJobs(rt.ctx.connection, logger, { processEvery: 60_000, lockLifetime: 5_000, name: 'at-once' });
    workers.push(jobs);
    const ran: string[] = [];
    jobs.define<{ v: string }>('test.at-once', async (job) => {
      ran.push(job.attrs.data.v);
    });
    await jobs.start();
    // Past the start's own scan, so that only a save can bring the jobs in before the next tick.
    await new Promise((r) => setTimeout(r, 500));
    const asked = Date.now();
    await jobs.schedule(new Date(), 'test.at-once', { v: 'scheduled' });
    await until(() => ran.includes('scheduled'), 5_000, 'the job scheduled for now');
    assert.equal(await jobs.scheduleUnique('at-once:1', new Date(), 'test.at-once', { v: 'unique' }), 'created');
    await until(() => ran.includes('unique'), 5_000, 'the unique job scheduled for now');
    assert.ok(Date.now() - asked < 10_000);
    // A job due later than the next tick is left to the scan.
    await jobs.schedule(new Date(Date.now() + 3_600_000), 'test.at-once', { v: 'later' });
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(ran.sort(), ['scheduled', 'unique']);
    await jobs.stop();
  });

  it('should start at once a job another process schedules, through Redis, even when that process runs no jobs', async () => {
    const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    // Two schedulers on one database, as two API processes: `web` runs no jobs, `worker` ticks once a minute.
    const web = createJobs(rt.ctx.connection, logger, { processEvery: 60_000, lockLifetime: 5_000, name: 'web', redisUrl });
    const worker = createJobs(rt.ctx.connection, logger, { processEvery: 60_000, lockLifetime: 5_000, name: 'worker', redisUrl });
    workers.push(web, worker);
    const ran: string[] = [];
    for (const jobs of [web, worker])
      jobs.define<{ v: string }>('test.across', async (job) => {
        ran.push(`${job.attrs.data.v} by ${jobs === worker ? 'worker' : 'web'}`);
      });
    await worker.start();
    await new Promise((r) => setTimeout(r, 500));
    // The web process's Redis publisher connects at its first announcement; a job it saves before that is
    // found at the next tick, so the first one only opens the connection.
    await web.schedule(new Date(Date.now() + 3_600_000), 'test.across', { v: 'warm-up' });
    await until(async () => (await rt.ctx.connection.db!.collection(JOBS_COLLECTION).countDocuments({ name: 'test.across' })) === 1, 5_000, 'the warm-up job');
    await new Promise((r) => setTimeout(r, 500));
    await web.schedule(new Date(), 'test.across', { v: 'scheduled' });
    await until(() => ran.includes('scheduled by worker'), 5_000, 'the job the web process scheduled, run by the worker');
    await web.scheduleUnique('across:1', new Date(), 'test.across', { v: 'unique' });
    await until(() => ran.includes('unique by worker'), 5_000, 'the unique job the web process scheduled, run by the worker');
    assert.deepEqual(ran.sort(), ['scheduled by worker', 'unique by worker']);
    await web.stop();
    await worker.stop();
  });

  it('should renew the lock of a renewLock job while its handler runs, and leave it unlocked when it ends', async () => {
    const a = worker('renew-a', 400);
    const b = worker('renew-b', 400);
    let runs = 0;
    let canceled = false;
    for (const w of [a, b])
      w.define(
        'test.renewed',
        async (job) => {
          runs += 1;
          // Three lock lifetimes without a keepAlive of its own: only the renewal keeps the run its worker's.
          await new Promise((r) => setTimeout(r, 1_200));
          canceled = Boolean((job as unknown as { canceled?: unknown }).canceled);
        },
        { renewLock: true },
      );
    await a.start();
    await a.schedule(new Date(), 'test.renewed', {});
    await until(() => runs === 1, 5_000, 'the run to begin');
    await b.start();
    await until(async () => Boolean((await collection().findOne({ name: 'test.renewed' }))?.lastFinishedAt), 10_000, 'the run to end');
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(runs, 1, 'neither worker started it again');
    assert.equal(canceled, false, 'Agenda did not cancel the run as expired');
    assert.equal((await collection().findOne({ name: 'test.renewed' }))?.lockedAt, null, 'no renewal landed after the end');
  });

  it('should cancel exactly the stored jobs of a name whose data matches', async () => {
    const a = worker('cancel', 5_000);
    a.define('test.cancel', async () => {});
    a.define('test.cancel-other', async () => {});
    const later = new Date(Date.now() + 3_600_000);
    await a.schedule(later, 'test.cancel', { sendId: 's1', tenantId: 't1' });
    await a.schedule(later, 'test.cancel', { sendId: 's1', tenantId: 't2' });
    await a.schedule(later, 'test.cancel', { sendId: 's2', tenantId: 't1' });
    await a.schedule(later, 'test.cancel-other', { sendId: 's1', tenantId: 't1' });
    assert.equal(await a.cancel('test.cancel', { sendId: 's1', tenantId: 't1' }), 1);
    assert.equal(await a.cancel('test.cancel', { sendId: 's1' }), 1);
    const left = await collection().find({ name: { $in: ['test.cancel', 'test.cancel-other'] } }).toArray();
    assert.deepEqual(left.map((j) => `${j.name}:${j.data.sendId}:${j.data.tenantId}`).sort(), ['test.cancel-other:s1:t1', 'test.cancel:s2:t1']);
    assert.equal(await a.cancel('test.cancel', { sendId: 'nothing' }), 0);
  });

  it('should keep a long job to one worker when it touches its lock, though it runs past the lock lifetime', async () => {
    const lockLifetime = 800;
    const runs: string[] = [];
    const define = (jobs: Jobs, name: string) =>
      jobs.define('test.long', async (_job, keepAlive) => {
        runs.push(name);
        // Real work for three lock lifetimes, renewing the lock as it goes.
        const end = Date.now() + lockLifetime * 3;
        while (Date.now() < end) {
          await new Promise((r) => setTimeout(r, lockLifetime / 4));
          await keepAlive();
        }
      });
    const a = worker('long-a', lockLifetime);
    const b = worker('long-b', lockLifetime);
    define(a, 'a');
    define(b, 'b');
    let finished = 0;
    for (const w of [a, b]) w.agenda.on('success:test.long', () => (finished += 1));
    await a.schedule(new Date(), 'test.long', {});
    await a.start();
    await until(() => runs.length === 1, 10_000, 'the long job to start');
    await b.start();
    // Generous: the job's three lock lifetimes of work plus its lock renewals, on a machine the rest of the suite shares (timed out once at 15 s in a loaded CI run).
    await until(() => finished === 1, 60_000, 'the long job to finish');
    assert.deepEqual(runs, ['a'], 'the second worker never took the job while it was alive');
    await a.stop();
    await b.stop();
  });

  it('should run a recurring job again after the lock lifetime when a crashed worker left it locked', async () => {
    const lockLifetime = 1_000;
    const w = worker('recover', lockLifetime);
    let runs = 0;
    w.define('test.recurring-crashed', async () => {
      runs += 1;
    });
    await w.every('1 hour', 'test.recurring-crashed');
    // A crashed worker: locked 2 lifetimes ago, due a minute ago, never finished.
    await collection().updateOne({ name: 'test.recurring-crashed' }, { $set: { lockedAt: new Date(Date.now() - 2 * lockLifetime), nextRunAt: new Date(Date.now() - 60_000) } });
    await w.start();
    await until(() => runs === 1, 10_000, 'the recovered run');
    await until(async () => (await collection().findOne({ name: 'test.recurring-crashed' }))?.lockedAt === null, 5_000, 'the lock to be released');
    const stored = await collection().findOne({ name: 'test.recurring-crashed' });
    assert.ok(stored!.nextRunAt > new Date(Date.now() + 30 * 60_000), 'next run is an interval later');
    await w.stop();
  });

  it('should not starve a recurring job whose stale lock is found before its next run is due (agenda #1749)', async () => {
    const lockLifetime = 60_000; // far longer than the wait: with the bug, the re-taken lock would block the run
    const w = worker('starve', lockLifetime);
    let runs = 0;
    w.define('test.recurring-1749', async () => {
      runs += 1;
    });
    await w.every('1 hour', 'test.recurring-1749');
    const dueAt = new Date(Date.now() + 1_500);
    await collection().updateOne({ name: 'test.recurring-1749' }, { $set: { lockedAt: new Date(Date.now() - 2 * lockLifetime), nextRunAt: dueAt } });
    await w.start();
    // The scan takes the stale lock, sees the run is further than processEvery away, and must release it.
    await until(async () => {
      const doc = await collection().findOne({ name: 'test.recurring-1749' });
      return doc?.lockedAt === null || runs > 0;
    }, 5_000, 'the stale lock to be released');
    await until(() => runs === 1, 10_000, 'the run at its due time');
    await w.stop();
  });
});
