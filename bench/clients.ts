/**
 * The bench's HTTP clients in a process of their own (`bench/run.ts`), so the API's event loop and its CPU
 * figures carry the server's work only, as they would with clients on other machines. Before, the clients
 * (`fetch`, ~0.4 ms of CPU a request) ran in the API's process and their work queued with the server's.
 *
 * The parent builds the requests (its scenarios are functions of the request number), the child sends them
 * over keep-alive connections (node:http, one socket per client, no pipelining) and answers every latency.
 * In `bench/cpu.ts`'s split the child is `other`, not `api`.
 */
import { fork } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';

export interface ClientRequest {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  body?: unknown;
}

interface Job {
  base: string;
  token: string;
  requests: ClientRequest[];
  concurrency: number;
  seconds: number;
  /** Requests sent at most (Infinity: until `seconds` have passed, cycling through `requests`). */
  limit: number | null;
  timeoutMs: number;
}

interface Outcome {
  latencies: number[];
  statuses: Record<string, number>;
  elapsedMs: number;
}

/** Sends `requests` (cycling) from `concurrency` clients in a child process; latencies in ms, statuses counted. */
export function measureInChild(job: Omit<Job, 'limit'> & { limit: number }): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(import.meta.url).pathname, ['--child'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (outcome) => {
      child.kill();
      resolve(outcome as Outcome);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code) reject(new Error(`bench clients exited with ${code}`));
    });
    child.send({ ...job, limit: Number.isFinite(job.limit) ? job.limit : null } satisfies Job);
  });
}

async function runJob(job: Job): Promise<Outcome> {
  const url = new URL(job.base);
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const limit = job.limit ?? Infinity;
  let next = 0;
  const deadline = performance.now() + job.seconds * 1000;
  const send = (r: ClientRequest) =>
    new Promise<string>((done) => {
      const body = r.body === undefined ? undefined : JSON.stringify(r.body);
      const req = httpRequest(
        { agent, host: url.hostname, port: url.port, method: r.method, path: r.path, headers: { authorization: `Bearer ${job.token}`, ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) }, timeout: job.timeoutMs },
        (res) => {
          res.on('data', () => {});
          res.on('end', () => done(String(res.statusCode)));
          res.on('error', () => done('error'));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (error) => done(error.message === 'timeout' ? 'timeout' : 'error'));
      req.end(body);
    });
  const worker = async () => {
    while (performance.now() < deadline && next < limit) {
      const r = job.requests[next++ % job.requests.length]!;
      const start = performance.now();
      const status = await send(r);
      latencies.push(performance.now() - start);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  agent.destroy();
  return { latencies, statuses, elapsedMs: performance.now() - start };
}

if (process.argv.includes('--child')) {
  process.once('message', (job) => {
    runJob(job as Job).then(
      (outcome) => process.send!(outcome),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
