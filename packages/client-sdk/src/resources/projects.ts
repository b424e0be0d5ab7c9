import type { OperationQuery, Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { requestPage, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** A project made from a won or partially won deal, with its jobs, their staff and tasks. */
export type Project = Schema<'Project'>;
/** The query of `crm.projects.list`. */
export type ProjectListParams = OperationQuery<'listProjects'>;
/** The production team of an account, per task type and spec. */
export type ProductionTeam = Schema<'ProductionTeam'>;
/** The body of `crm.projects.setTeam`. */
export type ProductionTeamParams = Schema<'ProductionTeamInput'>;

/**
 * Projects from won deals (`crm.projects`) and each account's production team, which staffs their jobs.
 *
 * @example
 * await crm.projects.setTeam(accountId, { members: [{ userId: writerId, taskType: copywritingServiceId }] });
 * const page = await crm.projects.list({ customerId: accountId });
 */
export class Projects extends APIResource {
  /** Projects whose deal you may see, newest first. */
  list(params?: ProjectListParams, options?: RequestOptions): PagePromise<Project> {
    return requestPage<Project>(this._transport, '/v1/projects', params, options);
  }

  /** One project. */
  get(id: string, options?: RequestOptions): Promise<Project> {
    return this._transport.get<Project>(path`/v1/projects/${id}`, undefined, options);
  }

  /** The production team of an account (empty before one is set). */
  team(customerId: string, options?: RequestOptions): Promise<ProductionTeam> {
    return this._transport.get<ProductionTeam>(path`/v1/customers/${customerId}/production-team`, undefined, options);
  }

  /** Replaces the production team of an account (pass the `version` you read to refuse a stale write). */
  async setTeam(customerId: string, params: ProductionTeamParams, options?: RequestOptions): Promise<ProductionTeam> {
    return (await this._transport.request<ProductionTeam>({ method: 'PUT', path: path`/v1/customers/${customerId}/production-team`, body: params }, options)).data;
  }
}
