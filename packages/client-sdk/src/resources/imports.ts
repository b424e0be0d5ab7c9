import type { Schema } from '../core/api-types.js';
import { requestPage, type ListParams, type PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';
import type { DocumentBody } from './customers.js';

/** An import: its file, header and sample rows, mapping, status and progress. */
export type Import = Schema<'Import'>;
/** An import after `undo`, with what the undo removed and restored. */
export type ImportUndone = Schema<'ImportUndone'>;
/** The body of `crm.imports.setMapping`: column to field, the dedupe key and what a duplicate does. */
export type ImportMappingParams = Schema<'ImportMapping'>;
/** What a run would do: would create, update, skip, fail, and errors by field with their rows. */
export type ImportDryRun = Schema<'ImportDryRun'>;
/** A mapping saved for the next file of a kind: fields by column header, dedupe key, mode, defaults. */
export type SavedImportMapping = Schema<'SavedImportMapping'>;
/** The body of `crm.imports.saveMapping`: a mapping and a name unique for its kind. */
export type SavedImportMappingParams = Schema<'SavedImportMappingInput'>;
/** What an import creates. */
export type ImportKind = Import['kind'];

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The Content-Type a file is sent with: its own (a browser `File`), else from its name. */
function contentTypeOf(file: DocumentBody, name: string): string {
  const own = typeof Blob !== 'undefined' && file instanceof Blob ? file.type : '';
  if (own && own !== 'application/json') return own;
  return name.toLowerCase().endsWith('.xlsx') ? xlsxType : 'text/csv';
}

/**
 * Imports of contacts, leads, customers (accounts), opportunities, products and tasks from CSV or XLSX (`crm.imports`): upload, map, dry-run, run in the
 * background with live progress, download the error file, cancel, undo.
 *
 * @example
 * const upload = await crm.imports.create(file, { kind: 'leads' });
 * await crm.imports.setMapping(upload.id, { columns: upload.suggestedMapping, dedupeKey: 'email', mode: 'skip' });
 * const summary = await crm.imports.dryRun(upload.id);
 * await crm.imports.run(upload.id);
 */
export class Imports extends APIResource {
  /**
   * Uploads a file (a browser `File`/`Blob`, bytes or text) as an import of `kind`; `name` defaults to the
   * `File`'s own name and decides the format (.csv, .txt, .tsv or .xlsx). Safe to retry (one Idempotency-Key per call).
   */
  async create(file: DocumentBody, params: { kind: ImportKind; name?: string }, options?: RequestOptions): Promise<Import> {
    const name = params.name ?? (typeof File !== 'undefined' && file instanceof File ? file.name : `${params.kind}.csv`);
    const route = path`/v1/imports/${params.kind}`;
    return (await this._transport.request<Import>({ method: 'POST', path: route, query: { name }, body: file, contentType: contentTypeOf(file, name), autoIdempotencyKey: true }, options)).data;
  }

  /** Your imports, newest first (`for await` walks them all). */
  list(params?: ListParams, options?: RequestOptions): PagePromise<Import> {
    return requestPage<Import>(this._transport, '/v1/imports', params, options);
  }

  /** An import with its status and progress (read, created, updated, skipped, failed, rows per second). */
  get(id: string, options?: RequestOptions): Promise<Import> {
    return this._transport.get<Import>(path`/v1/imports/${id}`, undefined, options);
  }

  /** Saves which column fills which field (`null` leaves a column out), the dedupe key and the mode. */
  async setMapping(id: string, params: ImportMappingParams, options?: RequestOptions): Promise<Import> {
    return (await this._transport.request<Import>({ method: 'PUT', path: path`/v1/imports/${id}/mapping`, body: params }, options)).data;
  }

  /** Validates every row and finds duplicates without writing anything. */
  dryRun(id: string, options?: RequestOptions): Promise<ImportDryRun> {
    return this._transport.post<ImportDryRun>(path`/v1/imports/${id}/dry-run`, undefined, options);
  }

  /** Starts the run in the background (or resumes a cancelled, failed or crashed one after its last written batch). */
  run(id: string, options?: RequestOptions): Promise<Import> {
    return this._transport.post<Import>(path`/v1/imports/${id}/run`, undefined, options);
  }

  /** Stops a queued run, or a running one after its current batch. */
  cancel(id: string, options?: RequestOptions): Promise<Import> {
    return this._transport.post<Import>(path`/v1/imports/${id}/cancel`, undefined, options);
  }

  /** The error file as CSV text: row, column, field, reason and the row's cells. */
  errors(id: string, options?: RequestOptions): Promise<string> {
    return this._transport.get<string>(path`/v1/imports/${id}/errors`, undefined, { ...options, headers: { Accept: 'text/csv', ...options?.headers } });
  }

  /** The agency's saved mappings of a kind, by name (for whoever may import the kind). */
  async savedMappings(kind: ImportKind, options?: RequestOptions): Promise<SavedImportMapping[]> {
    const route = path`/v1/imports/${kind}/mappings`;
    return (await this._transport.get<{ data: SavedImportMapping[] }>(route, undefined, options)).data;
  }

  /** Saves a mapping under a name for the next file of `kind` (409 `conflict` when the name is taken). */
  async saveMapping(kind: ImportKind, params: SavedImportMappingParams, options?: RequestOptions): Promise<SavedImportMapping> {
    const route = path`/v1/imports/${kind}/mappings`;
    return (await this._transport.request<SavedImportMapping>({ method: 'POST', path: route, body: params, autoIdempotencyKey: true }, options)).data;
  }

  /** Deletes a saved mapping (whoever saved it, or an admin). */
  async deleteSavedMapping(id: string, options?: RequestOptions): Promise<void> {
    await this._transport.request<void>({ method: 'DELETE', path: path`/v1/import-mappings/${id}` }, options);
  }

  /** Removes the records the import created and restores the fields it updated. */
  undo(id: string, options?: RequestOptions): Promise<ImportUndone> {
    return this._transport.post<ImportUndone>(path`/v1/imports/${id}/undo`, undefined, options);
  }
}
