/** The closed set of problem codes the API answers with; docs/http-contract.md lists them for clients. */
export const problemCodes = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  bad_json: { status: 400, title: 'The request body is not valid JSON' },
  unauthenticated: { status: 401, title: 'Authentication is required' },
  forbidden: { status: 403, title: 'This action is not allowed' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'The request conflicts with the current state' },
  version_conflict: { status: 409, title: 'The record was changed by someone else' },
  invalid_transition: { status: 409, title: 'This status change is not allowed' },
  precondition_failed: { status: 412, title: 'The record is no longer at the version in If-Match' },
  precondition_required: { status: 428, title: 'This write needs If-Match' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported content type' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Something went wrong on our side' },
  unavailable: { status: 503, title: 'The service is not ready' },
} as const;

export type ProblemCode = keyof typeof problemCodes;

/** One failing field of a request. `field` is a dotted path into the body, query or params. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** The JSON body of every error response (RFC 9457 problem details plus our stable `code`). */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail?: string;
  errors?: FieldError[];
  requestId?: string;
  instance?: string;
  [extension: string]: unknown;
}

/** The one error type services throw; the HTTP layer turns it into problem details. */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: ProblemCode;
  readonly status: number;
  readonly errors: FieldError[] | undefined;
  /** Extra members for the problem body (e.g. `current` for version conflicts, `allowed` for transitions). */
  readonly extensions: Record<string, unknown>;
  /** Extra response headers (e.g. Retry-After). */
  readonly headers: Record<string, string>;

  constructor(
    code: ProblemCode,
    detail?: string,
    options: { errors?: FieldError[]; extensions?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(detail ?? problemCodes[code].title, { cause: options.cause });
    this.code = code;
    this.status = problemCodes[code].status;
    this.errors = options.errors;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }

  /** A 400 for a single field, the most common validation failure a service raises itself. */
  static invalidField(field: string, message: string, code = 'invalid'): AppError {
    return new AppError('validation_failed', `${field} ${message}`, { errors: [{ field, code, message }] });
  }

  static notFound(what: string): AppError {
    return new AppError('not_found', `${what} was not found`);
  }
}

/** Builds the problem body for an AppError; never includes a stack or an internal message. */
export function toProblem(error: AppError, requestId?: string, instance?: string): ProblemDetails {
  return {
    ...error.extensions,
    type: `urn:crm:problem:${error.code}`,
    title: problemCodes[error.code].title,
    status: error.status,
    code: error.code,
    detail: error.message,
    ...(error.errors ? { errors: error.errors } : {}),
    ...(requestId ? { requestId } : {}),
    ...(instance ? { instance } : {}),
  };
}

/** True when a MongoDB driver error is a unique-index violation. */
export function isDuplicateKeyError(error: unknown): error is { code: number; keyPattern?: Record<string, unknown> } {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/** The indexes an unordered bulk insert refused as duplicate keys, or null when anything else failed (or nothing did). */
export function duplicateKeyIndexes(error: unknown): number[] | null {
  const e = error as { writeErrors?: { code?: number; index: number } | Array<{ code?: number; index: number }> };
  const list = e.writeErrors === undefined ? [] : Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
  return list.length && list.every((w) => w.code === 11000) ? list.map((w) => w.index) : null;
}
