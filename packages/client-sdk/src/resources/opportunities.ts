import type { OperationQuery, Schema } from '../core/api-types.js';
import { RecordResource } from '../core/crud-resource.js';
import { path } from '../core/path.js';
import type { ListParams } from '../core/pagination.js';
import type { RequestOptions } from '../core/request-options.js';
import type { QueryParams } from '../internal/query.js';

/** A sales opportunity: amount, currency, probability, its pipeline and stage. */
export type Opportunity = Schema<'Opportunity'>;
/** The body of `crm.opportunities.create`. */
export type OpportunityCreateParams = Schema<'OpportunityCreate'>;
/** The body of `crm.opportunities.update`: only the fields sent change (stages change with `move`). */
export type OpportunityUpdateParams = Schema<'OpportunityUpdate'>;
/** The query of `crm.opportunities.list`: paging, `q`, `sort` and filters such as `pipelineId`, `stage`. */
export type OpportunityListParams = OperationQuery<'listOpportunities'> & ListParams;
/** The query of `crm.opportunities.export`. */
export type OpportunityExportParams = OperationQuery<'exportOpportunities'> & QueryParams;
/** The body of `crm.opportunities.move`: the target stage, the `version` you saw, the place in the column. */
export type OpportunityMoveParams = Schema<'OpportunityMove'>;
/** One stage change of an opportunity. */
export type OpportunityStageChange = Schema<'OpportunityStageHistory'>['data'][number];

/**
 * Opportunities (`crm.opportunities`): the record routes, stage moves (with the version you last saw, so a
 * stale board answers `version_conflict`) and the stage history.
 *
 * @example await crm.opportunities.move(deal.id, { stage: 'proposal', version: deal.version });
 */
export class Opportunities extends RecordResource<Opportunity, OpportunityCreateParams, OpportunityUpdateParams, OpportunityListParams, OpportunityExportParams> {
  protected readonly resource = 'opportunities';

  /** Moves an opportunity to another stage (or place in its column); a stale `version` answers 409 `version_conflict`. */
  move(id: string, params: OpportunityMoveParams, options?: RequestOptions): Promise<Opportunity> {
    return this._transport.post<Opportunity>(path`/v1/opportunities/${id}/move`, params, options);
  }

  /** Every stage change of an opportunity, newest first. */
  async history(id: string, options?: RequestOptions): Promise<OpportunityStageChange[]> {
    const answer = await this._transport.get<Schema<'OpportunityStageHistory'>>(path`/v1/opportunities/${id}/stage-history`, undefined, options);
    return answer.data;
  }
}
