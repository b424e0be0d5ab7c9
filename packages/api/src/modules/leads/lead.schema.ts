import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { contactPointSchema, postalAddressSchema } from '../contacts/contact.schema.js';
import { companySizes, leadKinds, leadQualities } from './lead.model.js';

const onePrimary = <T extends { primary: boolean }>(items: T[]) => items.filter((i) => i.primary).length <= 1;
const customValues = z.record(z.string().regex(/^[a-z][a-zA-Z0-9_]{0,39}$/), z.unknown()).openapi({ description: 'Custom attributes defined by a sysadmin (see /v1/custom-fields)' });
const leadAddress = postalAddressSchema.omit({ geo: true });

const writable = {
  kind: z.enum(leadKinds).openapi({ description: 'A company (needs companyName) or an individual (needs firstName and lastName)' }),
  firstName: z.string().trim().min(1).max(100).nullable().optional(),
  middleName: z.string().trim().max(100).nullable().optional(),
  lastName: z.string().trim().min(1).max(100).nullable().optional(),
  jobTitle: z.string().trim().max(150).nullable().optional(),
  companyName: z.string().trim().min(1).max(200).nullable().optional().openapi({ description: '001: Party Group Name' }),
  industry: z.string().trim().max(100).nullable().optional(),
  employees: z.number().int().min(0).max(10_000_000).nullable().optional().openapi({ description: "Number of employees of the lead's company" }),
  companySize: z.enum(companySizes).nullable().optional().openapi({ description: 'Company size class' }),
  website: z.url().max(2000).nullable().optional(),
  emails: z.array(contactPointSchema('email')).max(20).refine(onePrimary, 'at most one primary email').optional(),
  phones: z.array(contactPointSchema('phone')).max(20).refine(onePrimary, 'at most one primary phone').optional(),
  addresses: z.array(leadAddress).max(10).refine(onePrimary, 'at most one primary address').optional(),
  source: z.string().trim().max(100).nullable().optional().openapi({ description: 'Lead source: campaign, trade show, direct mail, referral, linkedin…' }),
  contactList: z.string().trim().max(200).nullable().optional().openapi({ description: '001: the contact list (targeted group) the lead came with' }),
  services: z.array(z.string().trim().min(1).max(100)).max(100).optional().openapi({ description: 'Scope of work: the services the lead is interested in' }),
  customerId: objectId.nullable().optional().openapi({ description: 'An existing customer the lead belongs to; conversion then attaches to it' }),
  campaignId: objectId.nullable().optional(),
  quality: z.enum(leadQualities).optional(),
  participation: z.string().trim().max(40).nullable().optional().openapi({ description: "002: the lead's part in the product, one of the agency's participation types (GET /v1/lead-settings)" }),
  tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
  notes: z.string().max(20_000).nullable().optional(),
  ownerId: objectId.optional().openapi({ description: 'The sales person; defaults to you (assigning someone else needs the assign permission)' }),
  teamId: objectId.nullable().optional(),
  productId: objectId.nullable().optional().openapi({ description: 'Required for department users (002)' }),
  custom: customValues.optional(),
};

export const createLeadBody = z
  .object({ ...writable, kind: writable.kind.default('individual') })
  .superRefine((lead, ctx) => {
    if (lead.kind === 'company' && !lead.companyName) ctx.addIssue({ code: 'custom', path: ['companyName'], message: 'is required for a company lead' });
    if (lead.kind === 'individual') {
      if (!lead.firstName) ctx.addIssue({ code: 'custom', path: ['firstName'], message: 'is required for an individual lead' });
      if (!lead.lastName) ctx.addIssue({ code: 'custom', path: ['lastName'], message: 'is required for an individual lead' });
    }
  })
  .openapi('LeadCreate');
export const updateLeadBody = z.object({ ...writable, kind: writable.kind.optional() }).openapi('LeadUpdate');

export const convertLeadBody = z
  .object({
    customerId: objectId.nullable().optional().openapi({ description: "Attach to this existing customer instead of creating one (defaults to the lead's customerId)" }),
    customerName: z.string().trim().min(1).max(200).optional().openapi({ description: 'Name of the new customer; defaults to the company name, else the person' }),
    contactRole: z.string().trim().min(1).max(60).default('Primary').openapi({ description: "The new contact's role on the customer" }),
    opportunity: z
      .union([
        z.literal(false),
        z.object({
          name: z.string().trim().min(1).max(200).optional(),
          amount: z.number().min(0).max(1e12).optional(),
          currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR').optional(),
          expectedCloseDate: z.iso.date().or(z.iso.datetime({ offset: true })).optional(),
          pipelineId: objectId.optional(),
        }),
      ])
      .optional()
      .openapi({ description: 'The opportunity to open (defaults apply); false to open none' }),
  })
  .openapi('LeadConvert');

const point = z.object({ label: z.string(), value: z.string(), primary: z.boolean() });
export const leadSchema = z
  .object({
    id: objectId,
    kind: z.enum(leadKinds),
    firstName: z.string().nullable(),
    middleName: z.string().nullable(),
    lastName: z.string().nullable(),
    fullName: z.string(),
    jobTitle: z.string().nullable(),
    companyName: z.string().nullable(),
    industry: z.string().nullable(),
    employees: z.number().int().nullable(),
    companySize: z.enum(companySizes).nullable(),
    website: z.string().nullable(),
    emails: z.array(point),
    phones: z.array(point),
    addresses: z.array(leadAddress),
    source: z.string().nullable(),
    contactList: z.string().nullable(),
    services: z.array(z.string()),
    customerId: objectId.nullable(),
    campaignId: objectId.nullable(),
    quality: z.enum(leadQualities),
    participation: z.string().nullable(),
    tags: z.array(z.string()),
    notes: z.string().nullable(),
    status: z.string(),
    statusChangedAt: z.string().nullable(),
    conversion: z
      .object({ customerId: objectId, contactId: objectId, opportunityId: objectId.nullable(), startedAt: z.string(), completedAt: z.string().nullable(), byUserId: objectId })
      .nullable()
      .openapi({ description: 'Set once conversion starts; completedAt once it has finished' }),
    ownerId: objectId.nullable(),
    teamId: objectId.nullable(),
    productId: objectId.nullable(),
    departmentId: objectId.nullable(),
    custom: z.record(z.string(), z.unknown()),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Lead');

export const leadConversionSchema = z
  .object({
    lead: leadSchema,
    customerId: objectId,
    contactId: objectId,
    opportunityId: objectId.nullable(),
    customerCreated: z.boolean().openapi({ description: 'False when the lead was attached to an existing customer' }),
  })
  .openapi('LeadConversion');

export const leadSettingsSchema = z
  .object({ participationTypes: z.array(z.string()), version: z.number().int() })
  .openapi('LeadSettings');
export const updateLeadSettingsBody = z
  .object({
    participationTypes: z
      .array(z.string().trim().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'must be a lower-case key such as speaker'))
      .min(1)
      .max(50)
      .refine((list) => new Set(list).size === list.length, 'must not repeat a type'),
  })
  .openapi('LeadSettingsUpdate');
