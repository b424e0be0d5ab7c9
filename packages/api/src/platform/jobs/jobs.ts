import { createHash, randomUUID } from 'node:crypto';
import { Agenda, InMemoryNotificationChannel, type Job, type JobNotification } from 'agenda';
import { MongoBackend, type Db } from '@agendajs/mongo-backend';
import { Types, type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { createClient } from '../redis.js';

/** The collection Agenda keeps its jobs in, in the API's own database. */
export const JOBS_COLLECTION = 'agendaJobs';

/** What a job handler receives: Agenda's job, and `keepAlive` to extend its lock while it works. */
export type JobHandler<T> = (job: Job<T>, keepAlive: () => Promise<void>) => Promise<void>;

export interface JobOptions {
  /** How long a run may hold its lock before another worker may take the job (default: the scheduler's). */
  lockLifetime?: number;
  concurrency?: number;
  /**
   * Renews the run's lock every third of its lifetime for as long as the handler runs, beside the
   * handler's own `keepAlive` calls: for a run whose steps may each outlast the lock (an export's query
   * before its first row, a workbook's finishing), so only a process that dies lets another worker take
   * the job. A handler that can hang in a live process should not ask for it.
   */
  renewLock?: boolean;
}

/**
 * Scheduled and background work on Agenda, stored in the same MongoDB/FerretDB database. Modules define
 * handlers and schedule jobs at build time; only `start()` (called by server.ts, or by a test) begins
 * processing, so building the app never runs anything behind a test's back.
 */
export interface Jobs {
  readonly agenda: Agenda;
  readonly lockLifetime: number;
  define<T>(name: string, handler: JobHandler<T>, options?: JobOptions): void;
  /** Runs `name` once at `when` (a Date); resolves with the stored job's id. */
  schedule<T>(when: Date, name: string, data: T): Promise<string>;
  /**
   * Runs `name` at `when` as the one job for `key` (e.g. one send job per send), however often and from
   * however many processes it is asked: see `scheduleUnique` below.
   */
  scheduleUnique<T>(key: string, when: Date, name: string, data: T): Promise<'created' | 'moved' | 'kept'>;
  /** Runs `name` on a cron expression or an interval; one job per name (re-saving updates it). */
  every(interval: string, name: string, options?: { timezone?: string }): Promise<void>;
  /** A recurring job stored when the scheduler starts (so a process with jobs disabled writes nothing). */
  recurring(interval: string, name: string, options?: { timezone?: string }): void;
  /** Cancels stored jobs of a name whose data matches (e.g. a greeting's job when it is canceled). */
  cancel(name: string, data: Record<string, string>): Promise<number>;
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly running: boolean;
}

/**
 * Builds the scheduler on the API's connection. Agenda itself is created on first use (a schedule or
 * `start()`), so building the modules without a database (the OpenAPI script) touches nothing.
 */
export function createJobs(
  connection: Connection,
  logger: Logger,
  options: { processEvery: number; lockLifetime: number; name?: string; redisUrl?: string },
): Jobs {
  const definitions: { name: string; handler: JobHandler<never>; options: JobOptions }[] = [];
  let instance: Agenda | undefined;
  let dueScan: { forget(): void } | undefined;
  const started = new StartAtOnce(
    options.redisUrl ? { url: options.redisUrl, topic: `crm:jobs-due:${connection.name}`, onError: (err) => logger.warn({ err }, 'jobs due channel (Redis): jobs other processes save start at the next tick meanwhile') } : undefined,
    // The due scan's last answer may predate the job announced: it is asked again.
    () => dueScan?.forget(),
  );
  const agenda = (): Agenda => {
    if (instance) return instance;
    const backend = new MongoBackend({ mongo: connection.db as unknown as Db, collection: JOBS_COLLECTION });
    dueScan = scanDueNamesOnce(backend.repository as unknown as LockingRepository, connection, () => Math.min(options.lockLifetime, ...definitions.map((d) => d.options.lockLifetime ?? options.lockLifetime)), options.processEvery);
    const created = new Agenda({
      name: options.name ?? `api-${process.pid}`,
      backend,
      processEvery: options.processEvery,
      defaultLockLifetime: options.lockLifetime,
      defaultConcurrency: 5,
      notificationChannel: started,
    });
    created.on('error', (error) => logger.error({ err: error }, 'job scheduler error'));
    created.on('fail', (error: unknown, job: unknown) => {
      const name = (job as { attrs?: { name?: string } } | undefined)?.attrs?.name;
      logger.error({ err: error, job: name }, 'job failed');
    });
    for (const d of definitions) defineOn(created, d.name, d.handler, d.options);
    return (instance = created);
  };
  const defineOn = (target: Agenda, name: string, handler: JobHandler<never>, jobOptions: JobOptions) => {
    target.define(
      name,
      async (job) => {
        if (!jobOptions.renewLock) return handler(job as Job<never>, () => job.touch());
        // Every tick renews, even while an earlier write is still on its way: `touch()` moves the lock this
        // process checks at once, and a slow database (seconds under load) must not let it age meanwhile.
        const renewing = new Set<Promise<void>>();
        const renew = setInterval(() => {
          const write = job.touch().catch((error: unknown) => logger.warn({ err: error, job: name }, 'job lock not renewed'));
          renewing.add(write);
          void write.finally(() => renewing.delete(write));
        }, Math.max(50, Math.floor((jobOptions.lockLifetime ?? options.lockLifetime) / 3)));
        try {
          await handler(job as Job<never>, () => job.touch());
        } finally {
          clearInterval(renew);
          // Renewals still in flight land before Agenda records the run's end, never after it (which would lock the job again).
          await Promise.all(renewing);
        }
      },
      { lockLifetime: jobOptions.lockLifetime ?? options.lockLifetime, ...(jobOptions.concurrency ? { concurrency: jobOptions.concurrency } : {}) },
    );
  };
  let running = false;
  const recurring: { interval: string; name: string; options: { timezone?: string } }[] = [];
  const every = async (interval: string, name: string, everyOptions: { timezone?: string } = {}) => {
    await agenda().every(interval, name, undefined, { ...(everyOptions.timezone ? { timezone: everyOptions.timezone } : {}), skipImmediate: true });
  };
  return {
    get agenda() {
      return agenda();
    },
    lockLifetime: options.lockLifetime,
    get running() {
      return running;
    },
    define(name, handler, jobOptions = {}) {
      definitions.push({ name, handler: handler as JobHandler<never>, options: jobOptions });
      if (instance) defineOn(instance, name, handler as JobHandler<never>, jobOptions);
    },
    async schedule(when, name, data) {
      const job = await agenda().schedule(when, name, data);
      started.announce(String(job.attrs._id), name, job.attrs.nextRunAt ?? when);
      return String(job.attrs._id);
    },
    async scheduleUnique(key, when, name, data) {
      // Agenda's unique() is an upsert, and FerretDB v1 does not run concurrent upserts atomically (two
      // callers can both insert). The job's `_id` is derived from (name, key) instead and inserted: the
      // unique `_id` index refuses a second one, atomically, so at most one job document exists per key.
      const _id = new Types.ObjectId(createHash('sha256').update(`${name}\0${key}`).digest().subarray(0, 12).toString('hex'));
      const collection = connection.db!.collection(JOBS_COLLECTION);
      try {
        await collection.insertOne({ _id, name, data, type: 'normal', priority: 0, nextRunAt: when, lockedAt: null, lastModifiedBy: null });
        dueScan?.forget();
        started.announce(String(_id), name, when);
        return 'created';
      } catch (error) {
        if ((error as { code?: unknown }).code !== 11000) throw error;
      }
      // The job exists. A run in progress (locked) will look at the ledger again before it ends, and a
      // lock left by a dead worker expires after the job's lock lifetime; otherwise bring the run forward.
      const existing = await collection.findOne({ _id });
      if (!existing || existing.lockedAt || (existing.nextRunAt && existing.nextRunAt <= when)) return 'kept';
      await collection.updateOne({ _id, lockedAt: null }, { $set: { nextRunAt: when, data } });
      dueScan?.forget();
      started.announce(String(_id), name, when);
      return 'moved';
    },
    every,
    recurring(interval, name, everyOptions = {}) {
      recurring.push({ interval, name, options: everyOptions });
    },
    async cancel(name, data) {
      // One deleteMany: Agenda matches each field as `data.<field>` equality (job data holds ids as strings).
      return agenda().cancel({ name, data });
    },
    async start() {
      if (running) return;
      await agenda().start();
      running = true;
      for (const r of recurring) await every(r.interval, r.name, r.options);
    },
    async stop() {
      await started.close();
      if (!running) return;
      running = false;
      // stop() unlocks the jobs this process holds, so another worker takes them at once.
      await agenda().stop();
    },
  };
}

/**
 * Starts a job that is due before the next tick at once instead of up to `processEvery` (5 s by default)
 * later: an export or import asked for now begins now. `schedule` and `scheduleUnique` announce each job
 * they save to this process's worker (when it runs jobs) and, with `REDIS_URL`, on Redis to every API
 * process that runs jobs, which looks for it at once (one of them takes it, under Agenda's lock); a process
 * that runs no jobs still announces. Agenda's own announcement from `save()` is left out: its in-process
 * channel awaits the worker's queue fill (a locking command) on the request path, and it announces only
 * from processes that run jobs. Without Redis, or while it is down, jobs other processes save are found at
 * the next tick, as before.
 */
class StartAtOnce extends InMemoryNotificationChannel {
  private readonly origin = randomUUID();
  private publisher?: ReturnType<typeof createClient>;
  private subscriber?: ReturnType<typeof createClient>;

  constructor(
    private readonly shared: { url: string; topic: string; onError: (error: unknown) => void } | undefined,
    private readonly beforeWorker: () => void,
  ) {
    super();
  }

  /** Listens for jobs other processes announce (Agenda connects the channel when this process starts its worker). */
  override async connect(): Promise<void> {
    await super.connect();
    if (!this.shared || this.subscriber) return;
    const { url, topic, onError } = this.shared;
    const subscriber = (this.subscriber = createClient({ url, disableOfflineQueue: true }));
    subscriber.on('error', onError);
    // In the background: a Redis that is down or slow does not hold up the worker's start.
    void (async () => {
      await subscriber.connect();
      subscriber.unref();
      await subscriber.subscribe(topic, (message) => {
        try {
          const due = JSON.parse(message) as { origin: string; jobId: string; jobName: string; nextRunAt: string | null };
          if (due.origin !== this.origin) this.toWorker(due.jobId, due.jobName, due.nextRunAt ? new Date(due.nextRunAt) : null);
        } catch (error) {
          onError(error);
        }
      });
    })().catch(onError);
  }

  override async disconnect(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber) await subscriber.close().catch(() => {});
    await super.disconnect();
  }

  /** Agenda's announcement from `Job.save()`: replaced by `announce` (above). */
  override async publish(): Promise<void> {}

  /** Announces a job just saved: to this process's worker, and on Redis to the others'. */
  announce(jobId: string, jobName: string, nextRunAt: Date): void {
    this.toWorker(jobId, jobName, nextRunAt);
    if (!this.shared) return;
    const { url, topic, onError } = this.shared;
    if (!this.publisher) {
      const publisher = (this.publisher = createClient({ url, disableOfflineQueue: true }));
      publisher.on('error', onError);
      void publisher.connect().then(() => publisher.unref(), onError);
    }
    if (!this.publisher.isReady) return; // connecting, or Redis down: the others find it at their next tick
    const due = { origin: this.origin, jobId, jobName, nextRunAt: nextRunAt.toISOString() };
    this.publisher.publish(topic, JSON.stringify(due)).catch(onError);
  }

  /** Closes the Redis publisher (the subscriber closes with the worker). */
  async close(): Promise<void> {
    const publisher = this.publisher;
    this.publisher = undefined;
    if (publisher) await publisher.close().catch(() => {});
  }

  private toWorker(jobId: string, jobName: string, nextRunAt: Date | null): void {
    if (this.state !== 'connected') return;
    this.beforeWorker();
    void this.notifyHandlers({ jobId: jobId as JobNotification['jobId'], jobName, nextRunAt, priority: 0, timestamp: new Date() });
  }
}

/** The part of Agenda's Mongo job repository the due scan wraps. */
interface LockingRepository {
  getNextJobToRun(jobName: string, nextScanAt: Date, lockDeadline: Date, now?: Date, options?: unknown): Promise<unknown>;
  saveJob(job: unknown, options?: unknown): Promise<unknown>;
}

/**
 * Agenda looks for work by asking the database once per job name on every tick (`processEvery`): with
 * 40 job names that is 40 findAndModify commands a tick, 400 a second at a 100 ms tick, whether or not
 * anything is due, and on a loaded machine the ticks queue up behind each other until no pooled
 * connection is left. This asks once a tick which names have a job to take (due, or locked by a run whose
 * lock has expired) and lets only those names go on to Agenda's own locking findAndModify; the others
 * answer "nothing" without a command. A job this process saves, or schedules with `scheduleUnique`,
 * forgets the answer, so it is looked for at once; jobs other processes write are seen at the next tick,
 * as before. The lock deadline of the scan is the latest of any job name's (the shortest lock lifetime),
 * so it never leaves out a job some name would take.
 */
function scanDueNamesOnce(repository: LockingRepository, connection: Connection, shortestLockLifetime: () => number, processEvery: number): { forget(): void } {
  const lockNext = repository.getNextJobToRun.bind(repository);
  const save = repository.saveJob.bind(repository);
  /** How long one answer serves the calls of one tick (they come together, one per job name). */
  const keepMs = Math.max(20, Math.min(processEvery / 2, 1000));
  let answer: { at: number; names: Promise<Set<string>> } | undefined;
  const dueNames = (nextScanAt: Date): Promise<Set<string>> => {
    const now = Date.now();
    if (answer && now - answer.at < keepMs) return answer.names;
    const lockDeadline = new Date(now - shortestLockLifetime());
    const names = connection
      .db!.collection(JOBS_COLLECTION)
      .find({ disabled: { $ne: true }, $or: [{ lockedAt: { $eq: null }, nextRunAt: { $lte: nextScanAt } }, { lockedAt: { $lte: lockDeadline } }] }, { projection: { _id: 0, name: 1 } })
      .toArray()
      .then((docs) => new Set(docs.map((d) => String(d.name))));
    const current = { at: now, names };
    answer = current;
    // A failed scan is not kept: the next call asks again.
    names.catch(() => {
      if (answer === current) answer = undefined;
    });
    return names;
  };
  // One lock attempt per job name at a time in this process: a tick and a job's announcement (StartAtOnce) may
  // both look for the same name at once, and FerretDB runs Agenda's locking findAndModify as a find and then a
  // write, so two attempts side by side could both lock the one job and run it twice here.
  const locking = new Map<string, Promise<unknown>>();
  repository.getNextJobToRun = (jobName, nextScanAt, lockDeadline, now, options) => {
    const attempt = (locking.get(jobName) ?? Promise.resolve())
      .catch(() => undefined)
      .then(async () => ((await dueNames(nextScanAt)).has(jobName) ? lockNext(jobName, nextScanAt, lockDeadline, now, options) : undefined));
    locking.set(jobName, attempt);
    void attempt.finally(() => locking.get(jobName) === attempt && locking.delete(jobName)).catch(() => undefined);
    return attempt;
  };
  const forget = () => {
    answer = undefined;
  };
  repository.saveJob = async (job, options) => {
    const saved = await save(job, options);
    forget();
    return saved;
  };
  return { forget };
}
