import type { OperationQuery, Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { requestPage, type ListParams, type PagePromise } from '../core/pagination.js';
import { etagOf, type RequestOptions, type UpdateOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** A customer's identity on the self-service portal. */
export type CustomerUser = Schema<'CustomerUser'>;
/** The query of `crm.customerUsers.list`: a contact or an account, and paging. */
export type CustomerUserListParams = OperationQuery<'listCustomerUsers'> & ListParams;
/** The body of `crm.customerUsers.invite`. */
export type CustomerUserInviteParams = Schema<'InviteCustomerRequest'>;
/** The body of `crm.customerUsers.update`: role or status. */
export type CustomerUserUpdateParams = Schema<'UpdateCustomerUserRequest'>;

/**
 * Customers' portal identities, for agents (`crm.customerUsers`): invite a contact, list a contact's or
 * an account's, change the role, disable.
 *
 * @example await crm.customerUsers.invite({ contactId, role: 'customer_case_manager' });
 */
export class CustomerUsers extends APIResource {
  /** Invites a contact you can see to the portal and emails them a sign-in link; a retried invite invites once. */
  invite(params: CustomerUserInviteParams, options?: RequestOptions): Promise<CustomerUser> {
    return this._transport.post<CustomerUser>('/v1/customer-users', params, options, true);
  }

  /** Lists the portal identities of a contact or an account (admins: the whole agency), newest first. */
  list(params?: CustomerUserListParams, options?: RequestOptions): PagePromise<CustomerUser> {
    return requestPage<CustomerUser>(this._transport, '/v1/customer-users', params, options);
  }

  /** Fetches one customer user. */
  get(id: string, options?: RequestOptions): Promise<CustomerUser> {
    return this._transport.get<CustomerUser>(path`/v1/customer-users/${id}`, undefined, options);
  }

  /** Changes the role, or disables or enables; either signs the customer out everywhere. */
  update(id: string, params: CustomerUserUpdateParams, options: UpdateOptions = {}): Promise<CustomerUser> {
    const { ifMatch, ...requestOptions } = options;
    const headers = ifMatch === undefined ? undefined : { 'If-Match': etagOf(ifMatch) };
    return this._transport.patch<CustomerUser>(path`/v1/customer-users/${id}`, params, requestOptions, headers);
  }

  /** Emails a new sign-in link to an invited or active customer. */
  resendInvitation(id: string, params: { returnUrl?: string } = {}, options?: RequestOptions): Promise<CustomerUser> {
    return this._transport.post<CustomerUser>(path`/v1/customer-users/${id}/invitation`, params, options);
  }
}
