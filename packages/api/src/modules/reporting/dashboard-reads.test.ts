import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn } from '../../testing/index.js';
import { commandRepliesDuring } from '../../testing/commands.js';
import { EventBus } from '../../platform/events.js';
import { activityModel } from '../activities/activity.model.js';
import { userModel } from '../identity/user.model.js';
import { opportunityModel } from '../opportunities/opportunity.model.js';
import { pipelineModel } from '../opportunities/pipeline.model.js';
import { roleDashboards, type WidgetSpec } from './dashboard-defaults.js';
import { waitUntilApplied } from './rollup-applier.js';
import { createRollups } from './rollups.service.js';

const DAY = 86_400_000;
/** Records per agency: the small one has one deal and one activity per owner and day slot, the large one each of them this many times. */
const COPIES = 3;
const SLOTS = 8;

/** The request <crm-dashboard> makes for a widget (dashboard-widget.ts), as bench/dashboards.ts asks it. */
function pathOf(w: WidgetSpec, userId: string): string {
  if (w.kind === 'gauge') return `/v1/targets/attainment?metric=${w.metric}&period=${w.period}${w.dimension === 'owner' ? `&dimension=owner&key=${userId}` : ''}`;
  const back = (days: number) => new Date(Date.now() - days * DAY).toISOString().slice(0, 10);
  const span = w.kind !== 'chart' ? '' : w.range === 'quarter' ? '&since=quarter' : w.range === 'next3months' ? `&to=${new Date(Date.now() + 90 * DAY).toISOString().slice(0, 10)}` : `&from=${back(({ week: 6, month: 31, '3months': 92, year: 365 } as Record<string, number>)[w.range ?? ''] ?? 92)}`;
  return `/v1/metrics?metric=${w.metric}&period=${w.period}&dimension=${w.dimension}${span}`;
}

/**
 * Issue 19: a dashboard read costs a number of database commands and documents that does not grow with
 * the agency's records (it reads roll-up buckets, whose number depends on people, periods and keys, never
 * on how many records they count), and a read again before anything is applied reads no roll-up at all
 * (rollup-read-cache.ts): the access check and one stamp.
 */
describe('reporting: dashboard reads bounded whatever the number of records', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  const agencies: { tenantId: Types.ObjectId; admin: string; adminId: string; rep: string; repId: string; records: number }[] = [];

  async function seed(copies: number) {
    const agency = await makeAgency(rt);
    const tenantId = new Types.ObjectId(agency.tenantId);
    const rep = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const other = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const admin = (await userModel(rt.ctx.connection).findOne({ tenantId, emailNormalized: agency.adminEmail.toLowerCase() }).lean())!;
    const owners = [admin._id, rep.id, other.id];
    // The agency's default pipeline is made when it is first listed.
    assert.equal((await rt.request().get('/v1/pipelines').set({ Authorization: `Bearer ${agency.adminToken}` })).status, 200);
    const pipeline = (await pipelineModel(rt.ctx.connection).findOne({ tenantId }).lean())!;
    const deals = [];
    const activities = [];
    // The same owners, stages, types and days in both agencies (so the same buckets), each record `copies` times.
    for (let slot = 0; slot < SLOTS; slot += 1) {
      for (const [o, ownerId] of owners.entries()) {
        const at = new Date(Date.now() - (slot * 7 + o) * DAY);
        const stage = pipeline.stages[(slot + o) % pipeline.stages.length]!;
        for (let copy = 0; copy < copies; copy += 1) {
          const amount = 1000 + 10 * copy + slot;
          deals.push({
            tenantId, name: `Deal ${slot}-${o}-${copy}`, amount, currency: 'EUR', probability: stage.probability, weightedAmount: (amount * stage.probability) / 100, pipelineId: pipeline._id, stage: stage.key, stageKind: stage.kind,
            rank: deals.length, expectedCloseDate: new Date(at.getTime() + 40 * DAY), ownerId, outcome: stage.kind === 'won' ? 'won' : stage.kind === 'lost' ? 'lost' : null, lostReason: stage.kind === 'lost' ? 'price' : null,
            closedAt: stage.kind === 'open' ? null : at, leadSource: 'web', version: 0, createdAt: at, updatedAt: at,
          });
          const subject = new Types.ObjectId();
          activities.push({ tenantId, type: (['email', 'call', 'meeting'] as const)[(slot + o) % 3], title: `Touch ${slot}-${o}-${copy}`, subject: { type: 'contact', id: subject }, subjectType: 'contact', subjectId: subject, occurredAt: at, durationMinutes: 5, outcome: 'answered', ownerId, version: 0, createdAt: at, updatedAt: at });
        }
      }
    }
    await opportunityModel(rt.ctx.connection).collection.insertMany(deals as never[]);
    await activityModel(rt.ctx.connection).collection.insertMany(activities as never[]);
    await waitUntilApplied(rt.ctx.connection, tenantId);
    await createRollups({ connection: rt.ctx.connection, events: new EventBus(() => {}), autoApply: false }).rebuild(tenantId);
    agencies.push({ tenantId, admin: agency.adminToken, adminId: String(admin._id), rep: await signIn(rt, rep.email), repId: String(rep.id), records: deals.length + activities.length });
  }

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    await seed(1);
    await seed(COPIES);
  });
  after(() => rt.close());

  /** Each widget's request once, with the roll-up commands it sent and the documents they returned. */
  async function readAll(token: string, userId: string, widgets: WidgetSpec[]) {
    const out: Record<string, { rollups: string[]; rollupDocs: number; commands: number; docs: number; body: unknown }> = {};
    for (const w of widgets) {
      let body: unknown;
      const replies = await commandRepliesDuring(rt, async () => {
        const res = await rt.request().get(pathOf(w, userId)).set({ Authorization: `Bearer ${token}` });
        assert.equal(res.status, 200, `${w.id}: ${JSON.stringify(res.body)}`);
        body = res.body;
      });
      const ofRollups = replies.filter((r) => r.collection === 'rollups');
      out[w.id] = { rollups: ofRollups.map((r) => r.command), rollupDocs: ofRollups.reduce((a, r) => a + r.docs, 0), commands: replies.length, docs: replies.reduce((a, r) => a + r.docs, 0), body };
    }
    return out;
  }

  it('should send the same roll-up reads and get the same documents back at three times the records, then answer again from the stamp alone', async () => {
    const [small, large] = agencies as [(typeof agencies)[number], (typeof agencies)[number]];
    assert.equal(large.records, small.records * COPIES);
    for (const [who, widgets] of [['admin', roleDashboards.SALES_HEAD!.widgets], ['rep', roleDashboards.SALES_PERSON!.widgets]] as const) {
      const first = await readAll(small[who], who === 'admin' ? small.adminId : small.repId, widgets);
      const second = await readAll(large[who], who === 'admin' ? large.adminId : large.repId, widgets);
      for (const w of widgets) {
        const [a, b] = [first[w.id]!, second[w.id]!];
        assert.deepEqual(b.rollups, a.rollups, `${who} ${w.id}: the same roll-up reads`);
        assert.equal(b.rollupDocs, a.rollupDocs, `${who} ${w.id}: the same roll-up documents`);
        // At most one read per read group: 13-14 weeks of a 3-month chart start in up to 5 months (4 on most days;
        // 5 when the current week starts in a new month and the first one in the month before the span's).
        assert.ok(a.rollups.length <= 5 && b.commands <= 12, `${who} ${w.id}: ${b.commands} commands (the first request of a person also loads who they are)`);
      }
      assert.ok(Object.values(second).some((r) => r.rollupDocs > 0), 'the reads found buckets');

      // Read again with nothing applied meanwhile: the access check and the agency's stamp, no roll-up read.
      const again = await readAll(large[who], who === 'admin' ? large.adminId : large.repId, widgets);
      for (const w of widgets) {
        const r = again[w.id]!;
        assert.deepEqual(r.rollups, [], `${who} ${w.id}: answered from memory`);
        assert.deepEqual(r.body, second[w.id]!.body, `${who} ${w.id}: the same answer`);
        assert.ok(r.commands <= 6 && r.docs <= 8, `${who} ${w.id}: ${r.commands} commands, ${r.docs} documents`);
      }
    }
  });

  it('should read the buckets again once a write is applied, so a figure read after metric.changed has moved', async () => {
    const large = agencies[1]!;
    const won = roleDashboards.SALES_PERSON!.widgets.find((w) => w.id === 'won-month')!;
    const read = async () => (await rt.request().get(pathOf(won, large.repId)).set({ Authorization: `Bearer ${large.rep}` })).body as { actual: number };
    const before = (await read()).actual;
    assert.equal((await read()).actual, before);
    const pipeline = (await pipelineModel(rt.ctx.connection).findOne({ tenantId: large.tenantId }).lean())!;
    const wonStage = pipeline.stages.find((s) => s.kind === 'won')!;
    const made = await rt.request().post('/v1/opportunities').set({ Authorization: `Bearer ${large.rep}` }).send({ name: 'Won now', amount: 777, pipelineId: String(pipeline._id), stage: wonStage.key });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    await waitUntilApplied(rt.ctx.connection, large.tenantId);
    assert.equal((await read()).actual, Math.round((before + 777) * 100) / 100);
  });
});
