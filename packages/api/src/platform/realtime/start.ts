import type { Server as HttpServer } from 'node:http';
import type { Authenticator } from '../auth/guard.js';
import { accessChannelOf } from '../auth/access-channel.js';
import { readAccessVersion } from '../auth/principal-cache.js';
import type { AppContext } from '../context.js';
import { attachRealtime, type RealtimeOptions } from './realtime.js';
import { createRedisRelay } from './redis-relay.js';

/** Attaches realtime to a listening server, through Redis when REDIS_URL is set (several API processes). */
export async function startRealtime(
  server: HttpServer,
  runtime: { ctx: AppContext; authenticate: Authenticator },
  tuning: Pick<RealtimeOptions, 'credentials' | 'maxBufferedBytes' | 'slowConsumerCheckMs'> = {},
) {
  const { config, events, logger, connection } = runtime.ctx;
  const relay = config.REDIS_URL ? await createRedisRelay(config.REDIS_URL) : undefined;
  return attachRealtime(server, {
    authenticate: runtime.authenticate,
    // With Redis, access changes arrive on the access channel and the stamp costs nothing; otherwise one read.
    readAccessVersion: async (tenantId) => {
      const live = accessChannelOf(connection)?.version(tenantId);
      return live === undefined ? readAccessVersion(connection, tenantId) : `redis:${live}`;
    },
    events,
    logger,
    corsOrigins: config.CORS_ORIGINS,
    relay,
    ...tuning,
  });
}
