import type { Request, RequestHandler } from 'express';
import { customerOf } from '../../platform/auth/customer-guard.js';
import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, Reply, type RouteSpec } from '../../platform/http/route.js';
import { tenantModel } from '../identity/tenant.model.js';
import type { Connection } from 'mongoose';
import type { CustomerAuthService } from './customer-auth.service.js';
import type { CustomerUsersService } from './customer-users.service.js';
import type { PortalProfileService } from './portal-profile.service.js';
import {
  customerUserList,
  customerUserQuery,
  customerUserSchema,
  exchangeLinkBody,
  inviteCustomerBody,
  passwordSignInBody,
  portalPreferencesSchema,
  portalProfileSchema,
  portalRefreshBody,
  portalSessionSchema,
  portalTokensSchema,
  requestLinkBody,
  resendInvitationBody,
  setPortalPasswordBody,
  updateCustomerUserBody,
  updatePortalPreferencesBody,
  updatePortalProfileBody,
} from './customer-portal.schema.js';

function clientInfo(req: Request) {
  return { ip: req.ip ?? '', userAgent: String(req.headers['user-agent'] ?? '').slice(0, 500) };
}

/** The budgets of the anonymous portal routes, spent before any lookup (docs/customer-portal.md). */
export interface PortalLimits {
  /** Per client address. */
  address: RequestHandler;
  /** Per agency named in the body. */
  tenant: RequestHandler;
  /** Per email address named in the body (sign-in links sent to one inbox). */
  email: RequestHandler;
}

const ifMatchVersion = (req: Request) => {
  const raw = req.get('If-Match');
  const match = raw ? /^"?(\d+)"?$/.exec(raw.trim()) : null;
  return match ? Number(match[1]) : undefined;
};

/** Agents' routes for customer identities: invite, list, read, change role or status, resend. */
export function customerUserRoutes(users: CustomerUsersService): RouteSpec[] {
  const tags = ['Customer users'];
  return [
    defineRoute({
      method: 'post',
      path: '/customer-users',
      operationId: 'inviteCustomerUser',
      summary: 'Invite a contact to the customer portal',
      description: "Creates the contact's portal identity (status `invited`) and emails it a sign-in link (single use, 15 minutes). The contact must be one you can see and have an email address; one identity per contact and email.",
      tags,
      access: access.permission('customerUser', 'create'),
      usersOnly: true,
      body: inviteCustomerBody,
      success: { status: 201, description: 'The invited customer', schema: customerUserSchema },
      errors: [409],
      handler: ({ body, req }) => users.invite(req.principal!, body),
    }),
    defineRoute({
      method: 'get',
      path: '/customer-users',
      operationId: 'listCustomerUsers',
      summary: 'List the portal identities of a contact or an account',
      description: 'Filter by `contactId` or `accountId` (a record you can see); admins may list the whole agency.',
      tags,
      access: access.permission('customerUser', 'read'),
      query: customerUserQuery,
      success: { status: 200, description: 'Customer users, newest first', schema: customerUserList },
      handler: ({ query, req }) => users.list(req.principal!, query),
    }),
    defineRoute({
      method: 'get',
      path: '/customer-users/{id}',
      operationId: 'getCustomerUser',
      summary: 'Get a customer user',
      tags,
      access: access.permission('customerUser', 'read'),
      params: idParams,
      success: { status: 200, description: 'The customer user', schema: customerUserSchema },
      handler: ({ params, req }) => users.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/customer-users/{id}',
      operationId: 'updateCustomerUser',
      summary: "Change a customer user's role, or disable or enable them",
      description: 'Either change signs the customer out of every session at once.',
      tags,
      access: access.permission('customerUser', 'update'),
      params: idParams,
      body: updateCustomerUserBody,
      ifMatch: 'optional',
      success: { status: 200, description: 'The customer user', schema: customerUserSchema },
      handler: ({ params, body, req }) => users.update(req.principal!, params.id, body, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/customer-users/{id}/invitation',
      operationId: 'resendCustomerInvitation',
      summary: 'Email a customer user a new invitation link',
      tags,
      access: access.permission('customerUser', 'create'),
      usersOnly: true,
      params: idParams,
      body: resendInvitationBody,
      success: { status: 200, description: 'The customer user', schema: customerUserSchema },
      errors: [409],
      handler: ({ params, body, req }) => users.resendInvitation(req.principal!, params.id, body.returnUrl),
    }),
  ];
}

/** The portal's session routes (anonymous, rate-limited first) and the customer's own profile. */
export function portalRoutes(deps: { connection: Connection; auth: CustomerAuthService; profile: PortalProfileService; limits: PortalLimits }): RouteSpec[] {
  const { auth, profile, limits } = deps;
  const Tenant = tenantModel(deps.connection);
  const tags = ['Portal'];
  return [
    defineRoute({
      method: 'post',
      path: '/portal/session/link',
      operationId: 'requestPortalLink',
      summary: 'Email me a sign-in link',
      description: 'Answers 202 whether or not the address belongs to a customer of the agency. The link (`<returnUrl>#crm-portal-link=<token>`) works once, for 15 minutes. Rate-limited per address, per email and per agency before anything is looked up.',
      tags,
      access: access.public,
      before: [limits.address, limits.tenant, limits.email],
      body: requestLinkBody,
      success: { status: 202, description: 'If the address is a customer of the agency, a link is on its way' },
      handler: async ({ body, req }) => {
        await auth.requestLink(body, clientInfo(req));
        return new Reply(202);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/portal/session',
      operationId: 'exchangePortalLink',
      summary: 'Sign in with an emailed link',
      description: 'Trades the token of a sign-in link for a session; the link stops working.',
      tags,
      access: access.public,
      before: [limits.address],
      body: exchangeLinkBody,
      success: { status: 200, description: 'Tokens for the new session', schema: portalTokensSchema },
      errors: [401],
      handler: ({ body, req }) => auth.exchangeLink(body.link, clientInfo(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/portal/session/password',
      operationId: 'portalPasswordSignIn',
      summary: 'Sign in with email and password',
      description: 'For customers who set a password. Failures are throttled per email and address as agents\' are.',
      tags,
      access: access.public,
      before: [limits.address, limits.tenant],
      body: passwordSignInBody,
      success: { status: 200, description: 'Tokens for the new session', schema: portalTokensSchema },
      errors: [401],
      handler: ({ body, req }) => auth.passwordSignIn(body, clientInfo(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/portal/session/refresh',
      operationId: 'refreshPortalSession',
      summary: 'Rotate a portal refresh token',
      tags,
      access: access.public,
      before: [limits.address],
      body: portalRefreshBody,
      success: { status: 200, description: 'New tokens', schema: portalTokensSchema },
      errors: [401],
      handler: ({ body, req }) => auth.refresh(body.refreshToken, clientInfo(req)),
    }),
    defineRoute({
      method: 'get',
      path: '/portal/session',
      operationId: 'getPortalSession',
      summary: 'Who I am on the portal',
      tags,
      access: access.customer,
      success: { status: 200, description: 'The signed-in customer and their agency', schema: portalSessionSchema },
      handler: async ({ req }) => {
        const customer = customerOf(req);
        const [me, tenant] = await Promise.all([profile.profile(customer), Tenant.findById(customer.tenantId).select('name slug').lean()]);
        return { customer: me.customer, tenant: { name: tenant?.name ?? '', slug: tenant?.slug ?? '' }, accountIds: customer.accountIds.map(String) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/portal/session',
      operationId: 'signOutOfPortal',
      summary: 'Sign out of the portal',
      tags,
      access: access.customer,
      success: { status: 204, description: 'Signed out' },
      handler: async ({ req }) => {
        await auth.signOut(customerOf(req));
        return new Reply(204);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/portal/me',
      operationId: 'getPortalProfile',
      summary: 'My contact details',
      tags,
      access: access.customer,
      success: { status: 200, description: 'My profile', schema: portalProfileSchema },
      handler: ({ req }) => profile.profile(customerOf(req)),
    }),
    defineRoute({
      method: 'patch',
      path: '/portal/me',
      operationId: 'updatePortalProfile',
      summary: 'Change my contact details',
      tags,
      access: access.customer,
      body: updatePortalProfileBody,
      success: { status: 200, description: 'My profile', schema: portalProfileSchema },
      errors: [409],
      handler: ({ body, req }) => profile.updateProfile(customerOf(req), body),
    }),
    defineRoute({
      method: 'get',
      path: '/portal/me/preferences',
      operationId: 'getPortalPreferences',
      summary: 'My consent and subscriptions',
      tags,
      access: access.customer,
      success: { status: 200, description: 'My preferences (no entry for a category means subscribed)', schema: portalPreferencesSchema },
      handler: ({ req }) => profile.preferences(customerOf(req)),
    }),
    defineRoute({
      method: 'put',
      path: '/portal/me/preferences',
      operationId: 'updatePortalPreferences',
      summary: 'Change my consent and subscriptions',
      tags,
      access: access.customer,
      body: updatePortalPreferencesBody,
      success: { status: 200, description: 'My preferences', schema: portalPreferencesSchema },
      errors: [409],
      handler: ({ body, req }) => profile.updatePreferences(customerOf(req), body),
    }),
    defineRoute({
      method: 'put',
      path: '/portal/me/password',
      operationId: 'setPortalPassword',
      summary: 'Set or change my portal password',
      description: 'The current password is needed when one is set. Every other session of mine ends.',
      tags,
      access: access.customer,
      body: setPortalPasswordBody,
      success: { status: 204, description: 'Password set' },
      handler: async ({ body, req }) => {
        await auth.setPassword(customerOf(req), body);
        return new Reply(204);
      },
    }),
  ];
}

