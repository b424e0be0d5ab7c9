import type { Connection, Document, Model, Query, Schema } from 'mongoose';
import { accessChannelOf } from '../auth/access-channel.js';
import { bumpAccessVersion, tenantIdsOf } from '../auth/principal-cache.js';

/**
 * What a principal may see is computed from roles, users, teams and products, and a session may be
 * revoked: every write to those collections moves two counters on. The process's own epoch (at once, in
 * memory) ends reuse of principals resolved in this process (modules/identity/principal.service); the
 * agency's counter in the database (`access_versions`, platform/auth/principal-cache.ts), moved after
 * the write, ends reuse in every API process at its next request; with Redis, the change is also
 * published (platform/auth/access-channel.ts), so processes need not read that counter per request.
 */
let epoch = 0;

export function accessEpoch(): number {
  return epoch;
}

/** How long a principal resolved outside a request's session (API keys, public forms) may be reused by a process that did not make the change. */
export const ACCESS_CACHE_MS = 5_000;

const writes = ['save', 'updateOne', 'updateMany', 'findOneAndUpdate', 'findOneAndReplace', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndDelete'] as const;
const queryWrites = writes.filter((w) => w !== 'save');

export interface InvalidatesAccessOptions {
  /** Only updates that set this field count (sessions: `revokedAt`, not every `lastUsedAt`); deletes always do. */
  onlyWhenSetting?: string;
  /** Updates that set only these fields change nobody's access (users: `lastLoginAt` at every sign-in). */
  ignoreSetting?: string[];
}

/** The schema plugin: any write to the collection moves both counters (see above). */
export function invalidatesAccess(schema: Schema, options: InvalidatesAccessOptions = {}): void {
  const bump = () => {
    epoch += 1;
  };
  // Mongoose's own timestamps ride along with every update.
  const ignored = new Set([...(options.ignoreSetting ?? []), 'updatedAt', 'createdAt']);
  const onlyIgnored = (paths: string[]) => Boolean(options.ignoreSetting?.length) && paths.length > 0 && paths.every((p) => ignored.has(p));
  const sets = (update: unknown): boolean => {
    if (!update || typeof update !== 'object') return true;
    const u = update as Record<string, unknown>;
    const set = (u.$set ?? {}) as Record<string, unknown>;
    const operators = Object.keys(u).filter((k) => k.startsWith('$'));
    const touched = operators.flatMap((k) => Object.keys((u[k] ?? {}) as object));
    if (operators.length === Object.keys(u).length && operators.every((k) => k === '$set' || k === '$setOnInsert') && onlyIgnored(touched)) return false;
    if (!options.onlyWhenSetting) return true;
    return options.onlyWhenSetting in u || options.onlyWhenSetting in set;
  };
  for (const op of writes) schema.pre(op as never, bump);
  schema.pre('insertMany', bump);

  schema.pre('save', function (this: Document) {
    // After the save, isNew and the modified paths are reset: decide now.
    const field = options.onlyWhenSetting;
    this.$locals.bumpsAccess = field ? !this.isNew && this.isModified(field) : this.isNew || !onlyIgnored(this.modifiedPaths());
  });
  schema.post('save', async function (this: Document & { tenantId?: unknown }) {
    bump();
    if (!this.$locals.bumpsAccess) return;
    await bumpStored((this.constructor as Model<unknown>).db, this.tenantId);
  });
  for (const op of queryWrites) {
    schema.post(op as never, async function (this: Query<unknown, unknown>) {
      bump();
      if (!/^(delete|findOneAndDelete)/.test(op) && !sets(this.getUpdate())) return;
      await bumpStored(this.model.db, this.getFilter().tenantId);
    });
  }
  schema.post('insertMany', async function (this: Model<unknown>, docs: unknown) {
    bump();
    if (options.onlyWhenSetting) return; // new documents (sessions) change nobody's access
    const ids = new Map<string, unknown>();
    for (const doc of (Array.isArray(docs) ? docs : [docs]) as { tenantId?: unknown }[]) ids.set(String(doc.tenantId), doc.tenantId);
    for (const tenantId of ids.values()) await bumpStored(this.db, tenantId);
  });
}

async function bumpStored(connection: Connection, tenantId: unknown): Promise<void> {
  const ids = tenantIdsOf(tenantId);
  // The stored counter first (processes without Redis, and realtime's checks, read it), then Redis.
  await bumpAccessVersion(connection, ids ?? 'all');
  // Again once the stored counter moved: a reader that saw the earlier move may have read the old counter.
  epoch += 1;
  await accessChannelOf(connection)?.publish(ids ?? 'all');
}
