// Campaigns through the signed-in client, and the public campaign routes through a widget's publishable key.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { CrmClient } from '../core/client.js';
import { CrmNotFoundError } from '../core/errors.js';
import { createPublicClient } from '../core/public-client.js';
import { startLiveApi, type LiveApi } from '../testing/live-api.js';

let api: LiveApi;
let crm: CrmClient;

before(async () => {
  api = await startLiveApi({ file: import.meta.filename });
  crm = api.adminClient();
});
after(() => api?.close());

describe('crm.campaigns', () => {
  it('should run the record routes, stats and referral codes', async () => {
    const campaign = await crm.campaigns.create({
      title: 'Spring sale',
      code: 'SPRING',
      type: 'referral',
      form: { fields: [{ key: 'email', label: 'Email', required: true }] },
    });
    assert.equal((await crm.campaigns.get(campaign.id)).code, 'SPRING');
    assert.equal((await crm.campaigns.update(campaign.id, { description: 'Ten percent off' }, { ifMatch: campaign.version })).description, 'Ten percent off');
    assert.ok((await crm.campaigns.list({ q: 'Spring' })).data.some((found) => found.id === campaign.id));
    assert.match(await crm.campaigns.export({ q: 'Spring' }), /Spring/);
    assert.equal((await crm.campaigns.transition(campaign.id, { to: 'new' })).status, 'new');
    assert.equal((await crm.campaigns.history(campaign.id)).at(-1)?.to, 'new');
    assert.ok(await crm.campaigns.stats(campaign.id));
    const referral = await crm.campaigns.createReferralCode(campaign.id);
    assert.equal(typeof referral.code, 'string');
    assert.ok((await crm.campaigns.listReferralCodes(campaign.id)).data.some((code) => code.code === referral.code));
    assert.ok(Array.isArray((await crm.campaigns.listSignups(campaign.id)).data));
    assert.ok(Array.isArray((await crm.campaigns.listMySignups()).data));
    await crm.campaigns.remove(campaign.id);
    await assert.rejects(crm.campaigns.get(campaign.id), CrmNotFoundError);
  });
});

describe('crm.public.campaigns', () => {
  it('should show a public campaign to a widget, count engagement once per visitor and take a signup', async () => {
    const origin = 'https://partner.example.test';
    const campaign = await crm.campaigns.create({
      title: 'Open day',
      code: 'OPENDAY',
      type: 'event',
      visibility: 'public',
      form: { fields: [{ key: 'email', label: 'Email', required: true }, { key: 'firstName', label: 'First name' }] },
    });
    await crm.campaigns.transition(campaign.id, { to: 'new' });
    assert.equal((await crm.campaigns.transition(campaign.id, { to: 'active' })).status, 'active');
    const { key } = await crm.apiKeys.create({ kind: 'publishable', name: 'Partner site', allowedOrigins: [origin] });
    const widget = createPublicClient({
      baseUrl: api.baseUrl,
      publishableKey: key,
      fetch: (url, init) => fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), Origin: origin } }),
    });

    const shown = await widget.public.campaigns.get('OPENDAY');
    assert.equal(shown.title, 'Open day');
    const visitorId = randomUUID();
    const first = await widget.public.campaigns.engage('OPENDAY', 'like', visitorId);
    const again = await widget.public.campaigns.engage('OPENDAY', 'like', visitorId);
    assert.equal(first.counted, true);
    assert.equal(again.counted, false);
    const signup = await widget.public.campaigns.signUp('OPENDAY', { formToken: shown.formToken, fields: { email: 'visitor@example.test', firstName: 'Visiting' }, consent: true });
    assert.equal(signup.status, 'received');
  });
});
