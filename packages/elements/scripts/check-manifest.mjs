// Fails when the committed custom-elements.json differs from what the analyzer makes of src/ now.
// Fix a failure with `npm run analyze` and commit the result.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'crm-cem-'));

try {
  // The analyzer joins --outdir onto the working directory, so it must be relative.
  const result = spawnSync(
    'npx',
    ['--no-install', 'cem', 'analyze', '--config', 'custom-elements-manifest.config.mjs', '--quiet', '--outdir', relative(packageDir, scratch)],
    { cwd: packageDir, encoding: 'utf8' },
  );
  if (result.status !== 0) {
    console.error(result.stdout, result.stderr);
    console.error('check:manifest: the analyzer failed.');
    process.exit(1);
  }
  const fresh = JSON.parse(readFileSync(join(scratch, 'custom-elements.json'), 'utf8'));
  let committed;
  try {
    committed = JSON.parse(readFileSync(join(packageDir, 'custom-elements.json'), 'utf8'));
  } catch {
    console.error('check:manifest: custom-elements.json is missing; run `npm run analyze` and commit it.');
    process.exit(1);
  }
  if (JSON.stringify(fresh) !== JSON.stringify(committed)) {
    console.error('check:manifest: custom-elements.json is stale; run `npm run analyze` and commit it.');
    process.exit(1);
  }
  console.log('check:manifest: custom-elements.json is up to date.');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
