import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime } from '../../testing/index.js';
import { backfillEmailKeys, claimEmailKeys, emailKeyId, emailKeysReady } from './email-keys.js';

describe('email keys', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
  });
  after(async () => {
    await rt.close();
  });

  it('should key the records from before keys existed once, and until then not call the kind ready', async () => {
    const db = rt.ctx.connection.db!;
    const state = db.collection<{ _id: string }>('email_key_backfill');
    // The start-up backfill found no lead and recorded the kind as done; records from an older version are written raw here.
    for (let i = 0; i < 50 && !(await state.findOne({ _id: 'leads' })); i += 1) await new Promise((r) => setTimeout(r, 100));
    await state.deleteOne({ _id: 'leads' });
    const tenantId = new Types.ObjectId();
    const docs = Array.from({ length: 1203 }, (_, i) => ({ _id: new Types.ObjectId(), tenantId, firstName: 'Old', primaryEmail: i === 7 ? null : `old${i}@keys.example` }));
    await db.collection('leads').insertMany(docs);
    assert.equal(await emailKeysReady(rt.ctx.connection, 'leads'), false, 'records without keys: imports must read address by address');
    assert.equal(await backfillEmailKeys(rt.ctx.connection), 1202);
    assert.equal(await emailKeysReady(rt.ctx.connection, 'leads'), true);
    const keys = db.collection<{ _id: string; recordId: Types.ObjectId }>('import_keys');
    assert.ok((await keys.findOne({ _id: emailKeyId(tenantId, 'leads', 'old1202@keys.example') }))?.recordId.equals(docs[1202]!._id));
    // A claim of a keyed address names it as taken; a new one is not.
    const taken = await claimEmailKeys(rt.ctx.connection, 'leads', [
      { tenantId, email: 'old3@keys.example', recordId: null },
      { tenantId, email: 'brand-new@keys.example', recordId: null },
    ]);
    assert.deepEqual([...taken], [0]);
    assert.equal(await backfillEmailKeys(rt.ctx.connection), 0, 'done once');
  });
});
