import { Types } from 'mongoose';
import type { AppContext } from '../platform/context.js';
import { hashPassword } from '../platform/auth/passwords.js';
import { createAuthService } from '../modules/identity/auth.service.js';
import { orgModel } from '../modules/identity/org.model.js';
import { roleModel } from '../modules/identity/role.model.js';
import { tenantModel } from '../modules/identity/tenant.model.js';
import { userModel } from '../modules/identity/user.model.js';
import { productModel } from '../modules/products/product.model.js';
import { seedDemoSales } from './demo-sales.js';

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

/**
 * Seeds a demo agency when the database has none, so a newcomer's first start has something to sign in
 * to. Does nothing on a database that already has an agency.
 */
export async function seedDemoIfEmpty(ctx: AppContext): Promise<{ tenantName: string; password: string; logins: { role: string; email: string }[] } | null> {
  const { connection } = ctx;
  if (await tenantModel(connection).exists({})) {
    // Already seeded (or a real agency exists): remind the newcomer of the demo logins if they are there.
    const demoAdmin = await userModel(connection).exists({ emailNormalized: 'admin@demo.crm.test' }).setOptions({ crossTenant: 'demo lookup' });
    return demoAdmin ? { tenantName: 'Northwind Events', password: DEMO_PASSWORD, logins: [{ role: 'Admin', email: 'admin@demo.crm.test' }, ...demoPeople.map((p) => ({ role: p.role, email: p.email }))] } : null;
  }
  const auth = createAuthService({ connection, jwtSecret: ctx.secrets.jwt, events: ctx.events });
  const client = { ip: '127.0.0.1', userAgent: 'seed' };
  const { tenant, user: admin } = await auth.register(
    {
      agency: { name: 'Northwind Events', type: 'Conference organiser', address: { line1: '12 Harbour Street', city: 'Lisbon', country: 'Portugal', postalCode: '1100-001' }, timeZone: 'Europe/Lisbon' },
      admin: { name: 'Ada Admin', email: 'admin@demo.crm.test', password: DEMO_PASSWORD },
    },
    client,
  );
  const tenantId = (await tenantModel(connection).findById(tenant.id).lean())!._id;
  const roles = await roleModel(connection).find({ tenantId }).lean();
  const departments = await orgModel(connection).find({ tenantId, kind: 'department' }).lean();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const users = new Map<string, Types.ObjectId>();
  for (const person of demoPeople) {
    const created = await userModel(connection).create({
      tenantId,
      email: person.email,
      emailNormalized: person.email,
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
  const sales = await seedDemoSales(connection, { tenantId, owners: [users.get('SALES_PERSON')!, users.get('SALES_HEAD')!, admin.id ? new Types.ObjectId(admin.id) : users.get('SALES_HEAD')!], support: users.get('SUPPORT') ?? null, productIds: [summit._id, forum._id] });
  ctx.logger.info({ tenant: tenant.slug, ...sales }, 'seeded the demo agency');
  return {
    tenantName: tenant.name,
    password: DEMO_PASSWORD,
    logins: [{ role: 'Admin', email: admin.email }, ...demoPeople.map((p) => ({ role: roles.find((r) => r.key === p.role)!.name, email: p.email }))],
  };
}
