import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { readXlsxRows } from './import-xlsx.js';

/** The file formats an import reads. */
export type ImportFormat = 'csv' | 'xlsx';

/** How a CSV file is spelled, found from its first bytes (and kept on the import, so a resume reads it the same way). */
export interface CsvDialect {
  encoding: 'utf-8' | 'windows-1252';
  delimiter: string;
}

const PROBE_BYTES = 64 * 1024;
const delimiters = [',', ';', '\t', '|'];

/** True when `bytes` are valid UTF-8 (a cut multi-byte character at the very end is allowed). */
function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    // The probe may end inside a character: try again without the last three bytes.
    if (bytes.length < 4) return false;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, bytes.length - 3));
      return true;
    } catch {
      return false;
    }
  }
}

/** The delimiter of the header line: the candidate that occurs most often outside quotes. */
function guessDelimiter(firstLine: string): string {
  const counts = new Map(delimiters.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![1] > 0 ? [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0] : ',';
}

/** Reads the first bytes of a CSV file: UTF-8 (with or without a BOM) or else Windows-1252, and its delimiter. */
export async function sniffCsv(path: string): Promise<CsvDialect> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(PROBE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, PROBE_BYTES, 0);
    const bytes = buffer.subarray(0, bytesRead);
    const encoding = isUtf8(bytes) ? 'utf-8' : 'windows-1252';
    const text = encoding === 'utf-8' ? bytes.toString('utf8').replace(/^\uFEFF/, '') : iconv.decode(bytes, 'win1252');
    const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
    return { encoding, delimiter: guessDelimiter(firstLine) };
  } finally {
    await handle.close();
  }
}

/**
 * The rows of an import file, header first, one array of cell texts per row, read as a stream (a
 * 512 MB file is never held whole in memory): CSV through csv-parse (quoted fields, embedded newlines,
 * a BOM, the dialect given), XLSX through exceljs's streaming reader (first worksheet; import-xlsx.ts). Empty lines are
 * skipped and do not count as rows.
 */
export async function* readRows(path: string, format: ImportFormat, dialect?: CsvDialect, signal?: AbortSignal): AsyncGenerator<string[]> {
  if (format === 'xlsx') {
    yield* readXlsxRows(path, signal);
    return;
  }
  const { encoding, delimiter } = dialect ?? (await sniffCsv(path));
  const source = createReadStream(path, { highWaterMark: 256 * 1024 });
  const text = encoding === 'utf-8' ? source : source.pipe(iconv.decodeStream('win1252'));
  const parser = text.pipe(parse({ bom: true, delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, max_record_size: 1024 * 1024 }));
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      signal?.throwIfAborted();
      if (record.some((v) => v.trim() !== '')) yield record;
    }
  } finally {
    source.destroy();
  }
}
