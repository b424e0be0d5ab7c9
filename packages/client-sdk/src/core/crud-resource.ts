import type { components } from '../generated/openapi.js';
import type { QueryParams } from '../internal/query.js';
import { path } from './path.js';
import { requestPage, type ListParams, type PagePromise } from './pagination.js';
import { etagOf, type RequestOptions, type UpdateOptions } from './request-options.js';
import { APIResource } from './resource.js';

/** The body of a status change (`POST /v1/<resource>/{id}/transitions`): the target status, optionally the version you read and a note. */
export type TransitionParams<TStatus extends string = string> = Omit<components['schemas']['TransitionRequest'], 'to'> & { to: TStatus };

/** A record's status history (`GET /v1/<resource>/{id}/transitions`), oldest change first. */
export type TransitionHistory = components['schemas']['TransitionHistory'];

/** One status change of a record. */
export type TransitionEntry = TransitionHistory['data'][number];

/**
 * A collection under `/v1/<resource>` with the contract's list / get / create / update / remove, so a
 * resource file only names itself and its types:
 *
 * @example
 * export class Roles extends CrudResource<Role, RoleCreateParams, RoleUpdateParams> {
 *   protected readonly resource = 'roles';
 * }
 */
export abstract class CrudResource<
  TRecord,
  TCreate = Partial<TRecord>,
  TUpdate = Partial<TCreate>,
  TListParams extends ListParams = ListParams,
> extends APIResource {
  /** The collection's path after `/v1/`, e.g. `contacts` or `org/teams` (static text, never user input). */
  protected abstract readonly resource: string;
  /**
   * True when the API honours `Idempotency-Key` on this collection's create, so `create` sends one and
   * may retry; false sends none unless the caller passes `idempotencyKey`, and never retries the create.
   */
  protected readonly idempotentCreate: boolean = true;

  /** `/v1/<resource>`; the resource name is ours, so only the ids that follow need the `path` tag. */
  protected get collectionPath(): string {
    return `/v1/${this.resource}`;
  }

  /** Lists records a page at a time; await it for the first page or `for await` it for every record. */
  list(params?: TListParams, options?: RequestOptions): PagePromise<TRecord> {
    return requestPage<TRecord>(this._transport, this.collectionPath, params, options);
  }

  /** Fetches one record by id; `CrmNotFoundError` when it does not exist or the caller may not see it. */
  get(id: string, options?: RequestOptions): Promise<TRecord> {
    return this._transport.get<TRecord>(this.collectionPath + path`/${id}`, undefined, options);
  }

  /**
   * Creates a record. Where the API honours idempotency an `Idempotency-Key` is generated when none is
   * given and sent on every retry, so a retried create never makes two records.
   */
  create(params: TCreate, options?: RequestOptions): Promise<TRecord> {
    return this._transport.post<TRecord>(this.collectionPath, params, options, this.idempotentCreate);
  }

  /** Updates the fields sent; with `ifMatch` only if the record still has that `version`. */
  update(id: string, params: TUpdate = {} as TUpdate, options: UpdateOptions = {}): Promise<TRecord> {
    const { ifMatch, ...requestOptions } = options;
    const headers = ifMatch === undefined ? undefined : { 'If-Match': etagOf(ifMatch) };
    return this._transport.patch<TRecord>(this.collectionPath + path`/${id}`, params, requestOptions, headers);
  }

  /** Deletes a record; `CrmNotFoundError` when it is already gone. */
  remove(id: string, options?: RequestOptions): Promise<void> {
    return this._transport.delete(this.collectionPath + path`/${id}`, options);
  }
}

/**
 * A CRM record type under the contract's record routes (docs/http-contract.md): the CRUD of
 * `CrudResource` plus the CSV export.
 *
 * @example
 * export class Activities extends RecordResource<Activity, ActivityCreateParams, ActivityUpdateParams, ActivityListParams, ActivityExportParams> {
 *   protected readonly resource = 'activities';
 * }
 */
export abstract class RecordResource<
  TRecord,
  TCreate = Partial<TRecord>,
  TUpdate = Partial<TCreate>,
  TListParams extends ListParams = ListParams,
  TExportParams extends object = QueryParams,
> extends CrudResource<TRecord, TCreate, TUpdate, TListParams> {
  /** Exports the records matching the filters as CSV text; the columns follow your role's export rule. */
  export(params?: TExportParams, options?: RequestOptions): Promise<string> {
    return this._transport.get<string>(`${this.collectionPath}/export`, params, { ...options, headers: { Accept: 'text/csv', ...options?.headers } });
  }

  /** Exports the same records and columns as `export`, as an Excel workbook (`.xlsx`) in a `Blob`. */
  async exportXlsx(params?: TExportParams, options?: RequestOptions): Promise<Blob> {
    const query = { ...(params ?? {}), format: 'xlsx' };
    return (await this._transport.request<Blob>({ method: 'GET', path: `${this.collectionPath}/export`, query, responseType: 'blob', headers: { Accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } }, options)).data;
  }
}

/**
 * A record type whose status follows the tenant's workflow: `RecordResource` plus `transition` and its
 * `history`.
 *
 * @example
 * export class Contacts extends WorkflowRecordResource<Contact, ContactCreateParams, ContactUpdateParams, ContactListParams, ContactExportParams> {
 *   protected readonly resource = 'contacts';
 * }
 */
export abstract class WorkflowRecordResource<
  TRecord,
  TCreate = Partial<TRecord>,
  TUpdate = Partial<TCreate>,
  TListParams extends ListParams = ListParams,
  TExportParams extends object = QueryParams,
  TStatus extends string = string,
> extends RecordResource<TRecord, TCreate, TUpdate, TListParams, TExportParams> {
  /**
   * Moves a record to another status along the tenant's workflow; an illegal move rejects with
   * `CrmConflictError` (`invalid_transition`) whose `allowed` lists the legal targets.
   */
  transition(id: string, params: TransitionParams<TStatus>, options?: RequestOptions): Promise<TRecord> {
    return this._transport.post<TRecord>(this.collectionPath + path`/${id}/transitions`, params, options);
  }

  /** Every status change of a record, oldest first. */
  async history(id: string, options?: RequestOptions): Promise<TransitionEntry[]> {
    const answer = await this._transport.get<TransitionHistory>(this.collectionPath + path`/${id}/transitions`, undefined, options);
    return answer.data;
  }
}
