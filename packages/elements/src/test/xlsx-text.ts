// Reads the text of an .xlsx file in the browser, so a test can check what a downloaded workbook holds:
// an .xlsx is a ZIP archive of XML parts; this walks its central directory (streaming writers such as
// exceljs's put the sizes only there) and inflates the parts under xl/ with `DecompressionStream`.

/** The ZIP entries of `bytes` whose names match `wanted`, decompressed to text, by name. */
async function zipEntries(bytes: Uint8Array, wanted: RegExp): Promise<Map<string, string>> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = bytes.length - 22;
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end -= 1;
  if (end < 0) throw new Error('not a ZIP archive: no end of central directory');
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const found = new Map<string, string>();
  for (let n = 0; n < count; n += 1) {
    if (view.getUint32(at, true) !== 0x02014b50) throw new Error('a broken ZIP central directory');
    const method = view.getUint16(at + 10, true);
    const size = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const skip = nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    at += 46 + skip;
    if (!wanted.test(name)) continue;
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const data = bytes.slice(start, start + size);
    const raw = method === 0 ? data : new Uint8Array(await new Response(new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate-raw'))).arrayBuffer());
    found.set(name, new TextDecoder().decode(raw));
  }
  return found;
}

/** The text of every worksheet (and the shared strings, when there are any) of an .xlsx `file`. */
export async function xlsxText(file: Blob): Promise<string> {
  const parts = await zipEntries(new Uint8Array(await file.arrayBuffer()), /^xl\/(worksheets\/sheet\d+|sharedStrings)\.xml$/);
  if (!parts.size) throw new Error('no worksheet in the workbook');
  return [...parts.values()].join('\n');
}
