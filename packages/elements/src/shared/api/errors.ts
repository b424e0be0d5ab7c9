// Reads an SDK error by its documented members (status, code, errors, current, allowed) rather than
// by class, so the elements work with any copy of the SDK on the page (instanceof fails across copies).

import type { FieldError } from '@crm/client-sdk';

/** One failing field of a request, as the API lists it in `errors[]` (the SDK's `FieldError`). */
export type CrmFieldProblem = FieldError;

/** What the elements need to know about a failed call. */
export interface CrmProblem {
  /** HTTP status, 0 when the API was not reached. */
  status: number;
  /** The API's problem code (`validation_failed`, `version_conflict`...), `network` when not reached. */
  code: string;
  /** A sentence for people, from the API when it gave one. */
  detail: string;
  /** Per-field errors of a `validation_failed`. */
  fieldErrors: CrmFieldProblem[];
  /** The record as it is now, for `version_conflict`. */
  current: unknown;
  /** Allowed targets, for `invalid_transition`. */
  allowed: string[] | undefined;
  /** The request id to quote. */
  requestId: string | undefined;
}

/** Turns whatever a call threw into a `CrmProblem`. */
export function readProblem(error: unknown): CrmProblem {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const status = typeof e.status === 'number' ? e.status : 0;
  const code = typeof e.code === 'string' ? e.code : status === 0 ? 'network' : 'unknown';
  const detail = typeof e.detail === 'string' ? e.detail : typeof e.title === 'string' ? e.title : error instanceof Error ? error.message : String(error);
  const fieldErrors = Array.isArray(e.errors)
    ? (e.errors as unknown[]).filter((item): item is CrmFieldProblem => typeof (item as CrmFieldProblem)?.field === 'string')
    : [];
  const allowed = Array.isArray(e.allowed) ? (e.allowed as unknown[]).map(String) : undefined;
  return { status, code, detail, fieldErrors, current: e.current, allowed, requestId: typeof e.requestId === 'string' ? e.requestId : undefined };
}

/** True when the API refused a write because the record changed since it was read: 412 for a stale If-Match, 409 for a stale body `version`. */
export function isVersionConflict(problem: CrmProblem): boolean {
  return problem.code === 'version_conflict' || problem.code === 'precondition_failed' || ((problem.status === 409 || problem.status === 412) && problem.current !== undefined);
}

/** True for a route the API does not have (yet): adapters then fall back or report "not available". */
export function isMissingRoute(problem: CrmProblem): boolean {
  return problem.status === 404 || problem.status === 405 || problem.status === 501;
}
