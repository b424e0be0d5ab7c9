import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { readWithoutTenantIndex } from '../../platform/db/pushdown-indexes.js';
import { tenantScoped } from '../../platform/db/tenancy.plugin.js';

export const salesEventStatuses = ['planned', 'open', 'closed', 'cancelled'] as const;
export type SalesEventStatus = (typeof salesEventStatuses)[number];
export const registrationRoles = ['delegate', 'speaker', 'sponsor'] as const;
export type RegistrationRole = (typeof registrationRoles)[number];

/** A talk or panel of an event, kept inside the event (an event has tens of them, not thousands). */
export interface EventSession {
  _id: Types.ObjectId;
  title: string;
  startsAt: Date;
  endsAt: Date;
  room: string | null;
  speakerRegistrationIds: Types.ObjectId[];
}

/** One line of what the event costs (venue, catering, travel...). */
export interface EventCost {
  label: string;
  amount: number;
}

/** A sales event (001 "Event Management", 002's conferences): where, when, how many seats, what it costs and earns. */
export interface SalesEvent {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  name: string;
  description: string;
  /** 001's event levels as data: 1 identify, 2 administer (sessions, registrations), 3 measure (costs, revenue). */
  level: 1 | 2 | 3;
  status: SalesEventStatus;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  venue: { name: string; address: string | null; city: string | null; country: string | null };
  capacity: number;
  currency: string;
  campaignId: Types.ObjectId | null;
  productId: Types.ObjectId | null;
  sessions: EventSession[];
  costs: EventCost[];
  /** Sums kept by the writes (costs on update, revenue and counts with `$inc` per registration). */
  costTotal: number;
  revenueTotal: number;
  registeredCount: number;
  checkedInCount: number;
  /** Its registrations are filed in write-order blocks (registration-order.ts); events made before that are filed at their first list. */
  registrationsFiled?: boolean;
  createdBy: Types.ObjectId | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const sessionSchema = new Schema<EventSession>({
  title: { type: String, required: true },
  startsAt: { type: Date, required: true },
  endsAt: { type: Date, required: true },
  room: { type: String, default: null },
  speakerRegistrationIds: { type: [Schema.Types.ObjectId], default: [] },
});

const eventSchema = new Schema<SalesEvent>(
  {
    name: { type: String, required: true },
    description: { type: String, default: '' },
    level: { type: Number, enum: [1, 2, 3], default: 1 },
    status: { type: String, enum: salesEventStatuses, default: 'planned' },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    timezone: { type: String, default: 'UTC' },
    venue: { type: new Schema({ name: String, address: { type: String, default: null }, city: { type: String, default: null }, country: { type: String, default: null } }, { _id: false }), required: true },
    capacity: { type: Number, required: true },
    currency: { type: String, default: 'EUR' },
    campaignId: { type: Schema.Types.ObjectId, default: null },
    productId: { type: Schema.Types.ObjectId, default: null },
    sessions: { type: [sessionSchema], default: [] },
    costs: { type: [new Schema<EventCost>({ label: String, amount: Number }, { _id: false })], default: [] },
    costTotal: { type: Number, default: 0 },
    revenueTotal: { type: Number, default: 0 },
    registeredCount: { type: Number, default: 0 },
    checkedInCount: { type: Number, default: 0 },
    registrationsFiled: { type: Boolean, default: true },
    createdBy: { type: Schema.Types.ObjectId, default: null },
    version: { type: Number, default: 1 },
  },
  { timestamps: true, versionKey: false, collection: 'sales_events' },
);
eventSchema.plugin(tenantScoped);
eventSchema.index({ tenantId: 1, campaignId: 1 });

/** A person's place at an event: a delegate, speaker or sponsor, linked to their lead or contact. */
export interface EventRegistration {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  eventId: Types.ObjectId;
  role: RegistrationRole;
  email: string;
  /** `<eventId>:<email>`: one registration per person and event (top-level, so every engine enforces it). */
  emailKey: string;
  firstName: string;
  lastName: string;
  companyName: string | null;
  leadId: Types.ObjectId | null;
  contactId: Types.ObjectId | null;
  /** The seat this registration holds (1..capacity); its claim in `sales_event_seats` is what decides. */
  seat: number;
  fee: number;
  sponsorPackage: { name: string; amount: number } | null;
  status: 'registered' | 'cancelled';
  checkedInAt: Date | null;
  cancelledAt: Date | null;
  /** The event's write-order block it is filed in, and that block's keys at 1, 16 and 256 blocks (registration-order.ts). */
  ob: number;
  ob0: string;
  ob1: string;
  ob2: string;
  createdAt: Date;
  updatedAt: Date;
}

const registrationSchema = new Schema<EventRegistration>(
  {
    eventId: { type: Schema.Types.ObjectId, required: true },
    role: { type: String, enum: registrationRoles, required: true },
    email: { type: String, required: true },
    emailKey: { type: String, required: true },
    firstName: { type: String, required: true },
    lastName: { type: String, required: true },
    companyName: { type: String, default: null },
    leadId: { type: Schema.Types.ObjectId, default: null },
    contactId: { type: Schema.Types.ObjectId, default: null },
    seat: { type: Number, required: true },
    fee: { type: Number, default: 0 },
    sponsorPackage: { type: new Schema({ name: String, amount: Number }, { _id: false }), default: null },
    status: { type: String, enum: ['registered', 'cancelled'], default: 'registered' },
    checkedInAt: { type: Date, default: null },
    cancelledAt: { type: Date, default: null },
    ob: { type: Number },
    ob0: { type: String },
    ob1: { type: String },
    ob2: { type: String },
  },
  { timestamps: true, versionKey: false, collection: 'sales_event_registrations' },
);
registrationSchema.plugin(tenantScoped);
registrationSchema.index({ tenantId: 1, eventId: 1 });
registrationSchema.index({ tenantId: 1, emailKey: 1 }, { unique: true });
for (const key of ['ob0', 'ob1', 'ob2']) registrationSchema.index({ [key]: 1 });
// Read by event, e-mail key, block keys or id, never by the agency alone: no GIN index on tenantId. With one,
// PostgreSQL ANDed the agency's whole posting list into the event's read (EXPLAIN ANALYZE on the bench's
// database at 20,000 registrations, 2026-12-06: 5.5 ms, of which 3.6 ms the tenantId scan, against 1.8 ms without).
readWithoutTenantIndex(registrationSchema);

/**
 * A taken seat: its `_id` is `<eventId>:<seat>`, so the one insert that wins holds the seat on every
 * engine (FerretDB runs a conditional update as find-then-write; a unique insert it cannot get wrong).
 * Cancelling deletes the row, which frees the seat for the next registration.
 */
export interface EventSeat {
  _id: string;
  tenantId: Types.ObjectId;
  eventId: Types.ObjectId;
  at: Date;
}

const seatSchema = new Schema<EventSeat>({ _id: { type: String, required: true }, eventId: { type: Schema.Types.ObjectId, required: true }, at: { type: Date, required: true } }, { versionKey: false, collection: 'sales_event_seats' });
seatSchema.plugin(tenantScoped);
seatSchema.index({ tenantId: 1, eventId: 1 });

export function salesEventModel(connection: Connection): Model<SalesEvent> {
  return (connection.models.SalesEvent as Model<SalesEvent> | undefined) ?? connection.model<SalesEvent>('SalesEvent', eventSchema);
}

export function eventRegistrationModel(connection: Connection): Model<EventRegistration> {
  return (connection.models.EventRegistration as Model<EventRegistration> | undefined) ?? connection.model<EventRegistration & { emailKey: string }>('EventRegistration', registrationSchema);
}

export function eventSeatModel(connection: Connection): Model<EventSeat> {
  return (connection.models.EventSeat as Model<EventSeat> | undefined) ?? connection.model<EventSeat>('EventSeat', seatSchema);
}

/** What the events of a campaign cost and earned, for the campaign's ROI (the campaigns module's stats). */
export async function campaignEventTotals(connection: Connection, tenantId: Types.ObjectId, campaignId: Types.ObjectId): Promise<{ events: number; cost: number; revenue: number }> {
  const rows = await salesEventModel(connection).find({ tenantId, campaignId }).select({ costTotal: 1, revenueTotal: 1, status: 1 }).limit(1000).lean();
  const counted = rows.filter((r) => r.status !== 'cancelled' || r.costTotal > 0);
  return { events: counted.length, cost: counted.reduce((s, r) => s + (r.costTotal ?? 0), 0), revenue: counted.reduce((s, r) => s + (r.revenueTotal ?? 0), 0) };
}
