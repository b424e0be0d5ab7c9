import type { TokenSource } from '../core/transport.js';

/** A token that never changes: a secret or publishable key. */
export function staticToken(key: string): TokenSource {
  const token = Promise.resolve(key);
  return { token: () => token };
}
