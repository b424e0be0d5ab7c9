import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';

export const email = z.email('must be an email address').max(254).transform((v) => v.trim());
export const password = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(200, 'must be at most 200 characters')
  .openapi({ format: 'password' });

export const addressSchema = z
  .object({
    line1: z.string().max(200).optional(),
    line2: z.string().max(200).optional(),
    city: z.string().max(100).optional(),
    state: z.string().max(100).optional(),
    country: z.string().max(100).optional(),
    postalCode: z.string().max(20).optional(),
  })
  .openapi('Address');

export const registerBody = z
  .object({
    agency: z.object({
      name: z.string().trim().min(2).max(200),
      type: z.string().trim().max(100).optional(),
      address: addressSchema.optional(),
      timeZone: z.string().max(64).optional(),
    }),
    admin: z.object({
      name: z.string().trim().min(1).max(200),
      email,
      password,
    }),
  })
  .openapi('RegisterRequest');

export const registerConfirmBody = z.object({ token: z.string().min(20).max(200) }).openapi('RegisterConfirmRequest');

export const loginBody = z.object({ email, password: z.string().min(1).max(200) }).openapi('LoginRequest');
export const refreshBody = z.object({ refreshToken: z.string().min(20).max(200) }).openapi('RefreshRequest');

export const tenantSchema = z
  .object({
    id: objectId,
    name: z.string(),
    slug: z.string(),
    type: z.string().nullable(),
    address: addressSchema.nullable(),
    settings: z.object({ timeZone: z.string(), locale: z.string(), currency: z.string(), auditRetentionMonths: z.number(), importDailyRowCap: z.number().int().nullable().openapi({ description: "The agency's own daily import row cap (0: none); null: the server's default" }) }),
    createdAt: z.string(),
  })
  .openapi('Tenant');

export const userSchema = z
  .object({
    id: objectId,
    tenantId: objectId,
    email: z.string(),
    name: z.string(),
    phone: z.string().nullable(),
    pictureUrl: z.string().nullable(),
    locale: z.string(),
    timeZone: z.string(),
    roleId: objectId,
    roleKey: z.string().optional(),
    departmentId: objectId.nullable(),
    status: z.enum(['invited', 'active', 'disabled']),
    notificationSettings: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    version: z.number().int(),
  })
  .openapi('User');

export const sessionTokensSchema = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().openapi({ description: 'Seconds until the access token expires' }),
    user: userSchema,
  })
  .openapi('SessionTokens');

export const registerResponse = sessionTokensSchema.extend({ tenant: tenantSchema }).openapi('RegisterResponse');

export const sessionSchema = z
  .object({
    id: objectId,
    userAgent: z.string(),
    ip: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string(),
    current: z.boolean(),
  })
  .openapi('Session');
