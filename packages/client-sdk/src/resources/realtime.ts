import { CrmError, createApiError, type ProblemDetails } from '../core/errors.js';
import type { TokenSource } from '../core/transport.js';
import type { QueryValue } from '../internal/query.js';

/** What to listen to: a resource and an optional filter of scalar field values. */
export interface SubscribeParams {
  /** The resource, e.g. `contacts`. */
  resource: string;
  /** Only records whose fields equal these values. */
  filter?: Record<string, QueryValue>;
}

/** One change delivered to a subscription. */
export interface RealtimeEvent<TRecord = unknown> {
  subscriptionId: string;
  type: 'created' | 'updated' | 'deleted' | 'transitioned';
  resource: string;
  id: string;
  /** The record after the change (for `deleted`, as it was). */
  record: TRecord;
}

/** Options of one subscription. */
export interface SubscribeOptions {
  /** Told when the subscription is refused, or when realtime cannot connect at all. */
  onError?: (error: CrmError) => void;
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
  baseUrl: string;
  tokenSource?: TokenSource | undefined;
  loadSocketIo?: SocketIoLoader | undefined;
}

interface Subscription {
  readonly params: SubscribeParams;
  readonly handler: (event: RealtimeEvent<never>) => void;
  readonly onError: ((error: CrmError) => void) | undefined;
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
   * @example const stop = crm.realtime.subscribe({ resource: 'contacts' }, (event) => console.log(event.type, event.id));
   */
  subscribe<TRecord = unknown>(
    params: SubscribeParams,
    handler: (event: RealtimeEvent<TRecord>) => void,
    options: SubscribeOptions = {},
  ): () => void {
    const subscription: Subscription = {
      params,
      handler: handler as (event: RealtimeEvent<never>) => void,
      onError: options.onError,
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

  /** Drops every subscription and closes the connection. */
  close(): void {
    this.#subscriptions.clear();
    const socket = this.#socket;
    this.#socket = undefined;
    void socket?.then((open) => open.disconnect(), () => undefined);
  }

  #unsubscribe(subscription: Subscription): void {
    if (!this.#subscriptions.delete(subscription)) return;
    if (this.#subscriptions.size === 0) {
      this.close();
      return;
    }
    const { serverId } = subscription;
    if (serverId !== undefined) void this.#socket?.then((socket) => socket.emit('unsubscribe', { subscriptionId: serverId }));
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
    socket.on('connect', () => {
      renewing = false;
      this.#connection += 1;
      for (const subscription of this.#subscriptions) this.#send(socket, subscription);
    });
    socket.on('event', (event: RealtimeEvent<never>) => {
      for (const subscription of this.#subscriptions) {
        if (subscription.serverId !== undefined && subscription.serverId === event?.subscriptionId) subscription.handler(event);
      }
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
      } else {
        socket.emit('unsubscribe', { subscriptionId: answer.id });
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
