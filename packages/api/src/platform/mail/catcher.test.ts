import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import nodemailer, { type Transporter } from 'nodemailer';
import { MailCatcherConfigError, startMailCatcher, startMailCatcherFromEnv, type MailCatcher } from './catcher.js';

describe('local mail catcher', () => {
  let catcher: MailCatcher;
  let transport: Transporter;
  const get = async (path: string) => {
    const res = await fetch(`${catcher.webUrl}${path}`);
    return { status: res.status, headers: res.headers, body: await res.text() };
  };

  before(async () => {
    catcher = await startMailCatcher({ smtpPort: 0, httpPort: 0, maxMessages: 3 });
    transport = nodemailer.createTransport(catcher.smtpUrl);
  });
  after(async () => {
    transport.close();
    await catcher.stop();
  });

  it('should keep a message sent through nodemailer and answer it from the JSON API', async () => {
    catcher.clear();
    await transport.sendMail({
      from: '"Ana Demo" <ana@demo.crm.test>',
      to: 'Bo <bo@example.test>',
      subject: 'Olá, season’s greetings',
      text: 'Hello Bo',
      html: '<p>Hello <strong>Bo</strong></p>',
      headers: { 'List-Unsubscribe': '<https://crm.test/v1/unsubscribe/abc>' },
      attachments: [{ filename: 'quote.txt', content: 'forty two' }],
    });
    const list = JSON.parse((await get('/api/messages')).body) as { data: { id: number; subject: string; from: string; to: string; attachments: number }[]; total: number };
    assert.equal(list.total, 1);
    const [summary] = list.data;
    assert.equal(summary!.subject, 'Olá, season’s greetings');
    assert.equal(summary!.from, '"Ana Demo" <ana@demo.crm.test>');
    assert.equal(summary!.to, '"Bo" <bo@example.test>');
    assert.equal(summary!.attachments, 1);

    const one = await get(`/api/messages/${summary!.id}`);
    assert.equal(one.status, 200);
    const message = JSON.parse(one.body) as { text: string; html: string; envelope: { from: string; to: string[] }; headers: Record<string, string>; attachments: { filename: string }[] };
    assert.equal(message.text.trim(), 'Hello Bo');
    assert.equal(message.html, '<p>Hello <strong>Bo</strong></p>');
    assert.deepEqual(message.envelope, { from: 'ana@demo.crm.test', to: ['bo@example.test'] });
    assert.equal(message.headers['list-unsubscribe'], '<https://crm.test/v1/unsubscribe/abc>');
    assert.equal(message.attachments[0]!.filename, 'quote.txt');

    const eml = await get(`/messages/${summary!.id}.eml`);
    assert.match(eml.body, /^Subject: /m);
    assert.equal((await get('/api/messages/999')).status, 404);
  });

  it('should escape a hostile subject, sender and body in its pages, and sandbox the email HTML', async () => {
    catcher.clear();
    const hostile = '<script>alert("subject")</script><img src=x onerror=alert(1)>';
    await transport.sendMail({
      from: { name: '<b onmouseover=alert(2)>Eve</b>', address: 'eve@example.test' },
      to: 'bo@example.test',
      subject: hostile,
      text: '</pre><script>alert(3)</script>',
      html: '<p>hi</p><script>alert(4)</script>',
    });
    const [summary] = (JSON.parse((await get('/api/messages')).body) as { data: { id: number; subject: string }[] }).data;
    assert.equal(summary!.subject, hostile, 'the JSON API answers the subject as sent');

    const list = await get('/');
    assert.equal(list.status, 200);
    assert.ok(list.body.includes('&lt;script&gt;alert(&quot;subject&quot;)&lt;/script&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;'), list.body);
    assert.ok(!/<script|<img|<b /i.test(list.body), 'no markup from the email reaches the inbox page');
    assert.match(list.headers.get('content-security-policy') ?? '', /default-src 'none'/);

    const page = await get(`/messages/${summary!.id}`);
    assert.ok(!/<script|<img|<b /i.test(page.body), 'no markup from the email reaches the message page');
    assert.ok(page.body.includes('&lt;/pre&gt;&lt;script&gt;alert(3)&lt;/script&gt;'), 'the text body is shown as text');
    assert.ok(page.body.includes('&lt;script&gt;alert(4)&lt;/script&gt;'), 'the HTML source is shown as text');
    assert.match(page.body, /<iframe sandbox src="\/messages\/\d+\/html"/);

    const frame = await get(`/messages/${summary!.id}/html`);
    assert.equal(frame.body, '<p>hi</p><script>alert(4)</script>');
    assert.match(frame.headers.get('content-security-policy') ?? '', /^sandbox; default-src 'none'/, 'the email HTML runs no script and loads nothing');
  });

  it('should keep only the newest messages within its limit', async () => {
    catcher.clear();
    for (let i = 1; i <= 5; i += 1) await transport.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: `n${i}`, text: 'x' });
    const list = JSON.parse((await get('/api/messages')).body) as { data: { subject: string }[]; total: number; maxMessages: number };
    assert.equal(list.maxMessages, 3);
    assert.deepEqual(list.data.map((m) => m.subject), ['n5', 'n4', 'n3']);
    const cleared = await fetch(`${catcher.webUrl}/api/messages`, { method: 'DELETE' });
    assert.equal(cleared.status, 204);
    assert.equal(catcher.messages().length, 0);
  });

  it('should refuse a port set explicitly that is taken, with one line naming the variable', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const taken = (blocker.address() as { port: number }).port;
    try {
      await assert.rejects(
        startMailCatcherFromEnv({ MAIL_CATCHER_PORT: String(taken), MAIL_CATCHER_SMTP_PORT: '0' }),
        (error: unknown) => error instanceof MailCatcherConfigError && /MAIL_CATCHER_PORT \d+ is already in use/.test(error.message),
      );
      await assert.rejects(startMailCatcherFromEnv({ MAIL_CATCHER_PORT: 'web' }), /MAIL_CATCHER_PORT must be a port number/);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
