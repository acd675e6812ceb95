/**
 * A background loop of one process: runs a unit of work again and again, never two at a time, and waits
 * between runs by what the last one found. The rollup flusher (decision 038) and the audit sealer
 * (decision 037) are built on it.
 *
 *  - "more": more is ready now → the next run at once;
 *  - "some": it did something → the next run `gapMs` after it ended;
 *  - "none": nothing to do → the next run after `pollMs` (only once started), or sooner when kicked;
 *  - it threw → `onError` is told and the next run starts `retryMs` after it ended.
 *
 * A kick asks for a run as soon as the gap allows: at once when idle, cutting a poll wait short; kicks
 * during a run become one run after it. A retry or gap wait is not shortened. stop() cancels what waits
 * and resolves once a running unit has finished; nothing starts after it.
 */
export type RunOutcome = "more" | "some" | "none";

export type PollLoopOptions = {
  run: () => Promise<RunOutcome>;
  gapMs: number;
  /** A number, or the wait after the `idleRuns`-th idle run in a row (a backoff). */
  pollMs: number | ((idleRuns: number) => number);
  retryMs: number;
  /** `failures` counts the failed runs in a row, this one included. */
  onError: (err: unknown, failures: number) => void;
};

export class PollLoop {
  private readonly opts: PollLoopOptions;
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** The timer is a poll wait (a kick may cut it short), not a gap or a retry. */
  private polling = false;
  private kicked = false;
  private started = false;
  private stopped = false;
  private lastEnd = Number.NEGATIVE_INFINITY;
  private idleRuns = 0;
  private failures = 0;
  /** Units run so far (tests and logs). */
  runs = 0;

  constructor(opts: PollLoopOptions) {
    this.opts = opts;
  }

  /** Runs now (as the gap allows) and then keeps polling; without it the loop runs only when kicked or retrying. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopped = false;
    this.kick();
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.kicked = true;
      return;
    }
    if (this.timer && !this.polling) return;
    this.clearTimer();
    const wait = Math.max(0, this.lastEnd + this.opts.gapMs - Date.now());
    if (wait === 0) this.run();
    else this.wait(wait, false);
  }

  private run(): void {
    this.kicked = false;
    this.runs += 1;
    this.running = (async () => {
      let outcome: RunOutcome | "failed";
      try {
        outcome = await this.opts.run();
        this.failures = 0;
      } catch (err) {
        outcome = "failed";
        this.failures += 1;
        this.opts.onError(err, this.failures);
      }
      this.lastEnd = Date.now();
      this.running = null;
      if (!this.stopped) this.next(outcome);
    })();
  }

  private next(outcome: RunOutcome | "failed"): void {
    if (outcome === "none") this.idleRuns += 1;
    else if (outcome !== "failed") this.idleRuns = 0;
    if (outcome === "failed") this.wait(this.opts.retryMs, false);
    else if (outcome === "more") this.wait(0, false);
    else if (outcome === "some" || this.kicked) this.wait(this.opts.gapMs, false);
    else if (this.started) {
      const { pollMs } = this.opts;
      this.wait(typeof pollMs === "number" ? pollMs : pollMs(this.idleRuns), true);
    }
  }

  private wait(ms: number, polling: boolean): void {
    this.polling = polling;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run();
    }, ms);
    // An idle loop alone does not keep the process alive.
    if (polling) this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Resolves once no unit is running and none waits but a poll (tests). */
  async idle(): Promise<void> {
    while (this.running || (this.timer && !this.polling)) {
      if (this.running) await this.running;
      else await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Ends the loop: cancels any wait, then resolves once a running unit has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.started = false;
    this.clearTimer();
    if (this.running) await this.running;
  }
}
