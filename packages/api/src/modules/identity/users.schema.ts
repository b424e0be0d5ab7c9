import { listOf, objectId, pageQuery } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { email, password, sessionTokensSchema, userSchema } from './identity.schema.js';

const timeZone = z
  .string()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Europe/Lisbon')
  .openapi({ example: 'Europe/Lisbon' });

const locale = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en or pt-PT').openapi({ example: 'en' });

export const userListQuery = pageQuery
  .extend({
    status: z.enum(['invited', 'active', 'disabled']).optional(),
    roleId: objectId.optional(),
    departmentId: objectId.optional(),
  })
  .openapi('UserListQuery');

export const userListSchema = listOf(userSchema, 'UserList');

export const inviteBody = z
  .object({
    email,
    name: z.string().trim().min(1).max(200),
    roleId: objectId,
    departmentId: objectId.nullable().optional(),
  })
  .openapi('InviteUserRequest');

export const acceptInvitationBody = z
  .object({
    token: z.string().min(20).max(200),
    name: z.string().trim().min(1).max(200).optional(),
    password,
  })
  .openapi('AcceptInvitationRequest');

export const acceptInvitationResponse = sessionTokensSchema.openapi('AcceptInvitationResponse');

export const updateUserBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    roleId: objectId.optional().openapi({ description: 'Needs user:assign besides user:update' }),
    departmentId: objectId.nullable().optional(),
    unitId: objectId.nullable().optional(),
    designationId: objectId.nullable().optional(),
    managerId: objectId.nullable().optional(),
    status: z.enum(['active', 'disabled']).optional().openapi({ description: 'Disabling a user ends all their sessions' }),
  })
  .openapi('UpdateUserRequest');

export const notificationSettingsSchema = z
  .object({
    email: z.boolean().optional(),
    inApp: z.boolean().optional(),
    push: z.boolean().optional(),
    digest: z.enum(['off', 'daily', 'weekly']).optional(),
  })
  .openapi('NotificationSettings');

export const updateProfileBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    phone: z.string().trim().max(50).regex(/^[0-9+()\-. ]*$/, 'may hold digits, spaces and + ( ) - . only').nullable().optional(),
    pictureUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000).nullable().optional(),
    locale: locale.optional(),
    timeZone: timeZone.optional(),
    notificationSettings: notificationSettingsSchema.optional(),
  })
  .openapi('UpdateProfileRequest');

export const changePasswordBody = z
  .object({ currentPassword: z.string().min(1).max(200), newPassword: password })
  .openapi('ChangePasswordRequest');

export const passwordResetRequestBody = z.object({ email }).openapi('PasswordResetRequest');

export const passwordResetConfirmBody = z
  .object({ token: z.string().min(20).max(200), password })
  .openapi('PasswordResetConfirmRequest');

export const acceptedSchema = z.object({ status: z.literal('accepted'), detail: z.string() }).openapi('Accepted');
