import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root: the nearest folder above this file that holds lerna.json (or the cwd as a last resort). */
export function findRepoRoot(start = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'lerna.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export const repoRoot = findRepoRoot();
/** Git-ignored folder for tools the project installs itself (FerretDB). */
export const defaultToolsDir = join(repoRoot, '.tools');
/** Git-ignored folder for local data (the embedded database, dev secrets). */
export const defaultDataDir = join(repoRoot, '.data');
