import { customerRoles } from '../../platform/access/customer.js';
import { objectId, pageQuery, listOf } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { channels } from '../messaging/messaging.model.js';
import { customerUserStatuses } from './customer-user.model.js';

const email = z.email('must be an email address').max(254);
const tenantSlug = z.string().trim().min(1).max(80).regex(/^[A-Za-z0-9-]+$/, 'is the agency slug of the portal address (/portal/{tenant})').openapi({ example: 'acme-travel' });
const returnUrl = z.string().url('must be an absolute URL').max(2000).openapi({ description: "Where the link lands: the agency's hosted portal (the default) or a page on an origin one of its publishable keys allows" });

export const customerUserSchema = z
  .object({
    id: objectId,
    object: z.literal('customerUser'),
    contactId: objectId,
    accountId: objectId.nullable(),
    email: z.string(),
    name: z.string(),
    role: z.enum(customerRoles),
    status: z.enum(customerUserStatuses),
    locale: z.string(),
    lastSignInAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .openapi('CustomerUser');

export const customerUserList = listOf(customerUserSchema, 'CustomerUserList');

export const inviteCustomerBody = z
  .object({
    contactId: objectId.openapi({ description: 'The contact to invite; its primary email receives the invitation' }),
    role: z.enum(customerRoles).default('customer').openapi({ description: '`customer` sees their own tickets; `customer_case_manager` their account\'s and its child accounts\'' }),
    returnUrl: returnUrl.optional(),
  })
  .openapi('InviteCustomerRequest');

export const customerUserQuery = pageQuery.extend({
  contactId: objectId.optional(),
  accountId: objectId.optional(),
});

export const updateCustomerUserBody = z
  .object({
    role: z.enum(customerRoles).optional(),
    status: z.enum(['active', 'disabled']).optional().openapi({ description: '`disabled` signs the customer out everywhere and refuses every sign-in; `active` lets them in again' }),
  })
  .openapi('UpdateCustomerUserRequest');

export const resendInvitationBody = z.object({ returnUrl: returnUrl.optional() }).openapi('ResendCustomerInvitationRequest');

export const requestLinkBody = z.object({ tenant: tenantSlug, email, returnUrl: returnUrl.optional() }).openapi('PortalLinkRequest');
export const exchangeLinkBody = z.object({ link: z.string().min(20).max(400).openapi({ description: 'The token after `#crm-portal-link=` in the emailed link' }) }).openapi('PortalLinkExchange');
export const passwordSignInBody = z.object({ tenant: tenantSlug, email, password: z.string().min(1).max(200) }).openapi('PortalPasswordSignIn');
export const portalRefreshBody = z.object({ refreshToken: z.string().min(20).max(200) }).openapi('PortalRefreshRequest');

export const portalTokensSchema = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().openapi({ description: 'Seconds until the access token expires' }),
    customer: customerUserSchema,
  })
  .openapi('PortalSessionTokens');

export const portalSessionSchema = z
  .object({
    customer: customerUserSchema,
    tenant: z.object({ name: z.string(), slug: z.string() }),
    accountIds: z.array(objectId).openapi({ description: 'The accounts whose records the customer sees account-wide (empty for `customer`)' }),
  })
  .openapi('PortalSession');

export const portalProfileSchema = z
  .object({
    customer: customerUserSchema,
    contact: z.object({
      id: objectId,
      firstName: z.string(),
      lastName: z.string(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      jobTitle: z.string().nullable(),
    }),
    account: z.object({ id: objectId, name: z.string() }).nullable(),
  })
  .openapi('PortalProfile');

export const updatePortalProfileBody = z
  .object({
    firstName: z.string().trim().min(1).max(100).optional(),
    lastName: z.string().trim().min(1).max(100).optional(),
    phone: z.string().trim().max(50).regex(/^[+0-9 ()./-]*$/, 'may hold digits, spaces and + ( ) . / - only').nullable().optional(),
    jobTitle: z.string().trim().max(200).nullable().optional(),
    locale: z.enum(['en', 'de']).optional(),
  })
  .openapi('UpdatePortalProfile');

const category = z.string().regex(/^[a-z][a-zA-Z0-9_-]{0,40}$/, 'a category key such as greeting or marketing');
const subscriptionChoice = z.object({ category, channel: z.enum(channels), subscribed: z.boolean() });

export const portalPreferencesSchema = z
  .object({
    consent: z.object({ marketing: z.boolean(), at: z.string().nullable() }),
    subscriptions: z.array(subscriptionChoice.extend({ source: z.string(), updatedAt: z.string() })),
  })
  .openapi('PortalPreferences');

export const updatePortalPreferencesBody = z
  .object({
    marketing: z.boolean().optional().openapi({ description: 'Consent to marketing messages' }),
    subscriptions: z.array(subscriptionChoice).max(50).optional(),
  })
  .openapi('UpdatePortalPreferences');

export const setPortalPasswordBody = z
  .object({
    password: z.string().min(12, 'must be at least 12 characters').max(200),
    currentPassword: z.string().max(200).optional(),
  })
  .openapi('SetPortalPassword');
