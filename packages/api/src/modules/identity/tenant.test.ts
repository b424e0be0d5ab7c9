import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { tenantModel } from './tenant.model.js';

describe('tenant settings', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt, 'Settings Agency');
  });
  after(() => rt.close());

  it('should read and update name, type, address, time zone, locale, currency and retention', async () => {
    const auth = { Authorization: `Bearer ${agency.adminToken}` };
    const res = await rt
      .request()
      .patch('/v1/tenant')
      .set(auth)
      .send({ name: 'Renamed Agency', type: 'Events', address: { city: 'Porto', country: 'Portugal' }, timeZone: 'Europe/Lisbon', locale: 'pt-PT', currency: 'EUR', auditRetentionMonths: 36 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.settings.currency, 'EUR');
    const stored = await tenantModel(rt.ctx.connection).findById(agency.tenantId).lean();
    assert.equal(stored!.name, 'Renamed Agency');
    assert.equal(stored!.settings!.auditRetentionMonths, 36);
    assert.equal(stored!.address!.city, 'Porto');
    const got = await rt.request().get('/v1/tenant').set(auth);
    assert.equal(got.body.settings.timeZone, 'Europe/Lisbon');
    const audit = await rt.request().get('/v1/audit?type=tenant.updated').set(auth);
    assert.ok(audit.body.data[0].changes.some((c: { field: string; from: unknown; to: unknown }) => c.field === 'auditRetentionMonths' && c.from === 24 && c.to === 36));
  });

  it('should refuse bad values and non-admins', async () => {
    const bad = await rt.request().patch('/v1/tenant').set('Authorization', `Bearer ${agency.adminToken}`).send({ currency: 'euro', auditRetentionMonths: 0 });
    assert.equal(bad.status, 400);
    const sysadmin = await makeUser(rt, agency, { role: 'SYSADMIN' });
    const denied = await rt.request().patch('/v1/tenant').set('Authorization', `Bearer ${await signIn(rt, sysadmin.email)}`).send({ name: 'Hijacked' });
    assert.equal(denied.status, 403);
    assert.notEqual((await tenantModel(rt.ctx.connection).findById(new Types.ObjectId(agency.tenantId)).lean())!.name, 'Hijacked');
  });
});
