// crm.metrics against the real API: a whole dashboard's figures in one request, equal to the single ones.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CrmValidationError } from '../../src/core/errors.js';
import { useLiveApi } from '../support/live-api.js';

const live = useLiveApi(import.meta.filename);

describe('crm.metrics.batch', () => {
  it('should answer series and attainments in order, each equal to its single request', async () => {
    const pipeline = await live.crm.pipelines.create({ name: 'Batch', stages: [{ key: 'open', name: 'Open', probability: 10, kind: 'open' }, { key: 'won', name: 'Won', probability: 100, kind: 'won' }, { key: 'lost', name: 'Lost', probability: 0, kind: 'lost' }] });
    await live.crm.opportunities.create({ name: 'Batch deal', amount: 1200, currency: 'EUR', pipelineId: pipeline.id, stage: 'won' });
    const series = { metric: 'deals.won.amount', period: 'month', dimension: 'owner' } as const;
    const attainment = { metric: 'deals.won.amount', period: 'month' } as const;
    // The roll-up applies the deal shortly after the write: wait until it is counted, so that the batch and the
    // single reads around it see the same figures (the applier landing between them made them differ once).
    for (const until = Date.now() + 30_000; (await live.crm.targets.attainment(attainment)).actual !== 1200; ) {
      if (Date.now() > until) assert.fail('the deal was not counted within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const single = await live.crm.metrics.query(series);
    const { results } = await live.crm.metrics.batch([{ kind: 'metric', ...series }, { kind: 'attainment', ...attainment }]);
    assert.deepEqual(results.map((r) => r.kind), ['metric', 'attainment']);
    const [first, second] = results;
    assert.ok(first?.kind === 'metric' && second?.kind === 'attainment');
    assert.deepEqual(first.metric.series.map((s) => s.key), single.series.map((s) => s.key));
    assert.deepEqual(second.attainment, await live.crm.targets.attainment(attainment));
  });

  it('should reject a batch with a bad query as a CrmValidationError naming it', async () => {
    const error = await live.crm.metrics.batch([{ kind: 'metric', metric: 'deals.won', period: 'month' }, { kind: 'metric', metric: 'nope' as 'deals.won', period: 'month' }]).then(
      () => assert.fail('expected a 400'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof CrmValidationError);
    assert.deepEqual(error.errors?.map((e) => e.field), ['queries.1.metric']);
  });
});
