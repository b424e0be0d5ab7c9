import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccessHarness, type SignedInCaller } from './access-walk.js';

/** The function-level walk (see function-level.test.ts) as the plain Sales Person of 000. */
describe('security: function-level access for the Sales Person', () => {
  let h: Awaited<ReturnType<typeof createAccessHarness>>;
  let salesPerson: SignedInCaller;

  before(async () => {
    h = await createAccessHarness(import.meta.filename, { users: ['SALES_PERSON'], walked: ['SALES_PERSON'] });
    salesPerson = h.users.get('SALES_PERSON')!;
  });
  after(() => h.rt.close());

  it('should give the plain Sales Person exactly what its role grants on every route', async () => {
    const { mismatches, counts } = await h.walk(salesPerson);
    assert.deepEqual(mismatches, []);
    assert.ok(counts['403']! > 30 && counts.allowed! > 50, JSON.stringify(counts));
  });
});
