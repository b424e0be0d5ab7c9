import { CrmError } from '../core/errors.js';
import { requestPage, type ListParams, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';
import type { QueryValue } from '../internal/query.js';

const publicPrefix = '/v1/public/';

function assertPublic(path: string): string {
  if (!path.startsWith(publicPrefix)) {
    throw new CrmError(`A publishable key reaches only ${publicPrefix}* routes, not ${JSON.stringify(path)}.`);
  }
  return path;
}

/**
 * The `/v1/public/*` routes a publishable key may call from a partner's page (`crm.public`). Until the
 * API defines its public routes this offers the generic calls; build paths with the `path` tag.
 *
 * @example await crm.public.post(path`/v1/public/forms/${formId}/submissions`, { email })
 */
export class PublicResource extends APIResource {
  /** GETs a public route. */
  get<T = unknown>(path: string, query?: Record<string, QueryValue>, options?: RequestOptions): Promise<T> {
    return this._transport.get<T>(assertPublic(path), query, options);
  }

  /** Lists a public collection page by page; `for await` it for every record. */
  list<T = unknown>(path: string, params?: ListParams, options?: RequestOptions): PagePromise<T> {
    return requestPage<T>(this._transport, assertPublic(path), params, options);
  }

  /** POSTs to a public route with a generated `Idempotency-Key`, so a retried submission counts once. */
  post<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this._transport.post<T>(assertPublic(path), body, options, true);
  }
}
