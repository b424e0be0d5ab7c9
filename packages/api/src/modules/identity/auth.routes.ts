import type { Request } from 'express';
import { access, defineRoute, Reply, type RouteSpec } from '../../platform/http/route.js';
import type { RequestHandler } from 'express';
import { z } from '../../platform/http/zod.js';
import { AppError } from '../../platform/errors.js';
import { objectId } from '../../platform/http/common.schema.js';
import type { AuthService, ClientInfo } from './auth.service.js';
import { toSessionDto } from './dto.js';
import { loginBody, refreshBody, registerBody, registerConfirmBody, registerResponse, sessionSchema, sessionTokensSchema } from './identity.schema.js';
import { acceptedSchema } from './users.schema.js';

/** Where a request came from, for sessions and the audit trail. */
export function clientInfo(req: Request): ClientInfo {
  return { ip: req.ip ?? '', userAgent: String(req.headers['user-agent'] ?? '').slice(0, 500) };
}

/** Sign-up, sign-in, token refresh, sign-out and the caller's own sessions. */
export function authRoutes(auth: AuthService, limits: { signup: RequestHandler; login: RequestHandler }): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/auth/register',
      operationId: 'register',
      summary: 'Sign up: ask for the link that creates an agency and its first admin',
      description:
        'Always answers 202 with the same body, after the same work, whether or not the email has an account, so the answer tells nobody which emails are registered. The email then says what to do: an email without an account gets a link (it works once, for 24 hours) to `<APP_URL>/confirm-registration?token=…`, whose token `POST /v1/auth/register/confirm` takes to create the agency and sign its admin in; an email with an account is told so and offered sign-in and password reset, and no second account is made. Rate-limited per address.',
      tags: ['Auth'],
      access: access.public,
      before: [limits.signup],
      body: registerBody,
      success: { status: 202, description: 'A link or a notice is on its way to the email', schema: acceptedSchema },
      handler: async ({ body, req }) => {
        const { mailed } = await auth.requestRegistration(body, clientInfo(req));
        mailed.catch((error: unknown) => req.log?.error({ err: error }, 'registration email failed'));
        return { status: 'accepted' as const, detail: 'Check your inbox: the link to finish signing up is on its way; it works once, for 24 hours' };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/register/confirm',
      operationId: 'confirmRegistration',
      summary: 'Finish signing up with the emailed link',
      description:
        'Creates the agency (tenant) with its departments and built-in roles, creates the admin user with the password given at sign-up, and signs them in. The token works once, for 24 hours; two confirms of one link create one agency, and the other is refused (`token` `used`). Rate-limited per address.',
      tags: ['Auth'],
      access: access.public,
      before: [limits.signup],
      body: registerConfirmBody,
      success: { status: 201, description: 'The agency, its admin and their tokens', schema: registerResponse },
      handler: ({ body, req }) => auth.confirmRegistration(body.token, clientInfo(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/login',
      operationId: 'login',
      summary: 'Sign in with email and password',
      description: 'Answers the same error for an unknown email and a wrong password. Past three failures for one email from one address, that address waits before its next try (1 s, then twice as long after each failure, up to 15 minutes; 429 with Retry-After), and an address is capped in failures per hour across emails; the right password from another address still signs in. After five failures in an hour the account owner is emailed (once an hour). See docs/limits.md.',
      tags: ['Auth'],
      access: access.public,
      before: [limits.login],
      body: loginBody,
      success: { status: 200, description: 'Tokens for the new session', schema: sessionTokensSchema },
      errors: [401],
      handler: ({ body, req }) => auth.login(body, clientInfo(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/refresh',
      operationId: 'refreshSession',
      summary: 'Rotate a refresh token',
      description: 'Returns a new access token and a new refresh token; the old refresh token stops working. Presenting a used refresh token revokes the whole session.',
      tags: ['Auth'],
      access: access.public,
      before: [limits.login],
      body: refreshBody,
      success: { status: 200, description: 'New tokens', schema: sessionTokensSchema },
      errors: [401],
      handler: ({ body, req }) => auth.refresh(body.refreshToken, clientInfo(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout',
      operationId: 'logout',
      summary: 'Sign out of the current session',
      tags: ['Auth'],
      access: access.authenticated,
      usersOnly: true,
      success: { status: 204, description: 'Signed out' },
      handler: async ({ req }) => {
        const p = req.principal!;
        if (!p.sessionId) throw new AppError('forbidden', 'Secret keys have no session; revoke the key instead');
        await auth.revokeSession(p.tenantId, p.userId, p.sessionId);
        return new Reply(204);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/auth/sessions',
      operationId: 'listSessions',
      summary: 'List my active sessions',
      tags: ['Auth'],
      access: access.authenticated,
      usersOnly: true,
      success: { status: 200, description: 'My sessions, most recently used first', schema: z.object({ object: z.literal('list'), data: z.array(sessionSchema), hasMore: z.boolean(), nextCursor: z.string().nullable() }) },
      handler: async ({ req }) => {
        const p = req.principal!;
        const sessions = await auth.listSessions(p.tenantId, p.userId);
        return { object: 'list', data: sessions.map((s) => toSessionDto(s, p.sessionId)), hasMore: false, nextCursor: null };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/auth/sessions/{id}',
      operationId: 'revokeSession',
      summary: 'Revoke one of my sessions',
      tags: ['Auth'],
      access: access.authenticated,
      usersOnly: true,
      params: z.object({ id: objectId }),
      success: { status: 204, description: 'Revoked' },
      handler: async ({ params, req }) => {
        const p = req.principal!;
        await auth.revokeSession(p.tenantId, p.userId, params.id, 'revoked by user');
        return new Reply(204);
      },
    }),
  ];
}
