import type { Schema } from '../core/api-types.js';
import { requestPage, type ListParams, type PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** An export made in the background: what was asked, its status, rows so far, and its file until it expires. */
export type Export = Schema<'Export'>;
/** The body of `crm.exports.create`: the kind, the format (xlsx by default) and the list's filters. */
export type ExportCreateParams = { kind: ExportKind } & Partial<Schema<'ExportInput'>>;
/** What an export may be of. */
export type ExportKind = Export['kind'];

/**
 * Exports made in the background (`crm.exports`), for more records than one request should carry: a job
 * writes the file with your role's records and columns, you follow it (`get`, or the realtime message
 * `export.progress`), then download it until it expires. Small exports can use a kind's own
 * `export()`/`exportXlsx()`, which stream the same file directly.
 *
 * @example
 * let job = await crm.exports.create({ kind: 'leads', format: 'xlsx', filters: { status: 'hot' } });
 * while (job.status === 'queued' || job.status === 'running') job = await crm.exports.get(job.id, { signal });
 * if (job.status === 'completed') saveAs(await crm.exports.download(job.id), job.fileName);
 */
export class Exports extends APIResource {
  /**
   * Asks for an export of `kind`; answers at once with the queued export. Your role needs `export` on the
   * kind (403 otherwise); a filter value the kind's list would refuse answers 400 naming `filters.<name>`. Safe to retry.
   */
  async create(params: ExportCreateParams, options?: RequestOptions): Promise<Export> {
    const { kind, ...body } = params;
    return (await this._transport.request<Export>({ method: 'POST', path: path`/v1/exports/${kind}`, body, autoIdempotencyKey: true }, options)).data;
  }

  /** Your exports, newest first (`for await` walks them all). */
  list(params?: ListParams, options?: RequestOptions): PagePromise<Export> {
    return requestPage<Export>(this._transport, '/v1/exports', params, options);
  }

  /** An export with its status and the rows written so far. */
  get(id: string, options?: RequestOptions): Promise<Export> {
    return this._transport.get<Export>(path`/v1/exports/${id}`, undefined, options);
  }

  /** The finished file as a `Blob` (409 `conflict` while it is being made, after it failed, or once it expired). */
  async download(id: string, options?: RequestOptions): Promise<Blob> {
    return (await this._transport.request<Blob>({ method: 'GET', path: path`/v1/exports/${id}/file`, responseType: 'blob', headers: { Accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, text/csv' } }, options)).data;
  }
}
