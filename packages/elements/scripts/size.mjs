// Prints what each built entry costs a page: the entry plus every chunk it imports, gzipped,
// without Lit (a peer the host loads once). Run after `npm run build`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const elements = ['provider', 'text-field', 'select-field', 'state', 'contact-editor', 'contact-viewer', 'contact-list', 'pipeline-board', 'campaign-creator', 'task-list', 'gauge', 'chart', 'dashboard'];
const entries = ['index', ...elements.map((name) => `${name}/${name}`)];

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
console.log('entry'.padEnd(38), 'files', 'raw B'.padStart(8), 'gzip B'.padStart(8), 'bundled gzip B'.padStart(15));
for (const entry of entries) {
  const files = [...closure(join(dist, `${entry}.js`))];
  const raw = files.reduce((sum, file) => sum + readFileSync(file).length, 0);
  const gzip = files.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);
  const bundled = gzipSync(Buffer.concat(files.map((file) => readFileSync(file))), { level: 9 }).length;
  console.log(
    `${entry}.js`.padEnd(38),
    String(files.length).padStart(5),
    String(raw).padStart(8),
    String(gzip).padStart(8),
    String(bundled).padStart(15),
  );
  if (process.argv.includes('--verbose')) for (const file of files) console.log('   ', relative(dist, file));
}

// "Own" code of an element: the files only its entry pulls in (its class, styles, adapter, events...);
// the shared runtime: files two or more elements pull in (base class, contexts, strings, tokens, fields,
// state, shared adapters). Each file gzipped alone.
const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const closures = new Map(elements.map((name) => [name, closure(join(dist, name, `${name}.js`))]));
const users = new Map();
for (const files of closures.values()) for (const file of files) users.set(file, (users.get(file) ?? 0) + 1);
console.log('\nown code per element, gzip B (files no other element loads)');
for (const [name, files] of closures) {
  const own = [...files].filter((file) => users.get(file) === 1);
  console.log(name.padEnd(28), String(own.reduce((sum, file) => sum + gz(file), 0)).padStart(8), `(${own.length} files)`);
}
const shared = [...users].filter(([, count]) => count > 1).map(([file]) => file);
console.log('shared runtime'.padEnd(28), String(shared.reduce((sum, file) => sum + gz(file), 0)).padStart(8), `(${shared.length} files, Lit excluded)`);
