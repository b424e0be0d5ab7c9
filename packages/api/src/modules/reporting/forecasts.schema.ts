import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';

const year = z.coerce.number().int().min(2000).max(2100).openapi({ description: 'The calendar year (2000–2100)', example: 2027 });
const months = z
  .array(z.number().int('must be a whole number of minor units (cents)').min(0, 'must not be negative').max(1e13))
  .length(12, 'must have exactly 12 monthly amounts, January first')
  .openapi({ description: 'Twelve monthly amounts, January first, in minor units (cents) of the agency’s currency' });
const pillarMonths = z
  .object({ new: months, accountManagement: months, upsell: months })
  .strict()
  .openapi('ForecastPillarMonths', { description: '`new`: new customers; `accountManagement`: current customers; `upsell`: current customers adding product lines' });

export const putForecastBody = z
  .object({
    year,
    ownerId: objectId.openapi({ description: 'The account manager whose forecast this is' }),
    accountId: objectId.nullable().optional().openapi({ description: 'The account this part of their forecast is for; left out or null, the part not tied to an account' }),
    months: pillarMonths,
  })
  .openapi('PutForecast');

export const forecastSchema = z
  .object({
    id: z.string(),
    year: z.number().int(),
    ownerId: z.string(),
    accountId: z.string().nullable(),
    months: pillarMonths,
    updatedBy: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Forecast');

export const forecastListQuery = z
  .object({ year: year.optional(), ownerId: objectId.optional(), accountId: objectId.optional() })
  .openapi('ForecastListQuery');

export const annualForecastQuery = z
  .object({
    year,
    ownerId: objectId.optional().openapi({ description: 'One account manager' }),
    teamId: objectId.optional().openapi({ description: 'One team: the forecasts of its members and lead, its won deals' }),
    accountId: objectId.optional().openapi({ description: 'One account with its descendants (branches, product lines)' }),
  })
  .openapi('AnnualForecastQuery');

const series = z
  .object({
    plan: z.array(z.number().int()).openapi({ description: 'The forecast per month, January first (minor units)' }),
    actual: z.array(z.number().int()).openapi({ description: 'Won deals per month, January first (minor units)' }),
    planTotal: z.number().int(),
    actualTotal: z.number().int(),
    attainment: z.number().nullable().openapi({ description: 'actualTotal ÷ planTotal (1 is on plan); null without a plan' }),
  })
  .openapi('ForecastSeries');

export const annualForecastSchema = z
  .object({
    year: z.number().int(),
    currency: z.string().openapi({ description: 'The agency’s currency (ISO 4217); every amount is in its minor units' }),
    scope: z.object({ kind: z.enum(['agency', 'owner', 'team', 'account']), id: z.string().nullable() }).openapi({ description: 'What was summed: `agency` is everyone the caller may see' }),
    entries: z.number().int().openapi({ description: 'How many forecast entries were summed' }),
    editable: z.boolean().openapi({ description: 'For an owner: whether the caller may enter their forecast' }),
    pillars: z.object({ new: series, accountManagement: series, upsell: series }),
    total: series,
  })
  .openapi('AnnualForecast');
