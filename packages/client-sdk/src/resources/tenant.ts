import type { Schema } from '../core/api-types.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** An agency: the tenant every record belongs to, with its settings. */
export type Tenant = Schema<'Tenant'>;
/** The body of `crm.tenant.update`: name, type, address, time zone, locale, currency, audit retention. */
export type TenantUpdateParams = Schema<'UpdateTenantRequest'>;

/**
 * The signed-in agency's settings (`crm.tenant`), for admins.
 *
 * @example await crm.tenant.update({ timeZone: 'Europe/Paris' });
 */
export class TenantSettings extends APIResource {
  /** The agency and its settings. */
  get(options?: RequestOptions): Promise<Tenant> {
    return this._transport.get<Tenant>('/v1/tenant', undefined, options);
  }

  /** Changes the settings sent. */
  update(params: TenantUpdateParams = {}, options?: RequestOptions): Promise<Tenant> {
    return this._transport.patch<Tenant>('/v1/tenant', params, options);
  }
}
