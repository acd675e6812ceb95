/**
 * The one way to tell open wall boards that something changed: `publishBoardChange`. The metrics
 * worker (a task event applied) and the board settings (a new target) both announce through it; the
 * board hub (board-hub.server.ts) listens on `boardChannel`.
 *
 * At most one message per `windowMs`: the first change goes out at once (a finished task must reach
 * the board within a second), a burst after it becomes one trailing message naming the burst's last change.
 */
import type { BoardChange } from "~/contracts/board";
import { env } from "~/utils/env.server";
import { createRedis, type RedisClient } from "~/utils/redis.server";
import { onShutdown } from "~/utils/shutdown.server";

/** Redis pub/sub channel (pub/sub ignores the db number, so it carries the queue prefix). */
export function boardChannel(prefix: string = env.QUEUE_PREFIX): string {
  return `${prefix}:board:changed`;
}

/** Coalesces announcements on one channel; each `publish` resolves once its change (or a later one that replaced it) is sent. */
export class BoardPublisher {
  private last = 0;
  private pending: BoardChange | null = null;
  private waiting: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly channel: string,
    private readonly windowMs = 100,
  ) {}

  publish(change: BoardChange): Promise<void> {
    const wait = this.last + this.windowMs - Date.now();
    if (wait <= 0 && !this.timer) return this.send(change);
    this.pending = change;
    const sent = new Promise<void>((resolve) => this.waiting.push(resolve));
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.sendPending();
    }, Math.max(wait, 0));
    return sent;
  }

  /** Sends what is still pending (on shutdown). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sendPending();
  }

  private async sendPending(): Promise<void> {
    const next = this.pending;
    const waiting = this.waiting;
    this.pending = null;
    this.waiting = [];
    if (next) await this.send(next);
    for (const resolve of waiting) resolve();
  }

  private async send(change: BoardChange): Promise<void> {
    this.last = Date.now();
    try {
      await this.redis.publish(this.channel, JSON.stringify(change));
    } catch (err) {
      // A board that misses a message still refreshes on its own timer: never fail the caller for it.
      console.warn(`[board] could not announce ${change.kind}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

let shared: { redis: RedisClient; publisher: BoardPublisher } | undefined;

function sharedBoard(): { redis: RedisClient; publisher: BoardPublisher } {
  if (!shared) {
    const redis = createRedis("queue");
    // Errors surface on the commands; a down Redis must not crash the process.
    redis.on("error", () => undefined);
    const current = { redis, publisher: new BoardPublisher(redis, boardChannel()) };
    shared = current;
    onShutdown(async () => {
      if (shared === current) shared = undefined;
      await current.publisher.flush().catch(() => undefined);
      await redis.quit().catch(() => undefined);
    });
  }
  return shared;
}

/** One Redis connection per process for the board's live counters and announcements (closed on shutdown). */
export function boardRedis(): RedisClient {
  return sharedBoard().redis;
}

/** Tells open boards that something changed (they reload their data, coalescing bursts). Never throws. */
export function publishBoardChange(change: BoardChange): Promise<void> {
  return sharedBoard().publisher.publish(change);
}
