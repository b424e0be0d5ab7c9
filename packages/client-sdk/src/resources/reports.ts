import type { OperationQuery, Schema } from '../core/api-types.js';
import type { PagePromise } from '../core/pagination.js';
import { requestPage } from '../core/pagination.js';
import { path } from '../core/path.js';
import { etagOf, type RequestOptions, type UpdateOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** A saved report: what it counts (kind, measures), how it groups (dimension, period), its span, audience and schedule. */
export type Report = Schema<'Report'>;
/** A definition to run without saving it (`crm.reports.run`). */
export type ReportDefinition = Schema<'ReportDefinition'>;
/** A report's answer: one row per period and dimension key, one value per measure. */
export type ReportResult = Schema<'ReportResult'>;
/** One row of a report's answer. */
export type ReportRow = Schema<'ReportRow'>;
/** The body of `crm.reports.create`. */
export type ReportCreateParams = Schema<'CreateReport'>;
/** The body of `crm.reports.update`: the whole definition, audience and schedule (it replaces them). */
export type ReportUpdateParams = Schema<'UpdateReport'>;
/** `crm.reports.export`'s options: the file type and the header row's language. */
export type ReportExportParams = OperationQuery<'exportReport'>;

const fileTypes = { csv: 'text/csv', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;

/**
 * Saved reports (`crm.reports`), answered from the roll-ups with the caller's own visibility, exported
 * as CSV or XLSX and emailed on a schedule.
 *
 * @example
 * const report = await crm.reports.create({ name: 'Won by owner', kind: 'opportunities', measures: ['deals.won.amount'], dimension: 'owner', period: 'month', range: 'year' });
 * const { rows } = await crm.reports.result(report.id);
 * const file = await crm.reports.export(report.id, { format: 'xlsx', lang: 'de' }); // a Blob
 */
export class Reports extends APIResource {
  /** The caller's reports and those shared with their role or teams. */
  list(options?: RequestOptions): PagePromise<Report> {
    return requestPage<Report>(this._transport, '/v1/reports', undefined, options);
  }

  get(id: string, options?: RequestOptions): Promise<Report> {
    return this._transport.get<Report>(path`/v1/reports/${id}`, undefined, options);
  }

  /** Saves a report; a retried create never makes two. */
  create(params: ReportCreateParams, options?: RequestOptions): Promise<Report> {
    return this._transport.post<Report>('/v1/reports', params, options, true);
  }

  /** Replaces the definition, audience and schedule; with `ifMatch` only if the report still has that `version`. */
  async update(id: string, params: ReportUpdateParams, options: UpdateOptions = {}): Promise<Report> {
    const { ifMatch, ...requestOptions } = options;
    const headers = ifMatch === undefined ? undefined : { 'If-Match': etagOf(ifMatch) };
    return (await this._transport.request<Report>({ method: 'PUT', path: path`/v1/reports/${id}`, body: params, ...(headers ? { headers } : {}) }, requestOptions)).data;
  }

  delete(id: string, options?: RequestOptions): Promise<void> {
    return this._transport.delete(path`/v1/reports/${id}`, options);
  }

  /** Runs a saved report: the rows the caller may see. */
  result(id: string, options?: RequestOptions): Promise<ReportResult> {
    return this._transport.get<ReportResult>(path`/v1/reports/${id}/result`, undefined, options);
  }

  /** Runs a definition without saving it. */
  run(params: ReportDefinition, options?: RequestOptions): Promise<ReportResult> {
    return this._transport.post<ReportResult>('/v1/reports/run', params, options);
  }

  /** The saved report's rows as a file (CSV by default, or `format: 'xlsx'`), in a `Blob`, headers in `lang` (else the caller's language). */
  async export(id: string, params: ReportExportParams = { format: 'csv' }, options?: RequestOptions): Promise<Blob> {
    const format = params.format ?? 'csv';
    return (await this._transport.request<Blob>({ method: 'GET', path: path`/v1/reports/${id}/export`, query: { ...params, format }, responseType: 'blob', headers: { Accept: fileTypes[format] } }, options)).data;
  }
}
