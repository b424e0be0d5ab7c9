import type { OperationQuery, Schema } from '../core/api-types.js';
import { CrudResource } from '../core/crud-resource.js';
import { requestPage, type PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import type { RequestOptions } from '../core/request-options.js';
import type { QueryParams } from '../internal/query.js';

/** A sales pipeline: its ordered stages with their kind (open, won, lost) and probability. */
export type Pipeline = Schema<'Pipeline'>;
/** One stage of a pipeline. */
export type PipelineStage = Schema<'PipelineStage'>;
/** The body of `crm.pipelines.create`. */
export type PipelineCreateParams = Schema<'PipelineCreate'>;
/** The body of `crm.pipelines.update`. */
export type PipelineUpdateParams = Schema<'PipelineUpdate'>;
/** The query of `crm.pipelines.board`: `ownerId`, `productId`, close date range, `perStage`. */
export type PipelineBoardParams = OperationQuery<'getPipelineBoard'> & QueryParams;
/** A pipeline as a board: a column per stage with its count, totals, first opportunities and `nextCursor`. */
export type PipelineBoard = Schema<'PipelineBoard'>;
/** The query of `crm.pipelines.boardColumn`: the board's filters, `limit` and the column's `cursor`. */
export type PipelineBoardColumnParams = OperationQuery<'listPipelineBoardColumn'> & QueryParams;
/** A card of a board column (an open opportunity). */
export type PipelineBoardCard = Schema<'PipelineBoardColumnPage'>['data'][number];

/**
 * Sales pipelines (`crm.pipelines`): CRUD and the `board` view.
 *
 * @example const board = await crm.pipelines.board(pipeline.id, { perStage: 20 });
 */
export class Pipelines extends CrudResource<Pipeline, PipelineCreateParams, PipelineUpdateParams> {
  protected readonly resource = 'pipelines';

  /** The pipeline as a board: one column per stage. */
  board(id: string, params?: PipelineBoardParams, options?: RequestOptions): Promise<PipelineBoard> {
    return this._transport.get<PipelineBoard>(path`/v1/pipelines/${id}/board`, params, options);
  }

  /**
   * More cards of one board column ("load more" in a stage), in board order: pass the column's
   * `nextCursor` from `board` as `cursor`; await a page, or `for await` every remaining card.
   *
   * @example const more = await crm.pipelines.boardColumn(pipeline.id, 'proposal', { cursor: column.nextCursor, limit: 20 });
   */
  boardColumn(id: string, stage: string, params?: PipelineBoardColumnParams, options?: RequestOptions): PagePromise<PipelineBoardCard> {
    return requestPage<PipelineBoardCard>(this._transport, path`/v1/pipelines/${id}/board/${stage}`, params, options);
  }
}
