import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Action, Resource, VisibilityScope } from '../../platform/access/catalog.js';
import { op } from '../../platform/db/operators.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import { writeVersion } from '../../platform/records/version-claims.js';
import { roleModel, type Role } from './role.model.js';
import { defaultRoles, type RoleTemplate } from './roles.defaults.js';
import { firstReleaseDefaults } from './roles.first-release.js';

/**
 * Built-in roles keep up with the release. An agency's roles are its data: an admin may take a grant
 * away from Sales Head, and that must hold. But when a release gives a built-in role a new grant (price
 * books and invoices for Sales Head, tickets for Customer Support, a new module's resource), an agency
 * made before it would never get it, and its people would meet 403s for features they were sold.
 *
 * So each built-in role remembers the defaults it was last given (`appliedDefaults`, with their hash).
 * An upgrade adds only what the defaults have now and did not have then; grants an admin removed were in
 * the old defaults too, so they stay removed. Roles seeded before this existed have no memory: their
 * baseline is the first release's defaults, frozen in roles.first-release.ts.
 */

/** The job that brings every agency's built-in roles up to the release's defaults (scheduled at start). */
export const ROLES_UPGRADE_JOB = 'roles.upgrade-defaults';

export interface AppliedDefaults {
  permissions: { resource: Resource; actions: Action[] }[];
  visibility: { resource: Resource; scope: VisibilityScope }[];
}

/** A template's defaults as stored on the role, in a stable order. */
export function appliedDefaultsOf(template: Pick<RoleTemplate, 'permissions' | 'visibility'>): AppliedDefaults {
  return {
    permissions: Object.entries(template.permissions)
      .map(([resource, actions]) => ({ resource: resource as Resource, actions: [...new Set(actions as Action[])].sort() }))
      .sort((a, b) => a.resource.localeCompare(b.resource)),
    visibility: Object.entries(template.visibility)
      .map(([resource, scope]) => ({ resource: resource as Resource, scope: scope as VisibilityScope }))
      .sort((a, b) => a.resource.localeCompare(b.resource)),
  };
}

export function defaultsHash(applied: AppliedDefaults): string {
  return createHash('sha256').update(JSON.stringify(applied)).digest('base64url').slice(0, 22);
}

/** The defaults a role without a memory was seeded with: the first release's (frozen), none for a role added since. */
function firstReleaseBaseline(template: RoleTemplate): AppliedDefaults {
  if (template.isAdmin) return appliedDefaultsOf(template);
  return appliedDefaultsOf(firstReleaseDefaults[template.key] ?? { permissions: {}, visibility: {} });
}

/** The role with the grants the defaults gained since `baseline`, added to what the agency has; null when nothing changes. */
export function upgradedGrants(role: Pick<Role, 'permissions' | 'visibility'>, baseline: AppliedDefaults, now: AppliedDefaults): Pick<Role, 'permissions' | 'visibility'> | null {
  const before = new Map(baseline.permissions.map((p) => [p.resource, new Set(p.actions)]));
  const permissions = role.permissions.map((p) => ({ resource: p.resource, actions: [...p.actions] }));
  let changed = false;
  for (const grant of now.permissions) {
    const gained = grant.actions.filter((a) => !before.get(grant.resource)?.has(a));
    if (!gained.length) continue;
    const held = permissions.find((p) => p.resource === grant.resource);
    const missing = gained.filter((a) => !held?.actions.includes(a));
    if (!missing.length) continue;
    if (held) held.actions.push(...missing);
    else permissions.push({ resource: grant.resource, actions: missing });
    changed = true;
  }
  const seen = new Set(baseline.visibility.map((v) => v.resource));
  const visibility = role.visibility.map((v) => ({ ...v }));
  for (const scope of now.visibility) {
    if (seen.has(scope.resource) || visibility.some((v) => v.resource === scope.resource)) continue;
    visibility.push({ ...scope });
    changed = true;
  }
  return changed ? { permissions, visibility } : null;
}

/**
 * Brings every agency's built-in roles to this release's defaults; answers how many roles gained grants.
 * Safe to run in several processes at once: each write is conditional on the role's version, and a role
 * written meanwhile is picked up by the next run.
 */
export async function upgradeBuiltInRoles(connection: Connection): Promise<{ checked: number; upgraded: number }> {
  const Role = roleModel(connection);
  const templates = new Map(defaultRoles.map((t) => [t.key, { template: t, now: appliedDefaultsOf(t) }]));
  const hashes = new Map([...templates].map(([key, t]) => [key, defaultsHash(t.now)]));
  let checked = 0;
  let upgraded = 0;
  // One pass over the built-in roles whose remembered defaults are not this release's (none, on a start
  // with nothing new); every agency's, so it is a maintenance read across tenants.
  const stale = Role.find({ builtIn: true, key: op({ $in: [...templates.keys()] }), defaultsHash: op({ $nin: [...new Set(hashes.values())] }) } as never, null, { crossTenant: 'the release brings every agency\'s built-in roles to its defaults' })
    .select({ key: 1, permissions: 1, visibility: 1, appliedDefaults: 1, version: 1, tenantId: 1 })
    .lean<(Role & { appliedDefaults?: AppliedDefaults | null })[]>()
    .cursor({ batchSize: 500 });
  for await (const role of stale) {
    const entry = templates.get(role.key);
    if (!entry) continue;
    checked++;
    const baseline = role.appliedDefaults ?? firstReleaseBaseline(entry.template);
    const grants = upgradedGrants(role, baseline, entry.now);
    const written = await writeVersion(Role, role, { $set: { ...(grants ?? {}), appliedDefaults: entry.now, defaultsHash: hashes.get(role.key) } });
    if (written && grants) upgraded++;
  }
  return { checked, upgraded };
}

/**
 * Defines the upgrade job: hourly, and once at each start of a process that runs jobs (server.ts), so a
 * release's new grants reach existing agencies within minutes of the upgrade.
 */
export function defineRoleUpgradeJobs(deps: { connection: Connection; jobs: Jobs }): void {
  deps.jobs.define(ROLES_UPGRADE_JOB, async () => {
    await upgradeBuiltInRoles(deps.connection);
  });
  deps.jobs.recurring('23 * * * *', ROLES_UPGRADE_JOB, { timezone: 'UTC' });
}
