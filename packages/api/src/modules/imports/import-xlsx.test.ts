import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { readXlsxRows } from './import-xlsx.js';

const collect = async (rows: AsyncIterable<string[]>) => {
  const all: string[][] = [];
  for await (const row of rows) all.push(row);
  return all;
};

/** What exceljs leaves in the system's temporary folder for this process (its worksheet copies are `tmp-<pid>-…`). */
const ownTempFiles = async () => (await readdir(tmpdir())).filter((f) => f.startsWith(`tmp-${process.pid}-`));

/** Open file descriptors of this process that point at `path`. */
async function descriptorsOf(path: string): Promise<number> {
  let n = 0;
  for (const fd of await readdir('/proc/self/fd')) if ((await readlink(`/proc/self/fd/${fd}`).catch(() => '')) === path) n += 1;
  return n;
}

describe('imports: reading XLSX workbooks', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'import-xlsx-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should read a workbook as Excel orders it (the sheet before its strings) from strings kept on disk, and leave no file behind', async () => {
    const path = join(dir, 'excel-order.xlsx');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
    const sheet = workbook.addWorksheet('Kontakte');
    sheet.addRow(['Vorname', 'Nachname', 'E-Mail', 'Firma', 'Seit', 'Umsatz']).commit();
    const expected: string[][] = [['Vorname', 'Nachname', 'E-Mail', 'Firma', 'Seit', 'Umsatz']];
    // Enough rows that the strings pass the spill files' cache (2 MB) and their blocks' edges several times.
    for (let i = 0; i < 30_000; i += 1) {
      const row = [i % 3 ? 'Jürgen' : 'Zoë', `Müller-${i} <&> "${'x'.repeat(i % 90)}"`, `p${i}@beispiel.example`, `Firma ${i % 97}`];
      sheet.addRow([...row, new Date(Date.UTC(2026, 0, 1 + (i % 300))), i * 1.5]).commit();
      expected.push([...row, new Date(Date.UTC(2026, 0, 1 + (i % 300))).toISOString().slice(0, 10), String(i * 1.5)]);
    }
    sheet.addRow([]).commit();
    sheet.addRow(['Ende', null, null, { formula: 'A1&"!"', result: 'Vorname!' }]).commit();
    expected.push(['Ende', '', '', 'Vorname!']);
    sheet.commit();
    await workbook.commit();
    const entries = Object.keys((await JSZip.loadAsync(await readFile(path))).files);
    assert.ok(entries.indexOf('xl/worksheets/sheet1.xml') < entries.indexOf('xl/sharedStrings.xml'), 'the worksheet comes before the strings, as Excel writes them');

    const before = await ownTempFiles();
    const rows = await collect(readXlsxRows(path));
    assert.equal(rows.length, expected.length);
    for (const [i, row] of rows.entries()) assert.deepEqual([...row], expected[i], `row ${i + 1}`);
    assert.deepEqual(await readdir(dir), ['excel-order.xlsx'], 'the spill files are removed');
    assert.deepEqual(await ownTempFiles(), before, 'no copy of the worksheet in the temporary folder');
    assert.equal(await descriptorsOf(path), 0);
  });

  it('should remove its files and close the workbook when the reading stops after the first rows', async () => {
    const path = join(dir, 'early.xlsx');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
    const sheet = workbook.addWorksheet('Leads');
    for (let i = 0; i < 5_000; i += 1) sheet.addRow([`Name ${i}`, `n${i}@example.test`]).commit();
    sheet.commit();
    await workbook.commit();
    const before = await ownTempFiles();
    const first: string[][] = [];
    for await (const row of readXlsxRows(path)) {
      first.push(row);
      if (first.length === 3) break;
    }
    assert.deepEqual(first, [['Name 0', 'n0@example.test'], ['Name 1', 'n1@example.test'], ['Name 2', 'n2@example.test']]);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith('early')), ['early.xlsx'], 'the spill files are removed');
    assert.deepEqual(await ownTempFiles(), before);
    assert.equal(await descriptorsOf(path), 0, 'the workbook is closed');
  });

  it('should read rich text as its runs joined, without phonetic guides, and inline strings without a strings part', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Sheet');
    sheet.addRow(['plain', 'second']);
    sheet.addRow([{ richText: [{ text: 'Rich ', font: { bold: true } }, { text: 'Text & more' }] }, '東京']);
    const zip = await JSZip.loadAsync(await workbook.xlsx.writeBuffer());
    // The strings as Excel writes East Asian text with a reading: the guide (`rPh`) is not the cell's text.
    const strings = await zip.file('xl/sharedStrings.xml')!.async('string');
    const withGuide = strings.replace('<t>東京</t>', '<t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh>');
    assert.notEqual(withGuide, strings, 'the test found the string to give a guide');
    zip.file('xl/sharedStrings.xml', withGuide);
    const path = join(dir, 'rich.xlsx');
    await writeFile(path, await zip.generateAsync({ type: 'nodebuffer' }));
    assert.deepEqual(await collect(readXlsxRows(path)), [['plain', 'second'], ['Rich Text & more', '東京']]);

    // No shared strings at all: every text inline (as some exporters write them).
    const inline = await JSZip.loadAsync(await workbook.xlsx.writeBuffer());
    const sheetXml = await inline.file('xl/worksheets/sheet1.xml')!.async('string');
    const texts = ['plain', 'second', 'Rich Text & more', '東京'];
    let n = 0;
    const inlined = sheetXml.replace(/<c r="([A-Z]+\d+)"([^>]*?) t="s"><v>\d+<\/v><\/c>/g, (_m, ref: string, attrs: string) => `<c r="${ref}"${attrs} t="inlineStr"><is><t>${texts[n++]!.replace('&', '&amp;')}</t></is></c>`);
    assert.equal(n, 4, 'the test inlined every text cell');
    inline.file('xl/worksheets/sheet1.xml', inlined);
    inline.remove('xl/sharedStrings.xml');
    const inlinePath = join(dir, 'inline.xlsx');
    await writeFile(inlinePath, await inline.generateAsync({ type: 'nodebuffer' }));
    assert.deepEqual(await collect(readXlsxRows(inlinePath)), [['plain', 'second'], ['Rich Text & more', '東京']]);
  });
});
