import type { Connection, Types } from 'mongoose';
import type { Jobs } from '../../platform/jobs/jobs.js';
import type { CreditService } from './credit.service.js';

/** The nightly recalculation of every agency's credit limits and purchase summaries. */
export const CREDIT_RECALCULATE_JOB = 'credit.recalculate';

/** Every agency, one after another; each in one pass over its invoices, orders and accounts (credit.service). */
export async function recalculateAll(connection: Connection, credit: CreditService, now = new Date()) {
  let accounts = 0;
  for await (const tenant of connection.collection('tenants').find({}, { projection: { _id: 1 } })) {
    accounts += (await credit.recalculateTenant(tenant._id as unknown as Types.ObjectId, now)).accounts;
  }
  return { accounts };
}

export function defineCreditJobs(deps: { connection: Connection; credit: CreditService; jobs: Jobs }): void {
  deps.jobs.define(CREDIT_RECALCULATE_JOB, async () => {
    await recalculateAll(deps.connection, deps.credit);
  });
  deps.jobs.recurring('40 2 * * *', CREDIT_RECALCULATE_JOB, { timezone: 'UTC' });
}
