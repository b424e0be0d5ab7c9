import type { Connection, Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { op } from '../../platform/db/operators.js';
import { transitionModel } from '../../platform/workflow/workflow.model.js';
import { stageChangeModel } from '../opportunities/opportunity.model.js';
import { ticketTimelineItems } from '../support/ticket-timeline.js';
import type { SubjectRegistry } from '../tasks/subjects.js';
import type { SubjectType } from '../tasks/task.model.js';
import { taskModel } from '../tasks/task.model.js';
import { toTaskDto } from '../tasks/tasks.service.js';
import { activityModel } from './activity.model.js';
import { toActivityDto } from './activities.service.js';

interface TimelineItem {
  kind: 'activity' | 'task' | 'statusChange' | 'stageChange' | 'ticket';
  id: string;
  at: Date;
  title: string;
  byUserId: string | null;
  data: Record<string, unknown>;
}

/**
 * A record's timeline: its activities, tasks, status transitions, (for opportunities) stage changes and
 * (for contacts and accounts) the tickets they opened, got answers on and had resolved, newest first. Whoever may see the record sees its whole timeline; the subject's record service
 * decides that (404 otherwise).
 */
export function createTimelineService(connection: Connection, subjects: SubjectRegistry) {
  const Activity = activityModel(connection);
  const Task = taskModel(connection);
  const Transition = transitionModel(connection);
  const StageChange = stageChangeModel(connection);

  return {
    async timeline(principal: Principal, type: SubjectType, id: string, query: { limit: number; before?: string | undefined }) {
      const subject = await subjects[type]!.findVisible(principal, id, 'read');
      const tenantId: Types.ObjectId = principal.tenantId;
      const before = query.before ? new Date(query.before) : null;
      const take = query.limit + 1;
      const [activities, tasks, transitions, stageChanges, tickets] = await Promise.all([
        Activity.find({ tenantId, subjectId: subject._id, ...(before ? { occurredAt: op({ $lt: before }) } : {}) }).sort({ occurredAt: -1, _id: -1 }).limit(take).lean(),
        Task.find({ tenantId, subjectId: subject._id, ...(before ? { createdAt: op({ $lt: before }) } : {}) }).sort({ createdAt: -1, _id: -1 }).limit(take).lean(),
        Transition.find({ tenantId, recordId: subject._id, ...(before ? { at: op({ $lt: before }) } : {}) }).sort({ at: -1, _id: -1 }).limit(take).lean(),
        type === 'opportunity' ? StageChange.find({ tenantId, opportunityId: subject._id, ...(before ? { at: op({ $lt: before }) } : {}) }).sort({ at: -1, _id: -1 }).limit(take).lean() : Promise.resolve([]),
        type === 'contact' || type === 'customer' ? ticketTimelineItems(connection, principal, subject._id, { before, take }) : Promise.resolve([]),
      ]);
      const items: TimelineItem[] = [
        ...activities.map((a) => ({ kind: 'activity' as const, id: String(a._id), at: a.occurredAt, title: a.title, byUserId: a.ownerId ? String(a.ownerId) : null, data: toActivityDto(a) })),
        ...tasks.map((t) => ({ kind: 'task' as const, id: String(t._id), at: t.createdAt!, title: t.title, byUserId: t.ownerId ? String(t.ownerId) : null, data: toTaskDto(t) })),
        ...transitions.map((t) => ({ kind: 'statusChange' as const, id: String(t._id), at: t.at, title: t.from ? `Status ${t.from} → ${t.to}` : `Created as ${t.to}`, byUserId: t.byUserId ? String(t.byUserId) : null, data: { from: t.from, to: t.to, note: t.note } })),
        ...stageChanges.map((s) => ({ kind: 'stageChange' as const, id: String(s._id), at: s.at, title: s.fromStage ? `Stage ${s.fromStage} → ${s.toStage}` : `Opened in ${s.toStage}`, byUserId: s.byUserId ? String(s.byUserId) : null, data: { from: s.fromStage, to: s.toStage, probability: s.probability, outcome: s.outcome, lostReason: s.lostReason } })),
        ...tickets,
      ].sort((a, b) => b.at.getTime() - a.at.getTime() || (b.id < a.id ? -1 : 1));
      const page = items.slice(0, query.limit);
      const hasMore = items.length > query.limit;
      return {
        object: 'list' as const,
        data: page.map((i) => ({ ...i, at: i.at.toISOString() })),
        hasMore,
        nextBefore: hasMore ? page[page.length - 1]!.at.toISOString() : null,
      };
    },
  };
}

export type TimelineService = ReturnType<typeof createTimelineService>;
