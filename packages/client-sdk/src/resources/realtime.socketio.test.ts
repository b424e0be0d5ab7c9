// Realtime against a real socket.io server, the way the API serves it: path /v1/realtime, token in auth.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { Server, type Socket } from 'socket.io';
import type { TokenSource } from '../core/transport.js';
import { staticToken } from '../internal/token-source.js';
import { Realtime, type RealtimeEvent, type SocketIoLoader } from './realtime.js';

interface FakeRealtimeServer {
  baseUrl: string;
  sockets: Socket[];
  subscribes: { params: unknown; id: string }[];
  handshakeTokens: unknown[];
  close(): Promise<void>;
}

async function startRealtimeServer(acceptedToken: () => string): Promise<FakeRealtimeServer> {
  const http = createServer();
  const io = new Server(http, { path: '/v1/realtime' });
  const state: Omit<FakeRealtimeServer, 'baseUrl' | 'close'> = { sockets: [], subscribes: [], handshakeTokens: [] };
  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown }).token;
    state.handshakeTokens.push(token);
    next(token === acceptedToken() ? undefined : new Error('unauthenticated'));
  });
  io.on('connection', (socket) => {
    state.sockets.push(socket);
    socket.on('subscribe', (params: unknown, ack: (answer: unknown) => void) => {
      const id = `s${state.subscribes.length + 1}`;
      state.subscribes.push({ params, id });
      ack({ subscriptionId: id });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    ...state,
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => io.close(() => resolve())),
  };
}

// The real socket.io-client, reconnecting after 10 ms instead of a second so the test does not wait.
const quickReconnects: SocketIoLoader = async () => {
  const { io } = await import('socket.io-client');
  return { io: (uri, options) => io(uri, { ...options, reconnectionDelay: 10, reconnectionDelayMax: 20 }) };
};

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const change = (subscriptionId: string): RealtimeEvent => ({ subscriptionId, type: 'created', resource: 'contact', id: 'c1', record: { id: 'c1' } });

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

describe('Realtime over socket.io', () => {
  it('should load socket.io-client on demand, authenticate with the token and deliver events', async () => {
    const server = await startRealtimeServer(() => 'sk_live');
    const realtime = new Realtime({ baseUrl: server.baseUrl, tokenSource: staticToken('sk_live') });
    cleanup.push(server.close, async () => realtime.close());
    const received: RealtimeEvent[] = [];
    realtime.subscribe({ resource: 'contact', filter: { status: 'hot' } }, (event) => received.push(event));
    await until(() => server.subscribes.length === 1);
    assert.deepEqual(server.subscribes[0]?.params, { resource: 'contact', filter: { status: 'hot' } });
    assert.deepEqual(server.handshakeTokens, ['sk_live']);
    server.sockets[0]?.emit('event', change('s1'));
    await until(() => received.length === 1);
    assert.equal(received[0]?.type, 'created');
  });

  it('should resubscribe after the connection drops and keep delivering', async () => {
    const server = await startRealtimeServer(() => 'sk_live');
    const realtime = new Realtime({ baseUrl: server.baseUrl, tokenSource: staticToken('sk_live'), loadSocketIo: quickReconnects });
    cleanup.push(server.close, async () => realtime.close());
    const received: RealtimeEvent[] = [];
    realtime.subscribe({ resource: 'contact' }, (event) => received.push(event));
    await until(() => server.subscribes.length === 1);
    server.sockets[0]?.conn.close();
    await until(() => server.subscribes.length === 2 && server.sockets.length === 2);
    server.sockets[1]?.emit('event', change('s2'));
    await until(() => received.length === 1);
    assert.equal(received[0]?.subscriptionId, 's2');
  });

  it('should renew the token and connect again when the handshake is refused', async () => {
    const accepted = 'access-2';
    let current = 'access-1';
    const tokenSource: TokenSource = {
      token: async () => current,
      renew: async () => {
        current = accepted;
        return true;
      },
    };
    const server = await startRealtimeServer(() => accepted);
    const realtime = new Realtime({ baseUrl: server.baseUrl, tokenSource, loadSocketIo: quickReconnects });
    cleanup.push(server.close, async () => realtime.close());
    realtime.subscribe({ resource: 'contact' }, () => undefined);
    await until(() => server.subscribes.length === 1);
    assert.deepEqual(server.handshakeTokens, ['access-1', 'access-2']);
  });
});
