import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { startFakeApi, type FakeApi } from '../testing/fake-api.js';
import { createPublicClient } from '../core/public-client.js';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('crm.public.campaigns (what the widgets call)', () => {
  it('should get a campaign by code, encoding the code as one path segment', async () => {
    api = await startFakeApi(() => ({ status: 200, body: { code: 'SPRING', title: 'Spring' } }));
    const widget = createPublicClient({ baseUrl: api.baseUrl, publishableKey: 'pk_test_1' });
    const campaign = await widget.public.campaigns.get('SPRING/../x');
    assert.equal(campaign.title, 'Spring');
    assert.equal(api.requests[0]?.path, '/v1/public/campaigns/SPRING%2F..%2Fx');
    assert.equal(api.requests[0]?.headers.authorization, 'Bearer pk_test_1');
  });

  it('should post engagements and signups with an Idempotency-Key', async () => {
    api = await startFakeApi((request) => (request.path.endsWith('/signups') ? { status: 202, body: { status: 'received', confirmationRequired: false, message: null, redirectUrl: null } } : { status: 200, body: { counted: true, counts: { views: 1, likes: 0, enrolments: 0 } } }));
    const widget = createPublicClient({ baseUrl: api.baseUrl, publishableKey: 'pk_test_1' });
    const engaged = await widget.public.campaigns.engage('SPRING', 'like', 'visitor-1234');
    assert.equal(engaged.counted, true);
    assert.equal(api.requests[0]?.path, '/v1/public/campaigns/SPRING/like');
    assert.deepEqual(api.requests[0]?.body, { visitorId: 'visitor-1234' });
    const result = await widget.public.campaigns.signUp('SPRING', { fields: { email: 'ada@example.com' }, consent: true, formToken: 'token' });
    assert.equal(result.status, 'received');
    assert.equal(api.requests[1]?.path, '/v1/public/campaigns/SPRING/signups');
    assert.ok(api.requests[1]?.headers['idempotency-key']);
  });
});
