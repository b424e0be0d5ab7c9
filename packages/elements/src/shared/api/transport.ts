// The part of `@crm/client-sdk` the adapters call, declared structurally (as `CrmClient` is) so the
// SDK's client, a host's wrapper or an in-memory double all fit, and the helpers every adapter shares.
// Elements reach the API only through these SDK resources (`crm.contacts`, `crm.segments`...): no
// adapter names an API path; the SDK owns the routes.
import type { CampaignMessagePreviewParams, CampaignTestSendParams, CampaignTestSendResult, RenderedCampaignMessage } from '@crm/client-sdk';
import type { CrmClient } from '../../context/client-context.js';
import type {
  Campaign,
  Contact,
  CustomFieldDefinition,
  Opportunity,
  Person,
  PipelineBoard,
  Product,
  Segment,
  Task,
  Template,
  TimelineEntry,
  Workflow,
} from './types.js';

/** Per-request options the SDK's calls accept. */
export interface CrmCallOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** One page of a list, as `Page` of the SDK (only the members the elements read). */
export interface CrmPageLike<T> {
  readonly data: T[];
  hasNextPage(): boolean;
  nextPage(): Promise<CrmPageLike<T> | null>;
}

/** What a list call of the SDK returns: a `PagePromise`, awaited for the first page. */
export type CrmPagePromiseLike<T> = PromiseLike<CrmPageLike<T>>;

/** `list` of an SDK resource. */
export interface CrmListLike<T> {
  list(params?: object, options?: CrmCallOptions): CrmPagePromiseLike<T>;
}

/** A record resource of the SDK (`CrudResource`): list, get, create, update. */
export interface CrmRecordsLike<T> extends CrmListLike<T> {
  get(id: string, options?: CrmCallOptions): Promise<T>;
  create(params: object, options?: CrmCallOptions): Promise<T>;
  update(id: string, params: object, options?: CrmCallOptions & { ifMatch?: number }): Promise<T>;
}

/** A record resource whose status follows a workflow (`WorkflowRecordResource`). */
export interface CrmWorkflowRecordsLike<T> extends CrmRecordsLike<T> {
  transition(id: string, params: { to: string; version?: number; note?: string }, options?: CrmCallOptions): Promise<T>;
  history(id: string, options?: CrmCallOptions): Promise<Array<{ from?: string | null; to: string; byUserId?: string | null; note?: string | null; at: string }>>;
}

/** `crm.tasks`: the record routes; a move to scheduled or rescheduled may carry the new due time. */
export interface CrmTasksLike extends CrmWorkflowRecordsLike<Task> {
  transition(id: string, params: { to: string; version?: number; note?: string; dueAt?: string }, options?: CrmCallOptions): Promise<Task>;
}

/** `crm.contacts`: the record routes plus the picture. */
export interface CrmContactsLike extends CrmWorkflowRecordsLike<Contact> {
  uploadPicture(id: string, image: Blob | ArrayBuffer | Uint8Array, options?: CrmCallOptions): Promise<Contact>;
  removePicture(id: string, options?: CrmCallOptions): Promise<Contact>;
}

/** `crm.opportunities`: pages of cards and stage moves. */
export interface CrmOpportunitiesLike extends CrmListLike<Opportunity> {
  move(id: string, params: { stage: string; version: number; position?: number }, options?: CrmCallOptions): Promise<Opportunity>;
}

/** `crm.pipelines`: the board view. */
export interface CrmPipelinesLike {
  board(id: string, params?: object, options?: CrmCallOptions): Promise<PipelineBoard>;
}

/** `crm.segments`: saved segments, their members and count. */
export interface CrmSegmentsLike extends CrmListLike<Segment> {
  get(id: string, options?: CrmCallOptions): Promise<Segment>;
  members<TMember = Contact>(id: string, params?: object, options?: CrmCallOptions): CrmPagePromiseLike<TMember>;
  count(id: string, options?: CrmCallOptions): Promise<{ count: number }>;
}

/** `crm.templates`: message templates, their rendering for a recipient, and new ones. */
export interface CrmTemplatesLike extends CrmListLike<Template> {
  create(params: object, options?: CrmCallOptions): Promise<Template>;
  preview(id: string, params?: { contactId?: string; customerId?: string }, options?: CrmCallOptions): Promise<{ subject: string; text: string }>;
}

/** `crm.campaigns`: create, update and transition, the message rendered for a recipient and a test of it to yourself. */
export interface CrmCampaignsLike {
  create(params: object, options?: CrmCallOptions): Promise<Campaign>;
  update(id: string, params: object, options?: CrmCallOptions & { ifMatch?: number }): Promise<Campaign>;
  transition(id: string, params: { to: string; version?: number }, options?: CrmCallOptions): Promise<Campaign>;
  previewMessage(params: CampaignMessagePreviewParams, options?: CrmCallOptions): Promise<RenderedCampaignMessage>;
  sendTest(id: string, params?: CampaignTestSendParams, options?: CrmCallOptions): Promise<CampaignTestSendResult>;
}

/** `crm.greetings`: a template sent to recipients at a time. */
export interface CrmGreetingsLike {
  create(params: object, options?: CrmCallOptions): Promise<unknown>;
}

/** `crm.workflows`: a workflow by key. */
export interface CrmWorkflowsLike {
  get(key: string, options?: CrmCallOptions): Promise<Workflow>;
}

/** `crm.timeline`: what happened to a record, newest first. */
export interface CrmTimelineLike {
  list(subjectType: 'contact', subjectId: string, params?: { limit?: number }, options?: CrmCallOptions): CrmPagePromiseLike<TimelineEntry>;
}

/** A change delivered by `client.realtime.subscribe`. */
export interface CrmRealtimeEvent<T> {
  type: 'created' | 'updated' | 'deleted' | 'transitioned' | 'moved';
  resource: string;
  id: string;
  record: T | null;
}

/** `client.realtime` of the SDK (the subscription the board makes). */
export interface CrmRealtimeLike {
  subscribe(
    params: { resource: 'opportunity'; filter?: Record<string, string | number | boolean> },
    handler: (event: CrmRealtimeEvent<Opportunity>) => void,
    options?: { onError?: (error: Error) => void },
  ): () => void;
}

/** The resources of `@crm/client-sdk` the data elements call. */
export interface CrmDataResources {
  readonly contacts: CrmContactsLike;
  readonly customers: CrmListLike<{ id: string; name: string }>;
  readonly opportunities: CrmOpportunitiesLike;
  readonly pipelines: CrmPipelinesLike;
  readonly segments: CrmSegmentsLike;
  readonly templates: CrmTemplatesLike;
  readonly campaigns: CrmCampaignsLike;
  readonly greetings: CrmGreetingsLike;
  readonly customFields: CrmListLike<CustomFieldDefinition>;
  readonly workflows: CrmWorkflowsLike;
  readonly users: CrmListLike<Person>;
  readonly products: CrmListLike<Product>;
  readonly tasks: CrmTasksLike;
  readonly timeline: CrmTimelineLike;
}

/** A client the data elements can use: the SDK's `CrmClient` or anything of its shape. */
export type CrmDataClient = CrmClient & CrmDataResources & { readonly realtime?: CrmRealtimeLike };

/** Narrows a context client to one that can call the API, or throws a clear error. */
export function dataClient(client: CrmClient | undefined): CrmDataClient {
  const contacts = (client as { contacts?: { list?: unknown } } | undefined)?.contacts;
  if (!client || typeof contacts?.list !== 'function') {
    throw new Error('No CRM client: put the element inside a <crm-provider> that has a client of @crm/client-sdk.');
  }
  return client as CrmDataClient;
}

/** Drops empty strings and undefined, so a query never sends `?status=`. */
export function compactQuery(query: Record<string, string | number | undefined | null>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') out[key] = value;
  return out;
}

/** Every record of a list, page by page, up to `max`. */
export async function collect<T>(first: CrmPagePromiseLike<T>, max: number): Promise<T[]> {
  let page: CrmPageLike<T> | null = await first;
  const all: T[] = [];
  while (page) {
    all.push(...page.data);
    page = all.length < max && page.hasNextPage() ? await page.nextPage() : null;
  }
  return all;
}
