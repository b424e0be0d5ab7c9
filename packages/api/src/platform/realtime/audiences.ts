import { createHash } from 'node:crypto';
import { can, matchesFilter, visibilityFilter } from '../access/access.js';
import type { Resource } from '../access/catalog.js';
import type { Principal } from '../access/principal.js';

/** A socket's subscription: a record type and equality filters on the record's fields. */
export interface Subscription {
  /** Derived from resource and filter, so every socket that asked the same thing shares one room. */
  id: string;
  resource: Resource;
  filter: Record<string, string | number | boolean | null>;
}

/** Sockets of one agency that see the same records of a type (one visibility filter) and asked the same thing. */
interface Audience {
  room: string;
  subscription: Subscription;
  sockets: number;
}

/** Everyone of an agency whose visibility filter on a record type is the same filter. */
interface VisibilityGroup {
  filter: Record<string, unknown>;
  audiences: Map<string, Audience>;
}

const hash = (text: string) => createHash('sha1').update(text).digest('base64url').slice(0, 16);

/** The id of a subscription: the same resource and filter give the same id on every socket. */
export function subscriptionId(resource: Resource, filter: Subscription['filter']): string {
  const canonical = Object.keys(filter)
    .sort()
    .map((key) => [key, filter[key]]);
  return `sub_${hash(JSON.stringify([resource, canonical]))}`;
}

function readPath(record: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), record);
}

/** True when the record's fields equal the subscription's filter values. */
function wants(subscription: Subscription, record: Record<string, unknown>): boolean {
  return Object.entries(subscription.filter).every(([k, v]) => String(readPath(record, k) ?? null) === String(v));
}

/**
 * The index realtime delivers from. Sockets are grouped by the visibility filter the access module gives
 * their principal for a record type (the filter itself is the key: an admin and every role that sees
 * the whole agency share one group, an `own` role is a group per user), and within it by subscription.
 * Each (group, subscription) is a socket.io room, so an event is matched once per group and written to
 * a room, never evaluated per socket.
 */
export class Audiences {
  /** `${tenantId}:${resource}` → visibility key → group. */
  readonly #groups = new Map<string, Map<string, VisibilityGroup>>();

  /**
   * The room a socket with this principal joins for this subscription, or null when its role may not
   * read the record type at all (then it gets none of its events).
   */
  roomFor(principal: Principal, subscription: Subscription): string | null {
    if (!can(principal, subscription.resource, 'read')) return null;
    const filter = visibilityFilter(principal, subscription.resource, 'read');
    const visibility = hash(JSON.stringify(filter));
    const tenantKey = `${String(principal.tenantId)}:${subscription.resource}`;
    let byVisibility = this.#groups.get(tenantKey);
    if (!byVisibility) this.#groups.set(tenantKey, (byVisibility = new Map()));
    let group = byVisibility.get(visibility);
    if (!group) byVisibility.set(visibility, (group = { filter, audiences: new Map() }));
    const room = `rec:${tenantKey}:${visibility}:${subscription.id}`;
    if (!group.audiences.has(subscription.id)) group.audiences.set(subscription.id, { room, subscription, sockets: 0 });
    return room;
  }

  /** Counts a socket into the room `roomFor` gave. */
  join(room: string): void {
    const found = this.#find(room);
    if (found) found.audience.sockets += 1;
  }

  /** Counts a socket out of a room; an empty room and an empty group are forgotten. */
  leave(room: string): void {
    const found = this.#find(room);
    if (!found) return;
    found.audience.sockets -= 1;
    if (found.audience.sockets > 0) return;
    found.group.audiences.delete(found.audience.subscription.id);
    if (found.group.audiences.size) return;
    found.byVisibility.delete(found.visibility);
    if (!found.byVisibility.size) this.#groups.delete(found.tenantKey);
  }

  /**
   * The rooms that receive a change to `record` (which carries its `tenantId`), each with the
   * subscription it matched: the visibility filter is evaluated once per group.
   */
  *match(tenantId: string, resource: string, record: Record<string, unknown>): Generator<{ room: string; subscription: Subscription }> {
    const byVisibility = this.#groups.get(`${tenantId}:${resource}`);
    if (!byVisibility) return;
    for (const group of byVisibility.values()) {
      if (!matchesFilter(record, group.filter)) continue;
      for (const audience of group.audiences.values()) {
        if (audience.sockets > 0 && wants(audience.subscription, record)) yield { room: audience.room, subscription: audience.subscription };
      }
    }
  }

  /** How many groups are held (for tests and the benchmark). */
  get groupCount(): number {
    let n = 0;
    for (const byVisibility of this.#groups.values()) n += byVisibility.size;
    return n;
  }

  #find(room: string) {
    // rec:<tenant>:<resource>:<visibility>:<subscription>
    const [, tenant, resource, visibility, id] = room.split(':');
    const tenantKey = `${tenant}:${resource}`;
    const byVisibility = this.#groups.get(tenantKey);
    const group = byVisibility?.get(visibility!);
    const audience = group?.audiences.get(id!);
    return byVisibility && group && audience ? { tenantKey, byVisibility, visibility: visibility!, group, audience } : null;
  }
}
