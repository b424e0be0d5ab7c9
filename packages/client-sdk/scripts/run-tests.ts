// Runs every *.test.ts under src/ and scripts/ with node's test runner (Node 20 does not expand globs itself).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['src', 'scripts'];
const only = process.argv.slice(2);
const files = roots
  .flatMap((root) => readdirSync(root, { recursive: true, encoding: 'utf8' }).map((file) => join(root, file)))
  .filter((file) => file.endsWith('.test.ts') && (only.length === 0 || only.some((part) => file.includes(part))))
  .sort();

if (files.length === 0) {
  console.error('No test files found.');
  process.exit(1);
}

const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', ...files], { stdio: 'inherit' });
process.exit(run.status ?? 1);
