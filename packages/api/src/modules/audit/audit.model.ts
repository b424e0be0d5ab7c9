import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/** One changed field of an audited write, with JSON-normalised values (what the hash covers). */
export interface AuditChange {
  field: string;
  from: unknown;
  to: unknown;
}

/**
 * One audit entry: who did what to which record, when and from where. Written unsealed (`sealed: false`,
 * `prevHash: ''`, `hash` over its own content and seq), then sealed into the tenant's chain by
 * `AuditService.seal`, which sets `prevHash` to the entry before and `hash` over both, and drops `sealed`.
 */
export interface AuditEntry {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  seq: number;
  type: string;
  resource: string;
  resourceId: string | null;
  actorUserId: Types.ObjectId | null;
  actorApiKeyId: Types.ObjectId | null;
  ip: string | null;
  userAgent: string | null;
  changes: AuditChange[];
  data: Record<string, unknown> | null;
  at: Date;
  prevHash: string;
  hash: string;
  /** `false` until the entry is sealed into the chain; absent once sealed (and on entries written before sealing existed). */
  sealed?: false;
  /** `floor(seq / AUDIT_BLOCK)`: lets the sealer and verify read a run of seqs by equality (absent on old entries until a walk backfills it). */
  block?: number;
  /**
   * Set when the values of an erased person were removed from `changes` and `data` (modules/privacy): the
   * stored hash is kept, so the chain still links, and verification checks the link but not the content.
   */
  redacted?: true;
}

/** How many seqs one block holds: the unit the sealer and verify read with one equality query. */
export const AUDIT_BLOCK = 100;

/** The block a seq belongs to. */
export function blockOf(seq: number): number {
  return Math.floor(seq / AUDIT_BLOCK);
}

const auditEntrySchema = new Schema<AuditEntry>(
  {
    seq: { type: Number, required: true },
    type: { type: String, required: true, index: true },
    resource: { type: String, required: true, index: true },
    resourceId: { type: String, default: null, index: true },
    actorUserId: { type: Schema.Types.ObjectId, default: null, index: true },
    actorApiKeyId: { type: Schema.Types.ObjectId, default: null },
    ip: { type: String, default: null },
    userAgent: { type: String, default: null },
    changes: { type: [{ _id: false, field: String, from: Schema.Types.Mixed, to: Schema.Types.Mixed }], default: [] },
    data: { type: Schema.Types.Mixed, default: null },
    at: { type: Date, required: true },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
    sealed: { type: Boolean },
    block: { type: Number },
    redacted: { type: Boolean },
  },
  { versionKey: false, minimize: false },
);
auditEntrySchema.plugin(tenantScoped);
// What the sealer reads: a tenant's unsealed entries, by top-level equality (pushed down by FerretDB).
auditEntrySchema.index({ tenantId: 1, sealed: 1 });
// The seq claim: an append is the insert of its entry, and this index refuses a seq taken twice (the
// one atomic primitive FerretDB offers; its `$inc` on one document can hand out the same value twice).
auditEntrySchema.index({ tenantId: 1, seq: 1 }, { unique: true });
// What the sealer and verify read: a run of AUDIT_BLOCK seqs by top-level equality (pushed down, never sorted).
auditEntrySchema.index({ tenantId: 1, block: 1 });

/**
 * The head of a tenant's chain: where the sealer stopped (`sealedSeq`, `sealedHash`: the last entry
 * linked, so sealing resumes there and a sealed tail cut off is noticed), and the anchor left by
 * retention pruning (the seq and hash of the last entry deleted), where verification starts. `seq` and
 * `hash` are only kept from heads written before the insert claimed the seq (then the last seq handed
 * out by `$inc`, still checked as a lower bound of the chain's length).
 */
export interface AuditHead {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  seq: number;
  hash: string;
  anchorSeq: number;
  anchorHash: string;
  sealedSeq?: number;
  sealedHash?: string;
}

const auditHeadSchema = new Schema<AuditHead>(
  {
    seq: { type: Number, default: 0 },
    hash: { type: String, default: '' },
    anchorSeq: { type: Number, default: 0 },
    anchorHash: { type: String, default: '' },
    sealedSeq: { type: Number },
    sealedHash: { type: String },
  },
  { versionKey: false },
);
auditHeadSchema.plugin(tenantScoped);
// One head per tenant: its _id is the tenant's id, which makes it unique without a second index on tenantId.

export function auditEntryModel(connection: Connection): Model<AuditEntry> {
  return (connection.models.AuditEntry as Model<AuditEntry>) ?? connection.model<AuditEntry>('AuditEntry', auditEntrySchema, 'audit_entries');
}

export function auditHeadModel(connection: Connection): Model<AuditHead> {
  return (connection.models.AuditHead as Model<AuditHead>) ?? connection.model<AuditHead>('AuditHead', auditHeadSchema, 'audit_heads');
}
