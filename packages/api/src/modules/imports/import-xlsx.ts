import { randomUUID } from 'node:crypto';
import { readSync } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type ExcelJS from 'exceljs';
import { SaxesParser } from 'saxes';
import yauzl from 'yauzl';
import { AppError } from '../../platform/errors.js';

/** Bytes appended to a spill file before they are written (and the size of a block read back). */
const CHUNK_BYTES = 64 * 1024;
/** Blocks a spill file keeps in memory once written (least recently used dropped first): 2 MB. */
const CACHED_BLOCKS = 32;
/**
 * The most text a workbook's shared strings may hold: a zip of 512 MB can inflate to far more (XML
 * compresses well), and these go to disk. 4 GB is ~40 times what a million rows of ten distinct texts take.
 */
export const MAX_SHARED_STRING_BYTES = 4 * 1024 ** 3;

/**
 * A file written once from the start, by appends, then read at random: what a spill file holds beyond the
 * chunk being filled is on disk, and reads go through a small cache of blocks. Reads are synchronous (the
 * worksheet parser asks for a shared string while it builds a row): a block that is not cached is one
 * `read` of 64 KB, which the page cache answers.
 */
class SpillFile {
  private size = 0;
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private readonly blocks = new Map<number, Buffer>();

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(path: string): Promise<SpillFile> {
    return new SpillFile(path, await open(path, 'w+', 0o600));
  }

  /** Where the next append starts. */
  get length(): number {
    return this.size + this.used;
  }

  async append(bytes: Buffer): Promise<void> {
    if (this.used + bytes.length > CHUNK_BYTES) await this.flush();
    if (bytes.length > CHUNK_BYTES) {
      await this.handle.write(bytes, 0, bytes.length, this.size);
      this.size += bytes.length;
      return;
    }
    bytes.copy(this.chunk, this.used);
    this.used += bytes.length;
  }

  async flush(): Promise<void> {
    if (!this.used) return;
    await this.handle.write(this.chunk, 0, this.used, this.size);
    this.size += this.used;
    this.used = 0;
  }

  /** `length` bytes from `position` (of what was flushed). */
  read(position: number, length: number): Buffer {
    const block = Math.floor(position / CHUNK_BYTES);
    const at = position - block * CHUNK_BYTES;
    if (at + length > CHUNK_BYTES) {
      // Across a block's end (rare: long strings, or an offset pair on a boundary): read as it is.
      const bytes = Buffer.allocUnsafe(length);
      readSync(this.handle.fd, bytes, 0, length, position);
      return bytes;
    }
    let cached = this.blocks.get(block);
    if (cached) {
      this.blocks.delete(block);
    } else {
      cached = Buffer.allocUnsafe(CHUNK_BYTES);
      const read = readSync(this.handle.fd, cached, 0, CHUNK_BYTES, block * CHUNK_BYTES);
      cached = cached.subarray(0, read);
      if (this.blocks.size >= CACHED_BLOCKS) this.blocks.delete(this.blocks.keys().next().value!);
    }
    this.blocks.set(block, cached);
    return cached.subarray(at, at + length);
  }

  async remove(): Promise<void> {
    this.blocks.clear();
    await this.handle.close().catch(() => undefined);
    await unlink(this.path).catch(() => undefined);
  }
}

/**
 * An XLSX file's shared strings (the table every text cell of a workbook Excel wrote refers to by index),
 * kept on disk beside the upload instead of in memory: a file of their UTF-8 texts and a file of where each
 * one starts (eight bytes a string). exceljs's own reader keeps them as a JavaScript array, about 90 bytes a
 * string live and several times that while it parses them: ~45 MB of the API's peak at 100,000 rows of
 * mostly unique names and emails, and without bound for a 512 MB file. Here memory stays at two caches of
 * 2 MB whatever the file. Strings are read back in about the order rows use them (a workbook lists its
 * strings as they first occur), so the cache holds what the next rows need.
 */
class SharedStrings {
  private count = 0;
  private readonly pair = Buffer.allocUnsafe(8);

  private constructor(
    private readonly texts: SpillFile,
    private readonly starts: SpillFile,
  ) {}

  static async create(base: string): Promise<SharedStrings> {
    const texts = await SpillFile.create(`${base}.texts`);
    const starts = await SpillFile.create(`${base}.starts`).catch(async (error: unknown) => {
      await texts.remove();
      throw error;
    });
    return new SharedStrings(texts, starts);
  }

  get size(): number {
    return this.count;
  }

  async add(text: string): Promise<void> {
    if (this.texts.length > MAX_SHARED_STRING_BYTES) throw AppError.invalidField('body', `holds more than ${MAX_SHARED_STRING_BYTES / 1024 ** 3} GB of text in its shared strings`);
    this.pair.writeDoubleLE(this.texts.length, 0);
    await this.starts.append(this.pair);
    await this.texts.append(Buffer.from(text, 'utf8'));
    this.count += 1;
  }

  /** Ends the writing: from here on strings are read. */
  async seal(): Promise<void> {
    this.pair.writeDoubleLE(this.texts.length, 0);
    await this.starts.append(this.pair);
    await this.texts.flush();
    await this.starts.flush();
  }

  /** The string at `index` (a cell's `<v>`), or '' for an index past the table (a damaged file). */
  at(index: number): string {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) return '';
    const bounds = this.starts.read(index * 8, 16);
    const start = bounds.readDoubleLE(0);
    return this.texts.read(start, bounds.readDoubleLE(8) - start).toString('utf8');
  }

  /** What exceljs's worksheet reader indexes (`sharedStrings[index]`): the strings, read on demand. */
  indexable(): unknown {
    return new Proxy([], { get: (_target, property) => (typeof property === 'string' && /^\d+$/.test(property) ? this.at(Number(property)) : undefined) });
  }

  async remove(): Promise<void> {
    await Promise.all([this.texts.remove(), this.starts.remove()]);
  }
}

/** The parts of a zip package by name, read by random access (its central directory): only the parts asked for are inflated. */
async function zipParts(path: string): Promise<{ open(name: string): Promise<Readable | null>; close(): void }> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(path, { lazyEntries: true, autoClose: false }, (error, z) => (error ? reject(error) : resolve(z))));
  try {
    const entries = new Map<string, yauzl.Entry>();
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (e: yauzl.Entry) => {
        entries.set(e.fileName.toLowerCase(), e);
        zip.readEntry();
      });
      zip.on('end', resolve);
      zip.on('error', reject);
      zip.readEntry();
    });
    return {
      async open(name) {
        const entry = entries.get(name.toLowerCase());
        return entry ? new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (error, s) => (error ? reject(error) : resolve(s)))) : null;
      },
      close: () => zip.close(),
    };
  } catch (error) {
    zip.close();
    throw error;
  }
}

/**
 * Reads the shared strings of a workbook into `strings`: the text of each `<si>`, its runs (`<r><t>`)
 * joined, without phonetic guides (`<rPh>`, which Excel shows above East Asian text, not in the cell).
 */
async function readSharedStrings(part: Readable, strings: SharedStrings): Promise<void> {
  {
    const parser = new SaxesParser();
    let error: Error | null = null;
    const pending: string[] = [];
    let text: string[] | null = null;
    let inT = false;
    let phonetic = 0;
    parser.on('error', (e) => (error ??= e));
    parser.on('opentag', (node) => {
      if (node.name === 'si') text = [];
      else if (node.name === 'rPh') phonetic += 1;
      else if (node.name === 't' && !node.isSelfClosing) inT = true;
    });
    const onText = (value: string) => {
      if (inT && text && !phonetic) text.push(value);
    };
    parser.on('text', onText);
    parser.on('cdata', onText);
    parser.on('closetag', (node) => {
      if (node.name === 't') inT = false;
      else if (node.name === 'rPh') phonetic -= 1;
      else if (node.name === 'si' && text) {
        pending.push(text.join(''));
        text = null;
      }
    });
    // A character may straddle two chunks: the decoder keeps its first bytes for the next.
    const decoder = new StringDecoder('utf8');
    for await (const chunk of part as AsyncIterable<Buffer>) {
      parser.write(decoder.write(chunk));
      if (error) throw error;
      for (const s of pending) await strings.add(s);
      pending.length = 0;
    }
    parser.write(decoder.end());
    parser.close();
    if (error) throw error;
    for (const s of pending) await strings.add(s);
  }
}

/** The whole of a (small) part as text. */
async function textOf(part: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of part as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** A cell as text: dates as ISO dates, rich text and hyperlinks as their text, formulas as their result. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as { text?: unknown; result?: unknown; richText?: Array<{ text: string }>; hyperlink?: string; error?: string };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if (v.text !== undefined) return typeof v.text === 'string' ? v.text : cellText(v.text as ExcelJS.CellValue);
    if (v.result !== undefined) return cellText(v.result as ExcelJS.CellValue);
    if (v.hyperlink) return v.hyperlink;
    return '';
  }
  return String(value);
}

/**
 * exceljs's streaming workbook reader and its style manager, imported alone: the package types only its
 * whole entry, so what this file uses of them is typed here (named by a constant, so that no compilation
 * of this file needs a declaration of their paths).
 */
const WORKBOOK_READER = 'exceljs/lib/stream/xlsx/workbook-reader.js';
const STYLES_XFORM = 'exceljs/lib/xlsx/xform/style/styles-xform.js';
type WorkbookReaderClass = new (path: string, options: Record<string, string>) => {
  sharedStrings?: unknown;
  workbookRels?: unknown[];
  model?: { sheets: unknown[] };
  styles?: unknown;
  properties?: { model: { date1904: boolean } };
  stream?: { destroy(): void };
  parse(): AsyncIterable<{ eventType?: string; value?: unknown }>;
};
/** Which cell number formats are dates: the worksheet reader asks it for each cell. */
type StylesClass = new () => { init(): void; parseStream(stream: AsyncIterable<unknown>): Promise<unknown> };

/**
 * The rows of the first worksheet of an XLSX file, as arrays of cell texts (empty rows skipped), read as a
 * stream with exceljs's streaming worksheet reader. The shared strings are read first, by random access to
 * the zip, onto disk beside the file (`SharedStrings`), and handed to exceljs in place of its own table.
 * With that table and the workbook's relationships there before the worksheet comes, exceljs parses the
 * worksheet as it streams by; left to itself, it copies every worksheet that comes before them in the zip
 * (as Excel and exceljs write workbooks) to a temporary file first, and a reading that stops early left that
 * copy behind until the process ended. The spill files are removed when the reading ends, however it ends.
 */
export async function* readXlsxRows(path: string, signal?: AbortSignal): AsyncGenerator<string[]> {
  const strings = await SharedStrings.create(`${path}.${randomUUID()}.strings`);
  try {
    // Loaded at first use, and alone: the whole of exceljs costs a process a quarter of a second and ~11 MB more.
    const [{ default: Reader }, { default: Styles }] = (await Promise.all([import(WORKBOOK_READER), import(STYLES_XFORM)])) as [{ default: WorkbookReaderClass }, { default: StylesClass }];
    // The parts a worksheet's cells are read with, first: the strings, the styles (which say which numbers
    // are dates), and whether the workbook counts dates from 1904.
    const styles = new Styles();
    let date1904 = false;
    const parts = await zipParts(path);
    try {
      const stringsPart = await parts.open('xl/sharedStrings.xml');
      if (stringsPart) await readSharedStrings(stringsPart, strings);
      const stylesPart = await parts.open('xl/styles.xml');
      if (stylesPart) await styles.parseStream(stylesPart);
      else styles.init();
      const workbookPart = await parts.open('xl/workbook.xml');
      date1904 = workbookPart ? /<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(?:1|true)"/.test(await textOf(workbookPart)) : false;
    } finally {
      parts.close();
    }
    await strings.seal();
    signal?.throwIfAborted();
    // 'ignore': exceljs skips those parts as they stream by and keeps what it is given here.
    const reader = new Reader(path, { sharedStrings: 'ignore', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit', entries: 'ignore' });
    reader.sharedStrings = strings.indexable();
    reader.styles = styles;
    reader.properties = { model: { date1904 } };
    // The workbook's relationships and sheet list (`model`) only name sheets, which this reading does not
    // need: given as known (the parts replace them as they come), exceljs parses the first worksheet as it
    // streams by, wherever in the zip those parts are.
    reader.workbookRels = [];
    reader.model = { sheets: [] };
    try {
      for await (const event of reader.parse()) {
        if (event.eventType !== 'worksheet') continue;
        for await (const row of event.value as AsyncIterable<ExcelJS.Row>) {
          signal?.throwIfAborted();
          // Dense: a cell left empty between two others is '' (`row.values` leaves a hole there).
          const values = Array.from((row.values as ExcelJS.CellValue[]).slice(1), cellText);
          if (values.some((v) => v.trim() !== '')) yield values;
        }
        return; // the first worksheet only
      }
    } finally {
      // A reading that stops early (the upload's first rows, a cancel) closes the file it streams from.
      reader.stream?.destroy();
    }
  } finally {
    await strings.remove();
  }
}
