// What <crm-pipeline-board> asks of the API: the board (`GET /v1/pipelines/{id}/board`), further cards
// of a column (`GET /v1/opportunities?pipelineId=&stage=&sort=rank`), moves
// (`POST /v1/opportunities/{id}/move` with `{ stage, version, position }`) and live changes
// (`client.realtime.subscribe({ resource: 'opportunity', filter: { pipelineId } })`). The SDK's
// `crm.pipelines.board` / `crm.opportunities.move` are used when present.
import { compactQuery, path, transportPage, type CrmCallOptions, type CrmDataClient, type CrmPageLike, type CrmRealtimeEvent } from './transport.js';
import type { Opportunity, PipelineBoard } from './types.js';

export { loadOwners, loadProducts } from './contact-editor.js';

/** Filters the board takes. */
export interface BoardFilter {
  ownerId?: string;
  productId?: string;
  closeAfter?: string;
  closeBefore?: string;
}

interface PipelinesLike {
  board(id: string, params?: object, options?: CrmCallOptions): Promise<PipelineBoard>;
}
interface OpportunitiesLike {
  move(id: string, params: { stage: string; version: number; position?: number }, options?: CrmCallOptions): Promise<Opportunity>;
}

/** Loads the board with up to `perStage` cards per column and every column's totals. */
export function loadBoard(client: CrmDataClient, pipelineId: string, filter: BoardFilter, perStage: number, options?: CrmCallOptions): Promise<PipelineBoard> {
  const query = compactQuery({ ...filter, perStage });
  const pipelines = (client as unknown as { pipelines?: Partial<PipelinesLike> }).pipelines;
  if (typeof pipelines?.board === 'function') return pipelines.board(pipelineId, query, options);
  return client.transport.get<PipelineBoard>(path`/v1/pipelines/${pipelineId}/board`, query, options);
}

/** Pages through one column's cards in board order. */
export function listColumn(client: CrmDataClient, pipelineId: string, stage: string, filter: BoardFilter, options?: CrmCallOptions): Promise<CrmPageLike<Opportunity>> {
  const { closeAfter, closeBefore, ...rest } = filter;
  const query = compactQuery({ ...rest, pipelineId, stage, sort: 'rank', limit: 200, 'expectedCloseDate.gte': closeAfter, 'expectedCloseDate.lte': closeBefore });
  return transportPage<Opportunity>(client, '/v1/opportunities', query, options);
}

/** Moves a card to `stage` at `position`, if it is still at `version`. */
export function moveCard(client: CrmDataClient, id: string, move: { stage: string; version: number; position?: number }, options?: CrmCallOptions): Promise<Opportunity> {
  const opportunities = (client as unknown as { opportunities?: Partial<OpportunitiesLike> }).opportunities;
  if (typeof opportunities?.move === 'function') return opportunities.move(id, move, options);
  return client.transport.post<Opportunity>(path`/v1/opportunities/${id}/move`, move, options);
}

/** Calls `handler` for every change to an opportunity of the pipeline; returns the unsubscribe function. */
export function watchPipeline(
  client: CrmDataClient,
  pipelineId: string,
  handler: (event: CrmRealtimeEvent<Opportunity>) => void,
  onError?: (error: Error) => void,
): () => void {
  if (!client.realtime) return () => undefined;
  return client.realtime.subscribe<Opportunity>({ resource: 'opportunity', filter: { pipelineId } }, handler, onError ? { onError } : {});
}
