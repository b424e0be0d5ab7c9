/** Options every SDK call accepts as its last argument. */
export interface RequestOptions {
  /** Cancels the call, including any retry waiting to happen; the call then rejects with `CrmAbortError`. */
  signal?: AbortSignal;
  /** The deadline of each attempt in milliseconds; overrides the client's `timeoutMs`. */
  timeoutMs?: number;
  /** Sent as `Idempotency-Key`; makes a POST safe to retry. Creates generate one when this is not given. */
  idempotencyKey?: string;
  /** Extra headers for this call, e.g. your own `X-Request-Id`. */
  headers?: Record<string, string>;
  /** Retries for this call; overrides the client's `retries.maxRetries`. */
  maxRetries?: number;
}

/** Options of `update` calls: `ifMatch` makes the update conditional on the record's `version`. */
export interface UpdateOptions extends RequestOptions {
  /** The `version` you last read (sent as `If-Match: "<version>"`); a stale one fails with `CrmPreconditionFailedError` (412 `precondition_failed`, carrying `current`). */
  ifMatch?: number;
}

/** The `If-Match` value for a version: the record's strong ETag (`"3"`), exactly as the API sends it. */
export function etagOf(version: number): string {
  return `"${version}"`;
}
