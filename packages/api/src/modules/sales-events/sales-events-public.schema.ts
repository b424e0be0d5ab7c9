import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { registrationRoles } from './sales-event.model.js';

export const publicEventParams = z.object({ id: objectId });

/** A sales event as the registration widget shows it: no costs, revenue or registrants. */
export const publicSalesEventSchema = z
  .object({
    id: objectId,
    name: z.string(),
    description: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    timezone: z.string().openapi({ description: 'The IANA time zone the event runs in; the widget writes its times in it' }),
    venue: z.object({ name: z.string(), address: z.string().nullable(), city: z.string().nullable(), country: z.string().nullable() }),
    capacity: z.number().int(),
    seatsLeft: z.number().int(),
    roles: z.array(z.enum(registrationRoles)).openapi({ description: 'The roles a visitor may register as' }),
    privacy: z.object({ version: z.string(), url: z.string().nullable() }).nullable().openapi({ description: 'The privacy notice a registration must accept (consent: true), or null when the agency set none' }),
  })
  .openapi('PublicSalesEvent');

export const publicRegistrationBody = z
  .object({
    role: z.enum(registrationRoles).default('delegate'),
    email: z.email('must be an email address').max(254),
    firstName: z.string().trim().min(1).max(100),
    lastName: z.string().trim().min(1).max(100),
    companyName: z.string().trim().max(200).nullable().optional(),
    consent: z.boolean().default(false).openapi({ description: "Acceptance of the agency's privacy notice; required when `privacy` of the event is set, recorded with its version" }),
    website: z.string().max(500).optional().openapi({ description: 'Honeypot: a hidden field people leave empty' }),
  })
  .openapi('PublicSalesEventRegistrationInput');

export const publicRegistrationResult = z
  .object({
    status: z.literal('registered'),
    eventId: objectId,
    seatsLeft: z.number().int(),
  })
  .openapi({ description: 'The same answer whether the address was registered by this call or before (no second registration is made)' })
  .openapi('PublicSalesEventRegistration');
