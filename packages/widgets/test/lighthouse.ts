/**
 * `npm run bench:lighthouse -w @crm/widgets`: what the widgets cost the partner page, by Lighthouse 12
 * (performance category only) in Debian's Chromium (CHROME_PATH, default /usr/bin/chromium; nothing is
 * downloaded), against the real API and the example partner site of the browser tests. For the page
 * without widgets (baseline.html), with the card only (card.html), the signup form only (signup.html) and
 * both (index.html): Total Blocking Time, main-thread work (mainthread-work-breakdown) and what the
 * widgets add to it over the baseline, and CLS, median of LH_RUNS (default 3), with the
 * mobile preset (simulated 4× CPU, Lighthouse's default) and the desktop one. Prints a Markdown table.
 */
import { loadavg, cpus } from 'node:os';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { chromiumArgs } from '../../../scripts/chromium.mjs';
import { startHarness } from './harness.js';

const RUNS = Number(process.env.LH_RUNS ?? 3);
const pages = ['baseline', 'card', 'signup', 'index'] as const;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Sample {
  tbt: number;
  mainThread: number;
  cls: number;
}

type Audits = Record<string, { numericValue?: number }>;

const loadBefore = loadavg();
// Generous public limits: Lighthouse loads each page many times from one address within a minute.
const h = await startHarness({ env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' } });
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  chromeFlags: [...chromiumArgs.filter((arg) => !/^--(headless|remote-debugging)/.test(arg)), '--headless=new'],
});
const rows: string[] = [];
try {
  for (const preset of ['mobile', 'desktop'] as const) {
    const results = {} as Record<(typeof pages)[number], Sample[]>;
    for (let run = 0; run < RUNS; run += 1) {
      // Interleaved, so a busy moment of the shared machine hits every page alike.
      for (const page of pages) {
        const result = await lighthouse(
          `${h.partner.url}/${page}.html`,
          { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] },
          preset === 'desktop' ? desktopConfig : undefined,
        );
        const audits = result!.lhr.audits as Audits;
        (results[page] ??= []).push({
          tbt: audits['total-blocking-time']!.numericValue ?? NaN,
          mainThread: audits['mainthread-work-breakdown']!.numericValue ?? NaN,
          cls: audits['cumulative-layout-shift']!.numericValue ?? NaN,
        });
      }
    }
    const base = results.baseline;
    for (const page of pages) {
      const samples = results[page];
      const tbt = median(samples.map((s) => s.tbt));
      const main = median(samples.map((s) => s.mainThread));
      const added = main - median(base.map((s) => s.mainThread));
      rows.push(
        `| ${preset} | ${page}.html | ${tbt.toFixed(0)} ms (${Math.min(...samples.map((s) => s.tbt)).toFixed(0)}–${Math.max(...samples.map((s) => s.tbt)).toFixed(0)}) | ${main.toFixed(0)} ms | ${page === 'baseline' ? '—' : `${added.toFixed(0)} ms`} | ${Math.max(...samples.map((s) => s.cls)).toFixed(3)} |`,
      );
    }
  }
} finally {
  await chrome.kill();
  await h.close();
}
const loadAfter = loadavg();
console.log(`Lighthouse ${(await import('lighthouse/package.json', { with: { type: 'json' } })).default.version}, ${RUNS} runs per page and preset (median, range), ${cpus().length} CPUs (${cpus()[0]?.model}), load average ${loadBefore[0]!.toFixed(2)} before / ${loadAfter[0]!.toFixed(2)} after (the machine is shared)\n`);
console.log('| preset | page | TBT | main-thread work | added over baseline | CLS (max) |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
