import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { startYealinkStandin, type YealinkStandin } from '../../testing/yealink-standin.js';
import { activityModel } from '../activities/activity.model.js';
import { localDate } from '../reporting/metrics.js';
import { waitUntilApplied } from '../reporting/rollup-applier.js';
import { voipCallModel, voipPhoneModel } from './voip.model.js';

describe('Yealink VOIP: click-to-call, action-URL events and CDR imports against the phone stand-in', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let other: TestAgency;
  let phone: YealinkStandin;
  let listening: Server;
  let apiUrl: string;
  let tenantId: Types.ObjectId;
  let annaId: string;
  let leadId: string;
  const auth = (token = agency.adminToken) => ({ Authorization: `Bearer ${token}` });
  const api = () => rt.request();
  const callActivities = (subjectId: string) => activityModel(rt.ctx.connection).find({ tenantId, subjectId: new Types.ObjectId(subjectId), type: 'call' }).lean();

  /** Saves the stand-in as the admin's phone and pastes the CRM's action URLs into it (pointed at the listening API). */
  async function connectPhone(password = phone.password) {
    const saved = await api().put('/v1/voip/phone').set(auth()).send({ host: phone.host, username: phone.username, password, extension: '1006', outgoingUri: '1006@pbx.example.test' });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    phone.setActionUrls(Object.fromEntries(Object.entries(saved.body.actionUrls as Record<string, string>).map(([event, url]) => [event, url.replace(/^https?:\/\/[^/]+/, apiUrl)])));
    return saved.body;
  }

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    listening = createServer(rt.app);
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    [agency, other] = await Promise.all([makeAgency(rt), makeAgency(rt)]);
    tenantId = new Types.ObjectId(agency.tenantId);
    phone = await startYealinkStandin();
    const anna = await api().post('/v1/contacts').set(auth()).send({ firstName: 'Anna', lastName: 'Muster', phones: [{ label: 'work', value: '+49 30 1234 5678', primary: true }] });
    assert.equal(anna.status, 201, JSON.stringify(anna.body));
    annaId = anna.body.id;
    const lead = await api().post('/v1/leads').set(auth()).send({ title: 'Phone sale', firstName: 'Lars', lastName: 'Lead', phones: [{ label: 'mobile', value: '+44 7700 900123', primary: true }] });
    assert.equal(lead.status, 201, JSON.stringify(lead.body));
    leadId = lead.body.id;
    // The other agency has a contact with Anna's number: its calls and records never mix with this one's.
    const twin = await api().post('/v1/contacts').set(auth(other.adminToken)).send({ firstName: 'Twin', lastName: 'Elsewhere', phones: [{ label: 'work', value: '+49 30 1234 5678', primary: true }] });
    assert.equal(twin.status, 201, JSON.stringify(twin.body));
  });
  after(async () => {
    await phone.stop();
    await new Promise<void>((resolve) => listening.close(() => resolve()));
    await rt.close();
  });

  it('should require the password the first time, store it sealed and never return it', async () => {
    const missing = await api().put('/v1/voip/phone').set(auth()).send({ host: phone.host, username: 'admin' });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.errors[0].field, 'password');
    const body = await connectPhone();
    assert.deepEqual(body.password, { set: true });
    assert.ok(!JSON.stringify(body).includes(phone.password));
    assert.match(body.actionUrls.call_terminated, /\/v1\/voip\/events\/[^?]+\?event=call_terminated&call_id=\$call_id&remote=\$remote/);
    const stored = await voipPhoneModel(rt.ctx.connection).findOne({ tenantId }).lean();
    assert.ok(stored && !stored.passwordSealed.includes(phone.password));
    // One phone per user: the unique index refuses a second one on the test database.
    await assert.rejects(voipPhoneModel(rt.ctx.connection).create({ tenantId, userId: stored.userId, host: 'x', username: 'u', passwordSealed: 's' }), /duplicate key|E11000/);
    const read = await api().get('/v1/voip/phone').set(auth());
    assert.equal(read.status, 200);
    assert.ok(!JSON.stringify(read.body).includes(phone.password));
  });

  it('should answer 409 with what the phone said when it refuses the login, and dial nothing', async () => {
    await connectPhone('wrong-password');
    const refused = await api().post('/v1/voip/calls').set(auth()).send({ subject: { type: 'contact', id: annaId } });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.errors[0].field, 'phone');
    assert.match(refused.body.detail, /user name or password/);
    assert.equal(phone.dialled.length, 0);
    await connectPhone();
  });

  it("should dial the contact's number on the phone and put the answered call on the contact's timeline once", async () => {
    const placed = await api().post('/v1/voip/calls').set(auth()).send({ subject: { type: 'contact', id: annaId } });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    assert.deepEqual(phone.dialled.map((d) => [d.number, d.outgoingUri]), [['+493012345678', '1006@pbx.example.test']]);
    assert.deepEqual(placed.body.subject, { type: 'contact', id: annaId });
    assert.equal(placed.body.source, 'click-to-call');
    await phone.settled();
    const { callId } = phone.dialled[0]!;
    assert.equal(await phone.answer(callId), 200);
    assert.equal(await phone.hangUp(callId), 200);
    const calls = await callActivities(annaId);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.direction, 'outbound');
    assert.equal(calls[0]!.outcome, 'answered');
    const timeline = await api().get(`/v1/contacts/${annaId}/timeline`).set(auth());
    assert.equal(timeline.status, 200);
    assert.ok(timeline.body.data.some((item: { kind: string; data: { type?: string; outcome?: string } }) => item.kind === 'activity' && item.data.type === 'call' && item.data.outcome === 'answered'));

    // The same events again (a phone retrying) change nothing.
    assert.equal(await phone.hangUp(callId), 200);
    const token = new URL((await api().get('/v1/voip/phone').set(auth())).body.actionUrls.call_established).pathname.split('/').pop();
    const repeat = await api().get(`/v1/voip/events/${token}`).query({ event: 'call_established', call_id: callId, remote: '+493012345678' });
    assert.equal(repeat.status, 200);
    assert.equal(repeat.body.applied, false);
    assert.equal((await callActivities(annaId)).length, 1);
  });

  it('should match an incoming call in national format to the contact and record a missed call as inbound', async () => {
    const callId = await phone.ring('sip:03012345678@pbx.example.test', 'Anna Muster');
    await phone.hangUp(callId);
    const missed = (await callActivities(annaId)).find((a) => a.direction === 'inbound');
    assert.equal(missed?.outcome, 'missed');
    assert.equal(missed?.durationMinutes, 0);
    const stored = await voipCallModel(rt.ctx.connection).findOne({ tenantId, callKey: new RegExp(`:${callId}$`) } as never).lean();
    assert.equal(stored?.remoteDisplay, 'Anna Muster');
  });

  it('should refuse a forged or foreign action URL with a 401 problem naming the token', async () => {
    const url = new URL((await api().get('/v1/voip/phone').set(auth())).body.actionUrls.incoming_call);
    const token = url.pathname.split('/').pop()!;
    const [encoded, signature] = token.split('.');
    const forgedValues = Buffer.from(Buffer.from(encoded!, 'base64url').toString('utf8').replace(agency.tenantId, other.tenantId)).toString('base64url');
    for (const bad of ['not-a-token-at-all', `${forgedValues}.${signature}`, `${encoded}.${signature!.slice(0, -2)}xx`]) {
      const res = await api().get(`/v1/voip/events/${bad}`).query({ event: 'incoming_call', call_id: '1', remote: '030123' });
      assert.equal(res.status, 401, bad);
      assert.match(res.headers['content-type'] ?? '', /application\/problem\+json/);
      assert.equal(res.body.errors[0].field, 'token');
    }
    assert.equal(await voipCallModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(other.tenantId) }), 0);
  });

  it('should import a CDR export once per call id, with talk time, and count it in the dashboard roll-ups per rep', async () => {
    const csv = [
      'callid,timestart,callfrom,callto,callduraction,talkduraction,status,type',
      '1700000001.1,2026-12-01 09:30:00,1006,+447700900123,200,185,ANSWERED,Outbound',
      '1700000001.2,2026-12-01 10:00:00,+49 30 1234 5678,1006,30,0,NO ANSWER,Inbound',
      '1700000001.3,2026-12-01 10:05:00,1006,+447700900123,10,0,BUSY,Outbound',
      '1700000001.4,2026-12-01 11:00:00,1006,+15550000000,60,55,ANSWERED,Outbound',
      ',2026-12-01 11:00:00,1006,+15550000000,60,55,ANSWERED,Outbound',
    ].join('\n');
    const first = await api().post('/v1/voip/cdr').set(auth()).send({ csv });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual({ ...first.body, errors: first.body.errors.length }, { rows: 5, imported: 3, duplicates: 0, unmatched: 1, errors: 1 });
    const again = await api().post('/v1/voip/cdr').set(auth()).send({ csv });
    assert.deepEqual({ imported: again.body.imported, duplicates: again.body.duplicates }, { imported: 0, duplicates: 4 });
    const leadCalls = await callActivities(leadId);
    assert.deepEqual(leadCalls.map((a) => [a.outcome, a.durationMinutes, a.direction]).sort(), [['answered', 4, 'outbound'], ['busy', 0, 'outbound']]);

    await waitUntilApplied(rt.ctx.connection, tenantId);
    const day = localDate(new Date('2026-12-01T09:30:00Z'));
    const metric = async (name: string) => {
      const res = await api().get('/v1/metrics').set(auth()).query({ metric: name, period: 'day', from: day, to: day, dimension: 'owner' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return (res.body.series as { points: { value: number }[] }[]).reduce((sum, s) => sum + s.points.reduce((t, p) => t + p.value, 0), 0);
    };
    assert.equal(await metric('activities.calls'), 3, 'the three matched calls of the day');
    assert.equal(await metric('calls.answered'), 1);
    assert.equal(await metric('calls.minutes'), 4);
    // The other agency's dashboard has none of them.
    const theirs = await api().get('/v1/metrics').set(auth(other.adminToken)).query({ metric: 'calls.answered', period: 'day', from: day, to: day });
    assert.equal(theirs.status, 200);
    assert.equal((theirs.body.series as { points: { value: number }[] }[]).flatMap((s) => s.points).reduce((t, p) => t + p.value, 0), 0);
  });

  it("should keep the rep's calls but drop the person's number and name when the person is erased", async () => {
    assert.ok((await voipCallModel(rt.ctx.connection).countDocuments({ tenantId, subjectId: new Types.ObjectId(annaId) })) > 0, 'Anna has calls');
    const erased = await api().post('/v1/privacy/erasures').set(auth()).send({ contactId: annaId, confirmation: 'ERASE' });
    assert.equal(erased.status, 201, JSON.stringify(erased.body));
    assert.ok(erased.body.counts.calls > 0, JSON.stringify(erased.body.counts));
    const left = await voipCallModel(rt.ctx.connection).find({ tenantId }).lean();
    assert.ok(left.length > 0, 'the calls stay in the figures');
    assert.ok(!JSON.stringify(left).match(/12345678|Anna Muster/), 'no number or name of the person remains');
  });

  it("should keep agencies apart: another agency can neither call this one's contact nor see its calls", async () => {
    const save = await api().put('/v1/voip/phone').set(auth(other.adminToken)).send({ host: phone.host, username: phone.username, password: phone.password });
    assert.equal(save.status, 200);
    const dialled = phone.dialled.length;
    const foreign = await api().post('/v1/voip/calls').set(auth(other.adminToken)).send({ subject: { type: 'contact', id: annaId } });
    assert.equal(foreign.status, 404, JSON.stringify(foreign.body));
    assert.equal(phone.dialled.length, dialled);
    const list = await api().get('/v1/voip/calls').set(auth(other.adminToken));
    assert.equal(list.status, 200);
    assert.equal(list.body.data.length, 0);
    const mine = await api().get('/v1/voip/calls').set(auth());
    assert.ok(mine.body.data.length >= 4);
  });
});
