import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import nodemailer, { type Transporter } from 'nodemailer';
import { startInboundSmtp } from '../../platform/mail/inbound-smtp.js';
import { startSmtpSink, type SmtpSink } from '../../platform/mail/smtp-sink.js';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { activityModel } from '../activities/activity.model.js';

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** An RFC 3464 report as a receiving MTA writes it, for the message with `messageId` to `to`. */
function dsn(reporter: string, to: string, returnPath: string, messageId: string, status: string): string {
  const boundary = 'dsn-boundary-1';
  return [
    `From: Mail Delivery System <mailer-daemon@${reporter}>`,
    `To: ${returnPath}`,
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    `The mail system could not deliver your message to <${to}>.`,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${reporter}`,
    '',
    `Final-Recipient: rfc822; ${to}`,
    'Action: failed',
    `Status: ${status}`,
    'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    `Message-ID: ${messageId}`,
    `To: ${to}`,
    'Subject: Spring offer',
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

describe('campaign analytics for our own sends', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let sink: SmtpSink;
  let agency: TestAgency;
  let inbound: Awaited<ReturnType<typeof startInboundSmtp>>;
  let client: Transporter;
  const auth = () => ({ Authorization: `Bearer ${agency.adminToken}` });

  before(async () => {
    sink = await startSmtpSink();
    rt = await createTestRuntime({
      file: import.meta.filename,
      env: { SMTP_URL: sink.url, JOBS_PROCESS_EVERY_MS: '100', MAIL_RETRY_BASE_MS: '5', PUBLIC_URL: 'http://api.test', SUPPORT_SMTP_PORT: '0', SUPPORT_REPLY_ADDRESS: 'support@help.example.test' },
    });
    agency = await makeAgency(rt);
    await rt.ctx.jobs.start();
    inbound = await startInboundSmtp({ port: 0, host: '127.0.0.1', maxBytes: 1_000_000, logger: rt.ctx.logger, acceptsRecipient: rt.inboundMail.acceptsRecipient, onMessage: rt.inboundMail.accept });
    client = nodemailer.createTransport({ host: '127.0.0.1', port: inbound.port, secure: false, ignoreTLS: true });
  });
  after(async () => {
    client.close();
    await inbound.close();
    await rt.close();
    await sink.stop();
  });

  const contact = async (email: string) => (await rt.request().post('/v1/contacts').set(auth()).send({ firstName: 'Ada', lastName: 'Test', emails: [{ value: email, primary: true }] }).expect(201)).body.id as string;
  const analytics = async (campaignId: string) => {
    const res = await rt.request().get(`/v1/campaigns/${campaignId}/email-analytics`).set(auth());
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };

  it('should count opens once per delivery, redirect only signed clicks, take a DSN over SMTP as a bounce that suppresses the address, and record replies and unsubscribes', async () => {
    const campaign = (await rt.request().post('/v1/campaigns').set(auth()).send({ title: 'Spring offer', code: `E${new Types.ObjectId().toHexString().slice(-8)}`, type: 'email' }).expect(201)).body.id as string;
    const template = (
      await rt
        .request()
        .post('/v1/templates')
        .set(auth())
        .send({ name: `spring-${new Types.ObjectId().toHexString()}`, category: 'marketing', subject: 'Spring offer', html: '<p>Hi {{recipient.firstName}}</p><p><a href="https://shop.example.test/offer?a=1&amp;b=2">See the offer</a></p>', text: 'Hi, see https://shop.example.test/offer' })
        .expect(201)
    ).body.id as string;
    const suffix = new Types.ObjectId().toHexString().slice(-6);
    const emails = { opener: `opener-${suffix}@example.test`, bouncer: `bouncer-${suffix}@example.test`, replier: `replier-${suffix}@example.test` };
    const ids = [await contact(emails.opener), await contact(emails.bouncer), await contact(emails.replier)];
    const created = await rt.request().post('/v1/greetings').set(auth()).send({ name: 'Spring', templateId: template, targets: { contactIds: ids }, sendAt: '2020-01-01T09:00', campaignId: campaign, tracking: true });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.campaignId, campaign);
    await until(async () => sink.messages.filter((m) => m.to.some((t) => t.endsWith(`-${suffix}@example.test`))).length === 3, 'three campaign emails');
    const mailTo = (address: string) => sink.messages.find((m) => m.to.includes(address))!;

    // Opens: the pixel is a GIF; the same delivery opening twice is one unique open and two opens.
    const opener = mailTo(emails.opener);
    const pixel = /http:\/\/api\.test(\/v1\/t\/o\/[^"]+)"/.exec(opener.html)?.[1];
    assert.ok(pixel, 'the message carries the pixel');
    for (let i = 0; i < 2; i += 1) {
      const gif: { headers: Record<string, string> } = await rt.request().get(pixel!).expect(200);
      assert.equal(gif.headers['content-type'], 'image/gif');
    }
    assert.equal((await rt.request().get('/v1/t/o/not-a-real-token-at-all.gif').expect(200)).headers['content-type'], 'image/gif');

    // Clicks: the link is a signed redirect to the original URL; a changed signature never redirects.
    const click = /http:\/\/api\.test(\/v1\/t\/c\/[^"]+)"/.exec(opener.html)?.[1];
    assert.ok(click, 'the link was rewritten');
    assert.ok(!opener.html.includes('href="https://shop.example.test'), 'no untracked copy of the link');
    const redirected = await rt.request().get(click!).redirects(0);
    assert.equal(redirected.status, 200);
    assert.equal(redirected.headers.refresh, '0; url=https://shop.example.test/offer?a=1&b=2');
    assert.ok(redirected.text.includes('href="https://shop.example.test/offer?a=1&amp;b=2"'));
    const forged = click!.slice(0, -3) + (click!.endsWith('AAA') ? 'BBB' : 'AAA');
    const refused = await rt.request().get(forged).redirects(0);
    assert.equal(refused.status, 404);
    assert.equal(refused.headers.location, undefined);
    assert.equal(refused.headers.refresh, undefined);
    const elsewhere = await rt.request().get(`/v1/t/c/${Buffer.from(`${agency.tenantId}.x.https://evil.example`).toString('base64url')}.sig`).redirects(0);
    assert.equal(elsewhere.status, 404);
    assert.equal(elsewhere.headers.refresh, undefined);

    // A bounce: the receiving server's DSN arrives over SMTP at the return path (VERP) of the message.
    const bouncer = mailTo(emails.bouncer);
    assert.match(bouncer.from, /^support\+b[a-f0-9]{40}@help\.example\.test$/, 'the return path names the delivery');
    const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(bouncer.raw)![1]!;
    await client.sendMail({ envelope: { from: '', to: bouncer.from }, raw: dsn('mx.example.test', emails.bouncer, bouncer.from, messageId, '5.1.1') });
    const suppressions = await rt.request().get('/v1/suppressions').set(auth()).expect(200);
    assert.ok(suppressions.body.data.some((s: { email: string }) => s.email === emails.bouncer), 'the hard-bounced address is suppressed');

    // A reply to the agency's address, threaded by In-Reply-To, lands on the contact's timeline.
    const replier = mailTo(emails.replier);
    const replyId = /^Message-ID:\s*(<[^>]+>)/im.exec(replier.raw)![1]!;
    await client.sendMail({ from: emails.replier, to: bouncer.from, subject: 'Re: Spring offer', inReplyTo: replyId, references: [replyId], text: 'Sounds good, call me.' });
    const timeline = await activityModel(rt.ctx.connection).find({ tenantId: new Types.ObjectId(agency.tenantId), subjectId: new Types.ObjectId(ids[2]) }).lean();
    assert.equal(timeline.filter((a) => a.tags.includes('campaign-reply') && a.direction === 'inbound').length, 1);

    // An unsubscribe through the message's link counts for the campaign.
    const unsubscribe = /http:\/\/api\.test(\/v1\/unsubscribe\/[^"\s]+\?d=[^"\s]+)"/.exec(opener.html)?.[1];
    assert.ok(unsubscribe, 'the unsubscribe link carries the delivery');
    await rt.request().post(unsubscribe!.replace(/&amp;/g, '&')).set('Accept', 'application/json').send({}).expect(200);

    const numbers = await analytics(campaign);
    assert.deepEqual(
      { sent: numbers.sent, delivered: numbers.delivered, opened: numbers.opened, opens: numbers.opens, clicked: numbers.clicked, clicks: numbers.clicks, bounced: numbers.bounced, bouncedHard: numbers.bouncedHard, replied: numbers.replied, unsubscribed: numbers.unsubscribed },
      { sent: 3, delivered: 2, opened: 1, opens: 2, clicked: 1, clicks: 1, bounced: 1, bouncedHard: 1, replied: 1, unsubscribed: 1 },
    );
    assert.equal(numbers.rates.opened, 0.5);
    assert.equal(numbers.rates.bounced, 0.3333);
    assert.deepEqual(numbers.links, [{ url: 'https://shop.example.test/offer?a=1&b=2', clicked: 1 }]);

    // The same DSN again (a retrying server) and the same open again change nothing unique.
    await client.sendMail({ envelope: { from: '', to: bouncer.from }, raw: dsn('mx.example.test', emails.bouncer, bouncer.from, messageId, '5.1.1') });
    await rt.request().get(pixel!).expect(200);
    const again = await analytics(campaign);
    assert.equal(again.bounced, 1);
    assert.equal(again.opened, 1);
    assert.equal(again.opens, 3);
  });

  it('should count a one-click List-Unsubscribe POST (RFC 8058) as the campaign\'s unsubscribe exactly once, and show each contact what the campaign did', async () => {
    const campaign = (await rt.request().post('/v1/campaigns').set(auth()).send({ title: 'Autumn offer', code: `O${new Types.ObjectId().toHexString().slice(-8)}`, type: 'email' }).expect(201)).body.id as string;
    const template = (
      await rt
        .request()
        .post('/v1/templates')
        .set(auth())
        .send({ name: `autumn-${new Types.ObjectId().toHexString()}`, category: 'marketing', subject: 'Autumn offer', html: '<p>Hi</p><p><a href="https://shop.example.test/autumn">Autumn</a></p>', text: 'Hi' })
        .expect(201)
    ).body.id as string;
    const suffix = new Types.ObjectId().toHexString().slice(-6);
    const emails = { leaver: `leaver-${suffix}@example.test`, reader: `reader-${suffix}@example.test` };
    const [leaver, reader] = [await contact(emails.leaver), await contact(emails.reader)];
    await rt.request().post('/v1/greetings').set(auth()).send({ name: 'Autumn', templateId: template, targets: { contactIds: [leaver, reader] }, sendAt: '2020-01-01T09:00', campaignId: campaign, tracking: true }).expect(201);
    await until(async () => sink.messages.filter((m) => m.to.some((t) => t.endsWith(`-${suffix}@example.test`))).length === 2, 'two campaign emails');
    const mailTo = (address: string) => sink.messages.find((m) => m.to.includes(address))!;

    // The header a mail client POSTs to (RFC 8058): it names the delivery like the link in the body.
    const header = /^List-Unsubscribe:((?:[^\r\n]*)(?:\r?\n[ \t][^\r\n]*)*)/im.exec(mailTo(emails.leaver).raw)?.[1]?.replace(/\s+/g, '');
    assert.ok(header, 'the message has a List-Unsubscribe header');
    assert.match(mailTo(emails.leaver).raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click/im);
    const oneClick = /^<http:\/\/api\.test(\/v1\/unsubscribe\/[^>?]+\?d=[^>]+)>$/.exec(header!)?.[1];
    assert.ok(oneClick, `the one-click URL carries the delivery: ${header}`);
    // A mail client's one-click POST, twice (a retry): one unsubscribe.
    for (let i = 0; i < 2; i += 1) {
      await rt.request().post(oneClick!).type('form').send('List-Unsubscribe=One-Click').set('Accept', 'application/json').expect(200);
    }
    const subscription = await rt.request().get(`/v1/contacts/${leaver}/subscriptions`).set(auth());
    assert.equal(subscription.status, 200, JSON.stringify(subscription.body));
    assert.ok(JSON.stringify(subscription.body).includes('"subscribed":false'), 'the contact is unsubscribed');

    // The reader opens and clicks.
    const html = mailTo(emails.reader).html;
    await rt.request().get(/http:\/\/api\.test(\/v1\/t\/o\/[^"]+)"/.exec(html)![1]!).expect(200);
    await rt.request().get(/http:\/\/api\.test(\/v1\/t\/c\/[^"]+)"/.exec(html)![1]!).expect(200);

    const numbers = await analytics(campaign);
    assert.deepEqual({ sent: numbers.sent, unsubscribed: numbers.unsubscribed, opened: numbers.opened, clicked: numbers.clicked }, { sent: 2, unsubscribed: 1, opened: 1, clicked: 1 });

    // Per contact: what this campaign did with each of them.
    const engagement = async (id: string) => {
      const res = await rt.request().get(`/v1/contacts/${id}/campaign-engagement`).set(auth());
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return (res.body.data as { campaignId: string }[]).filter((row) => row.campaignId === campaign);
    };
    const left = await engagement(leaver);
    assert.equal(left.length, 1);
    assert.deepEqual({ ...left[0], sentAt: undefined }, { campaignId: campaign, title: 'Autumn offer', source: 'email', sentAt: undefined, sent: true, delivered: true, opened: false, clicked: false, links: [], bounced: null, replied: false, unsubscribed: true });
    const read = await engagement(reader);
    assert.deepEqual({ ...read[0], sentAt: undefined }, { campaignId: campaign, title: 'Autumn offer', source: 'email', sentAt: undefined, sent: true, delivered: true, opened: true, clicked: true, links: ['https://shop.example.test/autumn'], bounced: null, replied: false, unsubscribed: false });
    assert.ok(Date.parse((read[0] as unknown as { sentAt: string }).sentAt) > 0);

    // Another agency sees neither the contact nor its campaigns.
    const other = await makeAgency(rt);
    const theirs = await rt.request().get(`/v1/contacts/${reader}/campaign-engagement`).set({ Authorization: `Bearer ${other.adminToken}` });
    assert.equal(theirs.status, 404);
  });

  it('should answer 404 for the analytics of a campaign of another agency', async () => {
    const other = await makeAgency(rt);
    const theirs = (await rt.request().post('/v1/campaigns').set({ Authorization: `Bearer ${other.adminToken}` }).send({ title: 'Theirs', code: `T${new Types.ObjectId().toHexString().slice(-8)}`, type: 'email' }).expect(201)).body.id as string;
    const res = await rt.request().get(`/v1/campaigns/${theirs}/email-analytics`).set(auth());
    assert.equal(res.status, 404);
  });
});
