import { z } from '../../platform/http/zod.js';
import { addressSchema } from './identity.schema.js';

export const updateTenantBody = z
  .object({
    name: z.string().trim().min(2).max(200).optional(),
    type: z.string().trim().max(100).nullable().optional(),
    address: addressSchema.nullable().optional(),
    timeZone: z
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
      .optional(),
    locale: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en or pt-PT').optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR').optional(),
    auditRetentionMonths: z.number().int().min(1).max(120).optional().openapi({ description: 'Audit entries older than this are pruned (default 24)' }),
    importDailyRowCap: z.number().int().min(0).max(1_000_000_000).nullable().optional().openapi({ description: "Rows the agency's import runs may handle per day (the agency's day, in its time zone); 0: no cap; null: the server's default (IMPORT_DAILY_ROW_CAP)" }),
  })
  .openapi('UpdateTenantRequest');

export type UpdateTenantInput = z.output<typeof updateTenantBody>;
