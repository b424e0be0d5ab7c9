// The one place every browser test and benchmark finds its Chromium (elements' web-test-runner config,
// the widgets' harness, the benchmarks):
//   1. `CHROMIUM_PATH`, when set;
//   2. the system's Chromium (`/usr/bin/chromium`, Debian's package), when there is one;
//   3. otherwise the Chromium shipped inside the npm package `@sparticuz/chromium` (a devDependency of
//      the repository root), unpacked once into `node_modules/.cache/crm-chromium/<version>/`.
// `CRM_NO_SYSTEM_CHROMIUM=1` skips 1 and 2, so CI can prove that a machine without a browser passes.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where a system Chromium is looked for, in order. */
export const systemChromiumPaths = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The flags every test Chromium gets; puppeteer adds its own automation defaults around them. */
export const chromiumArgs = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Flags of `@sparticuz/chromium`'s own list that tests must not get: they turn off the same-origin
 * policy and mixed-content blocking (the widgets' tests prove a foreign origin is refused), or force one
 * process (pages in separate browser contexts then share a renderer).
 */
const unwantedPackagedArgs = ['--single-process', '--no-zygote', '--disable-web-security', '--allow-running-insecure-content', '--disable-site-isolation-trials', '--disable-features', '--headless'];

/** True when `CRM_NO_SYSTEM_CHROMIUM` asks for the packaged Chromium only. */
function packagedOnly() {
  return /^(1|true|yes)$/i.test(process.env.CRM_NO_SYSTEM_CHROMIUM ?? '');
}

/** The system Chromium to use (`CHROMIUM_PATH`, then the usual paths), or null. */
export function systemChromium() {
  if (packagedOnly()) return null;
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  return systemChromiumPaths.find((path) => existsSync(path)) ?? null;
}

/** The installed `@sparticuz/chromium` package's folder and version, or null when it is not installed. */
function packagedChromium() {
  const dir = join(root, 'node_modules', '@sparticuz', 'chromium');
  if (!existsSync(join(dir, 'package.json'))) return null;
  return { dir, version: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version };
}

/** One line that says why no browser can run, or null when one can. */
export function chromiumProblem() {
  const system = systemChromium();
  if (system) return existsSync(system) ? null : `CHROMIUM_PATH=${system} does not exist (unset it, or point it at a Chromium)`;
  if (packagedChromium()) return null;
  return 'no Chromium: install Debian\'s chromium, set CHROMIUM_PATH, or run `npm ci` (it installs @sparticuz/chromium)';
}

/**
 * Unpacks the packaged Chromium (binary, fonts, SwiftShader) into its cache folder once. The package
 * unpacks into `os.tmpdir()` and reuses whatever is there, half-written or of another version; pointing
 * `TMPDIR` at a private staging folder that is renamed into place when complete makes it safe for
 * several test processes at once and across upgrades.
 */
async function unpackPackagedChromium({ dir, version }) {
  const cache = join(root, 'node_modules', '.cache', 'crm-chromium', version);
  const binary = join(cache, 'chromium');
  if (!existsSync(binary)) {
    const staging = `${cache}.${process.pid}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const tmpdir = process.env.TMPDIR;
    process.env.TMPDIR = staging;
    try {
      const { default: Chromium } = await import(pathToFileURL(join(dir, 'build', 'index.js')).href);
      await Chromium.executablePath();
    } finally {
      if (tmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmpdir;
    }
    try {
      renameSync(staging, cache);
    } catch (error) {
      // Another process finished first: use its copy.
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(binary)) throw error;
    }
  }
  // A machine without fontconfig's own configuration gets the fonts that ship with the package.
  if (!existsSync('/etc/fonts/fonts.conf')) process.env.FONTCONFIG_PATH ??= join(cache, 'fonts');
  const { default: Chromium } = await import(pathToFileURL(join(dir, 'build', 'index.js')).href);
  const packagedArgs = Chromium.args.filter((arg) => !unwantedPackagedArgs.includes(arg.split('=')[0]));
  return { executablePath: binary, args: [...chromiumArgs, ...packagedArgs.filter((arg) => !chromiumArgs.includes(arg))], source: `@sparticuz/chromium ${version}` };
}

let found;

/**
 * The Chromium to launch: `{ executablePath, args, source }`, `source` saying which one it is. Throws
 * one readable line when there is none.
 */
export function findChromium() {
  found ??= (async () => {
    const system = systemChromium();
    if (system) {
      if (!existsSync(system)) throw new Error(chromiumProblem());
      return { executablePath: system, args: chromiumArgs, source: process.env.CHROMIUM_PATH ? 'CHROMIUM_PATH' : system };
    }
    const packaged = packagedChromium();
    if (!packaged) throw new Error(chromiumProblem());
    return unpackPackagedChromium(packaged);
  })();
  return found;
}
