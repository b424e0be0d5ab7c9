#!/usr/bin/env node
// `npm test`: builds the widgets, then runs their language tests and the browser tests (node's test
// runner, real Chromium), and ends with one line, "widgets: N passed, N failed", exiting non-zero on any failure.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function run(command, args, onOutput) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' } });
    child.stdout.on('data', (c) => {
      process.stdout.write(c);
      onOutput?.(c.toString());
    });
    child.stderr.on('data', (c) => process.stderr.write(c));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const built = (await run('npx', ['vite', 'build', '--logLevel', 'warn'])) || (await run('npx', ['vite', 'build', '-c', 'vite.portal.config.ts', '--logLevel', 'warn']));
if (built !== 0) {
  console.log('\nwidgets: 0 passed, 1 failed (the build failed)');
  process.exit(1);
}
let output = '';
const code = await run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=180000', 'src/shared/i18n.test.ts', 'test/widgets.browser.test.ts', 'test/event-registration.browser.test.ts', 'test/customer-portal.browser.test.ts', 'test/customer-portal-quotes.browser.test.ts', 'test/customer-portal-invoices.browser.test.ts', 'test/quote-to-cash.browser.test.ts'], (chunk) => {
  output = (output + chunk).slice(-50_000);
});
const passed = Number(/^# pass (\d+)/m.exec(output)?.[1] ?? 0);
const failed = Number(/^# fail (\d+)/m.exec(output)?.[1] ?? (code === 0 ? 0 : 1));
console.log(`\nwidgets: ${passed} passed, ${failed} failed`);
process.exit(code !== 0 || failed > 0 ? 1 : 0);
