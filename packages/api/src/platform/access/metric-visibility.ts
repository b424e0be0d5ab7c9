import type { Resource } from './catalog.js';
import type { Principal } from './principal.js';

/**
 * Which roll-up keys a principal may read for a record type: every key when the role sees every record
 * of it, else the owner keys of the people whose records they see (themselves, their subordinates, and
 * their teams' members for a team scope), their teams (team scope) and their products (product scope).
 * Roll-ups carry no record, so this is the visibility of `access.ts` said in dimension keys.
 */
export interface MetricReach {
  all: boolean;
  owner: string[];
  team: string[];
  product: string[];
}

/** The roll-up keys of `resource` the principal may read (see MetricReach). */
export function metricReach(principal: Principal, resource: Resource): MetricReach {
  const scope = principal.role.visibility.get(resource) ?? 'own';
  if (principal.role.isAdmin || scope === 'all') return { all: true, owner: [], team: [], product: [] };
  const owners = new Set(principal.subordinateUserIds.map(String));
  if (scope === 'team') for (const id of principal.teamMemberIds) owners.add(String(id));
  return {
    all: false,
    owner: [...owners],
    team: scope === 'team' ? principal.teamIds.map(String) : [],
    product: scope === 'product' ? principal.productIds.map(String) : [],
  };
}

/** The subject of a target, with what the org chart says about it (resolved by the caller). */
export interface TargetSubject {
  dimension: 'owner' | 'team' | 'product' | 'all';
  key: string;
  /** For an owner: the leads of the teams they belong to; for a team: its lead. */
  leadIds: string[];
}

/**
 * Whether the principal sits above a target's subject and so may set its target: an admin always; a
 * team's lead (or someone above that lead) for the team and its members; someone above a person in
 * the role tree for that person; a head who sees every record of the metric and has people below for
 * a product's or the agency's. Nobody sets their own.
 */
export function maySetTarget(principal: Principal, resource: Resource, subject: TargetSubject): boolean {
  if (principal.role.isAdmin) return true;
  const me = String(principal.userId);
  const below = new Set(principal.subordinateUserIds.map(String));
  below.delete(me);
  const leadsOrAbove = subject.leadIds.some((lead) => lead === me || below.has(lead));
  switch (subject.dimension) {
    case 'owner':
      return subject.key !== me && (below.has(subject.key) || leadsOrAbove);
    case 'team':
      return leadsOrAbove;
    case 'product':
    case 'all':
      return below.size > 0 && metricReach(principal, resource).all;
  }
}
