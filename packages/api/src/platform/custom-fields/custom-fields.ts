import type { Connection, Types } from 'mongoose';
import { createStampedCache } from '../auth/stamped-cache.js';
import { AppError, type FieldError } from '../errors.js';
import { customFieldModel, type CustomFieldDefinition } from './custom-field.model.js';

/** Keys are plain identifiers: never a `.` or a leading `$`, so they are safe as document keys. */
export const customFieldKeyPattern = /^[a-z][a-zA-Z0-9_]{0,39}$/;

function coerce(def: CustomFieldDefinition, value: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  if (value === null) return { ok: true, value: null };
  switch (def.type) {
    case 'text':
      return typeof value === 'string' && value.length <= 2000 ? { ok: true, value } : { ok: false, message: 'must be text of at most 2000 characters' };
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? { ok: true, value } : { ok: false, message: 'must be a number' };
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : { ok: false, message: 'must be true or false' };
    case 'date': {
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return { ok: false, message: 'must be an ISO 8601 date' };
      return { ok: true, value: new Date(value) };
    }
    case 'select':
      return typeof value === 'string' && def.options.includes(value) ? { ok: true, value } : { ok: false, message: `must be one of: ${def.options.join(', ')}` };
    case 'multiselect':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' && def.options.includes(v))
        ? { ok: true, value: [...new Set(value as string[])] }
        : { ok: false, message: `must be a list of: ${def.options.join(', ')}` };
  }
}

/** Checks custom values against the definitions (see `validate`); throws 400 naming each failing `custom.<key>`. */
function validateWith(defs: readonly CustomFieldDefinition[], resource: string, input: Record<string, unknown> | undefined, mode: 'create' | 'update'): Record<string, unknown> {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const errors: FieldError[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input ?? {})) {
    const def = byKey.get(key);
    if (!def) {
      errors.push({ field: `custom.${key}`, code: 'unknown_field', message: `is not a custom field of ${resource}; defined: ${defs.map((d) => d.key).join(', ') || 'none'}` });
      continue;
    }
    const result = coerce(def, value);
    if (!result.ok) errors.push({ field: `custom.${key}`, code: 'invalid', message: result.message });
    else if (result.value === null && def.required) errors.push({ field: `custom.${key}`, code: 'required', message: 'is required' });
    else out[key] = result.value;
  }
  if (mode === 'create') {
    for (const def of defs) {
      if (key(out, def.key)) continue;
      if (def.defaultValue !== null && def.defaultValue !== undefined) out[def.key] = coerce(def, def.defaultValue).ok ? (coerce(def, def.defaultValue) as { value: unknown }).value : null;
      else if (def.required) errors.push({ field: `custom.${def.key}`, code: 'required', message: 'is required' });
    }
  }
  if (errors.length) throw new AppError('validation_failed', `${errors.length} custom field(s) are not valid`, { errors });
  return out;
}

/**
 * Validation and query support for custom attributes. Definitions change rarely and are small: each
 * process caches them per agency and resource while the agency's access stamp stands (a definition's
 * change moves it: the invalidatesAccess plugin on the model), so a write reads none when warm.
 */
export function createCustomFields(connection: Connection) {
  const CustomField = customFieldModel(connection);
  const cache = createStampedCache<readonly CustomFieldDefinition[]>(connection);

  async function definitions(tenantId: Types.ObjectId, resource: string): Promise<CustomFieldDefinition[]> {
    // A copy: callers get their own array of the shared definitions.
    return [...(await cache.get(tenantId, resource, () => CustomField.find({ tenantId, resource }).sort({ key: 1 }).lean<CustomFieldDefinition[]>()))];
  }

  return {
    definitions,

    /**
     * Validates custom values for a write. On create, required fields must be present and defaults are
     * applied; on update only the sent keys are checked. Unknown keys are refused (400), not dropped.
     */
    async validate(tenantId: Types.ObjectId, resource: string, input: Record<string, unknown> | undefined, mode: 'create' | 'update'): Promise<Record<string, unknown>> {
      return validateWith(await definitions(tenantId, resource), resource, input, mode);
    },

    /**
     * `validate` with the definitions read once: for many records of one write (an import's batch),
     * which then check each record without a read or a cache lookup.
     */
    async compile(tenantId: Types.ObjectId, resource: string): Promise<(input: Record<string, unknown> | undefined, mode: 'create' | 'update') => Record<string, unknown>> {
      const defs = await definitions(tenantId, resource);
      return (input, mode) => validateWith(defs, resource, input, mode);
    },

    /** Turns `custom.<key>=value` query parameters into typed equality filters. */
    async filters(tenantId: Types.ObjectId, resource: string, query: Record<string, unknown>): Promise<Record<string, unknown>> {
      const entries = Object.entries(query).filter(([k]) => k.startsWith('custom.'));
      if (!entries.length) return {};
      const byKey = new Map((await definitions(tenantId, resource)).map((d) => [d.key, d]));
      const filter: Record<string, unknown> = {};
      for (const [param, raw] of entries) {
        const def = byKey.get(param.slice('custom.'.length));
        if (!def) throw AppError.invalidField(`query.${param}`, 'is not a custom field of this record type', 'unknown_field');
        const text = String(raw);
        let value: unknown = text;
        if (def.type === 'number') value = Number(text);
        else if (def.type === 'boolean') value = text === 'true';
        else if (def.type === 'date') value = new Date(text);
        if ((def.type === 'number' && Number.isNaN(value)) || (def.type === 'date' && Number.isNaN((value as Date).getTime()))) {
          throw AppError.invalidField(`query.${param}`, `must be a ${def.type}`);
        }
        filter[`custom.${def.key}`] = value;
      }
      return filter;
    },

    /** Whether a sort key names a defined custom field. */
    async isSortable(tenantId: Types.ObjectId, resource: string, key: string): Promise<boolean> {
      return (await definitions(tenantId, resource)).some((d) => d.key === key);
    },
  };
}

function key(obj: Record<string, unknown>, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, k);
}

export type CustomFields = ReturnType<typeof createCustomFields>;
