import type { Server as HttpServer } from 'node:http';
import type { Authenticator } from '../auth/guard.js';
import type { AppContext } from '../context.js';
import { attachRealtime } from './realtime.js';
import { createRedisRelay } from './redis-relay.js';

/** Attaches realtime to a listening server, through Redis when REDIS_URL is set (several API processes). */
export async function startRealtime(server: HttpServer, runtime: { ctx: AppContext; authenticate: Authenticator }) {
  const { config, events, logger } = runtime.ctx;
  const relay = config.REDIS_URL ? await createRedisRelay(config.REDIS_URL) : undefined;
  return attachRealtime(server, { authenticate: runtime.authenticate, events, logger, corsOrigins: config.CORS_ORIGINS, relay });
}
