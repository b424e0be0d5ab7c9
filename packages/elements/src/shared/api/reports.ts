// What <crm-report> asks of the API, through the SDK: saved reports (`crm.reports.list/create/update`),
// their rows (`crm.reports.result`, or `crm.reports.run` for a definition not saved) and their files
// (`crm.reports.export`).
import type { CrmClient as SdkClient, Report, ReportCreateParams, ReportDefinition, ReportResult } from '@crm/client-sdk';
import type { CrmCallOptions, CrmDataClient } from './transport.js';

export type { Report, ReportCreateParams, ReportDefinition, ReportResult };

type ReportResources = Pick<SdkClient, 'reports'>;

function resources(client: CrmDataClient): ReportResources {
  const c = client as CrmDataClient & Partial<ReportResources>;
  if (!c.reports) throw new Error('This CRM client has no reports: update @crm/client-sdk.');
  return c as ReportResources;
}

/** The caller's saved reports and those shared with them. */
export async function listReports(client: CrmDataClient, options?: CrmCallOptions): Promise<Report[]> {
  return (await resources(client).reports.list(options)).data;
}

/** A saved report's rows (by `id`), else the rows of an unsaved `definition`. */
export function runReport(client: CrmDataClient, target: { id: string } | { definition: ReportDefinition }, options?: CrmCallOptions): Promise<ReportResult> {
  const api = resources(client).reports;
  return 'id' in target ? api.result(target.id, options) : api.run(target.definition, options);
}

/** Saves a definition as a new report of the caller's. */
export function saveReport(client: CrmDataClient, params: ReportCreateParams): Promise<Report> {
  return resources(client).reports.create(params);
}

/** Sets (or, with `null`, stops) a report's schedule: to the caller, as often and in the file type given. */
export function scheduleReport(client: CrmDataClient, report: Report, schedule: Report['schedule']): Promise<Report> {
  const { id, name, kind, measures, dimension, period, range, from, to, key, sharedWith, version } = report;
  return resources(client).reports.update(id, { name, kind, measures, dimension, period, range, from, to, key, sharedWith, schedule: schedule && { ...schedule } }, { ifMatch: version });
}

/** A saved report as a file. */
export function exportReport(client: CrmDataClient, id: string, format: 'csv' | 'xlsx', lang: 'en' | 'de'): Promise<Blob> {
  return resources(client).reports.export(id, { format, lang });
}
