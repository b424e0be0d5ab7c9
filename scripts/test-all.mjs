#!/usr/bin/env node
// `npm test`: lint, type-check, then every package's own tests in turn, streaming their output, and a
// closing line that adds them up ("N passed, N failed"). Exits non-zero if any step fails.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function run(label, command, args, cwd) {
  return new Promise((resolve) => {
    process.stdout.write(`\n== ${label}\n`);
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let tail = '';
    const keep = (chunk) => {
      tail = (tail + chunk).slice(-20000);
    };
    child.stdout.on('data', (c) => {
      process.stdout.write(c);
      keep(c.toString());
    });
    child.stderr.on('data', (c) => {
      process.stderr.write(c);
      keep(c.toString());
    });
    child.on('close', (code) => resolve({ code: code ?? 1, tail }));
  });
}

/** Reads the counts from a node test runner summary (`# pass N`) or a plain `N passed, N failed` line. */
function counts(tail) {
  const node = { pass: /^# pass (\d+)/m.exec(tail), fail: /^# fail (\d+)/m.exec(tail) };
  if (node.pass) return { passed: Number(node.pass[1]), failed: Number(node.fail?.[1] ?? 0) };
  const plain = [...tail.matchAll(/(\d+) passed, (\d+) failed/g)].pop();
  if (plain) return { passed: Number(plain[1]), failed: Number(plain[2]) };
  return null;
}

let passed = 0;
let failed = 0;
const broken = [];
for (const [label, args] of [
  ['lint', ['run', 'lint']],
  ['typecheck', ['run', 'typecheck']],
]) {
  const { code } = await run(label, 'npm', args, root);
  if (code !== 0) broken.push(label);
}
for (const workspace of workspaces) {
  const pkg = JSON.parse(readFileSync(join(root, workspace, 'package.json'), 'utf8'));
  if (!pkg.scripts?.test) continue;
  const { code, tail } = await run(`${pkg.name}: npm test`, 'npm', ['test'], join(root, workspace));
  const c = counts(tail);
  if (c) {
    passed += c.passed;
    failed += c.failed;
  }
  if (code !== 0 || !c) broken.push(pkg.name + (c ? '' : ' (no test summary)'));
}
if (broken.length) process.stdout.write(`\nFailed: ${broken.join(', ')}\n`);
process.stdout.write(`\nall packages: ${passed} passed, ${failed} failed\n`);
process.exit(broken.length || failed ? 1 : 0);
