import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { customFieldModel, type CustomFieldDefinition, type CustomFieldType } from '../../platform/custom-fields/custom-field.model.js';
import { op } from '../../platform/db/operators.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import { writeVersion } from '../../platform/records/version-claims.js';
import type { EventBus } from '../../platform/events.js';

/** Where each resource's records live, to tell whether a field is in use. */
const collections: Record<string, string> = { contact: 'contacts', customer: 'customers', lead: 'leads', opportunity: 'opportunities', task: 'tasks' };

function toCustomFieldDto(d: CustomFieldDefinition) {
  return { id: String(d._id), resource: d.resource, key: d.key, label: d.label, type: d.type, options: [...(d.options ?? [])], required: Boolean(d.required), defaultValue: d.defaultValue ?? null, version: d.version ?? 0 };
}

/** Checks that a default fits the field's type and options. */
function checkDefault(type: CustomFieldType, options: string[], value: unknown): unknown {
  if (value === undefined || value === null) return null;
  const ok =
    (type === 'text' && typeof value === 'string' && value.length <= 2000) ||
    (type === 'number' && typeof value === 'number' && Number.isFinite(value)) ||
    (type === 'boolean' && typeof value === 'boolean') ||
    (type === 'date' && typeof value === 'string' && !Number.isNaN(Date.parse(value))) ||
    (type === 'select' && typeof value === 'string' && options.includes(value)) ||
    (type === 'multiselect' && Array.isArray(value) && value.every((v) => typeof v === 'string' && options.includes(v)));
  if (!ok) throw AppError.invalidField('defaultValue', `does not fit a ${type} field${options.length ? ` with options ${options.join(', ')}` : ''}`);
  return value;
}

/** Sysadmin definitions of custom attributes per record type. */
export function createCustomFieldsAdmin(connection: Connection, deps: { events: EventBus }) {
  const CustomField = customFieldModel(connection);

  async function find(principal: Principal, id: string) {
    const def = await CustomField.findOne({ tenantId: principal.tenantId, _id: new Types.ObjectId(id) }).lean<CustomFieldDefinition>();
    if (!def) throw AppError.notFound('Custom field');
    return def;
  }

  /** Records of the field's type holding a value (or, with `values`, one of those values). */
  async function inUse(principal: Principal, def: CustomFieldDefinition, values?: string[]): Promise<number> {
    const path = `custom.${def.key}`;
    const condition = values ? op({ $in: values }) : op({ $exists: true, $ne: null });
    return connection.collection(collections[def.resource]!).countDocuments({ tenantId: principal.tenantId, [path]: condition }, { limit: 1 });
  }

  async function publish(principal: Principal, type: string, def: CustomFieldDefinition) {
    await deps.events.publish({ type: `customField.${type}`, tenantId: principal.tenantId, resource: 'customField', resourceId: String(def._id), actor: { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId }, record: toCustomFieldDto(def) });
  }

  return {
    async list(principal: Principal, query: { resource?: string | undefined }) {
      const rows = await CustomField.find({ tenantId: principal.tenantId, ...(query.resource ? { resource: query.resource } : {}) }).sort({ resource: 1, key: 1 }).lean<CustomFieldDefinition[]>();
      return { object: 'list' as const, data: rows.map(toCustomFieldDto) };
    },

    get: async (principal: Principal, id: string) => toCustomFieldDto(await find(principal, id)),

    async create(principal: Principal, input: { resource: string; key: string; label: string; type: CustomFieldType; options: string[]; required: boolean; defaultValue?: unknown }) {
      const options = input.type === 'select' || input.type === 'multiselect' ? input.options : [];
      if ((input.type === 'select' || input.type === 'multiselect') && !options.length) throw AppError.invalidField('options', `are required for a ${input.type} field`);
      const defaultValue = checkDefault(input.type, options, input.defaultValue);
      try {
        const created = (await CustomField.create({ tenantId: principal.tenantId, resource: input.resource, key: input.key, label: input.label, type: input.type, options, required: input.required, defaultValue })).toObject() as CustomFieldDefinition;
        await publish(principal, 'created', created);
        return toCustomFieldDto(created);
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new AppError('conflict', `${input.resource} already has a custom field '${input.key}'`, { errors: [{ field: 'key', code: 'duplicate', message: 'is already defined for this record type' }] });
        throw error;
      }
    },

    /** Changes a definition; a new type, or dropping options, is refused while records hold such values. */
    async update(principal: Principal, id: string, input: { label?: string | undefined; type?: CustomFieldType | undefined; options?: string[] | undefined; required?: boolean | undefined; defaultValue?: unknown }, ifMatch?: number) {
      const def = await find(principal, id);
      if (ifMatch !== undefined && def.version !== ifMatch) throw new AppError('version_conflict', `Custom field was changed by someone else (now version ${def.version}); reload and try again`, { extensions: { current: toCustomFieldDto(def) } });
      const type = input.type ?? def.type;
      const choice = type === 'select' || type === 'multiselect';
      const options = choice ? (input.options ?? def.options) : [];
      if (choice && !options.length) throw AppError.invalidField('options', `are required for a ${type} field`);
      if (type !== def.type && (await inUse(principal, def))) {
        throw new AppError('conflict', `Records hold values of '${def.key}' as ${def.type}; its type cannot change while it is in use (clear the values or add a new field)`);
      }
      const removed = type === def.type && choice ? def.options.filter((o) => !options.includes(o)) : [];
      if (removed.length && (await inUse(principal, def, removed))) throw new AppError('conflict', `Records still use the option(s) ${removed.join(', ')} of '${def.key}'`);
      const set: Record<string, unknown> = { type, options };
      if (input.label !== undefined) set.label = input.label;
      if (input.required !== undefined) set.required = input.required;
      set.defaultValue = checkDefault(type, options, 'defaultValue' in input ? input.defaultValue : def.defaultValue);
      const written = await writeVersion(CustomField, def, { $set: set });
      const updated = await find(principal, id);
      if (!written) throw new AppError('version_conflict', `Custom field was changed by someone else (now version ${updated.version}); reload and try again`, { extensions: { current: toCustomFieldDto(updated) } });
      await publish(principal, 'updated', updated);
      return toCustomFieldDto(updated);
    },

    /** Removes the definition and the values records hold for it. */
    async remove(principal: Principal, id: string) {
      const def = await find(principal, id);
      await CustomField.deleteOne({ tenantId: principal.tenantId, _id: def._id });
      await connection.collection(collections[def.resource]!).updateMany({ tenantId: principal.tenantId, [`custom.${def.key}`]: op({ $exists: true }) }, { $unset: { [`custom.${def.key}`]: '' } });
      await publish(principal, 'deleted', def);
    },
  };
}

export type CustomFieldsAdmin = ReturnType<typeof createCustomFieldsAdmin>;
