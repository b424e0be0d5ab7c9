import type { Resource } from '../../platform/access/catalog.js';

/** The metrics roll-ups keep, each counted from one record type. */
export const metricNames = [
  'deals.created',
  'deals.won',
  'deals.won.amount',
  'deals.won.amount.new',
  'deals.won.amount.accountManagement',
  'deals.won.amount.upsell',
  'deals.lost',
  'pipeline.weighted',
  'leads.created',
  'leads.imported',
  'leads.contacted',
  'leads.converted',
  'activities.emails',
  'activities.calls',
  'activities.meetings',
  'tickets.opened',
  'tickets.resolved',
  'calls.answered',
  'calls.minutes',
  'tickets.sla_breached',
  'tickets.rated',
  'tickets.satisfied',
  'tickets.rating_points',
  'campaigns.sent',
  'campaigns.opened',
  'campaigns.clicked',
  'campaigns.bounced',
  'campaigns.replied',
  'campaigns.unsubscribed',
  'campaigns.signups',
  'campaigns.cost',
  'campaigns.revenue',
] as const;
export type MetricName = (typeof metricNames)[number];

export const periods = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type Period = (typeof periods)[number];

export const dimensions = ['all', 'owner', 'team', 'product', 'pipeline', 'stage', 'campaign', 'source', 'account', 'forecast', 'lostReason', 'channel'] as const;
export type Dimension = (typeof dimensions)[number];

/** The record type a metric counts, whose visibility decides who may read it. */
export const metricResource: Record<MetricName, Resource> = {
  'deals.created': 'opportunity',
  'deals.won': 'opportunity',
  'deals.won.amount': 'opportunity',
  'deals.won.amount.new': 'opportunity',
  'deals.won.amount.accountManagement': 'opportunity',
  'deals.won.amount.upsell': 'opportunity',
  'deals.lost': 'opportunity',
  'pipeline.weighted': 'opportunity',
  'leads.created': 'lead',
  'leads.imported': 'lead',
  'leads.contacted': 'activity',
  'leads.converted': 'lead',
  'activities.emails': 'activity',
  'activities.calls': 'activity',
  'activities.meetings': 'activity',
  'tickets.opened': 'ticket',
  'tickets.resolved': 'ticket',
  'calls.answered': 'activity',
  'calls.minutes': 'activity',
  'tickets.sla_breached': 'ticket',
  'tickets.rated': 'ticket',
  'tickets.satisfied': 'ticket',
  'tickets.rating_points': 'ticket',
  'campaigns.sent': 'campaign',
  'campaigns.opened': 'campaign',
  'campaigns.clicked': 'campaign',
  'campaigns.bounced': 'campaign',
  'campaigns.replied': 'campaign',
  'campaigns.unsubscribed': 'campaign',
  'campaigns.signups': 'campaign',
  'campaigns.cost': 'campaign',
  'campaigns.revenue': 'campaign',
};

/** The email figures of a campaign, per channel that sent it: our own sends (`ours`) and Mailwizz. */
export const emailChannels = ['ours', 'mailwizz'] as const;
export const campaignEmailFigures = ['sent', 'opened', 'clicked', 'bounced', 'replied', 'unsubscribed'] as const;
export type CampaignEmailFigures = Record<(typeof campaignEmailFigures)[number], number>;

/**
 * The channel a touch of a lead went through (`leads.contacted`, dimension `channel`): an email, a call
 * (`phone`), a note tagged `linkedin` (messages sent on LinkedIn are logged as notes), or a meeting
 * (`other`); other notes contact nobody.
 */
export function contactChannel(type: unknown, tags: unknown): 'email' | 'phone' | 'linkedin' | 'other' | null {
  if (type === 'email') return 'email';
  if (type === 'call') return 'phone';
  if (type === 'meeting') return 'other';
  if (type === 'note' && Array.isArray(tags) && tags.some((t) => String(t).toLowerCase() === 'linkedin')) return 'linkedin';
  return null;
}

/**
 * The forecast categories of an open deal, from its stage's probability (001's forecast levels): `commit`
 * from 90 %, `bestcase` from 50 %, else `pipeline`. Only `pipeline.weighted` is split by them (dimension
 * `forecast`), so a forecast by expected close month is one metric read.
 */
export const forecastCategories = ['commit', 'bestcase', 'pipeline'] as const;
export function forecastCategory(probability: unknown): (typeof forecastCategories)[number] {
  const p = Number(probability) || 0;
  return p >= 90 ? 'commit' : p >= 50 ? 'bestcase' : 'pipeline';
}

/** The record types roll-ups are kept for (their events are the ones the roll-ups follow). */
export const countedResources = ['opportunity', 'lead', 'activity', 'ticket', 'campaign'] as const;
export type CountedResource = (typeof countedResources)[number];

const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) that `at` falls on in `timeZone` (an IANA zone; the agency's setting). */
export function localDate(at: Date, timeZone = 'UTC'): string {
  if (timeZone === 'UTC') return ymd(at);
  let format = zoneFormats.get(timeZone);
  if (!format) zoneFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** The first day (YYYY-MM-DD) of the period holding the calendar day `day`; weeks start on Monday (ISO 8601). */
export function periodStartOfDay(period: Period, day: string): string {
  const at = new Date(`${day}T00:00:00Z`);
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  switch (period) {
    case 'day':
      return ymd(at);
    case 'week':
      at.setUTCDate(at.getUTCDate() - ((at.getUTCDay() + 6) % 7));
      return ymd(at);
    case 'month':
      return `${y}-${pad(m + 1)}-01`;
    case 'quarter':
      return `${y}-${pad(Math.floor(m / 3) * 3 + 1)}-01`;
    case 'year':
      return `${y}-01-01`;
  }
}

/**
 * The first day of the period holding the instant `at`, as the agency's calendar has it: days, weeks,
 * months and quarters turn at midnight in `timeZone` (default UTC), across daylight-saving changes too.
 * The one place period boundaries are computed; front ends ask the API for the current period.
 */
export function periodStart(period: Period, at: Date, timeZone = 'UTC'): string {
  return periodStartOfDay(period, localDate(at, timeZone));
}

/** The period after the one starting on `start`. */
export function nextPeriodStart(period: Period, start: string): string {
  const d = new Date(`${start}T00:00:00Z`);
  if (period === 'day') d.setUTCDate(d.getUTCDate() + 1);
  else if (period === 'week') d.setUTCDate(d.getUTCDate() + 7);
  else d.setUTCMonth(d.getUTCMonth() + (period === 'month' ? 1 : period === 'quarter' ? 3 : 12));
  return ymd(d);
}

/** Every period start from the one holding `from` to the one holding `to`, both YYYY-MM-DD. */
export function periodStarts(period: Period, from: string, to: string): string[] {
  const out: string[] = [];
  const last = periodStartOfDay(period, to);
  for (let s = periodStartOfDay(period, from); s <= last; s = nextPeriodStart(period, s)) out.push(s);
  return out;
}

/** The fields of a record that `contributionsOf` reads (and `version`): what the roll-ups queue keeps of it. */
export const countedFields = [
  'version', 'probability', 'ownerId', 'teamId', 'productId', 'pipelineId', 'stage', 'stageKind', 'outcome', 'campaignId', 'leadSource', 'source', 'customerId', 'accountId',
  'amount', 'weightedAmount', 'createdAt', 'closedAt', 'stageChangedAt', 'updatedAt', 'expectedCloseDate', 'occurredAt', 'type', 'status', 'statusChangedAt', 'durationMinutes',
  'lostReason', 'importId', 'subject', 'direction', 'tags', 'sla', 'firstResponseAt', 'startAt', 'cost', 'revenue', 'signups', 'email', 'satisfaction', 'pillar',
] as const;

const flat = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : typeof v === 'object' && v !== null ? String(v) : v);

/**
 * A record cut to the fields the roll-ups read (dates as ISO strings), so a queue entry stays small: a
 * list keeps up to 20 of its values, a plain object (an activity's subject, a ticket's SLA) its own
 * fields one level deep, anything else (an ObjectId) becomes its string.
 */
export function countedPart(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of countedFields) {
    const v = record[field];
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) out[field] = v.slice(0, 20).map(flat);
    else if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) out[field] = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, flat(x)]));
    else out[field] = flat(v);
  }
  return out;
}

/** One amount a record adds to one roll-up bucket. */
export interface Contribution {
  metric: MetricName;
  period: Period;
  periodStart: string;
  dimension: Dimension;
  key: string;
  value: number;
}

/** The stable name of one roll-up bucket (its `_id` inside a tenant). */
export function bucketId(c: Omit<Contribution, 'value'>): string {
  return `${c.metric}|${c.period}|${c.periodStart}|${c.dimension}|${c.key}`;
}

/**
 * The read group of a bucket: the month of a day or week bucket, the year of a longer one. A metric read
 * asks for whole groups (`line` for one key, `slice` for every key), so a 30-day chart decodes at most
 * two months of day buckets and a 12-month chart one or two years of month buckets.
 */
export function readGroup(period: Period, start: string): string {
  return period === 'day' || period === 'week' ? start.slice(0, 7) : start.slice(0, 4);
}

/** The read keys of a bucket: `line` (one key's series in a read group) and `slice` (every key's). */
export function readKeys(c: Omit<Contribution, 'value'>): { line: string; slice: string } {
  const group = readGroup(c.period, c.periodStart);
  return { line: `${c.metric}|${c.period}|${c.dimension}|${group}|${c.key}`, slice: `${c.metric}|${c.period}|${c.dimension}|${group}` };
}

/** Teams of a user: the teams they are a member or the lead of (for records that name no team). */
export type TeamsOf = (userId: string) => string[];

type Dto = Record<string, unknown>;
const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));
const date = (...values: unknown[]): Date | null => {
  for (const v of values) {
    if (!v) continue;
    const d = new Date(v as string);
    if (!Number.isNaN(d.getTime())) return d;
  }
  return null;
};

/** The dimension keys a record is counted under (`all` always; the others when the record has them). */
function keysOf(resource: CountedResource, record: Dto, teamsOf: TeamsOf): [Dimension, string][] {
  const out: [Dimension, string][] = [['all', 'all']];
  const owner = str(record.ownerId);
  if (owner) out.push(['owner', owner]);
  const team = str(record.teamId);
  for (const t of new Set(team ? [team] : owner ? teamsOf(owner) : [])) out.push(['team', t]);
  const product = str(record.productId);
  if (product) out.push(['product', product]);
  if (resource === 'opportunity') {
    const pipeline = str(record.pipelineId);
    if (pipeline) out.push(['pipeline', pipeline]);
    const stage = str(record.stage);
    if (stage) out.push(['stage', stage]);
  }
  if (resource === 'opportunity' || resource === 'lead') {
    const campaign = str(record.campaignId);
    if (campaign) out.push(['campaign', campaign]);
    const source = str(resource === 'opportunity' ? record.leadSource : record.source);
    if (source) out.push(['source', source.slice(0, 120)]);
    const account = str(record.customerId);
    if (account) out.push(['account', account]);
  }
  if (resource === 'ticket') {
    const account = str(record.accountId);
    if (account) out.push(['account', account]);
  }
  if (resource === 'campaign' && str(record.id)) out.push(['campaign', str(record.id)!]);
  return out;
}

/** What one record counts, metric by metric: the amount and the moment it counts at. */
type Measure = { metric: MetricName; at: Date; value: number; calendar?: boolean; also?: [Dimension, string][] };

function measures(resource: CountedResource, r: Dto): Measure[] {
  const out: (Omit<Measure, 'at'> & { at: Date | null })[] = [];
  if (resource === 'opportunity') {
    out.push({ metric: 'deals.created', at: date(r.createdAt), value: 1 });
    const won = r.stageKind === 'won' || r.outcome === 'won' || r.outcome === 'partially_won';
    const lost = !won && (r.stageKind === 'lost' || r.outcome === 'lost');
    const closed = date(r.closedAt, r.stageChangedAt, r.updatedAt, r.createdAt);
    if (won) {
      out.push({ metric: 'deals.won', at: closed, value: 1 });
      out.push({ metric: 'deals.won.amount', at: closed, value: Number(r.amount) || 0 });
      // 003's forecast pillars: a deal without an account is new business; one of an account carries the
      // pillar it was put in when first won (forecast-pillars.ts), read before it is counted.
      const pillar = str(r.customerId) ? str(r.pillar) : 'new';
      if (pillar === 'new' || pillar === 'accountManagement' || pillar === 'upsell') out.push({ metric: `deals.won.amount.${pillar}`, at: closed, value: Number(r.amount) || 0 });
    }
    if (lost) out.push({ metric: 'deals.lost', at: closed, value: 1, also: [['lostReason', (str(r.lostReason) ?? 'unknown').slice(0, 120)]] });
    // Open deals weigh in the month they are expected to close (the forecast), else when they were made.
    // An expected close date is a calendar date (stored as its UTC midnight), so it is read in UTC.
    if (r.stageKind === 'open') out.push({ metric: 'pipeline.weighted', at: date(r.expectedCloseDate, r.createdAt), value: Number(r.weightedAmount) || 0, calendar: Boolean(date(r.expectedCloseDate)), also: [['forecast', forecastCategory(r.probability)]] });
  } else if (resource === 'lead') {
    out.push({ metric: 'leads.created', at: date(r.createdAt), value: 1 });
    // Written by an import (the import stays named on the lead, also after it is edited).
    if (str(r.importId)) out.push({ metric: 'leads.imported', at: date(r.createdAt), value: 1 });
    if (r.status === 'converted') out.push({ metric: 'leads.converted', at: date(r.statusChangedAt, r.updatedAt, r.createdAt), value: 1 });
  } else if (resource === 'activity') {
    const metric = ({ email: 'activities.emails', call: 'activities.calls', meeting: 'activities.meetings' } as const)[r.type as 'email'];
    if (metric) out.push({ metric, at: date(r.occurredAt, r.createdAt), value: 1 });
    // Phone-sales figures (Yealink calls and logged ones alike): answered calls and talk minutes; the answered rate is calls.answered / activities.calls.
    if (r.type === 'call' && r.outcome === 'answered') out.push({ metric: 'calls.answered', at: date(r.occurredAt, r.createdAt), value: 1 });
    if (r.type === 'call') out.push({ metric: 'calls.minutes', at: date(r.occurredAt, r.createdAt), value: Number(r.durationMinutes) || 0 });
    // A touch of a lead by us (not one the lead sent), by channel.
    const subject = r.subject as { type?: unknown } | undefined;
    const channel = contactChannel(r.type, r.tags);
    if (subject?.type === 'lead' && r.direction !== 'inbound' && channel) out.push({ metric: 'leads.contacted', at: date(r.occurredAt, r.createdAt), value: 1, also: [['channel', channel]] });
  } else if (resource === 'campaign') {
    // A campaign's figures are its totals so far (absolute), counted in the period it started: each
    // change is the difference from the totals applied before, so a figure pulled again adds nothing.
    const at = date(r.startAt, r.createdAt);
    out.push({ metric: 'campaigns.cost', at, value: Number(r.cost) || 0 });
    out.push({ metric: 'campaigns.revenue', at, value: Number(r.revenue) || 0 });
    out.push({ metric: 'campaigns.signups', at, value: Number(r.signups) || 0 });
    const email = (r.email ?? {}) as Partial<Record<(typeof emailChannels)[number], Partial<CampaignEmailFigures>>>;
    for (const channel of emailChannels) {
      for (const figure of campaignEmailFigures) out.push({ metric: `campaigns.${figure}`, at, value: Number(email[channel]?.[figure]) || 0, also: [['channel', channel]] });
    }
  } else {
    out.push({ metric: 'tickets.opened', at: date(r.createdAt), value: 1 });
    if (r.status === 'resolved' || r.status === 'closed') out.push({ metric: 'tickets.resolved', at: date(r.statusChangedAt, r.updatedAt, r.createdAt), value: 1 });
    // Each missed target once, in the period it fell due (first response, resolution).
    const sla = (r.sla ?? {}) as { firstResponseDueAt?: unknown; resolutionDueAt?: unknown; firstResponseBreached?: unknown; resolutionBreached?: unknown };
    if (sla.firstResponseBreached === true) out.push({ metric: 'tickets.sla_breached', at: date(sla.firstResponseDueAt, r.createdAt), value: 1 });
    if (sla.resolutionBreached === true) out.push({ metric: 'tickets.sla_breached', at: date(sla.resolutionDueAt, r.createdAt), value: 1 });
    // The customer's rating when closing it on the portal (1–5), in the period it was given: the share
    // satisfied (4 or 5) is tickets.satisfied / tickets.rated, the average tickets.rating_points / tickets.rated.
    const satisfaction = (r.satisfaction ?? null) as { rating?: unknown; ratedAt?: unknown } | null;
    const rating = Number(satisfaction?.rating);
    if (rating >= 1 && rating <= 5) {
      const ratedAt = date(satisfaction?.ratedAt, r.statusChangedAt, r.updatedAt);
      out.push({ metric: 'tickets.rated', at: ratedAt, value: 1 });
      out.push({ metric: 'tickets.rating_points', at: ratedAt, value: rating });
      if (rating >= 4) out.push({ metric: 'tickets.satisfied', at: ratedAt, value: 1 });
    }
  }
  return out.filter((m): m is Measure => m.at !== null && m.value !== 0);
}

/**
 * Everything one record adds to the roll-ups, as a map from bucket to amount: a pure function of the
 * record as its API shape has it (and the agency's time zone), so the incremental path (events) and the
 * rebuild (records) agree.
 */
export function contributionsOf(resource: CountedResource, record: Dto, teamsOf: TeamsOf, timeZone = 'UTC'): Map<string, Contribution> {
  const out = new Map<string, Contribution>();
  const keys = keysOf(resource, record, teamsOf);
  for (const { metric, at, value, calendar, also } of measures(resource, record)) {
    const day = localDate(at, calendar ? 'UTC' : timeZone);
    for (const period of periods) {
      const start = periodStartOfDay(period, day);
      for (const [dimension, key] of also ? [...keys, ...also] : keys) {
        const c: Contribution = { metric, period, periodStart: start, dimension, key, value };
        const id = bucketId(c);
        const had = out.get(id);
        if (had) had.value += value;
        else out.set(id, c);
      }
    }
  }
  return out;
}
