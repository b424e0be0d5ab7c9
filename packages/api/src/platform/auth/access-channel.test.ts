import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import mongoose, { Types } from 'mongoose';
import { createClient } from 'redis';
import { createAccessChannel } from './access-channel.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function until<T>(what: string, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('access channel: Redis pub/sub of access changes, safe when a message is missed', () => {
  // Unopened connections: the channel only uses them as the key of its registry and for their close event.
  const connections = [mongoose.createConnection(), mongoose.createConnection()];
  const [a, b] = connections.map((connection) => createAccessChannel({ url: REDIS_URL, connection }));
  const admin = createClient({ url: REDIS_URL });
  const tenant = new Types.ObjectId();
  const other = new Types.ObjectId();
  // The channel's Redis clients are unref'd (they never keep a server alive); the test keeps itself alive.
  const alive = setInterval(() => {}, 1000);

  after(async () => {
    clearInterval(alive);
    await Promise.all([a!.close(), b!.close(), admin.isOpen ? admin.close() : null]);
  });

  it('should move the stamp of the changed agency in every process, and only that agency', async () => {
    const before = await until('B to subscribe', () => b!.version(tenant));
    const otherBefore = b!.version(other);
    await until('A to subscribe', () => a!.version(tenant));
    await a!.publish([tenant]);
    // Redis has sent it to B when publish returns; B reads it at its next turn of the event loop.
    await until('B to see the change', () => (b!.version(tenant) !== before ? true : undefined));
    assert.equal(b!.version(other), otherBefore, 'another agency keeps its cache');
  });

  it('should read nothing from its cache while disconnected, and drop everything once subscribed again', async () => {
    const before = await until('B to subscribe', () => b!.version(other));
    await admin.connect();
    // Kill only B's subscription (by its name), as a network cut or a Redis restart would.
    const line = (await admin.clientList()).find((client) => client.name === `crm-access-${b!.origin}`);
    assert.ok(line, 'B has a named subscription');
    await admin.clientKill({ filter: 'ID', id: Number(line.id) } as never);
    await until('B to notice', () => (b!.version(other) === before ? undefined : true));
    const after = await until('B to subscribe again', () => b!.version(other));
    assert.notEqual(after, before, 'what was cached before the cut is not reused: a message may have been missed');
  });
});
