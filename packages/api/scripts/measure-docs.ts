// `npx tsx scripts/measure-docs.ts`: how long /docs takes to become interactive in Chromium (the one
// scripts/chromium.mjs finds), cold (a fresh browser context, nothing cached) and warm (a reload), and
// what the document and the UI's files weigh on the wire. Needs no database: the docs need only routes.
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import puppeteer from 'puppeteer-core';
import { createApp } from '../src/app.js';
import { testConfig } from '../src/platform/config.js';
import type { AppContext } from '../src/platform/context.js';
import { EventBus } from '../src/platform/events.js';
import { createJobs } from '../src/platform/jobs/jobs.js';
import { createLogger } from '../src/platform/logger.js';
import { findChromium } from '../../../scripts/chromium.mjs';

const config = testConfig();
const logger = createLogger(config);
const connection = mongoose.createConnection();
const ctx: AppContext = {
  config,
  logger,
  connection,
  secrets: { jwt: 'x'.repeat(32) },
  events: new EventBus(() => {}),
  jobs: createJobs(connection, logger, { processEvery: config.JOBS_PROCESS_EVERY_MS, lockLifetime: config.JOBS_LOCK_LIFETIME_MS }),
  isDatabaseReady: async () => false,
};
const server = createApp(ctx).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const { executablePath, args } = await findChromium();
const browser = await puppeteer.launch({ executablePath, args });
try {
  const rounds = Number(process.argv[2] ?? 3);
  for (let round = 1; round <= rounds; round++) {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    let wire = 0;
    page.on('response', (response) => {
      wire += Number(response.headers()['content-length'] ?? 0);
    });
    const timeToInteractive = async () => {
      const started = performance.now();
      await page.goto(`${base}/docs/`, { waitUntil: 'domcontentloaded' });
      // Interactive: the tags are listed, and opening one shows its operations.
      await page.waitForSelector('.opblock-tag', { timeout: 60_000 });
      await page.click('.opblock-tag');
      await page.waitForSelector('.opblock', { timeout: 60_000 });
      return performance.now() - started;
    };
    const cold = await timeToInteractive();
    const coldWire = wire;
    wire = 0;
    const warm = await timeToInteractive();
    console.log(`round ${round}: cold ${(cold / 1000).toFixed(2)} s (${(coldWire / 1024).toFixed(0)} KiB on the wire), warm ${(warm / 1000).toFixed(2)} s (${(wire / 1024).toFixed(0)} KiB)`);
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
  await connection.close();
}
