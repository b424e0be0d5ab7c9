import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import { compileMessage, TemplateCompileError, type CompiledMessage, type MessageSource } from '../../platform/mail/message-renderer.js';
import { templateModel, type MessageTemplate } from './template.model.js';

/** The public shape of a template. */
export function toTemplateDto(t: MessageTemplate) {
  return {
    id: String(t._id),
    name: t.name,
    description: t.description ?? null,
    category: t.category,
    subject: t.subject,
    html: t.html,
    text: t.text,
    version: t.version ?? 0,
    createdAt: new Date(t.createdAt).toISOString(),
    updatedAt: new Date(t.updatedAt).toISOString(),
  };
}

/** Compiles a message, turning a handlebars error into a 400 that names the part and the line. */
export function compileOrThrow(source: MessageSource): CompiledMessage {
  try {
    return compileMessage(source);
  } catch (error) {
    if (error instanceof TemplateCompileError) {
      throw new AppError('validation_failed', `The template does not compile: ${error.message}`, {
        errors: [{ field: error.part, code: 'template_syntax', message: error.line ? `line ${error.line}: ${error.message}` : error.message }],
        extensions: { line: error.line },
      });
    }
    throw error;
  }
}

/** Tenant message templates: CRUD (admins) and the compiled form senders use. */
export function createTemplatesService(connection: Connection) {
  const Template = templateModel(connection);
  const oid = (id: string) => new Types.ObjectId(id);
  const find = async (tenantId: Types.ObjectId, id: string) => {
    const t = await Template.findOne({ tenantId, _id: oid(id) }).lean();
    if (!t) throw AppError.notFound('Template');
    return t;
  };
  const nameTaken = (name: string) => new AppError('conflict', `A template named "${name}" already exists; choose another name`);
  return {
    async list(principal: Principal) {
      const docs = await Template.find({ tenantId: principal.tenantId }).sort({ _id: -1 }).limit(500).lean();
      return { object: 'list' as const, data: docs.map(toTemplateDto), hasMore: false, nextCursor: null };
    },
    async get(principal: Principal, id: string) {
      return toTemplateDto(await find(principal.tenantId, id));
    },
    /** The stored template, for senders (tenant-scoped, no principal). */
    async load(tenantId: Types.ObjectId, id: Types.ObjectId | string) {
      return find(tenantId, String(id));
    },
    async create(principal: Principal, input: Omit<MessageTemplate, '_id' | 'tenantId' | 'createdBy' | 'version' | 'createdAt' | 'updatedAt' | 'description'> & { description?: string | null | undefined }) {
      compileOrThrow(input);
      try {
        const created = await Template.create({ ...input, description: input.description ?? null, tenantId: principal.tenantId, createdBy: principal.userId });
        return toTemplateDto(created.toObject());
      } catch (error) {
        if (isDuplicateKeyError(error)) throw nameTaken(input.name);
        throw error;
      }
    },
    /** Updates the sent parts; with `ifMatch` only while the template is still at that version (two admins never overwrite each other). */
    async update(principal: Principal, id: string, patch: Partial<MessageSource & { name: string; description: string | null; category: MessageTemplate['category'] }>, ifMatch?: number) {
      const current = await find(principal.tenantId, id);
      const conflict = (t: MessageTemplate) => new AppError('version_conflict', `Template was changed by someone else (now version ${t.version ?? 0}); reload and try again`, { extensions: { current: toTemplateDto(t) } });
      if (ifMatch !== undefined && (current.version ?? 0) !== ifMatch) throw conflict(current);
      compileOrThrow({ subject: patch.subject ?? current.subject, html: patch.html ?? current.html, text: patch.text ?? current.text });
      try {
        // The version read is part of the filter, so a write that lost a race changes nothing.
        const updated = await Template.findOneAndUpdate({ tenantId: principal.tenantId, _id: current._id, version: current.version ?? 0 }, { $set: patch, $inc: { version: 1 } }, { returnDocument: 'after' }).lean();
        if (!updated) throw conflict(await find(principal.tenantId, id));
        return toTemplateDto(updated);
      } catch (error) {
        if (isDuplicateKeyError(error)) throw nameTaken(patch.name ?? current.name);
        throw error;
      }
    },
    async remove(principal: Principal, id: string) {
      const res = await Template.deleteOne({ tenantId: principal.tenantId, _id: oid(id) });
      if (!res.deletedCount) throw AppError.notFound('Template');
    },
  };
}

export type TemplatesService = ReturnType<typeof createTemplatesService>;
