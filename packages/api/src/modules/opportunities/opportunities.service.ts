import { randomUUID } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import { assertWritable, can } from '../../platform/access/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import { writeVersion } from '../../platform/records/version-claims.js';
import { op } from '../../platform/db/operators.js';
import { AppError, duplicateKeyIndexes, isDuplicateKeyError, type FieldError } from '../../platform/errors.js';
import type { Actor } from '../../platform/events.js';
import { combine, cursorCondition, nextCursor, planSort } from '../../platform/records/list-query.js';
import { createRecordService, type RecordDefinition, type RecordDeps } from '../../platform/records/record-service.js';
import { opportunityModel, stageChangeModel, type Opportunity, type Outcome } from './opportunity.model.js';
import { pipelineModel, type Pipeline, type PipelineStage } from './pipeline.model.js';
import { toPipelineDto, type PipelinesService } from './pipelines.service.js';
import { iso } from '../../platform/records/dto.js';

type Client = { ip?: string; userAgent?: string } | undefined;
const idOf = (v: unknown) => (v ? String(v) : null);
const RANK_GAP = 1024;
/** How long a cached board answer may be served at most, whatever its revision (a safety net). */
const BOARD_TTL_MS = 30_000;
const BOARD_CACHE_ENTRIES = 500;

/** The public shape of an opportunity. */
export function toOpportunityDto(o: Opportunity) {
  return {
    id: String(o._id),
    name: o.name,
    description: o.description ?? null,
    customerId: idOf(o.customerId),
    contactIds: (o.contactIds ?? []).map(String),
    amount: o.amount ?? 0,
    currency: o.currency ?? 'EUR',
    weightedAmount: o.weightedAmount ?? 0,
    expectedGrossProfit: o.expectedGrossProfit ?? null,
    probability: o.probability,
    expectedCloseDate: iso(o.expectedCloseDate),
    pipelineId: String(o.pipelineId),
    stage: o.stage,
    stageKind: o.stageKind,
    rank: o.rank ?? 0,
    nextStep: o.nextStep ?? null,
    nextStepDate: iso(o.nextStepDate),
    leadId: idOf(o.leadId),
    leadSource: o.leadSource ?? null,
    campaignId: idOf(o.campaignId),
    outcome: o.outcome ?? null,
    lostReason: o.lostReason ?? null,
    closedAt: iso(o.closedAt),
    stageChangedAt: iso(o.stageChangedAt),
    ownerId: idOf(o.ownerId),
    teamId: idOf(o.teamId),
    productId: idOf(o.productId),
    departmentId: idOf(o.departmentId),
    tags: o.tags ?? [],
    custom: o.custom ?? {},
    version: o.version ?? 0,
    createdAt: iso(o.createdAt) ?? '',
    updatedAt: iso(o.updatedAt) ?? '',
  };
}

export type OpportunityDto = ReturnType<typeof toOpportunityDto>;

const weighted = (amount: unknown, probability: unknown) => Math.round(((Number(amount) || 0) * (Number(probability) || 0)) / 100 * 100) / 100;

/** Opportunities: the record definition the shared record service runs. */
export const opportunityDefinition = (connection: Connection): RecordDefinition<Opportunity> => ({
  resource: 'opportunity',
  label: 'Opportunity',
  model: opportunityModel(connection),
  productRequiredForDepartmentUsers: true,
  listRows: true,
  list: {
    filters: {
      pipelineId: { path: 'pipelineId', kind: 'id' },
      stage: { path: 'stage', kind: 'string' },
      stageKind: { path: 'stageKind', kind: 'enum', values: ['open', 'won', 'lost'] },
      outcome: { path: 'outcome', kind: 'enum', values: ['won', 'partially_won', 'lost'] },
      lostReason: { path: 'lostReason', kind: 'string' },
      ownerId: { path: 'ownerId', kind: 'id' },
      teamId: { path: 'teamId', kind: 'id' },
      productId: { path: 'productId', kind: 'id' },
      customerId: { path: 'customerId', kind: 'id' },
      contactId: { path: 'contactIds', kind: 'id' },
      leadId: { path: 'leadId', kind: 'id' },
      campaignId: { path: 'campaignId', kind: 'id' },
      leadSource: { path: 'leadSource', kind: 'string' },
      currency: { path: 'currency', kind: 'string' },
      tag: { path: 'tags', kind: 'string' },
      amount: { path: 'amount', kind: 'number' },
      probability: { path: 'probability', kind: 'number' },
      expectedCloseDate: { path: 'expectedCloseDate', kind: 'date' },
      nextStepDate: { path: 'nextStepDate', kind: 'date' },
      createdAt: { path: 'createdAt', kind: 'date' },
      updatedAt: { path: 'updatedAt', kind: 'date' },
    },
    sorts: {
      createdAt: { path: 'createdAt', kind: 'date' },
      updatedAt: { path: 'updatedAt', kind: 'date' },
      expectedCloseDate: { path: 'expectedCloseDate', kind: 'date' },
      nextStepDate: { path: 'nextStepDate', kind: 'date' },
      amount: { path: 'amount', kind: 'number' },
      probability: { path: 'probability', kind: 'number' },
      rank: { path: 'rank', kind: 'number' },
      name: { path: 'name', kind: 'string' },
    },
  },
  searchValues: (o) => [o.name, o.nextStep, o.leadSource, ...(o.tags ?? [])],
  derive: (o) => ({
    weightedAmount: weighted(o.amount, o.probability),
    sourceLeadId: (o.sourceLeadId as Types.ObjectId | undefined) ?? new Types.ObjectId(),
  }),
  toDto: toOpportunityDto,
  exportColumns: {
    name: (o) => o.name,
    stage: (o) => o.stage,
    amount: (o) => o.amount,
    currency: (o) => o.currency,
    probability: (o) => o.probability,
    expectedCloseDate: (o) => o.expectedCloseDate,
    outcome: (o) => o.outcome,
    lostReason: (o) => o.lostReason,
    createdAt: (o) => o.createdAt,
  },
});

const dateFields = ['expectedCloseDate', 'nextStepDate'] as const;
function withDates(input: Record<string, unknown>): Record<string, unknown> {
  const out = { ...input };
  for (const f of dateFields) if (typeof out[f] === 'string') out[f] = new Date(out[f] as string);
  return out;
}

function outcomeFor(stage: PipelineStage, requested: 'won' | 'partially_won' | undefined, lostReason: string | undefined | null): { outcome: Outcome | null; lostReason: string | null } {
  if (stage.kind === 'won') return { outcome: requested ?? 'won', lostReason: null };
  if (stage.kind === 'lost') {
    if (!lostReason) throw AppError.invalidField('lostReason', 'is required when an opportunity is lost (lost deals are routed by reason)');
    return { outcome: 'lost', lostReason };
  }
  return { outcome: null, lostReason: null };
}

function stageOf(pipeline: Pipeline, key: string, field = 'stage'): PipelineStage {
  const stage = pipeline.stages.find((s) => s.key === key);
  if (!stage) throw AppError.invalidField(field, `is not a stage of pipeline '${pipeline.name}'; stages: ${pipeline.stages.map((s) => s.key).join(', ')}`, 'unknown_stage');
  return stage;
}

/** What a converted lead brings to its opportunity (001: lead, lead source and campaign come from the conversion). */
export interface LeadConversionInput {
  lead: {
    id: string | Types.ObjectId;
    name?: string | null;
    companyName?: string | null;
    leadSource?: string | null;
    campaignId?: string | Types.ObjectId | null;
    productId?: string | Types.ObjectId | null;
    ownerId?: string | Types.ObjectId | null;
    amount?: number | null;
    currency?: string | null;
    expectedCloseDate?: Date | string | null;
  };
  customerId: string | Types.ObjectId | null;
  contactId: string | Types.ObjectId | null;
  /** Defaults to "<company or lead name> - <lead source or 'new business'>". */
  name?: string;
  pipelineId?: string;
}

/**
 * Opportunities: the shared record rules (visibility, custom fields, search, events) plus what is
 * theirs: pipelines and stages, stage moves with optimistic concurrency and a history of every change,
 * outcomes (won, partially won, lost with a reason), the pipeline board, and lead conversion.
 */
export function createOpportunitiesService(connection: Connection, deps: RecordDeps, pipelines: PipelinesService) {
  const records = createRecordService(opportunityDefinition(connection), deps);
  const Opportunity = opportunityModel(connection);
  const StageChange = stageChangeModel(connection);
  const actor = (principal: Principal, client: Client): Actor => ({ tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId, ip: client?.ip, userAgent: client?.userAgent });

  /**
   * A rank that places a card at `position` in a column (between its neighbours; gaps keep moves O(1)).
   * Without a position the card goes to the end, and the end needs no query: the clock in 1/1024 ms
   * (`appendRank`) is above every rank given before, because ranks between neighbours stay between
   * them and ranks past the last card are at most one gap past the clock of that moment. FerretDB v1
   * sorts in memory, so finding the current last card would read the whole column on every create and
   * move (50,000 deals: seconds).
   */
  async function rankAt(tenantId: Types.ObjectId, pipelineId: Types.ObjectId, stage: string, position: number | undefined, movingId: Types.ObjectId | null): Promise<number> {
    if (position === undefined) return appendRank();
    const column = { tenantId, pipelineId, stage, ...(movingId ? { _id: op({ $ne: movingId }) } : {}) };
    if (position > 0) {
      const around = await Opportunity.find(column, null, { skip: position - 1 }).sort({ rank: 1, _id: 1 }).limit(2).select('rank').lean();
      if (around.length < 2) {
        const last = (await Opportunity.find(column).sort({ rank: -1, _id: -1 }).limit(1).select('rank').lean())[0];
        return last ? Math.max(appendRank(), last.rank + RANK_GAP) : appendRank();
      }
      return (around[0]!.rank + around[1]!.rank) / 2;
    }
    const first = (await Opportunity.find(column).sort({ rank: 1, _id: 1 }).limit(1).select('rank').lean())[0];
    return first ? first.rank - RANK_GAP : 0;
  }

  async function recordStageChange(principal: Principal | null, tenantId: Types.ObjectId, doc: Pick<Opportunity, '_id' | 'pipelineId' | 'stage' | 'probability' | 'amount' | 'outcome' | 'lostReason'>, from: { pipelineId: Types.ObjectId | null; stage: string | null }) {
    await StageChange.create({
      tenantId,
      opportunityId: doc._id,
      pipelineId: doc.pipelineId,
      fromPipelineId: from.pipelineId && !from.pipelineId.equals(doc.pipelineId) ? from.pipelineId : null,
      fromStage: from.stage,
      toStage: doc.stage,
      probability: doc.probability,
      amount: doc.amount ?? 0,
      outcome: doc.outcome ?? null,
      lostReason: doc.lostReason ?? null,
      byUserId: principal?.userId ?? null,
    });
  }

  async function create(principal: Principal, input: Record<string, unknown>, client?: Client) {
    const pipeline = input.pipelineId ? await pipelines.find(principal, String(input.pipelineId)).catch(() => {
      throw AppError.invalidField('pipelineId', 'is not a pipeline of this agency');
    }) : await pipelines.defaultFor(principal.tenantId);
    const stage = input.stage ? stageOf(pipeline, String(input.stage)) : pipeline.stages.find((s) => s.kind === 'open')!;
    const { outcome, lostReason } = outcomeFor(stage, undefined, input.lostReason as string | undefined);
    const now = new Date();
    const dto = (await records.create(
      principal,
      {
        ...withDates(input),
        pipelineId: pipeline._id,
        stage: stage.key,
        stageKind: stage.kind,
        probability: input.probability ?? stage.probability,
        rank: await rankAt(principal.tenantId, pipeline._id, stage.key, undefined, null),
        outcome,
        lostReason,
        closedAt: stage.kind === 'open' ? null : now,
        stageChangedAt: now,
      },
      client,
    )) as OpportunityDto;
    await recordStageChange(principal, principal.tenantId, { _id: new Types.ObjectId(dto.id), pipelineId: pipeline._id, stage: stage.key, probability: dto.probability, amount: dto.amount, outcome, lostReason }, { pipelineId: null, stage: null });
    return dto;
  }

  /** Moves a card: another stage (and optionally pipeline or position), only at the version the caller saw. */
  async function move(principal: Principal, id: string, input: { stage: string; version: number; position?: number | undefined; pipelineId?: string | undefined; outcome?: 'won' | 'partially_won' | undefined; lostReason?: string | undefined }, client?: Client) {
    const existing = await records.findVisible(principal, id, 'update');
    assertWritable(principal, existing);
    if (existing.version !== input.version) throw await records.versionConflict(principal, existing._id);
    const pipeline = await pipelines.find(principal, input.pipelineId ?? String(existing.pipelineId)).catch((error: unknown) => {
      if (input.pipelineId) throw AppError.invalidField('pipelineId', 'is not a pipeline of this agency');
      throw error;
    });
    const target = stageOf(pipeline, input.stage);
    const { outcome, lostReason } = outcomeFor(target, input.outcome, input.lostReason ?? (target.kind === 'lost' && existing.stage === target.key ? existing.lostReason : undefined));
    const stageChanged = existing.stage !== target.key || !existing.pipelineId.equals(pipeline._id);
    const now = new Date();
    const probability = stageChanged ? target.probability : existing.probability;
    const rank = !stageChanged && input.position === undefined ? existing.rank : await rankAt(principal.tenantId, pipeline._id, target.key, input.position, existing._id);
    const set: Record<string, unknown> = {
      pipelineId: pipeline._id,
      stage: target.key,
      stageKind: target.kind,
      probability,
      weightedAmount: weighted(existing.amount, probability),
      rank,
      outcome,
      lostReason,
      closedAt: target.kind === 'open' ? null : stageChanged || !existing.closedAt ? now : existing.closedAt,
      updatedAt: now,
      ...(stageChanged ? { stageChangedAt: now } : {}),
    };
    if (!(await writeVersion(Opportunity, existing, { $set: set }))) throw await records.versionConflict(principal, existing._id);
    const updated = (await findByIdInTenant(Opportunity, principal.tenantId, existing._id))!;
    if (stageChanged) await recordStageChange(principal, principal.tenantId, updated, { pipelineId: existing.pipelineId, stage: existing.stage });
    const dto = toOpportunityDto(updated);
    const base = { tenantId: principal.tenantId, resource: 'opportunity', resourceId: String(existing._id), actor: actor(principal, client), record: dto };
    await deps.events.publish({
      ...base,
      type: 'opportunity.moved',
      changes: { stage: { from: existing.stage, to: target.key }, ...(stageChanged && !existing.pipelineId.equals(pipeline._id) ? { pipelineId: { from: String(existing.pipelineId), to: String(pipeline._id) } } : {}), rank: { from: existing.rank, to: rank } },
      data: { from: existing.stage, to: target.key, pipelineId: String(pipeline._id) },
    });
    if (stageChanged && outcome === 'lost') await deps.events.publish({ ...base, type: 'opportunity.lost', data: { reason: lostReason, amount: updated.amount, currency: updated.currency, stage: target.key, fromStage: existing.stage } });
    if (stageChanged && (outcome === 'won' || outcome === 'partially_won')) await deps.events.publish({ ...base, type: 'opportunity.won', data: { outcome, amount: updated.amount, currency: updated.currency } });
    return dto;
  }

  /**
   * Boards are read far more often than deals move, by many people at once (every seller of a team has
   * the same board open), and a board reads every open deal of its pipeline. So answers are kept per
   * pipeline revision: any write of a deal publishes an `opportunity.*` event, whose subscriber (below,
   * run before the write's request answers) gives the pipeline a new `boardRev`; the next read, in any
   * process, misses the cache and reads the deals again. The key also holds the pipeline's own version
   * (stage edits), the caller's visibility filter and the query, and an entry lives at most BOARD_TTL_MS.
   */
  const boardCache = new Map<string, { at: number; value: Promise<Awaited<ReturnType<typeof readBoard>>> }>();
  const Pipelines = pipelineModel(connection);
  const newBoardRev = async (tenantId: Types.ObjectId, pipelineId: unknown) => {
    if (!pipelineId || !Types.ObjectId.isValid(String(pipelineId))) return;
    await Pipelines.updateOne({ _id: new Types.ObjectId(String(pipelineId)) } as never, { $set: { boardRev: randomUUID() } }).setOptions({ crossTenant: 'by id: the pipeline of a deal this tenant wrote' });
    for (const key of boardCache.keys()) if (key.startsWith(`${String(tenantId)}:${String(pipelineId)}:`)) boardCache.delete(key);
  };
  deps.events.subscribe('opportunity.*', async (event) => {
    const record = event.record as { pipelineId?: string | null } | undefined;
    await newBoardRev(event.tenantId, record?.pipelineId);
    const moved = (event.changes as { pipelineId?: { from?: unknown } } | undefined)?.pipelineId?.from;
    if (moved) await newBoardRev(event.tenantId, moved);
  });

  /** The board: open deals of a pipeline the caller may see, per stage, with count and amount totals per column. */
  async function board(principal: Principal, pipelineId: string, query: { ownerId?: string | undefined; productId?: string | undefined; closeAfter?: string | undefined; closeBefore?: string | undefined; perStage: number }) {
    // The pipeline read is shared by the board loads of the same moment (its `boardRev` is what a kept board is checked against).
    const pipeline = await pipelines.findFresh(principal, pipelineId, performance.now());
    const key = `${String(principal.tenantId)}:${String(pipeline._id)}:${pipeline.version}:${pipeline.boardRev ?? ''}:${JSON.stringify(records.visibility(principal, 'read'))}:${JSON.stringify(query)}`;
    const hit = boardCache.get(key);
    if (hit && Date.now() - hit.at < BOARD_TTL_MS) return hit.value;
    // Kept as a promise, so the people who open the same board at the same moment share one read.
    const value = readBoard(principal, pipeline, query);
    boardCache.set(key, { at: Date.now(), value });
    value.catch(() => {
      if (boardCache.get(key)?.value === value) boardCache.delete(key);
    });
    if (boardCache.size > BOARD_CACHE_ENTRIES) boardCache.delete(boardCache.keys().next().value!);
    return value;
  }

  /** The board's filters as a query: the pipeline's open deals the caller may see, narrowed by owner, product and close date. */
  function boardMatch(principal: Principal, pipeline: Pipeline, query: BoardFilters, more: { stage?: string; after?: Record<string, unknown>[] } = {}) {
    // Equalities on indexed top-level fields first (FerretDB pushes those down to SQL on PostgreSQL).
    const equalities: Record<string, unknown> = { pipelineId: pipeline._id, stageKind: 'open' };
    if (more.stage) equalities.stage = more.stage;
    if (query.ownerId) equalities.ownerId = new Types.ObjectId(query.ownerId);
    if (query.productId) equalities.productId = new Types.ObjectId(query.productId);
    const ranges: Record<string, unknown>[] = [];
    if (query.closeAfter) ranges.push({ expectedCloseDate: op({ $gte: new Date(query.closeAfter) }) });
    if (query.closeBefore) ranges.push({ expectedCloseDate: op({ $lt: new Date(query.closeBefore) }) });
    return combine(records.visibility(principal, 'read'), equalities, [...ranges, ...(more.after ?? [])]);
  }

  /**
   * The next cards of one board column ("load more" in a stage), in the board's order (rank, then id),
   * after the column's cursor: a keyset page that reads only that stage's matching open deals (pushed
   * down by equality on pipeline, stage and kind), never the rest of the board.
   */
  async function boardColumn(principal: Principal, pipelineId: string, stageKey: string, query: BoardFilters & { limit: number; cursor?: string | undefined }) {
    const pipeline = await pipelines.find(principal, pipelineId);
    const stage = pipeline.stages.find((s) => s.key === stageKey && s.kind === 'open');
    if (!stage) throw AppError.invalidField('stage', `is not an open stage of this pipeline; open stages: ${pipeline.stages.filter((s) => s.kind === 'open').map((s) => s.key).join(', ')}`);
    const match = boardMatch(principal, pipeline, query, { stage: stage.key, after: cursorCondition(BOARD_ORDER, query.cursor) });
    const docs = await Opportunity.find(match as never).sort(BOARD_ORDER.mongo).limit(query.limit + 1).lean<Opportunity[]>();
    const page = docs.slice(0, query.limit);
    const hasMore = docs.length > query.limit;
    return { object: 'list' as const, data: page.map(toOpportunityDto), hasMore, nextCursor: hasMore ? nextCursor(BOARD_ORDER, page[page.length - 1] as unknown as Record<string, unknown>) : null };
  }

  async function readBoard(principal: Principal, pipeline: Awaited<ReturnType<typeof pipelines.find>>, query: BoardFilters & { perStage: number }) {
    const match = boardMatch(principal, pipeline, query);
    const openStages = pipeline.stages.filter((s) => s.kind === 'open');
    // One pass over the open deals, streamed: totals per stage and currency, and each column's first
    // `perStage` cards by rank, kept in a bounded sorted list. FerretDB v1 neither pushes a sort down nor
    // computes more than one `$sum` per `$group`, so seven queries (three sums, four sorted columns) would
    // each read every open deal; this reads them once, in the order the database returns them.
    type Column = { totals: Map<string, { count: number; amount: number; weightedAmount: number }>; cards: Opportunity[] };
    const columnsByStage = new Map<string, Column>(openStages.map((stage) => [stage.key, { totals: new Map(), cards: [] }]));
    const keep = query.perStage + 1;
    const cursor = Opportunity.find(match as never).lean<Opportunity[]>().cursor({ batchSize: 1000 });
    for await (const doc of cursor as AsyncIterable<Opportunity>) {
      const column = columnsByStage.get(doc.stage);
      if (!column) continue;
      const currency = doc.currency ?? 'EUR';
      const total = column.totals.get(currency) ?? { count: 0, amount: 0, weightedAmount: 0 };
      total.count += 1;
      total.amount += doc.amount ?? 0;
      total.weightedAmount += doc.weightedAmount ?? 0;
      column.totals.set(currency, total);
      if (query.perStage > 0) insertByRank(column.cards, doc, keep);
    }
    return {
      pipeline: toPipelineDto(pipeline),
      columns: openStages.map((stage) => {
        const column = columnsByStage.get(stage.key)!;
        const rows = [...column.totals.entries()].sort((a, b) => b[1].count - a[1].count);
        const count = rows.reduce((n, [, r]) => n + r.count, 0);
        const shown = column.cards.slice(0, query.perStage);
        const hasMore = query.perStage === 0 ? count > 0 : column.cards.length > query.perStage;
        return {
          stage: { key: stage.key, name: stage.name, probability: stage.probability, kind: stage.kind },
          count,
          totals: rows.map(([currency, r]) => ({ currency, count: r.count, amount: r.amount, weightedAmount: Math.round(r.weightedAmount * 100) / 100 })),
          opportunities: shown.map(toOpportunityDto),
          hasMore,
          // Where "load more" goes on in this column (GET /v1/pipelines/{id}/board/{stage}); null from the start.
          nextCursor: hasMore && shown.length ? nextCursor(BOARD_ORDER, shown[shown.length - 1] as unknown as Record<string, unknown>) : null,
        };
      }),
    };
  }

  /**
   * Creates the opportunity of a lead conversion, at most once per lead: a retried conversion finds the
   * first one (by the unique `sourceLeadId`) instead of making a second.
   */
  async function createFromLead(principal: Principal, input: LeadConversionInput, client?: Client): Promise<{ opportunity: OpportunityDto; created: boolean }> {
    const leadId = input.lead.id instanceof Types.ObjectId ? input.lead.id : new Types.ObjectId(String(input.lead.id));
    const existingFor = async () => {
      const found = await Opportunity.findOne({ tenantId: principal.tenantId, sourceLeadId: leadId }).lean<Opportunity>();
      return found ? { opportunity: toOpportunityDto(found), created: false } : null;
    };
    const before = await existingFor();
    if (before) return before;
    const lead = input.lead;
    const owner = lead.ownerId ? String(lead.ownerId) : null;
    const fields: Record<string, unknown> = {
      name: input.name ?? `${lead.companyName || lead.name || 'Lead'} - ${lead.leadSource || 'new business'}`,
      customerId: input.customerId ? String(input.customerId) : null,
      contactIds: input.contactId ? [String(input.contactId)] : [],
      leadId,
      sourceLeadId: leadId,
      leadSource: lead.leadSource ?? null,
      campaignId: lead.campaignId ? String(lead.campaignId) : null,
      ...(lead.productId ? { productId: String(lead.productId) } : {}),
      ...(owner && (owner === String(principal.userId) || can(principal, 'opportunity', 'assign')) ? { ownerId: owner } : {}),
      ...(lead.amount != null ? { amount: lead.amount } : {}),
      ...(lead.currency ? { currency: lead.currency } : {}),
      ...(lead.expectedCloseDate ? { expectedCloseDate: new Date(lead.expectedCloseDate) } : {}),
      ...(input.pipelineId ? { pipelineId: input.pipelineId } : {}),
    };
    for (const key of ['customerId', 'campaignId'] as const) if (typeof fields[key] === 'string') fields[key] = new Types.ObjectId(fields[key] as string);
    fields.contactIds = (fields.contactIds as string[]).map((c) => new Types.ObjectId(c));
    try {
      return { opportunity: await create(principal, fields, client), created: true };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const raced = await existingFor();
      if (!raced) throw error;
      return raced;
    }
  }

  /**
   * Creates many opportunities at once (an import), as `create` places each one: in the agency's default
   * pipeline (read once), at the stage it names by key or label (or the first open one), with the stage's
   * probability unless it has its own, an outcome (a lost stage needs a reason), appended at the column's
   * end, then through the record service's `createMany` (no per-record events). Each created one gets its
   * first stage change under its own id, so a batch run again after a crash records none twice.
   */
  async function createMany(principal: Principal, items: ReadonlyArray<{ id: Types.ObjectId; input: Record<string, unknown>; status?: string | null }>, options: Parameters<typeof records.createMany>[2] = {}) {
    const pipeline = await pipelines.defaultFor(principal.tenantId);
    const now = new Date();
    const stageByName = new Map(pipeline.stages.flatMap((s) => [[s.key.toLowerCase(), s], [s.name.toLowerCase(), s]] as Array<[string, PipelineStage]>));
    const placed = items.map(({ id, input }) => {
      try {
        const named = input.stage ? stageByName.get(String(input.stage).trim().toLowerCase()) : undefined;
        const stage = input.stage ? (named ?? stageOf(pipeline, String(input.stage))) : pipeline.stages.find((s) => s.kind === 'open')!;
        const { outcome, lostReason } = outcomeFor(stage, undefined, input.lostReason as string | undefined);
        const { pipelineId: _p, ...fields } = withDates(input);
        const placedInput = { ...fields, pipelineId: pipeline._id, stage: stage.key, stageKind: stage.kind, probability: input.probability ?? stage.probability, rank: appendRank(), outcome, lostReason, closedAt: stage.kind === 'open' ? null : now, stageChangedAt: now };
        return { id, input: placedInput as Record<string, unknown>, error: null };
      } catch (error) {
        if (error instanceof AppError) return { id, input, error: error as AppError | null };
        throw error;
      }
    });
    const results = await records.createMany(principal, placed.filter((p) => !p.error).map(({ id, input }) => ({ id, input })), options);
    const byId = new Map(results.map((r) => [String(r.id), r]));
    const created = placed.filter((p) => !p.error && !byId.get(String(p.id))?.error);
    if (created.length) {
      const changes = created.map((p) => ({ _id: p.id, tenantId: principal.tenantId, opportunityId: p.id, pipelineId: pipeline._id, fromPipelineId: null, fromStage: null, toStage: p.input.stage, probability: p.input.probability, amount: p.input.amount ?? 0, outcome: p.input.outcome ?? null, lostReason: p.input.lostReason ?? null, byUserId: principal.userId, at: now }));
      await StageChange.collection.insertMany(changes as never[], { ordered: false }).catch((error: unknown) => {
        if (!duplicateKeyIndexes(error)) throw error;
      });
    }
    return placed.map((p) => (p.error ? { id: p.id, error: p.error } : byId.get(String(p.id))!));
  }

  /**
   * The checks `createMany` makes beyond the create schema, for an import's dry run and rows: the stage (by
   * key or name) is one of the default pipeline's (read once), and a lost stage has a reason.
   */
  async function compileImportRules(principal: Principal): Promise<(input: Record<string, unknown>) => FieldError[]> {
    const pipeline = await pipelines.defaultFor(principal.tenantId);
    const byName = new Map(pipeline.stages.flatMap((s) => [[s.key.toLowerCase(), s], [s.name.toLowerCase(), s]] as Array<[string, PipelineStage]>));
    return (input) => {
      if (!input.stage) return [];
      const stage = byName.get(String(input.stage).trim().toLowerCase());
      if (!stage) return [{ field: 'stage', code: 'unknown_stage', message: `"${String(input.stage)}" is not a stage of pipeline '${pipeline.name}'; stages: ${pipeline.stages.map((s) => s.name).join(', ')}` }];
      if (stage.kind === 'lost' && !input.lostReason) return [{ field: 'lostReason', code: 'required', message: 'is required when an opportunity is lost (lost deals are routed by reason)' }];
      return [];
    };
  }

  /**
   * An import's stage for a deal it updates, and its undo's way back: the stage by key or name (without case)
   * in the deal's own pipeline, through `move` at the version read here (its history, outcome and events),
   * and nothing when the deal is there already with the same lost reason.
   */
  async function moveToStageNamed(principal: Principal, id: string, values: { stage?: unknown; lostReason?: unknown }) {
    const existing = await records.findVisible(principal, id, 'update');
    const pipeline = await pipelines.find(principal, String(existing.pipelineId));
    const wanted = values.stage ? String(values.stage).trim().toLowerCase() : existing.stage;
    const stage = pipeline.stages.find((s) => s.key.toLowerCase() === wanted || s.name.toLowerCase() === wanted);
    if (!stage) throw AppError.invalidField('stage', `"${String(values.stage)}" is not a stage of pipeline '${pipeline.name}'; stages: ${pipeline.stages.map((s) => s.name).join(', ')}`, 'unknown_stage');
    const lostReason = typeof values.lostReason === 'string' && values.lostReason ? values.lostReason : undefined;
    // As `update` refuses it: a reason is for a deal that is, or goes, lost.
    if (lostReason && stage.kind !== 'lost') throw AppError.invalidField('lostReason', 'can only be set on a lost opportunity');
    if (stage.key === existing.stage && (stage.kind !== 'lost' || !lostReason || lostReason === existing.lostReason)) return;
    await move(principal, id, { stage: stage.key, version: existing.version, ...(lostReason ? { lostReason } : {}) });
  }

  return {
    ...records,
    create,
    createMany,
    compileImportRules,
    moveToStageNamed,
    /** Field updates; stage and pipeline change only through `move`. */
    async update(principal: Principal, id: string, patch: Record<string, unknown>, options: { ifMatch?: number | undefined; client?: { ip?: string; userAgent?: string } } = {}) {
      const { stage: _stage, pipelineId: _pipeline, stageKind: _kind, outcome: _outcome, rank: _rank, sourceLeadId: _source, closedAt: _closed, ...rest } = patch;
      if (rest.lostReason !== undefined) {
        const existing = await records.findVisible(principal, id, 'update');
        if (existing.stageKind !== 'lost') throw AppError.invalidField('lostReason', 'can only be set on a lost opportunity');
      }
      return records.update(principal, id, withDates(rest), options);
    },
    move,
    board,
    boardColumn,
    createFromLead,

    /** Every stage change of an opportunity, newest first. */
    async stageHistory(principal: Principal, id: string) {
      const existing = await records.findVisible(principal, id, 'read');
      const rows = await StageChange.find({ tenantId: principal.tenantId, opportunityId: existing._id }).sort({ at: -1, _id: -1 }).limit(500).lean();
      return {
        object: 'list' as const,
        data: rows.map((r) => ({
          id: String(r._id),
          pipelineId: String(r.pipelineId),
          fromPipelineId: idOf(r.fromPipelineId),
          fromStage: r.fromStage,
          toStage: r.toStage,
          probability: r.probability,
          amount: r.amount,
          outcome: r.outcome,
          lostReason: r.lostReason,
          byUserId: idOf(r.byUserId),
          at: r.at.toISOString(),
        })),
      };
    },
  };
}

export type OpportunitiesService = ReturnType<typeof createOpportunitiesService>;

/**
 * Lead conversion's opportunity (for the leads module): idempotent by lead, so a retried conversion
 * returns the first opportunity with `created: false`.
 */
export function createOpportunityFromLead(service: OpportunitiesService, principal: Principal, input: LeadConversionInput, client?: Client) {
  return service.createFromLead(principal, input, client);
}

/** Board order: rank ascending, missing ranks first (as MongoDB sorts nulls), then id. */
/** The board's filters (owner, product, expected close date range). */
export interface BoardFilters {
  ownerId?: string | undefined;
  productId?: string | undefined;
  closeAfter?: string | undefined;
  closeBefore?: string | undefined;
}

/** A board column's order, as a keyset plan: rank, then id (the order `byRank` keeps). */
const BOARD_ORDER = planSort({ filters: {}, sorts: { rank: { path: 'rank', kind: 'number' } } }, 'rank');

function byRank(a: Opportunity, b: Opportunity): number {
  const ra = a.rank ?? Number.NEGATIVE_INFINITY;
  const rb = b.rank ?? Number.NEGATIVE_INFINITY;
  if (ra !== rb) return ra < rb ? -1 : 1;
  return String(a._id).localeCompare(String(b._id));
}

/** Inserts `doc` into `list` (kept sorted by rank), dropping whatever falls beyond `max` entries. */
function insertByRank(list: Opportunity[], doc: Opportunity, max: number): void {
  if (list.length >= max && byRank(doc, list[list.length - 1]!) >= 0) return;
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (byRank(list[mid]!, doc) <= 0) low = mid + 1;
    else high = mid;
  }
  list.splice(low, 0, doc);
  if (list.length > max) list.pop();
}

/** The rank of a card appended now: the clock in 1/1024 ms, so one gap is one millisecond. */
function appendRank(): number {
  return Date.now() * RANK_GAP;
}
