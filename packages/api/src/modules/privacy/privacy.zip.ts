import { Types } from 'mongoose';
import { toCsv } from '../../platform/records/csv.js';

/** A value as one CSV cell: ids as hex, dates as ISO 8601, lists of plain values as themselves, anything nested as JSON. */
function cellValue(value: unknown): unknown {
  if (value instanceof Types.ObjectId) return value.toHexString();
  if (value instanceof Date || value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v)) ? value : JSON.stringify(value);
  if (Buffer.isBuffer(value)) return `(${value.length} bytes)`;
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

/** The CSV of one kind: one column per field any row has (in the order first seen), one line per record. */
export function kindToCsv(rows: ReadonlyArray<Record<string, unknown>>): string {
  const header: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (seen.has(key)) continue;
      seen.add(key);
      header.push(key);
    }
  }
  return toCsv(header, rows.map((row) => header.map((key) => cellValue(row[key]))));
}

/**
 * A person's export as a ZIP: one CSV per kind that holds anything (`contacts.csv`, `activities.csv`,
 * `termsAcceptances.csv`, ...; with a UTF-8 byte order mark so spreadsheets read accents), the whole
 * export as `export.json`, and a README.txt listing the files and their row counts.
 */
export async function exportZip(result: { request: { id: string }; generatedAt: string; data: Record<string, unknown[]> }): Promise<Buffer> {
  const { default: JSZip } = await import('jszip'); // loaded at the first export, not by every process
  const zip = new JSZip();
  const lines = [`Privacy export ${result.request.id}, generated ${result.generatedAt}.`, 'One CSV file per kind of record (UTF-8, comma-separated); export.json holds the same data as JSON.', ''];
  for (const [kind, rows] of Object.entries(result.data)) {
    if (!rows.length) continue;
    zip.file(`${kind}.csv`, `\uFEFF${kindToCsv(rows as Record<string, unknown>[])}`);
    lines.push(`${kind}.csv: ${rows.length} ${rows.length === 1 ? 'record' : 'records'}`);
  }
  zip.file('export.json', JSON.stringify(result, null, 2));
  zip.file('README.txt', `${lines.join('\r\n')}\r\n`);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } });
}
