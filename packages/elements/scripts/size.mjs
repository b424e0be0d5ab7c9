// Prints what each built entry costs a page: the entry plus every chunk it imports, gzipped,
// without Lit (a peer the host loads once). Run after `npm run build`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const entries = ['index', 'provider/provider', 'text-field/text-field', 'select-field/select-field', 'state/state'];

/** Every local module `file` pulls in, itself included (relative static imports and re-exports). */
function closure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const [, specifier] of source.matchAll(/(?:from|import)\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    closure(resolve(dirname(file), specifier), seen);
  }
  return seen;
}

if (!existsSync(dist)) {
  console.error('size: run `npm run build` first.');
  process.exit(1);
}
// "gzip B" sums each file gzipped alone (what HTTP compression sends for unbundled ESM);
// "bundled gzip B" gzips them as one file (about what a host's bundler ends up with).
console.log('entry'.padEnd(28), 'files', 'raw B'.padStart(8), 'gzip B'.padStart(8), 'bundled gzip B'.padStart(15));
for (const entry of entries) {
  const files = [...closure(join(dist, `${entry}.js`))];
  const raw = files.reduce((sum, file) => sum + readFileSync(file).length, 0);
  const gzip = files.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);
  const bundled = gzipSync(Buffer.concat(files.map((file) => readFileSync(file))), { level: 9 }).length;
  console.log(
    `${entry}.js`.padEnd(28),
    String(files.length).padStart(5),
    String(raw).padStart(8),
    String(gzip).padStart(8),
    String(bundled).padStart(15),
  );
  if (process.argv.includes('--verbose')) for (const file of files) console.log('   ', relative(dist, file));
}
