import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { messageVisibilities, ticketChannels, ticketPriorities } from './ticket.model.js';

const customValues = z.record(z.string().regex(/^[a-z][a-zA-Z0-9_]{0,39}$/), z.unknown()).openapi({ description: 'Custom attributes defined by a sysadmin (see /v1/custom-fields)' });

const writable = {
  subject: z.string().trim().min(1).max(300),
  description: z.string().max(20_000).nullable().optional(),
  accountId: objectId.nullable().optional().openapi({ description: 'The customer (account) the ticket is about' }),
  contactId: objectId.nullable().optional().openapi({ description: 'The contact who raised it' }),
  productId: objectId.nullable().optional(),
  category: z.string().trim().min(1).max(100).nullable().optional(),
  priority: z.enum(ticketPriorities).optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
  ownerId: objectId.nullable().optional().openapi({ description: 'The assigned agent; defaults to you, null leaves it unassigned (assigning someone else needs the assign permission)' }),
  teamId: objectId.nullable().optional().openapi({ description: 'The support team' }),
  custom: customValues.optional(),
};

export const createTicketBody = z.object({ ...writable, channel: z.enum(ticketChannels).default('phone') }).openapi('TicketCreate');
export const updateTicketBody = z.object({ ...writable, subject: writable.subject.optional() }).openapi('TicketUpdate');

export const assignTicketBody = z
  .object({
    ownerId: objectId.nullable().optional().openapi({ description: 'The agent; null unassigns' }),
    teamId: objectId.nullable().optional().openapi({ description: 'The support team' }),
  })
  .openapi('TicketAssign', { description: 'Send ownerId, teamId or both (neither is refused with 400, once the ticket is known to be yours to see).' });

/** A customer's satisfaction rating of a ticket (1 poor … 5 excellent), given when closing it on the portal. */
export const ticketSatisfactionSchema = z
  .object({ rating: z.number().int().min(1).max(5), comment: z.string().nullable(), ratedAt: z.string().nullable() })
  .openapi('TicketSatisfaction');

/** What a customer may send when closing a ticket on the portal: an optional rating and comment. */
export const closePortalTicketBody = z
  .object({
    rating: z.number().int().min(1).max(5).optional().openapi({ description: 'How satisfied you are, 1 (poor) to 5 (excellent); counted in the support dashboard' }),
    comment: z.string().trim().max(2000).optional().openapi({ description: 'What you want to tell us about how it went' }),
  })
  .openapi('PortalTicketClose');

export const ticketSchema = z
  .object({
    id: objectId,
    number: z.number().int().openapi({ description: 'The human ticket number, unique in the agency' }),
    subject: z.string(),
    description: z.string().nullable(),
    accountId: objectId.nullable(),
    contactId: objectId.nullable(),
    productId: objectId.nullable(),
    category: z.string().nullable(),
    priority: z.enum(ticketPriorities),
    channel: z.enum(ticketChannels),
    status: z.string().openapi({ description: 'A state of the agency\'s "ticket" workflow (default: new, open, pending_customer, resolved, closed)' }),
    statusChangedAt: z.string().nullable(),
    ownerId: objectId.nullable().openapi({ description: 'The assigned agent' }),
    teamId: objectId.nullable(),
    departmentId: objectId.nullable(),
    customerUserId: objectId.nullable().openapi({ description: 'The customer who opened it on the portal' }),
    messageCount: z.number().int(),
    lastMessageAt: z.string().nullable(),
    lastPublicMessageAt: z.string().nullable().openapi({ description: 'The last public reply (internal notes leave it alone)' }),
    firstResponseAt: z.string().nullable().openapi({ description: 'When an agent first replied publicly' }),
    sla: z
      .object({ firstResponseDueAt: z.string().nullable(), resolutionDueAt: z.string().nullable(), firstResponseBreached: z.boolean(), resolutionBreached: z.boolean() })
      .openapi({ description: "Due times from the agency's targets for the priority, counted in its business hours; a flag is set when the first reply or the resolution came late" }),
    satisfaction: ticketSatisfactionSchema.nullable().openapi({ description: 'The customer\'s rating when they closed the ticket on the portal; null until rated' }),
    tags: z.array(z.string()),
    custom: z.record(z.string(), z.unknown()),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Ticket');

export const attachmentRefSchema = z
  .object({ id: z.string(), name: z.string(), contentType: z.string(), size: z.number().int() })
  .openapi('TicketAttachmentRef');

export const ticketMessageSchema = z
  .object({
    id: objectId,
    ticketId: objectId,
    visibility: z.enum(messageVisibilities).openapi({ description: 'public: a reply the customer sees; internal: a note for agents only' }),
    authorKind: z.enum(['user', 'customer']),
    authorId: objectId,
    body: z.string(),
    attachments: z.array(attachmentRefSchema),
    createdAt: z.string(),
  })
  .openapi('TicketMessage');

export const ticketMessageListSchema = z
  .object({ object: z.literal('list'), data: z.array(ticketMessageSchema), hasMore: z.boolean(), nextCursor: z.string().nullable() })
  .openapi('TicketMessageList');

export const createTicketMessageBody = z
  .object({
    body: z.string().trim().min(1).max(20_000),
    visibility: z.enum(messageVisibilities).default('public'),
    attachmentIds: z.array(z.string().regex(/^[0-9a-f]{32}$/, 'is not an attachment id')).max(10).optional().openapi({ description: 'Attachments uploaded to this ticket and not yet part of a message' }),
  })
  .openapi('TicketMessageCreate');

export const messagePageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: 'Page size, 1 to 200' }),
  cursor: z.string().regex(/^[a-f0-9]{24}$/, 'is not a cursor of this list').optional().openapi({ description: 'The `nextCursor` of the previous page' }),
});

export const attachmentParams = z.object({ id: objectId, attachmentId: z.string().regex(/^[0-9a-f]{32}$/, 'is not an attachment id') });
export const attachmentUploadQuery = z.object({ name: z.string().trim().min(1).max(200).openapi({ description: 'The file name shown with the attachment' }) });

export const portalTicketSchema = z
  .object({
    id: objectId,
    number: z.number().int(),
    subject: z.string(),
    description: z.string().nullable(),
    status: z.string(),
    priority: z.enum(ticketPriorities),
    category: z.string().nullable(),
    channel: z.enum(ticketChannels),
    accountId: objectId.nullable(),
    contactId: objectId.nullable(),
    mine: z.boolean().openapi({ description: 'True when you opened it (a case manager also sees their accounts\' tickets)' }),
    messageCount: z.number().int().openapi({ description: 'Public messages in the thread' }),
    lastMessageAt: z.string().nullable(),
    satisfaction: ticketSatisfactionSchema.nullable().openapi({ description: 'Your rating when you closed it; null until rated' }),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .openapi('PortalTicket');

export const portalTicketListSchema = z
  .object({ object: z.literal('list'), data: z.array(portalTicketSchema), hasMore: z.boolean(), nextCursor: z.string().nullable() })
  .openapi('PortalTicketList');

export const portalTicketListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ description: 'Page size, 1 to 100' }),
  cursor: z.string().regex(/^\d{13}_[a-f0-9]{24}$/, 'is not a cursor of this list').optional().openapi({ description: 'The `nextCursor` of the previous page' }),
  status: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a status key such as open').optional(),
});

export const createPortalTicketBody = z
  .object({
    subject: z.string().trim().min(1).max(300),
    description: z.string().trim().max(20_000).nullable().optional(),
    category: z.string().trim().min(1).max(100).nullable().optional(),
    priority: z.enum(ticketPriorities).optional(),
  })
  .openapi('PortalTicketCreate');

export const createPortalTicketMessageBody = z
  .object({
    body: z.string().trim().min(1).max(20_000),
    attachmentIds: z.array(z.string().regex(/^[0-9a-f]{32}$/, 'is not an attachment id')).max(10).optional(),
  })
  .openapi('PortalTicketMessageCreate');

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time such as 09:00');
const minutes = z.number().int().min(1).max(525_600);
const slaTarget = z.object({ firstResponseMinutes: minutes, resolutionMinutes: minutes });
const validTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const supportSettingsBody = z
  .object({
    targets: z.object({ low: slaTarget, normal: slaTarget, high: slaTarget, urgent: slaTarget }).openapi({ description: 'Business minutes to the first public reply and to resolution, per priority' }),
    businessHours: z
      .object({
        timeZone: z.string().max(60).refine(validTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
        days: z.array(z.number().int().min(1).max(7)).min(1).max(7).refine((d) => new Set(d).size === d.length, 'must not repeat a day').openapi({ description: '1 Monday … 7 Sunday' }),
        start: hhmm,
        end: hhmm,
      })
      .refine((h) => h.end > h.start, { message: 'must be after start', path: ['end'] }),
    holidays: z.array(z.iso.date()).max(366).openapi({ description: 'Local dates (YYYY-MM-DD) on which no business time counts' }),
  })
  .openapi('SupportSettingsUpdate');

export const supportSettingsSchema = supportSettingsBody.extend({ version: z.number().int() }).openapi('SupportSettings');
