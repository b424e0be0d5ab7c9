import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { claimOnce } from '../../platform/db/claim-once.js';
import { op } from '../../platform/db/operators.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import type { DomainEvent, EventBus } from '../../platform/events.js';
import { customerModel } from '../customers/customer.model.js';
import { tenantModel } from '../identity/tenant.model.js';
import { invoiceModel } from '../invoices/invoice.model.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import { accountSnapshotModel, accountWeekCountModel, addWeeks, weekOf, type AccountSnapshot, type HealthFlag } from './account-health.model.js';

/** How the weekly comparison decides (docs/account-health.md). */
export interface HealthRules {
  /** Weeks of snapshots the trailing average is taken over. */
  trailingWeeks: number;
  /** A drop is flagged when this week's activities are below this share of the trailing average... */
  dropRatio: number;
  /** ...and the trailing average is at least this (two calls a month going to one is not a pattern). */
  minBaseline: number;
  /** Accounts written and notified per batch. */
  pageSize: number;
}

export const defaultHealthRules: HealthRules = { trailingWeeks: 4, dropRatio: 0.5, minBaseline: 3, pageSize: 1000 };

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The API shape of a snapshot. */
export function toSnapshotDto(s: AccountSnapshot) {
  return {
    id: String(s._id),
    accountId: String(s.accountId),
    week: s.week,
    activities: s.activities,
    orders: s.orders,
    tickets: s.tickets,
    trailingActivities: s.trailingActivities,
    trailingWeeks: s.trailingWeeks,
    lateInvoices: s.lateInvoices,
    lateAmount: s.lateAmount,
    flags: [...s.flags],
    accountManagerId: s.accountManagerId ? String(s.accountManagerId) : null,
    createdAt: new Date(s.createdAt).toISOString(),
  };
}

type Counts = { activities: number; orders: number; tickets: number };

/**
 * Account behaviour tracking (003, issue 23 item 8): weekly counts kept by the writes, a weekly
 * snapshot per account compared with its trailing average, and the account manager told of a drop in
 * activity or a late payment once per account and week (a `claimOnce` key), however often the job runs.
 */
export function createAccountHealthService(deps: { connection: Connection; notifications: Pick<NotificationsService, 'notify'>; rules?: Partial<HealthRules> }) {
  const { connection } = deps;
  const rules = { ...defaultHealthRules, ...deps.rules };
  const Counts = accountWeekCountModel(connection);
  const Snapshots = accountSnapshotModel(connection);

  /** Adds one to an account's week (an `$inc` upsert; a lost race on the unique key retries once). */
  async function bump(tenantId: Types.ObjectId, accountId: Types.ObjectId, at: Date, field: keyof Counts) {
    const week = weekOf(at);
    const key = `${week}:${String(accountId)}`;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await Counts.updateOne({ tenantId, key }, { $inc: { [field]: 1 }, $setOnInsert: { accountId, week } }, { upsert: true });
        return;
      } catch (error) {
        if (!isDuplicateKeyError(error) || attempt > 0) throw error;
      }
    }
  }

  const idOf = (value: unknown) => (typeof value === 'string' && Types.ObjectId.isValid(value) ? new Types.ObjectId(value) : value instanceof Types.ObjectId ? value : null);

  /** The bus subscriber: activities on a customer, orders and tickets of an account count into its week. */
  async function onEvent(event: DomainEvent) {
    const record = event.record ?? {};
    if (event.type === 'activity.created') {
      const subject = record.subject as { type?: string; id?: unknown } | undefined;
      const accountId = subject?.type === 'customer' ? idOf(subject.id) : null;
      if (accountId) await bump(event.tenantId, accountId, record.occurredAt ? new Date(String(record.occurredAt)) : event.at, 'activities');
    } else if (event.type === 'order.created' || event.type === 'ticket.created') {
      const accountId = idOf(record.accountId);
      if (accountId) await bump(event.tenantId, accountId, event.at, event.type === 'order.created' ? 'orders' : 'tickets');
    }
  }

  /** Late invoices per account at `asOf`: open (issued, partly paid) and past due. Two equality reads. */
  async function lateByAccount(tenantId: Types.ObjectId, asOf: Date) {
    const late = new Map<string, { count: number; amount: number }>();
    for (const status of ['issued', 'partiallyPaid'] as const) {
      const rows = await invoiceModel(connection).find({ tenantId, status }).select({ accountId: 1, dueDate: 1, total: 1, amountPaid: 1 }).lean();
      for (const inv of rows) {
        if (new Date(inv.dueDate) >= asOf) continue;
        const entry = late.get(String(inv.accountId)) ?? { count: 0, amount: 0 };
        entry.count += 1;
        entry.amount = round2(entry.amount + (inv.total ?? 0) - (inv.amountPaid ?? 0));
        late.set(String(inv.accountId), entry);
      }
    }
    return late;
  }

  /** The snapshots of one tenant and week: counts, trailing averages, late payments, flags and notifications. */
  async function runTenant(tenantId: Types.ObjectId, week: string, now: Date) {
    const weekEnd = new Date(`${addWeeks(week, 1)}T00:00:00Z`);
    const asOf = now < weekEnd ? now : weekEnd;
    // Equality reads only (FerretDB pushes `tenantId` + `week` down); each is one small row per account.
    const [current, late, previous] = await Promise.all([
      Counts.find({ tenantId, week }).select({ accountId: 1, activities: 1, orders: 1, tickets: 1 }).lean(),
      lateByAccount(tenantId, asOf),
      // Last week's snapshots carry their window of weeks, so the trailing average needs this one read.
      Snapshots.find({ tenantId, week: addWeeks(week, -1) }).select({ accountId: 1, activities: 1, window: 1 }).lean(),
    ]);
    const counts = new Map<string, Counts>(current.map((c) => [String(c.accountId), { activities: c.activities ?? 0, orders: c.orders ?? 0, tickets: c.tickets ?? 0 }]));
    const trailing = new Map<string, number[]>();
    for (const s of previous) trailing.set(String(s.accountId), (s.window?.length ? s.window : [s.activities ?? 0]).slice(0, rules.trailingWeeks));
    // Every account with something this week, a history to compare with, or a late invoice; a dormant
    // account (nothing this week and nothing in its window) gets no row, so its window ends.
    const accounts = new Set<string>([...counts.keys(), ...late.keys()]);
    for (const [accountId, window] of trailing) if (window.some((n) => n > 0)) accounts.add(accountId);
    const ids = [...accounts];
    let written = 0;
    let flagged = 0;
    let notified = 0;
    for (let start = 0; start < ids.length; start += rules.pageSize) {
      const page = ids.slice(start, start + rules.pageSize);
      const rows = page.map((accountId) => {
        const c = counts.get(accountId) ?? { activities: 0, orders: 0, tickets: 0 };
        const t = trailing.get(accountId) ?? [];
        const avg = t.length > 0 ? round2(t.reduce((a, b) => a + b, 0) / t.length) : null;
        const flags: HealthFlag[] = [];
        if (avg !== null && avg >= rules.minBaseline && c.activities < avg * rules.dropRatio) flags.push('activity_drop');
        const l = late.get(accountId);
        if (l) flags.push('late_payment');
        return { tenantId, accountId: new Types.ObjectId(accountId), week, key: `${week}:${accountId}`, ...c, trailingActivities: avg, trailingWeeks: t.length, window: [c.activities, ...t].slice(0, rules.trailingWeeks), lateInvoices: l?.count ?? 0, lateAmount: l?.amount ?? 0, flags, accountManagerId: null as Types.ObjectId | null, createdAt: now };
      });
      const withFlags = rows.filter((r) => r.flags.length > 0);
      // The managers of the flagged accounts only (one read per page, by id).
      const managers = new Map<string, { name: string; userId: Types.ObjectId | null }>();
      // By `_id` alone, the lookup FerretDB pushes down (an `$in` would decode every customer of the
      // agency on each page); the tenant is checked on the answer. Flagged accounts are a few per cent.
      for (let i = 0; i < withFlags.length; i += 16) {
        await Promise.all(withFlags.slice(i, i + 16).map(async (r) => {
          const c = await customerModel(connection).findOne({ _id: r.accountId }).select({ tenantId: 1, name: 1, ownerId: 1, 'team.accountManagerId': 1 }).setOptions({ crossTenant: 'by id; the tenant is checked on the result' }).lean();
          if (c && c.tenantId.equals(tenantId)) managers.set(String(c._id), { name: c.name, userId: c.team?.accountManagerId ?? c.ownerId ?? null });
        }));
      }
      for (const r of withFlags) r.accountManagerId = managers.get(String(r.accountId))?.userId ?? null;
      // A second run of the week finds its rows there: the unique key keeps the first, unordered.
      try {
        const inserted = await Snapshots.insertMany(rows, { ordered: false });
        written += inserted.length;
      } catch (error) {
        const partial = error as { insertedDocs?: unknown[]; writeErrors?: unknown[]; code?: number };
        if (!partial.writeErrors && !isDuplicateKeyError(error)) throw error;
        written += partial.insertedDocs?.length ?? 0;
      }
      for (const r of withFlags) {
        flagged += 1;
        const manager = managers.get(String(r.accountId));
        if (!manager?.userId) continue;
        for (const flag of r.flags) {
          const key = `account-health:${String(tenantId)}:${String(r.accountId)}:${week}:${flag}`;
          if (!(await claimOnce(connection, key))) continue;
          const title = flag === 'activity_drop'
            ? `${manager.name}: activity dropped to ${r.activities} this week (usually ${r.trailingActivities})`
            : `${manager.name}: ${r.lateInvoices} invoice${r.lateInvoices === 1 ? '' : 's'} paid late (${r.lateAmount} open)`;
          await deps.notifications.notify({ tenantId, userId: manager.userId, category: `account.${flag}`, title, body: `Week of ${week}`, resource: 'customer', resourceId: String(r.accountId), link: `/customers/${String(r.accountId)}`, dedupeKey: key });
          notified += 1;
        }
      }
    }
    return { accounts: ids.length, written, flagged, notified };
  }

  return {
    onEvent,
    subscribe(events: EventBus) {
      const off = [events.subscribe('activity.created', onEvent), events.subscribe('order.created', onEvent), events.subscribe('ticket.created', onEvent)];
      return () => off.forEach((f) => f());
    },

    /** The weekly run: the week before `now` (or `week`), every active tenant (or one), tenant by tenant. */
    async run(now: Date, options: { week?: string | undefined; tenantId?: Types.ObjectId | undefined } = {}) {
      const week = options.week ?? addWeeks(weekOf(now), -1);
      const tenants = options.tenantId ? [{ _id: options.tenantId }] : await tenantModel(connection).find({ status: 'active' }).select({ _id: 1 }).lean();
      const totals = { week, tenants: 0, accounts: 0, written: 0, flagged: 0, notified: 0 };
      for (const t of tenants) {
        const r = await runTenant(t._id, week, now);
        totals.tenants += 1;
        totals.accounts += r.accounts;
        totals.written += r.written;
        totals.flagged += r.flagged;
        totals.notified += r.notified;
      }
      return totals;
    },

    /** Runs one tenant's week now (an admin's "run again"; nothing is flagged twice). */
    async runForTenant(principal: Principal, input: { week?: string | undefined }, now = new Date()) {
      if (input.week && input.week !== weekOf(new Date(`${input.week}T00:00:00Z`))) throw AppError.invalidField('week', 'must be a Monday (YYYY-MM-DD), the first day of an ISO week');
      if (input.week && new Date(`${input.week}T00:00:00Z`) > now) throw AppError.invalidField('week', 'must not be in the future');
      return this.run(now, { week: input.week, tenantId: principal.tenantId });
    },

    /** The snapshots of a week (all, or only flagged ones), by account. */
    async week(principal: Principal, query: { week?: string | undefined; flagged?: boolean | undefined; limit: number; cursor?: string | undefined }) {
      const week = query.week ?? addWeeks(weekOf(new Date()), -1);
      const filter: Record<string, unknown> = { tenantId: principal.tenantId, week };
      if (query.cursor) {
        if (!Types.ObjectId.isValid(query.cursor)) throw AppError.invalidField('cursor', 'is not a cursor this list returned');
        filter._id = op({ $gt: new Types.ObjectId(query.cursor) });
      }
      const rows = (await Snapshots.find(filter).sort({ _id: 1 }).lean()).filter((s) => !query.flagged || s.flags.length > 0);
      const page = rows.slice(0, query.limit);
      return { object: 'list' as const, data: page.map(toSnapshotDto), hasMore: rows.length > query.limit, nextCursor: rows.length > query.limit ? String(page.at(-1)!._id) : null };
    },

    /** One account's weekly history, newest first (the account must be visible to the caller). */
    async history(principal: Principal, accountId: Types.ObjectId, limit: number) {
      const rows = await Snapshots.find({ tenantId: principal.tenantId, accountId }).lean();
      rows.sort((a, b) => (a.week < b.week ? 1 : -1));
      return { object: 'list' as const, data: rows.slice(0, limit).map(toSnapshotDto), hasMore: rows.length > limit, nextCursor: null };
    },
  };
}

export type AccountHealthService = ReturnType<typeof createAccountHealthService>;
