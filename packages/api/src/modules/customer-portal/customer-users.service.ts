import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import type { CustomerRole } from '../../platform/access/customer.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import { pageOf, type PageQuery } from '../../platform/records/list-query.js';
import type { Contact } from '../contacts/contact.model.js';
import { tenantModel } from '../identity/tenant.model.js';
import { userModel } from '../identity/user.model.js';
import type { CustomerAuthService } from './customer-auth.service.js';
import { toCustomerUserDto } from './customer-portal.dto.js';
import { customerUserModel, type CustomerUser } from './customer-user.model.js';

/** Finds a contact the agent may see (the contacts module's visibility), or answers 404. */
export type VisibleContact = (principal: Principal, id: string) => Promise<Contact>;
/** Checks an account (customer) is visible to the agent, or answers 404. */
export type VisibleAccount = (principal: Principal, id: string) => Promise<unknown>;

const oid = (id: string) => new Types.ObjectId(id);

/** The primary email of a contact, lower-cased, or null. */
export function contactEmail(contact: Pick<Contact, 'emails' | 'primaryEmail'>): string | null {
  const chosen = contact.emails?.find((e) => e.primary) ?? contact.emails?.[0];
  return (contact.primaryEmail ?? chosen?.value ?? null)?.trim() || null;
}

/**
 * Agents' side of customer identities: invite a contact, list, change role, disable. An agent acts on a
 * customer identity only when they may see its contact (the one access module decides that), and a
 * customer identity that is not theirs to see answers 404.
 */
export function createCustomerUsersService(deps: { connection: Connection; events: EventBus; auth: CustomerAuthService; visibleContact: VisibleContact; visibleAccount: VisibleAccount }) {
  const { connection, events } = deps;
  const CustomerUserModel = customerUserModel(connection);
  const Tenant = tenantModel(connection);
  const User = userModel(connection);
  const actor = (p: Principal) => ({ tenantId: p.tenantId, userId: p.userId, apiKeyId: p.apiKeyId });

  async function findVisible(principal: Principal, id: string): Promise<CustomerUser> {
    const user = await CustomerUserModel.findOne({ tenantId: principal.tenantId, _id: oid(id) }).lean();
    if (!user) throw AppError.notFound('Customer user');
    try {
      await deps.visibleContact(principal, String(user.contactId));
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') throw AppError.notFound('Customer user');
      throw error;
    }
    return user;
  }

  async function sendInvitation(principal: Principal, user: CustomerUser, returnUrl: string | undefined) {
    const tenant = await Tenant.findById(principal.tenantId).select('name slug').lean();
    if (!tenant) throw AppError.notFound('Agency');
    const landing = await deps.auth.landingUrl(principal.tenantId, tenant.slug, returnUrl);
    const inviter = await User.findOne({ tenantId: principal.tenantId, _id: principal.userId }).select('name').lean();
    await deps.auth.sendLink(user, 'invitation', landing, { agencyName: tenant.name, inviterName: inviter?.name ?? tenant.name });
  }

  return {
    /** Invites a contact to the portal and emails them a sign-in link; a contact has one identity. */
    async invite(principal: Principal, input: { contactId: string; role: CustomerRole; returnUrl?: string | undefined }) {
      let contact: Contact;
      try {
        contact = await deps.visibleContact(principal, input.contactId);
      } catch (error) {
        if (error instanceof AppError && error.code === 'not_found') throw AppError.invalidField('contactId', 'is not a contact you can see');
        throw error;
      }
      const email = contactEmail(contact);
      if (!email) throw AppError.invalidField('contactId', 'has no email address to send the invitation to; add one to the contact first', 'no_email');
      const accountId = contact.customerId ?? null;
      if (input.role === 'customer_case_manager' && !accountId) throw AppError.invalidField('role', 'customer_case_manager needs a contact that belongs to an account', 'no_account');
      // Validate where the link lands before anything is written.
      const tenant = await Tenant.findById(principal.tenantId).select('slug').lean();
      if (tenant) await deps.auth.landingUrl(principal.tenantId, tenant.slug, input.returnUrl);
      let created: CustomerUser;
      try {
        const doc = await CustomerUserModel.create({
          tenantId: principal.tenantId,
          contactId: contact._id,
          accountId,
          email,
          emailNormalized: email.toLowerCase(),
          name: [contact.firstName, contact.lastName].filter(Boolean).join(' ') || email,
          role: input.role,
          status: 'invited',
          invitedBy: principal.userId,
        });
        created = doc.toObject();
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new AppError('conflict', 'This contact (or another with the same email) already has a portal identity; resend its invitation instead');
        throw error;
      }
      await events.publish({ type: 'customerUser.invited', tenantId: principal.tenantId, resource: 'customerUser', resourceId: String(created._id), actor: actor(principal), data: { contactId: String(contact._id), role: input.role } });
      await sendInvitation(principal, created, input.returnUrl);
      return toCustomerUserDto(created);
    },

    async resendInvitation(principal: Principal, id: string, returnUrl: string | undefined) {
      const user = await findVisible(principal, id);
      if (user.status === 'disabled') throw new AppError('conflict', 'This customer is disabled; enable them first');
      await sendInvitation(principal, user, returnUrl);
      return toCustomerUserDto(user);
    },

    /**
     * Customer identities of a contact or an account the agent may see (equality on an indexed field);
     * the whole agency's only for an admin.
     */
    async list(principal: Principal, query: PageQuery & { contactId?: string | undefined; accountId?: string | undefined }) {
      const filter: Record<string, unknown> = { tenantId: principal.tenantId };
      if (query.contactId) {
        await deps.visibleContact(principal, query.contactId);
        filter.contactId = oid(query.contactId);
      }
      if (query.accountId) {
        await deps.visibleAccount(principal, query.accountId);
        filter.accountId = oid(query.accountId);
      }
      if (!query.contactId && !query.accountId && !principal.role.isAdmin) {
        throw AppError.invalidField('contactId', 'or accountId is needed: list the portal identities of a contact or an account you can see', 'required');
      }
      return pageOf(CustomerUserModel, filter, query, toCustomerUserDto);
    },

    async get(principal: Principal, id: string) {
      return toCustomerUserDto(await findVisible(principal, id));
    },

    /** Changes the role or enables/disables; either ends the customer's sessions, so the change holds at once. */
    async update(principal: Principal, id: string, patch: { role?: CustomerRole | undefined; status?: 'active' | 'disabled' | undefined }, ifMatch?: number) {
      const user = await findVisible(principal, id);
      if (ifMatch !== undefined && user.version !== ifMatch) throw new AppError('version_conflict', `The customer user was changed by someone else (now version ${user.version}); reload and try again`, { extensions: { current: toCustomerUserDto(user) } });
      const set: Record<string, unknown> = {};
      if (patch.role && patch.role !== user.role) {
        if (patch.role === 'customer_case_manager' && !user.accountId) throw AppError.invalidField('role', 'customer_case_manager needs a contact that belongs to an account', 'no_account');
        set.role = patch.role;
      }
      if (patch.status && patch.status !== (user.status === 'invited' ? 'active' : user.status)) {
        set.status = patch.status === 'disabled' ? 'disabled' : user.lastSignInAt ? 'active' : 'invited';
      }
      if (!Object.keys(set).length) return toCustomerUserDto(user);
      // updateOne, then a read: FerretDB's findAndModify refuses the projection a select:false field implies.
      const written = await CustomerUserModel.updateOne({ tenantId: principal.tenantId, _id: user._id, version: user.version }, { $set: set, $inc: { version: 1 } });
      const updated = written.modifiedCount ? await CustomerUserModel.findOne({ tenantId: principal.tenantId, _id: user._id }).lean() : null;
      if (!updated) throw new AppError('version_conflict', 'The customer user was changed by someone else; reload and try again');
      await deps.auth.revokeAll(principal.tenantId, user._id, set.status === 'disabled' ? 'disabled by the agency' : 'role changed');
      await events.publish({ type: 'customerUser.updated', tenantId: principal.tenantId, resource: 'customerUser', resourceId: id, actor: actor(principal), changes: Object.fromEntries(Object.entries(set).map(([k, v]) => [k, { from: (user as unknown as Record<string, unknown>)[k], to: v }])) });
      return toCustomerUserDto(updated);
    },
  };
}

export type CustomerUsersService = ReturnType<typeof createCustomerUsersService>;
