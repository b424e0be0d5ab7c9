#!/usr/bin/env node
// Proves the three published packages work outside the repository, as a host project gets them:
//   1. `npm pack` of @crm/client-sdk, @crm/elements and @crm/widgets (each `prepack` builds);
//   2. the tarballs install together into an empty temporary project (no workspace links);
//   3. a small TypeScript file that uses all three type-checks with `tsc --noEmit` (NodeNext: `exports`
//      and `types` are followed exactly as a host's compiler would);
//   4. Node imports each package: the SDK makes a real call to a local server and gets its typed error,
//      the widgets' loader does nothing without a window, an element module bundles with esbuild from
//      the installed packages (every runtime import resolvable) and registers its tag in Chromium.
// Ends with one line, "packs: N passed, N failed", and exits non-zero on any failure.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packages = ['client-sdk', 'elements', 'widgets'];
const work = mkdtempSync(join(tmpdir(), 'crm-packs-'));
const project = join(work, 'host');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
mkdirSync(project, { recursive: true });
let passed = 0;
let failed = 0;

/** Runs one named check; a failure prints its reason and the run goes on. */
async function check(name, body) {
  const started = Date.now();
  try {
    await body();
    passed += 1;
    console.log(`ok - ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    failed += 1;
    const output = [error.stdout, error.stderr].filter(Boolean).map(String).join('\n').trim();
    console.log(`not ok - ${name}\n  ${String(error.message ?? error).split('\n')[0]}${output ? `\n${output.split('\n').slice(-30).join('\n')}` : ''}`);
  }
}

const run = (command, args, cwd, env = {}) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });

const tarballs = {};
for (const name of packages) {
  await check(`npm pack @crm/${name}`, () => {
    // The prepack build prints to stdout too: the JSON report is the last thing npm writes.
    const stdout = run(npm, ['pack', '--json', '--pack-destination', work], join(root, 'packages', name));
    const [info] = JSON.parse(stdout.slice([...stdout.matchAll(/^\[\s*\{/gm)].pop()?.index ?? 0));
    tarballs[name] = join(work, info.filename);
    const files = info.files.map((f) => f.path);
    const pkg = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'));
    const wanted = [pkg.types, ...Object.values(pkg.exports).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target)))]
      .filter((path) => path && !path.includes('*'))
      .map((path) => path.replace(/^\.\//, ''));
    const missing = wanted.filter((path) => !files.includes(path));
    if (missing.length) throw new Error(`the tarball lacks what package.json points at: ${missing.join(', ')}`);
    const stray = files.filter((path) => /(^|\/)(src|test|node_modules)\//.test(path) || /\.test\./.test(path));
    if (stray.length) throw new Error(`the tarball carries sources or tests: ${stray.slice(0, 5).join(', ')}`);
    for (const field of ['dependencies', 'peerDependencies']) {
      for (const [dep, range] of Object.entries(pkg[field] ?? {})) if (/^(file|link|workspace):/.test(range)) throw new Error(`${field}.${dep} is a workspace-only path (${range})`);
    }
  });
}

await check('the three tarballs install together into an empty project', () => {
  if (Object.keys(tarballs).length !== packages.length) throw new Error('not every package was packed');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'crm-host-check', private: true, type: 'module' }, null, 2));
  // Peers (lit, @lit/context, @lit/task) come from the registry like any host's, through npm's cache.
  run(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', ...packages.map((name) => tarballs[name])], project);
  for (const name of packages) if (!existsSync(join(project, 'node_modules', '@crm', name, 'package.json'))) throw new Error(`@crm/${name} is not installed`);
  if (existsSync(join(project, 'node_modules', '@crm', 'elements', 'node_modules', '@crm', 'client-sdk'))) throw new Error('@crm/elements got its own copy of the SDK instead of the installed one');
});

await check('a host TypeScript file type-checks against the installed packages (tsc --noEmit, NodeNext)', () => {
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023', 'DOM', 'DOM.Iterable'], strict: true, noEmit: true, skipLibCheck: false, types: [] }, files: ['host.ts'] }, null, 2),
  );
  writeFileSync(
    join(project, 'host.ts'),
    `import { createCrmClient, CrmApiError } from '@crm/client-sdk';
import { createPublicClient } from '@crm/client-sdk/public';
import type { CrmContactList } from '@crm/elements/contact-list.component';
import '@crm/elements/contact-list';
import type { CrmWidgetsApi } from '@crm/widgets';

const crm = createCrmClient({ baseUrl: 'https://crm.example.com', auth: { type: 'secretKey', key: 'sk_test' } });
export async function firstContactIds(): Promise<string[]> {
  const page = await crm.contacts.list({ limit: 10 });
  return page.data.map((contact) => contact.id);
}
const site = createPublicClient({ baseUrl: 'https://crm.example.com', publishableKey: 'pk_test' });
const list: CrmContactList | null = document.querySelector('crm-contact-list');
const widgets: CrmWidgetsApi | undefined = window.CrmWidgets;
export const used = [site, list, widgets, CrmApiError];
`,
  );
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], project);
});

await check('Node imports the SDK and makes a real call: a problem answer becomes a CrmApiError', async () => {
  const server = createServer((req, res) => {
    res.writeHead(404, { 'content-type': 'application/problem+json' });
    res.end(JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404, code: 'not_found', detail: `no ${req.url}`, requestId: 'req-1' }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const script = `const { createCrmClient, CrmApiError } = await import('@crm/client-sdk');
const crm = createCrmClient({ baseUrl: 'http://127.0.0.1:${server.address().port}', auth: { type: 'secretKey', key: 'sk_test' }, retries: 0 });
try { await crm.contacts.get('c1'); console.log('no error'); } catch (error) { console.log(error instanceof CrmApiError, error.status, error.requestId); }`;
    const out = await new Promise((resolve, reject) => {
      import('node:child_process').then(({ execFile }) =>
        execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: project, encoding: 'utf8' }, (error, stdout, stderr) => (error ? reject(Object.assign(error, { stdout, stderr })) : resolve(stdout))),
      );
    });
    if (out.trim() !== 'true 404 req-1') throw new Error(`expected "true 404 req-1", got "${out.trim()}"`);
  } finally {
    server.close();
  }
});

await check("Node imports the widgets' loader during server rendering: it does nothing and claims no global", () => {
  const out = run(process.execPath, ['--input-type=module', '-e', "await import('@crm/widgets'); console.log(typeof globalThis.CrmWidgets)"], project);
  if (out.trim() !== 'undefined') throw new Error(`expected no CrmWidgets global, got ${out.trim()}`);
});

await check('an element bundles from the installed packages and registers its tag in Chromium', async () => {
  writeFileSync(join(project, 'page.js'), "import '@crm/elements/contact-list';\nwindow.defined = Boolean(customElements.get('crm-contact-list'));\n");
  const { build } = await import(join(root, 'node_modules', 'esbuild', 'lib', 'main.js'));
  // The host's bundler resolves from the host project only (no repository node_modules).
  const result = await build({ entryPoints: [join(project, 'page.js')], bundle: true, format: 'esm', write: false, absWorkingDir: project, nodePaths: [], logLevel: 'silent', conditions: ['browser'] });
  const bundle = result.outputFiles[0].text;
  const { findChromium } = await import('./chromium.mjs');
  const chromium = await findChromium();
  const { default: puppeteer } = await import(join(root, 'node_modules', 'puppeteer-core', 'lib', 'esm', 'puppeteer', 'puppeteer-core.js'));
  const browser = await puppeteer.launch({ executablePath: chromium.executablePath, args: chromium.args, headless: true });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.setContent('<!doctype html><html lang="en"><body><crm-contact-list></crm-contact-list></body></html>');
    await page.addScriptTag({ content: bundle, type: 'module' });
    await page.waitForFunction(() => window.defined === true, { timeout: 10_000 });
    if (errors.length) throw new Error(errors.join('; '));
  } finally {
    await browser.close();
  }
});

rmSync(work, { recursive: true, force: true });
console.log(`\npacks: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
