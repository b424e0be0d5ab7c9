import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { startSmtpSink, type SmtpSink } from '../../platform/mail/smtp-sink.js';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { deliveredMail, waitForMail } from '../../testing/mailbox.js';
import { sendModel } from '../messaging/messaging.model.js';
import { ticketModel } from './ticket.model.js';

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('satisfaction survey when a ticket is resolved, and the follow-up case of a low score', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let sink: SmtpSink;
  let agency: TestAgency;
  let tenantId: Types.ObjectId;
  let template: string;
  const auth = () => ({ Authorization: `Bearer ${agency.adminToken}` });
  const feedbackPath = (text: string) => /\/v1\/feedback\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/.exec(text)?.[0];

  before(async () => {
    sink = await startSmtpSink();
    rt = await createTestRuntime({ file: import.meta.filename, env: { ENCRYPTION_KEY: randomBytes(32).toString('base64'), SMTP_URL: sink.url, JOBS_PROCESS_EVERY_MS: '100', JOBS_LOCK_LIFETIME_MS: '2000', PUBLIC_URL: 'http://api.test' } });
    agency = await makeAgency(rt, 'Helpdesk Co');
    tenantId = new Types.ObjectId(agency.tenantId);
    const tpl = await rt.request().post('/v1/templates').set(auth()).send({
      name: 'Ticket survey',
      category: 'satisfaction',
      subject: 'How did {{agency.name}} do?',
      html: '<p>{{link feedback.positiveUrl "Good"}} · {{link feedback.negativeUrl "Not good"}}</p>',
      text: 'Rate us: {{feedback.url}}',
    });
    assert.equal(tpl.status, 201, JSON.stringify(tpl.body));
    template = tpl.body.id;
    await rt.ctx.jobs.start();
  });
  after(async () => {
    await rt.close();
    await sink.stop();
  });

  const customerWithContact = async (name: string, email: string, preferences: Record<string, unknown> = {}) => {
    const account = await rt.request().post('/v1/customers').set(auth()).send({ name, preferences });
    assert.equal(account.status, 201, JSON.stringify(account.body));
    const contact = await rt.request().post('/v1/contacts').set(auth()).send({ firstName: 'Ria', lastName: name, customerId: account.body.id, emails: [{ value: email, primary: true }] });
    assert.equal(contact.status, 201, JSON.stringify(contact.body));
    return { accountId: account.body.id as string, contactId: contact.body.id as string };
  };
  const resolvedTicket = async (who: { accountId: string; contactId: string }, subject: string) => {
    const ticket = await rt.request().post('/v1/tickets').set(auth()).send({ subject, ...who });
    assert.equal(ticket.status, 201, JSON.stringify(ticket.body));
    const resolved = await rt.request().post(`/v1/tickets/${ticket.body.id}/transitions`).set(auth()).send({ to: 'resolved' });
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    return ticket.body as { id: string; number: number };
  };

  it('should survey nobody on resolve until the agency asks for it, and then refuse it without a template', async () => {
    const who = await customerWithContact('Quiet Ltd', 'ria@quiet.test');
    await resolvedTicket(who, 'No survey yet');
    const none = await rt.request().put('/v1/satisfaction-settings').set(auth()).send({ enabled: false, afterTicketResolved: true });
    assert.equal(none.status, 400);
    assert.equal(none.body.errors[0].field, 'templateId');
    const on = await rt.request().put('/v1/satisfaction-settings').set(auth()).send({ enabled: false, templateId: template, afterTicketResolved: true });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    assert.equal(on.body.afterTicketResolved, true);
    assert.equal(await sendModel(rt.ctx.connection).countDocuments({ tenantId, kind: 'satisfaction' }), 0, 'resolved before it was asked for: no survey');
  });

  it("should email the ticket's contact once however often it is resolved, and open one follow-up case on a low score", async () => {
    const who = await customerWithContact('Grumpy GmbH', 'ria@grumpy.test');
    const ticket = await resolvedTicket(who, 'Printer still broken');
    const mail = await waitForMail(rt, 'ria@grumpy.test', (m) => m.subject === 'How did Helpdesk Co do?');
    const path = feedbackPath(mail.text);
    assert.ok(path, mail.text);

    // Reopened and resolved again, and the event replayed: still the one survey.
    await rt.request().post(`/v1/tickets/${ticket.id}/transitions`).set(auth()).send({ to: 'open' }).expect(200);
    await rt.request().post(`/v1/tickets/${ticket.id}/transitions`).set(auth()).send({ to: 'resolved' }).expect(200);
    const current = (await rt.request().get(`/v1/tickets/${ticket.id}`).set(auth())).body;
    await rt.ctx.events.publish({ type: 'ticket.transitioned', tenantId, resource: 'ticket', resourceId: ticket.id, actor: null, record: current, data: { from: 'open', to: 'resolved' } });
    const surveys = await sendModel(rt.ctx.connection).find({ tenantId, kind: 'satisfaction' }).lean();
    assert.equal(surveys.length, 1);
    await until(async () => (await sendModel(rt.ctx.connection).findOne({ tenantId, _id: surveys[0]!._id }).lean())?.state === 'completed', 'the survey send to complete');
    assert.equal(deliveredMail(rt, 'ria@grumpy.test').filter((m) => m.subject === 'How did Helpdesk Co do?').length, 1);

    const followUps = () => ticketModel(rt.ctx.connection).find({ tenantId, accountId: new Types.ObjectId(who.accountId), category: 'feedback' }).lean();
    assert.equal((await followUps()).length, 0);
    const answer = await rt.request().post(path!).send({ rating: 'negative', comment: 'Nobody called back' });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(answer.body, { recorded: true, rating: 'negative' });
    const feedback = await rt.request().get(`/v1/customers/${who.accountId}/feedback`).set(auth());
    assert.deepEqual(feedback.body.data.map((f: { respondentType: string; respondentId: string; source: string }) => [f.respondentType, f.respondentId, f.source]), [['contact', who.contactId, 'survey']], 'the contact answered for its account');
    const opened = await followUps();
    assert.equal(opened.length, 1);
    assert.deepEqual(
      { priority: opened[0]!.priority, contactId: String(opened[0]!.contactId), status: opened[0]!.status },
      { priority: 'high', contactId: who.contactId, status: 'new' },
    );
    // The same answer sent again (a double click) opens nothing more.
    await rt.request().post(path!).send({ rating: 'negative', comment: 'Nobody called back' }).expect(200);
    assert.equal((await followUps()).length, 1);
  });

  it('should open no follow-up for a good score, and survey no account that opted out of satisfaction emails', async () => {
    const happy = await customerWithContact('Happy AG', 'ria@happy.test');
    await resolvedTicket(happy, 'Thanks for the fix');
    const mail = await waitForMail(rt, 'ria@happy.test', (m) => m.subject === 'How did Helpdesk Co do?');
    await rt.request().post(feedbackPath(mail.text)!).send({ rating: 'positive' }).expect(200);
    assert.equal(await ticketModel(rt.ctx.connection).countDocuments({ tenantId, accountId: new Types.ObjectId(happy.accountId), category: 'feedback' }), 0);

    const quiet = await customerWithContact('Opted Out SA', 'ria@optedout.test', { satisfactionEmails: false });
    const ticket = await resolvedTicket(quiet, 'Do not survey me');
    const sends = await sendModel(rt.ctx.connection).find({ tenantId, kind: 'satisfaction' }).select('name').lean();
    assert.ok(!sends.some((s) => s.name.includes(`#${ticket.number} `)), 'no survey for an account that opted out');
  });
});
