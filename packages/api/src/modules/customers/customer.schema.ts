import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { contactPointSchema } from '../contacts/contact.schema.js';
import { communicationChannels, invoicingOptions } from './customer.model.js';

const onePrimary = <T extends { primary: boolean }>(items: T[]) => items.filter((i) => i.primary).length <= 1;
const customValues = z.record(z.string().regex(/^[a-z][a-zA-Z0-9_]{0,39}$/), z.unknown()).openapi({ description: 'Custom attributes defined by a sysadmin (see /v1/custom-fields)' });

export const customerAddressSchema = z
  .object({
    line1: z.string().max(200).optional(),
    line2: z.string().max(200).optional(),
    city: z.string().max(100).optional(),
    state: z.string().max(100).optional(),
    country: z.string().max(100).optional(),
    postalCode: z.string().max(20).optional(),
    geo: z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }).nullable().optional(),
  })
  .openapi('CustomerAddress');

const userId = objectId.nullable();

// Group objects are merged into the stored ones on update, so every member is optional there.
const financeShape = {
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR').nullable(),
  priceBookId: objectId.nullable(),
  paymentTerms: z.string().max(100).nullable().openapi({ description: 'e.g. "Net 30"' }),
  paymentTermsDays: z.number().int().min(0).max(365).nullable(),
  creditLimit: z.number().min(0).max(1e12).nullable(),
  invoicingOption: z.enum(invoicingOptions).openapi({ description: '003: automatic per PO, per month, or manual' }),
  autoSendInvoice: z.boolean().openapi({ description: '003: send the invoice automatically once it is created' }),
  invoicingPoint: z.string().max(100).nullable(),
  blacklisted: z.boolean(),
  priceAdjuster: z.number().min(-100).max(1000).nullable().openapi({ description: 'Percentage applied to price book prices' }),
  allowSharingPos: z.boolean(),
  allowNegativeProfit: z.boolean().openapi({ description: '003: PMs may create jobs with negative profit for this account' }),
  paymentBehavior: z.string().max(100).nullable(),
};
const teamShape = {
  accountManagerId: userId,
  mainPmId: userId,
  backupPmIds: z.array(objectId).max(20),
  relationshipManagerId: userId,
  operationsUserIds: z.array(objectId).max(50),
};
const preferencesShape = {
  notifications: z.array(z.object({ category: z.string().trim().min(1).max(50), channel: z.enum(communicationChannels), subscribed: z.boolean() })).max(50),
  channel: z.enum(communicationChannels).nullable().openapi({ description: 'Preferred communication channel' }),
  services: z.array(z.string().trim().min(1).max(100)).max(100),
  satisfactionEmails: z.boolean().openapi({ description: '003: monthly satisfaction email (can be disabled per account)' }),
  language: z
    .string()
    .trim()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as de or en-GB')
    .nullable()
    .openapi({ description: "The language mail to the account is written in (payment reminders), e.g. `de`; null: the agency's default language" }),
};
const partial = <T extends Record<string, z.ZodType>>(shape: T) => z.object(Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v.optional()])) as { [K in keyof T]: z.ZodOptional<T[K]> });

export const customerFinanceInput = partial(financeShape).openapi('CustomerFinanceInput');
export const customerTeamInput = partial(teamShape).openapi('CustomerTeamInput');
export const customerPreferencesInput = partial(preferencesShape).openapi('CustomerPreferencesInput');

const contactRole = z.object({ contactId: objectId, role: z.string().trim().min(1).max(60).openapi({ description: 'e.g. Billing, Decision maker, Technical' }) });
const billingUnit = z.object({
  name: z.string().trim().min(1).max(200),
  code: z.string().trim().max(60).nullable().optional(),
  email: z.email('must be an email address').max(254).nullable().optional(),
  poRequired: z.boolean().default(false),
  address: customerAddressSchema.nullable().optional(),
});

const writable = {
  name: z.string().trim().min(1).max(200).openapi({ description: 'Company name (001: PartyGroupName)' }),
  legalName: z.string().trim().max(200).nullable().optional(),
  logoUrl: z.url().max(2000).nullable().optional(),
  industry: z.string().trim().max(100).nullable().optional(),
  companyType: z.string().trim().max(100).nullable().optional(),
  website: z.url().max(2000).nullable().optional(),
  address: customerAddressSchema.nullable().optional(),
  emails: z.array(contactPointSchema('email')).max(20).refine(onePrimary, 'at most one primary email').optional(),
  phones: z.array(contactPointSchema('phone')).max(20).refine(onePrimary, 'at most one primary phone').optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
  category: z.string().trim().max(60).nullable().optional(),
  rating: z.number().int().min(1).max(5).nullable().optional().openapi({ description: '1 (lowest) to 5' }),
  contacts: z.array(contactRole).max(200).optional().openapi({ description: 'Contacts of the account with their role' }),
  preferences: customerPreferencesInput.optional(),
  billingUnits: z.array(billingUnit).max(50).optional(),
  finance: customerFinanceInput.optional(),
  team: customerTeamInput.optional(),
  portals: z.array(z.object({ kind: z.string().trim().min(1).max(40).openapi({ description: 'e.g. po, files, invoicing' }), url: z.url().max(2000) })).max(20).optional(),
  notes: z.string().max(20_000).nullable().optional(),
  ownerId: objectId.optional().openapi({ description: 'Defaults to you; assigning to someone else needs the assign permission' }),
  teamId: objectId.nullable().optional(),
  productId: objectId.nullable().optional(),
  custom: customValues.optional(),
};

export const createCustomerBody = z
  .object({ ...writable, parentId: objectId.nullable().optional().openapi({ description: 'Parent account; move it later with POST /customers/{id}/move' }) })
  .openapi('CustomerCreate');
export const updateCustomerBody = z
  .object({ ...writable, name: writable.name.optional() })
  .openapi('CustomerUpdate', { description: 'finance, team and preferences are merged into the stored values; arrays are replaced whole' });

export const moveCustomerBody = z.object({ parentId: objectId.nullable().openapi({ description: 'The new parent, or null to make it a root' }) }).openapi('CustomerMove');

const point = z.object({ label: z.string(), value: z.string(), primary: z.boolean() });
export const customerSchema = z
  .object({
    id: objectId,
    name: z.string(),
    legalName: z.string().nullable(),
    logoUrl: z.string().nullable(),
    industry: z.string().nullable(),
    companyType: z.string().nullable(),
    website: z.string().nullable(),
    address: customerAddressSchema.nullable(),
    emails: z.array(point),
    phones: z.array(point),
    tags: z.array(z.string()),
    category: z.string().nullable(),
    rating: z.number().int().nullable(),
    contacts: z.array(z.object({ contactId: objectId, role: z.string() })),
    preferences: z.object(preferencesShape),
    billingUnits: z.array(z.object({ name: z.string(), code: z.string().nullable(), email: z.string().nullable(), poRequired: z.boolean(), address: customerAddressSchema.nullable() })),
    finance: z.object({
      ...financeShape,
      paymentStats: z
        .object({ paidCount: z.number().int(), lateCount: z.number().int(), averageDaysLate: z.number(), maxDaysLate: z.number().int(), openOverdueCount: z.number().int(), computedAt: z.string() })
        .nullable()
        .openapi({ description: 'Payment behaviour over the last 12 months, computed from invoices and payments when an invoice is paid (read-only)' }),
    }),
    team: z.object(teamShape),
    portals: z.array(z.object({ kind: z.string(), url: z.string() })),
    notes: z.string().nullable(),
    parentId: objectId.nullable(),
    ancestorIds: z.array(objectId).openapi({ description: 'Root first' }),
    depth: z.number().int(),
    sourceLeadId: objectId.nullable(),
    status: z.string(),
    statusChangedAt: z.string().nullable(),
    ownerId: objectId.nullable(),
    teamId: objectId.nullable(),
    productId: objectId.nullable(),
    departmentId: objectId.nullable(),
    custom: z.record(z.string(), z.unknown()),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Customer');

export const customerRollupSchema = z
  .object({
    id: objectId,
    childCount: z.number().int(),
    descendantCount: z.number().int().openapi({ description: 'Descendants you may see' }),
    byStatus: z.record(z.string(), z.number().int()),
    creditLimitTotals: z.array(z.object({ currency: z.string().nullable(), creditLimit: z.number(), accounts: z.number().int() })).openapi({
      description: 'Credit limits of the account and its visible descendants, per currency',
    }),
    opportunityTotals: z
      .array(
        z.object({
          currency: z.string(),
          open: z.object({ count: z.number().int(), amount: z.number(), weightedAmount: z.number() }),
          won: z.object({ count: z.number().int(), amount: z.number().openapi({ description: 'Won and partially won' }) }),
          lost: z.object({ count: z.number().int(), amount: z.number() }),
        }),
      )
      .openapi({ description: 'Opportunities of the account and its visible descendants that you may see, per currency: the open pipeline (and its probability-weighted value), won and lost' }),
  })
  .openapi('CustomerRollup');

export const customerDocumentSchema = z
  .object({ id: objectId, customerId: objectId, fileName: z.string(), contentType: z.string(), size: z.number().int(), sha256: z.string(), uploadedBy: objectId.nullable(), createdAt: z.string() })
  .openapi('CustomerDocument');

export const documentUploadQuery = z.object({
  fileName: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .refine((name) => !/[\\/]/.test(name) && ![...name].some((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127), 'must be a plain file name without path separators or control characters')
    .openapi({ description: 'The file name to store (and to offer on download)' }),
});

export const documentParams = z.object({ id: objectId, docId: objectId });
