import { listOf, objectId, pageQuery } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { healthFlags } from './account-health.model.js';

const monday = z.iso.date().openapi({ description: 'The Monday (UTC) a week starts on, YYYY-MM-DD' });

export const accountSnapshotSchema = z
  .object({
    id: objectId,
    accountId: objectId,
    week: z.string(),
    activities: z.number().int().openapi({ description: 'Activities (calls, emails, meetings, notes) logged on the account that week' }),
    orders: z.number().int(),
    tickets: z.number().int(),
    trailingActivities: z.number().nullable().openapi({ description: 'Mean weekly activities of the snapshots before (up to 4 weeks); null without history' }),
    trailingWeeks: z.number().int(),
    lateInvoices: z.number().int().openapi({ description: 'Open invoices past their due date at the end of the week' }),
    lateAmount: z.number(),
    flags: z.array(z.enum(healthFlags)),
    accountManagerId: objectId.nullable().openapi({ description: 'Who was told (set on flagged snapshots)' }),
    createdAt: z.string(),
  })
  .openapi('AccountSnapshot');

export const accountSnapshotListSchema = listOf(accountSnapshotSchema, 'AccountSnapshotList');
export const weekQuery = pageQuery.extend({
  week: monday.optional().openapi({ description: 'Default: last week' }),
  flagged: z.enum(['true', 'false']).transform((v) => v === 'true').optional().openapi({ description: 'Only snapshots with a flag' }),
});
export const runBody = z.object({ week: monday.optional().openapi({ description: 'Default: last week' }) }).openapi('AccountHealthRunInput');
export const runResultSchema = z
  .object({ week: z.string(), tenants: z.number().int(), accounts: z.number().int(), written: z.number().int().openapi({ description: 'Snapshots written by this run (0 when the week was already done)' }), flagged: z.number().int(), notified: z.number().int().openapi({ description: 'Notifications sent by this run; a second run of a week sends none' }) })
  .openapi('AccountHealthRun');
export const historyQuery = z.object({ limit: z.coerce.number().int().min(1).max(104).default(12) });
