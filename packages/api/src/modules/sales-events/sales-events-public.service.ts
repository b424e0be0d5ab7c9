import { Types, type Connection } from 'mongoose';
import { AppError } from '../../platform/errors.js';
import { currentTerms, recordSignupAcceptance } from '../../platform/privacy/terms.js';
import { resolvePrincipal } from '../identity/principal.service.js';
import { registrationRoles, salesEventModel, type SalesEvent } from './sales-event.model.js';
import type { SalesEventsService } from './sales-events.service.js';

/** What a widget call knows about its caller: the tenant of the publishable key and the visitor's address. */
export interface PublicEventCaller {
  tenantId: Types.ObjectId;
  ip: string;
}

export interface PublicRegistrationInput {
  role: (typeof registrationRoles)[number];
  email: string;
  firstName: string;
  lastName: string;
  companyName?: string | null | undefined;
  consent: boolean;
  website?: string | undefined;
}

/**
 * Registration for sales events from a partner's website (the `<crm-event-registration>` widget): only
 * events the agency opened (status `open`, level 2 or higher) are visible; a registration goes through
 * the same rules as an agent's (seat by unique insert, one per address, a lead with participation),
 * acting as the event's creator, and records acceptance of the agency's privacy notice like the
 * campaign widgets do.
 */
export function createSalesEventsPublic(deps: { connection: Connection; salesEvents: SalesEventsService }) {
  const Event = salesEventModel(deps.connection);

  async function findOpen(tenantId: Types.ObjectId, id: string): Promise<SalesEvent> {
    const event = Types.ObjectId.isValid(id) ? await Event.findOne({ tenantId, _id: new Types.ObjectId(id) }).lean() : null;
    // Planned, closed and cancelled events, and level 1 ones, are not there for visitors.
    if (!event || event.status !== 'open' || event.level < 2) throw AppError.notFound('The event');
    return event;
  }

  const seatsLeft = (e: SalesEvent) => Math.max(0, e.capacity - e.registeredCount);

  return {
    /** The event as the widget shows it, with the privacy notice a registration must accept. */
    async getEvent(caller: PublicEventCaller, id: string) {
      const e = await findOpen(caller.tenantId, id);
      const terms = await currentTerms(deps.connection, caller.tenantId);
      return {
        id: String(e._id),
        name: e.name,
        description: e.description ?? '',
        startsAt: e.startsAt.toISOString(),
        endsAt: e.endsAt.toISOString(),
        timezone: e.timezone,
        venue: { name: e.venue.name, address: e.venue.address ?? null, city: e.venue.city ?? null, country: e.venue.country ?? null },
        capacity: e.capacity,
        seatsLeft: seatsLeft(e),
        roles: [...registrationRoles],
        privacy: terms.privacy ? { version: terms.privacy.version, url: terms.privacy.url } : null,
      };
    },

    /**
     * Registers the visitor. A second registration of the same address answers as the first did and
     * creates nothing (a visitor learns nothing about whether someone else registered); a full event
     * answers 409 with `errors[0].code = 'full'`.
     */
    async register(caller: PublicEventCaller, id: string, input: PublicRegistrationInput) {
      const event = await findOpen(caller.tenantId, id);
      const answer = async () => ({ status: 'registered' as const, eventId: String(event._id), seatsLeft: seatsLeft((await Event.findOne({ tenantId: caller.tenantId, _id: event._id }).lean()) ?? event) });
      // A bot fills the hidden field: it is told what a person is told, and nothing is stored.
      if (input.website) return answer();
      const terms = await currentTerms(deps.connection, caller.tenantId);
      if (terms.privacy && !input.consent) throw AppError.invalidField('consent', 'Please accept the privacy notice to register');
      const principal = event.createdBy ? await resolvePrincipal(deps.connection, { tenantId: caller.tenantId, userId: event.createdBy }) : null;
      if (!principal) throw new AppError('conflict', 'This event takes no registrations from the web right now; please contact the organiser');
      const email = input.email.trim().toLowerCase();
      let registrationId: Types.ObjectId | null = null;
      try {
        const created = await deps.salesEvents.register(principal, String(event._id), { role: input.role, email, firstName: input.firstName, lastName: input.lastName, companyName: input.companyName ?? null });
        registrationId = new Types.ObjectId(created.id);
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'conflict') throw error;
        const reason = error.errors?.[0]?.code;
        if (reason === 'full') throw new AppError('conflict', 'The event is full: no seat is left', { errors: [{ field: 'capacity', code: 'full', message: 'no seat left' }] });
        if (reason !== 'taken') throw new AppError('conflict', 'The event takes no registrations right now');
      }
      if (registrationId && input.consent) await recordSignupAcceptance(deps.connection, { tenantId: caller.tenantId, signupId: registrationId, email, source: `event:${String(event._id)}`, ip: caller.ip || null });
      return answer();
    },
  };
}

export type SalesEventsPublic = ReturnType<typeof createSalesEventsPublic>;
