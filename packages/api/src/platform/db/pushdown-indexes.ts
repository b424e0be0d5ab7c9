import type { Connection, Schema } from 'mongoose';
import { userInfo } from 'node:os';
import pg from 'pg';
import { isSearchedWithoutPendingList } from './pushdown-options.js';

/**
 * Indexes that let PostgreSQL serve the filters FerretDB v1 pushes down to it.
 *
 * FerretDB 1.24 (PostgreSQL handler) keeps each collection in a table with one `_jsonb` column and turns
 * every top-level equality of a query into `(_jsonb->'field') @> '<value>'` (jsonb containment, which
 * also matches an element of an array field). The indexes it creates for `createIndexes` are btree
 * indexes on `(_jsonb->'field')`, and a btree index cannot serve `@>`: every query is a sequential scan
 * that reads (and de-TOASTs) every document of the collection, about 110 ms per query at 100,000
 * contacts. A GIN index on the same expression serves `@>` directly (about 3-5 ms for the same query),
 * and PostgreSQL combines several of them (BitmapAnd) for filters on several fields.
 *
 * So, for the embedded PostgreSQL handler only, this adds one GIN index per top-level field that a
 * model's declared indexes name, on FerretDB's table for that collection. FerretDB does not know about
 * them (they never appear in `listIndexes`), and they go away with the table when a collection is
 * dropped. MongoDB itself, or FerretDB's SQLite handler (which pushes down nothing but a lone `_id`),
 * need none of this.
 */
export interface PushdownIndex {
  schema: string;
  table: string;
  collection: string;
  field: string;
  name: string;
}

const METADATA_TABLE = '_ferretdb_database_metadata';
/** Collections whose GIN indexes are kept without a pending list (pushdown-options.ts). */
const noPendingList = new Set<string>();

const withoutTenantIndex = new WeakSet<Schema>();
/** Collections whose GIN index on `tenantId` is dropped at start (made before they were marked). */
const tenantIndexDropped = new Set<string>();

/**
 * Marks a tenant-owned collection that is never read by `tenantId` alone, only with another equality of a
 * few rows (per-user keys): it gets no GIN index on `tenantId`. PostgreSQL cannot tell the selectivity of a
 * pushed-down `@>` (it estimates every one alike), so with one it ANDs the tenant's whole posting list
 * into every read: at 20,000 rows of one agency, 15 ms of a 20 ms read of 20 inbox rows (EXPLAIN ANALYZE,
 * 2026-12-06), growing with the agency. Without it, the other field's index finds the rows and the tenant
 * is checked on those rows.
 */
export function readWithoutTenantIndex(schema: Schema): void {
  withoutTenantIndex.add(schema);
}

const withoutIdIndex = new WeakSet<Schema>();
/** Collections whose GIN index on `_id` is dropped at start (made before they were marked). */
const idIndexDropped = new Set<string>();

/**
 * Marks a collection never read by `_id` (only by its other keys; written in bulk): it gets no GIN index
 * on `_id`, which would only be kept up on every insert. The search entries: about 31 per imported
 * contact, read by `key` and removed by `recordId` (issue 20: 6 % more entries a second without it).
 */
export function readWithoutIdIndex(schema: Schema): void {
  withoutIdIndex.add(schema);
}

/** The top-level fields named by a model's declared indexes, and `_id`. */
function indexedFields(connection: Connection): Map<string, Set<string>> {
  const byCollection = new Map<string, Set<string>>();
  for (const model of Object.values(connection.models)) {
    if (isSearchedWithoutPendingList(model.schema)) noPendingList.add(model.collection.collectionName);
    const skipTenant = withoutTenantIndex.has(model.schema);
    if (skipTenant) tenantIndexDropped.add(model.collection.collectionName);
    const skipId = withoutIdIndex.has(model.schema);
    if (skipId) idIndexDropped.add(model.collection.collectionName);
    const fields = byCollection.get(model.collection.collectionName) ?? new Set<string>(skipId ? [] : ['_id']);
    for (const [keys] of model.schema.indexes()) {
      for (const field of Object.keys(keys)) if (!field.includes('.') && !field.startsWith('$') && !(skipTenant && field === 'tenantId')) fields.add(field);
    }
    byCollection.set(model.collection.collectionName, fields);
  }
  return byCollection;
}

/** A client for `url`; without a user in it, the operating-system user, as psql and FerretDB's pgx do. */
export function postgresClient(url: string): pg.Client {
  const parsed = new URL(url);
  if (parsed.username) return new pg.Client({ connectionString: url });
  // pg lets a connection string's missing user override an explicit one, so pass the parts instead.
  return new pg.Client({
    host: decodeURIComponent(parsed.hostname) || '127.0.0.1',
    port: Number(parsed.port || 5432),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || undefined,
    user: userInfo().username,
  });
}

/** A PostgreSQL identifier of at most 63 bytes that stays unique per table and field. */
function indexName(table: string, field: string): string {
  const safe = field.replace(/[^A-Za-z0-9_]/g, '_').toLowerCase();
  return `${table}_pd_${safe}`.slice(0, 63);
}

/**
 * Creates the missing GIN indexes for every collection of `connection`'s database, on the PostgreSQL
 * database that FerretDB stores it in. Idempotent; returns the indexes it created.
 */
export async function ensurePushdownIndexes(connection: Connection, postgresUrl: string): Promise<PushdownIndex[]> {
  const schema = connection.db!.databaseName;
  const wanted = indexedFields(connection);
  const client = postgresClient(postgresUrl);
  await client.connect();
  try {
    const tables = await client.query<{ collection: string; table: string }>(
      `SELECT _jsonb->>'_id' AS collection, _jsonb->>'table' AS table FROM ${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(METADATA_TABLE)}`,
    );
    const existing = new Set((await client.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = $1', [schema])).rows.map((r) => r.indexname));
    const fastUpdateOff = new Set(
      (await client.query<{ relname: string }>(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'i' AND 'fastupdate=off' = ANY (c.reloptions)`, [schema])).rows.map((r) => r.relname),
    );
    const created: PushdownIndex[] = [];
    for (const { collection, table } of tables.rows) {
      const eager = noPendingList.has(collection);
      const tenantIndex = indexName(table, 'tenantId');
      if (tenantIndexDropped.has(collection) && existing.has(tenantIndex)) await client.query(`DROP INDEX IF EXISTS ${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(tenantIndex)}`);
      const idIndex = indexName(table, '_id');
      if (idIndexDropped.has(collection) && existing.has(idIndex)) await client.query(`DROP INDEX IF EXISTS ${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(idIndex)}`);
      for (const field of wanted.get(collection) ?? []) {
        const name = indexName(table, field);
        if (existing.has(name)) {
          // An index made before its collection was marked: switched off, and what its pending list holds merged now.
          if (eager && !fastUpdateOff.has(name)) {
            await client.query(`ALTER INDEX ${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)} SET (fastupdate = off)`);
            await client.query(`SELECT gin_clean_pending_list(${pg.escapeLiteral(`${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`)}::regclass)`);
          }
          continue;
        }
        await client.query(
          `CREATE INDEX IF NOT EXISTS ${pg.escapeIdentifier(name)} ON ${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)} USING gin ((_jsonb -> ${pg.escapeLiteral(field)}))${eager ? ' WITH (fastupdate = off)' : ''}`,
        );
        created.push({ schema, table, collection, field, name });
      }
    }
    if (created.length) await client.query(`ANALYZE ${[...new Set(created.map((c) => `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(c.table)}`))].join(', ')}`);
    return created;
  } finally {
    await client.end();
  }
}
