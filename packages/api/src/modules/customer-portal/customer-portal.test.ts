import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import type { Test } from 'supertest';
import { customerMaySee, customerVisibility } from '../../platform/access/customer.js';
import { createTestRuntime, makeAgency, makeUser, signIn, waitForMail, deliveredMail, type TestAgency } from '../../testing/index.js';
import { TEST_PASSWORD } from '../../testing/factories.js';
import { randomIp } from '../../testing/factories.js';
import { contactModel } from '../contacts/contact.model.js';
import { sessionModel } from '../identity/session.model.js';
import { tenantModel } from '../identity/tenant.model.js';
import { subscriptionModel } from '../messaging/messaging.model.js';
import { customerLinkModel, customerUserModel } from './customer-user.model.js';

type Runtime = Awaited<ReturnType<typeof createTestRuntime>>;
const auth = (token: string) => ({ Authorization: `Bearer ${token}`, 'X-Forwarded-For': randomIp() });
const anon = () => ({ 'X-Forwarded-For': randomIp() });
const linkToken = (text: string) => {
  const match = /#crm-portal-link=([A-Za-z0-9_%.-]+)/.exec(text);
  if (!match) throw new Error(`no portal link in: ${text}`);
  return decodeURIComponent(match[1]!);
};
let seq = 0;
const uniqueEmail = (name: string) => `${name}-${Date.now().toString(36)}-${(seq += 1)}@example.test`;

describe('customer portal: identities, sign-in, audiences and the account tree', () => {
  let rt: Runtime;
  let a: TestAgency;
  let b: TestAgency;
  let slugA: string;
  let slugB: string;
  const accounts: Record<string, string> = {};
  const contacts: Record<string, { id: string; email: string }> = {};

  async function account(token: string, name: string, parentId?: string) {
    const res = await rt.request().post('/v1/customers').set(auth(token)).send({ name, ...(parentId ? { parentId } : {}) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  }
  async function contact(token: string, firstName: string, customerId: string | null, withEmail = true) {
    const email = uniqueEmail(firstName.toLowerCase());
    const res = await rt
      .request()
      .post('/v1/contacts')
      .set(auth(token))
      .send({ firstName, lastName: 'Tester', ...(withEmail ? { emails: [{ label: 'work', value: email, primary: true }] } : {}), ...(customerId ? { customerId } : {}) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { id: res.body.id as string, email };
  }
  /** Invites a contact, reads the invitation from the mail, exchanges its link, answers the tokens. */
  async function inviteAndSignIn(who: { id: string; email: string }, role: 'customer' | 'customer_case_manager' = 'customer', agency = a) {
    const invited = await rt.request().post('/v1/customer-users').set(auth(agency.adminToken)).send({ contactId: who.id, role });
    assert.equal(invited.status, 201, JSON.stringify(invited.body));
    assert.equal(invited.body.status, 'invited');
    const mail = await waitForMail(rt, who.email, (m) => m.text.includes('#crm-portal-link='));
    const session = await rt.request().post('/v1/portal/session').set(anon()).send({ link: linkToken(mail.text) });
    assert.equal(session.status, 200, JSON.stringify(session.body));
    return { id: invited.body.id as string, token: session.body.accessToken as string, refreshToken: session.body.refreshToken as string, link: linkToken(mail.text) };
  }

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename, env: { PUBLIC_URL: 'https://crm.example.test' } });
    a = await makeAgency(rt);
    b = await makeAgency(rt);
    const Tenant = tenantModel(rt.ctx.connection);
    slugA = (await Tenant.findById(a.tenantId).lean())!.slug;
    slugB = (await Tenant.findById(b.tenantId).lean())!.slug;
    // Parent P > X > X1 > X2, and a sibling Y of X.
    accounts.P = await account(a.adminToken, 'Parent Group');
    accounts.X = await account(a.adminToken, 'Account X', accounts.P!);
    accounts.X1 = await account(a.adminToken, 'Branch X1', accounts.X!);
    accounts.X2 = await account(a.adminToken, 'Line X2', accounts.X1!);
    accounts.Y = await account(a.adminToken, 'Account Y', accounts.P!);
    contacts.x = await contact(a.adminToken, 'Xena', accounts.X!);
    contacts.manager = await contact(a.adminToken, 'Max', accounts.X!);
    contacts.y = await contact(a.adminToken, 'Yuri', accounts.Y!);
    contacts.noEmail = await contact(a.adminToken, 'Nomail', accounts.X, false);
    contacts.b = await contact(b.adminToken, 'Bea', null);
  });
  after(async () => {
    await rt.close();
  });

  it('should invite a contact, mail a single-use link, and open a session with a customer token', async () => {
    const x = await inviteAndSignIn(contacts.x!);
    const me = await rt.request().get('/v1/portal/me').set(auth(x.token));
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.equal(me.body.contact.id, contacts.x!.id);
    assert.equal(me.body.account.id, accounts.X!);
    assert.equal(me.body.customer.status, 'active');
    // The same link a second time, and a link with one character changed, open nothing.
    const again = await rt.request().post('/v1/portal/session').set(anon()).send({ link: x.link });
    assert.equal(again.status, 401);
    const forged = x.link.slice(0, -2) + (x.link.endsWith('AA') ? 'BB' : 'AA');
    assert.equal((await rt.request().post('/v1/portal/session').set(anon()).send({ link: forged })).status, 401);
    // Claimed once: exactly one link of this customer is used.
    const links = await customerLinkModel(rt.ctx.connection).find({ tenantId: new Types.ObjectId(a.tenantId), customerUserId: new Types.ObjectId(x.id) }).lean();
    assert.deepEqual(links.map((l) => l.usedAt !== null), [true]);
  });

  it('should claim a link once when two exchanges race for it', async () => {
    const who = await contact(a.adminToken, 'Racer', accounts.Y!);
    await rt.request().post('/v1/customer-users').set(auth(a.adminToken)).send({ contactId: who.id });
    const link = linkToken((await waitForMail(rt, who.email, (m) => m.text.includes('#crm-portal-link='))).text);
    const answers = await Promise.all([1, 2, 3].map(() => rt.request().post('/v1/portal/session').set(anon()).send({ link })));
    assert.deepEqual(answers.map((r) => r.status).sort(), [200, 401, 401]);
  });

  it('should refuse a customer token on every agent route of the OpenAPI document, and an agent token on every portal route', async () => {
    const x = await inviteAndSignIn(await contact(a.adminToken, 'Walker', accounts.X!));
    const doc = (await rt.request().get('/v1/openapi.json')).body as { paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>> };
    const id = String(new Types.ObjectId());
    let agentRoutes = 0;
    let portalRoutes = 0;
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const schemes = (operation.security ?? []).flatMap((s) => Object.keys(s));
        if (schemes.length === 0 || schemes.includes('publishableKey')) continue;
        const url = path.replace(/\{[^}]+\}/g, id);
        const isPortal = schemes.includes('customerBearer');
        const token = isPortal ? a.adminToken : x.token;
        const res = await (rt.request() as unknown as Record<string, (u: string) => Test>)[method]!(url).set(auth(token)).send({});
        assert.equal(res.status, 401, `${method.toUpperCase()} ${path} with ${isPortal ? 'an agent' : 'a customer'} token answered ${res.status}`);
        if (isPortal) portalRoutes += 1;
        else agentRoutes += 1;
      }
    }
    assert.ok(agentRoutes > 100, `walked ${agentRoutes} agent routes`);
    assert.ok(portalRoutes >= 6, `walked ${portalRoutes} portal routes`);
  });

  it('should give a case manager their account and every account below it, and nothing above or beside', async () => {
    const manager = await inviteAndSignIn(contacts.manager!, 'customer_case_manager');
    const session = await rt.request().get('/v1/portal/session').set(auth(manager.token));
    assert.equal(session.status, 200, JSON.stringify(session.body));
    assert.deepEqual([...session.body.accountIds].sort(), [accounts.X, accounts.X1, accounts.X2].sort());
    const principal = {
      kind: 'customer' as const,
      tenantId: new Types.ObjectId(a.tenantId),
      customerUserId: new Types.ObjectId(manager.id),
      contactId: new Types.ObjectId(contacts.manager!.id),
      accountId: new Types.ObjectId(accounts.X!),
      role: 'customer_case_manager' as const,
      accountIds: (session.body.accountIds as string[]).map((s) => new Types.ObjectId(s)),
      sessionId: 'x',
    };
    const record = (accountId: string, tenantId = a.tenantId) => ({ tenantId: new Types.ObjectId(tenantId), contactId: new Types.ObjectId(), accountId: new Types.ObjectId(accountId) });
    assert.equal(customerMaySee(principal, record(accounts.X2!)), true);
    assert.equal(customerMaySee(principal, record(accounts.P!)), false, 'the parent is above');
    assert.equal(customerMaySee(principal, record(accounts.Y!)), false, 'the sibling is beside');
    assert.equal(customerMaySee(principal, record(accounts.X!, b.tenantId)), false, 'another agency');
    // A plain customer of X sees only what their own contact raised.
    const own = { ...principal, role: 'customer' as const, accountIds: [] };
    assert.equal(customerMaySee(own, record(accounts.X!)), false);
    assert.deepEqual(customerVisibility(own), { tenantId: own.tenantId, contactId: own.contactId });
  });

  it('should keep agencies apart: another agency\'s slug mails nothing, its agents see 404', async () => {
    const before = deliveredMail(rt).length;
    const res = await rt.request().post('/v1/portal/session/link').set(anon()).send({ tenant: slugB, email: contacts.x!.email });
    assert.equal(res.status, 202);
    const bee = await inviteAndSignIn(contacts.b!, 'customer', b);
    assert.equal(deliveredMail(rt).length, before + 1, 'only B\'s own invitation was mailed');
    const aUsers = await rt.request().get('/v1/customer-users').set(auth(a.adminToken));
    const xUser = (aUsers.body.data as { id: string; contactId: string }[]).find((u) => u.contactId === contacts.x!.id)!;
    assert.equal((await rt.request().get(`/v1/customer-users/${xUser.id}`).set(auth(b.adminToken))).status, 404);
    const me = await rt.request().get('/v1/portal/me').set(auth(bee.token));
    assert.equal(me.body.contact.id, contacts.b!.id);
    assert.ok(!(aUsers.body.data as { id: string }[]).some((u) => u.id === bee.id), 'A lists none of B\'s customers');
  });

  it('should mail a sign-in link on request, and say the same for an unknown address', async () => {
    const known = await rt.request().post('/v1/portal/session/link').set(anon()).send({ tenant: slugA, email: contacts.x!.email });
    const unknown = await rt.request().post('/v1/portal/session/link').set(anon()).send({ tenant: slugA, email: 'nobody@example.test' });
    assert.equal(known.status, 202);
    assert.equal(unknown.status, 202);
    const mail = await waitForMail(rt, contacts.x!.email, (m) => m.subject.startsWith('Your sign-in link'));
    assert.match(mail.text, new RegExp(`https://crm\\.example\\.test/portal/${slugA}#crm-portal-link=`));
  });

  it('should refuse bad input naming the field and write nothing', async () => {
    const Users = customerUserModel(rt.ctx.connection);
    const count = await Users.countDocuments({ tenantId: new Types.ObjectId(a.tenantId) });
    const noEmail = await rt.request().post('/v1/customer-users').set(auth(a.adminToken)).send({ contactId: contacts.noEmail!.id });
    assert.equal(noEmail.status, 400);
    assert.equal(noEmail.body.errors[0].field, 'contactId');
    const badUrl = await rt.request().post('/v1/customer-users').set(auth(a.adminToken)).send({ contactId: contacts.y!.id, returnUrl: 'https://evil.example/steal' });
    assert.equal(badUrl.status, 400);
    assert.equal(badUrl.body.errors[0].field, 'returnUrl');
    const badEmail = await rt.request().post('/v1/portal/session/link').set(anon()).send({ tenant: slugA, email: 'not-an-email' });
    assert.equal(badEmail.status, 400);
    assert.equal(badEmail.body.errors[0].field, 'email');
    const injected = await rt.request().post('/v1/portal/session/link').set(anon()).send({ tenant: slugA, email: { $ne: null } });
    assert.equal(injected.status, 400);
    assert.equal(await Users.countDocuments({ tenantId: new Types.ObjectId(a.tenantId) }), count);
  });

  it('should let a customer change their details, consent and subscriptions, recorded on their contact', async () => {
    const me = await inviteAndSignIn(await contact(a.adminToken, 'Petra', accounts.X!));
    const changed = await rt.request().patch('/v1/portal/me').set(auth(me.token)).send({ phone: '+49 30 1234567', lastName: 'Neumann', locale: 'de' });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.contact.phone, '+49 30 1234567');
    assert.equal(changed.body.customer.locale, 'de');
    const stored = await contactModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(a.tenantId), _id: new Types.ObjectId(changed.body.contact.id) }).lean();
    assert.equal(stored!.lastName, 'Neumann');
    const prefs = await rt.request().put('/v1/portal/me/preferences').set(auth(me.token)).send({ marketing: true, subscriptions: [{ category: 'newsletter', channel: 'email', subscribed: false }] });
    assert.equal(prefs.status, 200, JSON.stringify(prefs.body));
    assert.equal(prefs.body.consent.marketing, true);
    const sub = await subscriptionModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(a.tenantId), subjectType: 'contact', subjectId: stored!._id, category: 'newsletter', channel: 'email' }).lean();
    assert.equal(sub!.subscribed, false);
    assert.equal(sub!.source, 'self-service');
    const bad = await rt.request().patch('/v1/portal/me').set(auth(me.token)).send({ phone: 'call me <maybe>' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'phone');
  });

  it('should serve the hosted portal under a strict CSP, and 404 for an unknown agency', async () => {
    const page = await rt.request().get(`/portal/${slugA}`);
    if (page.status === 503) return; // the widgets are not built on this machine; the browser test builds and covers it
    assert.equal(page.status, 200);
    assert.match(page.headers['content-security-policy'] ?? '', /script-src 'self';/);
    assert.doesNotMatch(page.headers['content-security-policy'] ?? '', /unsafe-inline/);
    assert.match(page.text, new RegExp(`<crm-customer-portal tenant="${slugA}">`));
    assert.match(page.text, /src="\/widgets\/[^/]+\/crm-customer-portal\.js" integrity="sha384-/);
    assert.doesNotMatch(page.text, /<script>|style=/, 'no inline script or style');
    assert.equal((await rt.request().get('/portal/no-such-agency-here')).status, 404);
  });

  it('should answer CORS on portal routes only for origins an agency embeds its portal in', async () => {
    const origin = 'https://shop.example.test';
    const key = await rt.request().post('/v1/api-keys').set(auth(a.adminToken)).send({ kind: 'publishable', name: 'Shop', allowedOrigins: [origin] });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    const allowed = await rt.request().options('/v1/portal/me').set({ Origin: origin, 'Access-Control-Request-Method': 'GET', 'X-Forwarded-For': randomIp() });
    assert.equal(allowed.headers['access-control-allow-origin'], origin);
    const other = await rt.request().options('/v1/portal/me').set({ Origin: 'https://evil.example.test', 'Access-Control-Request-Method': 'GET', 'X-Forwarded-For': randomIp() });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    // A link may now land on the shop's pages.
    const link = await rt.request().post('/v1/portal/session/link').set(anon()).send({ tenant: slugA, email: contacts.x!.email, returnUrl: `${origin}/support` });
    assert.equal(link.status, 202);
    const mail = await waitForMail(rt, contacts.x!.email, (m) => m.text.includes(`${origin}/support#crm-portal-link=`));
    assert.ok(mail);
  });

  it('should rotate refresh tokens, sign out, and sign a disabled customer out everywhere', async () => {
    const who = await inviteAndSignIn(await contact(a.adminToken, 'Dora', accounts.X!));
    const refreshed = await rt.request().post('/v1/portal/session/refresh').set(anon()).send({ refreshToken: who.refreshToken });
    assert.equal(refreshed.status, 200);
    assert.equal((await rt.request().post('/v1/portal/session/refresh').set(anon()).send({ refreshToken: who.refreshToken })).status, 401, 'a used refresh token');
    const disabled = await rt.request().patch(`/v1/customer-users/${who.id}`).set(auth(a.adminToken)).send({ status: 'disabled' });
    assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
    assert.equal((await rt.request().get('/v1/portal/me').set(auth(refreshed.body.accessToken))).status, 401);
    const other = await inviteAndSignIn(await contact(a.adminToken, 'Olga', accounts.X!));
    assert.equal((await rt.request().delete('/v1/portal/session').set(auth(other.token))).status, 204);
    assert.equal((await rt.request().get('/v1/portal/me').set(auth(other.token))).status, 401);
  });

  it("should keep agents' and customers' sessions in one model, apart by audience: neither's refresh token is redeemed, or spent, on the other's route", async () => {
    const who = await inviteAndSignIn(await contact(a.adminToken, 'Ursula', accounts.X!));
    const Session = sessionModel(rt.ctx.connection);
    const tenantId = new Types.ObjectId(a.tenantId);
    const mine = await Session.find({ tenantId, userId: new Types.ObjectId(who.id) }).lean();
    assert.deepEqual(mine.map((s) => s.audience), ['customer'], "the customer's session is in the one session model, as a customer's");
    const agentSessions = await Session.find({ tenantId, audience: 'agent' }).lean();
    assert.ok(agentSessions.length >= 1 && agentSessions.every((s) => String(s.userId) !== who.id));

    // A customer's refresh token on the agents' route, and an agent's on the portal's: refused, and still good where it belongs.
    assert.equal((await rt.request().post('/v1/auth/refresh').set(anon()).send({ refreshToken: who.refreshToken })).status, 401);
    const agentLogin = await rt.request().post('/v1/auth/login').set(anon()).send({ email: a.adminEmail, password: TEST_PASSWORD });
    assert.equal(agentLogin.status, 200, JSON.stringify(agentLogin.body));
    assert.equal((await rt.request().post('/v1/portal/session/refresh').set(anon()).send({ refreshToken: agentLogin.body.refreshToken })).status, 401);
    assert.equal((await rt.request().post('/v1/portal/session/refresh').set(anon()).send({ refreshToken: who.refreshToken })).status, 200, 'the refusal spent nothing');
    assert.equal((await rt.request().post('/v1/auth/refresh').set(anon()).send({ refreshToken: agentLogin.body.refreshToken })).status, 200, 'nor revoked the agent');
    assert.equal((await rt.request().get('/v1/portal/me').set(auth(who.token))).status, 200, "the customer's session is still live");

    // An agent's sessions list never shows a customer's session, and revoking an agent's sessions leaves customers signed in.
    const listed = await rt.request().get('/v1/auth/sessions').set(auth(a.adminToken));
    assert.equal(listed.status, 200);
    assert.ok(!JSON.stringify(listed.body).includes(String(mine[0]!._id)));
  });

  it('should let only roles with customerUser:create invite, and only contacts they can see', async () => {
    const producer = await makeUser(rt, a, { role: 'P' });
    const token = await signIn(rt, producer.email);
    const res = await rt.request().post('/v1/customer-users').set(auth(token)).send({ contactId: contacts.y!.id });
    assert.equal(res.status, 403);
    const seller = await makeUser(rt, a, { role: 'SALES_PERSON' });
    const sellerToken = await signIn(rt, seller.email);
    const unseen = await rt.request().post('/v1/customer-users').set(auth(sellerToken)).send({ contactId: contacts.y!.id });
    assert.equal(unseen.status, 400, 'a contact the seller does not own is not one they can see');
    assert.equal(unseen.body.errors[0].field, 'contactId');
  });

  it('should sign in with a password the customer set, and refuse a wrong one alike', async () => {
    const who = await contact(a.adminToken, 'Paula', accounts.X!);
    const s = await inviteAndSignIn(who);
    assert.equal((await rt.request().put('/v1/portal/me/password').set(auth(s.token)).send({ password: 'a-long-portal-password' })).status, 204);
    const ok = await rt.request().post('/v1/portal/session/password').set(anon()).send({ tenant: slugA, email: who.email, password: 'a-long-portal-password' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const wrong = await rt.request().post('/v1/portal/session/password').set(anon()).send({ tenant: slugA, email: who.email, password: 'nope' });
    const unknown = await rt.request().post('/v1/portal/session/password').set(anon()).send({ tenant: slugA, email: 'ghost@example.test', password: 'nope' });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.body.detail, wrong.body.detail);
  });
});
