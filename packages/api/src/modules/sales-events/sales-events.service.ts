import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { claimOnce } from '../../platform/db/claim-once.js';
import { op } from '../../platform/db/operators.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events.js';
import { createLeadBody } from '../leads/lead.schema.js';
import { fileEventRegistrations, fileLateRegistration, registrationBlock, registrationFiling, registrationPage, registrationPageBySort } from './registration-order.js';
import { eventRegistrationModel, eventSeatModel, salesEventModel, type EventRegistration, type RegistrationRole, type SalesEvent } from './sales-event.model.js';

type Visible = { findVisible(principal: Principal, id: string, action: 'read'): Promise<{ _id: Types.ObjectId }> };

/** 001's event levels, as data: what each level adds to an event. */
export const eventLevels = [
  { level: 1, name: 'Identify', description: 'Create the event: name, dates, venue, capacity, the product and campaign it serves.', enables: ['name', 'dates', 'venue', 'capacity', 'productId', 'campaignId'] },
  { level: 2, name: 'Administer', description: 'Run it: sessions, registrations of delegates, speakers and sponsors (linked to their leads), check-in.', enables: ['sessions', 'registrations', 'checkIn'] },
  { level: 3, name: 'Measure', description: "Measure it: costs, registration fees and sponsor packages, fed into the campaign's ROI.", enables: ['costs', 'fees', 'sponsorPackages', 'roi'] },
] as const;

const round = (n: number) => Math.round(n * 10_000) / 10_000;
const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/** The API shape of an event. */
export function toSalesEventDto(e: SalesEvent) {
  return {
    id: String(e._id),
    name: e.name,
    description: e.description ?? '',
    level: e.level,
    status: e.status,
    startsAt: iso(e.startsAt)!,
    endsAt: iso(e.endsAt)!,
    timezone: e.timezone,
    venue: { name: e.venue.name, address: e.venue.address ?? null, city: e.venue.city ?? null, country: e.venue.country ?? null },
    capacity: e.capacity,
    seatsLeft: Math.max(0, e.capacity - e.registeredCount),
    registeredCount: e.registeredCount,
    checkedInCount: e.checkedInCount,
    currency: e.currency,
    campaignId: e.campaignId ? String(e.campaignId) : null,
    productId: e.productId ? String(e.productId) : null,
    sessions: (e.sessions ?? []).map((s) => ({ id: String(s._id), title: s.title, startsAt: iso(s.startsAt)!, endsAt: iso(s.endsAt)!, room: s.room ?? null, speakerRegistrationIds: (s.speakerRegistrationIds ?? []).map(String) })),
    costs: (e.costs ?? []).map((c) => ({ label: c.label, amount: c.amount })),
    costTotal: e.costTotal,
    revenueTotal: e.revenueTotal,
    roi: e.costTotal > 0 ? round((e.revenueTotal - e.costTotal) / e.costTotal) : null,
    version: e.version,
    createdAt: iso(e.createdAt)!,
    updatedAt: iso(e.updatedAt)!,
  };
}

/** The API shape of a registration. */
export function toRegistrationDto(r: EventRegistration) {
  return {
    id: String(r._id),
    eventId: String(r.eventId),
    role: r.role,
    email: r.email,
    firstName: r.firstName,
    lastName: r.lastName,
    companyName: r.companyName ?? null,
    leadId: r.leadId ? String(r.leadId) : null,
    contactId: r.contactId ? String(r.contactId) : null,
    seat: r.seat,
    fee: r.fee,
    sponsorPackage: r.sponsorPackage ? { name: r.sponsorPackage.name, amount: r.sponsorPackage.amount } : null,
    status: r.status,
    checkedInAt: iso(r.checkedInAt),
    cancelledAt: iso(r.cancelledAt),
    createdAt: iso(r.createdAt)!,
  };
}

interface EventInput {
  name?: string | undefined;
  description?: string | undefined;
  level?: 1 | 2 | 3 | undefined;
  status?: SalesEvent['status'] | undefined;
  startsAt?: string | undefined;
  endsAt?: string | undefined;
  timezone?: string | undefined;
  venue?: { name: string; address?: string | null | undefined; city?: string | null | undefined; country?: string | null | undefined } | undefined;
  capacity?: number | undefined;
  currency?: string | undefined;
  campaignId?: string | null | undefined;
  productId?: string | null | undefined;
  sessions?: { id?: string | undefined; title: string; startsAt: string; endsAt: string; room?: string | null | undefined; speakerRegistrationIds?: string[] | undefined }[] | undefined;
  costs?: { label: string; amount: number }[] | undefined;
}

export interface RegistrationInput {
  role: RegistrationRole;
  email: string;
  firstName: string;
  lastName: string;
  companyName?: string | null | undefined;
  leadId?: string | null | undefined;
  contactId?: string | null | undefined;
  fee?: number | undefined;
  sponsorPackage?: { name: string; amount: number } | null | undefined;
}

const validTimezone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/**
 * Sales events: the event, its sessions and costs; registrations linked to leads (created when the
 * registrant is new) that each hold a seat claimed by a unique insert; idempotent check-in.
 */
export function createSalesEventsService(deps: {
  connection: Connection;
  events: EventBus;
  leads: Visible & { create(principal: Principal, input: Record<string, unknown>): Promise<{ id: string }> };
  contacts: Visible;
  campaigns: Visible;
}) {
  const { connection } = deps;
  const Event = salesEventModel(connection);
  const Registration = eventRegistrationModel(connection);
  const Seat = eventSeatModel(connection);

  const parseId = (id: string) => (Types.ObjectId.isValid(id) ? new Types.ObjectId(id) : null);

  async function load(principal: Principal, id: string): Promise<SalesEvent> {
    const _id = parseId(id);
    const found = _id ? await Event.findOne({ tenantId: principal.tenantId, _id }).lean() : null;
    if (!found) throw AppError.notFound('The sales event');
    return found;
  }

  const publish = (principal: Principal, type: string, resourceId: string, record: Record<string, unknown>) =>
    deps.events.publish({ type: `salesEvent.${type}`, tenantId: principal.tenantId, resource: 'salesEvent', resourceId, actor: { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId }, record });

  /** Checks the rules beyond the schema and turns the input into stored fields. */
  async function fields(principal: Principal, input: EventInput, existing: SalesEvent | null) {
    const out: Record<string, unknown> = {};
    const level = input.level ?? existing?.level ?? 1;
    const startsAt = input.startsAt ? new Date(input.startsAt) : existing?.startsAt;
    const endsAt = input.endsAt ? new Date(input.endsAt) : existing?.endsAt;
    if (startsAt && endsAt && endsAt < startsAt) throw AppError.invalidField('endsAt', 'must not be before startsAt');
    if (input.timezone !== undefined && !validTimezone(input.timezone)) throw AppError.invalidField('timezone', `"${input.timezone}" is not an IANA time zone (e.g. Europe/Berlin)`);
    if (input.sessions?.length && level < 2) throw AppError.invalidField('sessions', 'need event level 2 (administer) or higher; set level to 2 or 3');
    if (input.costs?.length && level < 3) throw AppError.invalidField('costs', 'need event level 3 (measure); set level to 3');
    if (input.capacity !== undefined && existing && input.capacity < existing.registeredCount) throw AppError.invalidField('capacity', `must be at least the ${existing.registeredCount} seats already taken`);
    if (input.campaignId) {
      try {
        await deps.campaigns.findVisible(principal, input.campaignId, 'read');
      } catch (error) {
        if (error instanceof AppError && error.code === 'not_found') throw AppError.invalidField('campaignId', 'is not a campaign you can see');
        throw error;
      }
    }
    for (const key of ['name', 'description', 'level', 'status', 'timezone', 'capacity', 'currency'] as const) if (input[key] !== undefined) out[key] = input[key];
    if (input.startsAt) out.startsAt = startsAt;
    if (input.endsAt) out.endsAt = endsAt;
    if (input.venue) out.venue = { name: input.venue.name, address: input.venue.address ?? null, city: input.venue.city ?? null, country: input.venue.country ?? null };
    if (input.campaignId !== undefined) out.campaignId = input.campaignId ? new Types.ObjectId(input.campaignId) : null;
    if (input.productId !== undefined) out.productId = input.productId ? new Types.ObjectId(input.productId) : null;
    if (input.sessions) {
      out.sessions = input.sessions.map((s, i) => {
        if (new Date(s.endsAt) < new Date(s.startsAt)) throw AppError.invalidField(`sessions.${i}.endsAt`, 'must not be before startsAt');
        return { _id: s.id ? new Types.ObjectId(s.id) : new Types.ObjectId(), title: s.title, startsAt: new Date(s.startsAt), endsAt: new Date(s.endsAt), room: s.room ?? null, speakerRegistrationIds: (s.speakerRegistrationIds ?? []).map((r) => new Types.ObjectId(r)) };
      });
    }
    if (input.costs) {
      out.costs = input.costs;
      out.costTotal = round(input.costs.reduce((sum, c) => sum + c.amount, 0));
    }
    return out;
  }

  /** Takes the first free seat: the one unique insert of `<eventId>:<seat>` that succeeds holds it. */
  async function takeSeat(event: SalesEvent): Promise<number | null> {
    const taken = await Seat.countDocuments({ tenantId: event.tenantId, eventId: event._id });
    // Most likely free first (after the taken ones), then the holes cancellations left.
    const order = [...Array.from({ length: Math.max(0, event.capacity - taken) }, (_, i) => taken + i + 1), ...Array.from({ length: Math.min(taken, event.capacity) }, (_, i) => i + 1)];
    for (const seat of order) {
      try {
        await Seat.create({ _id: `${String(event._id)}:${seat}`, tenantId: event.tenantId, eventId: event._id, at: new Date() });
        return seat;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    return null;
  }

  const releaseSeat = (event: SalesEvent, seat: number) => Seat.deleteOne({ tenantId: event.tenantId, _id: `${String(event._id)}:${seat}` });

  /** The lead or contact a registration links to: the one named (if the caller can see it), else a new lead. */
  async function linkPerson(principal: Principal, event: SalesEvent, input: RegistrationInput): Promise<{ leadId: Types.ObjectId | null; contactId: Types.ObjectId | null }> {
    const check = async (service: Visible, id: string, field: string) => {
      try {
        return (await service.findVisible(principal, id, 'read'))._id;
      } catch (error) {
        if (error instanceof AppError && error.code === 'not_found') throw AppError.invalidField(field, 'is not a record you can see');
        throw error;
      }
    };
    const leadId = input.leadId ? await check(deps.leads, input.leadId, 'leadId') : null;
    const contactId = input.contactId ? await check(deps.contacts, input.contactId, 'contactId') : null;
    if (leadId || contactId) return { leadId, contactId };
    const lead = await deps.leads.create(
      principal,
      createLeadBody.parse({
        kind: 'individual',
        firstName: input.firstName,
        lastName: input.lastName,
        companyName: input.companyName ?? null,
        emails: [{ label: 'work', value: input.email, primary: true }],
        source: 'event',
        participation: input.role,
        campaignId: event.campaignId ? String(event.campaignId) : null,
        productId: event.productId ? String(event.productId) : null,
      }) as Record<string, unknown>,
    );
    return { leadId: new Types.ObjectId(lead.id), contactId: null };
  }

  return {
    levels: () => ({ data: eventLevels.map((l) => ({ ...l, enables: [...l.enables] })) }),

    async list(principal: Principal, query: { limit: number; cursor?: string | undefined; status?: SalesEvent['status'] | undefined; campaignId?: string | undefined }) {
      const filter: Record<string, unknown> = { tenantId: principal.tenantId };
      if (query.status) filter.status = query.status;
      if (query.campaignId) filter.campaignId = new Types.ObjectId(query.campaignId);
      if (query.cursor) {
        const after = parseId(query.cursor);
        if (!after) throw AppError.invalidField('cursor', 'is not a cursor this list returned');
        filter._id = op({ $lt: after });
      }
      const rows = await Event.find(filter).sort({ _id: -1 }).limit(query.limit + 1).lean();
      const page = rows.slice(0, query.limit);
      return { object: 'list' as const, data: page.map(toSalesEventDto), hasMore: rows.length > query.limit, nextCursor: rows.length > query.limit ? String(page.at(-1)!._id) : null };
    },

    async get(principal: Principal, id: string) {
      return toSalesEventDto(await load(principal, id));
    },

    async create(principal: Principal, input: EventInput) {
      const doc = await fields(principal, input, null);
      const created = (await Event.create({ ...doc, tenantId: principal.tenantId, createdBy: principal.userId ?? null })).toObject();
      const dto = toSalesEventDto(created);
      await publish(principal, 'created', dto.id, dto);
      return dto;
    },

    /** Changes an event; `expectedVersion` (If-Match) refuses a write over someone else's. */
    async update(principal: Principal, id: string, input: EventInput, expectedVersion?: number) {
      const existing = await load(principal, id);
      if (expectedVersion !== undefined && expectedVersion !== existing.version) throw new AppError('precondition_failed', `The event is at version ${existing.version}, not ${expectedVersion}; read it again`);
      const set = await fields(principal, input, existing);
      const result = await Event.updateOne({ tenantId: principal.tenantId, _id: existing._id, version: existing.version }, { $set: set, $inc: { version: 1 } });
      if (result.modifiedCount === 0) throw new AppError('version_conflict', 'The event was changed by someone else meanwhile; read it again');
      const dto = toSalesEventDto((await Event.findOne({ tenantId: principal.tenantId, _id: existing._id }).lean())!);
      await publish(principal, 'updated', dto.id, dto);
      return dto;
    },

    /** A page of an event's registrations, oldest first (registration order), read block by block (registration-order.ts). */
    async registrations(principal: Principal, id: string, query: { limit: number; cursor?: string | undefined; role?: RegistrationRole | undefined }) {
      const event = await load(principal, id);
      const pageQuery = { limit: query.limit, cursor: query.cursor, equal: query.role ? { role: query.role } : {} };
      // An event stored before filing is filed by its first list; lists that meet another caller filing it read the old way.
      const page = event.registrationsFiled || (await fileEventRegistrations(connection, event)) ? await registrationPage(connection, event, pageQuery) : await registrationPageBySort(connection, event, pageQuery);
      return { object: 'list' as const, data: page.rows.map(toRegistrationDto), hasMore: page.hasMore, nextCursor: page.nextCursor };
    },

    /**
     * Registers a delegate, speaker or sponsor: a seat first (409 when the event is full, even when many
     * ask for the last seat at once), then the lead link and the registration; anything that fails after
     * the seat gives it back.
     */
    async register(principal: Principal, id: string, input: RegistrationInput) {
      const event = await load(principal, id);
      if (event.level < 2) throw new AppError('conflict', 'Registrations need event level 2 (administer) or higher; raise the level first', { errors: [{ field: 'level', code: 'too_low', message: 'must be 2 or 3 to take registrations' }] });
      if (event.status === 'cancelled' || event.status === 'closed') throw new AppError('conflict', `The event is ${event.status}; it takes no registrations`);
      if ((input.fee || input.sponsorPackage) && event.level < 3) throw AppError.invalidField(input.fee ? 'fee' : 'sponsorPackage', 'needs event level 3 (measure) to be counted as revenue');
      if (input.sponsorPackage && input.role !== 'sponsor') throw AppError.invalidField('sponsorPackage', 'is for registrations with role sponsor');
      const email = input.email.trim().toLowerCase();
      const emailKey = `${String(event._id)}:${email}`;
      if (await Registration.exists({ tenantId: principal.tenantId, emailKey, status: 'registered' })) throw new AppError('conflict', `${email} is already registered for this event`, { errors: [{ field: 'email', code: 'taken', message: 'is already registered for this event' }] });
      const seat = await takeSeat(event);
      if (seat === null) throw new AppError('conflict', `The event is full (${event.capacity} seats); raise the capacity or cancel a registration`, { errors: [{ field: 'capacity', code: 'full', message: 'no seat left' }] });
      try {
        const { leadId, contactId } = await linkPerson(principal, event, input);
        const fee = input.fee ?? 0;
        const packageAmount = input.sponsorPackage?.amount ?? 0;
        // A cancelled registration of the same person keeps its row; the new one replaces its key.
        await Registration.updateOne({ tenantId: principal.tenantId, emailKey, status: 'cancelled' }, { $set: { emailKey: `${emailKey}:cancelled:${new Types.ObjectId().toHexString()}` } });
        // Filed in the event's current block; an event not filed yet files its registrations at its first list.
        const filing = event.registrationsFiled ? registrationFiling(event._id, await registrationBlock(connection, principal.tenantId, event._id)) : {};
        const created = (
          await Registration.create({
            tenantId: principal.tenantId, eventId: event._id, role: input.role, email, emailKey, firstName: input.firstName, lastName: input.lastName,
            companyName: input.companyName ?? null, leadId, contactId, seat, fee, sponsorPackage: input.sponsorPackage ?? null, ...filing,
          })
        ).toObject();
        if (!event.registrationsFiled) await fileLateRegistration(connection, event, created._id);
        await Event.updateOne({ tenantId: principal.tenantId, _id: event._id }, { $inc: { registeredCount: 1, revenueTotal: fee + packageAmount } });
        const dto = toRegistrationDto(created);
        await publish(principal, 'registered', String(event._id), dto);
        return dto;
      } catch (error) {
        await releaseSeat(event, seat);
        if (isDuplicateKeyError(error)) throw new AppError('conflict', `${email} is already registered for this event`, { errors: [{ field: 'email', code: 'taken', message: 'is already registered for this event' }] });
        throw error;
      }
    },

    /** Checks a registrant in; a second check-in answers the first one's time and counts nothing again. */
    async checkIn(principal: Principal, id: string, registrationId: string) {
      const event = await load(principal, id);
      const regId = parseId(registrationId)!;
      const reg = await Registration.findOne({ tenantId: principal.tenantId, eventId: event._id, _id: regId }).lean();
      if (!reg) throw AppError.notFound('The registration');
      if (reg.status === 'cancelled') throw new AppError('conflict', 'The registration is cancelled; register the person again first');
      const claimKey = `sales-event-check-in:${String(reg._id)}`;
      if (await claimOnce(connection, claimKey)) {
        const at = new Date();
        await Registration.updateOne({ tenantId: principal.tenantId, _id: reg._id }, { $set: { checkedInAt: at } });
        await Event.updateOne({ tenantId: principal.tenantId, _id: event._id }, { $inc: { checkedInCount: 1 } });
        const dto = toRegistrationDto({ ...reg, checkedInAt: at });
        await publish(principal, 'checked_in', String(event._id), dto);
        return { checkedIn: true, registration: dto };
      }
      const current = (await Registration.findOne({ tenantId: principal.tenantId, _id: reg._id }).lean())!;
      // The first check-in may still be writing its time: the claim's time is the check-in's.
      const claimed = current.checkedInAt ? null : await connection.collection<{ _id: string; at: Date }>('single_use_claims').findOne({ _id: claimKey });
      return { checkedIn: false, registration: toRegistrationDto({ ...current, checkedInAt: current.checkedInAt ?? claimed?.at ?? null }) };
    },

    /** Cancels a registration: its seat is freed and its fee leaves the revenue. */
    async cancel(principal: Principal, id: string, registrationId: string) {
      const event = await load(principal, id);
      const regId = parseId(registrationId)!;
      const reg = await Registration.findOne({ tenantId: principal.tenantId, eventId: event._id, _id: regId }).lean();
      if (!reg) throw AppError.notFound('The registration');
      if (reg.status === 'cancelled') return toRegistrationDto(reg);
      // The claim makes the counters move once even when two cancels race.
      if (await claimOnce(connection, `sales-event-cancel:${String(reg._id)}`)) {
        const at = new Date();
        await Registration.updateOne({ tenantId: principal.tenantId, _id: reg._id }, { $set: { status: 'cancelled', cancelledAt: at } });
        await Event.updateOne({ tenantId: principal.tenantId, _id: event._id }, { $inc: { registeredCount: -1, revenueTotal: -((reg.fee ?? 0) + (reg.sponsorPackage?.amount ?? 0)), checkedInCount: reg.checkedInAt ? -1 : 0 } });
        await releaseSeat(event, reg.seat);
      }
      return toRegistrationDto((await Registration.findOne({ tenantId: principal.tenantId, _id: reg._id }).lean())!);
    },
  };
}

export type SalesEventsService = ReturnType<typeof createSalesEventsService>;
