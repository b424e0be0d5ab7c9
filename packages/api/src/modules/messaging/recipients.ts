import { Types, type Connection, type Model } from 'mongoose';
import { visibilityFilter } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { op } from '../../platform/db/operators.js';
import { AppError } from '../../platform/errors.js';
import { contactModel, type Contact } from '../contacts/contact.model.js';
import { customerModel, type Customer } from '../customers/customer.model.js';
import { tenantModel } from '../identity/tenant.model.js';
import type { RecipientType } from './messaging.model.js';

/** A contact or customer as a message recipient, with the values templates may use. */
export interface Recipient {
  type: RecipientType;
  id: Types.ObjectId;
  email: string | null;
  name: string;
  /** What `{{recipient.firstName}}` and friends read. */
  fields: { firstName: string; lastName: string; fullName: string; email: string | null; companyName: string | null };
}

type Point = { value: string; primary: boolean };
const primaryEmail = (emails: Point[] | undefined) => (emails?.find((e) => e.primary) ?? emails?.[0])?.value?.trim().toLowerCase() || null;

function fromContact(c: Contact): Recipient {
  const fullName = [c.firstName, c.middleName, c.lastName].filter(Boolean).join(' ');
  const email = primaryEmail(c.emails);
  return { type: 'contact', id: c._id, email, name: fullName, fields: { firstName: c.firstName, lastName: c.lastName, fullName, email, companyName: c.company?.name ?? null } };
}

function fromCustomer(c: Customer): Recipient {
  const email = primaryEmail(c.emails);
  return { type: 'customer', id: c._id, email, name: c.name, fields: { firstName: c.name, lastName: '', fullName: c.name, email, companyName: c.name } };
}

const chunk = 500;

/** Reads contacts and customers as recipients, and the agency's locale and time zone. */
export function createRecipients(connection: Connection) {
  const Contact = contactModel(connection);
  const Customer = customerModel(connection);
  const Tenant = tenantModel(connection);
  return {
    /** One recipient the principal may see (404 otherwise), for previews and staff-managed subscriptions. */
    async visible(principal: Principal, type: RecipientType, id: string): Promise<Recipient> {
      const _id = new Types.ObjectId(id);
      if (type === 'contact') {
        const c = await Contact.findOne({ ...visibilityFilter(principal, 'contact', 'read'), _id }).lean();
        if (!c) throw AppError.notFound('Contact');
        return fromContact(c as Contact);
      }
      const c = await Customer.findOne({ ...visibilityFilter(principal, 'customer', 'read'), _id }).lean();
      if (!c) throw AppError.notFound('Customer');
      return fromCustomer(c as Customer);
    },
    /**
     * Every listed contact and customer of the tenant that exists (a deleted one is simply not there).
     * `onBatch` runs between batches, so a job renews its lock while a large list loads. A long list is
     * read in one pass over the tenant's records and matched in memory: FerretDB does not push `$in` down,
     * so each `$in` batch would scan them all again.
     */
    async many(tenantId: Types.ObjectId, ids: { contactIds: Types.ObjectId[]; customerIds: Types.ObjectId[] }, onBatch: () => Promise<void> = async () => {}): Promise<Recipient[]> {
      const out: Recipient[] = [];
      const load = async <T extends { _id: Types.ObjectId }>(model: Model<T>, wanted: Types.ObjectId[], map: (doc: T) => Recipient, fields: string) => {
        if (!wanted.length) return;
        if (wanted.length > 2 * chunk) {
          const want = new Set(wanted.map(String));
          let seen = 0;
          for await (const doc of model.find({ tenantId }).select(fields).lean().cursor()) {
            if (want.has(String(doc._id))) out.push(map(doc as T));
            if (++seen % 500 === 0) await onBatch();
          }
          return;
        }
        for (let i = 0; i < wanted.length; i += chunk) {
          const docs = await model.find({ tenantId, _id: op({ $in: wanted.slice(i, i + chunk) }) }).select(fields).lean();
          out.push(...docs.map((d) => map(d as T)));
          await onBatch();
        }
      };
      await load(Contact as unknown as Model<Contact>, ids.contactIds, fromContact, 'firstName middleName lastName emails company');
      await load(Customer as unknown as Model<Customer>, ids.customerIds, fromCustomer, 'name emails');
      return out;
    },
    async agency(tenantId: Types.ObjectId): Promise<{ name: string; locale: string; timeZone: string }> {
      const t = await Tenant.findById(tenantId).lean();
      return { name: t?.name ?? '', locale: t?.settings?.locale ?? 'en', timeZone: t?.settings?.timeZone ?? 'UTC' };
    },
  };
}

export type Recipients = ReturnType<typeof createRecipients>;
