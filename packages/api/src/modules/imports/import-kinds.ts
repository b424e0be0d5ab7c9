import type { Connection, Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import type { FieldError } from '../../platform/errors.js';
import type { RecordBase, RecordDefinition } from '../../platform/records/record-service.js';
import { orgModel } from '../identity/org.model.js';
import { tenantModel } from '../identity/tenant.model.js';
import { productModel } from '../products/product.model.js';
import type { ProductsService } from '../products/products.service.js';
import { columnOf, type ImportWriter, type RowRule } from './import-context.js';
import { taskSubjectFields } from './import-fields.js';
import { localeExample, parseLocaleDateTime } from './import-locale.js';
import type { ImportJob } from './import.model.js';

/**
 * Products are not records of the record engine (no owner, workflow, search entries or list rows), so an
 * import writes them through the products service's own batch calls, behind the calls it makes of a record
 * service: `createMany` (one insert per batch), `update` (mode `update`), `removeMany` (undo: what nothing
 * refers to yet) and `findVisible`. Its definition is only what the import reads of one: the model.
 */
export function productImportWriter(connection: Connection, products: ProductsService): ImportWriter {
  return {
    definition: { resource: 'product', label: 'Product', model: productModel(connection) } as unknown as RecordDefinition<RecordBase>,
    createMany: (principal, items, options) => products.createMany(principal, items as never, options),
    update: (principal, id, patch) => products.update(principal, id, patch) as never,
    removeMany: (principal, ids, options) => products.removeMany(principal, ids, options),
    findVisible: (principal, id) => products.findVisible(principal, id) as never,
  };
}

/**
 * A product's department, by id or by name (without case) among the agency's departments, read once per
 * run (an agency has a handful); a name two departments share, or none has, fails the row naming `department`.
 */
export async function productRowRule(connection: Connection, job: ImportJob): Promise<RowRule> {
  const departments = await orgModel(connection).find({ tenantId: job.tenantId, kind: 'department' }).select({ _id: 1, name: 1 }).lean<Array<{ _id: Types.ObjectId; name: string }>>();
  const column = columnOf(job, 'department');
  const named = column ? ` (column "${column}")` : '';
  const endColumn = columnOf(job, 'cycleEnd');
  return (values, input) => {
    // The cycle as the products service checks it (its end after its start), so that the dry run says so too.
    if (typeof input.cycleStart === 'string' && typeof input.cycleEnd === 'string' && input.cycleEnd <= input.cycleStart) {
      return { errors: [{ field: 'cycleEnd', code: 'invalid', message: `"${values.get('cycleEnd')}"${endColumn ? ` (column "${endColumn}")` : ''} must be after the cycle's start` }] };
    }
    const cell = values.get('department');
    if (!cell) return { errors: [] };
    const byId = /^[a-f0-9]{24}$/i.test(cell) ? departments.find((d) => d._id.equals(cell)) : undefined;
    const byName = departments.filter((d) => d.name.trim().toLowerCase() === cell.trim().toLowerCase());
    const found = byId ?? (byName.length === 1 ? byName[0] : undefined);
    if (found) {
      input.departmentId = String(found._id);
      return { errors: [] };
    }
    const message = byName.length > 1 ? `several departments are named "${cell}"${named}; name it by its id` : `"${cell}"${named} is not a department of this agency, by id or name; departments: ${departments.map((d) => d.name).join(', ') || 'none'}`;
    return { errors: [{ field: 'department', code: byName.length > 1 ? 'ambiguous' : 'unknown_department', message }] };
  };
}

/**
 * A task's due time, a date or a date-time in the mapping's locale on the agency's clock (its time zone, read
 * once per run), and its subject columns: a row fills at most one of them.
 */
export async function taskRowRule(connection: Connection, principal: Principal, job: ImportJob): Promise<RowRule> {
  const tenant = await tenantModel(connection).findById(principal.tenantId).select({ settings: 1 }).lean<{ settings?: { timeZone?: string } }>();
  const timeZone = tenant?.settings?.timeZone ?? 'UTC';
  const locale = job.mapping!.locale ?? null;
  const dueColumn = columnOf(job, 'dueAt');
  return (values, input) => {
    const errors: FieldError[] = [];
    const due = values.get('dueAt');
    if (due) {
      const at = parseLocaleDateTime(due, locale, timeZone);
      if (at) input.dueAt = at;
      else errors.push({ field: 'dueAt', code: 'invalid_date', message: `"${due}"${dueColumn ? ` (column "${dueColumn}")` : ''} is not a date or date-time ${locale ? `as ${locale} writes them (${localeExample(locale)}, a time like 14:30 after it)` : 'in ISO form (2026-12-31 or 2026-12-31T14:30:00Z); set the mapping\'s locale for other forms'}` });
    }
    const subjects = Object.keys(taskSubjectFields).filter((f) => values.get(f));
    if (subjects.length > 1) errors.push({ field: 'subject', code: 'ambiguous', message: `a task is about one record; this row fills ${subjects.map((f) => `"${columnOf(job, f) ?? f}"`).join(' and ')}` });
    return { errors };
  };
}

/** A team's active members in the order of their ids, from the agency's users read once (an equality read), or null for no such team. */
export async function teamMembers(connection: Connection, users: (tenantId: Types.ObjectId) => Promise<Map<string, { id: Types.ObjectId; active: boolean }>>, tenantId: Types.ObjectId, teamId: Types.ObjectId) {
  const team = await orgModel(connection).findOne({ tenantId, _id: teamId, kind: 'team' }).select({ memberIds: 1 }).lean<{ memberIds?: Types.ObjectId[] }>();
  if (!team) return null;
  const members = new Set((team.memberIds ?? []).map(String));
  const active = [...(await users(tenantId)).entries()].filter(([, u]) => u.active && members.has(String(u.id))).map(([email, u]) => ({ id: u.id, email }));
  return active.sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1));
}
