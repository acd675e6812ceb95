/**
 * Live wall board: one Redis subscriber per server process on the board channel, fanned out to every
 * open event stream. Bursts of changes are coalesced: at most one board query per `minIntervalMs`
 * per scope (the set of companies a board shows), shared by all boards of that scope and sent as the
 * same bytes to each. When the database is slow to answer (month-end), loads are spaced further so that
 * a scope spends at most `loadShare` of its time loading (never more than `maxIntervalMs` apart):
 * a busy floor's every change would otherwise re-run the board's queries four times a second. Nothing
 * is held per board but its entry in the listener set; one heartbeat timer and one access-check timer
 * serve them all.
 *
 * Access is re-checked while a stream is open (every `accessCheckMs`): a board whose check says no,
 * throws, or has not answered by the next check is ended — never kept open because a check failed.
 */
import { boardScopeKey, type BoardScope } from "~/domain/board-links";
import type { BoardData } from "~/contracts/board";
import { createRedis } from "~/utils/redis.server";
import { onShutdown } from "~/utils/shutdown.server";
import { getBoardData } from "./board-data.server";
import { boardChannel } from "./board-publisher.server";

export type BoardListener = {
  send(chunk: Uint8Array): void;
  close(): void;
  /**
   * Asked every `accessCheckMs` while the stream is open: false ends it with a `revoked` event; a
   * throw, or no answer by the next check, ends it without one (the browser reconnects and is checked again).
   */
  stillAllowed?: () => Promise<boolean>;
  /** The companies this board shows; boards of one scope share their loads. Omitted: every company (tests, benches). */
  scope?: BoardScope;
  /** Stream-cap keys this board counts against ("user:…", "token:…", "address:…"). */
  holds?: readonly string[];
};

export type BoardHubDeps = {
  /**
   * Starts listening for change messages; resolves to a function that stops. `onResync` after a reconnect
   * (messages may have been missed); `onLink` when the connection to Redis is lost (false) or back (true).
   */
  subscribe(onMessage: (message: string) => void, onResync: () => void, onLink?: (up: boolean) => void): Promise<() => Promise<void>>;
  load(scope: BoardScope | undefined): Promise<BoardData>;
  minIntervalMs?: number;
  /** The most of its time a scope may spend loading: the next load starts no sooner than the last one's duration / loadShare after it began. */
  loadShare?: number;
  /** However slow the loads, a change is loaded within this long of the last load. */
  maxIntervalMs?: number;
  heartbeatMs?: number;
  /** A refresh even without events (ages grow, the day turns). */
  refreshEveryMs?: number;
  /** How often open boards' access is checked again (a revoked or expired link goes dark within this). */
  accessCheckMs?: number;
  now?: () => number;
  log?: (message: string) => void;
};

type Entry = { listener: BoardListener; generation: number; scopeKey: string; checking: boolean };

type Loaded = { bytes: Uint8Array; generation: number; data: BoardData };

/** Per scope: the coalescing state of its loads. */
type ScopeState = {
  scope: BoardScope | undefined;
  boards: number;
  pending: ReturnType<typeof setTimeout> | null;
  inFlight: Promise<Loaded> | null;
  dirty: boolean;
  lastLoadAt: number;
  /** How long the last load took (ms). */
  lastLoadMs: number;
  /** The last load failed: what the cache shows may have changed since (a change was announced but not loaded). */
  lastLoadFailed: boolean;
  cache: { bytes: Uint8Array; generation: number; at: number; data: BoardData } | null;
};

/** A cap on open streams: at most `max` boards holding `key` at once. */
export type StreamCap = { key: string; max: number };

const ALL_SCOPE = "*";

const encoder = new TextEncoder();

/** `event: link`: whether this server still hears about changes (Redis); the board's client shows "reconnecting" while not. */
export function linkMessage(up: boolean): Uint8Array {
  return encoder.encode(`event: link\ndata: {"up":${up}}\n\n`);
}

export function sseData(data: unknown, generation: number): Uint8Array {
  return encoder.encode(`id: ${generation}\ndata: ${JSON.stringify(data)}\n\n`);
}

export class BoardHub {
  private readonly entries = new Map<BoardListener, Entry>();
  private readonly scopes = new Map<string, ScopeState>();
  private readonly held = new Map<string, number>();
  private unsubscribe: Promise<(() => Promise<void>) | null> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private accessTimer: ReturnType<typeof setInterval> | null = null;
  private generation = 0;
  private lastRefreshAt = 0;
  /** False while the Redis subscription is lost: boards are told they are not live (they say "reconnecting"). */
  private linkUp = true;
  private readonly minIntervalMs: number;
  private readonly loadShare: number;
  private readonly maxIntervalMs: number;
  private readonly heartbeatMs: number;
  private readonly refreshEveryMs: number;
  private readonly accessCheckMs: number;
  private readonly now: () => number;
  /** Loads run so far (tests and the load measurement read it). */
  loads = 0;

  constructor(private readonly deps: BoardHubDeps) {
    this.minIntervalMs = deps.minIntervalMs ?? 250;
    this.loadShare = deps.loadShare ?? 0.25;
    this.maxIntervalMs = Math.max(this.minIntervalMs, deps.maxIntervalMs ?? 2_000);
    this.heartbeatMs = deps.heartbeatMs ?? 15_000;
    this.refreshEveryMs = deps.refreshEveryMs ?? 60_000;
    this.accessCheckMs = deps.accessCheckMs ?? 5_000;
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
    let n = (this.heartbeat ? 1 : 0) + (this.accessTimer ? 1 : 0);
    for (const state of this.scopes.values()) n += state.pending ? 1 : 0;
    return n;
  }

  /** Open boards holding this cap key. */
  holding(key: string): number {
    return this.held.get(key) ?? 0;
  }

  /** The first cap that is full (another board holding it would exceed it), or null when there is room. */
  fullCap(caps: readonly StreamCap[]): StreamCap | null {
    return caps.find((cap) => this.holding(cap.key) >= cap.max) ?? null;
  }

  /** Adds a board; it gets the current data at once (shared with others that asked at the same time). Returns the detach function. */
  attach(listener: BoardListener): () => void {
    if (this.entries.has(listener)) return () => this.detach(listener);
    const scopeKey = listener.scope ? boardScopeKey(listener.scope) : ALL_SCOPE;
    const entry: Entry = { listener, generation: 0, scopeKey, checking: false };
    this.entries.set(listener, entry);
    for (const key of listener.holds ?? []) this.held.set(key, this.holding(key) + 1);
    const state = this.scopes.get(scopeKey) ?? this.newScope(scopeKey, listener.scope);
    state.boards += 1;
    if (this.entries.size === 1) this.start();
    void this.initial(entry, state)
      .then(() => {
        if (!this.linkUp && this.entries.get(listener) === entry) this.deliver(entry, linkMessage(false), null);
      })
      .catch((err: unknown) => this.deps.log?.(`[board] first load failed: ${String(err)}`));
    return () => this.detach(listener);
  }

  detach(listener: BoardListener): void {
    const entry = this.entries.get(listener);
    if (!entry) return;
    this.entries.delete(listener);
    for (const key of listener.holds ?? []) {
      const n = this.holding(key) - 1;
      if (n > 0) this.held.set(key, n);
      else this.held.delete(key);
    }
    const state = this.scopes.get(entry.scopeKey);
    if (state && --state.boards === 0) {
      if (state.pending) clearTimeout(state.pending);
      this.scopes.delete(entry.scopeKey);
    }
    if (this.entries.size === 0) this.stop();
  }

  /**
   * The data for a board page being opened. A page is one more board of its scope (decision 046): when
   * boards of the scope are open and live, it gets what they were last sent — its first paint then costs no
   * query (at month-end the board's queries take 50–300 ms under load and a change arrives every few hundred
   * ms) — while that data may stand: at most `maxIntervalMs` old while a change waits for its load (the
   * page's stream brings that load as soon as it has run, as it does to the open boards), at most the refresh
   * period old when nothing waits. Otherwise the scope's next load, shared with the open boards (and every
   * page opened meanwhile) and sent to them too. Null when no board of the scope is open: the caller loads.
   */
  async forPage(scope: BoardScope | undefined): Promise<BoardData | null> {
    const state = this.scopes.get(scope ? boardScopeKey(scope) : ALL_SCOPE);
    if (!state) return null;
    const cached = this.liveCache(state);
    if (cached) return cached.data;
    const { bytes, generation, data } = await this.load(state);
    this.broadcast(state, bytes, generation);
    return data;
  }

  /** The scope's cached load while it may stand for the database (see `forPage`), else null. */
  private liveCache(state: ScopeState): ScopeState["cache"] {
    if (!state.cache || !this.linkUp || !this.unsubscribe) return null;
    const age = this.now() - state.cache.at;
    if (age >= this.refreshEveryMs) return null;
    const changeWaiting = state.pending !== null || state.inFlight !== null || state.dirty || state.lastLoadFailed;
    if (changeWaiting && age >= this.maxIntervalMs) return null;
    return state.cache;
  }

  /** A change was announced: refresh every scope soon, at most once per interval however many arrive. */
  changed(): void {
    for (const state of this.scopes.values()) this.schedule(state);
  }

  /** The Redis link was lost or is back: every board hears it at once; back, they reload (changes may have been missed). */
  linkChanged(up: boolean): void {
    if (up === this.linkUp) return;
    this.linkUp = up;
    this.deps.log?.(up ? "[board] redis is back: boards are live again" : "[board] lost redis: boards say they are reconnecting");
    const message = linkMessage(up);
    for (const entry of [...this.entries.values()]) this.deliver(entry, message, null);
    if (up) this.changed();
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

  private newScope(key: string, scope: BoardScope | undefined): ScopeState {
    const state: ScopeState = { scope, boards: 0, pending: null, inFlight: null, dirty: false, lastLoadAt: -Infinity, lastLoadMs: 0, lastLoadFailed: false, cache: null };
    this.scopes.set(key, state);
    return state;
  }

  private schedule(state: ScopeState): void {
    if (state.boards === 0) return;
    if (state.inFlight) {
      state.dirty = true;
      return;
    }
    if (state.pending) return;
    const interval = Math.min(this.maxIntervalMs, Math.max(this.minIntervalMs, state.lastLoadMs / this.loadShare));
    const wait = Math.max(0, state.lastLoadAt + interval - this.now());
    state.pending = setTimeout(() => {
      state.pending = null;
      void this.refresh(state);
    }, wait);
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
        (up) => this.linkChanged(up),
      )
      .catch((err: unknown) => {
        this.deps.log?.(`[board] subscribe failed: ${String(err)}`);
        return null;
      });
    this.heartbeat = setInterval(() => this.beat(), this.heartbeatMs);
    this.accessTimer = setInterval(() => this.checkAccess(), this.accessCheckMs);
  }

  private stop(): void {
    this.linkUp = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (this.accessTimer) clearInterval(this.accessTimer);
    this.accessTimer = null;
    for (const state of this.scopes.values()) if (state.pending) clearTimeout(state.pending);
    this.scopes.clear();
    void this.stopSubscription();
  }

  private async stopSubscription(): Promise<void> {
    const closing = this.unsubscribe;
    this.unsubscribe = null;
    const close = await closing;
    if (close) await close().catch(() => undefined);
  }

  private beat(): void {
    const comment = encoder.encode(`: heartbeat ${new Date(this.now()).toISOString()}\n\n`);
    for (const entry of [...this.entries.values()]) this.deliver(entry, comment, null);
    if (this.now() - this.lastRefreshAt >= this.refreshEveryMs) this.changed();
  }

  /** Ends a board: `revoked` tells the browser not to come back; without it, it reconnects and is checked afresh. */
  private end(listener: BoardListener, revoked: boolean): void {
    if (!this.entries.has(listener)) return;
    this.detach(listener);
    try {
      if (revoked) listener.send(encoder.encode("event: revoked\ndata: {}\n\n"));
      listener.close();
    } catch {
      // the client went away meanwhile
    }
  }

  /** Fail closed: a board whose check says no, throws, or is still unanswered from the last round is ended. */
  private checkAccess(): void {
    for (const entry of [...this.entries.values()]) {
      const { listener } = entry;
      if (!listener.stillAllowed) continue;
      if (entry.checking) {
        this.deps.log?.("[board] access check did not answer in time; ending the stream");
        this.end(listener, false);
        continue;
      }
      entry.checking = true;
      let check: Promise<boolean>;
      try {
        check = listener.stillAllowed();
      } catch (err) {
        check = Promise.reject(err);
      }
      void check.then(
        (ok) => {
          entry.checking = false;
          if (!ok) this.end(listener, true);
        },
        (err: unknown) => {
          entry.checking = false;
          this.deps.log?.(`[board] access check failed, ending the stream: ${String(err)}`);
          this.end(listener, false);
        },
      );
    }
  }

  private load(state: ScopeState): Promise<Loaded> {
    if (state.inFlight) return state.inFlight;
    // A load starting now covers every change announced before it: one waiting for its turn need not run again.
    if (state.pending) {
      clearTimeout(state.pending);
      state.pending = null;
    }
    const startedAt = this.now();
    state.lastLoadAt = startedAt;
    this.loads += 1;
    const run = this.deps.load(state.scope).then((data) => {
      state.lastLoadMs = this.now() - startedAt;
      state.lastLoadFailed = false;
      const generation = ++this.generation;
      const bytes = sseData(data, generation);
      state.cache = { bytes, generation, at: this.now(), data };
      return { bytes, generation, data };
    });
    state.inFlight = run;
    void run.then(
      () => this.afterLoad(state, run),
      () => {
        state.lastLoadFailed = true;
        this.afterLoad(state, run);
      },
    );
    return run;
  }

  private afterLoad(state: ScopeState, run: Promise<unknown>): void {
    if (state.inFlight === run) state.inFlight = null;
    if (state.dirty) {
      state.dirty = false;
      this.schedule(state);
    }
  }

  private async refresh(state: ScopeState): Promise<void> {
    this.lastRefreshAt = this.now();
    try {
      const { bytes, generation } = await this.load(state);
      this.broadcast(state, bytes, generation);
    } catch (err) {
      this.deps.log?.(`[board] load failed: ${String(err)}`);
    }
  }

  private async initial(entry: Entry, state: ScopeState): Promise<void> {
    // The open boards' data when it may stand (a change waiting is loaded on its schedule and broadcast
    // to this board too); else a load, which is the newest data for every board of the scope.
    const cached = this.liveCache(state);
    if (cached) {
      this.deliver(entry, cached.bytes, cached.generation);
      return;
    }
    const { bytes, generation } = await this.load(state);
    this.broadcast(state, bytes, generation);
  }

  /** Data of one scope to that scope's boards, never older than what a board already has. */
  private broadcast(state: ScopeState, bytes: Uint8Array, generation: number): void {
    for (const entry of [...this.entries.values()]) {
      if (this.scopes.get(entry.scopeKey) === state) this.deliver(entry, bytes, generation);
    }
  }

  /** `generation` null: a heartbeat; otherwise data. */
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
export function redisSubscribe(onMessage: (message: string) => void, onResync: () => void, onLink?: (up: boolean) => void): Promise<() => Promise<void>> {
  const sub = createRedis("subscriber");
  const channel = boardChannel();
  let readyOnce = false;
  sub.on("message", (ch: string, message: string) => {
    if (ch === channel) onMessage(message);
  });
  sub.on("ready", () => {
    if (readyOnce) {
      onLink?.(true);
      onResync();
    }
    readyOnce = true;
  });
  // Lost (Redis stopped, network): ioredis reconnects by itself; meanwhile the boards must not claim to be live.
  sub.on("close", () => {
    if (readyOnce) onLink?.(false);
  });
  sub.on("error", (err: Error) => console.error(`[board] redis: ${err.message}`));
  return sub.subscribe(channel).then(() => async () => {
    sub.removeAllListeners("message");
    sub.removeAllListeners("ready");
    sub.removeAllListeners("close");
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
      load: (scope) => getBoardData({ now: new Date(), scope }),
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

/** A cap with the sentence a refused client gets (429). */
export type StreamLimit = StreamCap & { message: string };

/**
 * A `text/event-stream` response attached to the hub, or a 429 when one of `limits` is full. The
 * stream ends on client abort, on cancel, when its access check says no or fails, or at shutdown —
 * each path detaches it exactly once (and gives back its place under the caps).
 */
export function boardEventStream({
  signal,
  stillAllowed,
  scope,
  limits = [],
  hub = getBoardHub(),
}: {
  signal: AbortSignal;
  stillAllowed?: () => Promise<boolean>;
  scope?: BoardScope;
  limits?: readonly StreamLimit[];
  hub?: BoardHub;
}): Response {
  // Checked and taken with no await in between (the stream's start runs synchronously): two requests
  // racing for the last place cannot both get it.
  const full = hub.fullCap(limits);
  if (full) return tooManyStreams(limits.find((l) => l.key === full.key)?.message ?? "Too many open boards.");
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
          scope,
          holds: limits.map((l) => l.key),
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

/** The answer when a cap is full: the browser's board waits and asks again later. */
export function tooManyStreams(message: string): Response {
  return new Response(message, { status: 429, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", "Retry-After": "30" } });
}
