import type { Types } from 'mongoose';
import { AppError } from '../../platform/errors.js';
import type { ImportContext } from './import-context.js';
import type { ImportJob } from './import.model.js';


function partsIn(at: Date, timeZone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second) };
}

/** The agency's day at `at`, as `YYYY-MM-DD` in its time zone: what the cap is counted by. */
export function agencyDay(at: Date, timeZone: string): string {
  const p = partsIn(at, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The instant the agency's next day starts (its local midnight), across a daylight-saving change too. */
export function nextAgencyDay(at: Date, timeZone: string): Date {
  const offsetAt = (t: Date) => {
    const p = partsIn(t, timeZone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(t.getTime() / 1000) * 1000;
  };
  const p = partsIn(at, timeZone);
  const midnight = Date.UTC(p.year, p.month - 1, p.day + 1);
  const guess = midnight - offsetAt(at);
  return new Date(midnight - offsetAt(new Date(guess)));
}

/** Rows (created or updated) the agency's import runs wrote on `day`, but for `exceptId`'s: one equality read of its imports of that day. */
export async function rowsWrittenOn(ctx: ImportContext, tenantId: Types.ObjectId, day: string, exceptId?: Types.ObjectId): Promise<number> {
  const jobs = await ctx.Imports.find({ tenantId, usageDay: day } as never).select({ usageRows: 1 }).lean<Array<Pick<ImportJob, '_id' | 'usageRows'>>>();
  return jobs.reduce((sum, j) => (exceptId && j._id.equals(exceptId) ? sum : sum + (j.usageRows ?? 0)), 0);
}

/** The message of a run stopped at the cap, and of a run refused until the next day. */
export function capReachedMessage(cap: number, resumesAt: Date): string {
  return `The agency's daily import limit of ${cap} rows is reached; the import continues when you run it again after ${resumesAt.toISOString()}, or ask an admin to raise the limit`;
}

/** Refuses to queue a run while the agency's cap for today is used up (429 naming the time it may run again). */
export async function assertCapLeft(ctx: ImportContext, job: ImportJob): Promise<void> {
  const { cap, timeZone } = await ctx.deps.dailyRowCapOf(job.tenantId);
  if (cap <= 0) return;
  const now = new Date();
  if ((await rowsWrittenOn(ctx, job.tenantId, agencyDay(now, timeZone))) >= cap) throw new AppError('rate_limited', capReachedMessage(cap, nextAgencyDay(now, timeZone)));
}
