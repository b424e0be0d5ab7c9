/**
 * The widgets' tasks as a Chromium trace sees them: for each top-level task on the page's main thread,
 * its wall time (`dur`) and its CPU time (`tdur`, the thread's own clock: not stretched when other
 * processes hold the CPU). A task is the widgets' when it runs code of a `crm-*.js` file.
 */
import type { Browser } from 'puppeteer-core';
import { setTimeout as delay } from 'node:timers/promises';

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { data?: { url?: string; stackTrace?: { url?: string }[] }; beginData?: { url?: string } };
}

/** What one page load cost its main thread, in milliseconds. */
export interface TraceSample {
  /** CPU time of every task. */
  cpu: number;
  /** CPU time of the tasks that ran widget code. */
  widgetCpu: number;
  /** The largest CPU time of one widget task. */
  largestWidgetTaskCpu: number;
  /** The largest wall time of one widget task. */
  largestWidgetTaskWall: number;
}

const isWidgetCode = (url: string | undefined) => Boolean(url && /\/crm-[\w-]+\.js/.test(url));

/** Loads `url` in a fresh context with tracing on and sums its main-thread tasks. */
export async function traceSample(browser: Browser, url: string, origin: string, quietMs: number): Promise<TraceSample> {
  const context = await browser.createBrowserContext();
  const tab = await context.newPage();
  await tab.setViewport({ width: 1280, height: 900 });
  await tab.tracing.start({ categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'toplevel'] });
  await tab.goto(url, { waitUntil: 'networkidle0' });
  await delay(quietMs);
  const raw = await tab.tracing.stop();
  await context.close();
  const parsed = JSON.parse(Buffer.from(raw ?? new Uint8Array()).toString()) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const parse = events.find((e) => e.name === 'ParseHTML' && String(e.args?.beginData?.url ?? '').startsWith(origin));
  if (!parse) throw new Error(`no ParseHTML for ${url} in the trace`);
  const main = events.filter((e) => e.pid === parse.pid && e.tid === parse.tid && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const tasks: TraceEvent[] = [];
  for (const e of main) {
    if (e.name !== 'ThreadControllerImpl::RunTask' && e.name !== 'RunTask') continue;
    const last = tasks.at(-1);
    if (!last || e.ts >= last.ts + (last.dur ?? 0)) tasks.push(e);
  }
  const sample: TraceSample = { cpu: 0, widgetCpu: 0, largestWidgetTaskCpu: 0, largestWidgetTaskWall: 0 };
  let i = 0;
  for (const task of tasks) {
    const cpu = (task.tdur ?? task.dur ?? 0) / 1000;
    const wall = (task.dur ?? 0) / 1000;
    sample.cpu += cpu;
    const end = task.ts + (task.dur ?? 0);
    let widget = false;
    while (i < main.length && main[i]!.ts < task.ts) i += 1;
    for (let j = i; j < main.length && main[j]!.ts < end; j += 1) {
      const data = main[j]!.args?.data;
      if (isWidgetCode(data?.url) || data?.stackTrace?.some((f) => isWidgetCode(f.url))) {
        widget = true;
        break;
      }
    }
    if (!widget) continue;
    sample.widgetCpu += cpu;
    sample.largestWidgetTaskCpu = Math.max(sample.largestWidgetTaskCpu, cpu);
    sample.largestWidgetTaskWall = Math.max(sample.largestWidgetTaskWall, wall);
  }
  return sample;
}
