import { PollLoop } from "./poll-loop";

/**
 * Runs rollup flushes for one worker process: at once when kicked and idle, otherwise once the running
 * flush ends (everything marked meanwhile goes into that next one), never closer than `minGapMs` apart,
 * and after `pollMs` without one (hours marked by a process that died before flushing). At most one
 * flush at a time per process; several processes may flush side by side (the flush itself takes disjoint
 * marks). A failed flush is retried after `retryMs`; the marks stay in Postgres until a flush commits, so
 * nothing is lost while the database is away. The loop itself is ./poll-loop.ts.
 */
export type FlusherOptions = {
  flush: () => Promise<unknown>;
  minGapMs?: number;
  pollMs?: number;
  retryMs?: number;
  log?: (line: string) => void;
};

export class RollupFlusher {
  private readonly loop: PollLoop;

  constructor(opts: FlusherOptions) {
    const retryMs = opts.retryMs ?? 2_000;
    const log = opts.log ?? ((line: string) => console.warn(line));
    this.loop = new PollLoop({
      run: async () => {
        await opts.flush();
        // A flush takes every mark there is; marks made since come with a kick.
        return "none";
      },
      gapMs: opts.minGapMs ?? 250,
      pollMs: opts.pollMs ?? 5_000,
      retryMs,
      onError: (err) => log(`[metrics] rollup flush failed, retrying in ${retryMs} ms: ${err instanceof Error ? err.message : String(err)}`),
    });
  }

  /** Flushes run (for tests and the worker's log). */
  get flushes(): number {
    return this.loop.runs;
  }

  /** Starts the periodic flush (the worker calls it; a flusher only kicked by tests needs no poll). */
  start(): void {
    this.loop.start();
  }

  /** Asks for a flush: now if idle and the last ended long enough ago, else as soon as allowed. */
  kick(): void {
    this.loop.kick();
  }

  /** Resolves when no flush is running or waiting (tests). */
  idle(): Promise<void> {
    return this.loop.idle();
  }

  /** Stops the poll and any waiting flush; resolves once a running one has finished. */
  stop(): Promise<void> {
    return this.loop.stop();
  }
}
