import type { Request, Response } from 'express';
import type { RequestHandler } from 'express';
import type { ZodType } from 'zod';
import type { z } from './zod.js';

/**
 * Who may call a route: anyone, any signed-in principal, a permission on a resource (see platform/access),
 * or a signed-in customer of the self-service portal (`customer`: a customer token only, see
 * platform/auth/customer-guard.ts; agents' tokens and keys are refused there, and customers' everywhere else).
 */
export type RouteAccess = { kind: 'public' } | { kind: 'authenticated' } | { kind: 'permission'; resource: string; action: string } | { kind: 'customer' };

export const access = {
  public: { kind: 'public' } as RouteAccess,
  authenticated: { kind: 'authenticated' } as RouteAccess,
  permission: (resource: string, action: string): RouteAccess => ({ kind: 'permission', resource, action }),
  customer: { kind: 'customer' } as RouteAccess,
};

type Infer<T> = T extends ZodType ? z.output<T> : undefined;

/** What a handler gets: the validated inputs, plus the raw request for what only HTTP knows. */
export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  req: Request;
  res: Response;
}

/** A response other than the route's declared success (e.g. a 200 replay of an idempotent create). */
export class Reply {
  constructor(
    readonly status: number,
    readonly body?: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** A JSON body already serialized, sent as is. */
export class JsonText {
  constructor(readonly text: string) {}
}

const serializedOnce = new WeakMap<object, JsonText>();

/**
 * The JSON of a value that is answered many times over (a cached board): serialized once per value,
 * not once per request (JSON.stringify of a 200-card board was the largest CPU cost of a cached answer).
 */
export function jsonOnce(value: object): JsonText {
  let text = serializedOnce.get(value);
  if (!text) {
    text = new JsonText(JSON.stringify(value));
    serializedOnce.set(value, text);
  }
  return text;
}

/**
 * One route, declared once: the HTTP binding, its validation, its access rule and its OpenAPI entry all
 * come from this object, so the document can never disagree with what the server does.
 */
export interface RouteSpec<
  PS extends ZodType | undefined = ZodType | undefined,
  QS extends ZodType | undefined = ZodType | undefined,
  BS extends ZodType | undefined = ZodType | undefined,
> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI-style path below /v1, e.g. `/contacts/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  access: RouteAccess;
  /**
   * The route acts for a person (their profile, password, sessions, mailbox, keys they mint): a secret
   * key, which acts for a host product rather than for the user who made it, answers 403.
   */
  usersOnly?: boolean;
  params?: PS;
  query?: QS;
  body?: BS;
  /**
   * The success status and body schema (no schema for 204); `mediaType` names a non-JSON body (a CSV,
   * an HTML page, an image), documented as a string; with a schema too, the route answers either
   * (JSON for API clients, the other for browsers).
   */
  success: { status: number; description: string; schema?: ZodType; mediaType?: string; /** Other media types the same answer may take (an export's .xlsx beside its CSV). */ alsoMediaTypes?: string[] };
  /**
   * How the route honours `If-Match: "<version>"` (the record's `version`, as its `ETag` carries it):
   * `optional` makes the write conditional when sent; `required` answers 428 `precondition_required`
   * without it. A stale version answers 412 `precondition_failed` with the current record (the router
   * turns the service's `version_conflict` into it, since the version came from the precondition); a
   * stale `version` in a body stays 409 `version_conflict`.
   */
  ifMatch?: 'optional' | 'required';
  /** Error statuses this route can answer besides the common ones. */
  errors?: number[];
  /** Extra middleware run before validation (rate limits, raw-body parsers). */
  before?: RequestHandler[];
  /**
   * How the route honours `Idempotency-Key` (see idempotency.ts). Left out, every authenticated POST
   * that creates (success 201) replays its first answer; `'once'` still creates at most once but never
   * stores or replays the answer (for answers that hold a secret shown once); `false` ignores the header.
   */
  idempotency?: IdempotencyMode | false;
  handler: (ctx: RouteContext<Infer<PS>, Infer<QS>, Infer<BS>>) => Promise<unknown>;
}

/** `replay`: a retry gets the stored first answer; `once`: a retry is refused with 409 naming what was created. */
export type IdempotencyMode = 'replay' | 'once';

/** The idempotency a route gets: what it declares, else `replay` for an authenticated create (POST answering 201). */
export function idempotencyOf(spec: Pick<RouteSpec, 'method' | 'access' | 'success' | 'idempotency'>): IdempotencyMode | false {
  if (spec.idempotency !== undefined) return spec.idempotency;
  return spec.method === 'post' && spec.success.status === 201 && spec.access.kind !== 'public' ? 'replay' : false;
}

/** Declares a route with its types inferred from its schemas. */
export function defineRoute<
  PS extends ZodType | undefined = undefined,
  QS extends ZodType | undefined = undefined,
  BS extends ZodType | undefined = undefined,
>(spec: RouteSpec<PS, QS, BS>): RouteSpec {
  return spec as unknown as RouteSpec;
}

const publishableKeyGuards = new WeakSet<RequestHandler>();

/** Marks a `before` middleware as the publishable-key guard, so the document gives its routes that security scheme. */
export function markPublishableKeyGuard<H extends RequestHandler>(guard: H): H {
  publishableKeyGuards.add(guard);
  return guard;
}

/** True when the route runs the publishable-key guard (a widget route that answers 401 without `pk_...`). */
export function requiresPublishableKey(spec: Pick<RouteSpec, 'before'>): boolean {
  return (spec.before ?? []).some((handler) => publishableKeyGuards.has(handler));
}

/** True when the success body is a single versioned record, answered with a strong `ETag: "<version>"`. */
export function carriesVersion(spec: Pick<RouteSpec, 'success'>): boolean {
  const shape = (spec.success.schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return Boolean(shape && 'version' in shape);
}
