import { createHash, randomUUID } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import { assertCan, assertWritable, can, visibilityFilter } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { groupSums } from '../../platform/db/group-sums.js';
import { bytesOf } from '../../platform/db/binary.js';
import { op } from '../../platform/db/operators.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import { pageOf } from '../../platform/records/list-query.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import { combine } from '../../platform/records/list-query.js';
import { createRecordService, type ListQuery, type RecordDeps } from '../../platform/records/record-service.js';
import { writeNextVersion, writeVersion } from '../../platform/records/version-claims.js';
import { customerDefinition } from './customer.definition.js';
import { customerDocumentModel, customerModel, customerTreeLockModel, type Customer, type CustomerDocument } from './customer.model.js';
import { opportunityModel } from '../opportunities/opportunity.model.js';

/** 000: documents are stored in the database; one file may be at most this large. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
/** A tree lock older than this belongs to a move that died; the next move takes it over. */
const STALE_LOCK_MS = 30_000;

type Client = { ip?: string; userAgent?: string };
/** What customers need to know about contacts: whether the caller may see one. */
export interface ContactLookup {
  findVisible(principal: Principal, id: string, action: 'read'): Promise<unknown>;
}

const toId = (v: unknown) => (v ? new Types.ObjectId(String(v)) : null);
const groupFields = ['finance', 'team', 'preferences'] as const;

/**
 * The account's credit and price terms: who may set them is a finance decision, so changing one needs the
 * right to update invoices (Admin and Sales Head by default), not just the account. Another of the
 * account's finance fields (currency, invoicing option, contacts) stays with whoever may update the account.
 */
export const creditTermFields = ['creditLimit', 'blacklisted', 'allowNegativeProfit', 'priceAdjuster', 'priceBookId', 'paymentTerms', 'paymentTermsDays'] as const;

/** Refuses, naming each field, a change of the credit terms by a caller who may not update invoices. */
function assertMayChangeCreditTerms(principal: Principal, finance: unknown, stored: Record<string, unknown> | undefined): void {
  if (!finance || typeof finance !== 'object' || can(principal, 'invoice', 'update')) return;
  const sent = finance as Record<string, unknown>;
  const changed = creditTermFields.filter((field) => sent[field] !== undefined && String(sent[field] ?? '') !== String(stored?.[field] ?? (field === 'blacklisted' || field === 'allowNegativeProfit' ? false : '')));
  if (!changed.length) return;
  throw new AppError('forbidden', 'Only a role that may update invoices can change an account\'s credit and price terms', {
    errors: changed.map((field) => ({ field: `finance.${field}`, code: 'forbidden', message: 'needs the right to update invoices' })),
  });
}

function toDocumentDto(d: Omit<CustomerDocument, 'data'>) {
  return {
    id: String(d._id),
    customerId: String(d.customerId),
    fileName: d.fileName,
    contentType: d.contentType,
    size: d.size,
    sha256: d.sha256,
    uploadedBy: d.uploadedBy ? String(d.uploadedBy) : null,
    createdAt: new Date(d.createdAt).toISOString(),
  };
}

/**
 * Customers (accounts): the shared record rules plus what is theirs: an unlimited account tree kept as
 * a materialized path (`ancestorIds`, top-level and indexed), roll-ups over a subtree, the account team,
 * and documents whose bytes live in the database.
 */
export function createCustomersService(connection: Connection, deps: RecordDeps & { contacts: ContactLookup }) {
  const definition = customerDefinition(connection);
  const record = createRecordService(definition, deps);
  const Customer = customerModel(connection);
  const Documents = customerDocumentModel(connection);
  const TreeLock = customerTreeLockModel(connection);

  /** Checks the user and contact references a write carries and converts the group objects for storage. */
  async function checkReferences(principal: Principal, input: Record<string, unknown>): Promise<void> {
    const team = input.team as Record<string, unknown> | undefined;
    if (team) {
      for (const [field, value] of Object.entries(team)) {
        const ids = Array.isArray(value) ? value : value ? [value] : [];
        for (const [i, id] of ids.entries()) {
          if (!(await deps.directory.user(principal.tenantId, new Types.ObjectId(String(id))))) {
            throw AppError.invalidField(Array.isArray(value) ? `team.${field}.${i}` : `team.${field}`, 'is not a user of this agency');
          }
        }
      }
    }
    const contacts = input.contacts as { contactId: string }[] | undefined;
    for (const [i, entry] of (contacts ?? []).entries()) {
      try {
        await deps.contacts.findVisible(principal, entry.contactId, 'read');
      } catch (error) {
        if (error instanceof AppError && error.code === 'not_found') throw AppError.invalidField(`contacts.${i}.contactId`, 'is not a contact you can see');
        throw error;
      }
    }
  }

  function versionConflict(current: Customer): AppError {
    return new AppError('version_conflict', `Customer was changed by someone else (now version ${current.version}); reload and try again`, { extensions: { current: definition.toDto(current) } });
  }

  async function visibleParent(principal: Principal, parentId: string): Promise<Customer> {
    try {
      return await record.findVisible(principal, parentId, 'read');
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') throw AppError.invalidField('parentId', 'is not a customer you can see');
      throw error;
    }
  }

  /** Serialises moves of one agency's tree, so two concurrent moves can never build a cycle between them. */
  async function withTreeLock<T>(tenantId: Types.ObjectId, work: () => Promise<T>): Promise<T> {
    const holder = randomUUID();
    const scope = 'customerTree';
    try {
      await TreeLock.create({ tenantId, scope, holder, lockedAt: new Date() });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const takeover = await TreeLock.updateOne({ tenantId, scope, lockedAt: op({ $lt: new Date(Date.now() - STALE_LOCK_MS) }) }, { $set: { holder, lockedAt: new Date() } });
      if (takeover.modifiedCount === 0) {
        throw new AppError('conflict', 'Another move of the account tree is in progress; retry shortly', { headers: { 'Retry-After': '1' }, extensions: { retryAfter: 1 } });
      }
    }
    try {
      return await work();
    } finally {
      await TreeLock.deleteOne({ tenantId, scope, holder });
    }
  }

  /** Sets a customer's materialized path as a versioned write (which also moves its list row); nothing when it is gone or already right. */
  async function setPath(tenantId: Types.ObjectId, id: Types.ObjectId, path: Types.ObjectId[]): Promise<void> {
    const same = (a: Types.ObjectId[] | undefined) => (a ?? []).map(String).join() === path.map(String).join();
    await writeNextVersion(Customer, tenantId, id, (current) => (same(current.ancestorIds) && current.depth === path.length ? null : { $set: { ancestorIds: path, depth: path.length } }));
  }

  /**
   * Rewrites the materialized paths below `rootId`, parent by parent (siblings share a path), each child
   * as a versioned write of its own, 16 at a time. It walks `parentId` links, which are always right, so
   * re-running a move also repairs a tree that an interrupted move left half-rewritten.
   */
  async function rewriteDescendants(tenantId: Types.ObjectId, rootId: Types.ObjectId, rootPath: Types.ObjectId[]): Promise<number> {
    let moved = 0;
    const queue: { id: Types.ObjectId; path: Types.ObjectId[] }[] = [{ id: rootId, path: rootPath }];
    while (queue.length) {
      const { id, path } = queue.shift()!;
      const children = await Customer.find({ tenantId, parentId: id }).select('_id').lean();
      if (!children.length) continue;
      for (let i = 0; i < children.length; i += 16) await Promise.all(children.slice(i, i + 16).map((child) => setPath(tenantId, child._id, path)));
      moved += children.length;
      for (const child of children) queue.push({ id: child._id, path: [...path, child._id] });
    }
    return moved;
  }

  return {
    ...record,

    /** Creates an account, under `parentId` when given (its path is computed here, never taken from input). */
    async create(principal: Principal, input: Record<string, unknown>, client?: Client, options: { id?: Types.ObjectId } = {}) {
      await checkReferences(principal, input);
      const { parentId: rawParent, ancestorIds: _a, depth: _d, ...fields } = input;
      assertMayChangeCreditTerms(principal, fields.finance, undefined);
      const parent = rawParent ? await visibleParent(principal, String(rawParent)) : null;
      const ancestorIds = parent ? [...parent.ancestorIds, parent._id] : [];
      const created = await record.create(principal, { ...fields, parentId: parent?._id ?? null, ancestorIds }, client, options);
      if (parent) {
        // A move of the parent that ran meanwhile may have missed this child: re-read the parent's path and fix ours.
        const fresh = await Customer.findOne({ tenantId: principal.tenantId, _id: parent._id }).select('ancestorIds').lean();
        const path = fresh ? [...fresh.ancestorIds, parent._id] : ancestorIds;
        if (path.map(String).join() !== ancestorIds.map(String).join()) {
          await setPath(principal.tenantId, new Types.ObjectId(String(created.id)), path);
          return record.get(principal, String(created.id));
        }
      }
      return created;
    },

    /** Updates the sent fields; `finance`, `team` and `preferences` are merged into what is stored. */
    async update(principal: Principal, id: string, patch: Record<string, unknown>, options: { ifMatch?: number | undefined; client?: Client } = {}) {
      await checkReferences(principal, patch);
      const { parentId: _p, ancestorIds: _a, depth: _d, ...fields } = patch;
      if (groupFields.some((g) => fields[g] !== undefined)) {
        const existing = await record.findVisible(principal, id, 'update');
        assertMayChangeCreditTerms(principal, fields.finance, (existing as unknown as { finance?: Record<string, unknown> }).finance);
        for (const group of groupFields) {
          if (fields[group] === undefined) continue;
          const stored = (existing as unknown as Record<string, Record<string, unknown> | undefined>)[group] ?? {};
          fields[group] = { ...JSON.parse(JSON.stringify(stored)), ...(fields[group] as Record<string, unknown>) };
        }
      }
      return record.update(principal, id, fields, options);
    },

    /** Deletes an account without sub-accounts (move or delete those first), with its documents. */
    async remove(principal: Principal, id: string, client?: Client) {
      const existing = await record.findVisible(principal, id, 'delete');
      if (await Customer.countDocuments({ tenantId: principal.tenantId, parentId: existing._id }, { limit: 1 })) {
        throw new AppError('conflict', 'This account has sub-accounts; move or delete them first');
      }
      await record.remove(principal, id, client);
      await Documents.deleteMany({ tenantId: principal.tenantId, customerId: existing._id });
    },

    /** Moves an account and its whole subtree under another parent (or to the root); refuses cycles. */
    async move(principal: Principal, id: string, parentId: string | null, options: { ifMatch?: number | undefined; client?: Client } = {}) {
      return withTreeLock(principal.tenantId, async () => {
        const node = await record.findVisible(principal, id, 'update');
        assertWritable(principal, node);
        if (options.ifMatch !== undefined && node.version !== options.ifMatch) throw versionConflict(node);
        let path: Types.ObjectId[] = [];
        if (parentId) {
          if (node._id.equals(parentId)) throw new AppError('conflict', 'An account cannot be its own parent');
          const parent = await visibleParent(principal, parentId);
          if (parent.ancestorIds.some((a) => a.equals(node._id))) {
            throw new AppError('conflict', `Moving "${node.name}" under "${parent.name}" would make a cycle: "${parent.name}" is inside its subtree`);
          }
          path = [...parent.ancestorIds, parent._id];
        }
        const from = node.parentId ? String(node.parentId) : null;
        const written = await writeVersion(Customer, node, { $set: { parentId: toId(parentId), ancestorIds: path, depth: path.length, updatedAt: new Date() } });
        if (!written) throw versionConflict((await findByIdInTenant(Customer, principal.tenantId, node._id))!);
        const movedDescendants = await rewriteDescendants(principal.tenantId, node._id, [...path, node._id]);
        const updated = (await findByIdInTenant(Customer, principal.tenantId, node._id))!;
        const dto = definition.toDto(updated);
        await deps.events.publish({
          type: 'customer.updated',
          tenantId: principal.tenantId,
          resource: 'customer',
          resourceId: String(node._id),
          actor: { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId, ip: options.client?.ip, userAgent: options.client?.userAgent },
          record: dto,
          changes: { parentId: { from, to: parentId } },
          data: { moved: true, movedDescendants },
        });
        return dto;
      });
    },

    /** A page of the account's descendants the caller may see, with the usual filters and sorts. */
    async subtree(principal: Principal, id: string, query: ListQuery) {
      const node = await record.findVisible(principal, id, 'read');
      return record.list(principal, { ...query, ancestorId: String(node._id) });
    },

    /** Totals over the account and its visible descendants: counts, statuses, credit limits per currency. */
    async rollup(principal: Principal, id: string) {
      const node = await record.findVisible(principal, id, 'read');
      const visibility = record.visibility(principal, 'read');
      const below = combine(visibility, {}, [{ ancestorIds: node._id }]);
      const withNode = combine(visibility, {}, [{ $or: [{ _id: node._id }, { ancestorIds: node._id }] }]);
      // The deals of those accounts, as the caller may see deals; summed in code (FerretDB's $group limit).
      const dealTotals = async () => {
        const accountIds = await Customer.find(withNode as never).select('_id').lean();
        const dealMatch = combine(visibilityFilter(principal, 'opportunity', 'read'), {}, [{ customerId: op({ $in: accountIds.map((a) => a._id) }) }]);
        const deals = new Map<string, { currency: string; open: { count: number; amount: number; weightedAmount: number }; won: { count: number; amount: number }; lost: { count: number; amount: number } }>();
        for await (const deal of opportunityModel(connection).find(dealMatch as never).select('amount currency weightedAmount stageKind outcome').lean().cursor()) {
          const currency = deal.currency ?? 'EUR';
          const row = deals.get(currency) ?? { currency, open: { count: 0, amount: 0, weightedAmount: 0 }, won: { count: 0, amount: 0 }, lost: { count: 0, amount: 0 } };
          if (deal.stageKind === 'open') {
            row.open.count += 1;
            row.open.amount += deal.amount ?? 0;
            row.open.weightedAmount += deal.weightedAmount ?? 0;
          } else if (deal.outcome === 'lost') {
            row.lost.count += 1;
            row.lost.amount += deal.amount ?? 0;
          } else {
            row.won.count += 1;
            row.won.amount += deal.amount ?? 0;
          }
          deals.set(currency, row);
        }
        return [...deals.values()]
          .sort((a, b) => a.currency.localeCompare(b.currency))
          .map((row) => ({ ...row, open: { ...row.open, weightedAmount: Math.round(row.open.weightedAmount * 100) / 100 } }));
      };
      const [childCount, byStatus, credit, opportunityTotals] = await Promise.all([
        Customer.countDocuments(combine(visibility, {}, [{ parentId: node._id }]) as never),
        Customer.aggregate<{ _id: string; n: number }>([{ $match: below }, { $group: { _id: '$status', n: { $sum: 1 } } }]),
        // One accumulator per $group (groupSums): FerretDB v1.24 computes only the first of several.
        groupSums<string | null, 'total' | 'n'>(Customer as never, withNode, '$finance.currency', { total: '$finance.creditLimit', n: 1 }).then((rows) =>
          rows.sort((a, b) => String(a._id ?? '').localeCompare(String(b._id ?? ''))),
        ),
        dealTotals(),
      ]);
      return {
        id: String(node._id),
        childCount,
        descendantCount: byStatus.reduce((sum, row) => sum + row.n, 0),
        byStatus: Object.fromEntries(byStatus.map((row) => [row._id, row.n])),
        creditLimitTotals: credit.map((row) => ({ currency: row._id ?? null, creditLimit: row.total ?? 0, accounts: row.n })),
        opportunityTotals,
      };
    },

    /** Stores an uploaded file with the account (the bytes go into `customer_documents`). */
    async uploadDocument(principal: Principal, customerId: string, file: { fileName: string; contentType: string; data: Buffer }, client?: Client) {
      assertCan(principal, 'customer', 'update');
      const customer = await record.findVisible(principal, customerId, 'update');
      assertWritable(principal, customer);
      if (!file.data.length) throw AppError.invalidField('body', 'is empty; send the file bytes as the request body');
      if (file.data.length > MAX_DOCUMENT_BYTES) throw new AppError('payload_too_large', `A document may be at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB`);
      const created = await Documents.create({
        tenantId: principal.tenantId,
        customerId: customer._id,
        fileName: file.fileName,
        contentType: file.contentType,
        size: file.data.length,
        sha256: createHash('sha256').update(file.data).digest('hex'),
        data: file.data,
        uploadedBy: principal.userId,
      });
      const { data: _data, ...meta } = created.toObject();
      const dto = toDocumentDto(meta);
      await deps.events.publish({
        type: 'customer.documentAdded',
        tenantId: principal.tenantId,
        resource: 'customer',
        resourceId: String(customer._id),
        actor: { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId, ip: client?.ip, userAgent: client?.userAgent },
        data: { document: dto },
      });
      return dto;
    },

    async listDocuments(principal: Principal, customerId: string, query: { limit: number; cursor?: string | undefined }) {
      const customer = await record.findVisible(principal, customerId, 'read');
      return pageOf(Documents, { tenantId: principal.tenantId, customerId: customer._id }, query, toDocumentDto, { select: '-data' });
    },

    /** The stored file, for streaming back to the caller. */
    async getDocument(principal: Principal, customerId: string, documentId: string) {
      const customer = await record.findVisible(principal, customerId, 'read');
      const doc = await Documents.findOne({ tenantId: principal.tenantId, customerId: customer._id, _id: new Types.ObjectId(documentId) }).lean();
      if (!doc) throw AppError.notFound('Document');
      const data = bytesOf(doc.data);
      return { ...toDocumentDto(doc), data };
    },

    async removeDocument(principal: Principal, customerId: string, documentId: string, client?: Client) {
      const customer = await record.findVisible(principal, customerId, 'update');
      assertWritable(principal, customer);
      const result = await Documents.deleteOne({ tenantId: principal.tenantId, customerId: customer._id, _id: new Types.ObjectId(documentId) });
      if (!result.deletedCount) throw AppError.notFound('Document');
      await deps.events.publish({
        type: 'customer.documentRemoved',
        tenantId: principal.tenantId,
        resource: 'customer',
        resourceId: String(customer._id),
        actor: { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId, ip: client?.ip, userAgent: client?.userAgent },
        data: { documentId },
      });
    },
  };
}

export type CustomersService = ReturnType<typeof createCustomersService>;
