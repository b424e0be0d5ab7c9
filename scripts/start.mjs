#!/usr/bin/env node
// `npm start`: installs what is missing, then runs the API (which starts its embedded database, seeds a
// demo agency on an empty database and prints the URLs and demo logins). Ctrl-C stops everything.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const lock = join(root, 'package-lock.json');
const marker = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(marker) || statSync(lock).mtimeMs > statSync(marker).mtimeMs) {
  console.log('Installing dependencies (npm ci)...');
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const api = spawn(process.execPath, ['--import', 'tsx', join('src', 'server.ts')], {
  cwd: join(root, 'packages', 'api'),
  stdio: 'inherit',
  env: { NODE_ENV: 'development', ...process.env },
});

// The API shuts down gracefully (in-flight requests, then its database) on SIGINT/SIGTERM.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => api.kill(signal));
}
api.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
