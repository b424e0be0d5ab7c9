import { setTimeout as delay } from 'node:timers/promises';
import { Types, type Connection } from 'mongoose';
import { bulkWriteBounded } from '../../platform/db/bulk-writes.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors.js';
import { currencyExponent, divRound, parseScaled, toSafe } from '../../platform/money/money.js';
import { accountCreditModel, creditLockModel, creditRuleModel, type AccountCredit, type CreditBand, type CreditInputs, type CreditRule, type MonthRevenue } from './credit.model.js';

const DAY = 86_400_000;
/** How many months of invoiced revenue an account's purchase summary keeps (segments read at most this far back). */
export const REVENUE_MONTHS = 24;
/** A lock older than this is taken to be from a process that died while holding it. */
const STALE_LOCK_MS = 30_000;
/** How many accounts' tallies the nightly run holds at once (a few hundred bytes to a few KB each); more accounts take more passes. */
export const CREDIT_ACCOUNTS_PER_PASS = 25_000;
/** Which of `passes` shares an account falls in: its `_id`'s last three bytes (a counter) modulo the passes. */
const shareOf = (id: Types.ObjectId, passes: number) => parseInt(id.toHexString().slice(-6), 16) % passes;

export type CreditRuleInput = Omit<CreditRule, '_id' | 'tenantId' | 'version' | 'updatedAt'>;

export const DEFAULT_RULE: CreditRuleInput = {
  enabled: false,
  baseMinor: 0,
  spendShareBp: 2_500,
  windowDays: 365,
  bands: [
    { maxAverageDaysLate: 0, multiplierBp: 12_000, capMinor: null },
    { maxAverageDaysLate: 7, multiplierBp: 10_000, capMinor: null },
    { maxAverageDaysLate: 30, multiplierBp: 5_000, capMinor: null },
  ],
  lateMultiplierBp: 0,
  overdueMultiplierBp: 5_000,
  floorMinor: 0,
  ceilingMinor: null,
};

/** Payment behaviour and spending of one account, as the rule reads them. */
export interface CreditFacts {
  currency: string;
  spendMinor: number;
  averageDaysLate: number;
  maxDaysLate: number;
  paidCount: number;
  openOverdueCount: number;
}

const bp = (amount: number, basisPoints: number) => toSafe(divRound(BigInt(amount) * BigInt(basisPoints), 10_000n), 'credit limit');

/** The rule applied to one account's facts: the limit in minor units and every input it was reached from. Integer math only. */
export function calculateLimit(rule: CreditRuleInput, facts: CreditFacts): { limitMinor: number; inputs: CreditInputs } {
  const bands = [...rule.bands].sort((a, b) => a.maxAverageDaysLate - b.maxAverageDaysLate);
  const index = bands.findIndex((b) => facts.averageDaysLate <= b.maxAverageDaysLate);
  const band: CreditBand | null = index >= 0 ? bands[index]! : null;
  const rawMinor = rule.baseMinor + bp(facts.spendMinor, rule.spendShareBp);
  let multiplierBp = band ? band.multiplierBp : rule.lateMultiplierBp;
  if (facts.openOverdueCount > 0) multiplierBp = toSafe(divRound(BigInt(multiplierBp) * BigInt(rule.overdueMultiplierBp), 10_000n));
  let limit = bp(rawMinor, multiplierBp);
  const capMinor = band?.capMinor ?? null;
  if (capMinor !== null) limit = Math.min(limit, capMinor);
  limit = Math.max(limit, rule.floorMinor);
  if (rule.ceilingMinor !== null) limit = Math.min(limit, rule.ceilingMinor);
  return {
    limitMinor: limit,
    inputs: { ...facts, windowDays: rule.windowDays, band: band ? index : null, baseMinor: rule.baseMinor, spendShareBp: rule.spendShareBp, multiplierBp, capMinor, floorMinor: rule.floorMinor, ceilingMinor: rule.ceilingMinor, rawMinor },
  };
}

const startOfDay = (d: Date) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
const monthOf = (d: Date) => d.toISOString().slice(0, 7);

interface InvoiceRow { accountId: Types.ObjectId; currency: string; total?: number; issueDate?: Date; dueDate?: Date; paidAt?: Date | null; status?: string; number?: number | null; amountPaid?: number; credited?: number }
interface OrderRow { accountId: Types.ObjectId; status?: string; number?: number | null; createdAt?: Date; lines?: { serviceId?: Types.ObjectId }[] }
interface AccountRow { _id: Types.ObjectId; finance?: { currency?: string | null; creditLimit?: number | null } | null }

/** What the invoices and orders say about accounts, gathered in one pass over each (no read per account). */
class Tally {
  readonly spend = new Map<string, Map<string, number>>();
  readonly late = new Map<string, { paid: number; days: number; max: number; overdue: number }>();
  readonly revenue = new Map<string, Map<string, number>>();
  readonly products = new Map<string, Set<string>>();
  readonly lastOrder = new Map<string, { at: number; count: number }>();
  constructor(readonly now: Date, readonly windowDays: number) {}

  invoice(r: InvoiceRow) {
    if (r.number === null || r.number === undefined || r.status === 'void' || r.status === 'draft') return;
    const key = String(r.accountId);
    const issued = r.issueDate ? new Date(r.issueDate) : null;
    // Credit notes take their amount off the spend and the revenue (invoice-corrections.ts).
    const total = Number(r.total ?? 0) - Number(r.credited ?? 0);
    if (issued && issued.getTime() >= this.now.getTime() - this.windowDays * DAY && issued <= this.now) {
      const byCurrency = this.spend.get(key) ?? new Map<string, number>();
      byCurrency.set(r.currency, (byCurrency.get(r.currency) ?? 0) + total);
      this.spend.set(key, byCurrency);
    }
    const oldest = new Date(Date.UTC(this.now.getUTCFullYear(), this.now.getUTCMonth() - (REVENUE_MONTHS - 1), 1));
    if (issued && issued >= oldest) {
      const months = this.revenue.get(key) ?? new Map<string, number>();
      const mk = `${monthOf(issued)}|${r.currency}`;
      months.set(mk, (months.get(mk) ?? 0) + total);
      this.revenue.set(key, months);
    }
    const l = this.late.get(key) ?? { paid: 0, days: 0, max: 0, overdue: 0 };
    if (r.status === 'paid' && r.paidAt && r.dueDate && new Date(r.paidAt).getTime() >= this.now.getTime() - 365 * DAY) {
      const days = Math.max(0, Math.round((startOfDay(new Date(r.paidAt)) - startOfDay(new Date(r.dueDate))) / DAY));
      l.paid += 1;
      l.days += days;
      l.max = Math.max(l.max, days);
    } else if (r.status !== 'paid' && r.status !== 'credited' && r.dueDate && startOfDay(new Date(r.dueDate)) < startOfDay(this.now)) {
      l.overdue += 1;
    }
    this.late.set(key, l);
  }

  order(r: OrderRow) {
    if (r.number === null || r.number === undefined || r.status === 'cancelled') return;
    const key = String(r.accountId);
    const set = this.products.get(key) ?? new Set<string>();
    for (const line of r.lines ?? []) if (line.serviceId) set.add(String(line.serviceId));
    this.products.set(key, set);
    const at = r.createdAt ? new Date(r.createdAt).getTime() : 0;
    const last = this.lastOrder.get(key) ?? { at: 0, count: 0 };
    this.lastOrder.set(key, { at: Math.max(last.at, at), count: last.count + 1 });
  }

  facts(account: AccountRow): CreditFacts {
    const key = String(account._id);
    const currency = account.finance?.currency ?? 'EUR';
    const l = this.late.get(key) ?? { paid: 0, days: 0, max: 0, overdue: 0 };
    // Tenths of a day, as the invoices module keeps them.
    const averageDaysLate = l.paid ? Math.round((l.days * 10) / l.paid) / 10 : 0;
    return { currency, spendMinor: this.spend.get(key)?.get(currency) ?? 0, averageDaysLate, maxDaysLate: l.max, paidCount: l.paid, openOverdueCount: l.overdue };
  }

  summary(accountId: Types.ObjectId) {
    const key = String(accountId);
    const last = this.lastOrder.get(key);
    const revenue: MonthRevenue[] = [...(this.revenue.get(key) ?? new Map<string, number>())].map(([mk, amount]) => {
      const [month, currency] = mk.split('|') as [string, string];
      return { month, currency, amount };
    });
    return {
      productIds: [...(this.products.get(key) ?? [])].map((id) => new Types.ObjectId(id)),
      lastOrderAt: last && last.at ? new Date(last.at) : null,
      orderCount: last?.count ?? 0,
      revenue: revenue.sort((a, b) => a.month.localeCompare(b.month) || a.currency.localeCompare(b.currency)),
    };
  }
}

/**
 * Credit (issue 21 item 5): the agency's rule (data), each account's calculated limit with its inputs,
 * the nightly recalculation in one pass over invoices, orders and accounts per agency, and the
 * per-account reservation that makes credit checks of concurrent orders run one after another.
 */
export function createCreditService(connection: Connection) {
  const Rule = creditRuleModel(connection);
  const Credit = accountCreditModel(connection);
  const Lock = creditLockModel(connection);
  const invoices = connection.collection('invoices');
  const orders = connection.collection('orders');
  const customers = connection.collection('customers');

  async function rule(tenantId: Types.ObjectId): Promise<CreditRuleInput & { version: number }> {
    const stored = await Rule.findOne({ tenantId, _id: tenantId }).lean<CreditRule>();
    if (!stored) return { ...DEFAULT_RULE, version: 0 };
    const { enabled, baseMinor, spendShareBp, windowDays, bands, lateMultiplierBp, overdueMultiplierBp, floorMinor, ceilingMinor } = stored;
    return { enabled, baseMinor, spendShareBp, windowDays, bands: bands.map((b) => ({ maxAverageDaysLate: b.maxAverageDaysLate, multiplierBp: b.multiplierBp, capMinor: b.capMinor ?? null })), lateMultiplierBp, overdueMultiplierBp, floorMinor, ceilingMinor: ceilingMinor ?? null, version: stored.version ?? 0 };
  }

  function figures(accountId: Types.ObjectId, tally: Tally, r: CreditRuleInput, account: AccountRow) {
    const { limitMinor, inputs } = calculateLimit(r, tally.facts(account));
    return { calculatedMinor: r.enabled ? limitMinor : null, inputs, calculatedAt: tally.now, ...tally.summary(accountId), summarizedAt: tally.now };
  }

  function write(tenantId: Types.ObjectId, accountId: Types.ObjectId, tally: Tally, r: CreditRuleInput, account: AccountRow) {
    return { updateOne: { filter: { tenantId, accountId }, update: { $set: figures(accountId, tally, r, account) }, upsert: true } };
  }

  /**
   * The nightly run's write of one account: by the row's `_id` when it exists, else an insert. Measured
   * (bench/RESULTS.md, 2026-12-06 06:13): inserts are cheap, but FerretDB 1.24 reaches PostgreSQL with
   * `_jsonb->'_id' @> $` for the `_id` too, a scan of the table that no index serves, so rewriting
   * existing rows one update each is still quadratic in the agency's accounts; see RESULTS for the fix.
   */
  function writeById(tenantId: Types.ObjectId, accountId: Types.ObjectId, existing: Types.ObjectId | undefined, tally: Tally, r: CreditRuleInput, account: AccountRow) {
    const set = figures(accountId, tally, r, account);
    if (existing) return { updateOne: { filter: { tenantId, _id: existing }, update: { $set: set } } };
    return { insertOne: { document: { tenantId, accountId, ...set } } };
  }

  /**
   * Writes a page of the nightly run: the new rows in one insert, the existing ones by `_id` in bounded
   * commands (`bulkWriteBounded`: one bulk write of 1,000 updates hung FerretDB at 20,000 accounts). A row
   * inserted meanwhile by another writer (unique key) is written again by its key.
   */
  async function writePage(page: { op: ReturnType<typeof writeById>; upsert: ReturnType<typeof write> }[]) {
    try {
      await bulkWriteBounded(Credit.collection, page.map((p) => p.op) as never, { ordered: false });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      await bulkWriteBounded(Credit.collection, page.map((p) => p.upsert) as never, { ordered: false });
    }
  }

  /** One account now: its invoices and orders by the account (pushed-down equality), then the same sum as the nightly run. */
  async function recalculateAccount(tenantId: Types.ObjectId, accountId: Types.ObjectId, now = new Date()) {
    const r = await rule(tenantId);
    const account = await customers.findOne({ tenantId, _id: accountId }, { projection: { finance: 1 } });
    if (!account) throw AppError.notFound('Customer');
    const tally = new Tally(now, r.windowDays);
    for await (const row of invoices.find({ tenantId, accountId }, { projection: { accountId: 1, currency: 1, total: 1, credited: 1, issueDate: 1, dueDate: 1, paidAt: 1, status: 1, number: 1 } })) tally.invoice(row as unknown as InvoiceRow);
    for await (const row of orders.find({ tenantId, accountId }, { projection: { accountId: 1, status: 1, number: 1, createdAt: 1, 'lines.serviceId': 1 } })) tally.order(row as unknown as OrderRow);
    await Credit.bulkWrite([write(tenantId, accountId, tally, r, account as unknown as AccountRow)] as never);
    return (await Credit.findOne({ tenantId, accountId }).lean<AccountCredit>())!;
  }

  /**
   * Every account of an agency, in memory bounded by `accountsPerPass`: the agency's accounts are split
   * into shares by their `_id` (its counter bytes modulo the number of passes), and each pass streams the
   * agency's invoices, orders, credit rows and accounts (tenant equality, which FerretDB pushes down; no
   * sort, no range, which it would not) keeping the tallies of its own share only, then writes that
   * share's rows `pageSize` at a time by `_id` once its accounts are read. One pass up to `accountsPerPass` accounts; each further
   * pass reads the agency's invoices and orders once more (bench/RESULTS.md has the figures).
   */
  async function recalculateTenant(tenantId: Types.ObjectId, now = new Date(), pageSize = 1000, accountsPerPass = CREDIT_ACCOUNTS_PER_PASS) {
    const r = await rule(tenantId);
    const total = await customers.countDocuments({ tenantId });
    const passes = Math.max(1, Math.ceil(total / accountsPerPass));
    let accounts = 0;
    for (let pass = 0; pass < passes; pass += 1) {
      const mine = (id: unknown) => passes === 1 || shareOf(id as Types.ObjectId, passes) === pass;
      const tally = new Tally(now, r.windowDays);
      for await (const row of invoices.find({ tenantId }, { projection: { accountId: 1, currency: 1, total: 1, credited: 1, issueDate: 1, dueDate: 1, paidAt: 1, status: 1, number: 1 }, batchSize: 2000 })) if (mine(row.accountId)) tally.invoice(row as unknown as InvoiceRow);
      for await (const row of orders.find({ tenantId }, { projection: { accountId: 1, status: 1, number: 1, createdAt: 1, 'lines.serviceId': 1 }, batchSize: 2000 })) if (mine(row.accountId)) tally.order(row as unknown as OrderRow);
      const existing = new Map<string, Types.ObjectId>();
      for await (const row of Credit.collection.find({ tenantId }, { projection: { _id: 1, accountId: 1 }, batchSize: 2000 })) if (mine(row.accountId)) existing.set(String(row.accountId), row._id as unknown as Types.ObjectId);
      // The share's accounts are read to the end before the first write: a cursor left open while
      // thousands of rows are written stalled FerretDB's getMore in the bench (bench/RESULTS.md).
      const share: AccountRow[] = [];
      for await (const account of customers.find({ tenantId }, { projection: { finance: 1 }, batchSize: 2000 })) if (mine(account._id)) share.push(account as unknown as AccountRow);
      for (let i = 0; i < share.length; i += pageSize) {
        await writePage(share.slice(i, i + pageSize).map((account) => ({ op: writeById(tenantId, account._id, existing.get(String(account._id)), tally, r, account), upsert: write(tenantId, account._id, tally, r, account) })));
      }
      accounts += share.length;
    }
    return { accounts };
  }

  return {
    rule,
    recalculateAccount,
    recalculateTenant,

    async putRule(tenantId: Types.ObjectId, input: CreditRuleInput, ifMatch?: number) {
      const current = await rule(tenantId);
      if (ifMatch !== undefined && ifMatch !== current.version) throw new AppError('precondition_failed', `The credit rule is at version ${current.version}, not ${ifMatch}`);
      const seen = new Set<number>();
      for (const [i, band] of input.bands.entries()) {
        if (seen.has(band.maxAverageDaysLate)) throw AppError.invalidField(`bands.${i}.maxAverageDaysLate`, 'appears in two bands');
        seen.add(band.maxAverageDaysLate);
      }
      if (input.ceilingMinor !== null && input.ceilingMinor < input.floorMinor) throw AppError.invalidField('ceilingMinor', `is below the floor (${input.floorMinor})`);
      const stored = await Rule.findOne({ tenantId, _id: tenantId });
      if (!stored) {
        try {
          await Rule.create({ _id: tenantId, tenantId, ...input });
        } catch (error) {
          if (isDuplicateKeyError(error)) throw new AppError('version_conflict', 'The credit rule was written by someone else meanwhile; read it again');
          throw error;
        }
      } else {
        stored.set(input);
        await stored.save();
      }
      return rule(tenantId);
    },

    /** The limit the gate uses: the account's manual `creditLimit` (major units) wins, else the calculated one when the rule is enabled. */
    async limitFor(tenantId: Types.ObjectId, account: { _id: Types.ObjectId; finance?: { currency?: string | null; creditLimit?: number | null } | null }) {
      const manual = account.finance?.creditLimit;
      const currency = account.finance?.currency ?? 'EUR';
      if (manual !== null && manual !== undefined) {
        const exponent = currencyExponent(currency);
        const scaled = parseScaled(manual, exponent);
        return { source: 'override' as const, currency, limitMinor: scaled === null ? Math.round(manual * 10 ** exponent) : toSafe(scaled), inputs: null, calculatedAt: null };
      }
      const r = await rule(tenantId);
      if (!r.enabled) return { source: 'none' as const, currency, limitMinor: null, inputs: null, calculatedAt: null };
      let credit = await Credit.findOne({ tenantId, accountId: account._id }).lean<AccountCredit>();
      if (!credit || credit.calculatedMinor === null || credit.calculatedMinor === undefined) credit = await recalculateAccount(tenantId, account._id);
      return { source: 'calculated' as const, currency, limitMinor: credit.calculatedMinor, inputs: credit.inputs, calculatedAt: credit.calculatedAt };
    },

    summary: (tenantId: Types.ObjectId, accountId: Types.ObjectId) => Credit.findOne({ tenantId, accountId }).lean<AccountCredit>(),

    /** Keeps the purchase summary current as orders are made (segments on purchase history read it). */
    async recordOrder(tenantId: Types.ObjectId, accountId: Types.ObjectId, productIds: Types.ObjectId[], at: Date) {
      const filter = { tenantId, accountId };
      try {
        await Credit.updateOne(filter, { $addToSet: { productIds: { $each: productIds } }, $max: { lastOrderAt: at }, $inc: { orderCount: 1 } }, { upsert: true });
      } catch (error) {
        // Two first orders of an account upserting at once: the loser's insert meets the unique key; update the winner's.
        if (!isDuplicateKeyError(error)) throw error;
        await Credit.updateOne(filter, { $addToSet: { productIds: { $each: productIds } }, $max: { lastOrderAt: at }, $inc: { orderCount: 1 } });
      }
    },

    /**
     * Runs `fn` holding the account's credit reservation: the one insert of `<tenant>:<account>` into
     * `creditLocks` wins (unique `_id`), others wait for it, so two orders' check-then-store never
     * interleave (a conditional update would not serialize them on FerretDB). A holder that died leaves
     * a lock older than 30 s, which the next caller removes.
     */
    async withAccountLock<T>(tenantId: Types.ObjectId, accountId: Types.ObjectId, fn: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
      const _id = `${String(tenantId)}:${String(accountId)}`;
      const started = Date.now();
      for (let attempt = 0; ; attempt += 1) {
        try {
          await Lock.create({ _id, at: new Date() });
          break;
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          const held = await Lock.findOne({ _id }).lean();
          if (held && Date.now() - new Date(held.at).getTime() > STALE_LOCK_MS) await Lock.deleteOne({ _id, at: held.at });
          if (Date.now() - started > timeoutMs) throw new AppError('unavailable', "The account's credit is being checked for other orders right now; try again");
          await delay(Math.min(200, 5 + attempt * 5) + Math.floor(Math.random() * 10));
        }
      }
      try {
        return await fn();
      } finally {
        await Lock.deleteOne({ _id });
      }
    },
  };
}

export type CreditService = ReturnType<typeof createCreditService>;
