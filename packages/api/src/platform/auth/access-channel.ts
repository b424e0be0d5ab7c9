import { randomUUID } from 'node:crypto';
import type { Connection, Types } from 'mongoose';
import { createClient } from '../redis.js';

const CHANNEL = 'crm:access-changes';
/** How long a writer waits for its own change to come back from Redis (then every subscriber has been sent it). */
const ECHO_WAIT_MS = 250;

/** With Redis, a cached principal is still reloaded at least this often: the bound on a message that was missed. */
export const REDIS_PRINCIPAL_MAX_AGE_MS = 60_000;

/**
 * Access changes on Redis pub/sub (when `REDIS_URL` is set): every write that changes who a caller is
 * (roles, users, teams, products, a revoked session) is published with its agency, and every API process
 * drops what it cached for that agency, so a warm request asks the database nothing about who the caller
 * is. While the subscription is not live (connecting, reconnecting, Redis down) `version` answers
 * undefined and callers read the database counter instead (platform/auth/principal-cache.ts); each
 * (re)subscription starts a new generation, which drops everything cached before it, since messages sent
 * while it was down are lost. Entries also expire after REDIS_PRINCIPAL_MAX_AGE_MS whatever happens.
 */
export interface AccessChannel {
  /** This process's id on the channel; its subscription is the Redis client named `crm-access-<origin>`. */
  readonly origin: string;
  /** The agency's cache stamp in this process, or undefined when the subscription is not live. */
  version(tenantId: Types.ObjectId): string | undefined;
  /** Tells every process (this one at once) that these agencies' principals changed. */
  publish(tenantIds: Types.ObjectId[] | 'all'): Promise<void>;
  close(): Promise<void>;
}

const channels = new WeakMap<Connection, AccessChannel>();

/** The channel serving this database connection, if any (used by the invalidatesAccess plugin). */
export function accessChannelOf(connection: Connection): AccessChannel | undefined {
  return channels.get(connection);
}

/** Connects in the background; until subscribed, `version` is undefined (the database counter is used). */
export function createAccessChannel(options: { url: string; connection: Connection; onError?: (error: unknown) => void }): AccessChannel {
  const origin = randomUUID();
  const publisher = createClient({ url: options.url, disableOfflineQueue: true });
  // Named, so an operator (or a test) can tell this process's subscription apart in CLIENT LIST.
  const subscriber = publisher.duplicate({ name: `crm-access-${origin}` });
  let live = false;
  let generation = 0;
  let closed = false;
  let subscribed = false;
  let sent = 0;
  const stamps = new Map<string, number>();
  const echoes = new Map<number, () => void>();

  const dropAll = () => {
    generation += 1;
    stamps.clear();
  };
  const drop = (tenantIds: string[] | 'all') => {
    if (tenantIds === 'all') return dropAll();
    for (const id of tenantIds) stamps.set(id, (stamps.get(id) ?? 0) + 1);
  };
  const down = () => {
    live = false;
    dropAll();
  };
  const report = (error: unknown) => options.onError?.(error);
  publisher.on('error', report);
  subscriber.on('error', (error: unknown) => {
    down();
    report(error);
  });
  subscriber.on('end', down);
  subscriber.on('reconnecting', down);
  // node-redis subscribes again before it reports ready; what was published meanwhile is lost: drop everything.
  subscriber.on('ready', () => {
    if (!subscribed) return;
    dropAll();
    live = true;
  });

  const listener = (message: string) => {
    try {
      const change = JSON.parse(message) as { tenantIds: string[] | 'all'; origin: string; n: number };
      drop(change.tenantIds);
      if (change.origin === origin) echoes.get(change.n)?.();
    } catch {
      dropAll(); // a message we cannot read may have named anyone
    }
  };
  void (async () => {
    await Promise.all([publisher.connect(), subscriber.connect()]);
    publisher.unref();
    subscriber.unref();
    await subscriber.subscribe(CHANNEL, listener);
    subscribed = true;
    dropAll();
    live = true;
  })().catch(report);

  const channel: AccessChannel = {
    origin,
    version(tenantId) {
      if (!live) return undefined;
      return `r${generation}.${stamps.get(String(tenantId)) ?? 0}`;
    },
    async publish(tenantIds) {
      const ids = tenantIds === 'all' ? 'all' : tenantIds.map(String);
      drop(ids);
      if (!publisher.isReady) return; // not live either: readers use the database counter, which the writer moved
      const n = (sent += 1);
      const echoed = new Promise<void>((resolve) => {
        echoes.set(n, resolve);
        setTimeout(resolve, ECHO_WAIT_MS).unref();
      });
      try {
        await publisher.publish(CHANNEL, JSON.stringify({ tenantIds: ids, origin, n }));
        // Back on our own subscription: Redis has sent it to every subscriber, so the caller's next request anywhere sees it.
        await echoed;
      } catch (error) {
        report(error);
      } finally {
        echoes.delete(n);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      live = false;
      channels.delete(options.connection);
      await Promise.allSettled([subscriber.close(), publisher.close()]);
    },
  };
  channels.set(options.connection, channel);
  options.connection.once('close', () => void channel.close());
  return channel;
}
