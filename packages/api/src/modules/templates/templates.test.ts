import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { templateModel } from './template.model.js';

describe('templates: conditional updates', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
  });
  after(() => rt.close());

  const create = async (name: string) => {
    const res = await rt.request().post('/v1/templates').set(auth(agency.adminToken)).send({ name, category: 'greeting', subject: 'Hi {{recipient.firstName}}', html: '<p>Hi</p>', text: 'Hi' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; version: number };
  };

  it('should save an update sent with the current version and bump the version', async () => {
    const template = await create('Welcome');
    const res = await rt.request().patch(`/v1/templates/${template.id}`).set(auth(agency.adminToken)).set('If-Match', String(template.version)).send({ subject: 'Welcome, {{recipient.firstName}}' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.version, template.version + 1);
    const stored = await templateModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(template.id) }).lean();
    assert.equal(stored!.subject, 'Welcome, {{recipient.firstName}}');
  });

  it('should return 412 with the current template when If-Match names a version someone else replaced, and change nothing', async () => {
    const template = await create('Reminder');
    const first = await rt.request().patch(`/v1/templates/${template.id}`).set(auth(agency.adminToken)).set('If-Match', String(template.version)).send({ text: 'Theirs' });
    assert.equal(first.status, 200);
    const stale = await rt.request().patch(`/v1/templates/${template.id}`).set(auth(agency.adminToken)).set('If-Match', String(template.version)).send({ text: 'Mine' });
    assert.equal(stale.status, 412, JSON.stringify(stale.body));
    assert.equal(stale.body.code, 'precondition_failed');
    assert.equal(stale.body.current.text, 'Theirs');
    assert.equal(stale.body.current.version, template.version + 1);
    const stored = await templateModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(template.id) }).lean();
    assert.equal(stored!.text, 'Theirs');
    assert.equal(stored!.version, template.version + 1);
  });

  it('should still update without If-Match (unconditional, as before)', async () => {
    const template = await create('Plain');
    const res = await rt.request().patch(`/v1/templates/${template.id}`).set(auth(agency.adminToken)).send({ name: 'Plain text' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.name, 'Plain text');
  });
});
