import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Express, Request } from 'express';
import type { Authenticator } from '../auth/guard.js';
import type { CustomerAuthenticator } from '../auth/customer-guard.js';
import { accessChannelOf } from '../auth/access-channel.js';
import { readAccessVersion } from '../auth/principal-cache.js';
import type { AppContext } from '../context.js';
import { attachRealtime, type RealtimeOptions } from './realtime.js';
import { createRedisRelay } from './redis-relay.js';
import { attachCustomerRealtime } from './customer-sockets.js';

/** Attaches realtime to a listening server, through Redis when REDIS_URL is set (several API processes). */
export async function startRealtime(
  server: HttpServer,
  runtime: { ctx: AppContext; authenticate: Authenticator; authenticateCustomer?: CustomerAuthenticator | undefined; app?: Express | undefined },
  tuning: Pick<RealtimeOptions, 'credentials' | 'maxBufferedBytes' | 'slowConsumerCheckMs' | 'handshakeFailuresPerMinute'> = {},
) {
  const { config, events, logger, connection } = runtime.ctx;
  const relay = config.REDIS_URL ? await createRedisRelay(config.REDIS_URL) : undefined;
  const agents = attachRealtime(server, {
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
    // Failed handshakes share the HTTP failed-credential allowance per address (docs/limits.md).
    handshakeFailuresPerMinute: config.AUTH_FAILURE_LIMIT_PER_MINUTE,
    redisUrl: config.REDIS_URL,
    clientAddress: runtime.app ? clientAddressOf(runtime.app) : undefined,
    ...tuning,
  });
  if (!runtime.authenticateCustomer) return agents;
  const agentsClose = agents.close.bind(agents);
  // Customers (the portal) on their own namespace; with Redis, events of every process reach it through a second subscriber of the relay.
  const customers = attachCustomerRealtime(agents.io, { authenticateCustomer: runtime.authenticateCustomer, logger, handshakeGate: agents.handshakeGate });
  const customerRelay = config.REDIS_URL ? await createRedisRelay(config.REDIS_URL) : undefined;
  const deliver = (event: Parameters<typeof customers.deliver>[0]) => {
    try {
      customers.deliver(event);
    } catch (error) {
      logger.error({ err: error }, 'customer realtime delivery failed');
    }
  };
  let stop = () => {};
  if (customerRelay) void customerRelay.subscribe(deliver);
  else stop = events.subscribe('ticket.*', (event) => void setImmediate(deliver, event));
  return Object.assign(agents, {
    async close() {
      stop();
      customers.close();
      await customerRelay?.close();
      await agentsClose();
    },
  });
}

/** A handshake's client address exactly as the app's `req.ip` reads it (its `trust proxy` setting, `X-Forwarded-For`). */
function clientAddressOf(app: Express): (request: IncomingMessage) => string {
  return (request) => {
    const probe = Object.create(app.request, { headers: { value: request.headers }, socket: { value: request.socket } }) as Request;
    return probe.ip ?? request.socket.remoteAddress ?? 'unknown';
  };
}
