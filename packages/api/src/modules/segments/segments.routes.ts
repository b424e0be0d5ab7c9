import { idParams, listOf } from '../../platform/http/common.schema.js';
import { access, defineRoute, Reply, type RouteSpec } from '../../platform/http/route.js';
import { z } from '../../platform/http/zod.js';
import { ifMatchVersion } from '../../platform/records/record-routes.js';
import { createSegmentBody, segmentCountSchema, segmentListQuery, segmentMembersQuery, segmentSchema, updateSegmentBody } from './segment.schema.js';
import type { SegmentsService } from './segments.service.js';

/** Saved segments: CRUD, members and count (campaign audiences later). */
export function segmentRoutes(service: SegmentsService): RouteSpec[] {
  const tags = ['Segments'];
  return [
    defineRoute({
      method: 'get',
      path: '/segments',
      operationId: 'listSegments',
      summary: 'List segments',
      description: 'Your segments, those shared with your teams and those shared with the agency.',
      tags,
      access: access.permission('segment', 'read'),
      query: segmentListQuery,
      success: { status: 200, description: 'A page of segments', schema: listOf(segmentSchema, 'SegmentList') },
      handler: ({ query, req }) => service.list(req.principal!, query),
    }),
    defineRoute({
      method: 'post',
      path: '/segments',
      operationId: 'createSegment',
      summary: 'Save a segment',
      description: "`filters` takes the same parameters as the resource's list route (industry, country, tag, q, custom.<key>, createdAt.gte…); each is validated now.",
      tags,
      access: access.permission('segment', 'create'),
      body: createSegmentBody,
      success: { status: 201, description: 'The segment', schema: segmentSchema },
      handler: ({ body, req }) => service.create(req.principal!, body),
    }),
    defineRoute({
      method: 'get',
      path: '/segments/{id}',
      operationId: 'getSegment',
      summary: 'Get a segment',
      tags,
      access: access.permission('segment', 'read'),
      params: idParams,
      success: { status: 200, description: 'The segment', schema: segmentSchema },
      handler: ({ params, req }) => service.get(req.principal!, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/segments/{id}',
      operationId: 'updateSegment',
      summary: 'Update a segment',
      description: 'Its owner (or an admin) may change it. Send `If-Match: <version>` for a conditional update.',
      tags,
      access: access.permission('segment', 'create'),
      params: idParams,
      body: updateSegmentBody,
      success: { status: 200, description: 'The segment', schema: segmentSchema },
      errors: [409],
      ifMatch: 'optional',
      handler: ({ params, body, req }) => service.update(req.principal!, params.id, body, ifMatchVersion(req)),
    }),
    defineRoute({
      method: 'delete',
      path: '/segments/{id}',
      operationId: 'deleteSegment',
      summary: 'Delete a segment',
      description: 'Its owner (or an admin) may delete it.',
      tags,
      access: access.permission('segment', 'create'),
      params: idParams,
      success: { status: 204, description: 'Deleted' },
      handler: async ({ params, req }) => {
        await service.remove(req.principal!, params.id);
        return new Reply(204);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/segments/{id}/members',
      operationId: 'listSegmentMembers',
      summary: "List a segment's members",
      description: 'The contacts or customers matching the segment that you may see, cursor-paginated like their list route.',
      tags,
      access: access.permission('segment', 'read'),
      params: idParams,
      query: segmentMembersQuery,
      success: {
        status: 200,
        description: 'A page of members',
        schema: z.object({ object: z.literal('list'), data: z.array(z.record(z.string(), z.unknown())), hasMore: z.boolean(), nextCursor: z.string().nullable() }).openapi('SegmentMembers'),
      },
      handler: ({ params, query, req }) => service.members(req.principal!, params.id, query),
    }),
    defineRoute({
      method: 'get',
      path: '/segments/{id}/count',
      operationId: 'countSegmentMembers',
      summary: "Count a segment's members",
      tags,
      access: access.permission('segment', 'read'),
      params: idParams,
      success: { status: 200, description: 'The number of members you may see', schema: segmentCountSchema },
      handler: ({ params, req }) => service.count(req.principal!, params.id),
    }),
  ];
}
