/**
 * The server's lifecycle: serving, then draining (SIGTERM). While draining, `/health` answers 503
 * `{status:'draining'}`, no new job run starts (the signal is aborted, so runs not started yet are
 * skipped and running handlers stop after the batch or file in progress), and the process waits
 * for the runs it tracks before it closes the listener and exits.
 */
export class Lifecycle {
  private readonly controller = new AbortController();
  private readonly running = new Set<Promise<unknown>>();

  /** Aborted when draining starts. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get draining(): boolean {
    return this.controller.signal.aborted;
  }

  /** Starts draining (idempotent). */
  beginDrain(reason = 'the process is shutting down'): void {
    if (!this.draining) this.controller.abort(new Error(reason));
  }

  /** Tracks work (e.g. a job run started by an HTTP request) the drain waits for. */
  track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    const done = () => { this.running.delete(p); };
    p.then(done, done);
    return p;
  }

  /** Waits for the tracked work, at most `timeoutMs`; true when all of it ended. */
  async settled(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((r) => { timer = setTimeout(() => r(false), timeoutMs); });
    try {
      return await Promise.race([Promise.allSettled([...this.running]).then(() => true as const), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
