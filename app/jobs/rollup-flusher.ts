/**
 * Runs rollup flushes for one worker process: at once when kicked and idle, otherwise once the running
 * flush ends (everything marked meanwhile goes into that next one), never closer than `minGapMs` apart,
 * and every `pollMs` regardless (hours marked by a process that died before flushing, or whose flush
 * failed). At most one flush at a time per process; several processes may flush side by side (the
 * flush itself takes disjoint marks). A failed flush is retried after `retryMs`; the marks stay in
 * Postgres until a flush commits, so nothing is lost while the database is away.
 */
export type FlusherOptions = {
  flush: () => Promise<unknown>;
  minGapMs?: number;
  pollMs?: number;
  retryMs?: number;
  log?: (line: string) => void;
};

export class RollupFlusher {
  private readonly flush: () => Promise<unknown>;
  private readonly minGapMs: number;
  private readonly pollMs: number;
  private readonly retryMs: number;
  private readonly log: (line: string) => void;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private poller: NodeJS.Timeout | null = null;
  private lastEnd = 0;
  private lastFailed = false;
  private stopped = false;
  /** Flushes run (for tests and the worker's log). */
  flushes = 0;

  constructor(opts: FlusherOptions) {
    this.flush = opts.flush;
    this.minGapMs = opts.minGapMs ?? 250;
    this.pollMs = opts.pollMs ?? 5_000;
    this.retryMs = opts.retryMs ?? 2_000;
    this.log = opts.log ?? ((line) => console.warn(line));
  }

  /** Starts the periodic flush (the worker calls it; a flusher only kicked by tests needs no poll). */
  start(): void {
    this.stopped = false;
    if (this.poller) return;
    this.poller = setInterval(() => this.kick(), this.pollMs);
    this.poller.unref();
    this.kick();
  }

  /** Asks for a flush: now if idle and the last ended long enough ago, else as soon as allowed. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    const gap = this.lastFailed ? this.retryMs : this.minGapMs;
    const wait = Math.max(0, this.lastEnd + gap - Date.now());
    if (wait === 0) return void this.run();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run();
    }, wait);
  }

  private run(): void {
    this.again = false;
    this.running = (async () => {
      try {
        this.flushes += 1;
        await this.flush();
        this.lastFailed = false;
      } catch (err) {
        this.lastFailed = true;
        this.again = true;
        this.log(`[metrics] rollup flush failed, retrying in ${this.retryMs} ms: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        this.lastEnd = Date.now();
        this.running = null;
        if (this.again) this.kick();
      }
    })();
  }

  /** Resolves when no flush is running or waiting (tests). */
  async idle(): Promise<void> {
    while (this.running || this.timer) {
      if (this.running) await this.running;
      else await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Stops the poll and any waiting flush; resolves once a running one has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poller) clearInterval(this.poller);
    if (this.timer) clearTimeout(this.timer);
    this.poller = null;
    this.timer = null;
    if (this.running) await this.running;
  }
}
