import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Socket } from 'socket.io';
import { AppError, toProblem } from '../errors.js';
import { createBudget } from '../http/rate-limit.js';

/** The `connect_error` of a handshake refused for its address's failures: `data` is the 429 problem, with `retryAfter` in seconds. */
function handshakeRefused(msBeforeNext: number): Error {
  const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000));
  const problem = toProblem(new AppError('rate_limited', `Too many failed connections from this address; try again in ${retryAfter} s`, { extensions: { retryAfter } }));
  return Object.assign(new Error('rate_limited'), { data: problem });
}

/** Admits a socket (true) or not (false); a throw means the check itself failed. */
export type HandshakeCheck = (socket: Socket) => Promise<boolean>;

/** A namespace middleware that runs a handshake check under the per-address budget of failed handshakes. */
export type HandshakeGate = (check: HandshakeCheck) => (socket: Socket, next: (error?: Error) => void) => Promise<void>;

/**
 * Failed handshakes per address, counted like the HTTP gate's failed credentials (platform/auth/ip-gate.ts):
 * a point is reserved before the credential is looked at and given back once it is accepted, so a flood of
 * bad or expired tokens, sequential or in parallel, is refused before any verification or database work.
 * One gate serves every namespace (agents and the customer portal), so failures on either share the budget.
 */
export function createHandshakeGate(options: { logger: Logger; failuresPerMinute?: number | undefined; redisUrl?: string | undefined; clientAddress?: ((request: IncomingMessage) => string) | undefined }): HandshakeGate {
  const failures = createBudget({ name: 'realtime-handshake-failures', points: options.failuresPerMinute ?? 60, durationMs: 60_000, redisUrl: options.redisUrl });
  const clientAddress = options.clientAddress ?? ((request: IncomingMessage) => request.socket.remoteAddress ?? 'unknown');
  return (check) => async (socket, next) => {
    const address = clientAddress(socket.request);
    try {
      await failures.consume(address, 1);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return next(handshakeRefused(rejection.msBeforeNext));
      options.logger.warn({ err: rejection }, 'realtime handshake budget unavailable');
    }
    const giveBack = () => void failures.reward(address, 1).catch(() => {});
    try {
      if (!(await check(socket))) return next(new Error('unauthenticated'));
      giveBack();
      next();
    } catch (error) {
      // Not the caller's fault (the database did not answer): it costs the address nothing.
      giveBack();
      options.logger.warn({ err: error }, 'realtime handshake could not be checked');
      next(new Error('unauthenticated'));
    }
  };
}
