// The part of `@crm/client-sdk` the adapters call, declared structurally (as `CrmClient` is) so the
// SDK's client, a host's wrapper or an in-memory double all fit, and the helpers every adapter shares.
import type { CrmClient } from '../../context/client-context.js';

/** Per-request options the SDK's transport accepts. */
export interface CrmCallOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** `client.transport` of `@crm/client-sdk`: JSON in and out, auth, retries. */
export interface CrmTransportLike {
  get<T>(path: string, query?: object, options?: CrmCallOptions): Promise<T>;
  post<T>(path: string, body?: unknown, options?: CrmCallOptions, autoIdempotencyKey?: boolean): Promise<T>;
  patch<T>(path: string, body: unknown, options?: CrmCallOptions, headers?: Record<string, string>): Promise<T>;
  delete(path: string, options?: CrmCallOptions): Promise<void>;
}

/** One page of a list, as `Page` of the SDK (only the members the elements read). */
export interface CrmPageLike<T> {
  readonly data: T[];
  hasNextPage(): boolean;
  nextPage(): Promise<CrmPageLike<T> | null>;
}

/** A resource of the SDK built on `CrudResource` (`crm.contacts`, `crm.tasks`...). */
export interface CrmResourceLike<T> {
  list(params?: object, options?: CrmCallOptions): PromiseLike<CrmPageLike<T>>;
  get(id: string, options?: CrmCallOptions): Promise<T>;
  create(params: object, options?: CrmCallOptions): Promise<T>;
  update(id: string, params: object, options?: CrmCallOptions & { ifMatch?: number }): Promise<T>;
  transition(id: string, params: { to: string } & Record<string, unknown>, options?: CrmCallOptions): Promise<T>;
}

/** A change delivered by `client.realtime.subscribe`. */
export interface CrmRealtimeEvent<T> {
  type: 'created' | 'updated' | 'deleted' | 'transitioned';
  resource: string;
  id: string;
  record: T;
}

/** `client.realtime` of the SDK. */
export interface CrmRealtimeLike {
  subscribe<T>(
    params: { resource: string; filter?: Record<string, string | number | boolean> },
    handler: (event: CrmRealtimeEvent<T>) => void,
    options?: { onError?: (error: Error) => void },
  ): () => void;
}

/** A client the data elements can use: the SDK's `CrmClient` or anything of its shape. */
export type CrmDataClient = CrmClient & {
  readonly transport: CrmTransportLike;
  readonly realtime?: CrmRealtimeLike;
};

/** Narrows a context client to one that can call the API, or throws a clear error. */
export function dataClient(client: CrmClient | undefined): CrmDataClient {
  const transport = (client as { transport?: unknown } | undefined)?.transport;
  if (!client || typeof transport !== 'object' || transport === null) {
    throw new Error('No CRM client: put the element inside a <crm-provider> that has a client.');
  }
  return client as CrmDataClient;
}

/** The SDK resource named `name` when this client has it (the SDK grows them one by one). */
export function sdkResource<T>(client: CrmDataClient, name: string): CrmResourceLike<T> | undefined {
  const resource = (client as unknown as Record<string, unknown>)[name];
  return resource && typeof (resource as CrmResourceLike<T>).list === 'function' ? (resource as CrmResourceLike<T>) : undefined;
}

/** Builds a request path, encoding every interpolated value as one path segment (as the SDK's `path`). */
export function path(statics: TemplateStringsArray, ...params: Array<string | number>): string {
  return statics.reduce((built, part, index) => built + part + (index < params.length ? encodeURIComponent(String(params[index])) : ''), '');
}

interface ListEnvelope<T> {
  data: T[];
  hasMore?: boolean;
  nextCursor?: string | null;
}

/** A `CrmPageLike` over a list route called through the transport, following `nextCursor`. */
export async function transportPage<T>(
  client: CrmDataClient,
  route: string,
  query: object,
  options?: CrmCallOptions,
): Promise<CrmPageLike<T>> {
  const envelope = await client.transport.get<ListEnvelope<T>>(route, query, options);
  const cursor = envelope.nextCursor ?? null;
  const more = envelope.hasMore === true && typeof cursor === 'string' && cursor !== '';
  return {
    data: envelope.data ?? [],
    hasNextPage: () => more,
    nextPage: () => (more ? transportPage<T>(client, route, { ...query, cursor }, options) : Promise.resolve(null)),
  };
}

/** Drops empty strings and undefined, so a query never sends `?status=`. */
export function compactQuery(query: Record<string, string | number | undefined | null>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') out[key] = value;
  return out;
}
