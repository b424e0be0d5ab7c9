import type { Connection, Types } from 'mongoose';
import type { Principal } from '../access/principal.js';
import { createStampedCache } from '../auth/stamped-cache.js';
import { AppError, isDuplicateKeyError } from '../errors.js';
import { defaultWorkflows } from './defaults.js';
import { transitionModel, workflowModel, type Workflow } from './workflow.model.js';

/** The one function every status change goes through: validate against tenant data, record history. */
export function createWorkflowEngine(connection: Connection) {
  const Workflow = workflowModel(connection);
  const Transition = transitionModel(connection);
  // A workflow change moves the agency's access stamp (the invalidatesAccess plugin on the model).
  const cache = createStampedCache<Workflow>(connection);

  /** The stored workflow, or the seeded default stored now (as is: nobody has a different copy cached, so no stamp moves). */
  async function load(tenantId: Types.ObjectId, key: string): Promise<Workflow> {
    const found = await Workflow.findOne({ tenantId, key }).lean();
    if (found) return found;
    const template = defaultWorkflows.find((w) => w.key === key);
    if (!template) throw new Error(`no workflow template "${key}"`);
    const now = new Date();
    const stored = { ...new Workflow({ tenantId, ...template }).toObject(), version: 0, createdAt: now, updatedAt: now };
    try {
      await Workflow.collection.insertOne(stored as never);
      return stored as Workflow;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return (await Workflow.findOne({ tenantId, key }).lean())!;
    }
  }

  /** The tenant's workflow (cached per process while the agency's access stamp stands: platform/auth/stamped-cache); the seeded default is stored on first use, so a sysadmin can then edit it. */
  function get(tenantId: Types.ObjectId, key: string): Promise<Workflow> {
    return cache.get(tenantId, key, () => load(tenantId, key));
  }

  /** The states the principal may move a record to from `from`. */
  function allowedTargets(workflow: Workflow, principal: Principal, from: string): string[] {
    return workflow.transitions
      .filter((t) => t.from === from && (principal.role.isAdmin || t.roles.length === 0 || t.roles.includes(principal.role.key)))
      .map((t) => t.to);
  }

  return {
    get,

    async initialState(tenantId: Types.ObjectId, key: string): Promise<string> {
      return (await get(tenantId, key)).initial;
    },

    /** Throws 409 invalid_transition (with the allowed targets) unless `from → to` is allowed for this principal. */
    async assertTransition(principal: Principal, key: string, from: string, to: string): Promise<Workflow> {
      const workflow = await get(principal.tenantId, key);
      if (!workflow.states.some((s) => s.key === to)) {
        throw AppError.invalidField('to', `is not a state of the ${workflow.name} workflow; states: ${workflow.states.map((s) => s.key).join(', ')}`, 'unknown_state');
      }
      const allowed = allowedTargets(workflow, principal, from);
      if (!allowed.includes(to)) {
        throw new AppError('invalid_transition', `status '${to}' cannot follow '${from}'; allowed: ${allowed.join(', ') || 'none'}`, { extensions: { from, to, allowed } });
      }
      return workflow;
    },

    allowedTargets,

    /** Appends one change to the record's status history. */
    async record(input: { principal: Principal | null; tenantId: Types.ObjectId; key: string; resource: string; recordId: Types.ObjectId; from: string | null; to: string; note?: string | null }) {
      await Transition.create({
        tenantId: input.tenantId,
        workflowKey: input.key,
        resource: input.resource,
        recordId: input.recordId,
        from: input.from,
        to: input.to,
        byUserId: input.principal?.userId ?? null,
        note: input.note ?? null,
      });
    },

    async history(tenantId: Types.ObjectId, recordId: Types.ObjectId) {
      return Transition.find({ tenantId, recordId }).sort({ at: 1, _id: 1 }).limit(500).lean();
    },
  };
}

export type WorkflowEngine = ReturnType<typeof createWorkflowEngine>;
