import { objectId, pageQuery } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { segmentResources, segmentSharing } from './segment.model.js';

const filters = z
  .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,60}(\.[A-Za-z][A-Za-z0-9_]{0,40})?$/, 'must be a list filter name'), z.string().max(2600))
  .refine((map) => Object.keys(map).length <= 30, 'at most 30 filters')
  .openapi({ description: "The resource's list query parameters, e.g. { \"industry\": \"Fintech\", \"country\": \"Sweden\", \"tag\": \"vip\", \"q\": \"nordic\", \"custom.tier\": \"gold\" }" });

export const segmentPurchaseSchema = z
  .object({
    products: z.object({ mode: z.enum(['any', 'all']), ids: z.array(objectId).min(1).max(50).openapi({ description: 'Price-book service ids' }) }).optional(),
    revenue: z
      .object({ op: z.enum(['gte', 'lte']), amount: z.number().int().min(0).openapi({ description: 'Minor units' }), currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'), months: z.number().int().min(1).max(24).openapi({ description: 'The last N calendar months, this one included' }) })
      .optional(),
    lastOrder: z
      .object({ op: z.enum(['before', 'after', 'within']), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-01-31').optional().openapi({ description: 'For before/after' }), days: z.number().int().min(1).max(3650).optional().openapi({ description: 'For within' }) })
      .optional(),
  })
  .openapi('SegmentPurchase', { description: 'Purchase-history conditions (customer segments only); an account must meet all that are given. Read from purchase summaries kept by order writes and the nightly credit run.' });

export const createSegmentBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).nullable().optional(),
    resource: z.enum(segmentResources),
    filters: filters.default({}),
    purchase: segmentPurchaseSchema.nullable().optional(),
    sharing: z.enum(segmentSharing).default('private').openapi({ description: 'private: only you; team: your team (teamId); agency: everyone who may see segments' }),
    teamId: objectId.nullable().optional().openapi({ description: 'Required when sharing with a team; one of your teams' }),
  })
  .openapi('SegmentCreate');

export const updateSegmentBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    description: z.string().max(2000).nullable().optional(),
    filters: filters.optional(),
    purchase: segmentPurchaseSchema.nullable().optional(),
    sharing: z.enum(segmentSharing).optional(),
    teamId: objectId.nullable().optional(),
  })
  .openapi('SegmentUpdate');

export const segmentListQuery = pageQuery.extend({ resource: z.enum(segmentResources).optional(), mine: z.enum(['true', 'false']).optional() });

export const segmentMembersQuery = pageQuery.extend({
  sort: z.string().max(60).optional(),
  fields: z.string().max(500).optional(),
});

export const segmentSchema = z
  .object({
    id: objectId,
    name: z.string(),
    description: z.string().nullable(),
    resource: z.enum(segmentResources),
    filters: z.record(z.string(), z.string()),
    purchase: segmentPurchaseSchema.nullable(),
    sharing: z.enum(segmentSharing),
    teamId: objectId.nullable(),
    ownerId: objectId,
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Segment');

export const segmentCountSchema = z
  .object({
    id: objectId,
    resource: z.enum(segmentResources),
    count: z.number().int().openapi({ description: 'The members the caller may see: exact unless `capped`.' }),
    capped: z.boolean().openapi({
      description:
        'False: `count` is exact (served from counters kept with every write when the filters are only status/stage and owner and the caller sees the whole agency or owners\' records; otherwise counted). True: at least `count` members match; the count stopped there (at 10,000, or earlier where the bounded read of list rows ended) rather than read every record.',
    }),
  })
  .openapi('SegmentCount');
