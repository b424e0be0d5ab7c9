// What <crm-pipeline-board> asks of the API, through the SDK's resources: the board
// (`crm.pipelines.board`), further cards of a column (`crm.pipelines.boardColumn`, from the
// column's `nextCursor`), moves (`crm.opportunities.move` with `{ stage, version,
// position }`) and live changes (`crm.realtime.subscribe({ resource: 'opportunity', filter: { pipelineId } })`).
import { compactQuery, type CrmCallOptions, type CrmDataClient, type CrmPageLike, type CrmRealtimeEvent } from './transport.js';
import type { Opportunity, PipelineBoard } from './types.js';

export { loadOwners, loadProducts } from './contact-editor.js';

/** Filters the board takes. */
export interface BoardFilter {
  ownerId?: string;
  productId?: string;
  closeAfter?: string;
  closeBefore?: string;
}

/** Loads the board with up to `perStage` cards per column and every column's totals. */
export function loadBoard(client: CrmDataClient, pipelineId: string, filter: BoardFilter, perStage: number, options?: CrmCallOptions): Promise<PipelineBoard> {
  return client.pipelines.board(pipelineId, compactQuery({ ...filter, perStage }), options);
}

/** Pages through one column's cards in board order, after `cursor` (the column's `nextCursor` from the board). */
export async function listColumn(client: CrmDataClient, pipelineId: string, stage: string, filter: BoardFilter, cursor: string | null, options?: CrmCallOptions): Promise<CrmPageLike<Opportunity>> {
  return client.pipelines.boardColumn(pipelineId, stage, compactQuery({ ...filter, limit: 200, cursor: cursor ?? undefined }), options) as Promise<CrmPageLike<Opportunity>>;
}

/** Moves a card to `stage` at `position`, if it is still at `version`. */
export function moveCard(client: CrmDataClient, id: string, move: { stage: string; version: number; position?: number }, options?: CrmCallOptions): Promise<Opportunity> {
  return client.opportunities.move(id, move, options);
}

/** Calls `handler` for every change to an opportunity of the pipeline; returns the unsubscribe function. */
export function watchPipeline(
  client: CrmDataClient,
  pipelineId: string,
  handler: (event: CrmRealtimeEvent<Opportunity>) => void,
  onError?: (error: Error) => void,
): () => void {
  if (!client.realtime) return () => undefined;
  return client.realtime.subscribe({ resource: 'opportunity', filter: { pipelineId } }, handler, onError ? { onError } : {});
}
