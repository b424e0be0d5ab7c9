import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import { createMailer } from '../../platform/mail/mailer.js';
import { createTestRuntime, deliveredMail, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { periodStart } from './metrics.js';
import { reportModel } from './reports.model.js';
import { createReportSchedules } from './reports.schedule.js';
import { waitUntilApplied } from './rollup-applier.js';
import { createMetricsService } from './metrics.service.js';
import { createReportsService } from './reports.service.js';
import { createRollups } from './rollups.service.js';
import { EventBus } from '../../platform/events.js';

describe('reports: saved definitions, exports and schedules', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let admin: string;
  let tenantId: Types.ObjectId;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const day = new Date().toISOString().slice(0, 10);
  const month = periodStart('month', new Date());
  let lead: { id: Types.ObjectId; email: string };
  let member: { id: Types.ObjectId; email: string };
  let outsider: { id: Types.ObjectId; email: string };
  let teamId: string;
  const tokens: Record<string, string> = {};

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    admin = agency.adminToken;
    tenantId = new Types.ObjectId(agency.tenantId);
    // Phone sales roles outside a department (their deals need no product), and a seller of another chain.
    lead = await makeUser(rt, agency, { role: 'STM', name: 'Tom Lead', departmentKey: '' });
    member = await makeUser(rt, agency, { role: 'SE', name: 'Eve Member', departmentKey: '' });
    outsider = await makeUser(rt, agency, { role: 'SALES_PERSON', name: 'Olga Outsider' });
    const team = await rt.request().post('/v1/org/teams').set(auth(admin)).send({ name: 'Phone Team', memberIds: [String(member.id)], leadId: String(lead.id) });
    assert.equal(team.status, 201, JSON.stringify(team.body));
    teamId = team.body.id;
    [tokens.lead, tokens.member, tokens.outsider] = await Promise.all([signIn(rt, lead.email), signIn(rt, member.email), signIn(rt, outsider.email)]);
    await rt.request().patch('/v1/me').set(auth(tokens.member!)).send({ locale: 'de' });
    const win = async (token: string, amount: number) => {
      const deal = await rt.request().post('/v1/opportunities').set(auth(token)).send({ name: 'Won deal', amount });
      assert.equal(deal.status, 201, JSON.stringify(deal.body));
      const moved = await rt.request().post(`/v1/opportunities/${deal.body.id}/move`).set(auth(token)).send({ stage: 'won', version: deal.body.version });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
    };
    await win(tokens.member!, 1000);
    await win(tokens.member!, 500);
    await win(tokens.outsider!, 7000);
    await win(tokens.lead!, 300);
    await waitUntilApplied(rt.ctx.connection, tenantId);
  });
  after(() => rt.close());

  const definition = { kind: 'opportunities', measures: ['deals.won.amount', 'deals.won'], dimension: 'all', period: 'month', from: day, to: day };

  it('should refuse a measure of another kind with a problem naming the field, and store nothing', async () => {
    const before = await reportModel(rt.ctx.connection).countDocuments({ tenantId });
    const res = await rt.request().post('/v1/reports').set(auth(admin)).send({ name: 'Mixed', ...definition, kind: 'leads' });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.headers['content-type']?.split(';')[0], 'application/problem+json');
    assert.equal(res.body.errors[0].field, 'measures.0');
    const unknownRole = await rt.request().post('/v1/reports').set(auth(admin)).send({ name: 'Shared', ...definition, sharedWith: { roles: ['NOPE'], teams: [] } });
    assert.equal(unknownRole.status, 400);
    assert.equal(unknownRole.body.errors[0].field, 'sharedWith.roles.0');
    const stranger = await rt.request().post('/v1/reports').set(auth(admin)).send({ name: 'Mailed', ...definition, schedule: { frequency: 'daily', recipients: [String(new Types.ObjectId())] } });
    assert.equal(stranger.status, 400);
    assert.equal(stranger.body.errors[0].field, 'schedule.recipients.0');
    assert.equal(await reportModel(rt.ctx.connection).countDocuments({ tenantId }), before);
  });

  it('should answer each reader of a shared report with the figures they may see: a member their own, the lead the team’s', async () => {
    const saved = await rt.request().post('/v1/reports').set(auth(admin)).send({ name: 'Won this month', ...definition, sharedWith: { roles: [], teams: [teamId] } });
    assert.equal(saved.status, 201, JSON.stringify(saved.body));
    const run = (token: string) => rt.request().get(`/v1/reports/${saved.body.id}/result`).set(auth(token));
    const totals = async (token: string) => {
      const res = await run(token);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.source, 'rollups');
      return res.body.rows.map((r: { periodStart: string; key: string; values: number[] }) => [r.periodStart, r.key, ...r.values]);
    };
    assert.deepEqual(await totals(tokens.member!), [[month, 'all', 1500, 2]]);
    assert.deepEqual(await totals(tokens.lead!), [[month, 'all', 1800, 3]]);
    assert.deepEqual(await totals(admin), [[month, 'all', 8800, 4]]);
    assert.equal((await run(tokens.outsider!)).status, 404, 'not shared with the outsider');
    const listed = await rt.request().get('/v1/reports').set(auth(tokens.member!));
    assert.deepEqual(listed.body.data.map((r: { name: string; editable: boolean }) => [r.name, r.editable]), [['Won this month', false]]);
    const change = await rt.request().put(`/v1/reports/${saved.body.id}`).set(auth(tokens.member!)).send({ name: 'Mine now', ...definition });
    assert.equal(change.status, 403);
    assert.equal((await rt.request().get(`/v1/reports/${saved.body.id}`).set(auth(admin))).body.name, 'Won this month');
    const split = await rt.request().post('/v1/reports/run').set(auth(tokens.member!)).send({ ...definition, dimension: 'stage' });
    assert.equal(split.status, 403, 'a member may not split by stage');
  });

  it('should export the rows as CSV and XLSX with a header row in the reader’s language', async () => {
    const saved = await rt.request().post('/v1/reports').set(auth(tokens.member!)).send({ name: 'Meine Abschlüsse', ...definition, dimension: 'owner' });
    assert.equal(saved.status, 201, JSON.stringify(saved.body));
    const csv = await rt.request().get(`/v1/reports/${saved.body.id}/export`).set(auth(tokens.member!)).query({ format: 'csv' });
    assert.equal(csv.status, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    assert.match(String(csv.headers['content-disposition']), /Meine-Abschl/);
    assert.equal(csv.text, `\uFEFFZeitraum ab,Verantwortlich,Gewonnener Betrag,Gewonnene Deals\r\n${month},Eve Member,1500,2\r\n`, 'German from the member’s profile');
    const english = await rt.request().get(`/v1/reports/${saved.body.id}/export`).set(auth(tokens.member!)).query({ format: 'csv', lang: 'en' });
    assert.ok(english.text.startsWith('\uFEFFPeriod starting,Owner,Amount won,Deals won\r\n'));
    const xlsx = await rt.request().get(`/v1/reports/${saved.body.id}/export`).set(auth(tokens.member!)).query({ format: 'xlsx' }).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    assert.equal(xlsx.status, 200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as never);
    const sheet = book.worksheets[0]!;
    assert.deepEqual((sheet.getRow(1).values as unknown[]).slice(1), ['Zeitraum ab', 'Verantwortlich', 'Gewonnener Betrag', 'Gewonnene Deals']);
    assert.deepEqual((sheet.getRow(2).values as unknown[]).slice(1), [month, 'Eve Member', 1500, 2]);
    assert.equal(sheet.rowCount, 2);
  });

  it('should email a scheduled report once per period and recipient, however often the job runs or retries', async () => {
    const saved = await rt.request().post('/v1/reports').set(auth(tokens.lead!)).send({
      name: 'Team weekly', ...definition, sharedWith: { roles: [], teams: [teamId] }, schedule: { frequency: 'weekly', recipients: [String(lead.id), String(member.id)], format: 'csv' },
    });
    assert.equal(saved.status, 201, JSON.stringify(saved.body));
    assert.deepEqual(saved.body.schedule, { frequency: 'weekly', recipients: [String(lead.id), String(member.id)], format: 'csv' });
    const rollups = createRollups({ connection: rt.ctx.connection, events: new EventBus(() => {}) });
    const reports = createReportsService({ connection: rt.ctx.connection, metrics: createMetricsService({ connection: rt.ctx.connection, rollups }) });
    const schedules = createReportSchedules({ connection: rt.ctx.connection, reports, mailer: createMailer(rt.ctx.config, rt.ctx.logger), timeZoneOf: rollups.timeZoneOf });
    const now = new Date();
    // Two processes at once, then a retry of the job: two emails in all, one per recipient.
    const runs = await Promise.all([schedules.sendDue(now), schedules.sendDue(now)]);
    const retry = await schedules.sendDue(now);
    assert.equal(runs[0].sent + runs[1].sent + retry.sent, 2);
    const leadMail = deliveredMail(rt, lead.email).filter((m) => m.subject.includes('Team weekly'));
    const memberMail = deliveredMail(rt, member.email).filter((m) => m.subject.includes('Team weekly'));
    assert.equal(leadMail.length, 1);
    assert.equal(memberMail.length, 1);
    // Each gets their own figures, in their own language.
    assert.match(leadMail[0]!.raw, /filename=.?Team-weekly-\d{4}-\d{2}-\d{2}\.csv/);
    const attachment = (raw: string) => {
      const part = raw.split(/\r?\n--/).find((p) => /filename=/.test(p))!;
      const [headers, ...rest] = part.split(/\r?\n\r?\n/);
      const body = rest.join('\r\n\r\n').replace(/\r?\n$/, '');
      const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers!)?.[1]?.toLowerCase();
      if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
      if (encoding === 'quoted-printable') return Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
      return body;
    };
    assert.equal(attachment(leadMail[0]!.raw), `\uFEFFPeriod starting,Scope,Amount won,Deals won\r\n${month},Total,1800,3\r\n`);
    assert.equal(attachment(memberMail[0]!.raw), `\uFEFFZeitraum ab,Bereich,Gewonnener Betrag,Gewonnene Deals\r\n${month},Gesamt,1500,2\r\n`);
    assert.match(memberMail[0]!.subject, /Bericht/);
    // Next week's period sends again, once.
    const nextWeek = new Date(now.getTime() + 7 * 86_400_000);
    assert.equal((await schedules.sendDue(nextWeek)).sent, 2);
    assert.equal((await schedules.sendDue(nextWeek)).sent, 0);
  });
});
