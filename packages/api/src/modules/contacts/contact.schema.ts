import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';

const label = z.string().trim().min(1).max(30).default('work');

export const contactPointSchema = (kind: 'email' | 'phone') =>
  z.object({
    label,
    value: kind === 'email' ? z.email('must be an email address').max(254) : z.string().trim().regex(/^[+()\d\s.-]{4,30}$/, 'must be a phone number'),
    primary: z.boolean().default(false),
  });

export const postalAddressSchema = z
  .object({
    label,
    line1: z.string().max(200).optional(),
    line2: z.string().max(200).optional(),
    city: z.string().max(100).optional(),
    state: z.string().max(100).optional(),
    country: z.string().max(100).optional(),
    postalCode: z.string().max(20).optional(),
    geo: z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }).nullable().optional(),
    primary: z.boolean().default(false),
  })
  .openapi('PostalAddress');

export const companySchema = z
  .object({
    name: z.string().trim().max(200).optional(),
    logoUrl: z.url().max(2000).optional(),
    industry: z.string().max(100).optional(),
    type: z.string().max(100).optional(),
    website: z.url().max(2000).optional(),
    address: postalAddressSchema.omit({ label: true, primary: true }).optional(),
  })
  .openapi('Company');

const onePrimary = <T extends { primary: boolean }>(items: T[]) => items.filter((i) => i.primary).length <= 1;
const customValues = z.record(z.string().regex(/^[a-z][a-zA-Z0-9_]{0,39}$/), z.unknown()).openapi({ description: 'Custom attributes defined by a sysadmin (see /v1/custom-fields)' });

const writable = {
  firstName: z.string().trim().min(1).max(100),
  middleName: z.string().trim().max(100).nullable().optional(),
  lastName: z.string().trim().min(1).max(100),
  jobTitle: z.string().trim().max(150).nullable().optional().openapi({ description: 'Designation' }),
  language: z
    .string()
    .trim()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as de or en-GB')
    .nullable()
    .optional()
    .openapi({ description: "The language mail to this person is written in, e.g. `de`: an account's invoice mail and payment reminders use it when this contact is the account's billing contact (role Billing); null: not set" }),
  pictureUrl: z.url().max(2000).nullable().optional(),
  emails: z.array(contactPointSchema('email')).max(20).refine(onePrimary, 'at most one primary email').optional(),
  phones: z.array(contactPointSchema('phone')).max(20).refine(onePrimary, 'at most one primary phone').optional(),
  addresses: z.array(postalAddressSchema).max(10).refine(onePrimary, 'at most one primary address').optional(),
  company: companySchema.nullable().optional(),
  customerId: objectId.nullable().optional(),
  leadSource: z.string().max(100).nullable().optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
  notes: z.string().max(20_000).nullable().optional(),
  consent: z.object({ marketing: z.boolean(), source: z.string().max(100).optional() }).nullable().optional(),
  subscriptions: z.array(z.object({ category: z.string().max(50), channel: z.enum(['email', 'sms', 'phone', 'inApp']), subscribed: z.boolean() })).max(50).optional(),
  ownerId: objectId.optional().openapi({ description: 'Defaults to you; assigning to someone else needs the assign permission' }),
  teamId: objectId.nullable().optional(),
  productId: objectId.nullable().optional().openapi({ description: 'Required for department users (002)' }),
  custom: customValues.optional(),
};

export const createContactBody = z.object(writable).openapi('ContactCreate');
export const updateContactBody = z
  .object({ ...writable, firstName: writable.firstName.optional(), lastName: writable.lastName.optional() })
  .openapi('ContactUpdate');

export const contactSchema = z
  .object({
    id: objectId,
    firstName: z.string(),
    middleName: z.string().nullable(),
    lastName: z.string(),
    fullName: z.string(),
    jobTitle: z.string().nullable(),
    language: z.string().nullable(),
    pictureUrl: z.string().nullable(),
    emails: z.array(z.object({ label: z.string(), value: z.string(), primary: z.boolean() })),
    phones: z.array(z.object({ label: z.string(), value: z.string(), primary: z.boolean() })),
    addresses: z.array(postalAddressSchema),
    company: companySchema.nullable(),
    customerId: objectId.nullable(),
    leadSource: z.string().nullable(),
    tags: z.array(z.string()),
    notes: z.string().nullable(),
    consent: z.object({ marketing: z.boolean(), source: z.string().optional(), at: z.string().optional() }).nullable(),
    subscriptions: z.array(z.object({ category: z.string(), channel: z.string(), subscribed: z.boolean() })),
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
  .openapi('Contact');
