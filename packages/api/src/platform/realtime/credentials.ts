import type { Types } from 'mongoose';
import { accessEpoch } from '../access/access-epoch.js';
import type { Principal } from '../access/principal.js';

/** How a connected socket's credential is checked again, away from delivery. */
export interface CredentialTimings {
  /** Each socket re-authenticates on its own timer, jittered ±25% so sockets connected together spread out. */
  recheckMs: number;
  /** Each agency with sockets here reads its access stamp this often (one read per agency, not per socket). */
  accessPollMs: number;
}

export const defaultCredentialTimings: CredentialTimings = { recheckMs: 5 * 60_000, accessPollMs: 2_000 };

/** What the watch needs of a socket. */
export interface WatchedSocket {
  id: string;
  token: string;
  principal: Principal;
}

interface Watched {
  socket: WatchedSocket;
  timer: NodeJS.Timeout;
  expiry: NodeJS.Timeout | undefined;
}

/** An access token's claims, read without verifying (only to schedule its end; the authenticator verified it). */
function claimsOf(token: string): { exp?: unknown } {
  const payload = token.split('.')[1];
  if (!payload) return {};
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
  } catch {
    return {};
  }
}

/** Milliseconds until an access token's `exp`, or null for a secret key. */
function msUntilExpiry(token: string): number | null {
  const { exp } = claimsOf(token);
  return typeof exp === 'number' ? exp * 1000 - Date.now() : null;
}

/**
 * Keeps every socket's principal current without touching delivery. A socket is re-authenticated (the
 * same authenticator as HTTP, so the same principal cache) on its own jittered timer, when its agency's
 * access stamp moves (any change to roles, users, teams, products or sessions, in any process, read once
 * per agency every `accessPollMs`, and at once when this process made the change), and is dropped when its
 * access token expires. Sockets that share a token share one authentication, and at most
 * `concurrency` authentications run at a time, so a change in a busy agency never floods the pool.
 */
export class CredentialWatch {
  readonly #watched = new Map<string, Watched>();
  readonly #byTenant = new Map<string, Set<string>>();
  readonly #versions = new Map<string, string>();
  readonly #inFlight = new Map<string, Promise<Principal | null>>();
  readonly #queue: (() => Promise<void>)[] = [];
  #running = 0;
  #epoch = accessEpoch();
  #polling = false;
  /** The epoch moved while a check ran: that check may have read a stamp from before the change. */
  #checkAgain = false;
  readonly #poll: NodeJS.Timeout;
  readonly #epochTick: NodeJS.Timeout;

  constructor(
    private readonly deps: {
      authenticate: (token: string) => Promise<Principal | null>;
      readAccessVersion: (tenantId: Types.ObjectId) => Promise<string>;
      /** A new principal for the socket, or null: its credential no longer holds. */
      onResolved: (socketId: string, principal: Principal | null) => void;
      onError: (error: unknown) => void;
      timings: CredentialTimings;
      concurrency?: number;
    },
  ) {
    this.#poll = setInterval(() => void this.#checkVersions(), deps.timings.accessPollMs);
    // A change made in this process moves its epoch at once: look at the stamps now rather than at the next poll.
    this.#epochTick = setInterval(() => {
      if (accessEpoch() === this.#epoch) return;
      this.#epoch = accessEpoch();
      void this.#checkVersions();
    }, Math.min(250, deps.timings.accessPollMs));
    this.#poll.unref();
    this.#epochTick.unref();
  }

  /** True when a socket of this agency is watched here (so the watch holds its stamp). */
  watches(tenantId: Types.ObjectId): boolean {
    return this.#byTenant.has(String(tenantId));
  }

  /** Starts watching a socket that just authenticated, at the agency stamp read before it did. */
  watch(socket: WatchedSocket, versionAtAuth: string | undefined): void {
    const tenant = String(socket.principal.tenantId);
    if (!this.#byTenant.has(tenant)) {
      this.#byTenant.set(tenant, new Set());
      if (versionAtAuth !== undefined) this.#versions.set(tenant, versionAtAuth);
    }
    this.#byTenant.get(tenant)!.add(socket.id);
    const untilExpiry = msUntilExpiry(socket.token);
    const expiry = untilExpiry === null ? undefined : setTimeout(() => this.deps.onResolved(socket.id, null), Math.max(0, untilExpiry));
    expiry?.unref();
    this.#watched.set(socket.id, { socket, timer: this.#schedule(socket.id), expiry });
  }

  /** Stops watching a socket (it disconnected). */
  forget(socketId: string): void {
    const watched = this.#watched.get(socketId);
    if (!watched) return;
    clearTimeout(watched.timer);
    clearTimeout(watched.expiry);
    this.#watched.delete(socketId);
    const tenant = String(watched.socket.principal.tenantId);
    const sockets = this.#byTenant.get(tenant);
    sockets?.delete(socketId);
    if (sockets && !sockets.size) {
      this.#byTenant.delete(tenant);
      this.#versions.delete(tenant);
    }
  }

  /** Resolves once the agencies' stamps were read again and every re-check that caused has finished. */
  async settle(): Promise<void> {
    const idle = () => !this.#polling && this.#running === 0 && this.#queue.length === 0;
    while (!idle()) await new Promise((resolve) => setTimeout(resolve, 10));
    this.#epoch = accessEpoch();
    await this.#checkVersions();
    while (!idle()) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  close(): void {
    clearInterval(this.#poll);
    clearInterval(this.#epochTick);
    for (const id of [...this.#watched.keys()]) this.forget(id);
    this.#queue.length = 0;
  }

  #schedule(socketId: string): NodeJS.Timeout {
    const { recheckMs } = this.deps.timings;
    const timer = setTimeout(() => this.#recheck([socketId]), recheckMs * (0.75 + Math.random() * 0.5));
    timer.unref();
    return timer;
  }

  /**
   * Reads each watched agency's stamp (one read each); an agency whose stamp moved has its sockets re-checked.
   * Asked again while reading, it reads once more when done, so a change is never seen only half-way.
   */
  async #checkVersions(): Promise<void> {
    if (this.#polling) {
      this.#checkAgain = true;
      return;
    }
    this.#polling = true;
    try {
      do {
        this.#checkAgain = false;
        await this.#readVersions();
      } while (this.#checkAgain);
    } catch (error) {
      this.deps.onError(error);
    } finally {
      this.#polling = false;
    }
  }

  async #readVersions(): Promise<void> {
    for (const tenant of [...this.#byTenant.keys()]) {
      const sockets = this.#byTenant.get(tenant);
      if (!sockets?.size) continue;
      const anyone = this.#watched.get(sockets.values().next().value!);
      if (!anyone) continue;
      const version = await this.deps.readAccessVersion(anyone.socket.principal.tenantId);
      if (this.#versions.get(tenant) === version) continue;
      this.#versions.set(tenant, version);
      this.#recheck([...(this.#byTenant.get(tenant) ?? [])]);
    }
  }

  /** Re-authenticates these sockets, one authentication per distinct token, through the bounded queue. */
  #recheck(socketIds: string[]): void {
    const byToken = new Map<string, string[]>();
    for (const id of socketIds) {
      const watched = this.#watched.get(id);
      if (!watched) continue;
      clearTimeout(watched.timer);
      watched.timer = this.#schedule(id);
      byToken.set(watched.socket.token, [...(byToken.get(watched.socket.token) ?? []), id]);
    }
    for (const [token, ids] of byToken) {
      this.#enqueue(async () => {
        const principal = await this.#authenticateOnce(token);
        for (const id of ids) if (this.#watched.has(id)) this.deps.onResolved(id, principal);
      });
    }
  }

  #authenticateOnce(token: string): Promise<Principal | null> {
    let pending = this.#inFlight.get(token);
    if (!pending) {
      pending = this.deps.authenticate(token).finally(() => this.#inFlight.delete(token));
      this.#inFlight.set(token, pending);
    }
    return pending;
  }

  #enqueue(task: () => Promise<void>): void {
    this.#queue.push(task);
    this.#drain();
  }

  #drain(): void {
    const limit = this.deps.concurrency ?? 2;
    while (this.#running < limit && this.#queue.length) {
      const task = this.#queue.shift()!;
      this.#running += 1;
      task()
        .catch((error: unknown) => this.deps.onError(error))
        .finally(() => {
          this.#running -= 1;
          this.#drain();
        });
    }
  }
}
