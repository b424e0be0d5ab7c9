import type { ZodError, ZodType } from 'zod';
import { AppError, type FieldError } from '../errors.js';

/** Turns zod issues into the API's per-field errors, with paths prefixed by where the value came from. */
export function fieldErrors(error: ZodError, prefix?: string): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return {
      field: [prefix, path].filter(Boolean).join('.') || (prefix ?? 'body'),
      code: issue.code,
      message: issue.message,
    };
  });
}

/** Parses a value with a schema or throws a 400 naming every failing field. */
export function parseOrThrow<T extends ZodType>(schema: T, value: unknown, where: 'body' | 'query' | 'params'): ReturnType<T['parse']> {
  const result = schema.safeParse(value);
  if (result.success) return result.data as ReturnType<T['parse']>;
  const errors = fieldErrors(result.error, where === 'body' ? undefined : where);
  const noun = errors.length === 1 ? 'field is' : 'fields are';
  throw new AppError('validation_failed', `${errors.length} ${noun} not valid: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, {
    errors,
  });
}

const unsafeKey = /[[\]$]|^__proto__$|^constructor$|^prototype$/;

/**
 * Query strings are parsed flat (Express 5's simple parser), so an operator smuggled as `a[$ne]=1` shows
 * up as a key with brackets; such keys, and repeated scalar keys, are refused before any schema runs.
 */
export function assertPlainQuery(query: Record<string, unknown>): void {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (unsafeKey.test(key)) errors.push({ field: `query.${key}`, code: 'invalid_key', message: 'query keys may not contain [, ] or $' });
    else if (typeof value !== 'string' && !Array.isArray(value)) errors.push({ field: `query.${key}`, code: 'invalid_type', message: 'must be a plain value' });
  }
  if (errors.length) throw new AppError('validation_failed', 'The query string is not valid', { errors });
}
