// What <crm-lead-request-board>, <crm-project-list> and <crm-lost-review-admin> ask of the API, through
// the SDK's `crm.leadRequests`, `crm.projects`, `crm.lostRouting` (and `crm.leads`, `crm.users` to pick from).
import type { CrmClient as SdkClient, LeadRequest, LeadRequestItem, LostReasonGroup, LostReview, Project } from '@crm/client-sdk';
import type { CrmClient } from '../../context/client-context.js';

export type { LeadRequest, LeadRequestItem, LostReasonGroup, LostReview, Project };

/** A client that runs requests for leads. */
export type LeadRequestClient = CrmClient & Pick<SdkClient, 'leadRequests' | 'leads'>;
/** A client that lists projects. */
export type ProjectClient = CrmClient & Pick<SdkClient, 'projects'>;
/** A client that administers lost-deal routing. */
export type LostRoutingClient = CrmClient & Pick<SdkClient, 'lostRouting' | 'users'>;

function narrow<T>(client: CrmClient | undefined, resource: string): T {
  const api = (client as Record<string, { list?: unknown; groups?: unknown } | undefined> | undefined)?.[resource];
  if (!api || (typeof api.list !== 'function' && typeof api.groups !== 'function')) throw new Error(`No CRM client with ${resource}: put the element inside a <crm-provider> with a client of @crm/client-sdk.`);
  return client as T;
}

/** Narrows the provider's client to one with requests for leads, or throws a clear error. */
export const leadRequestClient = (client: CrmClient | undefined) => narrow<LeadRequestClient>(client, 'leadRequests');
/** Narrows the provider's client to one with projects, or throws a clear error. */
export const projectClient = (client: CrmClient | undefined) => narrow<ProjectClient>(client, 'projects');
/** Narrows the provider's client to one with lost-deal routing, or throws a clear error. */
export const lostRoutingClient = (client: CrmClient | undefined) => narrow<LostRoutingClient>(client, 'lostRouting');
