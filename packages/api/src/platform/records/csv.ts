/** One CSV cell: quoted when needed, and prefixed with ' when a spreadsheet would run it as a formula. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : Array.isArray(value) ? value.join('; ') : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (RFC 4180), its CRLF included. */
function csvLine(row: unknown[]): string {
  return row.map(csvCell).join(',') + '\r\n';
}

/** A CSV document (RFC 4180, CRLF line ends) from a header and rows. */
export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map(csvLine).join('');
}

/** Lines joined per chunk of a streamed CSV: a few hundred rows per write, not one write per row. */
const ROWS_PER_CHUNK = 200;

/** A CSV document as it is made, a chunk of lines at a time, from a header and rows that may still be read (e.g. `Readable.from(csvChunks(...))`). */
export async function* csvChunks(header: string[], rows: AsyncIterable<unknown[]> | Iterable<unknown[]>): AsyncGenerator<string> {
  let chunk = csvLine(header);
  let lines = 1;
  for await (const row of rows) {
    chunk += csvLine(row);
    lines += 1;
    if (lines >= ROWS_PER_CHUNK) {
      yield chunk;
      chunk = '';
      lines = 0;
    }
  }
  if (chunk) yield chunk;
}
