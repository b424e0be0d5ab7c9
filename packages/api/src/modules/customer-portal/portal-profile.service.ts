import type { Connection } from 'mongoose';
import type { CustomerPrincipal } from '../../platform/access/customer.js';
import { AppError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import { contactModel, type Contact } from '../contacts/contact.model.js';
import type { ContactsService } from '../contacts/contacts.service.js';
import { customerModel } from '../customers/customer.model.js';
import { resolvePrincipal } from '../identity/principal.service.js';
import type { Channel } from '../messaging/messaging.model.js';
import type { SubscriptionsService } from '../messaging/subscriptions.service.js';
import { toCustomerUserDto } from './customer-portal.dto.js';
import { customerUserModel } from './customer-user.model.js';
import { contactEmail } from './customer-users.service.js';

const primaryPhone = (c: Contact) => (c.phones?.find((p) => p.primary) ?? c.phones?.[0])?.value ?? null;

/**
 * The customer's own contact details, consent and subscriptions (004's GDPR self-service). Reads go
 * by the ids in the customer's principal, never by input. A contact write goes through the contacts
 * module's record service (history, search and list rows stay right), acting as the contact's owner,
 * and the event names the customer as its source.
 */
export function createPortalProfileService(deps: { connection: Connection; events: EventBus; contacts: ContactsService; subscriptions: SubscriptionsService }) {
  const Contact = contactModel(deps.connection);
  const Account = customerModel(deps.connection);
  const CustomerUserModel = customerUserModel(deps.connection);

  async function ownContact(customer: CustomerPrincipal): Promise<Contact> {
    const contact = await Contact.findOne({ tenantId: customer.tenantId, _id: customer.contactId }).lean();
    if (!contact) throw AppError.notFound('Contact');
    return contact as Contact;
  }

  async function writeContact(customer: CustomerPrincipal, contact: Contact, patch: Record<string, unknown>) {
    const ownerId = contact.ownerId;
    const acting = ownerId ? await resolvePrincipal(deps.connection, { tenantId: customer.tenantId, userId: ownerId }) : null;
    if (!acting) throw new AppError('conflict', 'Your details cannot be changed here right now (your contact has no active owner at the agency); ask the agency to update them');
    await deps.contacts.update(acting, String(contact._id), patch, { client: { ip: '', userAgent: 'customer portal' } });
    await deps.events.publish({ type: 'contact.self_service_updated', tenantId: customer.tenantId, resource: 'contact', resourceId: String(contact._id), actor: null, data: { customerUserId: String(customer.customerUserId), fields: Object.keys(patch) } });
  }

  const service = {
    async profile(customer: CustomerPrincipal) {
      const [user, contact] = await Promise.all([CustomerUserModel.findOne({ tenantId: customer.tenantId, _id: customer.customerUserId }).lean(), ownContact(customer)]);
      if (!user) throw AppError.notFound('Customer user');
      const account = customer.accountId ? await Account.findOne({ tenantId: customer.tenantId, _id: customer.accountId }).select('name').lean() : null;
      return {
        customer: toCustomerUserDto(user),
        contact: { id: String(contact._id), firstName: contact.firstName, lastName: contact.lastName, email: contactEmail(contact), phone: primaryPhone(contact), jobTitle: contact.jobTitle ?? null },
        account: account ? { id: String(account._id), name: account.name } : null,
      };
    },

    async updateProfile(customer: CustomerPrincipal, input: { firstName?: string | undefined; lastName?: string | undefined; phone?: string | null | undefined; jobTitle?: string | null | undefined; locale?: 'en' | 'de' | undefined }) {
      const contact = await ownContact(customer);
      const patch: Record<string, unknown> = {};
      if (input.firstName !== undefined) patch.firstName = input.firstName;
      if (input.lastName !== undefined) patch.lastName = input.lastName;
      if (input.jobTitle !== undefined) patch.jobTitle = input.jobTitle;
      if (input.phone !== undefined) {
        const others = (contact.phones ?? []).filter((p) => !(p.primary || p === contact.phones[0]));
        patch.phones = input.phone ? [{ label: 'work', value: input.phone, primary: true }, ...others.map((p) => ({ ...p, primary: false }))] : others;
      }
      if (Object.keys(patch).length) await writeContact(customer, contact, patch);
      if (input.locale) await CustomerUserModel.updateOne({ tenantId: customer.tenantId, _id: customer.customerUserId }, { $set: { locale: input.locale } });
      if (input.firstName !== undefined || input.lastName !== undefined) {
        const name = [input.firstName ?? contact.firstName, input.lastName ?? contact.lastName].filter(Boolean).join(' ');
        if (name) await CustomerUserModel.updateOne({ tenantId: customer.tenantId, _id: customer.customerUserId }, { $set: { name } });
      }
      return service.profile(customer);
    },

    async preferences(customer: CustomerPrincipal) {
      const contact = await ownContact(customer);
      const subscriptions = await deps.subscriptions.listOwn(customer.tenantId, { type: 'contact', id: customer.contactId });
      return {
        consent: { marketing: Boolean(contact.consent?.marketing), at: contact.consent?.at ? new Date(contact.consent.at).toISOString() : null },
        subscriptions,
      };
    },

    async updatePreferences(customer: CustomerPrincipal, input: { marketing?: boolean | undefined; subscriptions?: { category: string; channel: Channel; subscribed: boolean }[] | undefined }) {
      if (input.marketing !== undefined) {
        const contact = await ownContact(customer);
        if (Boolean(contact.consent?.marketing) !== input.marketing) await writeContact(customer, contact, { consent: { marketing: input.marketing, source: 'customer portal' } });
      }
      for (const change of input.subscriptions ?? []) await deps.subscriptions.setOwn(customer.tenantId, { type: 'contact', id: customer.contactId }, change);
      return service.preferences(customer);
    },
  };
  return service;
}

export type PortalProfileService = ReturnType<typeof createPortalProfileService>;
