import { createHash } from 'node:crypto';
import type { AuditChange, AuditEntry } from './audit.model.js';

const secretField = /password|secret|token|hash/i;

/** A JSON-safe copy: Dates become ISO strings, ObjectIds hex, undefined dropped, and keys made storable. */
export function normalizeValue(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return null;
  if (depth > 8) return '[nested too deep]';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && '_bsontype' in value) return String(value);
  if (Array.isArray(value)) return value.slice(0, 200).map((v) => normalizeValue(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue;
      // MongoDB keys may not start with `$` or hold `.`; the audit copy keeps them readable instead.
      const safe = key.replace(/^\$/, '\uff04').replace(/\./g, '\uff0e');
      out[safe] = secretField.test(key) ? '[redacted]' : normalizeValue(v, depth + 1);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (typeof value === 'string') return value.length > 2000 ? `${value.slice(0, 2000)}…` : value;
  return value;
}

/** Event changes as stored: one item per field, secrets redacted. */
export function normalizeChanges(changes: Record<string, { from: unknown; to: unknown }> | undefined): AuditChange[] {
  if (!changes) return [];
  return Object.entries(changes).map(([field, { from, to }]) =>
    secretField.test(field) ? { field, from: '[redacted]', to: '[redacted]' } : { field, from: normalizeValue(from), to: normalizeValue(to) },
  );
}

/** JSON with object keys sorted at every level, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

type Hashable = Pick<AuditEntry, 'tenantId' | 'seq' | 'type' | 'resource' | 'resourceId' | 'actorUserId' | 'actorApiKeyId' | 'ip' | 'userAgent' | 'changes' | 'data' | 'at'>;

/** SHA-256 over the previous entry's hash and this entry's canonical content. */
export function entryHash(prevHash: string, entry: Hashable): string {
  const content = canonicalJson({
    tenantId: String(entry.tenantId),
    seq: entry.seq,
    type: entry.type,
    resource: entry.resource,
    resourceId: entry.resourceId ?? null,
    actorUserId: entry.actorUserId ? String(entry.actorUserId) : null,
    actorApiKeyId: entry.actorApiKeyId ? String(entry.actorApiKeyId) : null,
    ip: entry.ip ?? null,
    userAgent: entry.userAgent ?? null,
    changes: entry.changes ?? [],
    data: entry.data ?? null,
    at: new Date(entry.at).toISOString(),
  });
  return createHash('sha256').update(`${prevHash}\n${content}`).digest('hex');
}
