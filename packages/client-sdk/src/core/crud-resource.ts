import { path } from './path.js';
import { requestPage, type ListParams, type PagePromise } from './pagination.js';
import type { RequestOptions, UpdateOptions } from './request-options.js';
import { APIResource } from './resource.js';

/** The body of a status change: the target state, plus anything else the route accepts (a reason...). */
export type TransitionParams<TStatus extends string = string> = { to: TStatus } & Record<string, unknown>;

/**
 * A resource that follows the contract's record routes under `/v1/<resource>`, so a resource file only
 * names itself and its types:
 *
 * @example
 * export class Contacts extends CrudResource<Contact, ContactCreate, ContactUpdate, ContactListParams, ContactStatus> {
 *   protected readonly resource = 'contacts';
 * }
 */
export abstract class CrudResource<
  TRecord,
  TCreate = Partial<TRecord>,
  TUpdate = Partial<TCreate>,
  TListParams extends ListParams = ListParams,
  TStatus extends string = string,
> extends APIResource {
  /** The collection's path segment after `/v1/`, e.g. `contacts`. */
  protected abstract readonly resource: string;

  /** Lists records a page at a time; await it for the first page or `for await` it for every record. */
  list(params?: TListParams, options?: RequestOptions): PagePromise<TRecord> {
    return requestPage<TRecord>(this._transport, path`/v1/${this.resource}`, params, options);
  }

  /** Fetches one record by id; `CrmNotFoundError` when it does not exist or the caller may not see it. */
  get(id: string, options?: RequestOptions): Promise<TRecord> {
    return this._transport.get<TRecord>(path`/v1/${this.resource}/${id}`, undefined, options);
  }

  /** Creates a record; an `Idempotency-Key` is generated when none is given, so retries never duplicate it. */
  create(params: TCreate, options?: RequestOptions): Promise<TRecord> {
    return this._transport.post<TRecord>(path`/v1/${this.resource}`, params, options, true);
  }

  /** Updates the fields sent; with `ifMatch` only if the record still has that `version`. */
  update(id: string, params: TUpdate, options: UpdateOptions = {}): Promise<TRecord> {
    const { ifMatch, ...requestOptions } = options;
    const headers = ifMatch === undefined ? undefined : { 'If-Match': String(ifMatch) };
    return this._transport.patch<TRecord>(path`/v1/${this.resource}/${id}`, params, requestOptions, headers);
  }

  /** Deletes a record. */
  remove(id: string, options?: RequestOptions): Promise<void> {
    return this._transport.delete(path`/v1/${this.resource}/${id}`, options);
  }

  /** Moves a record to another status; `CrmConflictError` with `allowed` when the workflow forbids it. */
  transition(id: string, params: TransitionParams<TStatus>, options?: RequestOptions): Promise<TRecord> {
    return this._transport.post<TRecord>(path`/v1/${this.resource}/${id}/transitions`, params, options);
  }
}
