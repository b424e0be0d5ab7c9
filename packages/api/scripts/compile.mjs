// The API as JavaScript, file for file, for plain Node: `npm start` (scripts/start.mjs), the test runner
// (scripts/run-tests.ts) and the benches that start an API process run it from here instead of through tsx,
// whose loader costs every process about 3 s of CPU at start and ~60 MB of memory for as long as it runs
// (the API's modules loaded: 217 MB RSS through tsx, 154 MB compiled; docs/import.md).
//
// Each folder or file given (relative to the repository root) is copied to the same place under `out`
// (fixtures and templates are read beside the code), and each `.ts` in it is compiled there by esbuild with
// a linked source map back to the sources. `out` must be a folder inside the repository: modules are found
// in the root's node_modules and the repository root by its lerna.json (src/platform/paths.ts), as from
// the sources.
import { cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Every file under `path` (or `path` itself). */
function filesUnder(path) {
  return statSync(path).isDirectory() ? readdirSync(path).flatMap((name) => filesUnder(join(path, name))) : [path];
}

/**
 * Compiles `paths` (relative to the repository root) into `out` (emptied first); answers `out`. About two
 * seconds for the API's ~700 files.
 */
export async function compileTree(paths, out) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  const sources = [];
  for (const path of paths) {
    const from = join(repoRoot, path);
    mkdirSync(dirname(join(out, path)), { recursive: true });
    cpSync(from, join(out, path), { recursive: true });
    sources.push(...filesUnder(from).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')));
  }
  await build({ entryPoints: sources, outdir: out, outbase: repoRoot, format: 'esm', platform: 'node', target: 'node20', sourcemap: 'linked', sourcesContent: false, logLevel: 'warning' });
  return out;
}
