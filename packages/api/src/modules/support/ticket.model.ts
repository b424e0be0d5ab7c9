import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';
import type { RecordBase } from '../../platform/records/record-service.js';

export const ticketPriorities = ['low', 'normal', 'high', 'urgent'] as const;
export const ticketChannels = ['portal', 'email', 'phone', 'widget'] as const;
export type TicketPriority = (typeof ticketPriorities)[number];

/**
 * A support ticket (a case, 004). `ownerId` is the agent it is assigned to (null while unassigned), so
 * the access module's own/team scopes and the assign permission apply to tickets as to every record.
 */
export interface Ticket extends RecordBase {
  number: number;
  subject: string;
  description: string | null;
  accountId: Types.ObjectId | null;
  contactId: Types.ObjectId | null;
  category: string | null;
  priority: TicketPriority;
  channel: (typeof ticketChannels)[number];
  status: string;
  statusChangedAt?: Date | null;
  /** The customer principal that opened it through the portal (customer_users), if any. */
  customerUserId: Types.ObjectId | null;
  messageCount: number;
  lastMessageAt: Date | null;
  /** The last message the customer can see (internal notes leave it alone, so the portal never learns of them). */
  lastPublicMessageAt: Date | null;
  publicMessageCount: number;
  firstResponseAt: Date | null;
  /** SLA due times, from the agency's targets for the priority and its business hours, set when the ticket opens. */
  firstResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
  /** Set when the first public reply, or the move to resolved, came after its due time. */
  firstResponseBreached: boolean;
  resolutionBreached: boolean;
  /** The customer's rating when they closed it on the portal (1–5), with their words; null until rated. */
  satisfactionRating?: number | null;
  satisfactionComment?: string | null;
  ratedAt?: Date | null;
  tags: string[];
  custom: Record<string, unknown>;
}

const ticketSchema = new Schema<Ticket>(
  {
    number: { type: Number, required: true },
    subject: { type: String, required: true, trim: true },
    description: { type: String, default: null },
    accountId: { type: Schema.Types.ObjectId, default: null, index: true },
    contactId: { type: Schema.Types.ObjectId, default: null, index: true },
    category: { type: String, default: null },
    priority: { type: String, enum: ticketPriorities, default: 'normal' },
    channel: { type: String, enum: ticketChannels, default: 'phone' },
    status: { type: String, required: true, index: true },
    statusChangedAt: { type: Date, default: null },
    customerUserId: { type: Schema.Types.ObjectId, default: null },
    messageCount: { type: Number, default: 0 },
    lastMessageAt: { type: Date, default: null },
    lastPublicMessageAt: { type: Date, default: null },
    publicMessageCount: { type: Number, default: 0 },
    firstResponseAt: { type: Date, default: null },
    firstResponseDueAt: { type: Date, default: null },
    resolutionDueAt: { type: Date, default: null },
    firstResponseBreached: { type: Boolean, default: false },
    resolutionBreached: { type: Boolean, default: false },
    satisfactionRating: { type: Number, default: null, min: 1, max: 5 },
    satisfactionComment: { type: String, default: null, maxlength: 2000 },
    ratedAt: { type: Date, default: null },
    tags: { type: [String], default: [] },
    ownerId: { type: Schema.Types.ObjectId, default: null, index: true },
    teamId: { type: Schema.Types.ObjectId, default: null, index: true },
    productId: { type: Schema.Types.ObjectId, default: null, index: true },
    departmentId: { type: Schema.Types.ObjectId, default: null },
    custom: { type: Schema.Types.Mixed, default: () => ({}) },
  },
  { timestamps: true, versionKey: 'version', minimize: false },
);
ticketSchema.plugin(tenantScoped);
// The human number is unique per agency: the claim below hands each out once, and this refuses a copy.
ticketSchema.index({ tenantId: 1, number: 1 }, { unique: true });

export function ticketModel(connection: Connection): Model<Ticket> {
  return (connection.models.Ticket as Model<Ticket>) ?? connection.model<Ticket>('Ticket', ticketSchema, 'tickets');
}

/** Who wrote a message: an agent (user) or a customer (customer_users). */
export const messageAuthorKinds = ['user', 'customer'] as const;
/** A public reply reaches the customer; an internal note never leaves the agents. */
export const messageVisibilities = ['public', 'internal'] as const;

export interface TicketAttachmentRef {
  id: string;
  name: string;
  contentType: string;
  size: number;
}

/** One message of a ticket's thread; its own document, so a long thread never rewrites the ticket. */
export interface TicketMessage {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  ticketId: Types.ObjectId;
  visibility: (typeof messageVisibilities)[number];
  authorKind: (typeof messageAuthorKinds)[number];
  authorId: Types.ObjectId;
  body: string;
  attachments: TicketAttachmentRef[];
  createdAt: Date;
}

const attachmentRef = { _id: false, id: String, name: String, contentType: String, size: Number };

const messageSchema = new Schema<TicketMessage>(
  {
    ticketId: { type: Schema.Types.ObjectId, required: true },
    visibility: { type: String, enum: messageVisibilities, required: true },
    authorKind: { type: String, enum: messageAuthorKinds, required: true },
    authorId: { type: Schema.Types.ObjectId, required: true },
    body: { type: String, required: true },
    attachments: { type: [attachmentRef], default: [] },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
messageSchema.plugin(tenantScoped);
messageSchema.index({ ticketId: 1 });

export function ticketMessageModel(connection: Connection): Model<TicketMessage> {
  return (connection.models.TicketMessage as Model<TicketMessage>) ?? connection.model<TicketMessage>('TicketMessage', messageSchema, 'ticket_messages');
}

/** Bytes of an attachment; `_id` is 128 random bits. Linked to its ticket, and to its message once posted. */
export interface TicketAttachment {
  _id: string;
  tenantId: Types.ObjectId;
  ticketId: Types.ObjectId;
  messageId: Types.ObjectId | null;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  data: Buffer;
  uploadedByKind: (typeof messageAuthorKinds)[number];
  uploadedBy: Types.ObjectId;
  createdAt: Date;
}

const attachmentSchema = new Schema<TicketAttachment>(
  {
    _id: { type: String, required: true },
    ticketId: { type: Schema.Types.ObjectId, required: true },
    messageId: { type: Schema.Types.ObjectId, default: null },
    name: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
    data: { type: Buffer, required: true },
    uploadedByKind: { type: String, enum: messageAuthorKinds, required: true },
    uploadedBy: { type: Schema.Types.ObjectId, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
attachmentSchema.plugin(tenantScoped);
attachmentSchema.index({ ticketId: 1 });

export function ticketAttachmentModel(connection: Connection): Model<TicketAttachment> {
  return (connection.models.TicketAttachment as Model<TicketAttachment>) ?? connection.model<TicketAttachment>('TicketAttachment', attachmentSchema, 'ticket_attachments');
}

/**
 * Claims of ticket numbers: `_id` is `<tenant>:<n>`, so an insert refused by the `_id` index is the one
 * atomic step FerretDB gives, and no two tickets of an agency ever get the same number.
 */
export interface TicketNumberClaim {
  _id: string;
  tenantId: Types.ObjectId;
  at: Date;
}

const numberClaimSchema = new Schema<TicketNumberClaim>({ _id: { type: String, required: true }, tenantId: { type: Schema.Types.ObjectId, required: true }, at: { type: Date, default: () => new Date() } }, { versionKey: false });

export function ticketNumberClaimModel(connection: Connection): Model<TicketNumberClaim> {
  return (connection.models.TicketNumberClaim as Model<TicketNumberClaim>) ?? connection.model<TicketNumberClaim>('TicketNumberClaim', numberClaimSchema, 'ticket_number_claims');
}
