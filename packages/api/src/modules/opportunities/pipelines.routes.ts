import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, Reply, type RouteSpec } from '../../platform/http/route.js';
import { ifMatchVersion } from '../../platform/records/record-routes.js';
import { createPipelineBody, pipelineList, pipelineSchema, updatePipelineBody } from './pipeline.schema.js';
import type { PipelinesService } from './pipelines.service.js';

/** Pipeline configuration routes (`pipeline:*`); the board is with the opportunity routes. */
export function pipelineRoutes(service: PipelinesService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/pipelines',
      operationId: 'listPipelines',
      summary: 'List pipelines',
      description: 'Every pipeline of the agency; the default one is created on first use.',
      tags: ['Pipelines'],
      access: access.permission('pipeline', 'read'),
      success: { status: 200, description: 'The pipelines', schema: pipelineList },
      handler: ({ req }) => service.list(req.principal!),
    }),
    defineRoute({
      method: 'post',
      path: '/pipelines',
      operationId: 'createPipeline',
      summary: 'Create a pipeline',
      tags: ['Pipelines'],
      access: access.permission('pipeline', 'create'),
      body: createPipelineBody,
      success: { status: 201, description: 'The created pipeline', schema: pipelineSchema },
      errors: [409],
      handler: ({ body, req }) => service.create(req.principal!, body),
    }),
    defineRoute({
      method: 'get',
      path: '/pipelines/{id}',
      operationId: 'getPipeline',
      summary: 'Get a pipeline',
      tags: ['Pipelines'],
      access: access.permission('pipeline', 'read'),
      params: idParams,
      success: { status: 200, description: 'The pipeline', schema: pipelineSchema },
      handler: ({ params, req }) => service.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/pipelines/{id}',
      operationId: 'updatePipeline',
      summary: 'Update a pipeline',
      description: 'Renames it, makes it the default, or replaces its stages (a stage that still holds opportunities cannot be removed: 409). Send `If-Match: <version>` for a conditional update.',
      tags: ['Pipelines'],
      access: access.permission('pipeline', 'update'),
      params: idParams,
      body: updatePipelineBody,
      success: { status: 200, description: 'The updated pipeline', schema: pipelineSchema },
      errors: [409],
      ifMatch: 'optional',
      handler: ({ params, body, req }) => service.update(req.principal!, params.id, body, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'delete',
      path: '/pipelines/{id}',
      operationId: 'deletePipeline',
      summary: 'Delete an empty pipeline',
      tags: ['Pipelines'],
      access: access.permission('pipeline', 'delete'),
      params: idParams,
      success: { status: 204, description: 'Deleted' },
      errors: [409],
      handler: async ({ params, req }) => {
        await service.remove(req.principal!, params.id);
        return new Reply(204);
      },
    }),
  ];
}
