import type { OperationQuery, Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { requestPage, type PagePromise } from '../core/pagination.js';
import { etagOf, type RequestOptions, type UpdateOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** A sales event: dates, venue, sessions, seats, costs, revenue and its own ROI. */
export type SalesEvent = Schema<'SalesEvent'>;
/** The body of `crm.salesEvents.create`. */
export type SalesEventParams = Schema<'SalesEventInput'>;
/** The body of `crm.salesEvents.update` (sessions and costs are replaced whole). */
export type SalesEventUpdateParams = Schema<'SalesEventUpdate'>;
/** The query of `crm.salesEvents.list`. */
export type SalesEventListParams = OperationQuery<'listSalesEvents'>;
/** 001's event levels (1 identify, 2 administer, 3 measure). */
export type SalesEventLevels = Schema<'SalesEventLevels'>;
/** A delegate's, speaker's or sponsor's registration, with its seat and lead. */
export type SalesEventRegistration = Schema<'SalesEventRegistration'>;
/** The body of `crm.salesEvents.register`. */
export type SalesEventRegistrationParams = Schema<'SalesEventRegistrationInput'>;
/** The query of `crm.salesEvents.registrations`. */
export type SalesEventRegistrationListParams = OperationQuery<'listSalesEventRegistrations'>;
/** The answer of `crm.salesEvents.checkIn`: `checkedIn` is false when the person already was. */
export type SalesEventCheckIn = Schema<'SalesEventCheckIn'>;

/**
 * Sales events (`crm.salesEvents`): conferences and other events with sessions and capacity, the
 * registrations of delegates, speakers and sponsors (linked to their leads), check-in, and the costs
 * and revenue that feed the campaign's ROI.
 *
 * @example
 * const event = await crm.salesEvents.create({ name: 'Summit', level: 3, startsAt, endsAt, venue: { name: 'Estrel' }, capacity: 200 });
 * const reg = await crm.salesEvents.register(event.id, { role: 'delegate', email: 'kim@example.com', firstName: 'Kim', lastName: 'Lee', fee: 900 });
 * await crm.salesEvents.checkIn(event.id, reg.id);
 */
export class SalesEvents extends APIResource {
  /** 001's event levels and what each adds. */
  levels(options?: RequestOptions): Promise<SalesEventLevels> {
    return this._transport.get<SalesEventLevels>('/v1/sales-events/levels', undefined, options);
  }

  /** Events, newest first. */
  list(params?: SalesEventListParams, options?: RequestOptions): PagePromise<SalesEvent> {
    return requestPage<SalesEvent>(this._transport, '/v1/sales-events', params, options);
  }

  /** One event. */
  get(id: string, options?: RequestOptions): Promise<SalesEvent> {
    return this._transport.get<SalesEvent>(path`/v1/sales-events/${id}`, undefined, options);
  }

  /** Creates an event (an Idempotency-Key is sent, so a retry creates it once). */
  create(params: SalesEventParams, options?: RequestOptions): Promise<SalesEvent> {
    return this._transport.post<SalesEvent>('/v1/sales-events', params, options, true);
  }

  /** Changes an event; `ifMatch` makes it conditional on the version read. */
  update(id: string, params: SalesEventUpdateParams, options?: UpdateOptions): Promise<SalesEvent> {
    return this._transport.patch<SalesEvent>(path`/v1/sales-events/${id}`, params, options, options?.ifMatch === undefined ? undefined : { 'If-Match': etagOf(options.ifMatch) });
  }

  /** The registrations of an event, oldest first. */
  registrations(id: string, params?: SalesEventRegistrationListParams, options?: RequestOptions): PagePromise<SalesEventRegistration> {
    return requestPage<SalesEventRegistration>(this._transport, path`/v1/sales-events/${id}/registrations`, params, options);
  }

  /** Registers a person (takes a seat; a new registrant becomes a lead). A full event throws a `CrmConflictError`. */
  register(id: string, params: SalesEventRegistrationParams, options?: RequestOptions): Promise<SalesEventRegistration> {
    return this._transport.post<SalesEventRegistration>(path`/v1/sales-events/${id}/registrations`, params, options, true);
  }

  /** Checks a registrant in; calling it again is harmless. */
  checkIn(id: string, registrationId: string, options?: RequestOptions): Promise<SalesEventCheckIn> {
    return this._transport.post<SalesEventCheckIn>(path`/v1/sales-events/${id}/registrations/${registrationId}/check-in`, undefined, options);
  }

  /** Cancels a registration (frees the seat, takes the fee out of the revenue). */
  cancelRegistration(id: string, registrationId: string, options?: RequestOptions): Promise<SalesEventRegistration> {
    return this._transport.post<SalesEventRegistration>(path`/v1/sales-events/${id}/registrations/${registrationId}/cancel`, undefined, options);
  }
}
