import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { op } from '../../platform/db/operators.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import { writeNextVersion, writeVersion } from '../../platform/records/version-claims.js';
import type { EventBus } from '../../platform/events.js';
import { createFreshRead } from '../../platform/fresh-read.js';
import { opportunityModel } from './opportunity.model.js';
import { defaultPipeline, pipelineModel, type Pipeline, type PipelineStage } from './pipeline.model.js';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : '');

/** The public shape of a pipeline. */
export function toPipelineDto(p: Pipeline) {
  return {
    id: String(p._id),
    name: p.name,
    description: p.description ?? null,
    isDefault: p.isDefault,
    stages: p.stages.map((s) => ({ key: s.key, name: s.name, probability: s.probability, kind: s.kind })),
    version: p.version ?? 0,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}

export interface PipelineInput {
  name?: string | undefined;
  description?: string | null | undefined;
  isDefault?: boolean | undefined;
  stages?: PipelineStage[] | undefined;
}

function oid(id: string): Types.ObjectId {
  if (!/^[a-f0-9]{24}$/i.test(id)) throw AppError.notFound('Pipeline');
  return new Types.ObjectId(id);
}

/**
 * Pipelines are tenant configuration: ordered stages with default probabilities. Every tenant gets the
 * default pipeline on first use; stages that still hold opportunities cannot be removed.
 */
export function createPipelinesService(connection: Connection, events: EventBus) {
  const Pipeline = pipelineModel(connection);
  const Opportunity = opportunityModel(connection);

  /** Seeds the default pipeline when the tenant has none (safe under races: names are unique per tenant). */
  async function ensureDefault(tenantId: Types.ObjectId): Promise<void> {
    if (await Pipeline.exists({ tenantId })) return;
    try {
      await Pipeline.create({ tenantId, ...defaultPipeline });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async function find(principal: Principal, id: string): Promise<Pipeline> {
    // No ensureDefault here: a pipeline named by id exists already or is not found (the default's id is made
    // with it, so nobody can ask for it before); an `exists` read on every board load was half its commands.
    const pipeline = await Pipeline.findOne({ tenantId: principal.tenantId, _id: oid(id) }).lean();
    if (!pipeline) throw AppError.notFound('Pipeline');
    return pipeline;
  }

  // `<tenantId>:<pipelineId>` read by the board loads of the same moment once (platform/fresh-read.ts).
  const readShared = createFreshRead(async (key) => {
    const [tenantId, id] = key.split(':') as [string, string];
    return Pipeline.findOne({ tenantId: new Types.ObjectId(tenantId), _id: new Types.ObjectId(id) }).lean();
  });

  /**
   * The pipeline as `find` gives it, read at or after `asOf` (performance.now() when the request asked) and
   * shared with the callers of the same moment: every board load reads its pipeline (its stages, and the
   * `boardRev` its deals' writes move), and fifty people opening the board at once need one read, not fifty.
   * The document is shared: callers do not change it.
   */
  async function findFresh(principal: Principal, id: string, asOf: number): Promise<Pipeline> {
    const pipeline = await readShared(`${String(principal.tenantId)}:${oid(id).toHexString()}`, asOf);
    if (!pipeline) throw AppError.notFound('Pipeline');
    return pipeline;
  }

  async function clearOtherDefaults(tenantId: Types.ObjectId, keep: Types.ObjectId) {
    await Pipeline.updateMany({ tenantId, isDefault: true, _id: op({ $ne: keep }) }, { $set: { isDefault: false } });
  }

  /**
   * Deals keep a copy of their stage's kind for the board: after a stage's kind changed, each deal still
   * in that stage takes the new kind as a versioned write of its own (so a concurrent move is neither lost
   * nor overwritten, and its list row follows), 16 at a time.
   */
  async function followStageKind(tenantId: Types.ObjectId, pipelineId: Types.ObjectId, stage: string, kind: PipelineStage['kind']): Promise<void> {
    const ids = (await Opportunity.find({ tenantId, pipelineId, stage }).select({ _id: 1 }).lean()).map((d) => d._id);
    for (let i = 0; i < ids.length; i += 16) {
      await Promise.all(
        ids.slice(i, i + 16).map((id) =>
          writeNextVersion(Opportunity, tenantId, id, (deal) => (deal.pipelineId.equals(pipelineId) && deal.stage === stage && deal.stageKind !== kind ? { $set: { stageKind: kind } } : null)),
        ),
      );
    }
  }

  const publish = (principal: Principal, type: string, pipeline: Pipeline | null, id: Types.ObjectId) =>
    events.publish({
      type: `pipeline.${type}`,
      tenantId: principal.tenantId,
      resource: 'pipeline',
      resourceId: String(id),
      actor: { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId },
      record: pipeline ? toPipelineDto(pipeline) : undefined,
    });

  return {
    ensureDefault,
    find,
    findFresh,

    /** The tenant's default pipeline (seeding it on first use). */
    async defaultFor(tenantId: Types.ObjectId): Promise<Pipeline> {
      await ensureDefault(tenantId);
      return (await Pipeline.findOne({ tenantId, isDefault: true }).lean()) ?? (await Pipeline.findOne({ tenantId }).sort({ _id: 1 }).lean())!;
    },

    async list(principal: Principal) {
      await ensureDefault(principal.tenantId);
      const rows = await Pipeline.find({ tenantId: principal.tenantId }).sort({ _id: 1 }).limit(200).lean();
      return { object: 'list' as const, data: rows.map(toPipelineDto) };
    },

    async get(principal: Principal, id: string) {
      return toPipelineDto(await find(principal, id));
    },

    async create(principal: Principal, input: Required<Pick<PipelineInput, 'name' | 'stages'>> & PipelineInput) {
      await ensureDefault(principal.tenantId);
      let created: Pipeline;
      try {
        created = (await Pipeline.create({ tenantId: principal.tenantId, name: input.name, description: input.description ?? null, isDefault: input.isDefault ?? false, stages: input.stages })).toObject();
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new AppError('conflict', `A pipeline named '${input.name}' already exists`);
        throw error;
      }
      if (created.isDefault) await clearOtherDefaults(principal.tenantId, created._id);
      await publish(principal, 'created', created, created._id);
      return toPipelineDto(created);
    },

    /** Updates name, default flag or stages; with `ifMatch`, only at that version. */
    async update(principal: Principal, id: string, patch: PipelineInput, ifMatch?: number) {
      const existing = await find(principal, id);
      if (ifMatch !== undefined && existing.version !== ifMatch) {
        throw new AppError('version_conflict', `Pipeline was changed by someone else (now version ${existing.version}); reload and try again`, { extensions: { current: toPipelineDto(existing) } });
      }
      const set: Record<string, unknown> = { updatedAt: new Date() };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.description !== undefined) set.description = patch.description;
      if (patch.isDefault === true) set.isDefault = true;
      if (patch.isDefault === false && existing.isDefault) throw AppError.invalidField('isDefault', 'cannot be cleared; make another pipeline the default instead');
      if (patch.stages) {
        const kept = new Set(patch.stages.map((s) => s.key));
        const removed = existing.stages.filter((s) => !kept.has(s.key)).map((s) => s.key);
        for (const stage of removed) {
          const used = await Opportunity.countDocuments({ tenantId: principal.tenantId, pipelineId: existing._id, stage });
          if (used) throw new AppError('conflict', `Stage '${stage}' still holds ${used} opportunities; move them before removing the stage`, { extensions: { stage, count: used } });
        }
        set.stages = patch.stages;
      }
      let written;
      try {
        written = await writeVersion(Pipeline, existing, { $set: set });
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new AppError('conflict', `A pipeline named '${patch.name}' already exists`);
        throw error;
      }
      if (!written) {
        const current = await find(principal, id);
        throw new AppError('version_conflict', 'Pipeline was changed by someone else; reload and try again', { extensions: { current: toPipelineDto(current) } });
      }
      if (patch.stages) {
        // Opportunities keep a copy of their stage's kind for the board; follow a changed kind.
        for (const stage of patch.stages) {
          const before = existing.stages.find((s) => s.key === stage.key);
          if (before && before.kind !== stage.kind) {
            await followStageKind(principal.tenantId, existing._id, stage.key, stage.kind);
          }
        }
      }
      if (set.isDefault) await clearOtherDefaults(principal.tenantId, existing._id);
      const updated = (await Pipeline.findOne({ tenantId: principal.tenantId, _id: existing._id }).lean())!;
      await publish(principal, 'updated', updated, updated._id);
      return toPipelineDto(updated);
    },

    /** Deletes an empty pipeline; the default passes to the oldest remaining one. */
    async remove(principal: Principal, id: string) {
      const existing = await find(principal, id);
      const used = await Opportunity.countDocuments({ tenantId: principal.tenantId, pipelineId: existing._id });
      if (used) throw new AppError('conflict', `The pipeline still holds ${used} opportunities; move or delete them first`, { extensions: { count: used } });
      const others = await Pipeline.find({ tenantId: principal.tenantId, _id: op({ $ne: existing._id }) }).sort({ _id: 1 }).limit(1).lean();
      if (!others.length) throw new AppError('conflict', 'A tenant keeps at least one pipeline');
      await Pipeline.deleteOne({ tenantId: principal.tenantId, _id: existing._id });
      if (existing.isDefault) await Pipeline.updateOne({ tenantId: principal.tenantId, _id: others[0]!._id }, { $set: { isDefault: true } });
      await publish(principal, 'deleted', null, existing._id);
    },
  };
}

export type PipelinesService = ReturnType<typeof createPipelinesService>;
