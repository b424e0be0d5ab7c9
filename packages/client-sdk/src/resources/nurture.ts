import type { Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { requestPage, type ListParams, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** A lead-nurturing sequence: follow-up emails (templates of category `nurturing`) sent days apart to each enrolled contact. */
export type NurtureSequence = Schema<'NurtureSequence'>;
/** The body of `crm.nurtureSequences.create`: a name and 1..20 steps, each a template and the days after the previous step. */
export type NurtureSequenceCreateParams = Schema<'CreateNurtureSequence'>;
/** One contact's place in a sequence: `active`, `completed` or `stopped`, and when its next step goes out. */
export type NurtureEnrollment = Schema<'NurtureEnrollment'>;
/** The answer of `crm.nurtureSequences.enroll`: how many contacts were enrolled now, and how many already were. */
export type NurtureEnrollResult = Schema<'NurtureEnrollResult'>;

/**
 * Lead-nurturing sequences (`crm.nurtureSequences`): follow-up emails sent to enrolled contacts, each step
 * once per contact, to those still subscribed to `nurturing` email.
 *
 * @example
 * const sequence = await crm.nurtureSequences.create({ name: 'New leads', steps: [{ templateId: welcome.id, delayDays: 0 }, { templateId: offer.id, delayDays: 3 }] });
 * await crm.nurtureSequences.enroll(sequence.id, [contact.id]);
 */
export class NurtureSequences extends APIResource {
  /** The agency's sequences, newest first (`for await` reads every page). */
  list(params?: ListParams, options?: RequestOptions): PagePromise<NurtureSequence> {
    return requestPage<NurtureSequence>(this._transport, '/v1/nurture-sequences', params, options);
  }

  /** Fetches one sequence. */
  get(id: string, options?: RequestOptions): Promise<NurtureSequence> {
    return this._transport.get<NurtureSequence>(path`/v1/nurture-sequences/${id}`, undefined, options);
  }

  /** Creates a sequence (active at once); every step's template must be of category `nurturing`. */
  create(params: NurtureSequenceCreateParams, options?: RequestOptions): Promise<NurtureSequence> {
    return this._transport.post<NurtureSequence>('/v1/nurture-sequences', params, options, true);
  }

  /** Turns a sequence on or off; while it is off, due steps stop its enrolments instead of sending. */
  async setActive(id: string, active: boolean, options?: RequestOptions): Promise<NurtureSequence> {
    const request = { method: 'PUT' as const, path: path`/v1/nurture-sequences/${id}/active`, body: { active } };
    return (await this._transport.request<NurtureSequence>(request, options)).data;
  }

  /**
   * Enrols contacts (1..500 you may see) in a sequence; a contact already in it stays where it is, so
   * enrolling again is harmless.
   */
  enroll(id: string, contactIds: string[], options?: RequestOptions): Promise<NurtureEnrollResult> {
    return this._transport.post<NurtureEnrollResult>(path`/v1/nurture-sequences/${id}/enrollments`, { contactIds }, options);
  }

  /** Who is in a sequence and what is next for each, in the order they were enrolled (`for await` reads every page). */
  listEnrollments(id: string, params?: ListParams, options?: RequestOptions): PagePromise<NurtureEnrollment> {
    return requestPage<NurtureEnrollment>(this._transport, path`/v1/nurture-sequences/${id}/enrollments`, params, options);
  }

  /** Stops a contact's sequence: no further steps go out to them. */
  stopEnrollment(id: string, contactId: string, options?: RequestOptions): Promise<void> {
    return this._transport.delete(path`/v1/nurture-sequences/${id}/enrollments/${contactId}`, options);
  }
}
