import { Schema, Types, type Connection, type Model } from 'mongoose';
import { op } from '../db/operators.js';
import { tenantScoped } from '../db/tenancy.plugin.js';
import { isDuplicateKeyError } from '../errors.js';
import { normaliseEmail } from './suppression.js';

/** The documents a person accepts: the agency's terms of use and its privacy notice. */
export const termsDocuments = ['terms', 'privacy'] as const;
export type TermsDocument = (typeof termsDocuments)[number];

/**
 * The version of a document an agency currently asks people to accept (a tenant setting: one document
 * per agency and kind, `_id` `<tenantId>:<document>`). No entry: the agency asks nothing.
 */
export interface TermsVersion {
  _id: string;
  tenantId: Types.ObjectId;
  document: TermsDocument;
  version: string;
  url: string | null;
  publishedAt: Date;
  updatedBy: Types.ObjectId | null;
}

const versionSchema = new Schema<TermsVersion>(
  {
    _id: { type: String, required: true },
    document: { type: String, enum: termsDocuments, required: true },
    version: { type: String, required: true },
    url: { type: String, default: null },
    publishedAt: { type: Date, required: true },
    updatedBy: { type: Schema.Types.ObjectId, default: null },
  },
  { collection: 'terms_versions', versionKey: false },
);
versionSchema.plugin(tenantScoped);

/** Who accepted: a portal identity, or a sign-up of a public form (the widgets). */
export type AcceptanceSubjectType = 'customerUser' | 'signup';

/**
 * One acceptance of one version of a document by one person, with the time and where it happened
 * (`portal`, `campaign:<code>`). Kept until the person is erased; exported with their data.
 */
export interface TermsAcceptance {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  document: TermsDocument;
  version: string;
  subjectType: AcceptanceSubjectType;
  subjectId: Types.ObjectId;
  contactId: Types.ObjectId | null;
  email: string | null;
  source: string;
  ip: string | null;
  acceptedAt: Date;
}

const acceptanceSchema = new Schema<TermsAcceptance>(
  {
    document: { type: String, enum: termsDocuments, required: true },
    version: { type: String, required: true },
    subjectType: { type: String, enum: ['customerUser', 'signup'], required: true },
    subjectId: { type: Schema.Types.ObjectId, required: true },
    contactId: { type: Schema.Types.ObjectId, default: null },
    email: { type: String, default: null },
    source: { type: String, required: true },
    ip: { type: String, default: null },
    acceptedAt: { type: Date, required: true },
  },
  { collection: 'terms_acceptances', versionKey: false },
);
acceptanceSchema.plugin(tenantScoped);
// One acceptance per person, document and version: accepting again changes nothing (the unique insert decides, on every engine).
acceptanceSchema.index({ tenantId: 1, subjectType: 1, subjectId: 1, document: 1, version: 1 }, { unique: true });
acceptanceSchema.index({ tenantId: 1, contactId: 1 });
acceptanceSchema.index({ tenantId: 1, email: 1 });

export function termsVersionModel(connection: Connection): Model<TermsVersion> {
  return (connection.models.TermsVersion as Model<TermsVersion> | undefined) ?? connection.model<TermsVersion>('TermsVersion', versionSchema);
}

export function termsAcceptanceModel(connection: Connection): Model<TermsAcceptance> {
  return (connection.models.TermsAcceptance as Model<TermsAcceptance> | undefined) ?? connection.model<TermsAcceptance>('TermsAcceptance', acceptanceSchema);
}

export type CurrentTerms = Record<TermsDocument, { version: string; url: string | null; publishedAt: Date } | null>;

/** The versions the agency asks people to accept now (null per document it asks nothing for). */
export async function currentTerms(connection: Connection, tenantId: Types.ObjectId): Promise<CurrentTerms> {
  const rows = await termsVersionModel(connection).find({ tenantId }).lean();
  const of = (document: TermsDocument) => {
    const row = rows.find((r) => r.document === document);
    return row ? { version: row.version, url: row.url ?? null, publishedAt: row.publishedAt } : null;
  };
  return { terms: of('terms'), privacy: of('privacy') };
}

/** Records one acceptance; a second of the same version by the same person answers the first. */
export async function recordAcceptance(
  connection: Connection,
  input: { tenantId: Types.ObjectId; document: TermsDocument; version: string; subjectType: AcceptanceSubjectType; subjectId: Types.ObjectId; contactId?: Types.ObjectId | null; email?: string | null; source: string; ip?: string | null; at?: Date },
): Promise<TermsAcceptance> {
  const Acceptance = termsAcceptanceModel(connection);
  const key = { tenantId: input.tenantId, subjectType: input.subjectType, subjectId: input.subjectId, document: input.document, version: input.version };
  try {
    const created = await Acceptance.create({ ...key, _id: new Types.ObjectId(), contactId: input.contactId ?? null, email: input.email ? normaliseEmail(input.email) : null, source: input.source, ip: input.ip ?? null, acceptedAt: input.at ?? new Date() });
    return created.toObject();
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return (await Acceptance.findOne(key).lean())!;
  }
}

/**
 * A public form's sign-up with consent given: records acceptance of the agency's current privacy notice
 * (when it set one), so a sign-up from the widgets carries the version the person agreed to.
 */
export async function recordSignupAcceptance(connection: Connection, input: { tenantId: Types.ObjectId; signupId: Types.ObjectId; email: string; source: string; ip?: string | null }): Promise<TermsAcceptance | null> {
  const current = await currentTerms(connection, input.tenantId);
  if (!current.privacy) return null;
  return recordAcceptance(connection, { tenantId: input.tenantId, document: 'privacy', version: current.privacy.version, subjectType: 'signup', subjectId: input.signupId, email: input.email, source: input.source, ip: input.ip ?? null });
}

/** Every acceptance of a person (by contact, portal identity or email), oldest first. */
export async function acceptancesOf(connection: Connection, tenantId: Types.ObjectId, person: { contactIds: Types.ObjectId[]; customerUserIds: Types.ObjectId[]; emails: string[] }): Promise<TermsAcceptance[]> {
  const Acceptance = termsAcceptanceModel(connection);
  const found = new Map<string, TermsAcceptance>();
  // Equalities on indexed fields, one per value (pushed down on FerretDB), merged here.
  const reads = [
    ...person.contactIds.map((contactId) => Acceptance.find({ tenantId, contactId }).lean()),
    ...person.customerUserIds.map((subjectId) => Acceptance.find({ tenantId, subjectType: 'customerUser', subjectId }).lean()),
    ...person.emails.map((email) => Acceptance.find({ tenantId, email: normaliseEmail(email) }).lean()),
  ];
  for (const rows of await Promise.all(reads)) for (const row of rows) found.set(String(row._id), row);
  return [...found.values()].sort((a, b) => a.acceptedAt.getTime() - b.acceptedAt.getTime());
}

/** Removes every acceptance of a person (erasure); answers how many. */
export async function eraseAcceptances(connection: Connection, tenantId: Types.ObjectId, person: { contactIds: Types.ObjectId[]; customerUserIds: Types.ObjectId[]; emails: string[] }): Promise<number> {
  const ids = (await acceptancesOf(connection, tenantId, person)).map((a) => a._id);
  if (!ids.length) return 0;
  return (await termsAcceptanceModel(connection).deleteMany({ tenantId, _id: op({ $in: ids }) })).deletedCount;
}

/** An acceptance as the API answers it. */
export function toAcceptanceDto(a: TermsAcceptance) {
  return {
    id: String(a._id),
    document: a.document,
    version: a.version,
    subjectType: a.subjectType,
    subjectId: String(a.subjectId),
    contactId: a.contactId ? String(a.contactId) : null,
    source: a.source,
    acceptedAt: new Date(a.acceptedAt).toISOString(),
  };
}
