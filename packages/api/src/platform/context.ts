import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { EventBus } from './events.js';
import type { Jobs } from './jobs/jobs.js';
import type { Secrets } from './secrets.js';

/** What every domain module is built from: configuration, the logger and the database connection. */
export interface AppContext {
  config: Config;
  logger: Logger;
  connection: Connection;
  secrets: Secrets;
  events: EventBus;
  /** Scheduled and background work (Agenda); defined at build time, started by server.ts or a test. */
  jobs: Jobs;
  /** Whether the database answers now (for /readyz). */
  isDatabaseReady(): Promise<boolean>;
  /** Registers what to release when the runtime closes (a worker thread a module started), before the database closes. */
  onClose?: (release: () => Promise<void>) => void;
}
