import { listOf, objectId, pageQuery } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { registrationRoles, salesEventStatuses } from './sales-event.model.js';

const when = z.iso.datetime({ offset: true });
const money = z.number().min(0).max(1_000_000_000);

const venueSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    address: z.string().trim().max(500).nullable().optional(),
    city: z.string().trim().max(100).nullable().optional(),
    country: z.string().trim().max(100).nullable().optional(),
  })
  .openapi('SalesEventVenue');

const sessionInput = z
  .object({
    id: objectId.optional().openapi({ description: 'Keep an existing session (its id); left out adds a new one' }),
    title: z.string().trim().min(1).max(200),
    startsAt: when,
    endsAt: when,
    room: z.string().trim().max(100).nullable().optional(),
    speakerRegistrationIds: z.array(objectId).max(20).optional().openapi({ description: 'Registrations (role speaker) who speak in it' }),
  })
  .openapi('SalesEventSessionInput');

const costInput = z.object({ label: z.string().trim().min(1).max(200), amount: money }).openapi('SalesEventCost');

const writable = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(5000).optional(),
  level: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional().openapi({ description: "001's event level: 1 identify, 2 administer (sessions, registrations), 3 measure (costs and revenue). GET /v1/sales-events/levels lists them" }),
  status: z.enum(salesEventStatuses).optional(),
  startsAt: when,
  endsAt: when,
  timezone: z.string().trim().min(1).max(64).optional().openapi({ description: 'IANA time zone of the venue, e.g. Europe/Berlin' }),
  venue: venueSchema,
  capacity: z.number().int().min(1).max(100_000),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR').optional(),
  campaignId: objectId.nullable().optional().openapi({ description: "The campaign whose ROI the event's costs and revenue feed" }),
  productId: objectId.nullable().optional().openapi({ description: "002's product (the 3-month conference) the event belongs to" }),
  sessions: z.array(sessionInput).max(200).optional(),
  costs: z.array(costInput).max(100).optional(),
};

export const createSalesEventBody = z.object(writable).openapi('SalesEventInput');
export const updateSalesEventBody = z
  .object({ ...writable, name: writable.name.optional(), startsAt: when.optional(), endsAt: when.optional(), venue: venueSchema.optional(), capacity: writable.capacity.optional() })
  .openapi('SalesEventUpdate');

export const salesEventSchema = z
  .object({
    id: objectId,
    name: z.string(),
    description: z.string(),
    level: z.number().int(),
    status: z.enum(salesEventStatuses),
    startsAt: z.string(),
    endsAt: z.string(),
    timezone: z.string(),
    venue: z.object({ name: z.string(), address: z.string().nullable(), city: z.string().nullable(), country: z.string().nullable() }),
    capacity: z.number().int(),
    seatsLeft: z.number().int(),
    registeredCount: z.number().int(),
    checkedInCount: z.number().int(),
    currency: z.string(),
    campaignId: objectId.nullable(),
    productId: objectId.nullable(),
    sessions: z.array(z.object({ id: objectId, title: z.string(), startsAt: z.string(), endsAt: z.string(), room: z.string().nullable(), speakerRegistrationIds: z.array(objectId) })),
    costs: z.array(costInput),
    costTotal: z.number(),
    revenueTotal: z.number().openapi({ description: 'Registration fees and sponsor packages of the registrations not cancelled' }),
    roi: z.number().nullable().openapi({ description: '(revenue − cost) / cost of this event alone; null when it costs nothing. The campaign ROI adds it to the campaign' }),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('SalesEvent');

export const salesEventListSchema = listOf(salesEventSchema, 'SalesEventList');
export const salesEventListQuery = pageQuery.extend({
  status: z.enum(salesEventStatuses).optional(),
  campaignId: objectId.optional(),
});

export const eventLevelsSchema = z
  .object({ data: z.array(z.object({ level: z.number().int(), name: z.string(), description: z.string(), enables: z.array(z.string()) })) })
  .openapi('SalesEventLevels');

export const createRegistrationBody = z
  .object({
    role: z.enum(registrationRoles),
    email: z.email('must be an email address').max(254),
    firstName: z.string().trim().min(1).max(100),
    lastName: z.string().trim().min(1).max(100),
    companyName: z.string().trim().max(200).nullable().optional(),
    leadId: objectId.nullable().optional().openapi({ description: 'An existing lead; left out with no contactId, a new lead is created (participation = role)' }),
    contactId: objectId.nullable().optional().openapi({ description: 'An existing contact instead of a lead' }),
    fee: money.optional().openapi({ description: "A delegate's registration fee" }),
    sponsorPackage: z.object({ name: z.string().trim().min(1).max(100), amount: money }).nullable().optional().openapi({ description: "A sponsor's package" }),
  })
  .openapi('SalesEventRegistrationInput');

export const registrationSchema = z
  .object({
    id: objectId,
    eventId: objectId,
    role: z.enum(registrationRoles),
    email: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    companyName: z.string().nullable(),
    leadId: objectId.nullable(),
    contactId: objectId.nullable(),
    seat: z.number().int(),
    fee: z.number(),
    sponsorPackage: z.object({ name: z.string(), amount: z.number() }).nullable(),
    status: z.enum(['registered', 'cancelled']),
    checkedInAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('SalesEventRegistration');

export const registrationListSchema = listOf(registrationSchema, 'SalesEventRegistrationList');
export const registrationListQuery = pageQuery.extend({ role: z.enum(registrationRoles).optional() });
export const registrationParams = z.object({ id: objectId, registrationId: objectId });
