/** Rejects with `signal.reason` when the signal aborts before `ms` pass. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** One attempt's cancellation: aborts on the caller's signal or when `timeoutMs` passes, whichever is first. */
export class AttemptController {
  readonly #controller = new AbortController();
  readonly #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #callerSignal: AbortSignal | undefined;
  #cancelledBy: 'caller' | 'timeout' | undefined;
  readonly #onCallerAbort = () => this.#cancel('caller');

  constructor(callerSignal: AbortSignal | undefined, timeoutMs: number) {
    this.#callerSignal = callerSignal;
    if (callerSignal?.aborted) this.#cancel('caller');
    else callerSignal?.addEventListener('abort', this.#onCallerAbort, { once: true });
    if (Number.isFinite(timeoutMs) && timeoutMs > 0 && !this.#cancelledBy) {
      this.#timer = setTimeout(() => this.#cancel('timeout'), timeoutMs);
    }
  }

  #cancel(by: 'caller' | 'timeout'): void {
    if (this.#cancelledBy) return;
    this.#cancelledBy = by;
    this.#controller.abort(by === 'caller' ? this.#callerSignal?.reason : undefined);
  }

  /** The signal to hand to `fetch`. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Who cancelled the attempt first, if anyone. */
  get cancelledBy(): 'caller' | 'timeout' | undefined {
    return this.#cancelledBy;
  }

  /** Stops the timer and forgets the caller's signal; call once the response body has been read. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#callerSignal?.removeEventListener('abort', this.#onCallerAbort);
  }
}

/** Settles like `promise`, but rejects with the signal's reason as soon as the signal aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
