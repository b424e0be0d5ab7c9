/** Every resource the access module knows; routes name one of these with an action. */
export const resources = [
  'tenant',
  'user',
  'role',
  'org',
  'apiKey',
  'audit',
  'product',
  'contact',
  'customer',
  'lead',
  'opportunity',
  'pipeline',
  'task',
  'activity',
  'segment',
  'workflow',
  'customField',
  'campaign',
  'template',
  'notification',
  'report',
  'article',
  'ticket',
  'customerUser',
  'priceBook',
  'invoice',
  'order',
  'privacyRequest',
  'webhook',
] as const;
export type Resource = (typeof resources)[number];

export const actions = ['create', 'read', 'update', 'delete', 'import', 'export', 'transition', 'assign', 'lock'] as const;
export type Action = (typeof actions)[number];

/**
 * How far a role sees a resource. Managers also see everything their subordinates own (role parent
 * chain), whatever the scope.
 * - own: records they own; team: records of their teams or owned by team members; product: records of
 *   their assigned products; department: records of their department; all: the whole agency;
 * - allExceptActiveOtherDepartments: everything except records of products that are active and belong
 *   to another department (002's Head of Marketing).
 */
export const visibilityScopes = ['own', 'team', 'product', 'department', 'all', 'allExceptActiveOtherDepartments'] as const;
export type VisibilityScope = (typeof visibilityScopes)[number];

/** Resources whose records carry owner/team/product/department and so are filtered by visibility. */
export const recordResources: readonly Resource[] = ['contact', 'customer', 'lead', 'opportunity', 'task', 'activity', 'campaign', 'ticket'];
