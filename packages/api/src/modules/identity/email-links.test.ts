import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { appBaseUrl, loadConfig } from '../../platform/config.js';
import { startSmtpCapture } from '../../platform/mail/testing.js';
import { createTestRuntime, makeAgency, makeUser, type TestAgency } from '../../testing/index.js';
import { TEST_PASSWORD } from '../../testing/factories.js';
import { roleModel } from './role.model.js';

describe('APP_URL: where the links in emails open', () => {
  it('should default to the portal at /app on the API address in development, and use APP_URL as given', () => {
    assert.equal(appBaseUrl(loadConfig({ NODE_ENV: 'development', PORT: '4100' })), 'http://127.0.0.1:4100/app');
    assert.equal(appBaseUrl(loadConfig({ NODE_ENV: 'development', HOST: '0.0.0.0', PORT: '4100' })), 'http://localhost:4100/app');
    assert.equal(appBaseUrl(loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://crm.example.test/' })), 'https://crm.example.test/app');
    assert.equal(appBaseUrl(loadConfig({ NODE_ENV: 'test', APP_URL: 'https://portal.example.test/crm/' })), 'https://portal.example.test/crm');
  });

  it('should refuse to start in production without APP_URL, in one line naming it', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') };
    assert.throws(() => loadConfig(production), (e: Error) => /^Invalid configuration: APP_URL is required in production/.test(e.message) && !e.message.includes('\n'));
    assert.equal(loadConfig({ ...production, APP_URL: 'https://crm.example.com/app', PUBLIC_URL: 'https://crm.example.com' }).APP_URL, 'https://crm.example.com/app');
  });
});

describe('email links point at the portal pages', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  // No APP_URL: the default, PUBLIC_URL + /app, is what the links carry.
  const portal = 'https://crm.example.test/app';
  const linkIn = (text: string, page: string) => new RegExp(`${portal.replace(/[./]/g, '\\$&')}/${page}\\?token=([A-Za-z0-9_%.-]+)`).exec(text);

  before(async () => {
    smtp = await startSmtpCapture();
    rt = await createTestRuntime({ file: import.meta.filename, env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://crm.example.test' } });
    agency = await makeAgency(rt);
  });
  after(async () => {
    await rt.close();
    await smtp.stop();
  });

  it('should mail an invitation linking to <APP_URL>/accept-invitation?token=…, a token that accepts it', async () => {
    const role = await roleModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), key: 'SE' }).lean();
    const invited = await rt.request().post('/v1/users/invitations').set('Authorization', `Bearer ${agency.adminToken}`).send({ email: 'links-invitee@example.test', name: 'Link Invitee', roleId: String(role!._id) });
    assert.equal(invited.status, 201, JSON.stringify(invited.body));
    const mail = await smtp.waitFor((m) => m.to.includes('links-invitee@example.test'));
    const inText = linkIn(mail.text, 'accept-invitation');
    assert.ok(inText, `no portal link in: ${mail.text}`);
    // Handlebars writes `=` in the href as `&#x3D;`, which a browser reads back as `=`.
    const href = /href="([^"]+)"/.exec(mail.html)?.[1]?.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&') ?? '';
    assert.equal(href, inText[0], 'the HTML links to the same page as the text');
    const accepted = await rt.request().post('/v1/auth/invitations/accept').send({ token: decodeURIComponent(inText[1]!), password: TEST_PASSWORD });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  });

  it('should mail a password reset linking to <APP_URL>/reset-password?token=…, a token that resets it', async () => {
    const user = await makeUser(rt, agency, { role: 'SE' });
    assert.equal((await rt.request().post('/v1/auth/password-reset').send({ email: user.email })).status, 202);
    const mail = await smtp.waitFor((m) => m.to.includes(user.email));
    const inText = linkIn(mail.text, 'reset-password');
    assert.ok(inText, `no portal link in: ${mail.text}`);
    const reset = await rt.request().post('/v1/auth/password-reset/confirm').send({ token: decodeURIComponent(inText[1]!), password: 'a-new-password-123' });
    assert.ok([200, 204].includes(reset.status), JSON.stringify(reset.body));
    assert.equal((await rt.request().post('/v1/auth/login').send({ email: user.email, password: 'a-new-password-123' })).status, 200);
  });
});
