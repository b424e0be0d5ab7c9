import { Types, type Connection } from 'mongoose';
import { visibilityFilter } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { claimOnce } from '../../platform/db/claim-once.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { DomainEvent, EventBus } from '../../platform/events.js';
import { iso, id } from '../../platform/records/dto.js';
import { registerListedKind, syncListRow, type ListedKind } from '../../platform/lists/list-rows.js';
import { keptRowPage } from '../../platform/lists/list-page-cache.js';
import type { RecordDeps } from '../../platform/records/record-service.js';
import type { WorkflowEngine } from '../../platform/workflow/workflow-engine.js';
import { quoteModel, type Quote } from '../quotes/quote.model.js';
import { createSystemTask } from '../tasks/system-task.js';
import { productionTeamModel, projectModel, type ProductionTeam, type ProductionTeamMember, type Project, type ProjectJob } from './projects.model.js';

const oid = (v: unknown) => (typeof v === 'string' && /^[a-f0-9]{24}$/i.test(v) ? new Types.ObjectId(v) : null);

const toTeamDto = (customerId: Types.ObjectId, team: ProductionTeam | null) => ({
  customerId: String(customerId),
  members: (team?.members ?? []).map((m) => ({ userId: String(m.userId), taskType: m.taskType ?? null, spec: m.spec ?? null, role: m.role ?? null })),
  version: team?.version ?? 0,
});

/** The public shape of a project. */
export const toProjectDto = (p: Project) => ({
  id: String(p._id),
  opportunityId: String(p.opportunityId),
  customerId: id(p.customerId),
  quoteId: id(p.quoteId),
  name: p.name,
  outcome: p.outcome,
  amount: p.amount,
  currency: p.currency,
  status: p.status,
  jobs: p.jobs.map((j) => ({ title: j.title, taskType: j.taskType ?? null, spec: j.spec ?? null, quantity: j.quantity, unit: j.unit ?? null, assigneeIds: j.assigneeIds.map(String), taskIds: j.taskIds.map(String) })),
  ownerId: id(p.ownerId),
  wonAt: iso(p.wonAt) ?? '',
  createdAt: iso(p.createdAt) ?? '',
});

/** The team members who work on a job: those whose task type and spec match (null matches every one). */
export function staffFor(members: ProductionTeamMember[], job: Pick<ProjectJob, 'taskType' | 'spec'>): Types.ObjectId[] {
  const out: Types.ObjectId[] = [];
  for (const m of members) {
    if (m.taskType && m.taskType !== job.taskType) continue;
    if (m.spec && m.spec !== job.spec) continue;
    if (!out.some((o) => o.equals(m.userId))) out.push(m.userId);
  }
  return out;
}

/** The jobs of a win: the lines of the accepted quote (else the newest), or the deal itself when it has no quote. */
function jobsOf(quote: Quote | null, record: Record<string, unknown>): Omit<ProjectJob, 'assigneeIds' | 'taskIds'>[] {
  if (quote?.lines.length) {
    return quote.lines.map((l) => ({ title: l.description, taskType: String(l.serviceId), spec: String(l.specId), quantity: (l.quantityMilli ?? 1000) / 1000, unit: l.unit ?? null }));
  }
  return [{ title: typeof record.name === 'string' ? record.name : 'Project work', taskType: null, spec: null, quantity: 1, unit: null }];
}

/**
 * From won deal to project (issue 23.6): `opportunity.won` (won or partially won) creates one project per
 * win with its jobs, staffs each job from the account's production team per task type and spec, and
 * creates a task for each staffed member (the deal's owner gets one for a job nobody on the team covers).
 */
export function createProjectsService(deps: { connection: Connection; events: EventBus; workflows: WorkflowEngine; directory: RecordDeps['directory']; customerVisible: (principal: Principal, id: string, action: 'read' | 'update') => Promise<unknown> }) {
  const { connection } = deps;
  const Team = productionTeamModel(connection);
  const Project = projectModel(connection);
  // The list reads list rows by equality on write-order buckets (platform/lists), never every project of the agency.
  const listed: ListedKind<Project> = {
    resource: 'project',
    model: Project,
    list: { filters: { customerId: { path: 'customerId', kind: 'id' }, opportunityId: { path: 'opportunityId', kind: 'id' }, status: { path: 'status', kind: 'string' } }, sorts: {} },
    toDto: toProjectDto,
  };
  registerListedKind(connection, listed);

  async function onWon(event: DomainEvent): Promise<void> {
    const opportunityId = oid(event.resourceId);
    if (!opportunityId) return;
    const record = event.record ?? {};
    const wonAt = typeof record.closedAt === 'string' ? new Date(record.closedAt) : event.at;
    const winKey = `${opportunityId}:${wonAt.getTime()}`;
    if (!(await claimOnce(connection, `project:${String(event.tenantId)}:${winKey}`))) return;
    const customerId = oid(record.customerId);
    const quotes = await quoteModel(connection).find({ tenantId: event.tenantId, opportunityId }).sort({ _id: -1 }).limit(20).lean();
    const quote = quotes.find((q) => q.status === 'accepted') ?? quotes[0] ?? null;
    const team = customerId ? await Team.findOne({ tenantId: event.tenantId, customerId }).lean() : null;
    const ownerId = oid(record.ownerId);
    const jobs: ProjectJob[] = jobsOf(quote, record).map((j) => ({ ...j, assigneeIds: staffFor(team?.members ?? [], j), taskIds: [] }));
    const outcome = event.data?.outcome === 'partially_won' || record.outcome === 'partially_won' ? 'partially_won' : 'won';
    const name = typeof record.name === 'string' ? record.name : 'Project';
    let project: Project;
    try {
      project = (
        await Project.create({
          tenantId: event.tenantId, winKey, opportunityId, customerId, quoteId: quote?._id ?? null, name, outcome,
          amount: Number(record.amount ?? 0), currency: String(record.currency ?? 'EUR'), jobs,
          ownerId, teamId: oid(record.teamId), productId: oid(record.productId), departmentId: oid(record.departmentId), wonAt,
        })
      ).toObject();
    } catch (error) {
      if (isDuplicateKeyError(error)) return;
      throw error;
    }
    await syncListRow(connection, listed, event.tenantId, project._id, project, { created: true, recheck: false });
    for (const [i, job] of project.jobs.entries()) {
      const people = job.assigneeIds.length ? job.assigneeIds : ownerId ? [ownerId] : [];
      for (const userId of people) {
        const staffed = job.assigneeIds.length > 0;
        const taskId = await createSystemTask(deps, {
          tenantId: event.tenantId,
          autoKey: `project:${String(project._id)}:${i}:${String(userId)}`,
          kind: 'todo',
          title: staffed ? `${job.title} — ${name}` : `Staff the job ${job.title} — ${name}`,
          description: staffed
            ? `Job ${i + 1} of the project from the ${outcome === 'partially_won' ? 'partially won' : 'won'} deal "${name}" (${job.quantity}${job.unit ? ` ${job.unit}` : ''}).`
            : `Nobody on the account's production team covers this job's task type and spec: assign someone, or add a team member for it.`,
          subject: { type: 'opportunity', id: opportunityId },
          assigneeId: userId,
          ownerId: ownerId ?? userId,
          cause: 'opportunity.won',
        });
        job.taskIds.push(taskId);
      }
    }
    await Project.updateOne({ tenantId: event.tenantId, _id: project._id }, { $set: { jobs: project.jobs } });
    await syncListRow(connection, listed, event.tenantId, project._id, undefined, { recheck: false });
    await deps.events.publish({ type: 'project.created', tenantId: event.tenantId, resource: 'project', resourceId: String(project._id), actor: null, record: toProjectDto(project), data: { opportunityId: String(opportunityId), outcome } });
  }

  return {
    onWon,

    async getTeam(principal: Principal, customerId: string) {
      await deps.customerVisible(principal, customerId, 'read');
      const cid = new Types.ObjectId(customerId);
      return toTeamDto(cid, await Team.findOne({ tenantId: principal.tenantId, customerId: cid }).lean());
    },

    /** Replaces the account's production team (the whole list, at the version read). */
    async putTeam(principal: Principal, customerId: string, input: { members: { userId: string; taskType?: string | null | undefined; spec?: string | null | undefined; role?: string | null | undefined }[]; version?: number | undefined }) {
      await deps.customerVisible(principal, customerId, 'update');
      const cid = new Types.ObjectId(customerId);
      const members: ProductionTeamMember[] = [];
      for (const [i, m] of input.members.entries()) {
        const userId = new Types.ObjectId(m.userId);
        if (!(await deps.directory.user(principal.tenantId, userId))) throw AppError.invalidField(`members.${i}.userId`, 'is not a user of this agency');
        members.push({ userId, taskType: m.taskType ?? null, spec: m.spec ?? null, role: m.role ?? null });
      }
      const existing = await Team.findOne({ tenantId: principal.tenantId, customerId: cid }).lean();
      const current = existing?.version ?? 0;
      if (input.version !== undefined && input.version !== current) throw new AppError('version_conflict', 'The production team changed meanwhile; reload and try again', { extensions: { current: toTeamDto(cid, existing) } });
      if (existing) {
        const written = await Team.updateOne({ tenantId: principal.tenantId, _id: existing._id, version: current }, { $set: { members }, $inc: { version: 1 } });
        if (!written.modifiedCount) throw new AppError('version_conflict', 'The production team changed meanwhile; reload and try again');
      } else {
        try {
          await Team.create({ tenantId: principal.tenantId, customerId: cid, members, version: 1 });
        } catch (error) {
          if (isDuplicateKeyError(error)) throw new AppError('version_conflict', 'The production team was created meanwhile; reload and try again');
          throw error;
        }
      }
      return toTeamDto(cid, await Team.findOne({ tenantId: principal.tenantId, customerId: cid }).lean());
    },

    /** Projects whose deal the principal may see, newest first. */
    async list(principal: Principal, query: { customerId?: string | undefined; opportunityId?: string | undefined; status?: 'open' | 'done' | undefined; limit: number; cursor?: string | undefined }) {
      const filter: Record<string, unknown> = { ...visibilityFilter(principal, 'opportunity') };
      if (query.customerId) filter.customerId = new Types.ObjectId(query.customerId);
      if (query.opportunityId) filter.opportunityId = new Types.ObjectId(query.opportunityId);
      if (query.status) filter.status = query.status;
      const page = await keptRowPage(connection, { tenantId: principal.tenantId, kind: listed.resource, order: 'c', direction: -1, filter, limit: query.limit, cursor: query.cursor });
      return { object: 'list' as const, data: page.rows.map((row) => row.item as ReturnType<typeof toProjectDto>), hasMore: page.hasMore, nextCursor: page.nextCursor };
    },

    async get(principal: Principal, projectId: string) {
      const found = await Project.findOne({ ...visibilityFilter(principal, 'opportunity'), _id: new Types.ObjectId(projectId) }).lean();
      if (!found) throw AppError.notFound('Project');
      return toProjectDto(found);
    },
  };
}

export type ProjectsService = ReturnType<typeof createProjectsService>;
