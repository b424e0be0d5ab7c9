import { Types } from 'mongoose';
import { createClient } from '../redis.js';
import type { DomainEvent } from '../events.js';
import type { EventRelay } from './realtime.js';

const CHANNEL = 'crm:domain-events';

/** Domain events across API processes through Redis pub/sub, so realtime reaches sockets on every node. */
export async function createRedisRelay(url: string): Promise<EventRelay> {
  const publisher = createClient({ url });
  const subscriber = publisher.duplicate();
  await Promise.all([publisher.connect(), subscriber.connect()]);
  return {
    async publish(event) {
      await publisher.publish(CHANNEL, JSON.stringify(event));
    },
    async subscribe(handler) {
      await subscriber.subscribe(CHANNEL, (message) => {
        const raw = JSON.parse(message) as Omit<DomainEvent, 'at' | 'tenantId'> & { at: string; tenantId: string };
        handler({ ...raw, tenantId: new Types.ObjectId(raw.tenantId), at: new Date(raw.at), actor: null });
      });
    },
    async close() {
      await Promise.allSettled([subscriber.quit(), publisher.quit()]);
    },
  };
}
