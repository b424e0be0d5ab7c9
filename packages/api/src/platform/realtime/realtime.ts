import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Request } from 'express';
import { Server, type Socket } from 'socket.io';
import type { Logger } from 'pino';
import type { Types } from 'mongoose';
import { can } from '../access/access.js';
import { recordResources, type Resource } from '../access/catalog.js';
import type { Principal } from '../access/principal.js';
import type { Authenticator } from '../auth/guard.js';
import type { DomainEvent, EventBus } from '../events.js';
import { toProblem, AppError } from '../errors.js';
import { Audiences, subscriptionId, type Subscription } from './audiences.js';
import { createHandshakeGate } from './handshake-gate.js';
import { CredentialWatch, defaultCredentialTimings, type CredentialTimings } from './credentials.js';

interface SubscriptionEntry {
  subscription: Subscription;
  /** How many times this socket asked for it (two parts of a page may); it ends at the last unsubscribe. */
  count: number;
  /** The room it is in; null when the socket's role may not read the record type. */
  room: string | null;
}

interface SocketState {
  id: string;
  principal: Principal;
  token: string;
  subscriptions: Map<string, SubscriptionEntry>;
  /** The agency's access stamp read before this socket's principal, when it was the agency's first socket here. */
  versionAtAuth: string | undefined;
}

/** What a subscriber receives for each change it may see. */
export interface RealtimeEvent {
  subscriptionId: string;
  type: 'created' | 'updated' | 'deleted' | 'transitioned' | 'moved';
  resource: string;
  id: string;
  record: Record<string, unknown> | null;
  changes?: Record<string, { from: unknown; to: unknown }>;
  at: string;
}

/** A fan-out path between API processes (Redis pub/sub when REDIS_URL is set). */
export interface EventRelay {
  publish(event: DomainEvent): Promise<void>;
  subscribe(handler: (event: DomainEvent) => void): Promise<void>;
  close(): Promise<void>;
}

/**
 * A message for one user's sockets rather than a record change: in-app notifications and the progress
 * of a send. It travels on the event bus (so it crosses processes through the relay) with
 * `data: { userId, name, payload }`; the socket receives `name` with `payload`.
 */
export const USER_MESSAGE_EVENT = 'realtime.user_message';
const userMessageNames = new Set(['notification', 'notification.read', 'send.progress', 'import.progress', 'export.progress', 'conversation.message', 'conversation.message.updated', 'conversation.read']);

/**
 * A message for every socket of an agency whose role may read `data.resource` (a roll-up changed):
 * `data: { name, resource, payload }`. It names what changed, never a value, so each client reads the
 * figures again through its own visibility.
 */
export const TENANT_MESSAGE_EVENT = 'realtime.tenant_message';
const tenantMessageNames = new Set(['metric.changed']);

const filterKey = /^[A-Za-z][A-Za-z0-9_.]{0,60}$/;
const MAX_SUBSCRIPTIONS = 50;

/** How much a socket may have waiting to be written before it is dropped as a slow consumer. */
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

function problemAck(error: unknown) {
  const appError = error instanceof AppError ? error : new AppError('internal');
  return { ok: false, error: toProblem(appError) };
}

function parseSubscription(input: unknown): Subscription {
  if (!input || typeof input !== 'object') throw AppError.invalidField('resource', 'is required');
  const { resource, filter } = input as { resource?: unknown; filter?: unknown };
  if (typeof resource !== 'string' || !recordResources.includes(resource as Resource)) {
    throw AppError.invalidField('resource', `must be one of: ${recordResources.join(', ')}`);
  }
  const clean: Subscription['filter'] = {};
  if (filter !== undefined && filter !== null) {
    if (typeof filter !== 'object' || Array.isArray(filter)) throw AppError.invalidField('filter', 'must be an object of field: value');
    for (const [key, value] of Object.entries(filter)) {
      if (!filterKey.test(key)) throw AppError.invalidField(`filter.${key}`, 'is not a field name');
      if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) throw AppError.invalidField(`filter.${key}`, 'must be a plain value');
      clean[key] = value as string | number | boolean | null;
    }
  }
  return { id: subscriptionId(resource as Resource, clean), resource: resource as Resource, filter: clean };
}

function eventKind(type: string): RealtimeEvent['type'] | null {
  const verb = type.split('.').pop();
  return verb === 'created' || verb === 'updated' || verb === 'deleted' || verb === 'transitioned' || verb === 'moved' ? verb : null;
}

/** Bytes waiting to be written to a socket: engine.io's write buffer and what the WebSocket holds unsent. */
function bufferedBytes(socket: Socket): number {
  const conn = socket.conn as unknown as { writeBuffer?: { data?: unknown }[]; transport?: { socket?: { bufferedAmount?: number } } };
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer ?? []) {
    const data = packet.data;
    bytes += typeof data === 'string' ? data.length : data instanceof Uint8Array ? data.byteLength : 0;
  }
  return bytes;
}

/** Ends a socket's connection at once, dropping what it had not read (a graceful close would wait for a drain that never comes). */
function dropConnection(socket: Socket): void {
  const conn = socket.conn as unknown as { transport?: { socket?: { terminate?: () => void } }; close(discard?: boolean): void };
  const ws = conn.transport?.socket;
  if (typeof ws?.terminate === 'function') ws.terminate();
  else conn.close(true);
}

/** Options of `attachRealtime`. */
export interface RealtimeOptions {
  authenticate: Authenticator;
  /** The agency's access stamp (platform/auth/principal-cache.ts), read once per agency to notice access changes. */
  readAccessVersion: (tenantId: Types.ObjectId) => Promise<string>;
  events: EventBus;
  logger: Logger;
  corsOrigins: string[];
  relay?: EventRelay | undefined;
  credentials?: Partial<CredentialTimings> | undefined;
  /** A socket with more than this waiting to be written is disconnected (default 4 MiB). */
  maxBufferedBytes?: number | undefined;
  /** How often sockets' buffers are looked at (default 500 ms). */
  slowConsumerCheckMs?: number | undefined;
  /** The client's address of a handshake, as Express's `req.ip` gives it (so `TRUST_PROXY` holds); the connection's remote address by default. */
  clientAddress?: ((request: IncomingMessage) => string) | undefined;
  /** Failed handshakes (a missing, bad or expired credential) per address per minute; past it the address is refused before any check (default 60). */
  handshakeFailuresPerMinute?: number | undefined;
  /** Where the handshake budget is counted (shared by every process); this process's memory when unset. */
  redisUrl?: string | undefined;
}

/**
 * socket.io at /v1/realtime. Sockets authenticate with the same bearer credentials as HTTP, subscribe to
 * a record type with equality filters, and receive a change only when the record passes their
 * visibility filter (the access module's rule, evaluated on the record) and their own filter.
 *
 * Delivery is in memory: sockets are grouped into rooms by visibility filter and subscription
 * (./audiences.ts), so an event is matched once per group and written once per room, and credentials are
 * re-checked on timers and access changes (./credentials.ts), never while delivering.
 */
export function attachRealtime(httpServer: HttpServer, options: RealtimeOptions) {
  const io = new Server(httpServer, {
    path: '/v1/realtime',
    serveClient: false,
    cors: { origin: options.corsOrigins.includes('*') ? true : options.corsOrigins, credentials: false },
    pingInterval: 20_000,
    // What a client sends is a subscription or an acknowledgement: a few hundred bytes.
    maxHttpBufferSize: 64 * 1024,
  });
  const audiences = new Audiences();
  const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;

  async function authenticate(token: string): Promise<Principal | null> {
    const req = { headers: { authorization: `Bearer ${token}` }, get: () => undefined } as unknown as Request;
    return options.authenticate(req, token);
  }

  const local = () => io.of('/').sockets;
  const stateOf = (socket: Socket) => socket.data as SocketState;

  function expire(socket: Socket): void {
    socket.emit('session_expired');
    socket.disconnect(true);
  }

  /** Puts a socket's subscription in the room of its principal's group (or none when its role may not read the type). */
  function place(socket: Socket, entry: SubscriptionEntry): void {
    const room = audiences.roomFor(stateOf(socket).principal, entry.subscription);
    if (room === entry.room) return;
    if (entry.room) {
      void socket.leave(entry.room);
      audiences.leave(entry.room);
    }
    entry.room = room;
    if (room) {
      void socket.join(room);
      audiences.join(room);
    }
  }

  function unplaceAll(socket: Socket): void {
    for (const entry of stateOf(socket).subscriptions.values()) {
      if (entry.room) audiences.leave(entry.room);
      entry.room = null;
    }
  }

  const watch = new CredentialWatch({
    authenticate,
    readAccessVersion: options.readAccessVersion,
    timings: { ...defaultCredentialTimings, ...options.credentials },
    onError: (error) => options.logger.warn({ err: error }, 'realtime credential check failed; the socket keeps its principal until the next check'),
    onResolved(socketId, principal) {
      const socket = local().get(socketId);
      if (!socket) return;
      const state = stateOf(socket);
      if (!principal || String(principal.tenantId) !== String(state.principal.tenantId)) return expire(socket);
      state.principal = principal;
      for (const entry of state.subscriptions.values()) place(socket, entry);
    },
  });

  const handshakeGate = createHandshakeGate({ logger: options.logger, failuresPerMinute: options.handshakeFailuresPerMinute, redisUrl: options.redisUrl, clientAddress: options.clientAddress });

  /** The state of a socket whose token is good, or null when it is not. */
  async function admit(socket: Socket): Promise<SocketState | null> {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token.length < 10 || token.length > 2048 || token.startsWith('pk_')) return null;
    let principal = await authenticate(token);
    if (!principal) return null;
    let version: string | undefined;
    if (!watch.watches(principal.tenantId)) {
      // The first socket of its agency here: the watch starts from the agency's stamp as it was before
      // the principal was resolved (again, through the cache), so a change made meanwhile is not missed.
      version = await options.readAccessVersion(principal.tenantId);
      principal = await authenticate(token);
      if (!principal) return null;
    }
    return { id: socket.id, principal, token, subscriptions: new Map(), versionAtAuth: version };
  }

  io.use(
    handshakeGate(async (socket) => {
      const state = await admit(socket);
      if (!state) return false;
      socket.data = state;
      return true;
    }),
  );

  io.on('connection', (socket) => {
    const state = stateOf(socket);
    const { principal } = state;
    watch.watch(state, state.versionAtAuth);
    void socket.join([`user:${String(principal.tenantId)}:${String(principal.userId)}`, `tenant:${String(principal.tenantId)}`, ...(principal.sessionId ? [`session:${principal.sessionId}`] : [])]);
    socket.on('disconnect', () => {
      watch.forget(socket.id);
      unplaceAll(socket);
    });
    socket.on('subscribe', (input: unknown, ack?: (reply: unknown) => void) => {
      try {
        const subscription = parseSubscription(input);
        const entry = state.subscriptions.get(subscription.id);
        if (entry) entry.count += 1;
        else {
          if (state.subscriptions.size >= MAX_SUBSCRIPTIONS) throw new AppError('conflict', `At most ${MAX_SUBSCRIPTIONS} subscriptions per connection`);
          const created: SubscriptionEntry = { subscription, count: 1, room: null };
          state.subscriptions.set(subscription.id, created);
          place(socket, created);
        }
        ack?.({ ok: true, id: subscription.id });
      } catch (error) {
        ack?.(problemAck(error));
      }
    });
    socket.on('unsubscribe', (input: unknown, ack?: (reply: unknown) => void) => {
      const id = typeof input === 'string' ? input : (input as { id?: unknown } | null)?.id;
      const entry = typeof id === 'string' ? state.subscriptions.get(id) : undefined;
      if (entry) {
        entry.count -= 1;
        if (entry.count === 0) {
          state.subscriptions.delete(entry.subscription.id);
          if (entry.room) {
            void socket.leave(entry.room);
            audiences.leave(entry.room);
          }
        }
      }
      ack?.({ ok: Boolean(entry) });
    });
  });

  function deliver(event: DomainEvent): void {
    const tenant = String(event.tenantId);
    if (event.type === 'auth.session_revoked') {
      const sessionId = event.data?.sessionId;
      if (typeof sessionId !== 'string') return;
      // Only this agency's sockets: a session id is not trusted to be unique across agencies.
      for (const id of io.sockets.adapter.rooms.get(`session:${sessionId}`) ?? []) {
        const socket = local().get(id);
        if (socket && String(stateOf(socket).principal.tenantId) === tenant) expire(socket);
      }
      return;
    }
    if (event.type === USER_MESSAGE_EVENT) {
      const { userId, name, payload } = (event.data ?? {}) as { userId?: unknown; name?: unknown; payload?: unknown };
      if (typeof name !== 'string' || !userMessageNames.has(name) || !userId) return;
      io.to(`user:${tenant}:${String(userId)}`).emit(name, payload);
      return;
    }
    if (event.type === TENANT_MESSAGE_EVENT) {
      const { name, resource, payload } = (event.data ?? {}) as { name?: unknown; resource?: unknown; payload?: unknown };
      if (typeof name !== 'string' || !tenantMessageNames.has(name) || !recordResources.includes(resource as Resource)) return;
      // This process's sockets only: with the relay, every process delivers the event to its own.
      for (const id of io.sockets.adapter.rooms.get(`tenant:${tenant}`) ?? []) {
        const socket = local().get(id);
        if (socket && can(stateOf(socket).principal, resource as Resource, 'read')) socket.emit(name, payload);
      }
      return;
    }
    const kind = eventKind(event.type);
    if (!kind || !event.resourceId || !recordResources.includes(event.resource as Resource)) return;
    const record = { ...(event.record ?? {}), tenantId: tenant };
    for (const { room, subscription } of audiences.match(tenant, event.resource, record)) {
      const payload: RealtimeEvent = {
        subscriptionId: subscription.id,
        type: kind,
        resource: event.resource,
        id: event.resourceId,
        record: event.record ?? null,
        ...(event.changes ? { changes: event.changes } : {}),
        at: event.at.toISOString(),
      };
      io.to(room).emit('event', payload);
    }
  }

  // A consumer that does not read its socket is dropped before what waits for it grows without bound.
  const slowConsumers = setInterval(() => {
    for (const socket of local().values()) {
      if (bufferedBytes(socket) <= maxBufferedBytes) continue;
      options.logger.warn({ socketId: socket.id, tenantId: String(stateOf(socket).principal.tenantId) }, 'realtime socket dropped: it does not read what it is sent');
      dropConnection(socket);
    }
  }, options.slowConsumerCheckMs ?? 500);
  slowConsumers.unref();

  const deliverSafely = (event: DomainEvent) => {
    try {
      deliver(event);
    } catch (error) {
      options.logger.error({ err: error }, 'realtime delivery failed');
    }
  };
  let unsubscribe: () => void;
  if (options.relay) {
    // Every process publishes its events to the relay and delivers what the relay brings back (its own included).
    const relay = options.relay;
    unsubscribe = options.events.subscribe('*', (event) => relay.publish(event));
    void relay.subscribe(deliverSafely);
  } else {
    // After the write's own subscribers, off its request: the response does not wait for socket writes (order is kept).
    unsubscribe = options.events.subscribe('*', (event) => void setImmediate(deliverSafely, event));
  }

  return {
    io,
    /** The per-address budget of failed handshakes, for the other namespaces on this server (the customer portal's). */
    handshakeGate,
    /** How many (agency, record type, visibility) groups deliveries are matched against. */
    get groupCount() {
      return audiences.groupCount;
    },
    /** Resolves once every socket's credential was checked against the agencies' current access stamps. */
    credentialsSettled: () => watch.settle(),
    /** Disconnects every socket and stops listening for events; the HTTP server is closed by its owner. */
    async close() {
      unsubscribe();
      clearInterval(slowConsumers);
      watch.close();
      io.disconnectSockets(true);
      await options.relay?.close();
    },
  };
}
