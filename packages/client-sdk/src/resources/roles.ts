import type { Schema } from '../core/api-types.js';
import { CrudResource } from '../core/crud-resource.js';

/** A role: permissions per resource and action, visibility scopes and export column sets. */
export type Role = Schema<'Role'>;
/** The body of `crm.roles.create`. */
export type RoleCreateParams = Schema<'CreateRoleRequest'>;
/** The body of `crm.roles.update`: lists given replace the current ones. */
export type RoleUpdateParams = Schema<'UpdateRoleRequest'>;

/**
 * The agency's roles (`crm.roles`): list, get, create, update and remove (custom roles only).
 *
 * @example for await (const role of crm.roles.list()) console.log(role.key, role.userCount);
 */
export class Roles extends CrudResource<Role, RoleCreateParams, RoleUpdateParams> {
  protected readonly resource = 'roles';
}
