import type { RequestHandler } from 'express';
import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, Reply, type RouteSpec } from '../../platform/http/route.js';
import { ifMatchVersion } from '../../platform/records/record-routes.js';
import { clientInfo } from './auth.routes.js';
import { userSchema } from './identity.schema.js';
import {
  acceptedSchema,
  acceptInvitationBody,
  acceptInvitationResponse,
  changePasswordBody,
  inviteBody,
  passwordResetConfirmBody,
  passwordResetRequestBody,
  updateProfileBody,
  updateUserBody,
  userListQuery,
  userListSchema,
} from './users.schema.js';
import type { UsersService } from './users.service.js';

/** The admin directory of users, invitations, and each user's own profile and password. */
export function usersRoutes(users: UsersService, limits: { passwordReset: RequestHandler; invitation: RequestHandler }): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/users',
      operationId: 'listUsers',
      summary: 'List the users of my agency',
      tags: ['Users'],
      access: access.permission('user', 'read'),
      query: userListQuery,
      success: { status: 200, description: 'A page of users, newest first', schema: userListSchema },
      handler: ({ query, req }) => users.list(req.principal!, query),
    }),
    defineRoute({
      method: 'get',
      path: '/users/{id}',
      operationId: 'getUser',
      summary: 'Get a user',
      tags: ['Users'],
      access: access.permission('user', 'read'),
      params: idParams,
      success: { status: 200, description: 'The user', schema: userSchema },
      handler: ({ params, req }) => users.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/users/invitations',
      operationId: 'inviteUser',
      summary: 'Invite someone by email',
      description: 'Creates the user as `invited` and emails a one-time link (valid 7 days) where they set their password. Giving a role other than your own needs `user:assign`; only admins invite admins.',
      tags: ['Users'],
      access: access.permission('user', 'create'),
      body: inviteBody,
      success: { status: 201, description: 'The invited user', schema: userSchema },
      errors: [409],
      handler: ({ body, req }) => users.invite(req.principal!, body, clientInfo(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/users/{id}/invitation',
      operationId: 'resendInvitation',
      summary: 'Send a new invitation email',
      description: 'Earlier invitation links of the user stop working.',
      tags: ['Users'],
      access: access.permission('user', 'create'),
      params: idParams,
      success: { status: 204, description: 'Sent' },
      errors: [409],
      handler: async ({ params, req }) => {
        await users.resendInvitation(req.principal!, params.id, clientInfo(req));
        return new Reply(204);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/users/{id}',
      operationId: 'updateUser',
      summary: "Change a user's role, placement or status",
      description: 'Changing the role needs `user:assign` too. Disabling a user ends their sessions. Nobody changes their own role or status, and the last active admin stays admin. Send `If-Match: "<version>"` (the user\'s ETag) for a conditional update.',
      tags: ['Users'],
      access: access.permission('user', 'update'),
      params: idParams,
      body: updateUserBody,
      success: { status: 200, description: 'The updated user', schema: userSchema },
      errors: [409],
      ifMatch: 'optional',
      handler: ({ params, body, req }) => users.update(req.principal!, params.id, body, clientInfo(req), ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/invitations/accept',
      operationId: 'acceptInvitation',
      summary: 'Accept an invitation: set my password and sign in',
      tags: ['Auth'],
      access: access.public,
      before: [limits.invitation],
      body: acceptInvitationBody,
      success: { status: 200, description: 'Tokens for the new session', schema: acceptInvitationResponse },
      handler: ({ body, req }) => users.acceptInvitation(body, clientInfo(req)),
    }),
    defineRoute({
      method: 'patch',
      path: '/me',
      operationId: 'updateMyProfile',
      summary: 'Update my profile',
      description: 'Name, phone, picture URL, locale, time zone and notification settings (merged with the current ones).',
      tags: ['Auth'],
      access: access.authenticated,
      usersOnly: true,
      body: updateProfileBody,
      success: { status: 200, description: 'My updated user', schema: userSchema },
      handler: ({ body, req }) => users.updateProfile(req.principal!, body, clientInfo(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/me/password',
      operationId: 'changeMyPassword',
      summary: 'Change my password',
      description: 'Needs the current password. Every other session of mine is signed out; this one stays.',
      tags: ['Auth'],
      access: access.authenticated,
      usersOnly: true,
      body: changePasswordBody,
      success: { status: 204, description: 'Changed' },
      handler: async ({ body, req }) => {
        await users.changePassword(req.principal!, body, clientInfo(req));
        return new Reply(204);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/password-reset',
      operationId: 'requestPasswordReset',
      summary: 'Ask for a password reset email',
      description: 'Always answers 202, whether or not the email has an account, and sends the email after answering so the timing tells nothing either. Rate-limited per address and per account.',
      tags: ['Auth'],
      access: access.public,
      before: [limits.passwordReset],
      body: passwordResetRequestBody,
      success: { status: 202, description: 'If the email has an account, a link is on its way', schema: acceptedSchema },
      handler: async ({ body, req }) => {
        const client = clientInfo(req);
        void users.requestPasswordReset(body.email, client).catch((error: unknown) => req.log?.error({ err: error }, 'password reset email failed'));
        return { status: 'accepted', detail: 'If this email has an account, a reset link is on its way; it works once, for 1 hour' };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/password-reset/confirm',
      operationId: 'confirmPasswordReset',
      summary: 'Set a new password with a reset token',
      description: 'The token works once, for 1 hour. Every session of the account is signed out.',
      tags: ['Auth'],
      access: access.public,
      before: [limits.passwordReset],
      body: passwordResetConfirmBody,
      success: { status: 204, description: 'Changed; sign in with the new password' },
      handler: async ({ body, req }) => {
        await users.confirmPasswordReset(body, clientInfo(req));
        return new Reply(204);
      },
    }),
  ];
}
