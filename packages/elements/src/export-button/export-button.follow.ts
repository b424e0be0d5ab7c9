// Follows one background export until it ends: the realtime message `export.progress` when it comes, and
// `crm.exports.get` every POLL_MS while it does not (no socket, a dropped one, or an API that sends none).
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { isNewer, isUnderway, watchExports, type Export, type ExportClient } from '../shared/api/exports.js';

/** How long the follower waits for a realtime message before it asks the API itself. */
export const POLL_MS = 2000;

/** A controller that keeps `job` up to date until it is completed, failed or expired. */
export class ExportFollower implements ReactiveController {
  /** The export as last heard of; readings older than it are dropped. */
  job: Export | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopRealtime: (() => void) | undefined;
  #client: ExportClient | undefined;

  constructor(
    host: ReactiveControllerHost,
    private readonly onChange: (job: Export) => void,
  ) {
    host.addController(this);
  }

  /** Starts following `job` (as `crm.exports.create` answered it) through `client`. */
  follow(client: ExportClient, job: Export): void {
    this.stop();
    this.#client = client;
    this.job = job;
    if (!isUnderway(job)) return;
    this.#stopRealtime = watchExports(client, (next) => this.#take(next), () => void this.#poll());
    this.#schedule();
  }

  /** Stops listening and polling. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#stopRealtime?.();
    this.#stopRealtime = undefined;
  }

  hostDisconnected(): void {
    this.stop();
  }

  #take(next: Export): void {
    // A finished export is told once: a late reading of it (the poll's answer after the message) is dropped.
    if (next.id !== this.job?.id || !isUnderway(this.job) || !isNewer(next, this.job)) return;
    this.job = next;
    if (isUnderway(next)) this.#schedule();
    else this.stop();
    this.onChange(next);
  }

  /** A message resets the clock: the API is only asked when nothing was heard for POLL_MS. */
  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#poll(), POLL_MS);
  }

  async #poll(): Promise<void> {
    const job = this.job;
    if (!job || !this.#client || !isUnderway(job)) return;
    try {
      this.#take(await this.#client.exports.get(job.id));
    } catch {
      // A missed reading is retried on the next tick.
    }
    if (this.#stopRealtime && this.job && isUnderway(this.job)) this.#schedule();
  }
}
