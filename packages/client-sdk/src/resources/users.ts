import type { OperationQuery, Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { requestPage, type ListParams, type PagePromise } from '../core/pagination.js';
import { etagOf, type RequestOptions, type UpdateOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** A user of the CRM: who they are, their role, placement and status (`invited`, `active`, `disabled`). */
export type User = Schema<'User'>;
/** The query of `crm.users.list`: paging and the `status`, `roleId`, `departmentId` filters. */
export type UserListParams = OperationQuery<'listUsers'> & ListParams;
/** The body of `crm.users.invite`: the email, name and role of the person to invite. */
export type UserInviteParams = Schema<'InviteUserRequest'>;
/** The body of `crm.users.update`: role, placement or status. */
export type UserUpdateParams = Schema<'UpdateUserRequest'>;

/**
 * The agency's users (`crm.users`): the directory, invitations and role or status changes. A user's own
 * profile and password live on `crm.auth`.
 *
 * @example const user = await crm.users.invite({ email: 'new@agency.test', name: 'New Person', roleId });
 */
export class Users extends APIResource {
  /** Lists the agency's users, newest first. */
  list(params?: UserListParams, options?: RequestOptions): PagePromise<User> {
    return requestPage<User>(this._transport, '/v1/users', params, options);
  }

  /** Fetches one user. */
  get(id: string, options?: RequestOptions): Promise<User> {
    return this._transport.get<User>(path`/v1/users/${id}`, undefined, options);
  }

  /** Creates the user as `invited` and emails them a one-time link to set their password; a retried invite creates one user. */
  invite(params: UserInviteParams, options?: RequestOptions): Promise<User> {
    return this._transport.post<User>('/v1/users/invitations', params, options, true);
  }

  /** Sends a new invitation email; earlier links of the user stop working. */
  async resendInvitation(id: string, options?: RequestOptions): Promise<void> {
    await this._transport.post<unknown>(path`/v1/users/${id}/invitation`, undefined, options);
  }

  /** Changes a user's role, placement or status; disabling a user ends their sessions. */
  update(id: string, params: UserUpdateParams = {}, options: UpdateOptions = {}): Promise<User> {
    const { ifMatch, ...requestOptions } = options;
    const headers = ifMatch === undefined ? undefined : { 'If-Match': etagOf(ifMatch) };
    return this._transport.patch<User>(path`/v1/users/${id}`, params, requestOptions, headers);
  }
}
