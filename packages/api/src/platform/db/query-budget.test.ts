import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Schema, type Model } from 'mongoose';
import { createTestRuntime } from '../../testing/index.js';
import { budgetProblem, queryBudget } from './query-budget.js';

type TestRuntime = Awaited<ReturnType<typeof createTestRuntime>>;

// A list FerretDB cannot serve fast: a filter on a field it does not push down (a dotted path) and a sort,
// so every document is fetched and decoded in Go before the first row comes back. Enough of them that one
// such list takes well over three budgets even on a quiet, fast machine (30,000 took 826 ms on one).
const DOCS = 60_000;
const BUDGET_MS = 300;
const POOL = 2;

describe('query budgets: maxTimeMS on every query, a sized pool that slow lists cannot keep', () => {
  let rt: TestRuntime;
  interface BudgetThing {
    n: number;
    meta: { group: string };
    note: string;
  }
  const model = (): Model<BudgetThing> =>
    (rt.ctx.connection.models.BudgetThing as Model<BudgetThing> | undefined) ??
    rt.ctx.connection.model<BudgetThing>('BudgetThing', new Schema<BudgetThing>({ n: Number, meta: { group: String }, note: String }), 'budget_things');
  const slowList = (options: { maxTimeMS?: number } = {}) => {
    const query = model().find({ 'meta.group': 'g1' }).sort({ note: -1 }).limit(20).lean();
    if (options.maxTimeMS !== undefined) query.maxTimeMS(options.maxTimeMS);
    return query;
  };

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename, env: { DB_POOL_SIZE: String(POOL), DB_QUERY_TIMEOUT_MS: String(BUDGET_MS), DB_POOL_WAIT_MS: '60000' } });
    const docs = Array.from({ length: DOCS }, (_, n) => ({ n, meta: { group: `g${n % 3}` }, note: `note ${n} `.repeat(8) }));
    for (let i = 0; i < docs.length; i += 5000) await model().collection.insertMany(docs.slice(i, i + 5000));
  });

  after(async () => {
    await rt?.close();
  });

  it('should give every query the budget, and the database should stop one that runs past it (503, not 500)', async () => {
    assert.equal(queryBudget(), BUDGET_MS);
    const started = Date.now();
    const error = await slowList().then(() => null, (e: unknown) => e); // no maxTimeMS of its own: the plugin's
    assert.ok(error, 'the slow list was stopped');
    assert.equal((error as { code?: number }).code, 50, `MaxTimeMSExpired from the database: ${String(error)}`);
    const problem = budgetProblem(error);
    assert.equal(problem?.status, 503);
    assert.equal(problem?.headers['Retry-After'], '1');
    assert.ok(Date.now() - started < 10 * BUDGET_MS, `stopped near the budget (${Date.now() - started} ms)`);
  });

  it('should keep a read by id answering while slow lists flood a pool of two', async () => {
    // What one slow list costs with no budget: what each would hold a connection for.
    const unbudgetedStart = Date.now();
    const rows = await slowList({ maxTimeMS: 0 });
    const unbudgetedMs = Date.now() - unbudgetedStart;
    assert.equal(rows.length, 20);
    assert.ok(unbudgetedMs > 3 * BUDGET_MS, `the list is slow enough to show anything (${unbudgetedMs} ms)`);

    const target = await model().findOne({ n: 7 }).select('_id').lean();
    const flood = Array.from({ length: 3 * POOL }, () => slowList().then(() => 'done', (e: { code?: number }) => (e.code === 50 ? 'stopped' : String(e))));
    const readStart = Date.now();
    const read = await model().findById(target!._id).lean();
    const readMs = Date.now() - readStart;
    const outcomes = await Promise.all(flood);
    assert.equal(read?.n, 7);
    assert.ok(outcomes.every((o) => o === 'stopped'), outcomes.join(', '));
    // Queued behind 6 lists on 2 connections: without the budget it would wait for 3 of them in turn.
    assert.ok(readMs < 3 * unbudgetedMs, `the read waited ${readMs} ms; one unbudgeted list takes ${unbudgetedMs} ms`);
    assert.ok(readMs < unbudgetedMs, `the read waited ${readMs} ms, less than a single unbudgeted list (${unbudgetedMs} ms)`);
  });
});
