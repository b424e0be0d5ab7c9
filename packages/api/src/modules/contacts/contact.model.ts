import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import type { RecordBase } from '../../platform/records/record-service.js';
import { assertNotSuppressed } from '../../platform/privacy/suppression.js';

export interface ContactPoint {
  label: string;
  value: string;
  primary: boolean;
}

export interface PostalAddress {
  label: string;
  line1?: string;
  line2?: string;
  city?: string;
  state?: string;
  country?: string;
  postalCode?: string;
  geo?: { lat: number; lng: number } | null;
  primary: boolean;
}

export interface Company {
  name?: string;
  logoUrl?: string;
  industry?: string;
  type?: string;
  website?: string;
  address?: Omit<PostalAddress, 'label' | 'primary'>;
}

/** A person the agency deals with (000 Contact, 001's contact mechanisms). */
export interface Contact extends RecordBase {
  firstName: string;
  middleName?: string | null;
  lastName: string;
  jobTitle?: string | null;
  /** Issue 21: the language mail to this person is written in (invoices and reminders when they are an account's billing contact), e.g. `de`; null: not set. */
  language?: string | null;
  pictureUrl?: string | null;
  emails: ContactPoint[];
  phones: ContactPoint[];
  addresses: PostalAddress[];
  company?: Company | null;
  customerId?: Types.ObjectId | null;
  leadSource?: string | null;
  tags: string[];
  notes?: string | null;
  consent?: { marketing: boolean; source?: string; at?: Date } | null;
  subscriptions: { category: string; channel: string; subscribed: boolean }[];
  status: string;
  statusChangedAt?: Date | null;
  /** Lower-cased primary email: dedupe key for public sign-ups (unique per tenant when set). */
  primaryEmail?: string | null;
  companyName?: string | null;
  custom: Record<string, unknown>;
}

const point = { _id: false, label: { type: String, default: 'work' }, value: String, primary: { type: Boolean, default: false } };
const address = {
  _id: false,
  label: { type: String, default: 'work' },
  line1: String,
  line2: String,
  city: String,
  state: String,
  country: String,
  postalCode: String,
  geo: { type: { _id: false, lat: Number, lng: Number }, default: null },
  primary: { type: Boolean, default: false },
};

const companySchema = new Schema(
  {
    name: String,
    logoUrl: String,
    industry: String,
    type: { type: String },
    website: String,
    address: { type: new Schema({ line1: String, line2: String, city: String, state: String, country: String, postalCode: String }, { _id: false }), default: undefined },
  },
  { _id: false },
);

const contactSchema = new Schema<Contact>(
  {
    firstName: { type: String, required: true, trim: true },
    middleName: { type: String, default: null },
    lastName: { type: String, required: true, trim: true },
    jobTitle: { type: String, default: null },
    language: { type: String, default: null },
    pictureUrl: { type: String, default: null },
    emails: { type: [point], default: [] },
    phones: { type: [point], default: [] },
    addresses: { type: [address], default: [] },
    company: { type: companySchema, default: null },
    customerId: { type: Schema.Types.ObjectId, default: null, index: true },
    leadSource: { type: String, default: null },
    tags: { type: [String], default: [], index: true },
    notes: { type: String, default: null },
    consent: { type: { _id: false, marketing: Boolean, source: String, at: Date }, default: null },
    subscriptions: { type: [{ _id: false, category: String, channel: String, subscribed: Boolean }], default: [] },
    status: { type: String, required: true, index: true },
    statusChangedAt: { type: Date, default: null },
    ownerId: { type: Schema.Types.ObjectId, default: null, index: true },
    teamId: { type: Schema.Types.ObjectId, default: null },
    productId: { type: Schema.Types.ObjectId, default: null, index: true },
    departmentId: { type: Schema.Types.ObjectId, default: null },
    primaryEmail: { type: String, default: null, index: true },
    companyName: { type: String, default: null },
    custom: { type: Schema.Types.Mixed, default: () => ({}) },
  },
  { timestamps: true, versionKey: 'version', minimize: false },
);
contactSchema.plugin(tenantScoped);
// A person erased at their request is not created again (one create, one import row, one sign-up alike).
contactSchema.pre('validate', async function () {
  if (!this.isNew) return;
  await assertNotSuppressed(this.db, this.tenantId, { emails: (this.emails ?? []).map((e) => e.value), phones: (this.phones ?? []).map((p) => p.value) }, (kind, i) => `${kind === 'email' ? 'emails' : 'phones'}.${i}.value`);
});
contactSchema.index({ tenantId: 1, status: 1, _id: -1 });
contactSchema.index({ tenantId: 1, ownerId: 1, _id: -1 });

export function contactModel(connection: Connection): Model<Contact> {
  return (connection.models.Contact as Model<Contact>) ?? connection.model<Contact>('Contact', contactSchema, 'contacts');
}
