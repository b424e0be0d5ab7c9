import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import type { RecordBase } from '../../platform/records/record-service.js';

export interface CustomerAddress {
  line1?: string;
  line2?: string;
  city?: string;
  state?: string;
  country?: string;
  postalCode?: string;
  geo?: { lat: number; lng: number } | null;
}

export const invoicingOptions = ['perPo', 'perMonth', 'manual'] as const;
export const communicationChannels = ['email', 'sms', 'phone', 'inApp'] as const;

/** 000/003 finance: currency, price book, terms, credit limit, invoicing, blacklist and the other money fields. */
export interface CustomerFinance {
  currency: string | null;
  priceBookId: Types.ObjectId | null;
  paymentTerms: string | null;
  paymentTermsDays: number | null;
  creditLimit: number | null;
  invoicingOption: (typeof invoicingOptions)[number];
  autoSendInvoice: boolean;
  invoicingPoint: string | null;
  blacklisted: boolean;
  priceAdjuster: number | null;
  allowSharingPos: boolean;
  allowNegativeProfit: boolean;
  paymentBehavior: string | null;
  /** Issue 21: computed by modules/invoices when a payment settles an invoice (last 12 months); never written by clients. */
  paymentStats?: { paidCount: number; lateCount: number; averageDaysLate: number; maxDaysLate: number; openOverdueCount: number; computedAt: Date } | null;
}

/** 003's account roles: one account manager, one main PM, backup PMs; 000's relationship manager and operations. */
export interface CustomerTeam {
  accountManagerId: Types.ObjectId | null;
  mainPmId: Types.ObjectId | null;
  backupPmIds: Types.ObjectId[];
  relationshipManagerId: Types.ObjectId | null;
  operationsUserIds: Types.ObjectId[];
}

/** A customer account (000 Customer, 001 Accounts, 003's account tree). */
export interface Customer extends RecordBase {
  name: string;
  legalName?: string | null;
  logoUrl?: string | null;
  industry?: string | null;
  companyType?: string | null;
  website?: string | null;
  address?: CustomerAddress | null;
  emails: { label: string; value: string; primary: boolean }[];
  phones: { label: string; value: string; primary: boolean }[];
  tags: string[];
  category?: string | null;
  rating?: number | null;
  contacts: { contactId: Types.ObjectId; role: string }[];
  preferences: {
    notifications: { category: string; channel: string; subscribed: boolean }[];
    channel: string | null;
    services: string[];
    satisfactionEmails: boolean;
    /** Issue 21: the language mail to the account is written in (payment reminders), e.g. `de`; null: the agency's. */
    language?: string | null;
  };
  billingUnits: { name: string; code?: string | null; email?: string | null; poRequired: boolean; address?: CustomerAddress | null }[];
  finance: CustomerFinance;
  team: CustomerTeam;
  portals: { kind: string; url: string }[];
  notes?: string | null;
  /** The parent account (003: branches, then product lines), null for a root. */
  parentId: Types.ObjectId | null;
  /** Every ancestor, root first: top-level and indexed, so a subtree is one equality query. */
  ancestorIds: Types.ObjectId[];
  depth: number;
  sourceLeadId?: Types.ObjectId | null;
  status: string;
  statusChangedAt?: Date | null;
  /** Top-level copies for filters and sorts that must be served by an index. */
  city?: string | null;
  country?: string | null;
  custom: Record<string, unknown>;
}

const addressFields = { line1: String, line2: String, city: String, state: String, country: String, postalCode: String, geo: { type: { _id: false, lat: Number, lng: Number }, default: null } };
const point = { _id: false, label: { type: String, default: 'work' }, value: String, primary: { type: Boolean, default: false } };

const customerSchema = new Schema<Customer>(
  {
    name: { type: String, required: true, trim: true },
    legalName: { type: String, default: null },
    logoUrl: { type: String, default: null },
    industry: { type: String, default: null, index: true },
    companyType: { type: String, default: null },
    website: { type: String, default: null },
    address: { type: new Schema(addressFields, { _id: false }), default: null },
    emails: { type: [point], default: [] },
    phones: { type: [point], default: [] },
    tags: { type: [String], default: [], index: true },
    category: { type: String, default: null },
    rating: { type: Number, default: null },
    contacts: { type: [{ _id: false, contactId: Schema.Types.ObjectId, role: String }], default: [] },
    preferences: {
      type: new Schema(
        {
          notifications: { type: [{ _id: false, category: String, channel: String, subscribed: Boolean }], default: [] },
          channel: { type: String, default: null },
          services: { type: [String], default: [] },
          satisfactionEmails: { type: Boolean, default: true },
          language: { type: String, default: null },
        },
        { _id: false },
      ),
      default: () => ({}),
    },
    billingUnits: {
      type: [{ _id: false, name: String, code: { type: String, default: null }, email: { type: String, default: null }, poRequired: { type: Boolean, default: false }, address: { type: new Schema(addressFields, { _id: false }), default: null } }],
      default: [],
    },
    finance: {
      type: new Schema(
        {
          currency: { type: String, default: null },
          priceBookId: { type: Schema.Types.ObjectId, default: null },
          paymentTerms: { type: String, default: null },
          paymentTermsDays: { type: Number, default: null },
          creditLimit: { type: Number, default: null },
          invoicingOption: { type: String, enum: invoicingOptions, default: 'manual' },
          autoSendInvoice: { type: Boolean, default: false },
          invoicingPoint: { type: String, default: null },
          blacklisted: { type: Boolean, default: false },
          priceAdjuster: { type: Number, default: null },
          allowSharingPos: { type: Boolean, default: false },
          allowNegativeProfit: { type: Boolean, default: false },
          paymentBehavior: { type: String, default: null },
          paymentStats: { type: Schema.Types.Mixed, default: null },
        },
        { _id: false },
      ),
      default: () => ({}),
    },
    team: {
      type: new Schema(
        {
          accountManagerId: { type: Schema.Types.ObjectId, default: null },
          mainPmId: { type: Schema.Types.ObjectId, default: null },
          backupPmIds: { type: [Schema.Types.ObjectId], default: [] },
          relationshipManagerId: { type: Schema.Types.ObjectId, default: null },
          operationsUserIds: { type: [Schema.Types.ObjectId], default: [] },
        },
        { _id: false },
      ),
      default: () => ({}),
    },
    portals: { type: [{ _id: false, kind: String, url: String }], default: [] },
    notes: { type: String, default: null },
    parentId: { type: Schema.Types.ObjectId, default: null, index: true },
    ancestorIds: { type: [Schema.Types.ObjectId], default: [], index: true },
    depth: { type: Number, default: 0 },
    sourceLeadId: { type: Schema.Types.ObjectId, default: null },
    status: { type: String, required: true, index: true },
    statusChangedAt: { type: Date, default: null },
    city: { type: String, default: null },
    country: { type: String, default: null },
    ownerId: { type: Schema.Types.ObjectId, default: null, index: true },
    teamId: { type: Schema.Types.ObjectId, default: null },
    productId: { type: Schema.Types.ObjectId, default: null, index: true },
    departmentId: { type: Schema.Types.ObjectId, default: null },
    custom: { type: Schema.Types.Mixed, default: () => ({}) },
  },
  { timestamps: true, versionKey: 'version', minimize: false },
);
customerSchema.plugin(tenantScoped);
customerSchema.index({ tenantId: 1, status: 1, _id: -1 });
customerSchema.index({ tenantId: 1, ownerId: 1, _id: -1 });
customerSchema.index({ tenantId: 1, ancestorIds: 1 });

export function customerModel(connection: Connection): Model<Customer> {
  return (connection.models.Customer as Model<Customer>) ?? connection.model<Customer>('Customer', customerSchema, 'customers');
}

/** A file uploaded to a customer, its bytes stored in the database (000: documents). */
export interface CustomerDocument {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  customerId: Types.ObjectId;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  data: Buffer;
  uploadedBy: Types.ObjectId | null;
  createdAt: Date;
}

const customerDocumentSchema = new Schema<CustomerDocument>(
  {
    customerId: { type: Schema.Types.ObjectId, required: true },
    fileName: { type: String, required: true, maxlength: 255 },
    contentType: { type: String, required: true, maxlength: 127 },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
    data: { type: Buffer, required: true },
    uploadedBy: { type: Schema.Types.ObjectId, default: null },
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
customerDocumentSchema.plugin(tenantScoped);
customerDocumentSchema.index({ tenantId: 1, customerId: 1, _id: -1 });

export function customerDocumentModel(connection: Connection): Model<CustomerDocument> {
  return (connection.models.CustomerDocument as Model<CustomerDocument>) ?? connection.model<CustomerDocument>('CustomerDocument', customerDocumentSchema, 'customer_documents');
}

/** One move of the account tree at a time per agency: a lock document, unique per (tenant, scope). */
export interface CustomerTreeLock {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  scope: string;
  holder: string;
  lockedAt: Date;
}

const treeLockSchema = new Schema<CustomerTreeLock>({ scope: { type: String, required: true }, holder: { type: String, required: true }, lockedAt: { type: Date, required: true } }, { versionKey: false });
treeLockSchema.plugin(tenantScoped);
treeLockSchema.index({ tenantId: 1, scope: 1 }, { unique: true });

export function customerTreeLockModel(connection: Connection): Model<CustomerTreeLock> {
  return (connection.models.CustomerTreeLock as Model<CustomerTreeLock>) ?? connection.model<CustomerTreeLock>('CustomerTreeLock', treeLockSchema, 'customer_tree_locks');
}
