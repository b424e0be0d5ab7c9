import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

/**
 * One outgoing email of a ticket's public reply: `_id` is the reply's message id, inserted before the
 * email goes out, so a replayed event, a job run twice or two workers send it at most once (the unique
 * `_id` index decides). A failed or interrupted send is kept as it is, never sent again blindly.
 */
export interface TicketMailDelivery {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  ticketId: Types.ObjectId;
  to: string | null;
  messageIdHeader: string;
  state: 'sending' | 'sent' | 'failed' | 'skipped';
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const deliverySchema = new Schema<TicketMailDelivery>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    ticketId: { type: Schema.Types.ObjectId, required: true },
    to: { type: String, default: null },
    messageIdHeader: { type: String, required: true },
    state: { type: String, enum: ['sending', 'sent', 'failed', 'skipped'], required: true },
    error: { type: String, default: null },
  },
  { timestamps: true, versionKey: false },
);
deliverySchema.plugin(tenantScoped);

export function ticketMailDeliveryModel(connection: Connection): Model<TicketMailDelivery> {
  return (connection.models.TicketMailDelivery as Model<TicketMailDelivery>) ?? connection.model<TicketMailDelivery>('TicketMailDelivery', deliverySchema, 'ticket_mail_deliveries');
}

/**
 * One inbound email taken into a ticket: `_id` is the SHA-256 of its Message-ID (per agency), inserted
 * before the message is stored, so the same email delivered twice (a retrying server, a copy to two
 * addresses) is stored once.
 */
export interface TicketInboundMail {
  _id: string;
  tenantId: Types.ObjectId;
  ticketId: Types.ObjectId | null;
  messageIdHeader: string;
  from: string;
  outcome: 'appended' | 'created' | 'processing';
  createdAt: Date;
}

const inboundSchema = new Schema<TicketInboundMail>(
  {
    _id: { type: String, required: true },
    ticketId: { type: Schema.Types.ObjectId, default: null },
    messageIdHeader: { type: String, required: true },
    from: { type: String, required: true },
    outcome: { type: String, enum: ['appended', 'created', 'processing'], required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
inboundSchema.plugin(tenantScoped);

export function ticketInboundMailModel(connection: Connection): Model<TicketInboundMail> {
  return (connection.models.TicketInboundMail as Model<TicketInboundMail>) ?? connection.model<TicketInboundMail>('TicketInboundMail', inboundSchema, 'ticket_inbound_mail');
}
