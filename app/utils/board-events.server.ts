/**
 * Live wall board: one Redis subscriber per server process on the board channel, fanned out to every
 * open event stream. Bursts of changes are coalesced: at most one board query per `minIntervalMs`,
 * shared by all boards and sent as the same bytes to each. Nothing is held per board but its entry in
 * the listener set; one heartbeat timer serves them all.
 */
import { boardChannel, type BoardData } from "~/models/board-contract";
import { getBoardData } from "~/models/board-data.server";
import { env } from "./env.server";
import { createRedis } from "./redis.server";
import { onShutdown } from "./shutdown.server";

export type BoardListener = {
  send(chunk: Uint8Array): void;
  close(): void;
  /** Asked on heartbeats (token boards): false ends the stream with a `revoked` event. */
  stillAllowed?: () => Promise<boolean>;
};

export type BoardHubDeps = {
  /** Starts listening for change messages; resolves to a function that stops. `onResync` after a reconnect (messages may have been missed). */
  subscribe(onMessage: (message: string) => void, onResync: () => void): Promise<() => Promise<void>>;
  load(): Promise<BoardData>;
  minIntervalMs?: number;
  heartbeatMs?: number;
  /** A refresh even without events (ages grow, the day turns). */
  refreshEveryMs?: number;
  /** Checks of token boards happen on every n-th heartbeat. */
  accessCheckEveryBeats?: number;
  now?: () => number;
  log?: (message: string) => void;
};

type Entry = { listener: BoardListener; generation: number };

const encoder = new TextEncoder();

export function sseData(data: unknown, generation: number): Uint8Array {
  return encoder.encode(`id: ${generation}\ndata: ${JSON.stringify(data)}\n\n`);
}

export class BoardHub {
  private readonly entries = new Map<BoardListener, Entry>();
  private unsubscribe: Promise<(() => Promise<void>) | null> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private pending: ReturnType<typeof setTimeout> | null = null;
  private inFlight: Promise<{ bytes: Uint8Array; generation: number }> | null = null;
  private dirty = false;
  private lastLoadAt = -Infinity;
  private cache: { bytes: Uint8Array; generation: number; at: number } | null = null;
  private generation = 0;
  private beats = 0;
  private lastRefreshAt = 0;
  private readonly minIntervalMs: number;
  private readonly heartbeatMs: number;
  private readonly refreshEveryMs: number;
  private readonly accessCheckEveryBeats: number;
  private readonly now: () => number;
  /** Loads run so far (tests and the load measurement read it). */
  loads = 0;

  constructor(private readonly deps: BoardHubDeps) {
    this.minIntervalMs = deps.minIntervalMs ?? 250;
    this.heartbeatMs = deps.heartbeatMs ?? 15_000;
    this.refreshEveryMs = deps.refreshEveryMs ?? 60_000;
    this.accessCheckEveryBeats = deps.accessCheckEveryBeats ?? 1;
    this.now = deps.now ?? Date.now;
  }

  get listenerCount(): number {
    return this.entries.size;
  }

  /** True while the Redis subscription is open (or opening). */
  get subscribed(): boolean {
    return this.unsubscribe !== null;
  }

  get timersActive(): number {
    return (this.heartbeat ? 1 : 0) + (this.pending ? 1 : 0);
  }

  /** Adds a board; it gets the current data at once (shared with others that asked at the same time). Returns the detach function. */
  attach(listener: BoardListener): () => void {
    const entry: Entry = { listener, generation: 0 };
    this.entries.set(listener, entry);
    if (this.entries.size === 1) this.start();
    void this.initial(entry).catch((err: unknown) => this.deps.log?.(`[board] first load failed: ${String(err)}`));
    return () => this.detach(listener);
  }

  detach(listener: BoardListener): void {
    if (!this.entries.delete(listener)) return;
    if (this.entries.size === 0) this.stop();
  }

  /** A change was announced: refresh soon, at most once per interval however many arrive. */
  changed(): void {
    if (this.entries.size === 0) return;
    if (this.inFlight) {
      this.dirty = true;
      return;
    }
    if (this.pending) return;
    const wait = Math.max(0, this.lastLoadAt + this.minIntervalMs - this.now());
    this.pending = setTimeout(() => {
      this.pending = null;
      void this.refresh();
    }, wait);
  }

  /** Ends every stream (server shutdown). */
  async closeAll(): Promise<void> {
    for (const { listener } of [...this.entries.values()]) {
      this.detach(listener);
      try {
        listener.close();
      } catch {
        // already closed
      }
    }
    await this.stopSubscription();
  }

  private start(): void {
    this.lastRefreshAt = this.now();
    this.unsubscribe = this.deps
      .subscribe(
        (message) => {
          // The payload only says that something changed; a malformed one still means "look again".
          if (message.length > 0) this.changed();
        },
        () => this.changed(),
      )
      .catch((err: unknown) => {
        this.deps.log?.(`[board] subscribe failed: ${String(err)}`);
        return null;
      });
    this.heartbeat = setInterval(() => this.beat(), this.heartbeatMs);
  }

  private stop(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
    this.dirty = false;
    this.cache = null;
    void this.stopSubscription();
  }

  private async stopSubscription(): Promise<void> {
    const closing = this.unsubscribe;
    this.unsubscribe = null;
    const close = await closing;
    if (close) await close().catch(() => undefined);
  }

  private beat(): void {
    this.beats += 1;
    const comment = encoder.encode(`: heartbeat ${new Date(this.now()).toISOString()}\n\n`);
    this.broadcast(comment, null);
    if (this.now() - this.lastRefreshAt >= this.refreshEveryMs) this.changed();
    if (this.beats % this.accessCheckEveryBeats === 0) void this.checkAccess();
  }

  private async checkAccess(): Promise<void> {
    const checked = [...this.entries.values()].filter((e) => e.listener.stillAllowed);
    await Promise.all(
      checked.map(async ({ listener }) => {
        const ok = await listener.stillAllowed!().catch(() => true);
        if (ok || !this.entries.has(listener)) return;
        this.detach(listener);
        try {
          listener.send(encoder.encode("event: revoked\ndata: {}\n\n"));
          listener.close();
        } catch {
          // the client went away meanwhile
        }
      }),
    );
  }

  private load(): Promise<{ bytes: Uint8Array; generation: number }> {
    if (this.inFlight) return this.inFlight;
    this.lastLoadAt = this.now();
    this.loads += 1;
    const run = this.deps.load().then((data) => {
      const generation = ++this.generation;
      const bytes = sseData(data, generation);
      this.cache = { bytes, generation, at: this.now() };
      return { bytes, generation };
    });
    this.inFlight = run;
    void run.then(
      () => this.afterLoad(run),
      () => this.afterLoad(run),
    );
    return run;
  }

  private afterLoad(run: Promise<unknown>): void {
    if (this.inFlight === run) this.inFlight = null;
    if (this.dirty) {
      this.dirty = false;
      this.changed();
    }
  }

  private async refresh(): Promise<void> {
    this.lastRefreshAt = this.now();
    try {
      const { bytes, generation } = await this.load();
      this.broadcast(bytes, generation);
    } catch (err) {
      this.deps.log?.(`[board] load failed: ${String(err)}`);
    }
  }

  private async initial(entry: Entry): Promise<void> {
    const cached = this.cache && this.now() - this.cache.at < this.minIntervalMs ? this.cache : null;
    const { bytes, generation } = cached ?? (await this.load());
    if (this.entries.get(entry.listener) === entry) this.deliver(entry, bytes, generation);
  }

  /** `generation` null: a heartbeat; otherwise data, never older than what the board already has. */
  private broadcast(bytes: Uint8Array, generation: number | null): void {
    for (const entry of [...this.entries.values()]) this.deliver(entry, bytes, generation);
  }

  private deliver(entry: Entry, bytes: Uint8Array, generation: number | null): void {
    if (generation !== null) {
      if (generation <= entry.generation) return;
      entry.generation = generation;
    }
    try {
      entry.listener.send(bytes);
    } catch {
      this.detach(entry.listener);
    }
  }
}

/** Redis-backed subscription to the board channel: one connection, closed when the last board goes. */
export function redisSubscribe(onMessage: (message: string) => void, onResync: () => void): Promise<() => Promise<void>> {
  const sub = createRedis("subscriber");
  const channel = boardChannel(env.QUEUE_PREFIX);
  let readyOnce = false;
  sub.on("message", (ch: string, message: string) => {
    if (ch === channel) onMessage(message);
  });
  sub.on("ready", () => {
    if (readyOnce) onResync();
    readyOnce = true;
  });
  sub.on("error", (err: Error) => console.error(`[board] redis: ${err.message}`));
  return sub.subscribe(channel).then(() => async () => {
    sub.removeAllListeners("message");
    sub.removeAllListeners("ready");
    await sub.quit().catch(() => sub.disconnect());
  });
}

declare global {
  var __afBoardHub: BoardHub | undefined;
}

/** The process's hub (kept across dev rebuilds). */
export function getBoardHub(): BoardHub {
  if (!globalThis.__afBoardHub) {
    const hub = new BoardHub({
      subscribe: redisSubscribe,
      load: () => getBoardData({ now: new Date() }),
      log: (m) => console.error(m),
    });
    globalThis.__afBoardHub = hub;
    onShutdown(() => hub.closeAll());
  }
  return globalThis.__afBoardHub;
}

/** Streams above this many queued bytes belong to a client that stopped reading: cut them, it reconnects. */
const MAX_QUEUED_BYTES = 1 << 20;
const RETRY_MS = 2_000;

/**
 * A `text/event-stream` response attached to the hub. The stream ends on client abort, on cancel,
 * when a token board's token is revoked, or at shutdown — each path detaches it exactly once.
 */
export function boardEventStream({
  signal,
  stillAllowed,
  hub = getBoardHub(),
}: {
  signal: AbortSignal;
  stillAllowed?: () => Promise<boolean>;
  hub?: BoardHub;
}): Response {
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let open = true;
        const listener: BoardListener = {
          send(chunk) {
            if (!open) return;
            if ((controller.desiredSize ?? 0) < -MAX_QUEUED_BYTES) {
              cleanup();
              return;
            }
            controller.enqueue(chunk);
          },
          close() {
            cleanup();
          },
          stillAllowed,
        };
        cleanup = () => {
          if (!open) return;
          open = false;
          signal.removeEventListener("abort", cleanup);
          hub.detach(listener);
          try {
            controller.close();
          } catch {
            // already closed or errored
          }
        };
        if (signal.aborted) {
          open = false;
          controller.close();
          return;
        }
        signal.addEventListener("abort", cleanup, { once: true });
        controller.enqueue(encoder.encode(`retry: ${RETRY_MS}\n: connected\n\n`));
        hub.attach(listener);
      },
      cancel() {
        cleanup();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }),
  );
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
}
