#!/usr/bin/env node
// `prepack` of the published packages: runs the package's `build` unless its dist/ is complete and its
// declarations are newer than every input (sources, package.json, build configs), building the SDK first
// when the package depends on it.
// Packing right after a build (as scripts/check-packs.mjs does after the tests) then costs nothing.
//   node ../../scripts/build-if-stale.mjs      (from packages/<name>)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The newest modification time of the files under `path` (`pick` = Math.max), or null. */
function times(path, pick) {
  if (!existsSync(path)) return null;
  if (!statSync(path).isDirectory()) return statSync(path).mtimeMs;
  return readdirSync(path, { withFileTypes: true }).reduce((acc, entry) => {
    const t = times(join(path, entry.name), pick);
    return t === null ? acc : acc === null ? t : pick(acc, t);
  }, null);
}

/** Builds the package at `dir` when its dist/ is missing or older than an input. */
function buildIfStale(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const sdk = resolve(dir, '..', 'client-sdk');
  const needsSdk = Boolean(pkg.dependencies?.['@crm/client-sdk'] ?? pkg.devDependencies?.['@crm/client-sdk']);
  if (needsSdk) buildIfStale(sdk);
  const inputs = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'vite.config.ts', 'custom-elements-manifest.config.mjs', ...(needsSdk ? [join(sdk, 'dist')] : [])];
  const newestInput = Math.max(...inputs.map((input) => times(resolve(dir, input), Math.max) ?? 0));
  // A partial build (the tests' `vite build` writes no declarations) lacks some file package.json names.
  const declared = [pkg.main, pkg.types, ...Object.values(pkg.exports ?? {}).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target)))];
  const complete = declared.filter((path) => typeof path === 'string' && !path.includes('*')).every((path) => existsSync(resolve(dir, path)));
  // The declarations are written last by every full build (after vite, which empties dist/ first).
  const typesWritten = pkg.types && existsSync(resolve(dir, pkg.types)) ? statSync(resolve(dir, pkg.types)).mtimeMs : 0;
  if (complete && typesWritten > newestInput) return;
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
}

buildIfStale(process.cwd());
