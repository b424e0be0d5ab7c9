import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { commandsDuring } from '../../testing/commands.js';
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

  const lead = async (companyName: string, industry: string, country: string, company: { employees?: number | null; companySize?: string | null; state?: string } = {}) => {
    const res = await rt.request().post('/v1/leads').set(auth(admin)).send({ kind: 'company', companyName, industry, employees: company.employees === undefined ? 120 : company.employees, companySize: company.companySize === undefined ? 'medium' : company.companySize, emails: [{ value: `info@${companyName.toLowerCase().replace(/\W/g, '')}.example`, primary: true }], addresses: [{ label: 'work', city: 'Berlin', state: company.state ?? 'Berlin', country, primary: true }] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const request = async (neededCount: number) => {
    const res = await rt.request().post('/v1/lead-requests').set(auth(admin)).send({ title: 'Publishers in Germany', criteria: { neededCount, industry: 'Publishing', country: 'DE', employeesMin: 50, employeesMax: 500, size: 'medium', region: 'Berlin' } });
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
    assert.deepEqual((items.find((i) => i.leadId === c) as unknown as { mismatches: string[] }).mismatches, ['industry', 'country']);

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

  it('should check employees, size and region: a lead outside them is neither accepted nor delivered, naming the field', async () => {
    const big = await lead('Gross Verlag', 'Publishing', 'DE', { employees: 800 });
    const large = await lead('Lang Verlag', 'Publishing', 'DE', { employees: 100, companySize: 'large' });
    const unknown = await lead('Leer Verlag', 'Publishing', 'DE', { employees: null });
    const south = await lead('Süd Verlag', 'Publishing', 'DE', { state: 'Bayern' });
    const fits = await lead('Passt Verlag', 'Publishing', 'DE');
    const r = await request(5);
    await rt.request().post(`/v1/lead-requests/${r.id}/candidates`).set(auth(admin)).send({ leadIds: [big, large, unknown, south, fits] });
    const items = (await rt.request().get(`/v1/lead-requests/${r.id}/leads`).set(auth(admin))).body.data as { leadId: string; matchesCriteria: boolean; mismatches: string[] }[];
    const of = (leadId: string) => items.find((i) => i.leadId === leadId)!.mismatches;
    assert.deepEqual(of(big), ['employeesMax']);
    assert.deepEqual(of(large), ['size']);
    assert.deepEqual(of(unknown), ['employeesMin', 'employeesMax'], 'a lead without an employee count does not meet a range');
    assert.deepEqual(of(south), ['region']);
    assert.deepEqual(of(fits), []);

    await move(r.id, 'vetting');
    const refused = await rt.request().post(`/v1/lead-requests/${r.id}/vetting`).set(auth(admin)).send({ decisions: [{ leadId: fits, decision: 'accept' }, { leadId: big, decision: 'accept' }, { leadId: large, decision: 'reject' }] });
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.match(refused.headers['content-type']!, /application\/problem\+json/);
    assert.deepEqual(refused.body.errors.map((e: { field: string; code: string }) => [e.field, e.code]), [['decisions.1.leadId', 'outside_criteria']]);
    assert.match(refused.body.errors[0].message, /800 employees.*criteria\.employeesMax/);
    assert.deepEqual(refused.body.outside, [{ leadId: big, criteria: ['employeesMax'] }]);
    const unchanged = await rt.request().get(`/v1/lead-requests/${r.id}`).set(auth(admin));
    assert.equal(unchanged.body.acceptedCount, 0, 'nothing of a refused vetting is recorded');
    assert.equal(unchanged.body.candidateCount, 5);

    assert.equal((await rt.request().post(`/v1/lead-requests/${r.id}/vetting`).set(auth(admin)).send({ decisions: [{ leadId: fits, decision: 'accept' }] })).body.acceptedCount, 1);
    assert.equal((await move(r.id, 'approved')).body.status, 'approved');
    // The lead grows after vetting: delivery checks it again and delivers nothing.
    assert.equal((await rt.request().patch(`/v1/leads/${fits}`).set(auth(admin)).send({ employees: 900 })).status, 200);
    const stopped = await rt.request().post(`/v1/lead-requests/${r.id}/deliveries`).set(auth(admin));
    assert.equal(stopped.status, 400, JSON.stringify(stopped.body));
    assert.deepEqual(stopped.body.errors.map((e: { field: string }) => e.field), ['criteria.employeesMax']);
    assert.equal((await rt.request().get(`/v1/lead-requests/${r.id}`).set(auth(admin))).body.deliveredCount, 0);
    assert.equal(await leadRequestItemModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(agency.tenantId), requestId: new Types.ObjectId(r.id), state: 'delivered' }), 0);

    // Widening the criteria re-checks the open leads; then it is delivered.
    const badRange = await rt.request().patch(`/v1/lead-requests/${r.id}`).set(auth(admin)).send({ criteria: { employeesMin: 2000 } });
    assert.equal(badRange.status, 400);
    assert.equal(badRange.body.errors[0].field, 'criteria.employeesMax');
    const widened = await rt.request().patch(`/v1/lead-requests/${r.id}`).set(auth(admin)).send({ criteria: { employeesMax: 1000, size: null } });
    assert.equal(widened.status, 200, JSON.stringify(widened.body));
    assert.deepEqual(widened.body.criteria, { neededCount: 5, industry: 'Publishing', region: 'Berlin', country: 'DE', employeesMin: 50, employeesMax: 1000, size: null });
    const rechecked = (await rt.request().get(`/v1/lead-requests/${r.id}/leads`).set(auth(admin))).body.data as { leadId: string; mismatches: string[] }[];
    assert.deepEqual(rechecked.find((i) => i.leadId === big)!.mismatches, [], 'rechecked against the new criteria');
    assert.deepEqual(rechecked.find((i) => i.leadId === large)!.mismatches, [], 'size is no longer asked');
    assert.deepEqual(rechecked.find((i) => i.leadId === south)!.mismatches, ['region']);
    const delivered = await rt.request().post(`/v1/lead-requests/${r.id}/deliveries`).set(auth(admin));
    assert.equal(delivered.status, 200, JSON.stringify(delivered.body));
    assert.deepEqual(delivered.body.delivered, [fits]);
    const below = await rt.request().patch(`/v1/lead-requests/${r.id}`).set(auth(admin)).send({ criteria: { neededCount: 0 } });
    assert.equal(below.status, 400);
    assert.equal(below.body.errors[0].field, 'criteria.neededCount');
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

  it('should page requests newest first by cursor from list rows, a transition moving the row, never reading the requests collection', async () => {
    const made: string[] = [];
    for (let i = 0; i < 7; i += 1) made.push((await request(5)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    const commands = await commandsDuring(rt, async () => {
      do {
        const res = await rt.request().get(`/v1/lead-requests?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`).set(auth(admin));
        assert.equal(res.status, 200, JSON.stringify(res.body));
        for (const r of res.body.data as { id: string; allowedTransitions: string[] }[]) {
          seen.push(r.id);
          assert.ok(Array.isArray(r.allowedTransitions), 'the caller’s transitions are added to the row');
        }
        cursor = res.body.nextCursor as string | null;
        pages += 1;
      } while (cursor && pages < 20);
    });
    assert.deepEqual(seen.filter((id) => made.includes(id)), [...made].reverse(), 'every request once, newest first');
    assert.ok(!commands.some(([name, collection]) => name === 'find' && collection === 'lead_requests'), 'the list reads rows, not requests');
    const closed = await move(made[0]!, 'closed');
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    const byStatus = await rt.request().get('/v1/lead-requests?status=closed&limit=100').set(auth(admin));
    assert.ok((byStatus.body.data as { id: string }[]).some((r) => r.id === made[0]), 'the row follows the transition');
    const sourcing = await rt.request().get('/v1/lead-requests?status=sourcing&limit=100').set(auth(admin));
    assert.ok(!(sourcing.body.data as { id: string }[]).some((r) => r.id === made[0]));
  });
});
