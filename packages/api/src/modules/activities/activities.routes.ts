import { idParams } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { recordRoutes } from '../../platform/records/record-routes.js';
import type { RecordService } from '../../platform/records/record-service.js';
import type { SubjectType } from '../tasks/task.model.js';
import type { Activity } from './activity.model.js';
import { activitySchema, createActivityBody, timelineQuery, timelineSchema, updateActivityBody } from './activity.schema.js';
import type { ActivitiesService } from './activities.service.js';
import type { TimelineService } from './timeline.service.js';

const plural: Record<SubjectType, string> = { contact: 'contacts', customer: 'customers', lead: 'leads', opportunity: 'opportunities' };
const Names: Record<SubjectType, string> = { contact: 'Contact', customer: 'Customer', lead: 'Lead', opportunity: 'Opportunity' };

/** The activity log routes and a timeline route on each record type that exists. */
export function activityRoutes(service: ActivitiesService, timeline: TimelineService, timelineTypes: SubjectType[]): RouteSpec[] {
  return [
    ...recordRoutes({ service: service as unknown as RecordService<Activity>, path: '/activities', tag: 'Activities', singular: 'activity', plural: 'activities', dto: activitySchema, create: createActivityBody, update: updateActivityBody }),
    ...timelineTypes.map((type) =>
      defineRoute({
        method: 'get',
        path: `/${plural[type]}/{id}/timeline`,
        operationId: `get${Names[type]}Timeline`,
        summary: `A ${type}'s timeline`,
        description: `Activities, tasks and status changes of the ${type}${type === 'opportunity' ? ' (and its stage changes)' : ''}, newest first. Page with \`before\` = the previous page's \`nextBefore\`.`,
        tags: ['Activities'],
        access: access.permission(type, 'read'),
        params: idParams,
        query: timelineQuery,
        success: { status: 200, description: 'A page of the timeline', schema: timelineSchema },
        handler: ({ params, query, req }) => timeline.timeline(req.principal!, type, params.id, query),
      }),
    ),
  ];
}
