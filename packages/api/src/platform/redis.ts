import { createRequire } from 'node:module';
import type * as Redis from 'redis';

/**
 * `redis`'s `createClient`, with the package loaded at the first call: only processes given a REDIS_URL
 * use it, and loading it cost every start about 0.2 s of CPU (test processes included).
 */
export const createClient = ((...args: Parameters<typeof Redis.createClient>) => (createRequire(import.meta.url)('redis') as typeof Redis).createClient(...args)) as typeof Redis.createClient;
