import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';

const minor = z.number().int().min(0).max(1e13);
const bp = z.number().int().min(0).max(1_000_000).openapi({ description: 'Basis points: 10 000 = ×1' });

export const creditBandSchema = z
  .object({
    maxAverageDaysLate: z.number().min(0).max(3650).openapi({ description: 'Accounts whose average days late (paid invoices, last 12 months) is at most this fall in the band' }),
    multiplierBp: bp,
    capMinor: minor.nullable().default(null).openapi({ description: 'At most this limit in the band (minor units), or null' }),
  })
  .openapi('CreditBand');

export const creditRuleBody = z
  .object({
    enabled: z.boolean().openapi({ description: 'False: only manual limits apply (accounts without one have no limit)' }),
    baseMinor: minor.openapi({ description: 'Every account starts from this (minor units of its currency)' }),
    spendShareBp: bp.openapi({ description: 'Share of the invoiced spend over `windowDays` added to the base' }),
    windowDays: z.number().int().min(1).max(3660),
    bands: z.array(creditBandSchema).max(20),
    lateMultiplierBp: bp.openapi({ description: 'Multiplier for accounts later than every band' }),
    overdueMultiplierBp: bp.openapi({ description: 'Applied on top while the account has an overdue invoice' }),
    floorMinor: minor,
    ceilingMinor: minor.nullable(),
  })
  .openapi('CreditRuleInput');

export const creditRuleSchema = creditRuleBody.extend({ version: z.number().int() }).openapi('CreditRule');

export const creditInputsSchema = z
  .object({
    currency: z.string(),
    spendMinor: z.number().int().openapi({ description: 'Invoiced total over the window, in the account currency' }),
    windowDays: z.number().int(),
    averageDaysLate: z.number(),
    maxDaysLate: z.number().int(),
    paidCount: z.number().int(),
    openOverdueCount: z.number().int(),
    band: z.number().int().nullable().openapi({ description: 'Index of the band (by maxAverageDaysLate) the account fell in; null: later than every band' }),
    baseMinor: z.number().int(),
    spendShareBp: z.number().int(),
    multiplierBp: z.number().int(),
    capMinor: z.number().int().nullable(),
    floorMinor: z.number().int(),
    ceilingMinor: z.number().int().nullable(),
    rawMinor: z.number().int().openapi({ description: 'base + spend × share, before the multiplier, cap, floor and ceiling' }),
  })
  .openapi('CreditInputs');

export const accountCreditSchema = z
  .object({
    accountId: objectId,
    currency: z.string(),
    exponent: z.number().int(),
    source: z.enum(['override', 'calculated', 'none']).openapi({ description: "override: the account's manual creditLimit wins; calculated: the agency's rule; none: no limit" }),
    limitMinor: z.number().int().nullable(),
    exposureMinor: z.number().int().openapi({ description: 'Open invoice balances plus uninvoiced open and held orders' }),
    availableMinor: z.number().int().nullable(),
    calculatedMinor: z.number().int().nullable().openapi({ description: 'What the rule gives, even when an override wins' }),
    inputs: creditInputsSchema.nullable(),
    calculatedAt: z.string().nullable(),
    purchases: z.object({
      productIds: z.array(objectId),
      lastOrderAt: z.string().nullable(),
      orderCount: z.number().int(),
      revenue: z.array(z.object({ month: z.string(), currency: z.string(), amount: z.number().int() })),
    }),
  })
  .openapi('AccountCredit');

export const creditRunSchema = z.object({ accounts: z.number().int() }).openapi('CreditRecalculation');
