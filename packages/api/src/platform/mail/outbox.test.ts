import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../config.js';
import { createMailer } from './mailer.js';
import { outboxMessages } from './outbox.js';
import { createTransportPool } from './transports.js';

describe('with no SMTP server configured, nothing is dropped', () => {
  it('should write the whole message, confirmation link included, to the outbox folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-outbox-'));
    try {
      const mailer = createMailer(loadConfig({ NODE_ENV: 'test', MAIL_OUTBOX_DIR: dir }), pino({ level: 'silent' }));
      const link = 'https://crm.example.test/v1/public/campaigns/confirm?token=abc.def';
      await mailer.send({ to: 'ada@example.test', subject: 'Please confirm', text: `Confirm here: ${link}`, html: `<a href="${link}">Confirm</a>` });
      const files = readdirSync(dir);
      assert.equal(files.length, 1);
      const raw = readFileSync(join(dir, files[0]!), 'utf8');
      assert.match(raw, /^To: ada@example\.test$/m);
      assert.match(raw, /Subject: Please confirm/);
      assert.ok(raw.replace(/=\r?\n/g, '').includes('token=3Dabc.def') || raw.includes(link), 'the link is in the message');
      mailer.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should keep campaign sends in the in-memory outbox in tests and mark the route as not delivering', async () => {
    const pool = createTransportPool(loadConfig({ NODE_ENV: 'test' }), pino({ level: 'silent' }));
    const route = pool.route(null, null);
    assert.equal(route.delivers, false);
    const before = outboxMessages().length;
    await route.transport.sendMail({ from: route.from, to: 'bob@example.test', subject: 'Greeting', text: 'Unsubscribe: https://crm.example.test/v1/unsubscribe/t', messageId: '<fixed@deliveries.crm>' });
    const kept = outboxMessages().slice(before);
    assert.equal(kept.length, 1);
    assert.deepEqual(kept[0]!.to, ['bob@example.test']);
    assert.match(kept[0]!.raw, /^Message-ID: <fixed@deliveries\.crm>$/m);
    assert.match(kept[0]!.raw, /v1\/unsubscribe\/t/);
    pool.close();
  });
});
