import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { contactModel } from '../../modules/contacts/contact.model.js';
import { pruneVersionClaims, versionClaimModel, writeNextVersion, writeVersion } from './version-claims.js';

describe('version claims (optimistic concurrency on every engine)', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
  });
  after(() => rt.close());

  const newContact = async (firstName: string) => {
    const res = await rt.request().post('/v1/contacts').set(auth(agency.adminToken)).send({ firstName, lastName: 'Claims' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; version: number };
  };
  const stored = async (id: string) => (await contactModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(id) }).lean())!;

  it('should let exactly one of many simultaneous writers of the same version through', async () => {
    const contact = await newContact('Race');
    const Contact = contactModel(rt.ctx.connection);
    const record = { _id: new Types.ObjectId(contact.id), version: contact.version };
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => writeVersion(Contact, record, { $set: { jobTitle: `writer ${i}` } })));
    assert.equal(outcomes.filter(Boolean).length, 1, 'one winner');
    const after = await stored(contact.id);
    assert.equal(after.version, contact.version + 1);
    assert.equal(after.jobTitle, `writer ${outcomes.indexOf(true)}`, 'the winner’s change, and only it');
  });

  it('should answer 412 to all but one of simultaneous PATCHes with the same If-Match, over HTTP', async () => {
    const contact = await newContact('Patch');
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => rt.request().patch(`/v1/contacts/${contact.id}`).set(auth(agency.adminToken)).set('If-Match', String(contact.version)).send({ jobTitle: `editor ${i}` })),
    );
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 412, 412, 412, 412]);
    const conflict = answers.find((a) => a.status === 412)!;
    assert.equal(conflict.body.code, 'precondition_failed');
    assert.equal((await stored(contact.id)).version, contact.version + 1);
  });

  it('should step over a claim its writer never completed, once it is old, and never over a fresh one', async () => {
    const contact = await newContact('Orphan');
    const Contact = contactModel(rt.ctx.connection);
    const record = { _id: new Types.ObjectId(contact.id), version: contact.version };
    const Claims = versionClaimModel(rt.ctx.connection);
    // A writer claimed the next version, then died before writing.
    await Claims.create({ _id: `${Contact.collection.collectionName}:${contact.id}:${contact.version + 1}`, at: new Date() });
    assert.equal(await writeVersion(Contact, record, { $set: { jobTitle: 'too early' } }), false, 'a fresh claim is a writer at work');
    await Claims.updateOne({ _id: `${Contact.collection.collectionName}:${contact.id}:${contact.version + 1}` }, { $set: { at: new Date(Date.now() - 60_000) } });
    assert.equal(await writeVersion(Contact, record, { $set: { jobTitle: 'after the orphan' } }), true);
    const after = await stored(contact.id);
    assert.equal(after.jobTitle, 'after the orphan');
    assert.equal(after.version, contact.version + 2, 'the orphaned number is skipped');
    // The API keeps working from the new version.
    const next = await rt.request().patch(`/v1/contacts/${contact.id}`).set(auth(agency.adminToken)).set('If-Match', String(after.version)).send({ jobTitle: 'next' });
    assert.equal(next.status, 200, JSON.stringify(next.body));
    assert.equal(next.body.version, contact.version + 3);
  });

  it('should keep a transition and a stage move to one winner too', async () => {
    const contact = await newContact('Transition');
    const moves = await Promise.all(['hot', 'cold', 'hot'].map((to) => rt.request().post(`/v1/contacts/${contact.id}/transitions`).set(auth(agency.adminToken)).send({ to, version: contact.version })));
    assert.equal(moves.filter((m) => m.status === 200).length, 1, JSON.stringify(moves.map((m) => [m.status, m.body.code])));
    assert.ok(moves.filter((m) => m.status !== 200).every((m) => m.status === 409));
  });

  it('should apply every one of simultaneous system changes, each as its own version', async () => {
    const contact = await newContact('System');
    const Contact = contactModel(rt.ctx.connection);
    const tenantId = new Types.ObjectId(agency.tenantId);
    const tags = Array.from({ length: 6 }, (_, i) => `sys-${i}`);
    const applied = await Promise.all(tags.map((tag) => writeNextVersion(Contact, tenantId, new Types.ObjectId(contact.id), () => ({ $addToSet: { tags: tag } }))));
    assert.ok(applied.every(Boolean), 'none is lost to a 409');
    const after = await stored(contact.id);
    assert.deepEqual([...after.tags].sort(), tags);
    assert.equal(after.version, contact.version + tags.length, 'one version per change');
    // A change that no longer applies is declined, and another agency's id finds nothing.
    assert.equal(await writeNextVersion(Contact, tenantId, after._id, () => null), null);
    assert.equal(await writeNextVersion(Contact, new Types.ObjectId(), after._id, () => ({ $set: { jobTitle: 'x' } })), null);
    assert.equal((await stored(contact.id)).version, after.version);
  });

  it('should give the claim back when the database refuses the write', async () => {
    const contact = await newContact('Refused');
    const Contact = contactModel(rt.ctx.connection);
    const record = { _id: new Types.ObjectId(contact.id), version: contact.version };
    // `$inc` on a string is refused by every engine after the claim is taken.
    await assert.rejects(writeVersion(Contact, record, { $inc: { firstName: 1 } } as never));
    assert.equal(await versionClaimModel(rt.ctx.connection).countDocuments({ _id: `${Contact.collection.collectionName}:${contact.id}:${contact.version + 1}` }), 0);
    assert.equal(await writeVersion(Contact, record, { $set: { jobTitle: 'next writer' } }), true, 'the next writer is not held off for 30 s');
  });

  it('should forget claims older than a day and keep the rest', async () => {
    const Claims = versionClaimModel(rt.ctx.connection);
    await Claims.create([
      { _id: `prune-test:old:1`, at: new Date(Date.now() - 2 * 24 * 3600_000) },
      { _id: `prune-test:new:1`, at: new Date() },
    ]);
    assert.ok((await pruneVersionClaims(rt.ctx.connection)) >= 1);
    assert.equal(await Claims.countDocuments({ _id: 'prune-test:old:1' }), 0);
    assert.equal(await Claims.countDocuments({ _id: 'prune-test:new:1' }), 1);
  });
});
