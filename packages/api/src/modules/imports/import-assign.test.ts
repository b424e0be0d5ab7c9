import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { contactModel } from '../contacts/contact.model.js';
import { customerModel } from '../customers/customer.model.js';
import { userModel } from '../identity/user.model.js';
import { leadModel } from '../leads/lead.model.js';
import { notificationModel } from '../notifications/notification.model.js';
import { opportunityModel } from '../opportunities/opportunity.model.js';
import { taskModel, type Task } from '../tasks/task.model.js';
import { importModel } from './import.model.js';
import { op } from '../../platform/db/operators.js';
import { importTestAgency, runImport, uploadedCsv, type ImportTestRuntime } from './testing/import-runtime.js';

describe('imports: owners by an assignment rule, and stages and parents of updated rows', () => {
  let rt: ImportTestRuntime;
  let agency: TestAgency;
  let admin: string;
  let tenantId: Types.ObjectId;
  let close: () => Promise<void>;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    ({ rt, close, agency, admin, tenantId } = await importTestAgency(import.meta.filename, { IMPORT_BATCH_SIZE: '3' }));
  });
  after(async () => {
    await close();
  });

  const upload = (kind: string, lines: string[], token = admin) => uploadedCsv(rt, kind, lines, token);
  const runToEnd = (id: string) => runImport(rt, id, admin);
  const team = async (name: string, memberIds: Types.ObjectId[]) => {
    const res = await rt.request().post('/v1/org/teams').set(auth(admin)).send({ name, memberIds: memberIds.map(String) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };

  it('should deal rows without an owner to the active members of a team by row number, answer 400 naming assign.teamId, show the split, and keep the owners when a stopped run resumes', async () => {
    const members = await Promise.all([1, 2, 3].map(() => makeUser(rt, agency, { role: 'SE' })));
    const gone = await makeUser(rt, agency, { role: 'SE' });
    await userModel(rt.ctx.connection).updateOne({ tenantId, _id: gone.id }, { $set: { status: 'disabled' } });
    const teamId = await team('Inbound', [...members.map((m) => m.id), gone.id]);
    const empty = await team('Leer', [gone.id]);
    const named = await makeUser(rt, agency, { role: 'SE' });

    const rows = Array.from({ length: 10 }, (_, i) => `P${i + 2};Person;${i === 2 ? named.email : ''}`);
    const up = await upload('contacts', ['Vorname;Nachname;Betreuer', ...rows]);
    const mapping = { columns: up.suggestedMapping, dedupeKey: 'email', mode: 'create' };
    const refusals = [
      [{ teamId: new Types.ObjectId().toHexString() }, 'unknown_team'],
      [{ teamId: empty }, 'no_members'],
    ] as const;
    for (const [assign, code] of refusals) {
      const res = await rt.request().put(`/v1/imports/${up.id}/mapping`).set(auth(admin)).send({ ...mapping, assign });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(res.headers['content-type']!, /application\/problem\+json/);
      assert.deepEqual(res.body.errors.map((e: { field: string; code: string }) => [e.field, e.code]), [['assign.teamId', code]]);
    }
    // The Head of Marketing may import but not assign: no rule for them.
    const hm = await makeUser(rt, agency, { role: 'HM' });
    const hmToken = await signIn(rt, hm.email);
    const theirs = await upload('contacts', ['Vorname;Nachname', 'A;B'], hmToken);
    const forbidden = await rt.request().put(`/v1/imports/${theirs.id}/mapping`).set(auth(hmToken)).send({ columns: theirs.suggestedMapping, dedupeKey: 'email', mode: 'create', assign: { teamId } });
    assert.equal(forbidden.status, 400);
    assert.deepEqual(forbidden.body.errors.map((e: { field: string; code: string }) => [e.field, e.code]), [['assign.teamId', 'forbidden']]);

    await rt.request().put(`/v1/imports/${up.id}/mapping`).set(auth(admin)).send({ ...mapping, assign: { teamId, strategy: 'round-robin' } }).expect(200);
    const order = [...members].sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1));
    // Row n (the header is row 1) goes to order[n % 3]; row 4 names its owner.
    const expected = new Map<number, string>();
    for (let row = 2; row <= 11; row++) expected.set(row, row === 4 ? String(named.id) : String(order[row % 3]!.id));
    const dry = await rt.request().post(`/v1/imports/${up.id}/dry-run`).set(auth(admin)).expect(200);
    const split = (who: { id: Types.ObjectId }) => [...expected.entries()].filter(([row, owner]) => row !== 4 && owner === String(who.id)).length;
    assert.deepEqual(dry.body.assignments, order.map((m) => ({ userId: String(m.id), email: m.email, rows: split(m) })));

    // Stopped by the daily cap after 4 rows; a member joins the team meanwhile; the resumed run still deals by the members it took.
    await rt.request().patch('/v1/tenant').set(auth(admin)).send({ importDailyRowCap: 4 }).expect(200);
    const stopped = await runToEnd(up.id);
    assert.equal(stopped.stopReason, 'daily_row_cap');
    assert.equal(stopped.progress.created, 4);
    const kept = await importModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(up.id) } as never).lean();
    assert.deepEqual(kept!.assignees!.map(String), order.map((m) => String(m.id)), 'the members taken at the start are kept on the import');
    const late = await makeUser(rt, agency, { role: 'SE' });
    await rt.request().patch(`/v1/org/teams/${teamId}`).set(auth(admin)).send({ memberIds: [...members.map((m) => String(m.id)), String(late.id)] }).expect(200);
    await rt.request().patch('/v1/tenant').set(auth(admin)).send({ importDailyRowCap: 0 }).expect(200);
    const done = await runToEnd(up.id);
    assert.equal(done.status, 'completed', done.failure);
    assert.equal(done.progress.created, 10);
    const contacts = (await contactModel(rt.ctx.connection).collection.find({ tenantId, importId: new Types.ObjectId(up.id) }).toArray()) as unknown as Array<{ firstName: string; ownerId: Types.ObjectId }>;
    const owners = new Map(contacts.map((c) => [Number(c.firstName.slice(1)), String(c.ownerId)]));
    assert.deepEqual(owners, expected);
    assert.ok(!contacts.some((c) => String(c.ownerId) === String(late.id)), 'the member who joined later owns no row');

    // No storm: one summary per person, over both runs (the stop by the cap and the resume), none per record.
    const Notifications = notificationModel(rt.ctx.connection);
    const summaries = async () => (await Notifications.find({ tenantId, resource: 'import', resourceId: up.id }).lean()).map((n) => ({ userId: String(n.userId), category: n.category, title: n.title }));
    const got = await summaries();
    const dealt = [...members, named].map((m) => [String(m.id), [...expected.values()].filter((o) => o === String(m.id)).length] as const);
    assert.deepEqual(
      got.filter((n) => n.category === 'import.assigned').map((n) => [n.userId, n.title]).sort(),
      dealt.map(([id, n]) => [id, `${n} ${n === 1 ? 'contact' : 'contacts'} from an import are yours`]).sort(),
    );
    const importer = (await userModel(rt.ctx.connection).findOne({ tenantId, emailNormalized: agency.adminEmail.toLowerCase() }).lean())!;
    assert.deepEqual(got.filter((n) => n.category === 'import.completed').map((n) => [n.userId, n.title]), [[String(importer._id), 'Import of contacts.csv finished: 10 contacts created, 0 updated']]);
    const others = await Notifications.find({ tenantId, userId: op({ $in: [...members, named].map((m) => m.id) }) }).lean();
    assert.deepEqual(others.filter((n) => n.resourceId !== up.id), [], 'no notification per record');
    const kept2 = await importModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(up.id) } as never).lean();
    assert.deepEqual(Object.fromEntries(Object.entries(kept2!.ownerCounts!).sort()), Object.fromEntries([...dealt].sort()));
  });

  it('should refuse a task rule whose members the importer may not delegate to, naming assign.teamId, and write nothing', async () => {
    const head = await makeUser(rt, agency, { role: 'SALES_HEAD' });
    const headToken = await signIn(rt, head.email);
    const outside = await makeUser(rt, agency, { role: 'SE' });
    const teamId = await team('Phone', [outside.id]);
    const up = await upload('tasks', ['Titel', 'Eins'], headToken);
    const res = await rt.request().put(`/v1/imports/${up.id}/mapping`).set(auth(headToken)).send({ columns: up.suggestedMapping, dedupeKey: 'externalId', mode: 'create', assign: { teamId } });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.deepEqual(res.body.errors.map((e: { field: string; code: string }) => [e.field, e.code]), [['assign.teamId', 'forbidden']]);
    assert.match(res.body.errors[0].message, new RegExp(`${outside.email} is not you or someone below you`));
    const stored = await importModel(rt.ctx.connection).findOne({ tenantId, _id: new Types.ObjectId(up.id) } as never).lean();
    assert.deepEqual({ status: stored!.status, mapping: stored!.mapping }, { status: 'uploaded', mapping: null });
  });

  it('should answer 400 naming assign.teamId when the run is started after the team lost its members', async () => {
    const member = await makeUser(rt, agency, { role: 'SE' });
    const teamId = await team('Shrinking', [member.id]);
    const up = await upload('contacts', ['Vorname;Nachname', 'A;B']);
    await rt.request().put(`/v1/imports/${up.id}/mapping`).set(auth(admin)).send({ columns: up.suggestedMapping, dedupeKey: 'email', mode: 'create', assign: { teamId } }).expect(200);
    await rt.request().patch(`/v1/org/teams/${teamId}`).set(auth(admin)).send({ memberIds: [] }).expect(200);
    const res = await rt.request().post(`/v1/imports/${up.id}/run`).set(auth(admin));
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.deepEqual(res.body.errors.map((e: { field: string; code: string }) => [e.field, e.code]), [['assign.teamId', 'no_members']]);
    assert.equal((await rt.request().get(`/v1/imports/${up.id}`).set(auth(admin))).body.status, 'mapped');
  });

  it('should deal tasks to a team as assignees', async () => {
    const members = await Promise.all([1, 2].map(() => makeUser(rt, agency, { role: 'SE' })));
    const teamId = await team('Calls', members.map((m) => m.id));
    const up = await upload('tasks', ['Titel;Art', 'Eins;Anruf', 'Zwei;Anruf', 'Drei;Anruf']);
    await rt.request().put(`/v1/imports/${up.id}/mapping`).set(auth(admin)).send({ columns: up.suggestedMapping, dedupeKey: 'externalId', mode: 'create', assign: { teamId } }).expect(200);
    const done = await runToEnd(up.id);
    assert.equal(done.status, 'completed', done.failure);
    // The rule is saved with the mapping for the next file of tasks, and checked as a mapping's is.
    const saved = await rt.request().post('/v1/imports/tasks/mappings').set(auth(admin)).send({ name: 'Calls', columns: up.suggestedMapping, dedupeKey: 'externalId', mode: 'create', assign: { teamId } });
    assert.equal(saved.status, 201, JSON.stringify(saved.body));
    assert.deepEqual(saved.body.assign, { teamId, strategy: 'round-robin' });
    assert.deepEqual((await rt.request().get('/v1/imports/tasks/mappings').set(auth(admin)).expect(200)).body.data.map((m: { name: string; assign: unknown }) => [m.name, m.assign]), [['Calls', { teamId, strategy: 'round-robin' }]]);
    const unknown = await rt.request().post('/v1/imports/tasks/mappings').set(auth(admin)).send({ name: 'Nobody', columns: up.suggestedMapping, dedupeKey: 'externalId', mode: 'create', assign: { teamId: new Types.ObjectId().toHexString() } });
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.body.errors.map((e: { field: string }) => e.field), ['assign.teamId']);
    const order = [...members].sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1));
    const tasks = (await taskModel(rt.ctx.connection).collection.find({ tenantId, importId: new Types.ObjectId(up.id) }).toArray()) as unknown as Task[];
    const rowOf: Record<string, number> = { Eins: 2, Zwei: 3, Drei: 4 };
    assert.deepEqual(Object.fromEntries(tasks.map((t) => [t.title, String(t.assigneeId)])), Object.fromEntries(Object.entries(rowOf).map(([title, row]) => [title, String(order[row % 2]!.id)])));
  });

  it('should deal opportunities and leads to a team as owners, through their own createMany', async () => {
    const members = await Promise.all([1, 2].map(() => makeUser(rt, agency, { role: 'SE' })));
    const teamId = await team('Deals', members.map((m) => m.id));
    const order = [...members].sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1));
    const deals = await upload('opportunities', ['Verkaufschance;Nummer', 'Zwei;D2', 'Drei;D3', 'Vier;D4']);
    await rt.request().put(`/v1/imports/${deals.id}/mapping`).set(auth(admin)).send({ columns: deals.suggestedMapping, dedupeKey: 'externalId', mode: 'create', assign: { teamId } }).expect(200);
    assert.equal((await runToEnd(deals.id)).progress.created, 3);
    const owners = (await opportunityModel(rt.ctx.connection).collection.find({ tenantId, importId: new Types.ObjectId(deals.id) }).toArray()).map((d) => [d.name, String(d.ownerId)]);
    assert.deepEqual(Object.fromEntries(owners), { Zwei: String(order[0]!.id), Drei: String(order[1]!.id), Vier: String(order[0]!.id) });

    const leads = await upload('leads', ['Firma', 'Alpha', 'Beta']);
    await rt.request().put(`/v1/imports/${leads.id}/mapping`).set(auth(admin)).send({ columns: leads.suggestedMapping, dedupeKey: 'email', mode: 'create', assign: { teamId } }).expect(200);
    assert.equal((await runToEnd(leads.id)).progress.created, 2);
    const leadOwners = (await leadModel(rt.ctx.connection).collection.find({ tenantId, importId: new Types.ObjectId(leads.id) }).toArray()).map((l) => [l.companyName, String(l.ownerId)]);
    assert.deepEqual(Object.fromEntries(leadOwners), { Alpha: String(order[0]!.id), Beta: String(order[1]!.id) });
  });

  it('should move updated accounts under the parent their row names (refusing a cycle) and updated deals to their stage, and put both back on undo', async () => {
    const first = await upload('customers', ['Kundennummer;Firma', 'A1;Filiale', 'A2;Zentrale', 'A3;Konzern']);
    await rt.request().put(`/v1/imports/${first.id}/mapping`).set(auth(admin)).send({ columns: first.suggestedMapping, dedupeKey: 'externalId', mode: 'skip' }).expect(200);
    assert.equal((await runToEnd(first.id)).progress.created, 3);
    const deals = await upload('opportunities', ['Verkaufschance;Firma;Phase;Nummer', 'Rahmen;Konzern;Proposal;O1', 'Wartung;Konzern;Proposal;O2', 'Service;Konzern;Proposal;O3']);
    await rt.request().put(`/v1/imports/${deals.id}/mapping`).set(auth(admin)).send({ columns: deals.suggestedMapping, dedupeKey: 'externalId', mode: 'skip' }).expect(200);
    assert.equal((await runToEnd(deals.id)).progress.created, 3);

    const Customers = customerModel(rt.ctx.connection);
    const tree = async () => {
      const all = await Customers.find({ tenantId }).lean();
      const nameOf = new Map(all.map((c) => [String(c._id), c.name]));
      return Object.fromEntries(all.map((c) => [c.name, c.ancestorIds.map((a) => nameOf.get(String(a))).join(' > ')]));
    };
    const moves = await upload('customers', ['Kundennummer;Firma;Übergeordnet', 'A2;Zentrale;A3', 'A1;Filiale;Zentrale', 'A3;Konzern;A1']);
    await rt.request().put(`/v1/imports/${moves.id}/mapping`).set(auth(admin)).send({ columns: moves.suggestedMapping, dedupeKey: 'externalId', mode: 'update' }).expect(200);
    const moved = await runToEnd(moves.id);
    assert.equal(moved.status, 'completed', moved.failure);
    assert.deepEqual({ updated: moved.progress.updated, failed: moved.progress.failed }, { updated: 2, failed: 1 });
    assert.deepEqual(await tree(), { Konzern: '', Zentrale: 'Konzern', Filiale: 'Konzern > Zentrale' });
    const errors = (await rt.request().get(`/v1/imports/${moves.id}/errors`).set(auth(admin))).text;
    assert.match(errors, /4,Übergeordnet,parent,.*would make a cycle/);

    // A lost reason on a deal that stays open (no stage given) is refused, as `PATCH` refuses it, naming the column.
    const stages = await upload('opportunities', ['Verkaufschance;Phase;Verlustgrund;Nummer', 'Rahmen;Negotiation;;O1', 'Wartung;Lost;Preis;O2', 'Service;;Preis;O3']);
    await rt.request().put(`/v1/imports/${stages.id}/mapping`).set(auth(admin)).send({ columns: stages.suggestedMapping, dedupeKey: 'externalId', mode: 'update' }).expect(200);
    const staged = await runToEnd(stages.id);
    assert.equal(staged.status, 'completed', staged.failure);
    const stageErrors = (await rt.request().get(`/v1/imports/${stages.id}/errors`).set(auth(admin))).text;
    assert.deepEqual({ updated: staged.progress.updated, failed: staged.progress.failed }, { updated: 2, failed: 1 }, stageErrors);
    assert.match(stageErrors, /4,Verlustgrund,lostReason,.*lost opportunity/);
    const Deals = opportunityModel(rt.ctx.connection);
    const byName = async () => Object.fromEntries((await Deals.find({ tenantId } as never).lean()).filter((d) => ['Rahmen', 'Wartung'].includes(d.name)).map((d) => [d.name, { stage: d.stage, outcome: d.outcome ?? null, lostReason: d.lostReason ?? null, probability: d.probability }]));
    assert.deepEqual(await byName(), { Rahmen: { stage: 'negotiation', outcome: null, lostReason: null, probability: 75 }, Wartung: { stage: 'lost', outcome: 'lost', lostReason: 'Preis', probability: 0 } });
    const wartung = (await Deals.findOne({ tenantId, name: 'Wartung' } as never).lean())!;
    const history = await rt.request().get(`/v1/opportunities/${String(wartung._id)}/stage-history`).set(auth(admin)).expect(200);
    assert.deepEqual(history.body.data.map((h: { fromStage: string | null; toStage: string }) => [h.fromStage, h.toStage]), [['proposal', 'lost'], [null, 'proposal']]);

    await rt.request().post(`/v1/imports/${stages.id}/undo`).set(auth(admin)).expect(200);
    assert.deepEqual(Object.values(await byName()).map((d) => [d.stage, d.outcome, d.lostReason]), [['proposal', null, null], ['proposal', null, null]]);
    const undone = await rt.request().post(`/v1/imports/${moves.id}/undo`).set(auth(admin));
    assert.equal(undone.status, 200, JSON.stringify(undone.body));
    assert.equal(undone.body.undone.restored, 2);
    assert.deepEqual(await tree(), { Filiale: '', Zentrale: '', Konzern: '' });
  });
});
