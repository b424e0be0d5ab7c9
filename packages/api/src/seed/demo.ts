import { Types } from 'mongoose';
import type { AppContext } from '../platform/context.js';
import { hashPassword } from '../platform/auth/passwords.js';
import { createAuthService } from '../modules/identity/auth.service.js';
import { orgModel } from '../modules/identity/org.model.js';
import { roleModel } from '../modules/identity/role.model.js';
import { tenantModel } from '../modules/identity/tenant.model.js';
import { userModel } from '../modules/identity/user.model.js';
import { productModel } from '../modules/products/product.model.js';
import { op } from '../platform/db/operators.js';
import { seedDemoSales } from './demo-sales.js';
import { createRollups } from '../modules/reporting/rollups.service.js';
import { createDashboardsService } from '../modules/reporting/dashboards.service.js';

export const DEMO_PASSWORD = 'demo-password';

/** The demo agency's people: one per role a newcomer wants to try. */
const demoPeople = [
  { role: 'SALES_HEAD', name: 'Sofia Head', email: 'sales.head@demo.crm.test', dept: null },
  { role: 'SALES_PERSON', name: 'Sam Seller', email: 'sales@demo.crm.test', dept: null },
  { role: 'SUPPORT', name: 'Cora Support', email: 'support@demo.crm.test', dept: null },
  { role: 'SYSADMIN', name: 'Sid Sysadmin', email: 'sysadmin@demo.crm.test', dept: null },
  { role: 'PD', name: 'Paula Director', email: 'pd@demo.crm.test', dept: 'production' },
  { role: 'P', name: 'Pete Producer', email: 'producer@demo.crm.test', dept: 'production' },
  { role: 'HM', name: 'Hana Marketing', email: 'hm@demo.crm.test', dept: 'email-sales' },
  { role: 'JRE', name: 'Jules Research', email: 'research@demo.crm.test', dept: 'email-sales' },
  { role: 'STM', name: 'Tom Teamlead', email: 'teamlead@demo.crm.test', dept: 'phone-sales' },
  { role: 'SE', name: 'Eve Executive', email: 'se@demo.crm.test', dept: 'phone-sales' },
] as const;

/** A demo login as the start-up banner lists it: the role's name (never its key) and the email. */
export interface DemoLogin {
  role: string;
  email: string;
}

/** What a seeded agency offers a newcomer: its name, the shared password and one login per role. */
export interface SeededAgency {
  tenantName: string;
  password: string;
  logins: DemoLogin[];
}

const DEMO_AGENCY = 'Northwind Events';
const DEMO_DOMAIN = 'demo.crm.test';

/** The demo people's addresses at an agency's mail domain (the demo agency's is `demo.crm.test`). */
const emailAt = (email: string, domain: string) => email.replace(/@.*$/, `@${domain}`);

/** The logins of an agency's demo people, with their roles' names as the agency has them. */
async function loginsOf(ctx: AppContext, tenantId: Types.ObjectId, domain: string): Promise<DemoLogin[]> {
  const roles = await roleModel(ctx.connection).find({ tenantId }).lean();
  const users = await userModel(ctx.connection).find({ tenantId, emailNormalized: op({ $in: [`admin@${domain}`, ...demoPeople.map((p) => emailAt(p.email, domain))] }) }).lean();
  const roleName = (id: unknown) => roles.find((r) => String(r._id) === String(id))?.name ?? 'User';
  const order = [`admin@${domain}`, ...demoPeople.map((p) => emailAt(p.email, domain))];
  return users
    .sort((a, b) => order.indexOf(a.emailNormalized) - order.indexOf(b.emailNormalized))
    .map((u) => ({ role: roleName(u.roleId), email: u.email }));
}

/**
 * Creates an agency as a newcomer finds it: an admin and one person per role (password
 * `DEMO_PASSWORD`, emails at `domain`), two products, two teams, and `contacts` contacts with
 * proportionate customers, leads, deals, tasks and activities (see seedDemoSales).
 */
export async function seedAgency(ctx: AppContext, options: { name: string; domain: string; contacts: number; log?: (line: string) => void }): Promise<SeededAgency & { tenantId: Types.ObjectId; counts: Awaited<ReturnType<typeof seedDemoSales>> }> {
  const { connection } = ctx;
  const auth = createAuthService({ connection, jwtSecret: ctx.secrets.jwt, events: ctx.events });
  const client = { ip: '127.0.0.1', userAgent: 'seed' };
  const { tenant, user: admin } = await auth.provisionAgency(
    {
      agency: { name: options.name, type: 'Conference organiser', address: { line1: 'Rua Augusta 12', city: 'Lisbon', country: 'Portugal', postalCode: '1100-053' }, timeZone: 'Europe/Lisbon' },
      admin: { name: 'Ada Admin', email: `admin@${options.domain}`, password: DEMO_PASSWORD },
    },
    client,
  );
  const tenantId = (await tenantModel(connection).findById(tenant.id).lean())!._id;
  const roles = await roleModel(connection).find({ tenantId }).lean();
  const departments = await orgModel(connection).find({ tenantId, kind: 'department' }).lean();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const users = new Map<string, Types.ObjectId>();
  for (const person of demoPeople) {
    const email = emailAt(person.email, options.domain);
    const created = await userModel(connection).create({
      tenantId,
      email,
      emailNormalized: email,
      name: person.name,
      passwordHash,
      roleId: roles.find((r) => r.key === person.role)!._id,
      departmentId: person.dept ? departments.find((d) => d.key === person.dept)!._id : null,
      status: 'active',
    });
    users.set(person.role, created._id);
  }
  const phoneSales = departments.find((d) => d.key === 'phone-sales')!._id;
  const production = departments.find((d) => d.key === 'production')!._id;
  const quarterStart = new Date(Date.UTC(new Date().getUTCFullYear(), Math.floor(new Date().getUTCMonth() / 3) * 3, 1));
  const quarterEnd = new Date(Date.UTC(quarterStart.getUTCFullYear(), quarterStart.getUTCMonth() + 3, 0));
  const summit = await productModel(connection).create({ tenantId, name: 'FinTech Summit Lisbon', code: 'FTS', cycleStart: quarterStart, cycleEnd: quarterEnd, departmentId: production, userIds: [users.get('PD')!, users.get('P')!] });
  const forum = await productModel(connection).create({ tenantId, name: 'Retail Innovation Forum', code: 'RIF', cycleStart: quarterStart, cycleEnd: quarterEnd, departmentId: phoneSales });
  await orgModel(connection).create({ tenantId, kind: 'team', name: 'Phone Team 1', departmentId: phoneSales, memberIds: [users.get('SE')!], leadId: users.get('STM')!, productIds: [forum._id] });
  await orgModel(connection).create({ tenantId, kind: 'team', name: 'Production Team', departmentId: production, memberIds: [users.get('P')!], leadId: users.get('PD')!, productIds: [summit._id] });
  const adminId = new Types.ObjectId(admin.id);
  const counts = await seedDemoSales(connection, {
    tenantId,
    // The sales people carry most deals; the head, the admin and the phone team's executive some.
    owners: [users.get('SALES_PERSON')!, users.get('SALES_HEAD')!, adminId, users.get('SE')!],
    support: users.get('SUPPORT') ?? null,
    products: [summit, forum].map((p) => ({ id: p._id, departmentId: p.departmentId ?? null })),
    contacts: options.contacts,
    ...(options.log ? { log: options.log } : {}),
  });
  // The seed writes records directly (no events), so its roll-ups are built from them once; every role gets its dashboard.
  await createRollups({ connection, events: ctx.events }).rebuild(tenantId);
  await createDashboardsService({ connection }).seedRoleDefaults(tenantId);
  return { tenantId, tenantName: tenant.name, password: DEMO_PASSWORD, logins: await loginsOf(ctx, tenantId, options.domain), counts };
}

/**
 * Seeds the demo agency when the database has none, so a newcomer's first start has something to sign
 * in to. On a database that already has an agency, seeds nothing and answers the demo logins (role
 * names as the agency has them) if the demo agency is there.
 */
export async function seedDemoIfEmpty(ctx: AppContext): Promise<SeededAgency | null> {
  const { connection } = ctx;
  if (await tenantModel(connection).exists({})) {
    const demoAdmin = await userModel(connection).findOne({ emailNormalized: `admin@${DEMO_DOMAIN}` }).setOptions({ crossTenant: 'demo lookup' }).lean();
    if (!demoAdmin) return null;
    const tenant = await tenantModel(connection).findById(demoAdmin.tenantId).lean();
    return { tenantName: tenant?.name ?? DEMO_AGENCY, password: DEMO_PASSWORD, logins: await loginsOf(ctx, demoAdmin.tenantId, DEMO_DOMAIN) };
  }
  const seeded = await seedAgency(ctx, { name: DEMO_AGENCY, domain: DEMO_DOMAIN, contacts: 60 });
  ctx.logger.info({ tenant: seeded.tenantName, ...seeded.counts }, 'seeded the demo agency');
  return { tenantName: seeded.tenantName, password: seeded.password, logins: seeded.logins };
}
