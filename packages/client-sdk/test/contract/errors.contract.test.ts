// Error mapping against the real API: each problem the contract names arrives as the class callers branch on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCrmClient } from '../../src/core/client.js';
import {
  CrmApiError,
  CrmAuthenticationError,
  CrmConflictError,
  CrmNotFoundError,
  CrmPermissionError,
  CrmPreconditionFailedError,
  CrmRateLimitError,
  CrmValidationError,
} from '../../src/core/errors.js';
import { startLiveApi, testPassword, useLiveApi, type LiveApi } from '../support/live-api.js';

const live = useLiveApi(import.meta.filename);

const caught = (promise: Promise<unknown>): Promise<unknown> => promise.then(
  () => assert.fail('expected the call to fail'),
  (error: unknown) => error,
);

describe('error mapping', () => {
  it('should answer an invalid body with CrmValidationError naming each failing field', async () => {
    const error = await caught(live.crm.contacts.create({ firstName: 'Bad', lastName: 'Email', emails: [{ value: 'not-an-email', label: 'work', primary: true }] }));
    assert.ok(error instanceof CrmValidationError);
    assert.equal(error.status, 400);
    assert.equal(error.code, 'validation_failed');
    assert.ok(error.errors.some((field) => field.field.startsWith('emails') && field.message.length > 0), JSON.stringify(error.errors));
    assert.match(error.requestId ?? '', /.+/);
  });

  it('should answer a missing record with CrmNotFoundError', async () => {
    const error = await caught(live.crm.contacts.get('0123456789abcdef01234567'));
    assert.ok(error instanceof CrmNotFoundError);
    assert.equal(error.status, 404);
    assert.equal(error.code, 'not_found');
  });

  it('should answer a stale If-Match with CrmPreconditionFailedError (412) carrying the current record', async () => {
    const contact = await live.crm.contacts.create({ firstName: 'Two', lastName: 'Editors' });
    const theirs = await live.crm.contacts.update(contact.id, { jobTitle: 'Theirs' }, { ifMatch: contact.version });
    const error = await caught(live.crm.contacts.update(contact.id, { jobTitle: 'Mine' }, { ifMatch: contact.version }));
    assert.ok(error instanceof CrmPreconditionFailedError);
    assert.equal(error.status, 412);
    assert.equal(error.code, 'precondition_failed');
    const current = error.current as { version: number; jobTitle: string };
    assert.equal(current.version, theirs.version);
    assert.equal(current.jobTitle, 'Theirs');
    // The way out: merge, then update with the version the error carried.
    assert.equal((await live.crm.contacts.update(contact.id, { jobTitle: 'Mine' }, { ifMatch: current.version })).jobTitle, 'Mine');
  });

  it('should answer an illegal transition with CrmConflictError listing the allowed targets', async () => {
    const lead = await live.crm.leads.create({ kind: 'individual', firstName: 'Call', lastName: 'Back' });
    const call = await live.crm.tasks.create({ kind: 'call', title: 'Call back', subject: { type: 'lead', id: lead.id } });
    // A calling task that was never scheduled cannot be rescheduled.
    const error = await caught(live.crm.tasks.transition(call.id, { to: 'rescheduled' }));
    assert.ok(error instanceof CrmConflictError, String(error));
    assert.equal(error.code, 'invalid_transition');
    assert.deepEqual([...(error.allowed ?? [])].sort(), ['aborted', 'done', 'scheduled']);

    const unknown = await caught(live.crm.tasks.transition(call.id, { to: 'not-a-status' }));
    assert.ok(unknown instanceof CrmValidationError);
  });

  it('should answer a role without the permission with CrmPermissionError', async () => {
    const member = await live.api.testing.makeUser(live.api.runtime, live.api.agency, { role: 'SUPPORT' });
    const support = createCrmClient({ baseUrl: live.api.baseUrl, fetch: live.api.fetchFrom(), auth: { type: 'session', email: member.email, password: testPassword } });
    const error = await caught(support.roles.create({ key: 'NOPE', name: 'Nope', permissions: [], visibility: [], exports: [] }));
    assert.ok(error instanceof CrmPermissionError);
    assert.equal(error.code, 'forbidden');
  });

  it('should answer bad credentials with CrmAuthenticationError', async () => {
    const wrongPassword = createCrmClient({ baseUrl: live.api.baseUrl, fetch: live.api.fetchFrom(), auth: { type: 'session', email: live.api.agency.adminEmail, password: 'not-the-password' } });
    const loginError = await caught(wrongPassword.auth.me());
    assert.ok(loginError instanceof CrmAuthenticationError);
    assert.equal(loginError.code, 'unauthenticated');

    const unknownKey = createCrmClient({ baseUrl: live.api.baseUrl, auth: { type: 'secretKey', key: 'sk_live_this-key-does-not-exist' } });
    const keyError = await caught(unknownKey.contacts.list());
    assert.ok(keyError instanceof CrmAuthenticationError);
    assert.equal(keyError.status, 401);
  });

  it('should end a session whose refresh token was revoked, telling onTokens', async () => {
    const tokens = await live.api.adminClient().session!.login();
    const endings: unknown[] = [];
    const client = createCrmClient({
      baseUrl: live.api.baseUrl,
      fetch: live.api.fetchFrom(),
      auth: { type: 'session', ...tokens, onTokens: (next) => void endings.push(next) },
    });
    const mine = (await client.auth.listSessions()).data.find((session) => session.current);
    assert.ok(mine);
    await live.crm.auth.listSessions(); // the admin's own session stays
    await live.api.adminClient().auth.me();
    await client.auth.revokeSession(mine.id);
    const error = await caught(client.auth.me());
    assert.ok(error instanceof CrmAuthenticationError);
    assert.deepEqual(endings, [null]);
  });
});

describe('rate limits', () => {
  let limited: LiveApi;
  before(async () => {
    limited = await startLiveApi({ file: `${import.meta.filename}-limited`, env: { RATE_LIMIT_MAX: '4', USER_RATE_LIMIT_MAX: '4', RATE_LIMIT_WINDOW_MS: '1000' } });
  });
  after(() => limited?.close());

  it('should answer a burst over the limit with CrmRateLimitError and its retryAfter', async () => {
    const tokens = await limited.adminClient().session!.login();
    const client = createCrmClient({ baseUrl: limited.baseUrl, retries: 0, auth: { type: 'session', ...tokens } });
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => client.auth.me()));
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    assert.ok(refused.length > 0, 'some calls were refused');
    for (const error of refused) {
      assert.ok(error instanceof CrmRateLimitError, String(error));
      assert.equal(error.code, 'rate_limited');
      assert.ok(error.retryAfter !== undefined && error.retryAfter >= 1 && error.retryAfter <= 1);
      assert.ok(error instanceof CrmApiError && error.status === 429);
    }
  });

  it('should wait out Retry-After and succeed when retries are on', async () => {
    const tokens = await limited.adminClient().session!.login();
    const client = createCrmClient({ baseUrl: limited.baseUrl, retries: { maxRetries: 5 }, auth: { type: 'session', ...tokens } });
    const answers = await Promise.all(Array.from({ length: 8 }, () => client.auth.me()));
    assert.equal(answers.length, 8);
  });
});
