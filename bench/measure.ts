/**
 * The load loop the HTTP benches share: `concurrency` workers, each sending one unit (one or more requests
 * at once) after another until `seconds` have passed; latency of each unit, status counts, p50/p95/max.
 */

/** One measured unit of work: one or more requests sent at once; it ends when all have answered. */
export interface Scenario {
  key: string;
  name: string;
  requests: (worker: number) => Array<{ path: string; token: string }>;
}

export interface LoadOptions {
  concurrency: number;
  seconds: number;
  requestTimeoutMs: number;
}

/** Runs `concurrency` workers for `seconds`, each doing one unit after another; returns latency stats of the units. */
export async function measure(base: string, scenario: Scenario, { concurrency, seconds, requestTimeoutMs }: LoadOptions, limitUnits = Infinity) {
  const latencies: number[] = [];
  const statusCounts = new Map<string, number>();
  let errors = 0;
  let firstError = '';
  let started = 0;
  const deadline = performance.now() + seconds * 1000;
  const worker = async (w: number) => {
    while (performance.now() < deadline && started < limitUnits) {
      started += 1;
      const start = performance.now();
      const answers = await Promise.all(
        scenario.requests(w).map(async ({ path, token }) => {
          try {
            const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(requestTimeoutMs) });
            const body = await res.text();
            if (res.status >= 400 && !firstError) firstError = `${res.status} ${path}: ${body.slice(0, 300)}`;
            return String(res.status);
          } catch {
            return 'timeout';
          }
        }),
      );
      latencies.push(performance.now() - start);
      for (const status of answers) statusCounts.set(status, (statusCounts.get(status) ?? 0) + 1);
      if (answers.some((s) => s === 'timeout' || Number(s) >= 400)) errors += 1;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { name: scenario.name, key: scenario.key, units: latencies.length, errors, firstError, statuses: Object.fromEntries(statusCounts), p50: q(0.5), p95: q(0.95), max: latencies.at(-1) ?? NaN, rps: latencies.length / elapsed };
}
