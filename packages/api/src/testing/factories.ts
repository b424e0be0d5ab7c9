import { randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import type { Runtime } from '../runtime.js';
import { hashPassword } from '../platform/auth/passwords.js';
import { roleModel } from '../modules/identity/role.model.js';
import { userModel } from '../modules/identity/user.model.js';
import { orgModel } from '../modules/identity/org.model.js';
import supertest from 'supertest';

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

/** Registers an agency through the API, as a newcomer would. */
export async function makeAgency(runtime: Runtime, name = unique('Agency')): Promise<TestAgency> {
  const adminEmail = `${unique('admin')}@example.test`;
  const res = await supertest(runtime.app)
    .post('/v1/auth/register')
    .set('X-Forwarded-For', randomIp())
    .send({ agency: { name }, admin: { name: 'Admin', email: adminEmail, password: TEST_PASSWORD } });
  if (res.status !== 201) throw new Error(`makeAgency: ${res.status} ${JSON.stringify(res.body)}`);
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
