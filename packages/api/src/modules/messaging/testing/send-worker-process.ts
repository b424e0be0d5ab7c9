/**
 * Starts `send-worker.ts` as a separate API process (the exactly-once tests and bench/email.ts): it
 * runs one send on the given database, through Agenda (`agenda`) or by calling the send handler
 * directly (`direct`), with its own SMTP pool and job timings.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { nodeScriptArgs } from '../../../testing/node-script.js';

const worker = new URL('./send-worker.ts', import.meta.url).pathname;

export interface SendWorkerOptions {
  uri: string;
  dbName: string;
  tenantId: string;
  sendId: string;
  mode: 'agenda' | 'direct';
  smtpUrl: string;
  encryptionKey: string;
  processEveryMs: number;
  /** The send lease (MAIL_SEND_LEASE_MS): the send job's lock lifetime and the ledger's run lease. */
  leaseMs: number;
  poolSize: number;
  /** SMTP_RATE_PER_SECOND (unset: as fast as the pool goes). */
  ratePerSecond?: number;
  /** The worker's log level (silent when unset). */
  logLevel?: string;
  stdio?: StdioOptions;
  /** Extra Node options for the worker (bench/email.ts: `--cpu-prof`). */
  nodeArgs?: string[];
}

export function startSendWorker(o: SendWorkerOptions): ChildProcess {
  const env = {
    ...process.env,
    WORKER_URI: o.uri,
    WORKER_DB: o.dbName,
    WORKER_MODE: o.mode,
    TENANT_ID: o.tenantId,
    SEND_ID: o.sendId,
    SMTP_URL: o.smtpUrl,
    ENCRYPTION_KEY: o.encryptionKey,
    JOBS_PROCESS_EVERY_MS: String(o.processEveryMs),
    MAIL_SEND_LEASE_MS: String(o.leaseMs),
    SMTP_POOL_SIZE: String(o.poolSize),
    ...(o.ratePerSecond ? { SMTP_RATE_PER_SECOND: String(o.ratePerSecond) } : {}),
    ...(o.logLevel ? { LOG_LEVEL: o.logLevel } : {}),
  };
  return spawn(process.execPath, [...(o.nodeArgs ?? []), ...nodeScriptArgs(worker)], { env, stdio: o.stdio ?? ['ignore', 'pipe', 'pipe'] });
}

/** The exit code of a child process, whether it has already exited or not. */
export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}
