import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { Types } from 'mongoose';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { startInboundSmtp } from '../../platform/mail/inbound-smtp.js';
import { createTestRuntime, deliveredMail, makeAgency, waitForMail, type TestAgency } from '../../testing/index.js';
import { customerUserModel } from '../customer-portal/customer-user.model.js';
import { tenantModel } from '../identity/tenant.model.js';
import { stripQuotedHistory } from './inbound-mail.js';
import { ticketMailDeliveryModel } from './ticket-mail.model.js';
import { ticketAttachmentModel, ticketMessageModel, ticketModel } from './ticket.model.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe('support email: replies out, answers in', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let slug: string;
  let smtp: Awaited<ReturnType<typeof startInboundSmtp>>;
  let client: Transporter;
  const auth = () => ({ Authorization: `Bearer ${agency.adminToken}` });
  const MAX = 256 * 1024;

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename, env: { JOBS_PROCESS_EVERY_MS: '100', SUPPORT_REPLY_ADDRESS: 'support@help.example.test' } });
    agency = await makeAgency(rt);
    slug = (await tenantModel(rt.ctx.connection).findOne({ _id: agency.tenantId }).lean())!.slug;
    await rt.ctx.jobs.start();
    smtp = await startInboundSmtp({ port: 0, host: '127.0.0.1', maxBytes: MAX, logger: rt.ctx.logger, acceptsRecipient: rt.inboundMail.acceptsRecipient, onMessage: rt.inboundMail.accept });
    client = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
  });
  after(async () => {
    client?.close();
    await smtp?.close();
    await rt.close();
  });

  const contactWith = async (email: string, customerId?: string) => {
    const res = await rt.request().post('/v1/contacts').set(auth()).send({ firstName: 'Ada', lastName: `L${new Types.ObjectId().toHexString().slice(-6)}`, emails: [{ value: email, primary: true }], ...(customerId ? { customerId } : {}) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const ticketFor = async (contactId: string, accountId?: string) => {
    const res = await rt.request().post('/v1/tickets').set(auth()).send({ subject: 'Printer <b>jams</b>', contactId, ...(accountId ? { accountId } : {}) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; number: number };
  };
  const account = async () => (await rt.request().post('/v1/customers').set(auth()).send({ name: `Acme ${new Types.ObjectId().toHexString().slice(-6)}` }).expect(201)).body.id as string;
  const publicMessages = async (ticketId: string) => ticketMessageModel(rt.ctx.connection).find({ tenantId: new Types.ObjectId(agency.tenantId), ticketId: new Types.ObjectId(ticketId) }).sort({ _id: 1 }).lean();
  /** Sends a reply to the ticket the way a mail client would, through the listener. */
  const replyTo = (outgoing: { replyTo: string; messageId: string; subject: string }, from: string, text: string, extra: SendMailOptions = {}) =>
    client.sendMail({ from, to: outgoing.replyTo, subject: `Re: ${outgoing.subject}`, inReplyTo: outgoing.messageId, references: [outgoing.messageId], text, ...extra });

  /** The email of an agent's public reply, read back with a real parser. */
  const emailedReply = async (to: string, count = 1) => {
    await waitForMail(rt, to, () => deliveredMail(rt, to).length >= count);
    const raw = deliveredMail(rt, to)[count - 1]!.raw;
    const parsed = await simpleParser(raw);
    const replyTo = parsed.replyTo?.value[0]?.address ?? '';
    return { parsed, replyTo, messageId: parsed.messageId ?? '', subject: parsed.subject ?? '' };
  };

  it('should email a public reply once to the ticket contact, escaped, with the ticket reply address, and never an internal note', async () => {
    const email = `ada.${new Types.ObjectId().toHexString()}@example.test`;
    const contactId = await contactWith(email);
    const ticket = await ticketFor(contactId);
    await rt.request().post(`/v1/tickets/${ticket.id}/messages`).set(auth()).send({ body: 'Internal: customer is on the old plan', visibility: 'internal' }).expect(201);
    const reply = await rt.request().post(`/v1/tickets/${ticket.id}/messages`).set(auth()).send({ body: 'Please try <script>alert(1)</script> the reset', visibility: 'public' }).expect(201);
    const out = await emailedReply(email);
    assert.equal(out.subject, `[#${ticket.number}] Printer <b>jams</b>`);
    assert.match(out.replyTo, /^support\+[a-f0-9]{40}@help\.example\.test$/);
    assert.ok(out.messageId.includes(reply.body.id), out.messageId);
    assert.ok(String(out.parsed.html).includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the HTML part escapes the reply');
    assert.ok(!String(out.parsed.html).includes('<script>'));
    assert.ok(out.parsed.text?.includes('Please try <script>alert(1)</script> the reset'));
    assert.ok(!deliveredMail(rt, email).some((m) => m.raw.includes('old plan')), 'the internal note is never emailed');
    // The same event again (a replay, a second worker): still one email.
    await rt.ctx.events.publish({ type: 'ticket.message_created', tenantId: new Types.ObjectId(agency.tenantId), resource: 'ticket', resourceId: ticket.id, actor: null, data: { messageId: reply.body.id, visibility: 'public', authorKind: 'user' } });
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(deliveredMail(rt, email).length, 1);
    const ledger = await ticketMailDeliveryModel(rt.ctx.connection).find({ tenantId: new Types.ObjectId(agency.tenantId), ticketId: new Types.ObjectId(ticket.id) }).lean();
    assert.deepEqual(ledger.map((d) => [String(d._id), d.state, d.to]), [[reply.body.id, 'sent', email]]);
  });

  it('should thread an emailed answer into its ticket as a public customer message without the quoted history, once per Message-ID', async () => {
    const email = `bo.${new Types.ObjectId().toHexString()}@example.test`;
    const contactId = await contactWith(email);
    const ticket = await ticketFor(contactId);
    await rt.request().post(`/v1/tickets/${ticket.id}/transitions`).set(auth()).send({ to: 'open' }).expect(200);
    await rt.request().post(`/v1/tickets/${ticket.id}/transitions`).set(auth()).send({ to: 'pending_customer' }).expect(200);
    await rt.request().post(`/v1/tickets/${ticket.id}/messages`).set(auth()).send({ body: 'Which model is it?', visibility: 'public' }).expect(201);
    const out = await emailedReply(email);
    const answer = 'It is the LX-200.\n\nOn Fri, 4 Dec 2026 at 20:00, Support <support@help.example.test>\nwrote:\n> Which model is it?\n> ##- Please type your reply above this line -##';
    const sent = await replyTo(out, email, answer, { messageId: '<answer-1@client.example.test>', attachments: [{ filename: 'photo.png', content: PNG }] });
    assert.equal(sent.rejected?.length ?? 0, 0);
    // The mail server retries the same message: stored once.
    await replyTo(out, email, answer, { messageId: '<answer-1@client.example.test>' });
    const messages = await publicMessages(ticket.id);
    const fromCustomer = messages.filter((m) => m.authorKind === 'customer');
    assert.equal(fromCustomer.length, 1);
    assert.equal(fromCustomer[0]!.body, 'It is the LX-200.');
    assert.equal(fromCustomer[0]!.visibility, 'public');
    assert.deepEqual(fromCustomer[0]!.attachments.map((a) => [a.name, a.contentType]), [['photo.png', 'image/png']]);
    assert.equal((await ticketAttachmentModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(agency.tenantId), ticketId: new Types.ObjectId(ticket.id) })), 1);
    const agentView = await rt.request().get(`/v1/tickets/${ticket.id}`).set(auth()).expect(200);
    assert.equal(agentView.body.status, 'open', 'an answer to a ticket waiting for the customer reopens it');

    // A client that replies to the From address keeps the ticket's Message-ID in References: still threaded.
    await client.sendMail({ from: email, to: `support+${slug}@help.example.test`, subject: 'Re: thanks', references: [out.messageId], text: 'Works now, thanks!', messageId: '<answer-2@client.example.test>' });
    assert.deepEqual((await publicMessages(ticket.id)).filter((m) => m.authorKind === 'customer').map((m) => m.body), ['It is the LX-200.', 'Works now, thanks!']);
  });

  it('should take an answer from a customer user of the ticket account, and refuse a stranger writing to the reply address', async () => {
    const acme = await account();
    const contactEmail = `cy.${new Types.ObjectId().toHexString()}@example.test`;
    const contactId = await contactWith(contactEmail, acme);
    const ticket = await ticketFor(contactId, acme);
    await rt.request().post(`/v1/tickets/${ticket.id}/messages`).set(auth()).send({ body: 'Done?', visibility: 'public' }).expect(201);
    const out = await emailedReply(contactEmail);
    const colleague = `dee.${new Types.ObjectId().toHexString()}@example.test`;
    const colleagueContact = await contactWith(`other.${colleague}`, acme);
    const user = await customerUserModel(rt.ctx.connection).create({ tenantId: new Types.ObjectId(agency.tenantId), contactId: new Types.ObjectId(colleagueContact), accountId: new Types.ObjectId(acme), email: colleague, emailNormalized: colleague, name: 'Dee', role: 'customer_case_manager', status: 'active' });
    await replyTo(out, colleague, 'Yes, done on our side.', { messageId: '<colleague@client.example.test>' });
    const fromCustomer = (await publicMessages(ticket.id)).filter((m) => m.authorKind === 'customer');
    assert.deepEqual(fromCustomer.map((m) => [m.body, String(m.authorId)]), [['Yes, done on our side.', String(user._id)]]);

    const stranger = `eve.${new Types.ObjectId().toHexString()}@elsewhere.test`;
    await assert.rejects(replyTo(out, stranger, 'Let me in', { messageId: '<eve@elsewhere.test>' }), (error: { responseCode?: number }) => error.responseCode === 550);
    assert.equal((await publicMessages(ticket.id)).filter((m) => m.body === 'Let me in').length, 0);
    const tickets = await ticketModel(rt.ctx.connection).find({ tenantId: new Types.ObjectId(agency.tenantId), channel: 'email' }).lean();
    assert.equal(tickets.some((t) => t.subject.includes('Let me in') || t.description === 'Let me in'), false);
  });

  it('should open a ticket with channel email for a known contact writing to the agency address, and refuse unknown senders, addresses and tokens', async () => {
    const email = `fay.${new Types.ObjectId().toHexString()}@example.test`;
    const contactId = await contactWith(email);
    await client.sendMail({ from: email, to: `support+${slug}@help.example.test`, subject: 'Fwd: Invoice missing', text: 'Where is my invoice?\n\n-- \nFay', messageId: '<fay-1@client.example.test>' });
    const opened = await ticketModel(rt.ctx.connection).find({ tenantId: new Types.ObjectId(agency.tenantId), contactId: new Types.ObjectId(contactId) }).lean();
    assert.deepEqual(opened.map((t) => [t.channel, t.subject, t.description, t.status]), [['email', 'Invoice missing', 'Where is my invoice?', 'new']]);

    await assert.rejects(client.sendMail({ from: `nobody.${new Types.ObjectId().toHexString()}@example.test`, to: `support+${slug}@help.example.test`, subject: 'Hi', text: 'Hello', messageId: '<nobody@x.test>' }), (e: { responseCode?: number }) => e.responseCode === 550);
    await assert.rejects(client.sendMail({ from: email, to: `support+${'0'.repeat(40)}@help.example.test`, subject: 'Hi', text: 'Forged token' }), (e: { responseCode?: number }) => e.responseCode === 550);
    await assert.rejects(client.sendMail({ from: email, to: 'support@help.example.test', subject: 'Hi', text: 'Bare address' }), (e: { responseCode?: number }) => e.responseCode === 550);
    await assert.rejects(client.sendMail({ from: email, to: `support+no-such-agency@help.example.test`, subject: 'Hi', text: 'Unknown agency' }), (e: { responseCode?: number }) => e.responseCode === 550);
    await assert.rejects(client.sendMail({ from: email, to: `support+${slug}@help.example.test`, subject: 'Big', text: 'x'.repeat(MAX + 1) }), (e: { responseCode?: number }) => e.responseCode === 552);
    assert.equal(await ticketModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(agency.tenantId), contactId: new Types.ObjectId(contactId) }), 1);
  });

  it('should strip quoted history the way common mail clients write it', () => {
    assert.equal(stripQuotedHistory('Thanks!\n\nAm 04.12.2026 um 20:00 schrieb Support <s@x>:\n> old'), 'Thanks!');
    assert.equal(stripQuotedHistory('Fine\r\n-----Original Message-----\r\nFrom: x'), 'Fine');
    assert.equal(stripQuotedHistory('Top\n> quoted\nbottom\n-- \nsig'), 'Top\nbottom');
  });
});
