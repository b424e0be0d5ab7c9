import { idParams, listOf } from '../../platform/http/common.schema.js';
import { access, defineRoute, jsonOnce, type RouteSpec } from '../../platform/http/route.js';
import { clientOf, recordRoutes } from '../../platform/records/record-routes.js';
import type { RecordService } from '../../platform/records/record-service.js';
import type { Opportunity } from './opportunity.model.js';
import { boardColumnParams, boardColumnQuery, boardQuery, boardSchema, createOpportunityBody, moveOpportunityBody, opportunitySchema, stageHistorySchema, updateOpportunityBody } from './opportunity.schema.js';
import type { OpportunitiesService } from './opportunities.service.js';

/** The opportunity routes: the standard record set plus stage moves, stage history and the pipeline board. */
export function opportunityRoutes(service: OpportunitiesService): RouteSpec[] {
  return [
    ...recordRoutes({
      service: service as unknown as RecordService<Opportunity>,
      path: '/opportunities',
      tag: 'Opportunities',
      singular: 'opportunity',
      plural: 'opportunities',
      dto: opportunitySchema,
      create: createOpportunityBody,
      update: updateOpportunityBody,
    }),
    defineRoute({
      method: 'post',
      path: '/opportunities/{id}/move',
      operationId: 'moveOpportunity',
      summary: 'Move an opportunity to another stage',
      description:
        'Moves the card to `stage` (optionally to `position` in that column, or to another pipeline) if it is still at `version`; a stale version answers 409 version_conflict with the current record in `current`. Moving into a won or lost stage sets the outcome (a lost one needs `lostReason`) and records the change in the stage history.',
      tags: ['Opportunities'],
      access: access.permission('opportunity', 'update'),
      params: idParams,
      body: moveOpportunityBody,
      success: { status: 200, description: 'The opportunity in its new stage', schema: opportunitySchema },
      errors: [403, 409],
      handler: ({ params, body, req }) => service.move(req.principal!, params.id, body, clientOf(req)),
    }),
    defineRoute({
      method: 'get',
      path: '/opportunities/{id}/stage-history',
      operationId: 'listOpportunityStageHistory',
      summary: 'An opportunity’s stage changes',
      tags: ['Opportunities'],
      access: access.permission('opportunity', 'read'),
      params: idParams,
      success: { status: 200, description: 'Every stage change, newest first', schema: stageHistorySchema },
      handler: ({ params, req }) => service.stageHistory(req.principal!, params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/pipelines/{id}/board',
      operationId: 'getPipelineBoard',
      summary: 'Load a pipeline board',
      description:
        'The open opportunities of the pipeline that you may see, per stage in board order, with each column’s count and amount totals (per currency) over every matching card. `perStage` bounds the cards returned per column.',
      tags: ['Pipelines'],
      access: access.permission('opportunity', 'read'),
      params: idParams,
      query: boardQuery,
      success: { status: 200, description: 'The board', schema: boardSchema },
      // Boards are cached per pipeline revision: each cached board is serialized once, not per request.
      handler: async ({ params, query, req }) => jsonOnce(await service.board(req.principal!, params.id, query)),
    }),
    defineRoute({
      method: 'get',
      path: '/pipelines/{id}/board/{stage}',
      operationId: 'listPipelineBoardColumn',
      summary: 'Load more cards of a board column',
      description:
        'The next open opportunities of one stage that you may see, in board order (rank, then id), after the column’s `nextCursor` from the board or the previous page, with the board’s filters. Reads only that stage’s deals.',
      tags: ['Pipelines'],
      access: access.permission('opportunity', 'read'),
      params: boardColumnParams,
      query: boardColumnQuery,
      success: { status: 200, description: 'A page of the column', schema: listOf(opportunitySchema, 'PipelineBoardColumnPage') },
      handler: ({ params, query, req }) => service.boardColumn(req.principal!, params.id, params.stage, query),
    }),
  ];
}
