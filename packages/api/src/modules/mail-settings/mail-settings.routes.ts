import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { z } from '../../platform/http/zod.js';
import type { MailSettingsService } from './mail-settings.service.js';

const settingsBody = z
  .object({
    host: z.string().trim().min(1).max(253),
    port: z.number().int().min(1).max(65535),
    secure: z.boolean().default(false).openapi({ description: 'TLS from the first byte (port 465); otherwise STARTTLS when offered' }),
    username: z.string().max(320).nullable().optional(),
    password: z.string().max(1000).nullable().optional().openapi({ description: 'Write-only: stored encrypted, never returned. Omit to keep the stored one; null removes it.' }),
    fromName: z.string().max(200).nullable().optional(),
    fromEmail: z.email(),
  })
  .openapi('MailSettingsInput');
const settingsSchema = z
  .object({
    scope: z.enum(['tenant', 'user']),
    host: z.string(),
    port: z.number().int(),
    secure: z.boolean(),
    username: z.string().nullable(),
    hasPassword: z.boolean(),
    fromName: z.string().nullable(),
    fromEmail: z.string(),
    updatedAt: z.string(),
  })
  .openapi('MailSettings');

/** The agency's SMTP account (admins) and each user's own mailbox (002); passwords are write-only. */
export function mailSettingsRoutes(service: MailSettingsService): RouteSpec[] {
  const tags = ['Mail settings'];
  return [
    defineRoute({
      method: 'get', path: '/mail-settings', operationId: 'getAgencyMailSettings', summary: "Get the agency's SMTP account", tags,
      access: access.permission('tenant', 'update'),
      success: { status: 200, description: 'The account (no password)', schema: settingsSchema },
      errors: [404],
      handler: ({ req }) => service.getTenant(req.principal!),
    }),
    defineRoute({
      method: 'put', path: '/mail-settings', operationId: 'putAgencyMailSettings', summary: "Set the agency's SMTP account", tags,
      access: access.permission('tenant', 'update'), body: settingsBody,
      success: { status: 200, description: 'The account (no password)', schema: settingsSchema },
      handler: ({ body, req }) => service.putTenant(req.principal!, body),
    }),
    defineRoute({
      method: 'delete', path: '/mail-settings', operationId: 'deleteAgencyMailSettings', summary: "Remove the agency's SMTP account", tags,
      access: access.permission('tenant', 'update'),
      success: { status: 204, description: 'Removed' },
      errors: [404],
      handler: ({ req }) => service.deleteTenant(req.principal!),
    }),
    defineRoute({
      method: 'get', path: '/me/mail-settings', operationId: 'getMyMailSettings', summary: 'Get my own mailbox (SMTP)', tags,
      access: access.authenticated, usersOnly: true,
      success: { status: 200, description: 'The account (no password)', schema: settingsSchema },
      errors: [404],
      handler: ({ req }) => service.getMine(req.principal!),
    }),
    defineRoute({
      method: 'put', path: '/me/mail-settings', operationId: 'putMyMailSettings', summary: 'Set my own mailbox (SMTP); my sends go out through it', tags,
      access: access.authenticated, usersOnly: true, body: settingsBody,
      success: { status: 200, description: 'The account (no password)', schema: settingsSchema },
      handler: ({ body, req }) => service.putMine(req.principal!, body),
    }),
    defineRoute({
      method: 'delete', path: '/me/mail-settings', operationId: 'deleteMyMailSettings', summary: 'Remove my own mailbox', tags,
      access: access.authenticated, usersOnly: true,
      success: { status: 204, description: 'Removed' },
      errors: [404],
      handler: ({ req }) => service.deleteMine(req.principal!),
    }),
  ];
}
