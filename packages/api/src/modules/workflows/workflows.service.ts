import type { Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { AppError, type FieldError } from '../../platform/errors.js';
import { writeVersion } from '../../platform/records/version-claims.js';
import type { EventBus } from '../../platform/events.js';
import { defaultWorkflows } from '../../platform/workflow/defaults.js';
import type { WorkflowEngine } from '../../platform/workflow/workflow-engine.js';
import { workflowModel, type Workflow } from '../../platform/workflow/workflow.model.js';
import { roleModel } from '../identity/role.model.js';

export interface WorkflowInput {
  name: string;
  initial: string;
  states: { key: string; label: string; final: boolean }[];
  transitions: { from: string; to: string; roles: string[] }[];
}

function toWorkflowDto(w: Workflow & { updatedAt?: Date }) {
  return {
    key: w.key,
    name: w.name,
    initial: w.initial,
    states: w.states.map((s) => ({ key: s.key, label: s.label, final: Boolean(s.final) })),
    transitions: w.transitions.map((t) => ({ from: t.from, to: t.to, roles: [...(t.roles ?? [])] })),
    version: w.version ?? 0,
    updatedAt: w.updatedAt ? new Date(w.updatedAt).toISOString() : null,
  };
}

/** Sysadmin editing of the tenant's status machines (the seeded defaults are stored on first read). */
export function createWorkflowsService(connection: Connection, deps: { workflows: WorkflowEngine; events: EventBus }) {
  const Workflow = workflowModel(connection);
  const Role = roleModel(connection);

  async function load(principal: Principal, key: string) {
    if (!defaultWorkflows.some((w) => w.key === key) && !(await Workflow.exists({ tenantId: principal.tenantId, key }))) throw AppError.notFound('Workflow');
    return deps.workflows.get(principal.tenantId, key);
  }

  /** Every rule a status machine must keep; each failure names its field. */
  async function validate(principal: Principal, input: WorkflowInput): Promise<void> {
    const errors: FieldError[] = [];
    const keys = new Set<string>();
    input.states.forEach((s, i) => {
      if (keys.has(s.key)) errors.push({ field: `states.${i}.key`, code: 'duplicate', message: `repeats state '${s.key}'` });
      keys.add(s.key);
    });
    if (!keys.has(input.initial)) errors.push({ field: 'initial', code: 'unknown_state', message: `is not one of the states: ${[...keys].join(', ')}` });
    const roleKeys = new Set((await Role.find({ tenantId: principal.tenantId }).select('key').lean()).map((r) => r.key));
    const moves = new Set<string>();
    input.transitions.forEach((t, i) => {
      if (!keys.has(t.from)) errors.push({ field: `transitions.${i}.from`, code: 'unknown_state', message: `'${t.from}' is not a state of this workflow` });
      if (!keys.has(t.to)) errors.push({ field: `transitions.${i}.to`, code: 'unknown_state', message: `'${t.to}' is not a state of this workflow` });
      if (moves.has(`${t.from}>${t.to}`)) errors.push({ field: `transitions.${i}`, code: 'duplicate', message: `repeats the move ${t.from} → ${t.to}` });
      moves.add(`${t.from}>${t.to}`);
      t.roles.forEach((role, j) => {
        if (!roleKeys.has(role)) errors.push({ field: `transitions.${i}.roles.${j}`, code: 'unknown_role', message: `'${role}' is not a role of this agency` });
      });
    });
    if (errors.length) throw new AppError('validation_failed', `${errors.length} part(s) of the workflow are not valid: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, { errors });
  }

  return {
    async list(principal: Principal) {
      const keys = new Set([...defaultWorkflows.map((w) => w.key), ...(await Workflow.find({ tenantId: principal.tenantId }).select('key').lean()).map((w) => w.key)]);
      const all = await Promise.all([...keys].map((key) => deps.workflows.get(principal.tenantId, key)));
      return { object: 'list' as const, data: all.map(toWorkflowDto) };
    },

    async get(principal: Principal, key: string) {
      return toWorkflowDto(await load(principal, key));
    },

    /** Replaces a workflow; `ifMatch` (required) is the version the sysadmin edited. */
    async replace(principal: Principal, key: string, input: WorkflowInput, ifMatch: number | undefined) {
      if (ifMatch === undefined) throw AppError.invalidField('header.If-Match', 'is required: send the version you edited, e.g. If-Match: 0');
      const current = await load(principal, key);
      const conflict = (w: Workflow) => new AppError('version_conflict', `Workflow was changed by someone else (now version ${w.version}); reload and try again`, { extensions: { current: toWorkflowDto(w) } });
      if (current.version !== ifMatch) throw conflict(current);
      await validate(principal, input);
      const stored = await Workflow.findOne({ tenantId: principal.tenantId, key }).select('_id version').lean();
      const written = stored?.version === current.version
        && (await writeVersion(Workflow, stored, { $set: { name: input.name, initial: input.initial, states: input.states, transitions: input.transitions, updatedAt: new Date() } }));
      const updated = (await Workflow.findOne({ tenantId: principal.tenantId, key }).lean())!;
      if (!written) throw conflict(updated);
      const dto = toWorkflowDto(updated);
      await deps.events.publish({
        type: 'workflow.updated',
        tenantId: principal.tenantId,
        resource: 'workflow',
        resourceId: String(updated._id),
        actor: { tenantId: principal.tenantId, userId: principal.userId, apiKeyId: principal.apiKeyId },
        record: dto,
      });
      return dto;
    },
  };
}

export type WorkflowsService = ReturnType<typeof createWorkflowsService>;
