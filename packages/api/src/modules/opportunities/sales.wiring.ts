import type { Connection } from 'mongoose';
import type { EventBus } from '../../platform/events.js';
import type { RouteSpec } from '../../platform/http/route.js';
import { createRecordService, type RecordDeps } from '../../platform/records/record-service.js';
import { activityRoutes } from '../activities/activities.routes.js';
import { createActivitiesService } from '../activities/activities.service.js';
import { createTimelineService } from '../activities/timeline.service.js';
import type { ContactsService } from '../contacts/contacts.service.js';
import { customerDefinition } from '../customers/customer.definition.js';
import { leadDefinition } from '../leads/lead.definition.js';
import { subscribeAutomaticTasks } from '../tasks/auto-tasks.js';
import type { SubjectRegistry } from '../tasks/subjects.js';
import type { SubjectType } from '../tasks/task.model.js';
import { taskRoutes } from '../tasks/tasks.routes.js';
import { createTasksService } from '../tasks/tasks.service.js';
import { createOpportunitiesService, type LeadConversionInput } from './opportunities.service.js';
import { opportunityRoutes } from './opportunities.routes.js';
import { pipelineRoutes } from './pipelines.routes.js';
import { createPipelinesService } from './pipelines.service.js';

/**
 * Pipelines, opportunities, tasks and activities wired together: tasks, activities and timelines can be
 * about contacts, customers, leads and opportunities (each checked through its own record service), and
 * lead conversion opens its opportunity here.
 */
export function buildSalesModules(options: { connection: Connection; events: EventBus; recordDeps: RecordDeps; contacts: ContactsService }) {
  const { connection, events, recordDeps, contacts } = options;
  const pipelines = createPipelinesService(connection, events);
  const opportunities = createOpportunitiesService(connection, recordDeps, pipelines);
  const subjects: SubjectRegistry = {
    contact: contacts,
    customer: createRecordService(customerDefinition(connection), recordDeps),
    lead: createRecordService(leadDefinition(connection), recordDeps),
    opportunity: opportunities,
  };
  const tasks = createTasksService(connection, recordDeps, subjects);
  const activities = createActivitiesService(connection, recordDeps, subjects);
  const timeline = createTimelineService(connection, subjects);
  subscribeAutomaticTasks(connection, events, recordDeps.workflows);
  const routes: RouteSpec[] = [
    ...pipelineRoutes(pipelines),
    ...opportunityRoutes(opportunities),
    ...taskRoutes(tasks),
    ...activityRoutes(activities, timeline, Object.keys(subjects) as SubjectType[]),
  ];
  return {
    routes,
    pipelines,
    opportunities,
    tasks,
    activities,
    /** For lead conversion: the opportunity of a lead, created at most once. */
    opportunityFromLead: (...args: Parameters<typeof opportunities.createFromLead>) => opportunities.createFromLead(args[0], args[1] as LeadConversionInput, args[2]),
  };
}
