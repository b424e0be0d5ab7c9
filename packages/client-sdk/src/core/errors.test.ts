import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CrmApiError,
  CrmAuthenticationError,
  CrmConflictError,
  CrmError,
  CrmNotFoundError,
  CrmPermissionError,
  CrmPreconditionFailedError,
  CrmRateLimitError,
  CrmValidationError,
  createApiError,
  type ProblemCode,
} from './errors.js';

// Every code of docs/http-contract.md with its status and the class a caller branches on.
const contract: [ProblemCode, number, typeof CrmApiError][] = [
  ['validation_failed', 400, CrmValidationError],
  ['bad_json', 400, CrmValidationError],
  ['unauthenticated', 401, CrmAuthenticationError],
  ['forbidden', 403, CrmPermissionError],
  ['not_found', 404, CrmNotFoundError],
  ['method_not_allowed', 405, CrmApiError],
  ['conflict', 409, CrmConflictError],
  ['version_conflict', 409, CrmConflictError],
  ['invalid_transition', 409, CrmConflictError],
  ['precondition_failed', 412, CrmPreconditionFailedError],
  ['payload_too_large', 413, CrmApiError],
  ['unsupported_media_type', 415, CrmApiError],
  ['rate_limited', 429, CrmRateLimitError],
  ['internal', 500, CrmApiError],
  ['unavailable', 503, CrmApiError],
];

describe('createApiError', () => {
  for (const [code, status, ErrorClass] of contract) {
    it(`should build ${ErrorClass.name} for ${code} (${status})`, () => {
      const error = createApiError({ status, problem: { code, status, title: 'Title', detail: 'What happened' }, requestId: 'r1' });
      assert.equal(error.constructor, ErrorClass);
      assert.ok(error instanceof CrmApiError && error instanceof CrmError && error instanceof Error);
      assert.equal(error.name, ErrorClass.name);
      assert.equal(error.code, code);
      assert.equal(error.status, status);
      assert.equal(error.title, 'Title');
      assert.equal(error.detail, 'What happened');
      assert.equal(error.requestId, 'r1');
      assert.equal(error.message, `${status} ${code}: What happened`);
    });
  }

  it('should map by status when the body has no known code', () => {
    assert.ok(createApiError({ status: 412, problem: { title: 'Precondition Failed' } }) instanceof CrmPreconditionFailedError);
    assert.ok(createApiError({ status: 404, problem: { title: 'Not Found' } }) instanceof CrmNotFoundError);
    assert.ok(createApiError({ status: 422, problem: {} }) instanceof CrmValidationError);
    const gateway = createApiError({ status: 502, problem: { title: 'Bad Gateway' } });
    assert.equal(gateway.constructor, CrmApiError);
    assert.equal(gateway.code, 'unknown');
  });

  it('should carry the current record of a version_conflict', () => {
    const current = { id: 'c1', version: 4, name: 'Ada' };
    const error = createApiError({ status: 409, problem: { code: 'version_conflict', current } });
    assert.ok(error instanceof CrmConflictError);
    assert.deepEqual(error.current, current);
    assert.equal(error.allowed, undefined);
  });

  it('should carry the allowed targets of an invalid_transition', () => {
    const error = createApiError({ status: 409, problem: { code: 'invalid_transition', allowed: ['qualified', 'lost'] } });
    assert.ok(error instanceof CrmConflictError);
    assert.deepEqual(error.allowed, ['qualified', 'lost']);
  });

  it('should read retryAfter from the body, else from the Retry-After header', () => {
    const fromBody = createApiError({ status: 429, problem: { code: 'rate_limited', retryAfter: 7 } });
    const fromHeader = createApiError({ status: 429, problem: { code: 'rate_limited' }, headers: new Headers({ 'Retry-After': '3' }) });
    assert.ok(fromBody instanceof CrmRateLimitError && fromHeader instanceof CrmRateLimitError);
    assert.equal(fromBody.retryAfter, 7);
    assert.equal(fromHeader.retryAfter, 3);
  });

  it('should keep the field errors and the raw problem', () => {
    const problem = { code: 'validation_failed', errors: [{ field: 'email', code: 'required', message: 'is required' }], extra: 1 };
    const error = createApiError({ status: 400, problem });
    assert.deepEqual(error.errors, problem.errors);
    assert.equal(error.problem, problem);
  });
});
