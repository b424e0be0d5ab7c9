// The workflow and pipeline editors' drafts: what the admin is changing, kept apart from the element so
// the rules (the API's own) are plain functions. States carry a local id, so a move survives a new
// state's key being typed, and moves the draft does not touch keep the roles they had.
import { stateKeyPattern, type Pipeline, type SdkPipelineStage, type SdkWorkflow, type WorkflowReplaceParams } from '../shared/api/admin.js';

/** One state of a workflow as edited. */
export interface StateDraft {
  uid: string;
  key: string;
  label: string;
  final: boolean;
  /** True for a state the API already has: its key stays (records hold it). */
  saved: boolean;
}

/** A workflow as edited: moves are `fromUid>toUid`. */
export interface WorkflowDraft {
  name: string;
  initialUid: string;
  states: StateDraft[];
  moves: Set<string>;
  /** Roles of the moves as the API had them, by `from>to` keys. */
  roles: Map<string, string[]>;
}

/** One pipeline stage as edited. */
export interface StageDraft {
  uid: string;
  key: string;
  name: string;
  probability: string;
  kind: NonNullable<SdkPipelineStage['kind']>;
  saved: boolean;
}

/** A pipeline as edited. */
export interface PipelineDraft {
  name: string;
  stages: StageDraft[];
}

/** A message key and its parameters, for the element to put into words. */
export interface DraftProblem {
  key: 'required' | 'keyInvalid' | 'keyRepeat' | 'probability' | 'noOpen' | 'noStates';
  params?: Record<string, string>;
}

let next = 0;
/** A fresh local id for a new state or stage. */
export const newUid = () => `n${++next}`;

/** The draft of a workflow the API answered. */
export function workflowDraft(workflow: SdkWorkflow): WorkflowDraft {
  const states = workflow.states.map((s): StateDraft => ({ uid: `s:${s.key}`, key: s.key, label: s.label, final: s.final, saved: true }));
  return {
    name: workflow.name,
    initialUid: `s:${workflow.initial}`,
    states,
    moves: new Set(workflow.transitions.map((t) => `s:${t.from}>s:${t.to}`)),
    roles: new Map(workflow.transitions.map((t) => [`${t.from}>${t.to}`, [...t.roles]])),
  };
}

/** The body of `crm.workflows.replace` for a draft. */
export function workflowBody(draft: WorkflowDraft): WorkflowReplaceParams {
  const keyOf = new Map(draft.states.map((s) => [s.uid, s.key]));
  const transitions: WorkflowReplaceParams['transitions'] = [];
  // In the order of the states, so the stored list reads like the editor.
  for (const from of draft.states) {
    for (const to of draft.states) {
      if (!draft.moves.has(`${from.uid}>${to.uid}`)) continue;
      transitions.push({ from: from.key, to: to.key, roles: draft.roles.get(`${from.key}>${to.key}`) ?? [] });
    }
  }
  return {
    name: draft.name.trim(),
    initial: keyOf.get(draft.initialUid) ?? '',
    states: draft.states.map((s) => ({ key: s.key, label: s.label.trim(), final: s.final })),
    transitions,
  };
}

/** The problems of a workflow draft by field (the API's names: `name`, `states.2.key`...). */
export function workflowProblems(draft: WorkflowDraft): Record<string, DraftProblem> {
  const problems: Record<string, DraftProblem> = {};
  if (!draft.name.trim()) problems.name = { key: 'required' };
  if (!draft.states.length) problems.states = { key: 'noStates' };
  const seen = new Set<string>();
  draft.states.forEach((s, i) => {
    if (!s.key) problems[`states.${i}.key`] = { key: 'required' };
    else if (!stateKeyPattern.test(s.key)) problems[`states.${i}.key`] = { key: 'keyInvalid' };
    else if (seen.has(s.key)) problems[`states.${i}.key`] = { key: 'keyRepeat', params: { key: s.key } };
    seen.add(s.key);
    if (!s.label.trim()) problems[`states.${i}.label`] = { key: 'required' };
  });
  if (!draft.states.some((s) => s.uid === draft.initialUid)) problems.initial = { key: 'required' };
  return problems;
}

/** The draft of a pipeline the API answered. */
export function pipelineDraft(pipeline: Pipeline): PipelineDraft {
  return {
    name: pipeline.name,
    stages: pipeline.stages.map((s): StageDraft => ({ uid: `p:${s.key}`, key: s.key, name: s.name, probability: String(s.probability), kind: s.kind ?? 'open', saved: true })),
  };
}

/** A new pipeline's draft: one open stage, then Won and Lost (names in the admin's language). */
export function newPipelineDraft(names: { first: string; won: string; lost: string }): PipelineDraft {
  const stage = (key: string, name: string, probability: number, kind: StageDraft['kind']): StageDraft => ({ uid: newUid(), key, name, probability: String(probability), kind, saved: false });
  return { name: '', stages: [stage('new', names.first, 10, 'open'), stage('won', names.won, 100, 'won'), stage('lost', names.lost, 0, 'lost')] };
}

/** The body of `crm.pipelines.update` for a draft. */
export function pipelineBody(draft: PipelineDraft): { name: string; stages: SdkPipelineStage[] } {
  return { name: draft.name.trim(), stages: draft.stages.map((s) => ({ key: s.key, name: s.name.trim(), probability: Number(s.probability), kind: s.kind })) };
}

/** The problems of a pipeline draft by field (`stages.1.probability`...). */
export function pipelineProblems(draft: PipelineDraft): Record<string, DraftProblem> {
  const problems: Record<string, DraftProblem> = {};
  if (!draft.name.trim()) problems.name = { key: 'required' };
  const seen = new Set<string>();
  draft.stages.forEach((s, i) => {
    if (!s.key) problems[`stages.${i}.key`] = { key: 'required' };
    else if (!stateKeyPattern.test(s.key)) problems[`stages.${i}.key`] = { key: 'keyInvalid' };
    else if (seen.has(s.key)) problems[`stages.${i}.key`] = { key: 'keyRepeat', params: { key: s.key } };
    seen.add(s.key);
    if (!s.name.trim()) problems[`stages.${i}.name`] = { key: 'required' };
    const p = Number(s.probability);
    if (s.probability.trim() === '' || !Number.isInteger(p) || p < 0 || p > 100) problems[`stages.${i}.probability`] = { key: 'probability' };
  });
  if (!draft.stages.some((s) => s.kind === 'open')) problems.stages = { key: 'noOpen' };
  return problems;
}

/** Moves the item at `index` by `delta` places (a copy). */
export function moved<T>(items: T[], index: number, delta: number): T[] {
  const to = index + delta;
  if (to < 0 || to >= items.length) return items;
  const copy = [...items];
  const [item] = copy.splice(index, 1);
  copy.splice(to, 0, item!);
  return copy;
}
