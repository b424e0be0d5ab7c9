// What the admin elements ask of the API, through the SDK's own resources and generated types:
// workflows (`crm.workflows.list/replace`), pipelines (`crm.pipelines.list/update`), custom fields
// (`crm.customFields.*`), message templates (`crm.templates.*`, `preview`), products
// (`crm.products.*`, `lock`, `unlock`), ticket assignment rules (`crm.tickets.getAssignmentRules/
// updateAssignmentRules`) and contacts to preview a template with (`crm.contacts.list`).
// No record type is declared here: every one is the SDK's.
import type { CrmClient as SdkClient, CustomFieldCreateParams, MessageTemplateCreateParams, PipelineStage } from '@crm/client-sdk';
import type { CrmClient } from '../../context/client-context.js';

export type {
  CustomField,
  CustomFieldCreateParams,
  CustomFieldUpdateParams,
  MessageTemplate,
  MessageTemplateCreateParams,
  MessageTemplateUpdateParams,
  Pipeline,
  PipelineStage as SdkPipelineStage,
  Product,
  ProductCreateParams,
  ProductUpdateParams,
  RenderedMessage,
  TicketAssignmentRules,
  Workflow as SdkWorkflow,
  WorkflowReplaceParams,
} from '@crm/client-sdk';

/** The SDK resources the admin elements call. */
export type CrmAdminClient = Pick<SdkClient, 'workflows' | 'pipelines' | 'customFields' | 'templates' | 'products' | 'contacts' | 'org' | 'users' | 'tickets'>;

/** The record kinds that take custom fields, as the API lists them (`CustomFieldCreate.resource`). */
export const customFieldResources = ['contact', 'customer', 'lead', 'opportunity', 'task'] as const satisfies ReadonlyArray<
  CustomFieldCreateParams['resource']
>;

/** The types a custom field can have (`CustomFieldCreate.type`). */
export const customFieldTypes = ['text', 'number', 'date', 'boolean', 'select', 'multiselect'] as const satisfies ReadonlyArray<
  CustomFieldCreateParams['type']
>;

/** The categories of a message template (`CreateMessageTemplate.category`). */
export const templateCategories = ['greeting', 'marketing', 'campaign', 'nurturing', 'reminder', 'satisfaction', 'transactional'] as const satisfies ReadonlyArray<
  MessageTemplateCreateParams['category']
>;

/** The kinds of a pipeline stage (`PipelineStage.kind`). */
export const stageKinds = ['open', 'won', 'lost'] as const satisfies ReadonlyArray<NonNullable<PipelineStage['kind']>>;

/** A custom field key as the API takes it: a lower-case letter, then letters, digits and _ (at most 40; never `.` or `$`). */
export const customFieldKeyPattern = /^[a-z][a-zA-Z0-9_]{0,39}$/;

/** A workflow state or pipeline stage key as the API takes it: lower-case letters, digits and _, from a letter, at most 40. */
export const stateKeyPattern = /^[a-z][a-z0-9_]{0,39}$/;

/** Narrows a context client to one with the admin resources, or throws a clear error. */
export function adminClient(client: CrmClient | undefined): CrmAdminClient {
  const candidate = client as Partial<CrmAdminClient> | undefined;
  if (!candidate || typeof candidate.workflows?.list !== 'function' || typeof candidate.products?.list !== 'function') {
    throw new Error('No CRM client: put the element inside a <crm-provider> that has a client of @crm/client-sdk.');
  }
  return candidate as CrmAdminClient;
}

/** Every record of a paged SDK list, up to `max`. */
export async function allPages<T>(first: PromiseLike<{ data: T[]; hasNextPage(): boolean; nextPage(): Promise<unknown> }>, max = 1000): Promise<T[]> {
  type PageOf = { data: T[]; hasNextPage(): boolean; nextPage(): Promise<unknown> };
  let page: PageOf | null = await first;
  const all: T[] = [];
  while (page) {
    all.push(...page.data);
    page = all.length < max && page.hasNextPage() ? ((await page.nextPage()) as PageOf | null) : null;
  }
  return all;
}

/** The records of an optional list: `[]` when the API refuses it to this caller (403) or lacks it (404). */
export async function optionalPages<T>(first: () => PromiseLike<{ data: T[]; hasNextPage(): boolean; nextPage(): Promise<unknown> }>, max = 1000): Promise<T[]> {
  try {
    return await allPages(first(), max);
  } catch (error) {
    const status = (error as { status?: unknown } | null)?.status;
    if (status === 403 || status === 404) return [];
    throw error;
  }
}

export type { OrgNode, User } from '@crm/client-sdk';
