import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { dimensions, metricNames, periods } from './metrics.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD').openapi({ example: '2026-01-01' });

/** The record kinds a report counts, each answered by the metrics of its record type. */
export const reportKinds = ['opportunities', 'leads', 'activities', 'tickets'] as const;
export type ReportKind = (typeof reportKinds)[number];
/** Spans relative to today: from the start of the current week, month, quarter or year. */
export const reportRanges = ['week', 'month', 'quarter', 'year'] as const;
export const reportFrequencies = ['daily', 'weekly', 'monthly'] as const;
export const reportFormats = ['csv', 'xlsx'] as const;
export const reportLanguages = ['en', 'de'] as const;

const definitionFields = {
  kind: z.enum(reportKinds).openapi({ description: 'The record kind counted; every measure must count it' }),
  measures: z.array(z.enum(metricNames)).min(1).max(6).openapi({ description: 'The figures, one column each (metrics of docs/dashboards.md)' }),
  dimension: z.enum(dimensions).default('all').openapi({ description: 'Grouped by: `all` is one row per period, the others one per owner, team, product...' }),
  period: z.enum(periods).openapi({ description: 'One row per day, ISO week, month, quarter or year (the agency’s calendar)' }),
  range: z.enum(reportRanges).nullable().optional().openapi({ description: 'From the start of the current week, month, quarter or year to today; used when `from` is left out' }),
  from: isoDate.nullable().optional().openapi({ description: 'First day (with `to`, a fixed span)' }),
  to: isoDate.nullable().optional().openapi({ description: 'Last day; left out, today' }),
  key: z.string().trim().min(1).max(120).regex(/^[^$.]/, 'must not start with $ or .').nullable().optional().openapi({ description: 'Filter: only this key of the dimension (e.g. one owner id)' }),
};

/** A definition that can be run without saving it (the element’s "build one"). */
export const reportDefinition = z.object(definitionFields).openapi('ReportDefinition');

const scheduleInput = z
  .object({
    frequency: z.enum(reportFrequencies).openapi({ description: 'Sent once a day, a week (from Monday) or a month, on the agency’s calendar' }),
    recipients: z.array(objectId).min(1).max(50).openapi({ description: 'User ids of the agency; each gets the report as their own visibility answers it, in their language' }),
    format: z.enum(reportFormats).default('xlsx'),
  })
  .openapi('ReportScheduleInput');

const saveFields = {
  name: z.string().trim().min(1).max(120),
  ...definitionFields,
  sharedWith: z
    .object({ roles: z.array(z.string().trim().min(1).max(40)).max(40).default([]), teams: z.array(objectId).max(40).default([]) })
    .default({ roles: [], teams: [] })
    .openapi({ description: 'Who else may open and run it (each with their own visibility): role keys and team ids' }),
  schedule: scheduleInput.nullable().optional().openapi({ description: 'Email it on a schedule; null stops it' }),
};

export const createReportBody = z.object(saveFields).openapi('CreateReport');
export const updateReportBody = z.object(saveFields).openapi('UpdateReport');

export const reportSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(reportKinds),
    measures: z.array(z.enum(metricNames)),
    dimension: z.enum(dimensions),
    period: z.enum(periods),
    range: z.enum(reportRanges).nullable(),
    from: isoDate.nullable(),
    to: isoDate.nullable(),
    key: z.string().nullable(),
    sharedWith: z.object({ roles: z.array(z.string()), teams: z.array(z.string()) }),
    schedule: z.object({ frequency: z.enum(reportFrequencies), recipients: z.array(z.string()), format: z.enum(reportFormats) }).nullable(),
    owner: z.string(),
    editable: z.boolean().openapi({ description: 'Whether the caller may change or delete it (its owner, or an admin)' }),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Report');

const reportRowSchema = z
  .object({
    periodStart: isoDate,
    key: z.string().openapi({ description: 'The dimension key (`all` for the total)' }),
    label: z.string(),
    values: z.array(z.number()).openapi({ description: 'One value per measure, in the order of `measures`' }),
  })
  .openapi('ReportRow');

export const reportResult = z
  .object({
    name: z.string().nullable(),
    kind: z.enum(reportKinds),
    measures: z.array(z.enum(metricNames)),
    dimension: z.enum(dimensions),
    period: z.enum(periods),
    from: isoDate,
    to: isoDate,
    source: z.literal('rollups').openapi({ description: 'Where the figures came from: the roll-ups kept with every write' }),
    rows: z.array(reportRowSchema).openapi({ description: 'One row per period and key, periods in order, keys largest first (at most 50 keys)' }),
  })
  .openapi('ReportResult');

export const exportQuery = z
  .object({
    format: z.enum(reportFormats).default('csv').openapi({ description: 'CSV (text/csv) or an Excel workbook (.xlsx)' }),
    lang: z.enum(reportLanguages).optional().openapi({ description: 'The header row’s language; left out, the caller’s own (their profile), else Accept-Language' }),
  })
  .openapi('ReportExportQuery');
