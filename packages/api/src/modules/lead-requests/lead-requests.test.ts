import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { leadRequestItemModel } from './lead-requests.model.js';

describe('requests for leads', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let admin: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
  });
  after(async () => {
    await rt.close();
  });

  const lead = async (companyName: string, industry: string, country: string) => {
    const res = await rt.request().post('/v1/leads').set(auth(admin)).send({ kind: 'company', companyName, industry, emails: [{ value: `info@${companyName.toLowerCase().replace(/\W/g, '')}.example`, primary: true }], addresses: [{ label: 'work', city: 'Berlin', country, primary: true }] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const request = async (neededCount: number) => {
    const res = await rt.request().post('/v1/lead-requests').set(auth(admin)).send({ title: 'Publishers in Germany', criteria: { neededCount, industry: 'Publishing', country: 'DE', employeesMin: 50, employeesMax: 500, size: 'medium', region: 'DACH' } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; status: string; version: number };
  };
  const move = (id: string, to: string) => rt.request().post(`/v1/lead-requests/${id}/transition`).set(auth(admin)).send({ to });

  it('should run sourcing, vetting, approval and delivery of N leads, then start a campaign on exactly them', async () => {
    const [a, b, c, d] = [await lead('Axel Verlag', 'Publishing', 'DE'), await lead('Bertels Media', 'publishing', 'DE'), await lead('Carta Print', 'Printing', 'AT'), await lead('Dorn Books', 'Publishing', 'DE')];
    const r = await request(2);
    assert.equal(r.status, 'sourcing');
    // Vetting before any lead is proposed is refused, naming the field.
    const early = await move(r.id, 'vetting');
    assert.equal(early.status, 400);
    assert.equal(early.body.errors[0].field, 'to');

    const proposed = await rt.request().post(`/v1/lead-requests/${r.id}/candidates`).set(auth(admin)).send({ leadIds: [a, b, c, d, a] });
    assert.equal(proposed.status, 200, JSON.stringify(proposed.body));
    assert.equal(proposed.body.candidateCount, 4, 'a lead is proposed once per request');
    const items = (await rt.request().get(`/v1/lead-requests/${r.id}/leads`).set(auth(admin))).body.data as { leadId: string; matchesCriteria: boolean }[];
    assert.deepEqual(items.filter((i) => !i.matchesCriteria).map((i) => i.leadId), [c], 'industry and country are checked');

    assert.equal((await move(r.id, 'vetting')).body.status, 'vetting');
    const vetted = await rt.request().post(`/v1/lead-requests/${r.id}/vetting`).set(auth(admin)).send({ decisions: [{ leadId: a, decision: 'accept' }, { leadId: b, decision: 'accept' }, { leadId: c, decision: 'reject', note: 'printer, not publisher' }, { leadId: d, decision: 'accept' }] });
    assert.equal(vetted.body.acceptedCount, 3);
    const skip = await move(r.id, 'delivered');
    assert.equal(skip.status, 409, 'vetting -> delivered is not a move of the workflow');
    assert.deepEqual(skip.body.allowed.sort(), ['approved', 'closed', 'sourcing']);
    assert.equal((await move(r.id, 'approved')).body.status, 'approved');

    const delivered = await rt.request().post(`/v1/lead-requests/${r.id}/deliveries`).set(auth(admin));
    assert.equal(delivered.status, 200, JSON.stringify(delivered.body));
    assert.deepEqual(delivered.body.delivered, [a, b], 'the needed count, no more');
    assert.equal(delivered.body.request.deliveredCount, 2);
    assert.equal(delivered.body.request.remainingCount, 0);
    assert.equal(delivered.body.request.status, 'delivered');
    assert.equal((await rt.request().post(`/v1/lead-requests/${r.id}/deliveries`).set(auth(admin))).status, 409, 'nothing is delivered outside approval');

    const agent = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const started = await rt.request().post(`/v1/lead-requests/${r.id}/campaign`).set(auth(admin)).set('Idempotency-Key', `rfl-${r.id}`).send({ title: 'Call the German publishers', ownerId: String(agent.id) });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    assert.deepEqual(started.body.leadIds.sort(), [a, b].sort());
    assert.equal(started.body.status, 'new');
    const campaign = await rt.request().get(`/v1/campaigns/${started.body.campaignId}`).set(auth(admin));
    assert.deepEqual(campaign.body.audience.leadIds.sort(), [a, b].sort(), 'the campaign targets exactly the delivered leads');
    assert.equal(campaign.body.ownerId, String(agent.id));
    assert.equal((await rt.request().get(`/v1/campaigns/${started.body.campaignId}`).set(auth(await signIn(rt, agent.email)))).status, 200, 'the sales agent runs it');
    const twice = await rt.request().post(`/v1/lead-requests/${r.id}/campaign`).set(auth(admin)).send({ title: 'Again' });
    assert.equal(twice.status, 409);
    assert.equal(twice.body.campaignId, started.body.campaignId);

    // Extension: more leads needed, back to sourcing; the third accepted lead is delivered after approval.
    const extended = await rt.request().post(`/v1/lead-requests/${r.id}/extension`).set(auth(admin)).send({ additionalCount: 1 });
    assert.equal(extended.status, 200, JSON.stringify(extended.body));
    assert.equal(extended.body.status, 'sourcing');
    assert.equal(extended.body.criteria.neededCount, 3);
    assert.equal(extended.body.remainingCount, 1);
    await move(r.id, 'vetting');
    await move(r.id, 'approved');
    const more = await rt.request().post(`/v1/lead-requests/${r.id}/deliveries`).set(auth(admin));
    assert.deepEqual(more.body.delivered, [d]);
    assert.equal(more.body.request.deliveredCount, 3);
    // Closure and reopen.
    assert.equal((await move(r.id, 'closed')).body.status, 'closed');
    assert.equal((await move(r.id, 'sourcing')).body.status, 'sourcing');
  });

  it('should deliver each lead once when two deliveries race', async () => {
    const [a, b] = [await lead('Eins Verlag', 'Publishing', 'DE'), await lead('Zwei Verlag', 'Publishing', 'DE')];
    const r = await request(5);
    await rt.request().post(`/v1/lead-requests/${r.id}/candidates`).set(auth(admin)).send({ leadIds: [a, b] });
    await move(r.id, 'vetting');
    await rt.request().post(`/v1/lead-requests/${r.id}/vetting`).set(auth(admin)).send({ decisions: [{ leadId: a, decision: 'accept' }, { leadId: b, decision: 'accept' }] });
    await move(r.id, 'approved');
    const [one, two] = await Promise.all([rt.request().post(`/v1/lead-requests/${r.id}/deliveries`).set(auth(admin)), rt.request().post(`/v1/lead-requests/${r.id}/deliveries`).set(auth(admin))]);
    assert.deepEqual([...one.body.delivered, ...two.body.delivered].sort(), [a, b].sort());
    const got = await rt.request().get(`/v1/lead-requests/${r.id}`).set(auth(admin));
    assert.equal(got.body.deliveredCount, 2);
    assert.equal(got.body.status, 'approved', '2 of 5: still approved');
    assert.equal(await leadRequestItemModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(agency.tenantId), requestId: new Types.ObjectId(r.id), state: 'delivered' }), 2);
  });

  it('should refuse bad criteria and another agency’s leads and requests (RFC 9457)', async () => {
    const bad = await rt.request().post('/v1/lead-requests').set(auth(admin)).send({ title: 'X', criteria: { neededCount: 0, country: 'Germany' } });
    assert.equal(bad.status, 400);
    assert.match(bad.headers['content-type'] ?? '', /application\/problem\+json/);
    assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field).sort(), ['criteria.country', 'criteria.neededCount']);
    const other = await makeAgency(rt);
    const r = await request(1);
    assert.equal((await rt.request().get(`/v1/lead-requests/${r.id}`).set(auth(other.adminToken))).status, 404);
    assert.equal((await rt.request().get('/v1/lead-requests').set(auth(other.adminToken))).body.data.length, 0);
    assert.equal((await rt.request().post(`/v1/lead-requests/${r.id}/transition`).set(auth(other.adminToken)).send({ to: 'closed' })).status, 404);
    const theirs = await rt.request().post('/v1/leads').set(auth(other.adminToken)).send({ kind: 'company', companyName: 'Other Co' });
    const foreign = await rt.request().post(`/v1/lead-requests/${r.id}/candidates`).set(auth(admin)).send({ leadIds: [theirs.body.id] });
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.errors[0].field, 'leadIds.0');
  });
});
