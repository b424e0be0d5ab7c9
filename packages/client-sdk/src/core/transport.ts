import {
  CrmAbortError,
  CrmApiError,
  CrmAuthenticationError,
  CrmConnectionError,
  CrmError,
  CrmTimeoutError,
  createApiError,
  type ProblemDetails,
} from './errors.js';
import type { RequestOptions } from './request-options.js';
import { AttemptController, raceAbort, sleep } from '../internal/abort.js';
import { toSearchParams } from '../internal/query.js';
import { backoffDelay, defaultRetryPolicy, parseRetryAfter, type RetryPolicy } from '../internal/retry.js';
import { randomUUID } from '../internal/uuid.js';

// Declared beside the backoff that reads it (internal/ imports nothing of core/, so no cycle); public from here.
export type { RetryPolicy } from '../internal/retry.js';

/** Where the transport gets the bearer token for each attempt. */
export interface TokenSource {
  /** The token to send now; may log in or refresh first. Undefined sends no `Authorization` header. */
  token(signal?: AbortSignal): Promise<string | undefined>;
  /**
   * Called when the API answered 401 `unauthenticated` to `failedToken`. Resolves true when a different
   * token is now available and the request may be replayed once.
   */
  renew?(failedToken: string | undefined, signal?: AbortSignal): Promise<boolean>;
}

/** The part of `fetch` the SDK uses; pass your own to add logging, a proxy agent or a test double. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Settings shared by every call of one client. */
export interface TransportOptions {
  /** Where the API lives, e.g. `https://crm.example.com` (no `/v1`); `''` means the page's own origin. */
  baseUrl: string;
  /** The `fetch` to use; defaults to the global one. */
  fetch?: FetchLike | undefined;
  /** The deadline of each attempt in milliseconds. Default 30000. */
  timeoutMs?: number | undefined;
  /** Retries, as a number of retries or a partial policy. Default: 2 retries, 500 ms growing to 8 s. */
  retries?: number | Partial<RetryPolicy> | undefined;
  /** Supplies the bearer token. */
  tokenSource?: TokenSource | undefined;
}

/** One request as resources describe it. */
export interface ApiRequest {
  /** The HTTP method. */
  method: HttpMethod;
  /** A path built with the `path` tag, e.g. `/v1/contacts/abc`. */
  path: string;
  /** Scalar query parameters. */
  query?: object | undefined;
  /** A JSON body; or, with `contentType`, raw bytes or text sent as they are. */
  body?: unknown;
  /** Sends `body` as is with this `Content-Type` instead of as JSON (file uploads). */
  contentType?: string | undefined;
  /** How to read a successful answer: parsed JSON or text (default), or the raw bytes as a `Blob`. */
  responseType?: 'json' | 'blob' | undefined;
  /** Headers this kind of request always sends (e.g. `If-Match`). */
  headers?: Record<string, string> | undefined;
  /** False for the session's own login and refresh calls: no token, no renewal on 401. */
  authenticate?: boolean | undefined;
  /** Generate an `Idempotency-Key` when the caller gave none, so the call can be retried safely. */
  autoIdempotencyKey?: boolean | undefined;
}

/** A successful answer: the parsed body and what the response said about itself. */
export interface ApiResponse<T> {
  /** The parsed body: JSON, text, or a `Blob` for `responseType: 'blob'`. */
  data: T;
  /** The HTTP status. */
  status: number;
  /** The response headers. */
  headers: Headers;
  /** The `X-Request-Id` the API answered with. */
  requestId: string | undefined;
}

// Methods the API treats as idempotent; any other method is retried only when it carries an Idempotency-Key.
const safeToRepeat = new Set<HttpMethod>(['GET', 'PUT', 'DELETE']);

type AttemptOutcome<T> = { ok: true; response: ApiResponse<T> } | { ok: false; error: CrmError };

/** Sends requests: JSON in and out, bearer auth, timeouts, cancellation and retries. */
export class Transport {
  readonly baseUrl: string;
  readonly retryPolicy: RetryPolicy;
  readonly timeoutMs: number;
  readonly tokenSource: TokenSource | undefined;
  readonly #fetch: FetchLike;

  constructor(options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const retries = typeof options.retries === 'number' ? { maxRetries: options.retries } : options.retries;
    this.retryPolicy = { ...defaultRetryPolicy, ...retries };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.tokenSource = options.tokenSource;
    // Calling the global fetch through another object throws "Illegal invocation" in browsers.
    this.#fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  }

  /** Sends `request`, retrying when that is safe, and resolves with the parsed answer or rejects with a `CrmError`. */
  async request<T>(request: ApiRequest, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const url = this.#url(request.path, request.query);
    const headers: Record<string, string> = { Accept: 'application/json', ...request.headers, ...options.headers };
    const raw = request.contentType !== undefined;
    const body = request.body === undefined ? undefined : raw ? (request.body as BodyInit) : JSON.stringify(request.body);
    if (body !== undefined) headers['Content-Type'] = request.contentType ?? 'application/json';
    // One key for every attempt: that is what lets the API answer a retried create with the first result.
    const idempotencyKey = options.idempotencyKey ?? (request.autoIdempotencyKey ? randomUUID() : undefined);
    if (idempotencyKey !== undefined) headers['Idempotency-Key'] = idempotencyKey;

    const repeatable = safeToRepeat.has(request.method) || idempotencyKey !== undefined;
    const maxRetries = repeatable ? (options.maxRetries ?? this.retryPolicy.maxRetries) : 0;
    const tokens = request.authenticate === false ? undefined : this.tokenSource;
    let renewed = false;

    for (let retry = 0; ; ) {
      const token = await this.#guard(options.signal, () => tokens?.token(options.signal) ?? Promise.resolve(undefined));
      const outcome = await this.#attempt<T>(request.method, url, headers, body, token, options, request.responseType);
      if (outcome.ok) return outcome.response;
      const { error } = outcome;

      if (error instanceof CrmAuthenticationError && error.code === 'unauthenticated' && tokens?.renew && !renewed) {
        renewed = true;
        const renew = tokens.renew.bind(tokens);
        if (await this.#guard(options.signal, () => renew(token, options.signal))) continue;
      }

      const delay = retry < maxRetries ? this.#retryDelay(error, retry, idempotencyKey !== undefined) : undefined;
      if (delay === undefined) throw error;
      await this.#guard(options.signal, () => sleep(delay, options.signal));
      retry += 1;
    }
  }

  /** GETs `path` and resolves with the body. */
  async get<T>(path: string, query?: object, options?: RequestOptions): Promise<T> {
    return (await this.request<T>({ method: 'GET', path, query }, options)).data;
  }

  /** POSTs `body` to `path` and resolves with the answer's body. */
  async post<T>(path: string, body?: unknown, options?: RequestOptions, autoIdempotencyKey = false): Promise<T> {
    return (await this.request<T>({ method: 'POST', path, body, autoIdempotencyKey }, options)).data;
  }

  /** PATCHes `path` with `body`; extra headers such as `If-Match` go in `headers`. */
  async patch<T>(path: string, body: unknown, options?: RequestOptions, headers?: Record<string, string>): Promise<T> {
    return (await this.request<T>({ method: 'PATCH', path, body, headers }, options)).data;
  }

  /** DELETEs `path`. */
  async delete(path: string, options?: RequestOptions): Promise<void> {
    await this.request<unknown>({ method: 'DELETE', path }, options);
  }

  #url(path: string, query: object | undefined): string {
    if (!path.startsWith('/')) throw new CrmError(`A request path must start with "/", got ${JSON.stringify(path)}.`);
    const search = toSearchParams(query).toString();
    return `${this.baseUrl}${path}${search ? `?${search}` : ''}`;
  }

  // Runs `work`, turning a cancellation by the caller's signal into CrmAbortError.
  async #guard<R>(signal: AbortSignal | undefined, work: () => Promise<R>): Promise<R> {
    try {
      return await raceAbort(work(), signal);
    } catch (error) {
      if (signal?.aborted && !(error instanceof CrmError)) throw new CrmAbortError({ cause: error });
      throw error;
    }
  }

  async #attempt<T>(
    method: HttpMethod,
    url: string,
    headers: Record<string, string>,
    body: BodyInit | undefined,
    token: string | undefined,
    options: RequestOptions,
    responseType: ApiRequest['responseType'],
  ): Promise<AttemptOutcome<T>> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const attempt = new AttemptController(options.signal, timeoutMs);
    const cancelled = (cause: unknown): CrmError | undefined => {
      if (attempt.cancelledBy === 'caller') return new CrmAbortError({ cause });
      if (attempt.cancelledBy === 'timeout') return new CrmTimeoutError(timeoutMs, { cause });
      return undefined;
    };
    try {
      if (attempt.cancelledBy === 'caller') return { ok: false, error: new CrmAbortError() };
      let response: Response;
      try {
        const sent = token === undefined ? headers : { ...headers, Authorization: `Bearer ${token}` };
        response = await this.#fetch(url, { method, headers: sent, body, signal: attempt.signal });
      } catch (cause) {
        return { ok: false, error: cancelled(cause) ?? new CrmConnectionError(undefined, { cause }) };
      }
      const requestId = response.headers.get('x-request-id') ?? undefined;
      if (response.ok && responseType === 'blob') {
        try {
          return { ok: true, response: { data: (await response.blob()) as T, status: response.status, headers: response.headers, requestId } };
        } catch (cause) {
          return { ok: false, error: cancelled(cause) ?? new CrmConnectionError('The connection dropped while reading the answer.', { cause }) };
        }
      }
      let text: string;
      try {
        text = await response.text();
      } catch (cause) {
        return { ok: false, error: cancelled(cause) ?? new CrmConnectionError('The connection dropped while reading the answer.', { cause }) };
      }
      const parsed = parseBody(text, response.headers.get('content-type'));
      if (!response.ok) {
        const problem = isProblem(parsed) ? parsed : { status: response.status, title: response.statusText || `HTTP ${response.status}` };
        return { ok: false, error: createApiError({ status: response.status, problem, headers: response.headers, requestId }) };
      }
      return { ok: true, response: { data: parsed as T, status: response.status, headers: response.headers, requestId } };
    } finally {
      attempt.dispose();
    }
  }

  // How long to wait before retrying after `error`, or undefined when it must not be retried.
  #retryDelay(error: CrmError, retry: number, hasIdempotencyKey: boolean): number | undefined {
    if (error instanceof CrmAbortError) return undefined;
    if (error instanceof CrmConnectionError) return backoffDelay(retry, this.retryPolicy);
    if (!(error instanceof CrmApiError)) return undefined;
    const { status } = error;
    // The API answers 409 `conflict` with Retry-After while the first request with the same
    // Idempotency-Key is still running (say, the one whose answer the network lost): wait, then replay.
    const keyInUse = hasIdempotencyKey && status === 409 && error.code === 'conflict' && error.headers.has('retry-after');
    if (status !== 408 && status !== 429 && status < 500 && !keyInUse) return undefined;
    const retryAfter = parseRetryAfter(error.headers.get('retry-after'));
    if (retryAfter === undefined) return backoffDelay(retry, this.retryPolicy);
    return retryAfter <= this.retryPolicy.maxRetryAfterMs ? retryAfter : undefined;
  }
}

function parseBody(text: string, contentType: string | null): unknown {
  if (text === '') return undefined;
  if (!contentType || !/[/+]json\b/i.test(contentType)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isProblem(body: unknown): body is ProblemDetails {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}
