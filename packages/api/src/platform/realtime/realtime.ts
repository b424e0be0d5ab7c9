import type { Server as HttpServer } from 'node:http';
import type { Request } from 'express';
import { Server, type Socket } from 'socket.io';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { matchesFilter, visibilityFilter } from '../access/access.js';
import { recordResources, type Resource } from '../access/catalog.js';
import type { Principal } from '../access/principal.js';
import type { Authenticator } from '../auth/guard.js';
import type { DomainEvent, EventBus } from '../events.js';
import { toProblem, AppError } from '../errors.js';

/** One live subscription of a socket: a record type and equality filters on the record's fields. */
interface Subscription {
  id: string;
  resource: Resource;
  filter: Record<string, string | number | boolean | null>;
}

interface SocketState {
  principal: Principal;
  token: string;
  resolvedAt: number;
  subscriptions: Map<string, Subscription>;
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
const userMessageNames = new Set(['notification', 'notification.read', 'send.progress']);

const PRINCIPAL_TTL_MS = 30_000;
const filterKey = /^[A-Za-z][A-Za-z0-9_.]{0,60}$/;
const MAX_SUBSCRIPTIONS = 50;

function problemAck(error: unknown) {
  const appError = error instanceof AppError ? error : new AppError('internal');
  return { ok: false, error: toProblem(appError) };
}

function parseSubscription(input: unknown): Omit<Subscription, 'id'> {
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
  return { resource: resource as Resource, filter: clean };
}

function readPath(record: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), record);
}

function eventKind(type: string): RealtimeEvent['type'] | null {
  const verb = type.split('.').pop();
  return verb === 'created' || verb === 'updated' || verb === 'deleted' || verb === 'transitioned' || verb === 'moved' ? verb : null;
}

/**
 * socket.io at /v1/realtime. Sockets authenticate with the same bearer credentials as HTTP, subscribe to
 * a record type with equality filters, and receive a change only when the record passes their
 * visibility filter (the access module's rule, evaluated on the record) and their own filter.
 */
export function attachRealtime(
  httpServer: HttpServer,
  options: { authenticate: Authenticator; events: EventBus; logger: Logger; corsOrigins: string[]; relay?: EventRelay | undefined },
) {
  const io = new Server(httpServer, {
    path: '/v1/realtime',
    serveClient: false,
    cors: { origin: options.corsOrigins.includes('*') ? true : options.corsOrigins, credentials: false },
    pingInterval: 20_000,
  });
  const sockets = new Map<string, Socket>();

  async function authenticate(token: string): Promise<Principal | null> {
    const req = { headers: { authorization: `Bearer ${token}` }, get: () => undefined } as unknown as Request;
    return options.authenticate(req, token);
  }

  io.use(async (socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token.length < 10 || token.length > 2048 || token.startsWith('pk_')) return next(new Error('unauthenticated'));
    try {
      const principal = await authenticate(token);
      if (!principal) return next(new Error('unauthenticated'));
      socket.data = { principal, token, resolvedAt: Date.now(), subscriptions: new Map() } satisfies SocketState;
      next();
    } catch {
      next(new Error('unauthenticated'));
    }
  });

  io.on('connection', (socket) => {
    const state = socket.data as SocketState;
    sockets.set(socket.id, socket);
    void socket.join(`tenant:${String(state.principal.tenantId)}`);
    socket.on('disconnect', () => sockets.delete(socket.id));
    socket.on('subscribe', (input: unknown, ack?: (reply: unknown) => void) => {
      try {
        if (state.subscriptions.size >= MAX_SUBSCRIPTIONS) throw new AppError('conflict', `At most ${MAX_SUBSCRIPTIONS} subscriptions per connection`);
        const parsed = parseSubscription(input);
        const id = randomUUID();
        state.subscriptions.set(id, { id, ...parsed });
        ack?.({ ok: true, id });
      } catch (error) {
        ack?.(problemAck(error));
      }
    });
    socket.on('unsubscribe', (input: unknown, ack?: (reply: unknown) => void) => {
      const id = typeof input === 'string' ? input : (input as { id?: unknown } | null)?.id;
      ack?.({ ok: typeof id === 'string' && state.subscriptions.delete(id) });
    });
  });

  /** Re-checks a socket's credential every 30 s; a revoked session or expired token disconnects it. */
  async function freshPrincipal(socket: Socket): Promise<Principal | null> {
    const state = socket.data as SocketState;
    if (Date.now() - state.resolvedAt < PRINCIPAL_TTL_MS) return state.principal;
    const principal = await authenticate(state.token).catch(() => null);
    if (!principal) {
      socket.emit('session_expired');
      socket.disconnect(true);
      return null;
    }
    state.principal = principal;
    state.resolvedAt = Date.now();
    return principal;
  }

  function dropRevokedSession(event: DomainEvent): void {
    const sessionId = event.data?.sessionId;
    const room = io.sockets.adapter.rooms.get(`tenant:${String(event.tenantId)}`);
    for (const socketId of room ?? []) {
      const socket = sockets.get(socketId);
      if (socket && (socket.data as SocketState).principal.sessionId === sessionId) {
        socket.emit('session_expired');
        socket.disconnect(true);
      }
    }
  }

  function deliverToUser(event: DomainEvent): void {
    const { userId, name, payload } = (event.data ?? {}) as { userId?: unknown; name?: unknown; payload?: unknown };
    if (typeof name !== 'string' || !userMessageNames.has(name) || !userId) return;
    const room = io.sockets.adapter.rooms.get(`tenant:${String(event.tenantId)}`);
    for (const socketId of room ?? []) {
      const socket = sockets.get(socketId);
      if (socket && String((socket.data as SocketState).principal.userId) === String(userId)) socket.emit(name, payload);
    }
  }

  async function deliver(event: DomainEvent): Promise<void> {
    if (event.type === 'auth.session_revoked') return dropRevokedSession(event);
    if (event.type === USER_MESSAGE_EVENT) return deliverToUser(event);
    const kind = eventKind(event.type);
    if (!kind || !event.resourceId || !recordResources.includes(event.resource as Resource)) return;
    const record = { ...(event.record ?? {}), tenantId: String(event.tenantId) };
    const room = io.sockets.adapter.rooms.get(`tenant:${String(event.tenantId)}`);
    if (!room) return;
    for (const socketId of room) {
      const socket = sockets.get(socketId);
      if (!socket) continue;
      const state = socket.data as SocketState;
      const wanted = [...state.subscriptions.values()].filter((s) => s.resource === event.resource);
      if (!wanted.length) continue;
      const principal = await freshPrincipal(socket);
      if (!principal || String(principal.tenantId) !== String(event.tenantId)) continue;
      if (!matchesFilter(record, visibilityFilter(principal, event.resource as Resource, 'read'))) continue;
      for (const sub of wanted) {
        if (!Object.entries(sub.filter).every(([k, v]) => String(readPath(record, k) ?? null) === String(v))) continue;
        const payload: RealtimeEvent = {
          subscriptionId: sub.id,
          type: kind,
          resource: event.resource,
          id: event.resourceId,
          record: event.record ?? null,
          ...(event.changes ? { changes: event.changes } : {}),
          at: event.at.toISOString(),
        };
        socket.emit('event', payload);
      }
    }
  }

  const deliverSafely = (event: DomainEvent) => deliver(event).catch((error: unknown) => options.logger.error({ err: error }, 'realtime delivery failed'));
  let unsubscribe: () => void;
  if (options.relay) {
    // Every process publishes its events to the relay and delivers what the relay brings back (its own included).
    const relay = options.relay;
    unsubscribe = options.events.subscribe('*', (event) => relay.publish(event));
    void relay.subscribe((event) => void deliverSafely(event));
  } else {
    unsubscribe = options.events.subscribe('*', (event) => void deliverSafely(event));
  }

  return {
    io,
    /** Disconnects every socket and stops listening for events; the HTTP server is closed by its owner. */
    async close() {
      unsubscribe();
      io.disconnectSockets(true);
      await options.relay?.close();
    },
  };
}
