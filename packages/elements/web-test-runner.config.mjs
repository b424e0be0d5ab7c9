// Browser tests run in Debian's Chromium through puppeteer-core; no browser is ever downloaded.
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { closingLineReporter } from './scripts/closing-line-reporter.mjs';
import { crmApiPlugin } from './scripts/e2e-api-plugin.mjs';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The exact flags Chromium gets; puppeteer adds its own automation defaults around them. */
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

export default {
  files: ['src/**/*.test.ts'],
  // Browser builds of dependencies (socket.io-client's engine.io uses `ws` under Node conditions).
  nodeResolve: { exportConditions: ['browser'], browser: true },
  concurrency: 1,
  testsFinishTimeout: 120_000,
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath, headless: true, args: chromiumArgs },
    }),
  ],
  plugins: [
    // The real API for the data-flow and end-to-end tests (src/test/live-api.ts asks it for a tenant).
    crmApiPlugin(),
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
