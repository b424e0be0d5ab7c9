// The calls around outgoing email, against the real API with its jobs running and a capturing SMTP server:
// nurture sequences, the satisfaction survey answered through its emailed link, feedback on an account,
// one-click unsubscribe by an email's token, and a widget's double opt-in signup confirmed by its link.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { CrmClient } from '../../src/core/client.js';
import { CrmConflictError, CrmNotFoundError } from '../../src/core/errors.js';
import { createPublicClient } from '../../src/core/public-client.js';
import { importApiModule, type CapturedMail, type MailTestingModule } from '../support/api-modules.js';
import { startLiveApi, type LiveApi } from '../support/live-api.js';

let api: LiveApi;
let crm: CrmClient;
let smtp: Awaited<ReturnType<MailTestingModule['startSmtpCapture']>>;

before(async () => {
  const { startSmtpCapture } = await importApiModule<MailTestingModule>('src/platform/mail/testing.ts');
  smtp = await startSmtpCapture();
  api = await startLiveApi({
    file: import.meta.filename,
    env: {
      SMTP_URL: smtp.url,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      JOBS_PROCESS_EVERY_MS: '100',
      // Agenda leaves a timer of half the lock lifetime behind each job it ran; a short lifetime lets the file exit.
      JOBS_LOCK_LIFETIME_MS: '2000',
      CAMPAIGN_MIN_FILL_MS: '0',
    },
  });
  await api.runtime.ctx.jobs.start();
  crm = api.adminClient();
});
after(async () => {
  await api?.close();
  await smtp?.stop();
});

/** The token in a link of the form `<prefix><token>` or `<prefix>?token=<token>` in `text`. */
function tokenAfter(text: string, prefix: string): string {
  const escaped = prefix.replace(/[.*+?^$()|[\]\\/]/g, '\\$&');
  const token = new RegExp(`${escaped}(?:\\?token=)?([^\\s"&<>?]+)`).exec(text)?.[1];
  assert.ok(token, `a link ${prefix}... in ${text.slice(0, 400)}`);
  return decodeURIComponent(token);
}

/** The headers of a captured message, unfolded. */
function headersOf(mail: CapturedMail): string {
  return (mail.raw.split(/\r?\n\r?\n/)[0] ?? '').replace(/\r?\n[ \t]+/g, ' ');
}

describe('crm.nurtureSequences', () => {
  it('should create a sequence, enrol contacts once, list and stop enrolments, and turn the sequence off and on', async () => {
    const template = (name: string) =>
      crm.templates.create({ name, category: 'nurturing', subject: name, html: `<p>{{recipient.firstName}}: ${name}</p>`, text: name });
    const welcome = await template('Welcome aboard');
    const offer = await template('A first offer');
    const ana = await crm.contacts.create({ firstName: 'Ana', lastName: 'Lead', emails: [{ value: 'ana@nurture.test', label: 'work', primary: true }] });
    const bo = await crm.contacts.create({ firstName: 'Bo', lastName: 'Lead', emails: [{ value: 'bo@nurture.test', label: 'work', primary: true }] });

    const sequence = await crm.nurtureSequences.create({ name: 'New leads', steps: [{ templateId: welcome.id, delayDays: 1 }, { templateId: offer.id, delayDays: 3 }] });
    assert.equal(sequence.active, true);
    assert.deepEqual(sequence.steps.map((step) => step.delayDays), [1, 3]);
    assert.equal((await crm.nurtureSequences.get(sequence.id)).name, 'New leads');
    assert.ok((await crm.nurtureSequences.list()).data.some((found) => found.id === sequence.id));

    assert.deepEqual(await crm.nurtureSequences.enroll(sequence.id, [ana.id, bo.id]), { enrolled: 2, alreadyEnrolled: 0 });
    assert.deepEqual(await crm.nurtureSequences.enroll(sequence.id, [ana.id]), { enrolled: 0, alreadyEnrolled: 1 });
    const enrolments = await crm.nurtureSequences.listEnrollments(sequence.id);
    assert.deepEqual(enrolments.data.map((enrolment) => [enrolment.contactId, enrolment.state, enrolment.nextStep]).sort(), [
      [ana.id, 'active', 0],
      [bo.id, 'active', 0],
    ].sort());

    await crm.nurtureSequences.stopEnrollment(sequence.id, bo.id);
    const afterStop = await crm.nurtureSequences.listEnrollments(sequence.id);
    assert.equal(afterStop.data.find((enrolment) => enrolment.contactId === bo.id)?.state, 'stopped');
    assert.equal(afterStop.data.find((enrolment) => enrolment.contactId === ana.id)?.state, 'active');
    await assert.rejects(crm.nurtureSequences.stopEnrollment(sequence.id, bo.id), CrmNotFoundError);

    assert.equal((await crm.nurtureSequences.setActive(sequence.id, false)).active, false);
    assert.equal((await crm.nurtureSequences.get(sequence.id)).active, false);
    const cy = await crm.contacts.create({ firstName: 'Cy', lastName: 'Lead' });
    await assert.rejects(crm.nurtureSequences.enroll(sequence.id, [cy.id]), CrmConflictError);
    assert.equal((await crm.nurtureSequences.setActive(sequence.id, true)).active, true);
    assert.equal((await crm.nurtureSequences.enroll(sequence.id, [cy.id])).enrolled, 1);
  });
});

describe('crm.satisfaction, customer feedback and crm.suppressions.unsubscribe', () => {
  it('should survey a customer after a won deal, record the answer given through the link, and unsubscribe by the email token', async () => {
    const template = await crm.templates.create({
      name: 'Survey',
      category: 'satisfaction',
      subject: 'How did we do?',
      html: '<p>Dear {{recipient.fullName}}, {{link feedback.positiveUrl "Good"}}</p>',
      text: 'Rate us: {{feedback.url}}',
    });
    const settings = await crm.satisfaction.updateSettings({ enabled: false, templateId: template.id, afterWonDays: 0 });
    assert.equal(settings.templateId, template.id);
    assert.equal(settings.afterWonDays, 0);
    assert.deepEqual(await crm.satisfaction.getSettings(), settings);

    const account = await crm.customers.create({ name: 'Blue Harbour', emails: [{ value: 'ops@blue.test', label: 'work', primary: true }] });
    const deal = await crm.opportunities.create({ name: 'Spring fair', amount: 1200, currency: 'EUR', customerId: account.id });
    await crm.opportunities.move(deal.id, { stage: 'won', version: deal.version });
    const survey = await smtp.waitFor((mail) => mail.to.includes('ops@blue.test') && mail.subject === 'How did we do?', 20_000);

    const answered = await crm.satisfaction.answer(tokenAfter(survey.text, '/v1/feedback/'), { rating: 'negative', comment: 'Late delivery' });
    assert.deepEqual(answered, { recorded: true, rating: 'negative' });
    const changed = await crm.satisfaction.answer(tokenAfter(survey.text, '/v1/feedback/'), { rating: 'positive' });
    assert.equal(changed.rating, 'positive');
    await assert.rejects(crm.satisfaction.answer('not-a-real-survey-token', { rating: 'positive' }), CrmNotFoundError);

    const recorded = await crm.customers.createFeedback(account.id, { rating: 'neutral', level: 'po', reference: 'PO-2026-114', comment: 'ok' });
    assert.equal(recorded.source, 'manual');
    const feedback = await crm.customers.listFeedback(account.id);
    // Survey answers are listed by an id derived from their link, so the order is not by time: compare as a set.
    assert.deepEqual(feedback.data.map((entry) => [entry.source, entry.rating, entry.comment]).sort(), [
      ['manual', 'neutral', 'ok'],
      ['survey', 'positive', ''],
    ]);

    // A survey is a marketing category: the email carries a one-click unsubscribe link.
    const unsubscribeToken = tokenAfter(headersOf(survey), '/v1/unsubscribe/');
    const unsubscribed = await crm.suppressions.unsubscribe(unsubscribeToken);
    assert.equal(unsubscribed.unsubscribed, true);
    const subscriptions = await crm.customers.subscriptions(account.id);
    assert.ok(
      subscriptions.subscriptions.some((entry) => entry.category === unsubscribed.category && entry.channel === 'email' && !entry.subscribed),
      JSON.stringify(subscriptions),
    );
  });
});

describe('crm.public.ping and crm.public.campaigns.confirmSignup', () => {
  it("should check a widget's key, and confirm a double opt-in signup by the emailed link", async () => {
    const origin = 'https://partner.example.test';
    const { key } = await crm.apiKeys.create({ kind: 'publishable', name: 'Partner site', allowedOrigins: [origin] });
    const widget = createPublicClient({
      baseUrl: api.baseUrl,
      publishableKey: key,
      fetch: (url, init) => fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), Origin: origin } }),
    });
    assert.equal(typeof (await widget.public.ping()).tenant, 'string');

    const campaign = await crm.campaigns.create({
      title: 'Webinar',
      code: 'WEBINAR',
      type: 'event',
      visibility: 'public',
      form: { doubleOptIn: true, thankYouMessage: 'See you there', fields: [{ key: 'email', label: 'Email', required: true }] },
    });
    await crm.campaigns.transition(campaign.id, { to: 'new' });
    await crm.campaigns.transition(campaign.id, { to: 'active' });
    const shown = await widget.public.campaigns.get('WEBINAR');
    const signup = await widget.public.campaigns.signUp('WEBINAR', { formToken: shown.formToken, fields: { email: 'optin@example.test' }, consent: true });
    assert.equal(signup.confirmationRequired, true);
    const pending = await crm.campaigns.listSignups(campaign.id, { referrer: 'any' });
    assert.deepEqual(pending.data.map((entry) => entry.status), ['pending']);

    const mail = await smtp.waitFor((received) => received.to.includes('optin@example.test'), 20_000);
    const confirmed = await widget.public.campaigns.confirmSignup(tokenAfter(mail.text, '/v1/public/signup-confirmations'));
    assert.equal(confirmed.status, 'confirmed');
    assert.equal(confirmed.message, 'See you there');
    const after = await crm.campaigns.listSignups(campaign.id, { referrer: 'any' });
    assert.deepEqual(after.data.map((entry) => entry.status), ['confirmed']);
  });
});
