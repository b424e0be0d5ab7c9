// Campaigns through the signed-in client, and the public campaign routes through a widget's publishable key.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { CrmClient } from '../../src/core/client.js';
import { CrmNotFoundError, CrmValidationError } from '../../src/core/errors.js';
import { createPublicClient } from '../../src/core/public-client.js';
import { importApiModule, type MailTestingModule } from '../support/api-modules.js';
import { startLiveApi, type LiveApi } from '../support/live-api.js';

let api: LiveApi;
let crm: CrmClient;
let smtp: Awaited<ReturnType<MailTestingModule['startSmtpCapture']>>;

before(async () => {
  const { startSmtpCapture } = await importApiModule<MailTestingModule>('src/platform/mail/testing.ts');
  smtp = await startSmtpCapture();
  api = await startLiveApi({ file: import.meta.filename, env: { SMTP_URL: smtp.url } });
  crm = api.adminClient();
});
after(async () => {
  await api?.close();
  await smtp?.stop();
});

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

describe('crm.campaigns messages', () => {
  it('should preview a written message for a contact, send a test to the signed-in user once, and refuse activation without an audience', async () => {
    const contact = await crm.contacts.create({ firstName: 'Rita', lastName: 'Monteiro', emails: [{ label: 'work', value: 'rita@moeda.example', primary: true }] });
    const message = { subject: 'Hello {{recipient.firstName}}', body: 'Dear {{recipient.fullName}},\n\nsee you in Lisbon.' };
    const unsaved = await crm.campaigns.previewMessage({ contactId: contact.id, message });
    assert.equal(unsaved.subject, 'Hello Rita');
    assert.equal(unsaved.html, '<p>Dear Rita Monteiro,</p>\n<p>see you in Lisbon.</p>');
    const campaign = await crm.campaigns.create({ title: 'Autumn invite', code: 'AUTUMN', type: 'email', message });
    const saved = await crm.campaigns.preview(campaign.id, { contactId: contact.id });
    assert.equal(saved.text, 'Dear Rita Monteiro,\n\nsee you in Lisbon.');
    const idempotencyKey = `test-send-${campaign.id}`;
    const sent = await crm.campaigns.sendTest(campaign.id, { contactId: contact.id }, { idempotencyKey });
    const again = await crm.campaigns.sendTest(campaign.id, { contactId: contact.id }, { idempotencyKey });
    assert.deepEqual(again, sent);
    assert.equal(sent.subject, '[Test] Hello Rita');
    const mail = await smtp.waitFor((m) => m.subject === '[Test] Hello Rita');
    assert.deepEqual(mail.to, [sent.to]);
    assert.equal(smtp.messages.filter((m) => m.subject === '[Test] Hello Rita').length, 1);
    await crm.campaigns.transition(campaign.id, { to: 'new' });
    const refused = await crm.campaigns.transition(campaign.id, { to: 'active' }).catch((error: unknown) => error);
    assert.ok(refused instanceof CrmValidationError, String(refused));
    assert.deepEqual(refused.errors?.map((e) => e.field), ['audience']);
    assert.equal((await crm.campaigns.get(campaign.id)).status, 'new');
    assert.equal((await crm.campaigns.get(campaign.id)).counts.testSends, 1);
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
