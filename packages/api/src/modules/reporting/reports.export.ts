import { PassThrough, type Writable } from 'node:stream';
import { toCsv } from '../../platform/records/csv.js';
import { writeXlsx, XLSX_TYPE } from '../../platform/records/xlsx.js';
import type { ReportResult } from './reports.service.js';

export type ReportLanguage = 'en' | 'de';

const columnNames: Record<ReportLanguage, Record<string, string>> = {
  en: { period: 'Period starting', all: 'Scope', total: 'Total', owner: 'Owner', team: 'Team', product: 'Product', pipeline: 'Pipeline', stage: 'Stage', campaign: 'Campaign', source: 'Lead source', account: 'Account', forecast: 'Forecast category' },
  de: { period: 'Zeitraum ab', all: 'Bereich', total: 'Gesamt', owner: 'Verantwortlich', team: 'Team', product: 'Produkt', pipeline: 'Pipeline', stage: 'Phase', campaign: 'Kampagne', source: 'Lead-Quelle', account: 'Kunde', forecast: 'Prognosekategorie' },
};

const measureNames: Record<ReportLanguage, Record<string, string>> = {
  en: {
    'deals.created': 'Deals created', 'deals.won': 'Deals won', 'deals.won.amount': 'Amount won', 'deals.lost': 'Deals lost', 'pipeline.weighted': 'Weighted pipeline',
    'leads.created': 'Leads created', 'activities.emails': 'Emails', 'activities.calls': 'Calls', 'activities.meetings': 'Meetings',
    'tickets.opened': 'Tickets opened', 'tickets.resolved': 'Tickets resolved', 'calls.answered': 'Calls answered', 'calls.minutes': 'Call minutes',
  },
  de: {
    'deals.created': 'Neue Deals', 'deals.won': 'Gewonnene Deals', 'deals.won.amount': 'Gewonnener Betrag', 'deals.lost': 'Verlorene Deals', 'pipeline.weighted': 'Gewichtete Pipeline',
    'leads.created': 'Neue Leads', 'activities.emails': 'E-Mails', 'activities.calls': 'Anrufe', 'activities.meetings': 'Termine',
    'tickets.opened': 'Eröffnete Tickets', 'tickets.resolved': 'Gelöste Tickets', 'calls.answered': 'Angenommene Anrufe', 'calls.minutes': 'Gesprächsminuten',
  },
};

/** The language of a locale or Accept-Language tag we write headers in (German for `de*`, else English). */
export function reportLanguageOf(tag: string | null | undefined): ReportLanguage | null {
  if (!tag) return null;
  const base = tag.trim().toLowerCase().slice(0, 2);
  return base === 'de' ? 'de' : base === 'en' ? 'en' : null;
}

/** The header row in `language`: the period, the dimension, then one column per measure (a measure without a translation keeps its name). */
export function reportHeader(result: Pick<ReportResult, 'dimension' | 'measures'>, language: ReportLanguage): string[] {
  const names = columnNames[language];
  return [names.period!, names[result.dimension] ?? result.dimension, ...result.measures.map((m) => measureNames[language][m] ?? m)];
}

/** The rows as cells; the agency total is named in the reader's language. */
function reportRows(result: ReportResult, language: ReportLanguage): unknown[][] {
  return result.rows.map((row) => [row.periodStart, result.dimension === 'all' ? columnNames[language].total : row.label, ...row.values]);
}

/** The report as CSV (RFC 4180, with a BOM so spreadsheets read umlauts as UTF-8). */
export function reportCsv(result: ReportResult, language: ReportLanguage): string {
  return `\uFEFF${toCsv(reportHeader(result, language), reportRows(result, language))}`;
}

/** Streams the report as an .xlsx workbook (exceljs's streaming writer) into `out`. */
export function writeReportXlsx(out: Writable, result: ReportResult, language: ReportLanguage): Promise<void> {
  return writeXlsx(out, result.name ?? 'Report', reportHeader(result, language), reportRows(result, language));
}

/** The report as a file to attach to an email. */
export async function reportFile(result: ReportResult, language: ReportLanguage, format: 'csv' | 'xlsx', baseName: string): Promise<{ filename: string; content: Buffer; contentType: string }> {
  if (format === 'csv') return { filename: `${baseName}.csv`, content: Buffer.from(reportCsv(result, language), 'utf8'), contentType: 'text/csv; charset=utf-8' };
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    sink.on('error', reject);
  });
  await writeReportXlsx(sink, result, language);
  sink.end();
  await ended;
  return { filename: `${baseName}.xlsx`, content: Buffer.concat(chunks), contentType: XLSX_TYPE };
}

/** A file name from a report's name: letters, digits and dashes only. */
export function reportFileName(name: string | null): string {
  return (name ?? 'report').normalize('NFKD').replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'report';
}
