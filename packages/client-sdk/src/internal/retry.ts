/** How a client retries calls that are safe to repeat. All delays are in milliseconds. */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 turns retrying off. Default 2. */
  maxRetries: number;
  /** The backoff ceiling of the first retry; it doubles each retry (full jitter picks 0..ceiling). Default 500. */
  initialDelayMs: number;
  /** The largest backoff ceiling. Default 8000. */
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited out: the error is thrown at once. Default 60000. */
  maxRetryAfterMs: number;
}

/** The policy used when the client options say nothing. */
export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 2,
  initialDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/** Exponential backoff with full jitter: a random delay between 0 and the capped exponential ceiling. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/** Reads `Retry-After` (delta seconds or an HTTP date) as milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
