/**
 * One read per key shared by the callers that need it at about the same time, never older than the
 * caller: a caller asking at `asOf` (performance.now()) gets a read that *started* at or after `asOf`,
 * never one already in flight before it, so it sees every write made before it asked. Callers asking
 * while a read runs share the next one: at most one read in flight and one waiting per key, however
 * many callers come at once (50 requests at once send one or two reads, not fifty). A caller asking
 * again with the same `asOf` after its read ended (a request checking the stamp twice) gets that read's
 * value back without another round trip: the newest finished read is kept per key while it is the newest.
 *
 * Used for small stamps every request checks: the agency's access counter (platform/auth/principal-cache)
 * and its roll-ups' applied stamp (modules/reporting/rollup-read-cache).
 */
export function createFreshRead<T>(read: (key: string) => Promise<T>) {
  const states = new Map<string, { running: { startedAt: number; done: Promise<T> } | null; waiting: Promise<T> | null }>();
  const newest = new Map<string, { startedAt: number; value: Promise<T> }>();

  return function fresh(key: string, asOf: number = performance.now()): Promise<T> {
    const last = newest.get(key);
    if (last && last.startedAt >= asOf) return last.value;
    let state = states.get(key);
    if (!state) {
      state = { running: null, waiting: null };
      states.set(key, state);
    }
    const current = state;
    const run = (): Promise<T> => {
      const started: { startedAt: number; done: Promise<T> } = { startedAt: performance.now(), done: Promise.resolve(undefined as T) };
      started.done = read(key)
        .then((value) => {
          // Kept only when it succeeded, and only while no read started later has finished.
          if ((newest.get(key)?.startedAt ?? -1) < started.startedAt) {
            newest.delete(key);
            newest.set(key, { startedAt: started.startedAt, value: Promise.resolve(value) });
            if (newest.size > 10_000) newest.delete(newest.keys().next().value!);
          }
          return value;
        })
        .finally(() => {
          if (current.running === started) current.running = null;
          if (!current.running && !current.waiting && states.get(key) === current) states.delete(key);
        });
      current.running = started;
      return started.done;
    };
    if (!current.running) return run();
    if (current.running.startedAt >= asOf) return current.running.done;
    current.waiting ??= current.running.done
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        current.waiting = null;
        return run();
      });
    return current.waiting;
  };
}
