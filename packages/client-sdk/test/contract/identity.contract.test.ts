// Identity and access against the real API: the signed-in user, users and invitations, roles, the
// organisation, the agency's settings, API keys (and the clients they make) and the audit trail.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCrmClient, type CrmClient } from '../../src/core/client.js';
import { createPublicClient } from '../../src/core/public-client.js';
import { CrmAuthenticationError, CrmNotFoundError, CrmPreconditionFailedError, CrmValidationError } from '../../src/core/errors.js';
import { importApiModule, type MailTestingModule } from '../support/api-modules.js';
import { startLiveApi, testPassword, type LiveApi } from '../support/live-api.js';

let api: LiveApi;
let crm: CrmClient;
let smtp: Awaited<ReturnType<MailTestingModule['startSmtpCapture']>>;

const tokenIn = (text: string): string => {
  const token = /token=([^\s"&<]+)/.exec(text)?.[1];
  assert.ok(token, 'the email carries a link with a token');
  return decodeURIComponent(token);
};

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

describe('crm.auth and crm.session', () => {
  it('should log in by itself, say who I am, update my profile and list my sessions', async () => {
    const me = await crm.auth.me();
    assert.equal(me.user.email, api.agency.adminEmail);
    assert.equal(me.role.isAdmin, true);
    assert.equal(me.tenant.id, api.agency.tenantId);
    assert.equal(crm.session?.user?.email, api.agency.adminEmail);

    const profile = await crm.auth.updateProfile({ name: 'Ada Admin', timeZone: 'Europe/Stockholm' });
    assert.equal(profile.name, 'Ada Admin');

    const sessions = await crm.auth.listSessions();
    assert.ok(sessions.data.some((session) => session.current));
  });

  it('should register a new agency, sign in as its admin, and refresh the session on request', async () => {
    const stored: (string | null)[] = [];
    const founder = createCrmClient({
      baseUrl: api.baseUrl,
      fetch: api.fetchFrom(),
      auth: { type: 'session', onTokens: (tokens) => void stored.push(tokens?.refreshToken ?? null) },
    });
    const email = `founder-${Date.now()}@example.test`;
    const pending = await founder.session!.register({ agency: { name: 'Founders Ltd' }, admin: { name: 'Fay Founder', email, password: 'a-long-founder-password' } });
    assert.equal(pending.status, 'accepted');
    assert.equal(founder.session!.tokens, null, 'nobody is signed in before the emailed link is used');
    const link = await smtp.waitFor((mail) => mail.to.includes(email) && mail.text.includes('/confirm-registration?token='));
    const registered = await founder.session!.confirmRegistration({ token: tokenIn(link.text) });
    assert.equal(registered.tenant.name, 'Founders Ltd');
    const me = await founder.auth.me();
    assert.equal(me.user.email, email);
    assert.equal(me.tenant.id, registered.tenant.id);
    assert.notEqual(me.tenant.id, api.agency.tenantId);

    const before = founder.session!.tokens!;
    const renewed = await founder.session!.refresh();
    assert.notEqual(renewed.refreshToken, before.refreshToken, 'the refresh token rotates');
    assert.deepEqual(stored, [before.refreshToken, renewed.refreshToken], 'onTokens saw every new pair');
    assert.equal((await founder.auth.me()).user.email, email);
  });

  it('should answer a sign-up with an email that has an account exactly like any other, and refuse a used link', async () => {
    const founder = createCrmClient({ baseUrl: api.baseUrl, fetch: api.fetchFrom(), auth: { type: 'session' } });
    const known = await founder.session!.register({ agency: { name: 'Copycat' }, admin: { name: 'Ada', email: api.agency.adminEmail, password: 'a-long-founder-password' } });
    const email = `second-founder-${Date.now()}@example.test`;
    const unknown = await founder.session!.register({ agency: { name: 'Second Ltd' }, admin: { name: 'Sam', email, password: 'a-long-founder-password' } });
    assert.deepEqual(known, unknown);
    const notice = await smtp.waitFor((mail) => mail.to.includes(api.agency.adminEmail) && mail.subject === 'You already have a CRM account');
    assert.ok(!notice.text.includes('confirm-registration'));
    const token = tokenIn((await smtp.waitFor((mail) => mail.to.includes(email) && mail.text.includes('/confirm-registration?token='))).text);
    await founder.session!.confirmRegistration({ token });
    const again = await createCrmClient({ baseUrl: api.baseUrl, fetch: api.fetchFrom(), auth: { type: 'session' } }).session!.confirmRegistration({ token }).then(
      () => assert.fail('a used link must be refused'),
      (error: unknown) => error,
    );
    assert.ok(again instanceof CrmValidationError, String(again));
    assert.deepEqual(again.errors.map((e) => [e.field, e.code]), [['token', 'used']]);
  });

  it('should sign out and revoke another session', async () => {
    const other = api.adminClient();
    await other.session?.login();
    const sessions = await crm.auth.listSessions();
    const notMine = sessions.data.find((session) => !session.current);
    assert.ok(notMine);
    await crm.auth.revokeSession(notMine.id);
    await assert.rejects(crm.auth.revokeSession(notMine.id), CrmNotFoundError);

    const leaving = api.adminClient();
    await leaving.auth.me();
    await leaving.session?.signOut();
    assert.equal(leaving.session?.tokens, null);
  });
});

describe('crm.users', () => {
  it('should invite a user who accepts and signs in, then list, update, resend to and disable users', async () => {
    const roles = await crm.roles.list();
    const salesPerson = roles.data.find((role) => role.key === 'SALES_PERSON');
    assert.ok(salesPerson);
    const email = `invitee-${Date.now()}@example.test`;
    const invited = await crm.users.invite({ email, name: 'Invited Person', roleId: salesPerson.id });
    assert.equal(invited.status, 'invited');

    await crm.users.resendInvitation(invited.id);
    const mails = smtp.messages.filter((mail) => mail.to.includes(email));
    const mail = mails.length >= 2 ? mails.at(-1)! : await smtp.waitFor((received) => received.to.includes(email) && smtp.messages.filter((m) => m.to.includes(email)).length >= 2);
    const newcomer = createCrmClient({ baseUrl: api.baseUrl, fetch: api.fetchFrom(), auth: { type: 'session' } });
    const accepted = await newcomer.session!.acceptInvitation({ token: tokenIn(mail.text), password: 'a-long-new-password' });
    assert.equal(accepted.user.email, email);
    assert.equal((await newcomer.auth.me()).user.status, 'active');

    assert.equal((await crm.users.get(invited.id)).status, 'active');
    assert.ok((await crm.users.list({ roleId: salesPerson.id })).data.some((user) => user.id === invited.id));
    const renamed = await crm.users.update(invited.id, { name: 'Renamed Person' });
    assert.equal(renamed.name, 'Renamed Person');
    const stale = await crm.users.update(invited.id, { name: 'Lost Edit' }, { ifMatch: renamed.version - 1 }).catch((caught: unknown) => caught);
    assert.ok(stale instanceof CrmPreconditionFailedError, String(stale));
    assert.equal((stale.current as { name?: string }).name, 'Renamed Person');
    assert.equal((await crm.users.update(invited.id, { name: 'Renamed Again' }, { ifMatch: renamed.version })).version, renamed.version + 1);
    const disabled = await crm.users.update(invited.id, { status: 'disabled' });
    assert.equal(disabled.status, 'disabled');
    await assert.rejects(newcomer.auth.me(), CrmAuthenticationError);
  });

  it('should change my password and reset a forgotten one', async () => {
    const member = await api.testing.makeUser(api.runtime, api.agency, { role: 'SUPPORT' });
    const client = createCrmClient({ baseUrl: api.baseUrl, fetch: api.fetchFrom(), auth: { type: 'session', email: member.email, password: testPassword } });
    await client.auth.changePassword({ currentPassword: testPassword, newPassword: 'another-long-password' });

    const accepted = await client.auth.requestPasswordReset({ email: member.email });
    assert.equal(accepted.status, 'accepted');
    const mail = await smtp.waitFor((received) => received.to.includes(member.email));
    await client.auth.confirmPasswordReset({ token: tokenIn(mail.text), password: 'a-third-long-password' });
    await client.session!.login({ email: member.email, password: 'a-third-long-password' });
    assert.equal((await client.auth.me()).user.email, member.email);
  });
});

describe('crm.roles', () => {
  it('should create, get, update, list and remove a custom role', async () => {
    const role = await crm.roles.create({
      key: 'AUDITOR',
      name: 'Auditor',
      permissions: [{ resource: 'audit', actions: ['read'] }],
      visibility: [],
      exports: [],
    });
    assert.equal((await crm.roles.get(role.id)).key, 'AUDITOR');
    assert.equal((await crm.roles.update(role.id, { name: 'External auditor' })).name, 'External auditor');
    assert.ok((await crm.roles.list()).data.some((found) => found.id === role.id));
    await crm.roles.remove(role.id);
    await assert.rejects(crm.roles.get(role.id), CrmNotFoundError);
  });
});

describe('crm.org', () => {
  it('should manage units, departments, designations and teams', async () => {
    const unit = await crm.org.units.create({ name: 'Nordics' });
    const department = await crm.org.departments.create({ name: 'Inside sales', parentId: unit.id });
    const designation = await crm.org.designations.create({ name: 'Account executive', departmentId: department.id });
    const team = await crm.org.teams.create({ name: 'Team North', departmentId: department.id });
    assert.equal((await crm.org.units.get(unit.id)).kind, 'unit');
    assert.equal((await crm.org.departments.get(department.id)).name, 'Inside sales');
    assert.equal((await crm.org.designations.get(designation.id)).name, 'Account executive');
    assert.equal((await crm.org.teams.get(team.id)).name, 'Team North');
    assert.equal((await crm.org.units.update(unit.id, { name: 'Nordics and Baltics' })).name, 'Nordics and Baltics');
    assert.equal((await crm.org.departments.update(department.id, { name: 'Inside sales North' })).name, 'Inside sales North');
    assert.equal((await crm.org.designations.update(designation.id, { name: 'Senior account executive' })).name, 'Senior account executive');
    assert.equal((await crm.org.teams.update(team.id, { name: 'Team Far North' })).name, 'Team Far North');
    assert.ok((await crm.org.units.list()).data.some((found) => found.id === unit.id));
    assert.ok((await crm.org.departments.list()).data.some((found) => found.id === department.id));
    assert.ok((await crm.org.designations.list()).data.some((found) => found.id === designation.id));
    assert.ok((await crm.org.teams.list()).data.some((found) => found.id === team.id));
    await crm.org.teams.remove(team.id);
    await crm.org.designations.remove(designation.id);
    await crm.org.departments.remove(department.id);
    await crm.org.units.remove(unit.id);
    await assert.rejects(crm.org.units.get(unit.id), CrmNotFoundError);
  });
});

describe('crm.tenant', () => {
  it("should read and update the agency's settings", async () => {
    const tenant = await crm.tenant.get();
    assert.equal(tenant.id, api.agency.tenantId);
    assert.equal((await crm.tenant.update({ timeZone: 'Europe/Paris', currency: 'EUR' })).settings.timeZone, 'Europe/Paris');
  });
});

describe('crm.apiKeys', () => {
  it('should create a secret key that works as a client until it is revoked', async () => {
    const me = await crm.auth.me();
    const created = await crm.apiKeys.create({ kind: 'secret', name: 'Billing sync', roleId: me.role.id });
    assert.match(created.key, /^sk_/);
    const server = createCrmClient({ baseUrl: api.baseUrl, auth: { type: 'secretKey', key: created.key } });
    assert.equal((await server.auth.me()).via, 'apiKey');
    assert.ok((await server.contacts.list()).data);

    assert.equal((await crm.apiKeys.get(created.id)).prefix, created.prefix);
    assert.equal((await crm.apiKeys.update(created.id, { name: 'Billing sync v2' })).name, 'Billing sync v2');
    assert.ok((await crm.apiKeys.list()).data.some((key) => key.id === created.id));
    await crm.apiKeys.revoke(created.id);
    await assert.rejects(server.auth.me({ maxRetries: 0 }), CrmAuthenticationError);
    assert.ok((await crm.apiKeys.list({ includeRevoked: 'true' })).data.some((key) => key.id === created.id && key.revokedAt));
  });

  it('should create a publishable key that reaches the public routes from an allowed origin', async () => {
    const created = await crm.apiKeys.create({ kind: 'publishable', name: 'Website', allowedOrigins: ['https://shop.example.test'] });
    assert.match(created.key, /^pk_/);
    const widget = createPublicClient({
      baseUrl: api.baseUrl,
      publishableKey: created.key,
      fetch: (url, init) => fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), Origin: 'https://shop.example.test' } }),
    });
    const ping = await widget.public.get<{ tenant: string }>('/v1/public/ping');
    assert.equal(typeof ping.tenant, 'string');
  });
});

describe('crm.audit', () => {
  it('should list the audit trail and verify its hash chain', async () => {
    await crm.contacts.create({ firstName: 'Audited', lastName: 'Change' });
    const page = await crm.audit.list({ limit: 5 });
    assert.ok(page.data.length > 0);
    assert.ok(page.data.every((entry) => typeof entry.hash === 'string'));
    const verification = await crm.audit.verify();
    assert.equal(verification.ok, true);
  });
});
