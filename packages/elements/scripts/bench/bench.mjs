#!/usr/bin/env node
// Benchmark of the board and the contact list in real Chromium at 10k and 100k records, paging on
// demand as they scroll (run by hand, not in tests):
//   cd packages/elements && node scripts/bench/bench.mjs
// Bundles scripts/bench/bench-page.ts (production Lit, minified), serves it, drives it through
// puppeteer-core in Chromium (found by scripts/chromium.mjs at the root), and prints JSON plus a Markdown table.
import { build } from 'esbuild';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { findChromium } from '../../../../scripts/chromium.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'crm-bench-'));
await build({
  entryPoints: [join(here, 'bench-page.ts')],
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  conditions: ['production', 'browser'],
  tsconfig: join(here, '../../tsconfig.json'),
  outfile: join(out, 'bench.js'),
  logLevel: 'warning',
});
const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title>
<style>body{margin:0} #host{width:1600px}</style></head><body><div id="host"></div><script type="module" src="/bench.js"></script></body></html>`;
const server = createServer((req, res) => {
  if (req.url === '/bench.js') {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(readFileSync(join(out, 'bench.js')));
  } else {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(page);
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

const chromium = await findChromium();
const browser = await puppeteer.launch({
  executablePath: chromium.executablePath,
  headless: true,
  // Never throttle the measured tab's animation frames as a background or occluded one.
  args: [...chromium.args, '--window-size=1700,1000', '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'],
});
const results = { board: [], list: [] };
/** A fresh, focused tab on the bench page (a background tab would get throttled animation frames). */
async function open() {
  const tab = await browser.newPage();
  await tab.bringToFront();
  await tab.setViewport({ width: 1700, height: 1000 });
  tab.on('console', (message) => console.error('page:', message.text()));
  tab.on('pageerror', (error) => console.error('page error:', error.message));
  await tab.goto(url);
  await tab.waitForFunction(() => Boolean(window.bench));
  return tab;
}
try {
  for (const total of (process.env.BENCH_BOARD ?? '10000,100000').split(',').map(Number)) {
    // A fresh page per run, so one run's garbage does not slow the next.
    const tab = await open();
    if (process.env.BENCH_TRACE) await tab.tracing.start({ path: process.env.BENCH_TRACE, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    results.board.push(await tab.evaluate((n, c) => window.bench.boardRun(n, c), total, Number(process.env.BENCH_COLUMNS ?? 10)));
    if (process.env.BENCH_TRACE) await tab.tracing.stop();
    console.error(`board ${total}: done`);
    await tab.close();
  }
  for (const total of (process.env.BENCH_LIST ?? '10000,100000').split(',').map(Number)) {
    const tab = await open();
    results.list.push(await tab.evaluate((n) => window.bench.listRun(n), total));
    console.error(`list ${total}: done`);
    await tab.close();
  }
} finally {
  await browser.close();
  server.close();
  rmSync(out, { recursive: true, force: true });
}

console.log(JSON.stringify(results, null, 2));
const row = (cells) => `| ${cells.join(' | ')} |`;
const requested = (r) => `${r.board ? `${r.board} board + ${r.columnPages} column` : r.contactPages} (max limit ${r.maxLimit})`;
console.log('\n' + row(['what', 'records', 'first render ms', 'requests at first render', 'requests after scrolling', 'loaded after scrolling', 'shadow DOM nodes', 'scroll max/p95 ms (frames > 50 ms)', 'keyboard drag max/p95 ms', 'pointer drag max/p95 ms']));
console.log(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
for (const r of results.board) {
  console.log(row([`board, ${r.columns} columns`, r.total, r.firstRenderMs, requested(r.atFirstRender), requested(r.afterScroll), r.loaded, r.domNodes, `${r.scroll.maxMs} / ${r.scroll.p95Ms} (${r.scroll.over50})`, `${r.keyboardDrag.maxMs} / ${r.keyboardDrag.p95Ms}`, `${r.pointerDrag.maxMs} / ${r.pointerDrag.p95Ms}`]));
}
for (const r of results.list) {
  console.log(row(['contact list', r.total, r.firstRenderMs, requested(r.atFirstRender), requested(r.afterScroll), r.loaded, r.domNodes, `${r.scroll.maxMs} / ${r.scroll.p95Ms} (${r.scroll.over50})`, '–', '–']));
}
