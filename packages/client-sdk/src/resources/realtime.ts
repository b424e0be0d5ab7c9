import { CrmError, createApiError, type ProblemDetails } from '../core/errors.js';
import type { TokenSource } from '../core/transport.js';
import type { QueryValue } from '../internal/query.js';
import type { Activity } from './activities.js';
import type { Contact } from './contacts.js';
import type { Customer } from './customers.js';
import type { Export } from './exports.js';
import type { Import } from './imports.js';
import type { Lead } from './leads.js';
import type { MetricChanged } from './metrics.js';
import type { NotificationPushed, NotificationReadState } from './notifications.js';
import type { Opportunity } from './opportunities.js';
import type { Task } from './tasks.js';
import type { Ticket } from './tickets.js';
import type { ConversationMessagePushed, ConversationMessageUpdated, ConversationReadState } from './conversations.js';

/**
 * The record each realtime resource delivers. Realtime names record types in the singular, as the API's
 * access catalog does (`contact`, not `contacts`).
 */
export interface RealtimeRecords {
  /** Contacts. */
  contact: Contact;
  /** Customer accounts. */
  customer: Customer;
  /** Leads. */
  lead: Lead;
  /** Opportunities (`moved` events when they change stage). */
  opportunity: Opportunity;
  /** Tasks. */
  task: Task;
  /** Activities. */
  activity: Activity;
  /** A campaign, typed by the campaigns resource. */
  campaign: Record<string, unknown>;
  /** Support tickets (a reply or note shows as an `updated` event whose changes name `lastMessageAt`). */
  ticket: Ticket;
}

/** A record type realtime can watch. */
export type RealtimeResource = keyof RealtimeRecords;

/** What to listen to: a record type and an optional filter of scalar field values. */
export interface SubscribeParams<TResource extends RealtimeResource = RealtimeResource> {
  /** The record type in the singular: `contact`, `customer`, `lead`, `opportunity`, `task`, `activity`, `campaign`. */
  resource: TResource;
  /** Only records whose fields equal these values. */
  filter?: Record<string, QueryValue>;
}

/** What happened to a record: `moved` is an opportunity changing stage. */
export type RealtimeEventType = 'created' | 'updated' | 'deleted' | 'transitioned' | 'moved';

/** One change delivered to a subscription (the socket's `event` message). */
export interface RealtimeEvent<TRecord = unknown> {
  /** The subscription this change matched. */
  subscriptionId: string;
  /** What happened. */
  type: RealtimeEventType;
  /** The record type, as subscribed (singular, e.g. `contact`). */
  resource: string;
  /** The record's id. */
  id: string;
  /** The record after the change (for `deleted`, as it was); null when the API did not include it. */
  record: TRecord | null;
  /** For updates, the fields that changed with their old and new values, when the API sent them. */
  changes?: Record<string, { from: unknown; to: unknown }>;
  /** When the change happened (ISO 8601). */
  at?: string;
}

/** Messages the API sends every signed-in socket that may read what they name, without a subscription. */
export interface RealtimeMessages {
  /** A roll-up moved: read the metric again (through `crm.metrics.query`, within your own visibility). */
  'metric.changed': MetricChanged;
  /** A message in a conversation I may read (with my unread count of it). */
  'conversation.message': ConversationMessagePushed;
  /** A message I may read was edited or deleted (a tombstone then: `deletedAt` set, empty body). */
  'conversation.message.updated': ConversationMessageUpdated;
  /** I read a conversation (in this or another tab). */
  'conversation.read': ConversationReadState;
  /** An import I started moved on (after each batch, and when it ends): the import as `crm.imports.get` answers it. */
  'import.progress': Import;
  /** An export I asked for moved on (every few seconds while its file is written, and when it ends): as `crm.exports.get` answers it. */
  'export.progress': Export;
  /** A new notification in my inbox, with my unread count after it. */
  notification: NotificationPushed;
  /** Notifications of mine marked read or unread (`ids: 'all'` after mark-all-read), with my unread count after. */
  'notification.read': NotificationReadState;
}

/** Options of one subscription. */
export interface SubscribeOptions {
  /** Told when the subscription is refused, or when realtime cannot connect at all. */
  onError?: (error: CrmError) => void;
  /**
   * Told each time the API has acknowledged the subscription: first, and again after every reconnect.
   * Changes made before then are not delivered, so this is the moment to (re)load what you show.
   */
  onSubscribed?: (subscriptionId: string) => void;
}

/** The part of a socket.io client socket that realtime uses. */
export interface RealtimeSocket {
  readonly connected: boolean;
  readonly active: boolean;
  on(event: string, listener: (...args: never[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  connect(): unknown;
  disconnect(): unknown;
}

/** Loads socket.io-client's `io`; replace it to use another build or a test double. */
export type SocketIoLoader = () => Promise<{
  io: (uri: string, options: { path: string; auth: (send: (data: object) => void) => void }) => RealtimeSocket;
}>;

/** Settings of the realtime namespace; the client fills them in. */
export interface RealtimeOptions {
  /** The API's base URL; the socket connects to `<baseUrl>/v1/realtime`. */
  baseUrl: string;
  /** Where the bearer token comes from, asked again on every (re)connect. */
  tokenSource?: TokenSource | undefined;
  /** How to load socket.io-client; a dynamic import by default. */
  loadSocketIo?: SocketIoLoader | undefined;
}

interface Subscription {
  readonly params: SubscribeParams<RealtimeResource>;
  readonly handler: (event: RealtimeEvent<never>) => void;
  readonly onError: ((error: CrmError) => void) | undefined;
  readonly onSubscribed: ((subscriptionId: string) => void) | undefined;
  serverId: string | undefined;
  sentOnConnection: number;
}

// Loaded only on the first subscribe, so clients that never use realtime never download socket.io.
const loadSocketIoClient: SocketIoLoader = async () => {
  try {
    return (await import('socket.io-client')) as unknown as Awaited<ReturnType<SocketIoLoader>>;
  } catch (cause) {
    throw new CrmError('Realtime needs the socket.io-client package: npm install socket.io-client', { cause });
  }
};

/**
 * Live changes over socket.io (`crm.realtime`). One connection is opened on the first `subscribe`, with
 * the client's bearer token, and every subscription is sent again after a reconnect.
 */
export class Realtime {
  readonly #options: RealtimeOptions;
  readonly #subscriptions = new Set<Subscription>();
  /** Listeners of server messages (`on`), by message name. */
  readonly #messageListeners = new Map<string, Set<(payload: never) => void>>();
  readonly #boundMessages = new WeakMap<RealtimeSocket, Set<string>>();
  /** `on`'s `onConnected` callbacks, told on every connect. */
  readonly #connectListeners = new Set<() => void>();
  #socket: Promise<RealtimeSocket> | undefined;
  #connection = 0;
  #lastToken: string | undefined;

  constructor(options: RealtimeOptions) {
    this.#options = options;
  }

  /**
   * Calls `handler` for each change to `params.resource` that matches `params.filter`, until the returned
   * function is called.
   *
   * @example const stop = crm.realtime.subscribe({ resource: 'contact' }, (event) => console.log(event.type, event.record?.fullName));
   */
  subscribe<TResource extends RealtimeResource>(
    params: SubscribeParams<TResource>,
    handler: (event: RealtimeEvent<RealtimeRecords[TResource]>) => void,
    options: SubscribeOptions = {},
  ): () => void {
    const subscription: Subscription = {
      params,
      handler: handler as (event: RealtimeEvent<never>) => void,
      onError: options.onError,
      onSubscribed: options.onSubscribed,
      serverId: undefined,
      sentOnConnection: 0,
    };
    this.#subscriptions.add(subscription);
    this.#connect().then(
      (socket) => {
        if (socket.connected) this.#send(socket, subscription);
      },
      (error: unknown) => this.#subscriptions.has(subscription) && subscription.onError?.(asCrmError(error)),
    );
    return () => this.#unsubscribe(subscription);
  }

  /**
   * Calls `listener` with each `name` message the API sends this user (e.g. `metric.changed`), until the
   * returned function is called. Opens the connection as `subscribe` does.
   *
   * `options.onConnected` is told each time the socket is connected (first, and after every reconnect):
   * messages sent before then are not delivered, so this is the moment to (re)load what you show.
   *
   * @example const stop = crm.realtime.on('metric.changed', ({ metric }) => console.log(metric, 'moved'));
   */
  on<TName extends keyof RealtimeMessages>(name: TName, listener: (payload: RealtimeMessages[TName]) => void, options: { onConnected?: () => void } = {}): () => void {
    let listeners = this.#messageListeners.get(name);
    if (!listeners) this.#messageListeners.set(name, (listeners = new Set()));
    const entry = listener as (payload: never) => void;
    listeners.add(entry);
    const { onConnected } = options;
    if (onConnected) this.#connectListeners.add(onConnected);
    this.#connect().then(
      (socket) => {
        this.#listen(socket, name);
        if (onConnected && socket.connected && this.#connectListeners.has(onConnected)) onConnected();
      },
      () => undefined,
    );
    return () => {
      if (onConnected) this.#connectListeners.delete(onConnected);
      if (!listeners.delete(entry)) return;
      if (this.#listenerCount() === 0) this.close();
    };
  }

  #listenerCount(): number {
    let count = this.#subscriptions.size;
    for (const listeners of this.#messageListeners.values()) count += listeners.size;
    return count;
  }

  /** Relays `name` messages of `socket` to their listeners (once per socket and name). */
  #listen(socket: RealtimeSocket, name: string): void {
    const bound = this.#boundMessages.get(socket) ?? new Set<string>();
    if (bound.has(name)) return;
    this.#boundMessages.set(socket, bound.add(name));
    socket.on(name, (payload: never) => {
      for (const listener of this.#messageListeners.get(name) ?? []) listener(payload);
    });
  }

  /** Drops every subscription and listener and closes the connection. */
  close(): void {
    this.#subscriptions.clear();
    this.#messageListeners.clear();
    this.#connectListeners.clear();
    const socket = this.#socket;
    this.#socket = undefined;
    void socket?.then((open) => open.disconnect(), () => undefined);
  }

  #unsubscribe(subscription: Subscription): void {
    if (!this.#subscriptions.delete(subscription)) return;
    if (this.#listenerCount() === 0) {
      this.close();
      return;
    }
    const { serverId } = subscription;
    if (serverId !== undefined) void this.#socket?.then((socket) => socket.emit('unsubscribe', { id: serverId }));
  }

  #connect(): Promise<RealtimeSocket> {
    if (!this.#socket) {
      const opening = this.#open();
      this.#socket = opening;
      // Forget a failed load, so that a later subscribe can try again.
      opening.catch(() => {
        if (this.#socket === opening) this.#socket = undefined;
      });
    }
    return this.#socket;
  }

  async #open(): Promise<RealtimeSocket> {
    const { io } = await (this.#options.loadSocketIo ?? loadSocketIoClient)();
    const { origin, pathname } = new URL(this.#options.baseUrl || '/', pageUrl());
    const tokens = this.#options.tokenSource;
    const socket = io(origin, {
      path: `${pathname.replace(/\/+$/, '')}/v1/realtime`,
      // A function, so that every reconnect sends the token as it is then (it may have been refreshed).
      auth: (send) => {
        const token = tokens ? tokens.token() : Promise.resolve(undefined);
        token.then(
          (value) => {
            this.#lastToken = value;
            send(value === undefined ? {} : { token: value });
          },
          () => send({}),
        );
      },
    });
    let renewing = false;
    // Message listeners added before the socket existed.
    for (const name of this.#messageListeners.keys()) this.#listen(socket, name);
    socket.on('connect', () => {
      renewing = false;
      this.#connection += 1;
      for (const subscription of this.#subscriptions) this.#send(socket, subscription);
      for (const connected of [...this.#connectListeners]) connected();
    });
    socket.on('event', (event: RealtimeEvent<never>) => {
      for (const subscription of this.#subscriptions) {
        if (subscription.serverId !== undefined && subscription.serverId === event?.subscriptionId) subscription.handler(event);
      }
    });
    let sessionExpired = false;
    // The API says `session_expired` just before it drops a socket whose token expired or was revoked.
    socket.on('session_expired', () => {
      sessionExpired = true;
    });
    socket.on('disconnect', (reason: string) => {
      // socket.io reconnects by itself after a network failure, but not when the server hung up: then
      // get a token that works (renewed if the session expired) and connect again while anyone listens.
      if (reason !== 'io server disconnect' || this.#listenerCount() === 0) return;
      const expired = sessionExpired;
      sessionExpired = false;
      const renewal = expired && tokens?.renew ? tokens.renew(this.#lastToken) : Promise.resolve(true);
      renewal.then(
        (renewed) => {
          if (!renewed) return this.#reportAll(new CrmError('The realtime session expired and could not be renewed.'));
          if (this.#listenerCount() > 0) socket.connect();
        },
        (renewError: unknown) => this.#reportAll(asCrmError(renewError)),
      );
    });
    socket.on('connect_error', (error: Error) => {
      // While `active`, socket.io keeps reconnecting by itself. It stops when the server refused the
      // handshake: then renew the token once and connect again, or tell the subscribers.
      if (socket.active) return;
      if (renewing || !tokens?.renew) return this.#reportAll(asCrmError(error));
      renewing = true;
      tokens.renew(this.#lastToken).then(
        (renewed) => (renewed ? socket.connect() : this.#reportAll(asCrmError(error))),
        (renewError: unknown) => this.#reportAll(asCrmError(renewError)),
      );
    });
    return socket;
  }

  #send(socket: RealtimeSocket, subscription: Subscription): void {
    if (subscription.sentOnConnection === this.#connection) return;
    subscription.sentOnConnection = this.#connection;
    subscription.serverId = undefined;
    socket.emit('subscribe', subscription.params, (ack: unknown) => {
      const answer = readAck(ack);
      if ('problem' in answer) {
        subscription.onError?.(createApiError({ status: answer.problem.status ?? 400, problem: answer.problem }));
      } else if (this.#subscriptions.has(subscription)) {
        subscription.serverId = answer.id;
        subscription.onSubscribed?.(answer.id);
      } else {
        socket.emit('unsubscribe', { id: answer.id });
      }
    });
  }

  #reportAll(error: CrmError): void {
    for (const subscription of this.#subscriptions) subscription.onError?.(error);
  }
}

// The contract says only that the ack "returns a subscription id"; accept the shapes that can mean.
function readAck(ack: unknown): { id: string } | { problem: ProblemDetails } {
  if (typeof ack === 'string') return { id: ack };
  if (typeof ack === 'object' && ack !== null) {
    const { subscriptionId, id, error } = ack as { subscriptionId?: unknown; id?: unknown; error?: unknown };
    if (typeof subscriptionId === 'string') return { id: subscriptionId };
    if (typeof id === 'string') return { id };
    if (typeof error === 'object' && error !== null) return { problem: error as ProblemDetails };
    if (typeof (ack as ProblemDetails).code === 'string') return { problem: ack as ProblemDetails };
  }
  return { problem: { status: 500, code: 'internal', title: 'The subscription was not acknowledged with an id' } };
}

function asCrmError(error: unknown): CrmError {
  return error instanceof CrmError ? error : new CrmError(error instanceof Error ? error.message : String(error), { cause: error });
}

function pageUrl(): string | undefined {
  return (globalThis as { location?: { href?: string } }).location?.href;
}
