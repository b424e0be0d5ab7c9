// Browser tests run in Chromium through puppeteer-core; no browser is ever downloaded. Which Chromium
// (CHROMIUM_PATH, the system's, or the one inside @sparticuz/chromium) is decided in one place for every
// browser test: scripts/chromium.mjs at the repository root.
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { findChromium } from '../../scripts/chromium.mjs';
import { closingLineReporter } from './scripts/closing-line-reporter.mjs';
import { crmApiPlugin } from './scripts/e2e-api-plugin.mjs';
import { firstDayApiPlugin } from './scripts/first-day-api-plugin.mjs';

const chromium = await findChromium();
process.stdout.write(`Chromium: ${chromium.source}\n`);

export default {
  files: ['src/**/*.test.ts'],
  // Browser builds of dependencies (socket.io-client's engine.io uses `ws` under Node conditions).
  nodeResolve: { exportConditions: ['browser'], browser: true },
  concurrency: 1,
  // Per file: the first-day walks (src/e2e/first-day.*) sign in, edit, search, move a deal and follow an email
  // link through the real API, with axe on every page; on a loaded 2-core machine one takes up to ~2 min.
  testsFinishTimeout: 240_000,
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath: chromium.executablePath, headless: true, args: chromium.args },
    }),
  ],
  plugins: [
    // The real API for the data-flow and end-to-end tests (src/test/live-api.ts asks it for a tenant).
    crmApiPlugin(),
    // The first day as `npm start` gives it (demo agency, mail catcher, the portal at /app/ on this origin).
    firstDayApiPlugin(),
    esbuildPlugin({
      ts: true,
      target: 'es2022',
      tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)),
    }),
  ],
  testFramework: { config: { timeout: 20_000 } },
  // Progress and failures, then every test by name, then one closing "N passed, N failed" line.
  reporters: [defaultReporter(), summaryReporter({ flatten: false }), closingLineReporter()],
};
