import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFreshRead } from './fresh-read.js';

/** A stored value and a read of it that takes a few milliseconds, counting the reads made. */
function store() {
  const state = { value: 0, reads: 0 };
  const read = async (_key: string) => {
    state.reads += 1;
    // The value is taken as the read starts, as a database read sees what was committed before it.
    const seen = state.value;
    await new Promise((r) => setTimeout(r, 5));
    return seen;
  };
  return { state, read };
}

describe('fresh reads shared by the callers of the same moment', () => {
  it('should share one or two reads among many callers at once', async () => {
    const { state, read } = store();
    const fresh = createFreshRead(read);
    const answers = await Promise.all(Array.from({ length: 50 }, () => fresh('a')));
    assert.deepEqual(new Set(answers), new Set([0]));
    assert.ok(state.reads <= 2, `${state.reads} reads for 50 callers`);
  });

  it('should never answer a caller with a read that started before it asked', async () => {
    const { state, read } = store();
    const fresh = createFreshRead(read);
    const first = fresh('a');
    // A write lands while the first read runs; a caller asking after it must see it.
    state.value = 1;
    const second = fresh('a');
    assert.equal(await first, 0);
    assert.equal(await second, 1);
    assert.equal(state.reads, 2);
    // Once those reads are done, a new caller reads again (the kept read started before it asked).
    state.value = 2;
    assert.equal(await fresh('a'), 2);
    assert.equal(state.reads, 3);
  });

  it('should answer a caller asking again at the same moment from the read it already waited for', async () => {
    const { state, read } = store();
    const fresh = createFreshRead(read);
    const asOf = performance.now();
    assert.equal(await fresh('a', asOf), 0);
    state.value = 1;
    assert.equal(await fresh('a', asOf), 0, 'the read that started after asOf stands for that moment');
    assert.equal(state.reads, 1);
    assert.equal(await fresh('a'), 1, 'a later moment reads again');
    assert.equal(state.reads, 2);
  });

  it('should keep keys apart and not keep a failed read', async () => {
    let fail = true;
    let reads = 0;
    const fresh = createFreshRead(async (key: string) => {
      reads += 1;
      await new Promise((r) => setTimeout(r, 1));
      if (fail) throw new Error(`no ${key}`);
      return key;
    });
    const asOf = performance.now();
    await assert.rejects(fresh('a', asOf), /no a/);
    fail = false;
    assert.equal(await fresh('a', asOf), 'a', 'a failed read is not kept for its moment');
    assert.equal(await fresh('b', asOf), 'b');
    assert.equal(reads, 3);
  });
});
