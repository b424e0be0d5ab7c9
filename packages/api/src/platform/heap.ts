import { setFlagsFromString } from 'node:v8';

/**
 * Sets how far V8 lets the heap grow past what its last full collection kept (`HEAP_GROWING_PERCENT`,
 * V8's `--heap-growing-percent`; a flag Node refuses in NODE_OPTIONS, so the process sets it at start).
 * V8's own factor is dynamic, up to 4x: an import, whose live data stays ~100 MB (the API's modules and
 * two batches), let the heap reach ~410 MB of mostly garbage and the process 630 MB RSS at 10,000 rows;
 * with 50 % an import of 100,000 rows peaked at 323 MB, with 25 % (the default) at 290 MB, for ~0.15 CPU s
 * more per 1,000 rows (bench/RESULTS.md, 2026-12-07). Unlike `--max-old-space-size` it is no cap: a process
 * whose live data grows keeps room to grow.
 */
export function applyHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
