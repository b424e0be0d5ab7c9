import type { Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import { requestPage, type PagePromise } from '../core/pagination.js';
import { etagOf, type RequestOptions, type UpdateOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** A status workflow (contact, lead, customer, task...): its states and the allowed transitions. */
export type Workflow = Schema<'Workflow'>;
/** The body of `crm.workflows.replace`: the whole new set of states and transitions. */
export type WorkflowReplaceParams = Schema<'WorkflowUpdate'>;

/**
 * The agency's status workflows (`crm.workflows`), addressed by key (`contact`, `lead`...).
 *
 * @example const { states } = await crm.workflows.get('lead');
 */
export class Workflows extends APIResource {
  /** Every workflow of the agency (one page). */
  list(options?: RequestOptions): PagePromise<Workflow> {
    return requestPage<Workflow>(this._transport, '/v1/workflows', undefined, options);
  }

  /** One workflow by key. */
  get(key: string, options?: RequestOptions): Promise<Workflow> {
    return this._transport.get<Workflow>(path`/v1/workflows/${key}`, undefined, options);
  }

  /**
   * Replaces a workflow's states and transitions. The API requires the `version` you edited as `ifMatch`,
   * so two admins never overwrite each other (a stale one fails with `CrmPreconditionFailedError` carrying the current workflow).
   */
  async replace(key: string, params: WorkflowReplaceParams, options: UpdateOptions & { ifMatch: number }): Promise<Workflow> {
    const { ifMatch, ...requestOptions } = options;
    const request = { method: 'PUT' as const, path: path`/v1/workflows/${key}`, body: params, headers: { 'If-Match': etagOf(ifMatch) } };
    return (await this._transport.request<Workflow>(request, requestOptions)).data;
  }
}
