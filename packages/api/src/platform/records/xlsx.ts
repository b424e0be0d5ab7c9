import type { Writable } from 'node:stream';

/** The media type of an .xlsx workbook. */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A cell value as written: dates and numbers as themselves, text prefixed with ' when a spreadsheet could take it for a formula (as csvCell does). */
function xlsxCell(value: unknown): string | number | boolean | Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date || typeof value === 'number' || typeof value === 'boolean') return value;
  const text = Array.isArray(value) ? value.join('; ') : String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * Streams an .xlsx workbook of one sheet (a header row, then `rows`) into `out` with exceljs's streaming
 * writer: rows are committed as they are written (and may still be being read: an async iterable), so the
 * workbook is never whole in memory.
 */
export async function writeXlsx(out: Writable, sheetName: string, header: string[], rows: Iterable<unknown[]> | AsyncIterable<unknown[]>): Promise<void> {
  // Loaded at first use: exceljs costs every process a quarter of a second to load.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31));
  sheet.addRow(header).commit();
  for await (const row of rows) sheet.addRow(row.map(xlsxCell)).commit();
  sheet.commit();
  await workbook.commit();
}
