#!/usr/bin/env node
// `npm start`: installs what is missing, builds the internal portal when it is missing or stale, starts
// the local mail catcher (unless SMTP_URL names a real server), then runs the API (which starts its
// embedded database, seeds a demo agency on an empty database, serves the portal at /app/ and prints the
// URLs and demo logins). Ctrl-C stops everything.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
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

// The internal portal, served by the API at /app/: built on the first start, and again whenever its
// sources, the elements' or the SDK's changed (esbuild, about a second).
{
  const { buildPortal, portalIsStale } = await import('../examples/portal/build.mjs');
  if (await portalIsStale()) {
    console.log('Building the portal (examples/portal/dist)...');
    // The API runs without it: /app/ then says how to build it, and this says why it is missing.
    await buildPortal().catch((error) => console.error(`crm-start: the portal did not build, so /app/ will say how to build it: ${error.message}`));
  }
}

// The embeddable widgets, served by the API at /widgets/<version>/: built (vite, a few seconds) when
// their manifest is missing or older than their sources. The API runs without them: /widgets/ then
// answers a 503 problem that says how to build them.
{
  const widgets = join(root, 'packages', 'widgets');
  const newest = (path) => (statSync(path).isDirectory() ? Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name)))) : statSync(path).mtimeMs);
  const manifest = join(widgets, 'dist', 'crm-widgets.sri.json');
  const inputs = ['src', 'scripts', 'vite.config.ts', 'package.json'].map((name) => join(widgets, name));
  if (!existsSync(manifest) || statSync(manifest).mtimeMs < Math.max(...inputs.map(newest))) {
    console.log('Building the widgets (packages/widgets/dist)...');
    const result = spawnSync(npm, ['exec', '--', 'vite', 'build', '--logLevel', 'warn'], { cwd: widgets, stdio: 'inherit' });
    if (result.status !== 0) console.error('crm-start: the widgets did not build, so /widgets/ will say how to build them');
  }
}

const off = /^(0|false|no|off)$/i;
let catcher = null;
if (!process.env.SMTP_URL && !off.test(process.env.MAIL_CATCHER ?? '')) {
  // Every email the demo sends (invitations, resets, greetings, reminders) lands in the browser.
  const { tsImport } = await import('tsx/esm/api');
  const { startMailCatcherFromEnv, MailCatcherConfigError } = await tsImport('../packages/api/src/platform/mail/catcher.ts', import.meta.url);
  try {
    catcher = await startMailCatcherFromEnv(process.env);
  } catch (error) {
    if (!(error instanceof MailCatcherConfigError)) throw error;
    process.stderr.write(`crm-start: ${error.message}\n`);
    process.exit(1);
  }
  console.log(`Mail catcher: read every email the API sends at ${catcher.webUrl} (SMTP ${catcher.smtpUrl})`);
}

let mailwizz = null;
if (/^(1|true|yes|on)$/i.test(process.env.MAILWIZZ_STANDIN ?? '')) {
  // A local Mailwizz 1.9 stand-in (docs/mailwizz.md): connect it in the Mailwizz settings with the URL and keys below.
  const { tsImport } = await import('tsx/esm/api');
  const { startMailwizzStandin } = await tsImport('../packages/api/src/testing/mailwizz-standin.ts', import.meta.url);
  mailwizz = await startMailwizzStandin({
    port: Number(process.env.MAILWIZZ_STANDIN_PORT || 8089),
    publicKey: process.env.MAILWIZZ_STANDIN_PUBLIC_KEY || 'standin-public-key-0001',
    privateKey: process.env.MAILWIZZ_STANDIN_PRIVATE_KEY || 'standin-private-key-0001',
  });
  console.log(`Mailwizz stand-in: API URL ${mailwizz.url}, public key ${mailwizz.publicKey}, private key ${mailwizz.privateKey}`);
}

let yealink = null;
if (/^(1|true|yes|on)$/i.test(process.env.YEALINK_STANDIN ?? '')) {
  // A local Yealink desk-phone stand-in (docs/voip.md): save its address and login under Admin > My phone, and the
  // Call button dials on it (it answers the Action URI as a phone does).
  const { tsImport } = await import('tsx/esm/api');
  const { startYealinkStandin } = await tsImport('../packages/api/src/testing/yealink-standin.ts', import.meta.url);
  yealink = await startYealinkStandin({ port: Number(process.env.YEALINK_STANDIN_PORT || 8090), password: process.env.YEALINK_STANDIN_PASSWORD || 'standin-phone-pass' });
  console.log(`Yealink phone stand-in: phone address ${yealink.host}, web user ${yealink.username}, password ${yealink.password}`);
}

/** The inbound support-mail port `npm start` gives the API: the user's, none when turned off, else 2525. */
function supportSmtpEnv(env) {
  if (env.SUPPORT_SMTP_PORT === undefined || env.SUPPORT_SMTP_PORT === '') return { SUPPORT_SMTP_PORT: '2525' };
  if (off.test(env.SUPPORT_SMTP_PORT)) return { SUPPORT_SMTP_PORT: undefined };
  return {};
}

// The API runs as JavaScript compiled from its sources on every start (esbuild, about two seconds; packages/api/scripts/compile.mjs):
// through tsx its process took ~60 MB more for as long as it ran, and each worker it starts paid ~3 s of CPU.
const { compileTree } = await import('../packages/api/scripts/compile.mjs');
const compiled = await compileTree(['packages/api/src'], join(root, '.build', 'start'));
const api = spawn(process.execPath, ['--enable-source-maps', join(compiled, 'packages', 'api', 'src', 'server.js')], {
  cwd: join(root, 'packages', 'api'),
  stdio: 'inherit',
  // One PUBLIC_URL for every process started from here (API, job workers), so links in emails never
  // carry a worker's own port.
  // In development the API also takes support email (replies that thread into tickets) on
  // SUPPORT_SMTP_PORT, 2525 unless set; SUPPORT_SMTP_PORT=off leaves the listener off.
  env: { NODE_ENV: 'development', PUBLIC_URL: `http://localhost:${process.env.PORT || 3000}`, ...process.env, ...supportSmtpEnv(process.env), ...(catcher ? { SMTP_URL: catcher.smtpUrl } : {}) },
});

// The API shuts down gracefully (in-flight requests, then its database) on SIGINT/SIGTERM.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => api.kill(signal));
}
api.on('exit', (code, signal) => {
  const done = () => process.exit(code ?? (signal ? 0 : 1));
  const stopped = Promise.all([catcher?.stop(), mailwizz?.stop(), yealink?.stop()]);
  stopped.then(done, done);
});
