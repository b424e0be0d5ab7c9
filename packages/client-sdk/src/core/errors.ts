/**
 * The error classes every SDK call may throw. Callers branch on `instanceof`, never on message text:
 *
 * - `CrmApiError` and its subclasses: the API answered with an error status and (usually) a problem body;
 * - `CrmConnectionError`: the request never got an answer (DNS, refused, reset); `CrmTimeoutError` is the
 *   kind of connection error where our own deadline ran out;
 * - `CrmAbortError`: the caller's `AbortSignal` cancelled the call;
 * - `CrmError`: the base of them all, also thrown directly for misuse caught before any request is sent.
 */

import type { components } from '../generated/openapi.js';

/**
 * The stable problem codes the API answers with (docs/http-contract.md, "Errors"): the `code` enum of the
 * OpenAPI document's Problem schema, so a code added or removed on the server changes this type.
 */
export type ProblemCode = components['schemas']['Problem']['code'];

/** One failing field of a request, as listed in a problem's `errors[]`. */
export interface FieldError {
  /** Dotted path into the body, query or params, e.g. `email` or `address.city`. */
  field: string;
  /** A machine-readable reason such as `invalid_format` or `required`. */
  code: string;
  /** A sentence a person can read. */
  message: string;
}

/** An RFC 9457 problem details body as the API sends it (`application/problem+json`). */
export interface ProblemDetails {
  /** `urn:crm:problem:<code>`. */
  type?: string;
  /** The same sentence for every occurrence of the code. */
  title?: string;
  /** The HTTP status. */
  status?: number;
  /** The stable problem code callers may branch on. */
  code?: ProblemCode | (string & {});
  /** What went wrong this time. */
  detail?: string;
  /** The failing fields of a `validation_failed`. */
  errors?: FieldError[];
  /** The request id, to quote when reporting the problem. */
  requestId?: string;
  /** The path that failed. */
  instance?: string;
  /** Extension members: `current` (version_conflict), `allowed` (invalid_transition), `retryAfter` (rate_limited). */
  [extension: string]: unknown;
}

/** The base class of every error the SDK throws. */
export class CrmError extends Error {
  override name = 'CrmError';
}

/** Everything `createApiError` needs to know about a failed response. */
export interface ApiErrorInit {
  /** The HTTP status of the response. */
  status: number;
  /** The parsed problem body; a synthetic one when the body was not a problem (a proxy's HTML page). */
  problem: ProblemDetails;
  /** The response headers. */
  headers?: Headers;
  /** The request id from the `X-Request-Id` header, when the body did not carry one. */
  requestId?: string;
}

/** The API answered with an error status. Subclasses say which kind; this class alone covers the rest. */
export class CrmApiError extends CrmError {
  override name = 'CrmApiError';
  /** The HTTP status code. */
  readonly status: number;
  /** The stable problem code, e.g. `not_found`; `unknown` when the body carried none. */
  readonly code: string;
  /** The problem title, the same for every occurrence of a code. */
  readonly title: string;
  /** What went wrong this time, when the API said. */
  readonly detail: string | undefined;
  /** The failing fields, empty when the problem is not about fields. */
  readonly errors: FieldError[];
  /** The request id to quote when reporting the problem. */
  readonly requestId: string | undefined;
  /** The problem body as received, including extension members. */
  readonly problem: ProblemDetails;
  /** The response headers. */
  readonly headers: Headers;

  constructor(init: ApiErrorInit) {
    const { status, problem } = init;
    const code = typeof problem.code === 'string' ? problem.code : 'unknown';
    const title = typeof problem.title === 'string' ? problem.title : `HTTP ${status}`;
    const detail = typeof problem.detail === 'string' ? problem.detail : undefined;
    super(`${status} ${code}: ${detail ?? title}`);
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = detail;
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    this.requestId = typeof problem.requestId === 'string' ? problem.requestId : init.requestId;
    this.problem = problem;
    this.headers = init.headers ?? new Headers();
  }
}

/** 400: the request was not valid (`validation_failed`, `bad_json`); see `errors` for the fields. */
export class CrmValidationError extends CrmApiError {
  override name = 'CrmValidationError';
}

/** 401: no credentials, or they expired or were revoked (`unauthenticated`). */
export class CrmAuthenticationError extends CrmApiError {
  override name = 'CrmAuthenticationError';
}

/** 403: the caller is known but may not do this (`forbidden`). */
export class CrmPermissionError extends CrmApiError {
  override name = 'CrmPermissionError';
}

/** 404: no such record, or one the caller may not see (`not_found`). */
export class CrmNotFoundError extends CrmApiError {
  override name = 'CrmNotFoundError';
}

/** 409: the request conflicts with the record's state (`conflict`, `version_conflict`, `invalid_transition`). */
export class CrmConflictError extends CrmApiError {
  override name = 'CrmConflictError';
  /** For `version_conflict`: the record as it is now, so the caller can merge and retry with its version. */
  readonly current: unknown;
  /** For `invalid_transition`: the states the record may move to from where it is. */
  readonly allowed: string[] | undefined;

  constructor(init: ApiErrorInit) {
    super(init);
    this.current = init.problem.current;
    const allowed = init.problem.allowed;
    this.allowed = Array.isArray(allowed) ? allowed.map(String) : undefined;
  }
}

/**
 * 412: `If-Match` named a version the record is no longer at (`precondition_failed`): someone saved it
 * since you read it. A kind of conflict, so `instanceof CrmConflictError` catches it too; `current` is
 * the record as it is now (merge, then retry with `ifMatch: current.version`). Never retried by the SDK.
 */
export class CrmPreconditionFailedError extends CrmConflictError {
  override name = 'CrmPreconditionFailedError';
}

/** 429: too many requests (`rate_limited`); wait `retryAfter` seconds before trying again. */
export class CrmRateLimitError extends CrmApiError {
  override name = 'CrmRateLimitError';
  /** Seconds to wait, from the problem's `retryAfter` or the `Retry-After` header; undefined when neither said. */
  readonly retryAfter: number | undefined;

  constructor(init: ApiErrorInit) {
    super(init);
    const fromBody = init.problem.retryAfter;
    const fromHeader = init.headers?.get('retry-after');
    const seconds = typeof fromBody === 'number' ? fromBody : fromHeader ? Number(fromHeader) : NaN;
    this.retryAfter = Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
  }
}

/** The request got no answer: the network failed, the host refused, or the connection dropped. */
export class CrmConnectionError extends CrmError {
  override name = 'CrmConnectionError';

  constructor(message = 'Could not reach the CRM API.', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** No answer came within `timeoutMs`; the request was cancelled. */
export class CrmTimeoutError extends CrmConnectionError {
  override name = 'CrmTimeoutError';

  constructor(timeoutMs: number, options?: { cause?: unknown }) {
    super(`The request did not complete within ${timeoutMs} ms.`, options);
  }
}

/** The caller's `AbortSignal` cancelled the request; it is never retried. */
export class CrmAbortError extends CrmError {
  override name = 'CrmAbortError';

  constructor(options?: { cause?: unknown }) {
    super('The request was aborted.', options);
  }
}

type ApiErrorClass = new (init: ApiErrorInit) => CrmApiError;

const classByCode: Partial<Record<ProblemCode, ApiErrorClass>> = {
  validation_failed: CrmValidationError,
  bad_json: CrmValidationError,
  unauthenticated: CrmAuthenticationError,
  forbidden: CrmPermissionError,
  not_found: CrmNotFoundError,
  conflict: CrmConflictError,
  version_conflict: CrmConflictError,
  invalid_transition: CrmConflictError,
  precondition_failed: CrmPreconditionFailedError,
  rate_limited: CrmRateLimitError,
};

// A body without a known code (a gateway's page, an older server) still maps by status.
const classByStatus: Partial<Record<number, ApiErrorClass>> = {
  400: CrmValidationError,
  401: CrmAuthenticationError,
  403: CrmPermissionError,
  404: CrmNotFoundError,
  409: CrmConflictError,
  412: CrmPreconditionFailedError,
  422: CrmValidationError,
  429: CrmRateLimitError,
};

/** The one factory that turns a failed response into the right `CrmApiError` subclass, by code then status. */
export function createApiError(init: ApiErrorInit): CrmApiError {
  const code = init.problem.code;
  const ErrorClass = (typeof code === 'string' ? classByCode[code as ProblemCode] : undefined) ?? classByStatus[init.status] ?? CrmApiError;
  return new ErrorClass(init);
}
