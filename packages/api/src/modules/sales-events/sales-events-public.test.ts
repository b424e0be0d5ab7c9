import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { randomIp } from '../../testing/factories.js';
import { termsAcceptanceModel } from '../../platform/privacy/terms.js';
import { eventRegistrationModel } from './sales-event.model.js';

// What a partner page's <crm-event-registration> sees of /v1/public/sales-events (issue 23 item 4).
describe('public sales event registration for the widget', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let other: TestAgency;
  const origin = 'https://partner.example';
  const keys = new Map<TestAgency, string>();
  const auth = (a: TestAgency) => ({ Authorization: `Bearer ${a.adminToken}` });

  const conference = (overrides: Record<string, unknown> = {}) => ({
    name: 'Pharma Summit Q1', level: 2, status: 'open', startsAt: '2027-03-01T08:00:00+01:00', endsAt: '2027-03-02T18:00:00+01:00', timezone: 'Europe/Berlin',
    venue: { name: 'Estrel', city: 'Berlin', country: 'DE' }, capacity: 50, ...overrides,
  });
  const visitor = (n: number | string, extra: Record<string, unknown> = {}) => ({ email: `visitor${n}@example.test`, firstName: 'Vic', lastName: `Visitor ${n}`, companyName: 'Partner Co', ...extra });
  const pub = (method: 'get' | 'post', path: string, a = agency, from = origin) => rt.request()[method](`/v1/public${path}`).set('Authorization', `Bearer ${keys.get(a)}`).set('Origin', from).set('X-Forwarded-For', randomIp());

  async function event(overrides: Record<string, unknown> = {}, a = agency): Promise<string> {
    const created = await rt.request().post('/v1/sales-events').set(auth(a)).send(conference(overrides));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body.id as string;
  }

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename, env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '100' } });
    [agency, other] = await Promise.all([makeAgency(rt), makeAgency(rt)]);
    for (const a of [agency, other]) {
      const key = await rt.request().post('/v1/api-keys').set(auth(a)).send({ kind: 'publishable', name: 'Partner site', allowedOrigins: [origin] });
      assert.equal(key.status, 201, JSON.stringify(key.body));
      keys.set(a, key.body.key as string);
    }
  });
  after(async () => {
    await rt.close();
  });

  it('should show an open event to an allowed origin only, and hide planned events and other agencies’ events', async () => {
    const id = await event();
    const shown = await pub('get', `/sales-events/${id}`);
    assert.equal(shown.status, 200, JSON.stringify(shown.body));
    assert.deepEqual({ name: shown.body.name, seatsLeft: shown.body.seatsLeft, timezone: shown.body.timezone, privacy: shown.body.privacy }, { name: 'Pharma Summit Q1', seatsLeft: 50, timezone: 'Europe/Berlin', privacy: null });
    assert.equal(shown.headers['access-control-allow-origin'], origin);
    assert.equal('costs' in shown.body || 'revenueTotal' in shown.body, false, 'no internal figures');
    const stranger = await pub('get', `/sales-events/${id}`, agency, 'https://stranger.example');
    assert.equal(stranger.status, 403);
    const planned = await event({ status: 'planned' });
    assert.equal((await pub('get', `/sales-events/${planned}`)).status, 404);
    assert.equal((await pub('get', `/sales-events/${id}`, other)).status, 404);
    assert.equal((await pub('post', `/sales-events/${id}/registrations`, other).send(visitor('x'))).status, 404);
    const noKey = await rt.request().get(`/v1/public/sales-events/${id}`).set('Origin', origin);
    assert.equal(noKey.status, 401);
  });

  it('should register a visitor as a lead once, answering a second registration of the address the same without a second row', async () => {
    const id = await event();
    const first = await pub('post', `/sales-events/${id}/registrations`).send(visitor(1, { role: 'sponsor' }));
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.deepEqual(first.body, { status: 'registered', eventId: id, seatsLeft: 49 });
    const again = await pub('post', `/sales-events/${id}/registrations`).send(visitor(1, { email: 'VISITOR1@example.test' }));
    assert.equal(again.status, 201, JSON.stringify(again.body));
    assert.deepEqual(again.body, first.body);
    const rows = await eventRegistrationModel(rt.ctx.connection).find({ tenantId: new Types.ObjectId(agency.tenantId), eventId: new Types.ObjectId(id) }).lean();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.role, 'sponsor');
    const lead = await rt.request().get(`/v1/leads/${String(rows[0]!.leadId)}`).set(auth(agency));
    assert.equal(lead.status, 200);
    assert.deepEqual({ source: lead.body.source, participation: lead.body.participation }, { source: 'event', participation: 'sponsor' });
  });

  it('should answer a full event with a clear problem, also when two visitors ask for the last seat at once', async () => {
    const id = await event({ capacity: 1 });
    const [a, b] = await Promise.all([pub('post', `/sales-events/${id}/registrations`).send(visitor('a')), pub('post', `/sales-events/${id}/registrations`).send(visitor('b'))]);
    assert.deepEqual([a.status, b.status].sort(), [201, 409]);
    const full = a.status === 409 ? a : b;
    assert.equal(String(full.headers['content-type']).split(';')[0], 'application/problem+json');
    assert.equal(full.body.detail, 'The event is full: no seat is left');
    assert.equal(full.body.errors[0].code, 'full');
    const shown = await pub('get', `/sales-events/${id}`);
    assert.equal(shown.body.seatsLeft, 0);
  });

  it('should require consent when the agency has a privacy notice and record its version with the registration', async () => {
    const terms = await rt.request().put('/v1/privacy/terms').set(auth(agency)).send({ privacy: { version: 'p-7', url: 'https://agency.example/privacy' } });
    assert.equal(terms.status, 200, JSON.stringify(terms.body));
    const id = await event();
    const shown = await pub('get', `/sales-events/${id}`);
    assert.deepEqual(shown.body.privacy, { version: 'p-7', url: 'https://agency.example/privacy' });
    const refused = await pub('post', `/sales-events/${id}/registrations`).send(visitor(7));
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errors[0].field, 'consent');
    const accepted = await pub('post', `/sales-events/${id}/registrations`).send(visitor(7, { consent: true }));
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    const recorded = await termsAcceptanceModel(rt.ctx.connection).find({ tenantId: new Types.ObjectId(agency.tenantId), email: 'visitor7@example.test' }).lean();
    assert.deepEqual(recorded.map((r) => ({ document: r.document, version: r.version, source: r.source, subjectType: r.subjectType })), [{ document: 'privacy', version: 'p-7', source: `event:${id}`, subjectType: 'signup' }]);
    // A bot filling the hidden field is told the same and nothing is stored.
    const bot = await pub('post', `/sales-events/${id}/registrations`).send(visitor('bot', { consent: true, website: 'https://spam.example' }));
    assert.equal(bot.status, 201);
    assert.equal(await eventRegistrationModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(agency.tenantId), email: 'visitorbot@example.test' }), 0);
  });
});
