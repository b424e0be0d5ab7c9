import { randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import type { Runtime } from '../runtime.js';
import { hashPassword } from '../platform/auth/passwords.js';
import { roleModel } from '../modules/identity/role.model.js';
import { userModel } from '../modules/identity/user.model.js';
import { orgModel } from '../modules/identity/org.model.js';
import supertest from 'supertest';
import { registrationToken, waitForMail } from './mailbox.js';

export const TEST_PASSWORD = 'correct-horse-battery';

/** A registered agency with its admin signed in. */
export interface TestAgency {
  tenantId: string;
  adminEmail: string;
  adminToken: string;
  refreshToken: string;
}

function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/**
 * Registers an agency through the API, as a newcomer would: signs up, reads the link from the email the
 * API sent (the test SMTP server or the outbox), and confirms it, which signs the admin in.
 */
export async function makeAgency(runtime: Runtime, name = unique('Agency')): Promise<TestAgency> {
  const adminEmail = `${unique('admin')}@example.test`;
  const asked = await supertest(runtime.app)
    .post('/v1/auth/register')
    .set('X-Forwarded-For', randomIp())
    .send({ agency: { name }, admin: { name: 'Admin', email: adminEmail, password: TEST_PASSWORD } });
  if (asked.status !== 202) throw new Error(`makeAgency: ${asked.status} ${JSON.stringify(asked.body)}`);
  const token = registrationToken(await waitForMail(runtime, adminEmail, (m) => m.text.includes('/confirm-registration?token=')));
  const res = await supertest(runtime.app).post('/v1/auth/register/confirm').set('X-Forwarded-For', randomIp()).send({ token });
  if (res.status !== 201) throw new Error(`makeAgency: confirm answered ${res.status} ${JSON.stringify(res.body)}`);
  return { tenantId: res.body.tenant.id, adminEmail, adminToken: res.body.accessToken, refreshToken: res.body.refreshToken };
}

/** Creates a user with a built-in role directly in the database, for arranging visibility scenarios. */
export async function makeUser(
  runtime: Runtime,
  agency: TestAgency,
  options: { role: string; departmentKey?: string; email?: string; name?: string },
): Promise<{ id: Types.ObjectId; email: string }> {
  const { connection } = runtime.ctx;
  const tenantId = new (await import('mongoose')).Types.ObjectId(agency.tenantId);
  const role = await roleModel(connection).findOne({ tenantId, key: options.role }).lean();
  if (!role) throw new Error(`makeUser: no role ${options.role}`);
  const departmentKey = options.departmentKey ?? role.departmentKey ?? null;
  const department = departmentKey ? await orgModel(connection).findOne({ tenantId, kind: 'department', key: departmentKey }).lean() : null;
  const email = options.email ?? `${unique(options.role.toLowerCase())}@example.test`;
  const user = await userModel(connection).create({
    tenantId,
    email,
    emailNormalized: email.toLowerCase(),
    name: options.name ?? `${role.name} ${randomBytes(2).toString('hex')}`,
    passwordHash: await hashPassword(TEST_PASSWORD),
    roleId: role._id,
    departmentId: department?._id ?? null,
  });
  return { id: user._id, email };
}

/** Signs in through the API and returns the access token. */
export async function signIn(runtime: Runtime, email: string, password = TEST_PASSWORD): Promise<string> {
  const res = await supertest(runtime.app).post('/v1/auth/login').set('X-Forwarded-For', randomIp()).send({ email, password });
  if (res.status !== 200) throw new Error(`signIn: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken as string;
}

/** A distinct client address per call, so per-address sign-up limits do not throttle test arrangement. */
export function randomIp(): string {
  const b = randomBytes(3);
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}

/** A signed-in portal customer: a new account and contact, invited by the agency's admin, signed in by the emailed magic link. */
export async function makeCustomer(
  runtime: Runtime,
  agency: TestAgency,
  options: { role?: 'customer' | 'customer_case_manager'; accountId?: string } = {},
): Promise<{ accessToken: string; refreshToken: string; customerUserId: string; contactId: string; accountId: string; email: string }> {
  const agent = (path: string) => supertest(runtime.app).post(path).set('Authorization', `Bearer ${agency.adminToken}`).set('X-Forwarded-For', randomIp());
  const accountId = options.accountId ?? ((await agent('/v1/customers').send({ name: unique('Account') })).body.id as string);
  const email = `${unique('customer')}@example.test`;
  const contact = await agent('/v1/contacts').send({ firstName: 'Kim', lastName: unique('Customer'), emails: [{ label: 'work', value: email, primary: true }], customerId: accountId });
  if (contact.status !== 201) throw new Error(`makeCustomer: contact ${contact.status} ${JSON.stringify(contact.body)}`);
  const invited = await agent('/v1/customer-users').send({ contactId: contact.body.id, role: options.role ?? 'customer' });
  if (invited.status !== 201) throw new Error(`makeCustomer: invite ${invited.status} ${JSON.stringify(invited.body)}`);
  const mail = await waitForMail(runtime, email, (m) => m.text.includes('#crm-portal-link='));
  const link = decodeURIComponent(/#crm-portal-link=([A-Za-z0-9_%.-]+)/.exec(mail.text)![1]!);
  const session = await supertest(runtime.app).post('/v1/portal/session').set('X-Forwarded-For', randomIp()).send({ link });
  if (session.status !== 200) throw new Error(`makeCustomer: sign-in ${session.status} ${JSON.stringify(session.body)}`);
  return { accessToken: session.body.accessToken, refreshToken: session.body.refreshToken, customerUserId: invited.body.id, contactId: contact.body.id, accountId, email };
}
