import type { Connection } from 'mongoose';
import type { SearchableKind } from './search-index.js';
import { searchEntryModel } from './search-entry.model.js';

const kindsByConnection = new WeakMap<Connection, Map<string, SearchableKind<never>>>();

/** Records a kind of record as searchable on a connection (the record service does it for every kind it runs). */
export function registerSearchableKind<Doc>(connection: Connection, kind: SearchableKind<Doc>): void {
  // Registered now, so that start-up creates the collection and its indexes (and, on PostgreSQL, their GIN twins).
  searchEntryModel(connection);
  const kinds = kindsByConnection.get(connection) ?? new Map<string, SearchableKind<never>>();
  kinds.set(kind.resource, kind as unknown as SearchableKind<never>);
  kindsByConnection.set(connection, kinds);
}

/** Every searchable kind registered on the connection (what the backfill indexes). */
export function searchableKinds(connection: Connection): SearchableKind<Record<string, unknown>>[] {
  return [...(kindsByConnection.get(connection)?.values() ?? [])] as unknown as SearchableKind<Record<string, unknown>>[];
}
