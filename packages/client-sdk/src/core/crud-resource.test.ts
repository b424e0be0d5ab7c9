import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { listOf, problem, startFakeApi, type FakeApi, type Script } from '../testing/fake-api.js';
import { WorkflowRecordResource } from './crud-resource.js';
import { CrmConflictError, CrmNotFoundError, CrmPreconditionFailedError } from './errors.js';
import type { ListParams } from './pagination.js';
import { Transport } from './transport.js';

interface Contact {
  id: string;
  name: string;
  status: 'new' | 'hot';
  version: number;
}

// A record resource with hand-written types, as src/resources/*.ts declare them from the generated ones.
class Contacts extends WorkflowRecordResource<Contact, { name: string }, { name?: string }, ListParams & { status?: Contact['status'] }, { status?: string }, Contact['status']> {
  protected readonly resource = 'contacts';
}

const ada: Contact = { id: '64b000000000000000000001', name: 'Ada', status: 'new', version: 1 };

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function makeContacts(script: Script): Promise<{ api: FakeApi; contacts: Contacts }> {
  api = await startFakeApi(script);
  return { api, contacts: new Contacts(new Transport({ baseUrl: api.baseUrl, retries: { initialDelayMs: 1, maxDelayMs: 1 } })) };
}

describe('WorkflowRecordResource', () => {
  it('should export as an XLSX Blob with the filters and format=xlsx', async () => {
    const { api, contacts } = await makeContacts(() => ({ headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }, text: 'PK-bytes' }));
    const blob = await contacts.exportXlsx({ status: 'hot' });
    assert.equal(api.requests[0]?.path, '/v1/contacts/export');
    assert.deepEqual(Object.fromEntries(api.requests[0]!.query), { status: 'hot', format: 'xlsx' });
    assert.equal(blob.type, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.equal(await blob.text(), 'PK-bytes');
  });

  it('should list with filters through GET /v1/<resource>', async () => {
    const { api, contacts } = await makeContacts(() => listOf([ada], null));
    const page = await contacts.list({ status: 'hot', limit: 10 });
    assert.deepEqual(page.data, [ada]);
    assert.equal(api.requests[0]?.method, 'GET');
    assert.equal(api.requests[0]?.path, '/v1/contacts');
    assert.equal(api.requests[0]?.query.toString(), 'status=hot&limit=10');
  });

  it('should get one record by its encoded id', async () => {
    const { api, contacts } = await makeContacts(() => ({ body: ada }));
    assert.deepEqual(await contacts.get('a/b'), ada);
    assert.equal(api.requests[0]?.path, '/v1/contacts/a%2Fb');
  });

  it('should create with a generated Idempotency-Key', async () => {
    const { api, contacts } = await makeContacts(() => ({ status: 201, body: ada }));
    await contacts.create({ name: 'Ada' });
    assert.equal(api.requests[0]?.method, 'POST');
    assert.deepEqual(api.requests[0]?.body, { name: 'Ada' });
    assert.ok(api.requests[0]?.headers['idempotency-key']);
  });

  it('should update with If-Match (the strong ETag) and surface the current record on a 412, without retrying', async () => {
    const current = { ...ada, name: 'Ada L.', version: 3 };
    const { api, contacts } = await makeContacts(() => problem('precondition_failed', 412, { current }));
    const error = await contacts.update(ada.id, { name: 'Ada B.' }, { ifMatch: 1 }).catch((e: unknown) => e);
    assert.ok(error instanceof CrmPreconditionFailedError);
    assert.ok(error instanceof CrmConflictError, 'a failed precondition is a kind of conflict');
    assert.equal(error.status, 412);
    assert.deepEqual(error.current, current);
    assert.equal(api.requests[0]?.method, 'PATCH');
    assert.equal(api.requests[0]?.headers['if-match'], '"1"');
    assert.equal(api.requests.length, 1);
  });

  it('should remove with DELETE and resolve on 204', async () => {
    const { api, contacts } = await makeContacts(() => ({ status: 204 }));
    assert.equal(await contacts.remove(ada.id), undefined);
    assert.equal(api.requests[0]?.method, 'DELETE');
    assert.equal(api.requests[0]?.path, `/v1/contacts/${ada.id}`);
  });

  it('should transition through POST .../transitions and expose allowed targets when refused', async () => {
    const { api, contacts } = await makeContacts(() => problem('invalid_transition', 409, { allowed: ['hot'] }));
    const error = await contacts.transition(ada.id, { to: 'new' }).catch((e: unknown) => e);
    assert.ok(error instanceof CrmConflictError);
    assert.deepEqual(error.allowed, ['hot']);
    assert.equal(api.requests[0]?.path, `/v1/contacts/${ada.id}/transitions`);
    assert.deepEqual(api.requests[0]?.body, { to: 'new' });
  });

  it('should throw CrmNotFoundError for a record the caller may not see', async () => {
    const { contacts } = await makeContacts(() => problem('not_found', 404));
    await assert.rejects(contacts.get(ada.id), CrmNotFoundError);
  });
});
