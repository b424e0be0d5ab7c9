import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CrmError, CrmValidationError } from '../core/errors.js';
import { staticToken } from '../internal/token-source.js';
import { Realtime, type RealtimeEvent, type RealtimeSocket, type SocketIoLoader } from './realtime.js';

type Listener = (...args: never[]) => void;

/** A socket.io client socket double: the test plays the server by firing its events. */
class FakeSocket implements RealtimeSocket {
  connected = false;
  active = true;
  readonly emitted: { event: string; args: unknown[] }[] = [];
  readonly #listeners = new Map<string, Listener[]>();
  acknowledge: (params: unknown) => unknown = () => ({ subscriptionId: `sub-${this.emitted.length}` });
  disconnected = false;
  connectCalls = 0;

  constructor(readonly uri: string, readonly options: { path: string; auth: (send: (data: object) => void) => void }) {}

  on(event: string, listener: Listener): this {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener]);
    return this;
  }

  emit(event: string, ...args: unknown[]): this {
    this.emitted.push({ event, args });
    const ack = args[1];
    if (event === 'subscribe' && typeof ack === 'function') ack(this.acknowledge(args[0]));
    return this;
  }

  connect(): this {
    this.connectCalls += 1;
    return this;
  }

  disconnect(): this {
    this.disconnected = true;
    return this;
  }

  /** Plays the server: fires `event` at the client's listeners. */
  fire(event: string, ...args: unknown[]): void {
    if (event === 'connect') this.connected = true;
    for (const listener of this.#listeners.get(event) ?? []) (listener as (...values: unknown[]) => void)(...args);
  }

  subscribes(): unknown[] {
    return this.emitted.filter((entry) => entry.event === 'subscribe').map((entry) => entry.args[0]);
  }
}

function fakeSocketIo(): { loader: SocketIoLoader; sockets: FakeSocket[]; loads: () => number } {
  const sockets: FakeSocket[] = [];
  let loads = 0;
  const loader: SocketIoLoader = async () => {
    loads += 1;
    return {
      io: (uri, options) => {
        const socket = new FakeSocket(uri, options);
        sockets.push(socket);
        return socket;
      },
    };
  };
  return { loader, sockets, loads: () => loads };
}

/** Waits until `check` holds, polling each tick, for at most a second. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 1000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const event = (subscriptionId: string): RealtimeEvent => ({ subscriptionId, type: 'updated', resource: 'contact', id: 'c1', record: { id: 'c1' } });

describe('Realtime', () => {
  it('should load socket.io only on the first subscribe, at /v1/realtime with the bearer token', async () => {
    const io = fakeSocketIo();
    const realtime = new Realtime({ baseUrl: 'https://crm.example.com/', tokenSource: staticToken('sk_1'), loadSocketIo: io.loader });
    assert.equal(io.loads(), 0);
    realtime.subscribe({ resource: 'contact' }, () => undefined);
    realtime.subscribe({ resource: 'lead' }, () => undefined);
    await until(() => io.sockets.length === 1);
    const [socket] = io.sockets;
    assert.equal(io.loads(), 1);
    assert.equal(socket?.uri, 'https://crm.example.com');
    assert.equal(socket?.options.path, '/v1/realtime');
    const auth = await new Promise<object>((resolve) => socket?.options.auth(resolve));
    assert.deepEqual(auth, { token: 'sk_1' });
    realtime.close();
  });

  it('should subscribe on connect, deliver only its own events, and resubscribe after a reconnect', async () => {
    const io = fakeSocketIo();
    const realtime = new Realtime({ baseUrl: 'https://crm.example.com', loadSocketIo: io.loader });
    const received: RealtimeEvent[] = [];
    realtime.subscribe({ resource: 'contact', filter: { status: 'hot' } }, (change) => received.push(change));
    await until(() => io.sockets.length === 1);
    const socket = io.sockets[0]!;
    socket.fire('connect');
    assert.deepEqual(socket.subscribes(), [{ resource: 'contact', filter: { status: 'hot' } }]);
    socket.fire('event', event('sub-1'));
    socket.fire('event', event('someone-else'));
    assert.equal(received.length, 1);

    socket.acknowledge = () => 'sub-after-reconnect';
    socket.fire('connect');
    assert.equal(socket.subscribes().length, 2);
    socket.fire('event', event('sub-1'));
    socket.fire('event', event('sub-after-reconnect'));
    assert.equal(received.length, 2);
    realtime.close();
  });

  it('should send a subscription made while connected at once, and unsubscribe it when asked', async () => {
    const io = fakeSocketIo();
    const realtime = new Realtime({ baseUrl: 'https://crm.example.com', loadSocketIo: io.loader });
    realtime.subscribe({ resource: 'contact' }, () => undefined);
    await until(() => io.sockets.length === 1);
    const socket = io.sockets[0]!;
    socket.fire('connect');
    const stop = realtime.subscribe({ resource: 'lead' }, () => undefined);
    await until(() => socket.subscribes().length === 2);
    stop();
    await until(() => socket.emitted.some((entry) => entry.event === 'unsubscribe'));
    assert.equal(socket.disconnected, false);
  });

  it('should disconnect when the last subscription stops', async () => {
    const io = fakeSocketIo();
    const realtime = new Realtime({ baseUrl: 'https://crm.example.com', loadSocketIo: io.loader });
    const stop = realtime.subscribe({ resource: 'contact' }, () => undefined);
    await until(() => io.sockets.length === 1);
    stop();
    await until(() => io.sockets[0]!.disconnected);
  });

  it('should report a refused subscription to onError as a CrmApiError', async () => {
    const io = fakeSocketIo();
    const realtime = new Realtime({ baseUrl: 'https://crm.example.com', loadSocketIo: io.loader });
    const errors: CrmError[] = [];
    realtime.subscribe({ resource: 'nope' as 'contact' }, () => undefined, { onError: (error) => errors.push(error) });
    await until(() => io.sockets.length === 1);
    const socket = io.sockets[0]!;
    socket.acknowledge = () => ({ error: { code: 'validation_failed', status: 400, detail: 'unknown resource' } });
    socket.fire('connect');
    assert.ok(errors[0] instanceof CrmValidationError);
    realtime.close();
  });

  it('should report a missing socket.io-client to onError, and try loading again next time', async () => {
    let attempts = 0;
    const realtime = new Realtime({
      baseUrl: 'https://crm.example.com',
      loadSocketIo: () => {
        attempts += 1;
        return Promise.reject(new CrmError('Realtime needs the socket.io-client package'));
      },
    });
    const errors: CrmError[] = [];
    realtime.subscribe({ resource: 'contact' }, () => undefined, { onError: (error) => errors.push(error) });
    await until(() => errors.length === 1);
    realtime.subscribe({ resource: 'contact' }, () => undefined, { onError: (error) => errors.push(error) });
    await until(() => errors.length === 2);
    assert.equal(attempts, 2);
  });

  it('should renew the token and connect again when the server refuses the handshake', async () => {
    const io = fakeSocketIo();
    let renewed = 0;
    const tokenSource = { token: async () => 'access-1', renew: async () => (renewed += 1) > 0 };
    const realtime = new Realtime({ baseUrl: 'https://crm.example.com', tokenSource, loadSocketIo: io.loader });
    realtime.subscribe({ resource: 'contact' }, () => undefined);
    await until(() => io.sockets.length === 1);
    const socket = io.sockets[0]!;
    socket.active = false;
    socket.fire('connect_error', new Error('unauthenticated'));
    await until(() => socket.connectCalls === 1);
    assert.equal(renewed, 1);
    realtime.close();
  });
  it('should connect again when the server hangs up, and renew the token first when it said session_expired', async () => {
    const io = fakeSocketIo();
    let renewals = 0;
    const tokenSource = { token: async () => 'token', renew: async () => ((renewals += 1), true) };
    const realtime = new Realtime({ baseUrl: 'https://crm.example.com', tokenSource, loadSocketIo: io.loader });
    realtime.subscribe({ resource: 'contact' }, () => undefined);
    await until(() => io.sockets.length === 1);
    const socket = io.sockets[0]!;
    socket.fire('connect');

    socket.fire('disconnect', 'transport close');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(socket.connectCalls, 0, 'socket.io reconnects by itself after a network failure');

    socket.fire('disconnect', 'io server disconnect');
    await until(() => socket.connectCalls === 1);
    assert.equal(renewals, 0);

    socket.fire('session_expired');
    socket.fire('disconnect', 'io server disconnect');
    await until(() => socket.connectCalls === 2);
    assert.equal(renewals, 1);
    realtime.close();
  });

  it('should unsubscribe with the id the API acknowledged', async () => {
    const io = fakeSocketIo();
    const realtime = new Realtime({ baseUrl: 'https://crm.example.com', loadSocketIo: io.loader });
    const acknowledged: string[] = [];
    const stop = realtime.subscribe({ resource: 'contact' }, () => undefined, { onSubscribed: (id) => acknowledged.push(id) });
    realtime.subscribe({ resource: 'lead' }, () => undefined);
    await until(() => io.sockets.length === 1);
    const socket = io.sockets[0]!;
    socket.acknowledge = () => ({ ok: true, id: 'sub-42' });
    socket.fire('connect');
    assert.deepEqual(acknowledged, ['sub-42']);
    stop();
    await until(() => socket.emitted.some((entry) => entry.event === 'unsubscribe'));
    assert.deepEqual(socket.emitted.find((entry) => entry.event === 'unsubscribe')?.args[0], { id: 'sub-42' });
    realtime.close();
  });

  it('should hand metric.changed messages to every listener once, keep the socket while one listens, and close after the last stops', async () => {
    const io = fakeSocketIo();
    const realtime = new Realtime({ baseUrl: 'https://crm.example.com', loadSocketIo: io.loader });
    const first: unknown[] = [];
    const second: unknown[] = [];
    const stopFirst = realtime.on('metric.changed', (change) => first.push(change));
    let connects = 0;
    const stopSecond = realtime.on('metric.changed', (change) => second.push(change), { onConnected: () => (connects += 1) });
    await until(() => io.sockets.length === 1);
    const socket = io.sockets[0]!;
    await new Promise((resolve) => setImmediate(resolve));
    socket.fire('connect');
    assert.equal(connects, 1, 'told when connected, to load what it shows');
    const change = { metric: 'deals.won', period: 'month', periodStart: '2026-12-01' };
    socket.fire('metric.changed', change);
    assert.deepEqual(first, [change]);
    assert.deepEqual(second, [change]);
    stopFirst();
    socket.fire('metric.changed', change);
    assert.equal(first.length, 1);
    assert.equal(second.length, 2);
    assert.equal(socket.disconnected, false);
    socket.fire('connect');
    assert.equal(connects, 2, 'told again after a reconnect');
    stopSecond();
    await until(() => socket.disconnected);
  });
});
