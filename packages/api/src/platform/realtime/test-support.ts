import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import type { createTestRuntime } from '../../testing/index.js';
import type { RealtimeEvent } from './realtime.js';
import { startRealtime } from './start.js';

type Rt = Awaited<ReturnType<typeof createTestRuntime>>;

/** The API and realtime listening on a free port, as server.ts runs them. */
export async function listen(rt: Rt, tuning: Parameters<typeof startRealtime>[2] = {}) {
  const server: Server = createServer(rt.app);
  const realtime = await startRealtime(server, rt, tuning);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    realtime,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await realtime.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A connected socket.io client that records every event it receives and can wait for the next matching one; `address` is sent as X-Forwarded-For. */
export async function client(url: string, token: string, options: { address?: string } = {}) {
  const extraHeaders = options.address ? { 'X-Forwarded-For': options.address } : undefined;
  const socket: Socket = connect(url, { path: '/v1/realtime', auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, ...(extraHeaders ? { extraHeaders } : {}) });
  const events: RealtimeEvent[] = [];
  const waiters: Array<{ test: (e: RealtimeEvent) => boolean; resolve: (e: RealtimeEvent) => void }> = [];
  socket.on('event', (e: RealtimeEvent) => {
    events.push(e);
    for (const w of [...waiters]) {
      if (w.test(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    socket,
    events,
    async subscribe(resource: string, filter?: Record<string, unknown>) {
      return (await socket.emitWithAck('subscribe', { resource, filter })) as { ok: boolean; id?: string; error?: { code: string } };
    },
    next(test: (e: RealtimeEvent) => boolean, timeoutMs = 10_000): Promise<RealtimeEvent> {
      const seen = events.find(test);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching realtime event')), timeoutMs);
        waiters.push({
          test,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
  };
}

/** Resolves when `check` holds, polling until the deadline. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
