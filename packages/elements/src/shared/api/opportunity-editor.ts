// What <crm-opportunity-editor> asks of the API, through the SDK's own resources and generated types:
// the opportunity (`crm.opportunities.get/update` with `ifMatch`, `move` for a stage change with the
// version it saw and a `lostReason` for a lost stage), its pipeline's stages (`crm.pipelines.get`) and
// the people it can be assigned to (`crm.users.list`). No record type is declared here.
import type { CrmClient as SdkClient, Opportunity, OpportunityMoveParams, OpportunityUpdateParams, User } from '@crm/client-sdk';
import type { CrmClient } from '../../context/client-context.js';
import { isMissingRoute, readProblem } from './errors.js';

export type { Opportunity, OpportunityMoveParams, OpportunityUpdateParams, Pipeline, PipelineStage, User } from '@crm/client-sdk';

/** The SDK resources the opportunity editor calls. */
export type CrmOpportunityClient = Pick<SdkClient, 'opportunities' | 'pipelines' | 'users'>;

/** The context's client as one that has the opportunity resources, or a clear error. */
export function opportunityClient(client: CrmClient | undefined): CrmOpportunityClient {
  const candidate = client as Partial<CrmOpportunityClient> | undefined;
  if (typeof candidate?.opportunities?.get !== 'function' || typeof candidate.pipelines?.get !== 'function') {
    throw new Error('No CRM client: put the element inside a <crm-provider> that has a client of @crm/client-sdk.');
  }
  return candidate as CrmOpportunityClient;
}

/** The people an opportunity can be assigned to, or `[]` when the caller may not list them. */
export async function loadAssignees(client: CrmOpportunityClient, signal?: AbortSignal): Promise<User[]> {
  try {
    const page = await client.users.list({ limit: 200 }, { signal });
    return page.data;
  } catch (error) {
    const problem = readProblem(error);
    if (isMissingRoute(problem) || problem.status === 403) return [];
    throw error;
  }
}

/**
 * Saves an edit: the changed fields with `If-Match` (only if nobody saved meanwhile), then, when the
 * stage changed, the move, with the version the update answered (and the reason for a lost stage).
 */
export async function saveOpportunity(
  client: CrmOpportunityClient,
  record: Opportunity,
  changes: OpportunityUpdateParams,
  move: Omit<OpportunityMoveParams, 'version'> | undefined,
  signal?: AbortSignal,
): Promise<Opportunity> {
  let saved = record;
  if (Object.keys(changes).length > 0) saved = await client.opportunities.update(record.id, changes, { ifMatch: record.version, signal });
  if (move) saved = await client.opportunities.move(record.id, { ...move, version: saved.version }, { signal });
  return saved;
}
