// exceljs's streaming workbook reader, imported alone (import-xlsx.ts): the package types only its whole entry.
declare module 'exceljs/lib/stream/xlsx/workbook-reader.js' {
  const WorkbookReader: new (path: string, options: Record<string, string>) => {
    sharedStrings?: unknown;
    workbookRels?: unknown[];
    model?: { sheets: unknown[] };
    styles?: unknown;
    properties?: { model: { date1904: boolean } };
    stream?: { destroy(): void };
    parse(): AsyncIterable<{ eventType?: string; value?: unknown }>;
  };
  export default WorkbookReader;
}

// Its style manager, which the worksheet reader asks for each cell's number format (a date or a number).
declare module 'exceljs/lib/xlsx/xform/style/styles-xform.js' {
  const StylesXform: new () => { init(): void; parseStream(stream: AsyncIterable<unknown>): Promise<unknown> };
  export default StylesXform;
}
