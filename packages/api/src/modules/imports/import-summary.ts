import { Types } from 'mongoose';
import type { ImportContext } from './import-context.js';
import type { ImportKind } from './import-fields.js';
import type { ImportJob } from './import.model.js';

/** What a kind's records are called in a summary, one and many. */
const nouns: Record<ImportKind, [string, string]> = {
  contacts: ['contact', 'contacts'],
  leads: ['lead', 'leads'],
  customers: ['account', 'accounts'],
  opportunities: ['deal', 'deals'],
  products: ['product', 'products'],
  tasks: ['task', 'tasks'],
};
const count = (n: number, kind: ImportKind) => `${n.toLocaleString('en')} ${nouns[kind][n === 1 ? 0 : 1]}`;

/**
 * No notification storm (issue 20): the records an import writes send no notification each; when the run
 * completes, the person who started it gets one summary of what it did, and everyone else it gave records
 * to (as owner, or as a task's assignee) one summary of how many are now theirs (`ownerCounts`, moved with
 * each batch's checkpoint, so a resumed run counts every batch once). Each is once per import and person
 * (its `dedupeKey`): a run that dies after sending them and completes on its next start sends none again.
 */
export async function sendSummaries(ctx: ImportContext, job: ImportJob): Promise<void> {
  const { created, updated, skipped, failed } = job.counts;
  const base = { tenantId: job.tenantId, resource: 'import', resourceId: String(job._id) };
  const file = job.fileName || 'a file';
  await ctx.deps.notify({
    ...base,
    userId: job.createdBy,
    category: 'import.completed',
    title: `Import of ${file} finished: ${count(created, job.kind)} created, ${updated.toLocaleString('en')} updated`,
    body: `${count(created, job.kind)} created, ${updated.toLocaleString('en')} updated, ${skipped.toLocaleString('en')} skipped, ${failed.toLocaleString('en')} failed.${failed ? ' The error file lists the failed rows and why.' : ''}`,
    link: `/imports/${String(job._id)}`,
    dedupeKey: `import.summary:${String(job._id)}:${String(job.createdBy)}`,
  });
  for (const [userId, n] of Object.entries(job.ownerCounts ?? {})) {
    if (userId === String(job.createdBy) || !n || !Types.ObjectId.isValid(userId)) continue;
    await ctx.deps.notify({
      ...base,
      userId: new Types.ObjectId(userId),
      category: 'import.assigned',
      title: job.kind === 'tasks' ? `${count(n, job.kind)} assigned to you by an import` : `${count(n, job.kind)} from an import are yours`,
      body: `From the import of ${file}: ${count(n, job.kind)} ${n === 1 ? 'is' : 'are'} now ${job.kind === 'tasks' ? 'assigned to you' : 'yours'}.`,
      link: `/${job.kind}`,
      dedupeKey: `import.summary:${String(job._id)}:${userId}`,
    });
  }
}
