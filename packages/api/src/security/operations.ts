/**
 * Everything the security suites know about the API comes from the generated OpenAPI document, so a
 * route added by any module is walked without editing the suites: its path and method, its access rule
 * (`x-access`), its parameters, and an example body generated from its request schema.
 */
import { randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import type { Connection } from 'mongoose';
import { currentOpenApiDocument } from '../openapi-document.js';

type JsonSchema = Record<string, unknown>;

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path, e.g. `/v1/contacts/{id}`. */
  path: string;
  operationId: string;
  /** `public`, `any signed-in user or secret key`, or `resource:action`. */
  access: string;
  pathParams: { name: string; schema: JsonSchema }[];
  queryParams: { name: string; schema: JsonSchema; required: boolean }[];
  body: JsonSchema | null;
  /** True when a path parameter is a record id (24-hex). */
  idBased: boolean;
}

const document = currentOpenApiDocument() as { paths: Record<string, Record<string, Record<string, unknown>>>; components?: { schemas?: Record<string, JsonSchema> } };

/** Follows `$ref`s into components. */
export function resolve(schema: JsonSchema | undefined): JsonSchema {
  let current = schema ?? {};
  for (let i = 0; i < 10 && typeof current.$ref === 'string'; i += 1) current = document.components?.schemas?.[(current.$ref as string).split('/').pop()!] ?? {};
  return current;
}

export function isIdSchema(schema: JsonSchema): boolean {
  const s = resolve(schema);
  return typeof s.pattern === 'string' && s.pattern.includes('a-f') && s.pattern.includes('{24}');
}

/** Every operation of the document, in document order. */
export function operations(): Operation[] {
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const parameters = (op.parameters as { name: string; in: string; schema: JsonSchema; required?: boolean }[] | undefined) ?? [];
      const body = (op.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)?.content?.['application/json']?.schema ?? null;
      const pathParams = parameters.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema }));
      out.push({
        method: method as Operation['method'],
        path,
        operationId: String(op.operationId),
        access: String(op['x-access']),
        pathParams,
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema, required: Boolean(p.required) })),
        body: body ? resolve(body) : null,
        idBased: pathParams.some((p) => isIdSchema(p.schema)),
      });
    }
  }
  return out;
}

/** Ids known per collection path (`/v1/contacts` → ids), used for path parameters and `xxxId` fields. */
export type IdPool = Map<string, string[]>;

export function randomId(): string {
  return randomBytes(12).toString('hex');
}

/** The collection a path parameter belongs to: the path up to the parameter (`/v1/contacts/{id}` → `/v1/contacts`). */
export function collectionOf(path: string, param: string): string {
  return path.slice(0, path.indexOf(`{${param}}`) - 1);
}

/** Fills path parameters: ids from the pool (or fresh random ids), other values from their schema. */
export function fillPath(op: Operation, pool: IdPool, pick: (ids: string[]) => string | undefined = (ids) => ids[0]): string {
  let path = op.path;
  for (const p of op.pathParams) {
    const value = isIdSchema(p.schema) ? (pick(pool.get(collectionOf(op.path, p.name)) ?? []) ?? randomId()) : String(exampleValue(p.schema, { pool, marker: 'x', field: p.name }));
    path = path.replace(`{${p.name}}`, encodeURIComponent(value));
  }
  const query = op.queryParams.filter((q) => q.required).map((q) => `${q.name}=${encodeURIComponent(String(exampleValue(q.schema, { pool, marker: 'q', field: q.name })))}`);
  return query.length ? `${path}?${query.join('&')}` : path;
}

/** Appends a query string to a filled path that may already carry required parameters. */
export function withQuery(path: string, query: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}${query}`;
}

// Field names that point at a collection by another name.
const aliases: Record<string, string> = { owner: 'users', user: 'users', lead: 'users', manager: 'users', member: 'users', assignee: 'users', role: 'roles', parentRole: 'roles', department: 'org/departments', team: 'org/teams', unit: 'org/units', designation: 'org/designations' };

/** A known id for a field such as `productId` or `memberIds`, from the pool. */
function idFor(field: string, pool: IdPool): string | undefined {
  const stem = field.replace(/Ids?$/, '');
  const wanted = aliases[stem] ?? `${stem}s`;
  for (const [collection, ids] of pool) if (ids.length && (collection.endsWith(`/${wanted}`) || collection.endsWith(`/${stem}es`))) return ids[0];
  return undefined;
}

let counter = 0;

/** A value that satisfies a schema, as far as a generator can: required fields only, ids from the pool, the marker in strings. */
/**
 * A route of the customers' self-service portal (`x-access` for `access.customer`): it takes a customer
 * token only, so every agent credential, key and anonymous caller gets 401. The customer-portal, support
 * and knowledge suites walk these with customers' tokens (audiences, account trees, other agencies).
 */
export function isPortalRoute(op: Pick<Operation, 'access'>): boolean {
  return op.access === 'a signed-in customer (portal token)';
}

export function exampleValue(schemaIn: JsonSchema, ctx: { pool: IdPool; marker: string; field: string; optional?: boolean }): unknown {
  const schema = resolve(schemaIn);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const variants = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
  if (variants) return exampleValue(variants.find((v) => resolve(v).type !== 'null') ?? variants[0]!, ctx);
  if (Array.isArray(schema.allOf)) return Object.assign({}, ...(schema.allOf as JsonSchema[]).map((s) => exampleValue(s, ctx)));
  const type = Array.isArray(schema.type) ? (schema.type as string[]).find((t) => t !== 'null') : (schema.type as string | undefined);
  if (schema.example !== undefined && type !== 'string' && type !== 'object') return schema.example;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set((schema.required as string[] | undefined) ?? []);
      for (const [key, prop] of Object.entries((schema.properties as Record<string, JsonSchema> | undefined) ?? {})) {
        if (required.has(key) || (/^(name|title|firstName|lastName|companyName|description|notes)$/.test(key) && resolve(prop).type === 'string')) {
          out[key] = exampleValue(prop, { ...ctx, field: key });
        }
      }
      return out;
    }
    case 'array': {
      const min = Number(schema.minItems ?? 0);
      return Array.from({ length: min }, () => exampleValue((schema.items as JsonSchema) ?? {}, { ...ctx, field: ctx.field }));
    }
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : 1;
      return typeof schema.maximum === 'number' ? Math.min(min, schema.maximum) : min;
    }
    case 'boolean':
      return false;
    case 'string':
      return exampleString(schema, ctx);
    default:
      return ctx.marker;
  }
}

function exampleString(schema: JsonSchema, ctx: { pool: IdPool; marker: string; field: string }): string {
  counter += 1;
  if (isIdSchema(schema)) return idFor(ctx.field, ctx.pool) ?? randomId();
  const format = schema.format as string | undefined;
  if (format === 'email' || /email/i.test(ctx.field)) return `u${counter}-${ctx.marker}@example.test`.toLowerCase();
  if (format === 'uri' || format === 'url' || /url$/i.test(ctx.field)) return `https://example.test/${ctx.marker}`;
  if (format === 'date-time') return new Date().toISOString();
  if (format === 'date') return '2026-01-15';
  if (format === 'password' || /password/i.test(ctx.field)) return `pw-${ctx.marker}-0000000000`;
  const min = Number(schema.minLength ?? 0);
  const max = Number(schema.maxLength ?? 200);
  const candidates = [
    `${ctx.marker} ${counter}`,
    `${ctx.marker}${counter}`,
    `${ctx.marker}-${counter}`.toLowerCase(),
    `${ctx.marker}_${counter}`.toUpperCase(),
    `${ctx.marker}${counter}`.toLowerCase(),
    `k${counter}`,
    `K${counter}`,
    'EUR',
    'en',
    'Europe/Lisbon',
    `${counter}`,
    '2026-01-15',
    // A content hash (a ticket attachment's id is 32 hex digits).
    String(counter).padStart(32, '0'),
    'a'.repeat(Math.max(min, 1)),
  ];
  const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern) : null;
  const fit = candidates.find((c) => c.length >= min && c.length <= max && (!pattern || pattern.test(c)));
  return fit ?? candidates[0]!.padEnd(min, 'x').slice(0, max);
}

/** Top-level fields a body schema declares. */
export function bodyFields(op: Operation): string[] {
  if (!op.body) return [];
  const s = resolve(op.body);
  const variants = (s.oneOf ?? s.anyOf) as JsonSchema[] | undefined;
  const props = variants ? Object.assign({}, ...variants.map((v) => resolve(v).properties ?? {})) : (s.properties ?? {});
  return Object.keys(props as object);
}

/** A digest of every document of every collection (minus noisy ones: sign-ins, keys, limits, idempotency, and the
 * invoice mailer's process heartbeat, which a running process writes on its own), to prove a run changed nothing. */
export async function databaseSnapshot(connection: Connection, skip: RegExp = /^(audit_|api_keys|sessions|refresh_tokens|login_attempts|idempotency|invoice_mail_runs|system\.)/): Promise<string> {
  const collections = (await connection.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => !skip.test(n)).sort();
  const parts: string[] = [];
  for (const name of collections) {
    const docs = await connection.db!.collection(name).find({}).sort({ _id: 1 }).toArray();
    parts.push(`${name}:${JSON.stringify(docs)}`);
  }
  return parts.join('\n');
}

/**
 * A snapshot taken once the database has gone quiet: work a previous request set going after its answer
 * (events consumed in-process, audit and roll-up writes) would otherwise land between two snapshots and
 * look like a change made by what is being probed.
 */
export async function settledSnapshot(connection: Connection, skip?: RegExp): Promise<string> {
  let last = await databaseSnapshot(connection, skip);
  for (let i = 0; i < 20; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const next = await databaseSnapshot(connection, skip);
    if (next === last) return next;
    last = next;
  }
  return last;
}

/** The documents that differ between two snapshots, per collection, each line cut short for a readable failure. */
export function snapshotChanges(before: string, after: string): string[] {
  const byCollection = (snapshot: string) => new Map(snapshot.split('\n').filter(Boolean).map((line) => {
    const at = line.indexOf(':');
    const docs = JSON.parse(line.slice(at + 1)) as unknown[];
    return [line.slice(0, at), new Set(docs.map((doc) => JSON.stringify(doc)))] as const;
  }));
  const [was, is] = [byCollection(before), byCollection(after)];
  const changes: string[] = [];
  for (const name of new Set([...was.keys(), ...is.keys()])) {
    const [a, b] = [was.get(name) ?? new Set<string>(), is.get(name) ?? new Set<string>()];
    for (const doc of b) if (!a.has(doc)) changes.push(`${name}: now ${doc.slice(0, 400)}`);
    for (const doc of a) if (!b.has(doc)) changes.push(`${name}: was ${doc.slice(0, 400)}`);
  }
  return changes;
}

/** Collects the ids of everything a caller can list (GET collection routes), keyed by collection path. */
export async function collectListedIds(call: (method: 'get', path: string) => Promise<{ status: number; body: unknown }>, ops: Operation[], pool: IdPool): Promise<void> {
  for (const op of ops) {
    if (op.method !== 'get' || op.pathParams.length || op.access === 'public') continue;
    const res = await call('get', op.path);
    const data = (res.body as { data?: { id?: string }[] } | undefined)?.data;
    if (res.status === 200 && Array.isArray(data)) {
      const ids = data.map((d) => d.id).filter((id): id is string => typeof id === 'string');
      if (ids.length) pool.set(op.path, [...(pool.get(op.path) ?? []), ...ids]);
    }
  }
}

/** Routes whose side effects would end the caller's own session (revoking one's own session included); walked last. */
export function endsSession(op: Operation): boolean {
  return /logout|changeMyPassword|revokeSession|signOutOfPortal|setPortalPassword/i.test(op.operationId);
}

export type { Types };
