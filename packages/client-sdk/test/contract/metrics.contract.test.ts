// crm.metrics against the real API: a whole dashboard's figures in one request, equal to the single ones.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CrmClient } from '../../src/core/client.js';
import { CrmValidationError } from '../../src/core/errors.js';
import { startLiveApi, type LiveApi } from '../support/live-api.js';

let api: LiveApi;
let crm: CrmClient;

before(async () => {
  api = await startLiveApi({ file: import.meta.filename });
  crm = api.adminClient();
});
after(() => api?.close());

describe('crm.metrics.batch', () => {
  it('should answer series and attainments in order, each equal to its single request', async () => {
    const pipeline = await crm.pipelines.create({ name: 'Batch', stages: [{ key: 'open', name: 'Open', probability: 10, kind: 'open' }, { key: 'won', name: 'Won', probability: 100, kind: 'won' }, { key: 'lost', name: 'Lost', probability: 0, kind: 'lost' }] });
    await crm.opportunities.create({ name: 'Batch deal', amount: 1200, currency: 'EUR', pipelineId: pipeline.id, stage: 'won' });
    const series = { metric: 'deals.won.amount', period: 'month', dimension: 'owner' } as const;
    const attainment = { metric: 'deals.won.amount', period: 'month' } as const;
    const single = await crm.metrics.query(series);
    const { results } = await crm.metrics.batch([{ kind: 'metric', ...series }, { kind: 'attainment', ...attainment }]);
    assert.deepEqual(results.map((r) => r.kind), ['metric', 'attainment']);
    const [first, second] = results;
    assert.ok(first?.kind === 'metric' && second?.kind === 'attainment');
    // The roll-up may still be applying the deal: compare against single answers read after the batch too.
    assert.deepEqual(first.metric.series.map((s) => s.key), single.series.map((s) => s.key));
    assert.deepEqual(second.attainment, await crm.targets.attainment(attainment));
  });

  it('should reject a batch with a bad query as a CrmValidationError naming it', async () => {
    const error = await crm.metrics.batch([{ kind: 'metric', metric: 'deals.won', period: 'month' }, { kind: 'metric', metric: 'nope' as 'deals.won', period: 'month' }]).then(
      () => assert.fail('expected a 400'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof CrmValidationError);
    assert.deepEqual(error.errors?.map((e) => e.field), ['queries.1.metric']);
  });
});
