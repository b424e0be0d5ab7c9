/**
 * Evaluates a Mongo filter of the shapes this API builds (the access module's visibility, list filters
 * and custom-field filters) on a document in memory, with MongoDB's rules: a dotted path reaches into
 * arrays of subdocuments, an equality on an array field matches an element, `null` matches a missing
 * field, ids and dates compare by value. Operators: `$and`, `$or`, `$in`, `$nin`, `$ne`, `$gt`, `$gte`,
 * `$lt`, `$lte`, `$exists`. Anything else throws, so a new filter shape fails loudly in tests instead of
 * matching wrongly.
 *
 * Why: on FerretDB's PostgreSQL handler each top-level equality of a query becomes an index condition,
 * and one on a field most records share (`tenantId`, a status) costs a bitmap of the whole collection;
 * reading a record by `_id` alone and checking the rest here costs one row.
 */
type Filter = Record<string, unknown>;

function comparable(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (value && typeof value === 'object' && '_bsontype' in value && typeof (value as { toHexString?: unknown }).toHexString === 'function') {
    return (value as unknown as { toHexString(): string }).toHexString();
  }
  return value;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined) return b === null || b === undefined;
  return comparable(a) === comparable(b);
}

/** The values a dotted path reaches (through arrays), each array also spread into its elements. */
function valuesAt(doc: unknown, path: string[]): unknown[] {
  if (!path.length) return Array.isArray(doc) ? [doc, ...doc] : [doc];
  if (Array.isArray(doc)) return doc.flatMap((item) => valuesAt(item, path));
  if (doc === null || typeof doc !== 'object') return [undefined];
  return valuesAt((doc as Record<string, unknown>)[path[0]!], path.slice(1));
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value) || value instanceof Date || '_bsontype' in value) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

function order(a: unknown, b: unknown): number | null {
  const x = comparable(a);
  const y = comparable(b);
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  return null;
}

function matchesCondition(values: unknown[], condition: unknown): boolean {
  if (!isOperatorObject(condition)) return values.some((v) => equal(condition, v));
  return Object.entries(condition).every(([operator, operand]) => {
    switch (operator) {
      case '$in':
        return (operand as unknown[]).some((candidate) => values.some((v) => equal(candidate, v)));
      case '$nin':
        return !(operand as unknown[]).some((candidate) => values.some((v) => equal(candidate, v)));
      case '$ne':
        return !values.some((v) => equal(operand, v));
      case '$exists':
        return values.some((v) => v !== undefined) === Boolean(operand);
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        return values.some((v) => {
          const diff = order(v, operand);
          if (diff === null) return false;
          return operator === '$gt' ? diff > 0 : operator === '$gte' ? diff >= 0 : operator === '$lt' ? diff < 0 : diff <= 0;
        });
      default:
        throw new Error(`matchFilter: operator ${operator} is not supported`);
    }
  });
}

/** True when `doc` matches `filter`, as the database would answer. */
export function matchFilter(doc: Record<string, unknown>, filter: Filter): boolean {
  return Object.entries(filter).every(([key, condition]) => {
    if (key === '$and') return (condition as Filter[]).every((part) => matchFilter(doc, part));
    if (key === '$or') return (condition as Filter[]).some((part) => matchFilter(doc, part));
    if (key.startsWith('$')) throw new Error(`matchFilter: ${key} is not supported`);
    return matchesCondition(valuesAt(doc, key.split('.')), condition);
  });
}
