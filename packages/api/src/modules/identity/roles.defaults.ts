import type { Action, Resource, VisibilityScope } from '../../platform/access/catalog.js';
import { resources } from '../../platform/access/catalog.js';

/** A built-in role as seeded into every new agency; admins may edit or add roles afterwards. */
export interface RoleTemplate {
  key: string;
  name: string;
  departmentKey: string | null;
  parentKey: string | null;
  isAdmin?: boolean;
  permissions: Partial<Record<Resource, Action[]>>;
  visibility: Partial<Record<Resource, VisibilityScope>>;
  exports?: { resource: Resource; scope: VisibilityScope; columns: string[]; activeProductsOnly: boolean }[];
}

const crud: Action[] = ['create', 'read', 'update', 'delete', 'transition', 'assign'];
const work: Action[] = ['create', 'read', 'update', 'transition'];
const records = ['contact', 'customer', 'lead', 'opportunity', 'task', 'activity'] as const;

function onRecords(actions: Action[], extra: Partial<Record<Resource, Action[]>> = {}): Partial<Record<Resource, Action[]>> {
  const out: Partial<Record<Resource, Action[]>> = { product: ['read'], pipeline: ['read'], segment: ['read', 'create'], campaign: ['read'], template: ['read'], notification: ['read', 'update'], report: ['read'], org: ['read'], user: ['read'], article: ['read'], priceBook: ['read'] };
  for (const r of records) out[r] = actions;
  return { ...out, ...extra };
}

function seeing(scope: VisibilityScope): Partial<Record<Resource, VisibilityScope>> {
  const out: Partial<Record<Resource, VisibilityScope>> = {};
  for (const r of [...records, 'campaign'] as const) out[r] = scope;
  return out;
}

/** 002's sales export: Name, Last Name, Job title and Company, of the team's records, while the product is active. */
const salesExport = (['lead', 'contact'] as const).map((resource) => ({
  resource,
  scope: 'team' as VisibilityScope,
  columns: ['firstName', 'lastName', 'jobTitle', 'companyName'],
  activeProductsOnly: true,
}));

const everything = Object.fromEntries(resources.map((r) => [r, ['create', 'read', 'update', 'delete', 'import', 'export', 'transition', 'assign', 'lock']])) as Record<Resource, Action[]>;

/** The roles 000 names and the three department hierarchies of 002. */
export const defaultRoles: RoleTemplate[] = [
  { key: 'ADMIN', name: 'Admin', departmentKey: null, parentKey: null, isAdmin: true, permissions: everything, visibility: seeing('all') },
  {
    key: 'SYSADMIN',
    name: 'Sysadmin',
    departmentKey: null,
    parentKey: 'ADMIN',
    permissions: {
      ...onRecords(['read']),
      workflow: ['create', 'read', 'update', 'delete'],
      customField: ['create', 'read', 'update', 'delete'],
      template: ['create', 'read', 'update', 'delete'],
      pipeline: ['create', 'read', 'update', 'delete'],
      user: ['create', 'read', 'update', 'assign'],
      org: ['create', 'read', 'update', 'delete'],
      role: ['read'],
      audit: ['read'],
      article: ['create', 'read', 'update', 'delete', 'transition'],
      ticket: ['read'],
      webhook: ['create', 'read', 'update', 'delete'],
    },
    visibility: seeing('all'),
  },
  { key: 'SALES_HEAD', name: 'Sales Head', departmentKey: null, parentKey: 'ADMIN', permissions: onRecords([...crud, 'export', 'import'], { campaign: crud, product: ['read'], customerUser: ['create', 'read', 'update'], priceBook: ['create', 'read', 'update'], invoice: ['create', 'read', 'update'], order: ['create', 'read', 'update'] }), visibility: seeing('all') },
  { key: 'SALES_PERSON', name: 'Sales Person', departmentKey: null, parentKey: 'SALES_HEAD', permissions: onRecords(work, { campaign: ['create', 'read', 'update', 'transition'], customerUser: ['create', 'read'] }), visibility: seeing('own') },
  { key: 'SUPPORT', name: 'Customer Support', departmentKey: null, parentKey: 'ADMIN', permissions: onRecords(work, { ticket: ['create', 'read', 'update', 'transition', 'assign'], article: ['create', 'read', 'update', 'delete', 'transition'], customerUser: ['create', 'read', 'update'] }), visibility: { ...seeing('all'), campaign: 'all', ticket: 'team' } },

  // Production: PD > SPM > PM > SP > P
  { key: 'PD', name: 'Production Director', departmentKey: 'production', parentKey: 'ADMIN', permissions: onRecords([...work, 'export']), visibility: seeing('product'), exports: [{ resource: 'lead', scope: 'product', columns: [], activeProductsOnly: false }] },
  { key: 'SPM', name: 'Senior Production Manager', departmentKey: 'production', parentKey: 'PD', permissions: onRecords(work), visibility: seeing('product') },
  { key: 'PM', name: 'Production Manager', departmentKey: 'production', parentKey: 'SPM', permissions: onRecords(work), visibility: seeing('product') },
  { key: 'SP', name: 'Senior Producer', departmentKey: 'production', parentKey: 'PM', permissions: onRecords(work), visibility: seeing('own') },
  { key: 'P', name: 'Producer', departmentKey: 'production', parentKey: 'SP', permissions: onRecords(work), visibility: seeing('own') },

  // Email sales: HM > MM > SME > JME; SRE and JRE research (import their own leads)
  { key: 'HM', name: 'Head of Marketing', departmentKey: 'email-sales', parentKey: 'ADMIN', permissions: onRecords([...work, 'export', 'import'], { campaign: crud }), visibility: seeing('allExceptActiveOtherDepartments'), exports: [{ resource: 'lead', scope: 'allExceptActiveOtherDepartments', columns: [], activeProductsOnly: false }] },
  { key: 'MM', name: 'Marketing Manager', departmentKey: 'email-sales', parentKey: 'HM', permissions: onRecords(work, { campaign: work }), visibility: seeing('product') },
  { key: 'SME', name: 'Senior Marketing Executive', departmentKey: 'email-sales', parentKey: 'MM', permissions: onRecords(work, { campaign: work }), visibility: seeing('product') },
  { key: 'JME', name: 'Junior Marketing Executive', departmentKey: 'email-sales', parentKey: 'SME', permissions: onRecords(work), visibility: seeing('product') },
  { key: 'SRE', name: 'Senior Research Executive', departmentKey: 'email-sales', parentKey: 'HM', permissions: onRecords([...work, 'import']), visibility: seeing('own') },
  { key: 'JRE', name: 'Junior Research Executive', departmentKey: 'email-sales', parentKey: 'SRE', permissions: onRecords([...work, 'import']), visibility: seeing('own') },

  // Phone sales: SM > ASM > STM > SSE > SE
  { key: 'SM', name: 'Sales Manager', departmentKey: 'phone-sales', parentKey: 'ADMIN', permissions: onRecords([...work, 'export']), visibility: seeing('team'), exports: salesExport },
  { key: 'ASM', name: 'Assistant Sales Manager', departmentKey: 'phone-sales', parentKey: 'SM', permissions: onRecords([...work, 'export']), visibility: seeing('team'), exports: salesExport },
  { key: 'STM', name: 'Sales Team Leader', departmentKey: 'phone-sales', parentKey: 'ASM', permissions: onRecords([...work, 'export']), visibility: seeing('team'), exports: salesExport },
  { key: 'SSE', name: 'Senior Sales Executive', departmentKey: 'phone-sales', parentKey: 'STM', permissions: onRecords([...work, 'export']), visibility: seeing('own'), exports: salesExport },
  { key: 'SE', name: 'Sales Executive', departmentKey: 'phone-sales', parentKey: 'SSE', permissions: onRecords([...work, 'export']), visibility: seeing('own'), exports: salesExport },
];

/** The departments of 002, seeded with every agency. */
export const defaultDepartments = [
  { key: 'production', name: 'Production' },
  { key: 'email-sales', name: 'Email Sales (Marketing)' },
  { key: 'phone-sales', name: 'Phone Sales' },
];
