import type { Schema } from '../core/api-types.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** Your Yealink phone: address, web user, extension, the password only as `{ set }`, and the action URLs to configure on it. */
export type VoipPhone = Schema<'VoipPhone'>;
/** The body of `crm.voip.savePhone` (the password is write-only; omit it to keep the stored one). */
export type VoipPhoneParams = Schema<'VoipPhoneInput'>;
/** The body of `crm.voip.call`: the contact or lead to call, and optionally which of its numbers. */
export type VoipCallParams = Schema<'VoipClickToCall'>;
/** One call: direction, the other party, outcome (answered, missed, busy), talk time, and its timeline activity. */
export type VoipCall = Schema<'VoipCall'>;
/** What `crm.voip.importCdr` did: new calls, duplicates, unmatched numbers, rows with errors. */
export type VoipCdrImportResult = Schema<'VoipCdrImportResult'>;

/**
 * Yealink VOIP (`crm.voip`): your desk phone, click-to-call, your calls and call-log (CDR) imports.
 *
 * @example
 * await crm.voip.savePhone({ host: '192.168.1.42', https: false, username: 'admin', password, extension: '1006', outgoingUri: '' });
 * const call = await crm.voip.call({ subject: { type: 'contact', id: contactId } });
 * const { imported } = await crm.voip.importCdr(csvText);
 */
export class Voip extends APIResource {
  /** Your phone (404 when none is saved), with the action URLs to paste into it. */
  phone(options?: RequestOptions): Promise<VoipPhone> {
    return this._transport.get<VoipPhone>('/v1/voip/phone', undefined, options);
  }

  /** Saves your phone; the password is stored encrypted and never returned. */
  async savePhone(params: VoipPhoneParams, options?: RequestOptions): Promise<VoipPhone> {
    return (await this._transport.request<VoipPhone>({ method: 'PUT', path: '/v1/voip/phone', body: params }, options)).data;
  }

  /** Removes your phone (its action URLs stop working). */
  removePhone(options?: RequestOptions): Promise<void> {
    return this._transport.delete('/v1/voip/phone', options);
  }

  /** Click-to-call: your phone dials the record's (primary, or the given) number at once. */
  call(params: VoipCallParams, options?: RequestOptions): Promise<VoipCall> {
    return this._transport.post<VoipCall>('/v1/voip/calls', params, options, true);
  }

  /** Your latest calls, newest first. */
  async calls(params: { limit?: number } = {}, options?: RequestOptions): Promise<VoipCall[]> {
    return (await this._transport.get<{ data: VoipCall[] }>('/v1/voip/calls', params, options)).data;
  }

  /** Imports a call-log (CDR) export, given as CSV text; a call id imported before changes nothing. */
  importCdr(csv: string, options?: RequestOptions): Promise<VoipCdrImportResult> {
    return this._transport.post<VoipCdrImportResult>('/v1/voip/cdr', { csv }, options);
  }
}
