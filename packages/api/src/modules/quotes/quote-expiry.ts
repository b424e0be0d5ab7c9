import type { Connection } from 'mongoose';
import type { EventBus } from '../../platform/events.js';
import type { Jobs } from '../../platform/jobs/jobs.js';
import { writeStoredVersion } from '../../platform/records/version-claims.js';
import type { WorkflowEngine } from '../../platform/workflow/workflow-engine.js';
import { quoteModel, type Quote } from './quote.model.js';

export const EXPIRE_QUOTES_JOB = 'quotes.expire';

/**
 * Moves sent quotes whose validity day has passed to 'expired', where the agency's quote workflow allows
 * that move for anyone (a move limited to roles is left to people). Safe to run twice: each move is a
 * versioned write, so a second run, or a second worker, finds the quote already expired.
 */
export async function expireQuotes(deps: { connection: Connection; workflows: WorkflowEngine; events: EventBus }, now: Date): Promise<number> {
  const Quote = quoteModel(deps.connection);
  const today = new Date(`${now.toISOString().slice(0, 10)}T00:00:00.000Z`);
  // Sent quotes are few next to all quotes; read by one top-level equality across agencies.
  const sent = await Quote.find({ status: 'sent' }).setOptions({ crossTenant: 'the expiry job runs for every agency' }).limit(10_000).lean<Quote[]>();
  let expired = 0;
  for (const quote of sent) {
    if (new Date(quote.validUntil) >= today) continue;
    const workflow = await deps.workflows.get(quote.tenantId, 'quote');
    if (!workflow.transitions.some((t) => t.from === 'sent' && t.to === 'expired' && t.roles.length === 0)) continue;
    const saved = await writeStoredVersion(Quote, quote, { $set: { status: 'expired' } });
    if (!saved) continue;
    await deps.workflows.record({ principal: null, tenantId: quote.tenantId, key: 'quote', resource: 'quote', recordId: quote._id, from: 'sent', to: 'expired', note: 'validity passed' });
    await deps.events.publish({ type: 'quote.transitioned', tenantId: quote.tenantId, resource: 'quote', resourceId: String(quote._id), actor: null, record: { id: String(quote._id), opportunityId: String(quote.opportunityId), status: 'expired', from: 'sent', to: 'expired' } } as never);
    expired += 1;
  }
  return expired;
}

/** The hourly job that expires quotes past their validity day. */
export function defineQuoteJobs(deps: { connection: Connection; workflows: WorkflowEngine; events: EventBus; jobs: Jobs }): void {
  deps.jobs.define(EXPIRE_QUOTES_JOB, async () => {
    await expireQuotes(deps, new Date());
  });
  deps.jobs.recurring('17 * * * *', EXPIRE_QUOTES_JOB, { timezone: 'UTC' });
}
