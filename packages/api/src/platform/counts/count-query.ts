import { Types, type Connection } from 'mongoose';
import { countedParams, counterKey, readCounter, type CountedKind } from './record-counts.js';

/** The owners a visibility filter narrows to, when that is all it does: null for the whole agency, undefined when counters cannot serve it. */
function ownersOf(visibility: Record<string, unknown>): Types.ObjectId[] | null | undefined {
  const { tenantId: _tenant, ...rest } = visibility;
  const keys = Object.keys(rest);
  if (!keys.length) return null;
  if (keys.length !== 1 || keys[0] !== 'ownerId') return undefined;
  const owner = rest.ownerId;
  if (owner instanceof Types.ObjectId) return [owner];
  const any = owner && typeof owner === 'object' ? (owner as { $in?: unknown }).$in : undefined;
  if (Array.isArray(any) && Object.keys(owner as object).length === 1 && any.every((v) => v instanceof Types.ObjectId) && any.length <= 50) return any as Types.ObjectId[];
  return undefined;
}

/**
 * The count of the records `visibility` (the access module's filter) and `equalities` (list filters by
 * record path) select, from the counters alone, or null when the counters do not cover them: every
 * equality on a counted field (at most two fields with the owner), and a visibility of the whole agency
 * or of owners (a role scoped to its own and its subordinates' records: one counter per owner, summed).
 */
export async function countFromCounters(connection: Connection, kind: CountedKind, tenantId: Types.ObjectId, visibility: Record<string, unknown>, equalities: Record<string, unknown>): Promise<number | null> {
  const params = countedParams(kind);
  if (Object.keys(equalities).some((path) => !params.includes(path))) return null;
  const owners = ownersOf(visibility);
  if (owners === undefined) return null;
  if (owners === null) {
    if (Object.keys(equalities).length > 2) return null;
    return readCounter(connection, tenantId, counterKey(tenantId, kind.resource, equalities));
  }
  if (!params.includes('ownerId')) return null;
  const asked = equalities.ownerId;
  const { ownerId: _owner, ...others } = equalities;
  if (Object.keys(others).length > 1) return null;
  // An owner filter the caller cannot see counts nothing; one they can is the only owner counted.
  const counted = asked === undefined ? owners : owners.filter((o) => asked instanceof Types.ObjectId && o.equals(asked));
  const counts = await Promise.all(counted.map((ownerId) => readCounter(connection, tenantId, counterKey(tenantId, kind.resource, { ...others, ownerId }))));
  return counts.reduce((a, b) => a + b, 0);
}
