import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { BoardScope } from "~/domain/board-links";
import type { BoardData } from "~/contracts/board";
import { BoardHub, boardEventStream, type BoardListener } from "./board-hub.server";

// The hub with a fake subscription and a counting loader: coalescing, fan-out and cleanup, no Redis.
function board(n: number): BoardData {
  return { generatedAt: new Date(1_800_000_000_000 + n).toISOString() } as BoardData;
}

function setup(opts: { loadMs?: number } = {}) {
  let publish: (m: string) => void = () => {};
  let resync: () => void = () => {};
  let link: (up: boolean) => void = () => {};
  const subscriptions = { open: 0, opened: 0 };
  let n = 0;
  const load = vi.fn(async () => {
    if (opts.loadMs) await new Promise((r) => setTimeout(r, opts.loadMs));
    return board(++n);
  });
  const hub = new BoardHub({
    subscribe: async (onMessage, onResync, onLink) => {
      publish = onMessage;
      resync = onResync;
      link = onLink ?? (() => {});
      subscriptions.open += 1;
      subscriptions.opened += 1;
      return async () => {
        subscriptions.open -= 1;
      };
    },
    load,
    minIntervalMs: 250,
    heartbeatMs: 15_000,
    refreshEveryMs: 60_000,
  });
  return { hub, load, subscriptions, publish: (m = '{"kind":"finished"}') => publish(m), resync: () => resync(), link: (up: boolean) => link(up) };
}

function recorder(): BoardListener & { texts: string[]; closed: boolean } {
  const decoder = new TextDecoder();
  const l = {
    texts: [] as string[],
    closed: false,
    send(chunk: Uint8Array) {
      l.texts.push(decoder.decode(chunk));
    },
    close() {
      l.closed = true;
    },
  };
  return l;
}
const dataMessages = (l: { texts: string[] }) => l.texts.filter((t) => t.includes("data: {"));

describe("BoardHub", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sends a new board its data at once, one subscription for many boards, and closes it with the last", async () => {
    const { hub, subscriptions, load } = setup();
    const a = recorder();
    const b = recorder();
    const detachA = hub.attach(a);
    const detachB = hub.attach(b);
    await vi.advanceTimersByTimeAsync(0);
    expect(subscriptions).toEqual({ open: 1, opened: 1 });
    expect(load).toHaveBeenCalledTimes(1); // the second board shared the first one's load
    expect(dataMessages(a)).toHaveLength(1);
    expect(dataMessages(b)).toHaveLength(1);
    expect(dataMessages(a)[0]).toMatch(/^id: 1\ndata: \{"generatedAt":/);
    detachA();
    expect(hub.subscribed).toBe(true);
    detachB();
    await vi.advanceTimersByTimeAsync(0);
    expect(hub.listenerCount).toBe(0);
    expect(hub.subscribed).toBe(false);
    expect(hub.timersActive).toBe(0);
    expect(subscriptions.open).toBe(0);
  });

  it("coalesces a burst of changes into at most one load per 250 ms, pushed to every board", async () => {
    const { hub, load, publish } = setup();
    const boards = Array.from({ length: 50 }, () => recorder());
    boards.forEach((l) => hub.attach(l));
    await vi.advanceTimersByTimeAsync(300);
    expect(load).toHaveBeenCalledTimes(1);
    // 200 changes over one second.
    for (let i = 0; i < 200; i++) {
      publish();
      await vi.advanceTimersByTimeAsync(5);
    }
    await vi.advanceTimersByTimeAsync(300);
    const loads = load.mock.calls.length - 1;
    expect(loads).toBeGreaterThanOrEqual(4);
    expect(loads).toBeLessThanOrEqual(5);
    // Every board got each load exactly once, and the last one reflects the last change.
    for (const l of boards) expect(dataMessages(l)).toHaveLength(1 + loads);
    expect(hub.loads).toBe(load.mock.calls.length);
  });

  it("spaces its loads when the database is slow: at most a quarter of the time loading, never more than 2 s apart", async () => {
    const { hub, load, publish } = setup({ loadMs: 200 });
    const l = recorder();
    hub.attach(l);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(load).toHaveBeenCalledTimes(1);
    // A change every 20 ms for 8 s: 200 ms loads, so one per 800 ms (not one per 250 ms).
    for (let i = 0; i < 400; i++) {
      publish();
      await vi.advanceTimersByTimeAsync(20);
    }
    await vi.advanceTimersByTimeAsync(1_000);
    const loads = load.mock.calls.length - 1;
    expect(loads).toBeGreaterThanOrEqual(9);
    expect(loads).toBeLessThanOrEqual(11);
    // The last change is still shown: a load followed it.
    expect(dataMessages(l)).toHaveLength(1 + loads);
  });

  it("a very slow database still gets a change onto the boards within 2 s of the last load", async () => {
    const { hub, load, publish } = setup({ loadMs: 1_500 });
    const l = recorder();
    hub.attach(l);
    await vi.advanceTimersByTimeAsync(1_600);
    expect(load).toHaveBeenCalledTimes(1);
    publish(); // the last load began at 0: the next may begin at 2 s (not at 6 s = 1.5 s / 0.25)
    await vi.advanceTimersByTimeAsync(300);
    expect(load).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("a change during a slow load is not lost: one more load follows", async () => {
    const { hub, load, publish } = setup({ loadMs: 400 });
    const l = recorder();
    hub.attach(l);
    await vi.advanceTimersByTimeAsync(500);
    publish(); // 400 ms loads: the next begins 1.6 s after the last began (a quarter of the time loading)
    await vi.advanceTimersByTimeAsync(1_200); // load 2 in flight (1.6–2.0 s)
    expect(load).toHaveBeenCalledTimes(2);
    publish();
    publish();
    await vi.advanceTimersByTimeAsync(4_000);
    expect(load).toHaveBeenCalledTimes(3);
    expect(dataMessages(l)).toHaveLength(3);
  });

  it("reloads after the subscription reconnects (messages may have been missed)", async () => {
    const { hub, load, resync } = setup();
    hub.attach(recorder());
    await vi.advanceTimersByTimeAsync(300);
    resync();
    await vi.advanceTimersByTimeAsync(300);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("tells every board when Redis is lost and when it is back (then reloads); a board opened meanwhile hears it too", async () => {
    const { hub, load, link } = setup();
    const a = recorder();
    hub.attach(a);
    await vi.advanceTimersByTimeAsync(300);
    link(false);
    expect(a.texts.at(-1)).toBe('event: link\ndata: {"up":false}\n\n');
    const b = recorder();
    hub.attach(b);
    await vi.advanceTimersByTimeAsync(300);
    expect(b.texts.filter((t) => t.startsWith("event: link"))).toEqual(['event: link\ndata: {"up":false}\n\n']);
    link(false); // said once, not again
    expect(a.texts.filter((t) => t.startsWith("event: link"))).toHaveLength(1);
    const loadsBefore = load.mock.calls.length;
    link(true);
    expect(a.texts.at(-1)).toBe('event: link\ndata: {"up":true}\n\n');
    await vi.advanceTimersByTimeAsync(300);
    expect(load.mock.calls.length).toBe(loadsBefore + 1);
    expect(b.texts.filter((t) => t.startsWith("event: link"))).toHaveLength(2);
  });

  it("heartbeats every 15 s and refreshes at least once a minute without changes", async () => {
    const { hub, load } = setup();
    const l = recorder();
    hub.attach(l);
    await vi.advanceTimersByTimeAsync(60_500);
    expect(l.texts.filter((t) => t.startsWith(": heartbeat"))).toHaveLength(4);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("ends a token board whose token was revoked, with a revoked event", async () => {
    const { hub } = setup();
    let allowed = true;
    const tv = Object.assign(recorder(), { stillAllowed: async () => allowed });
    hub.attach(tv);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(tv.closed).toBe(false);
    allowed = false;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(tv.closed).toBe(true);
    expect(tv.texts.at(-1)).toBe("event: revoked\ndata: {}\n\n");
    expect(hub.listenerCount).toBe(0);
  });

  it("fails closed: a board whose access check throws (a database error) is ended, not kept open", async () => {
    const { hub } = setup();
    let failing = false;
    const tv = Object.assign(recorder(), {
      stillAllowed: async () => {
        if (failing) throw new Error("connection terminated unexpectedly");
        return true;
      },
    });
    hub.attach(tv);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(tv.closed).toBe(false);
    failing = true;
    await vi.advanceTimersByTimeAsync(15_000);
    expect(tv.closed).toBe(true);
    // Not "revoked": the browser reconnects and is checked afresh (the probe refuses while the database is down).
    expect(tv.texts.some((t) => t.startsWith("event: revoked"))).toBe(false);
    expect(hub.listenerCount).toBe(0);
  });

  it("fails closed: a board whose access check does not answer by the next check is ended", async () => {
    const { hub } = setup();
    const tv = Object.assign(recorder(), { stillAllowed: () => new Promise<boolean>(() => {}) });
    hub.attach(tv);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(tv.closed).toBe(true);
    expect(hub.listenerCount).toBe(0);
  });

  it("checks access every 5 s by default, so a revoked or expired link goes dark within seconds", async () => {
    const { hub } = setup();
    let allowed = true;
    const tv = Object.assign(recorder(), { stillAllowed: async () => allowed });
    hub.attach(tv);
    await vi.advanceTimersByTimeAsync(1_000);
    allowed = false;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(tv.closed).toBe(true);
  });

  it("loads each scope (set of companies) separately: a board never gets another scope's data", async () => {
    const scopes: (BoardScope | undefined)[] = [];
    const hub = new BoardHub({
      subscribe: async () => async () => {},
      load: async (scope) => {
        scopes.push(scope);
        return { generatedAt: new Date().toISOString(), day: scope?.companyIds.join("+") ?? "all" } as BoardData;
      },
    });
    const a1 = Object.assign(recorder(), { scope: { companyIds: ["A"] } });
    const a2 = Object.assign(recorder(), { scope: { companyIds: ["A"] } });
    const ab = Object.assign(recorder(), { scope: { companyIds: ["B", "A"] } });
    [a1, a2, ab].forEach((l) => hub.attach(l));
    await vi.advanceTimersByTimeAsync(0);
    expect(scopes.map((s) => s?.companyIds.join("+"))).toEqual(["A", "B+A"]); // two scopes, two loads
    const days = (l: { texts: string[] }) => dataMessages(l).map((t) => (JSON.parse(t.split("data: ")[1]!) as BoardData).day);
    expect(days(a1)).toEqual(["A"]);
    expect(days(a2)).toEqual(["A"]);
    expect(days(ab)).toEqual(["B+A"]);
    hub.changed();
    await vi.advanceTimersByTimeAsync(300);
    expect(days(a1)).toEqual(["A", "A"]);
    expect(days(ab)).toEqual(["B+A", "B+A"]);
    await hub.closeAll();
    expect(hub.timersActive).toBe(0);
  });

  it("forPage(): a page opened in a scope with live boards gets what they were sent, without a load; another scope's never; Redis lost: a load", async () => {
    const { hub, load, publish, link } = setup();
    const scopeA: BoardScope = { companyIds: ["co-a"] };
    expect(await hub.forPage(undefined)).toBeNull(); // no board open: the page loads by itself
    const open = recorder();
    hub.attach(open);
    await vi.advanceTimersByTimeAsync(0);
    expect(await hub.forPage(undefined)).toEqual(board(1));
    expect(await hub.forPage(scopeA)).toBeNull(); // no board of that scope
    expect(load).toHaveBeenCalledTimes(1);
    // A change announced: the page gets what the open boards show; the change's load follows on its schedule.
    publish();
    expect(await hub.forPage(undefined)).toEqual(board(1));
    await vi.advanceTimersByTimeAsync(300);
    expect(load).toHaveBeenCalledTimes(2);
    expect(await hub.forPage(undefined)).toEqual(board(2));
    // Redis lost: the boards are not live, neither is the cache; the page's load goes to the open boards too.
    link(false);
    expect(await hub.forPage(undefined)).toEqual(board(3));
    expect(dataMessages(open).at(-1)).toContain(board(3).generatedAt);
    link(true);
    await vi.advanceTimersByTimeAsync(300);
    expect(await hub.forPage(undefined)).toEqual(board(4));
    expect(load).toHaveBeenCalledTimes(4);
    // Older than the refresh period (no change for a minute): loaded afresh.
    vi.setSystemTime(Date.now() + 60_000);
    expect(await hub.forPage(undefined)).toEqual(board(5));
    await hub.closeAll();
  });

  it("forPage() while a change waits: the cache only while it is under 2 s old; then the page shares the boards' load", async () => {
    const { hub, load, publish } = setup({ loadMs: 1_500 });
    const open = recorder();
    hub.attach(open);
    await vi.advanceTimersByTimeAsync(1_500); // load 1 began at 0, ended at 1.5 s
    expect(await hub.forPage(undefined)).toEqual(board(1));
    await vi.advanceTimersByTimeAsync(1_000); // 2.5 s: nothing waits, the cache (1 s old) stands
    expect(await hub.forPage(undefined)).toEqual(board(1));
    publish(); // load 2 begins at once (2 s after load 1 began) and runs 1.5 s
    await vi.advanceTimersByTimeAsync(0);
    expect(load).toHaveBeenCalledTimes(2);
    expect(await hub.forPage(undefined)).toEqual(board(1)); // 1 s old
    await vi.advanceTimersByTimeAsync(1_000); // 3.5 s: the cache is 2 s old, load 2 still runs: the page waits for it
    let page: unknown = "waiting";
    void hub.forPage(undefined).then((d) => (page = d));
    await vi.advanceTimersByTimeAsync(400);
    expect(page).toBe("waiting");
    await vi.advanceTimersByTimeAsync(100);
    expect(page).toEqual(board(2));
    expect(load).toHaveBeenCalledTimes(2);
    expect(dataMessages(open)).toHaveLength(2);
    await hub.closeAll();
  });

  it("forPage() after a failed load: the cache no longer than 2 s (the change it missed is not on it), then the page's own load", async () => {
    let fail = false;
    let n = 0;
    let publishChange = () => {};
    const hub = new BoardHub({
      subscribe: async (onMessage) => {
        publishChange = () => onMessage("{}");
        return async () => {};
      },
      load: async () => {
        if (fail) throw new Error("database gone");
        return board(++n);
      },
    });
    hub.attach(recorder());
    await vi.advanceTimersByTimeAsync(0);
    expect(await hub.forPage(undefined)).toEqual(board(1));
    fail = true;
    publishChange();
    await vi.advanceTimersByTimeAsync(300); // the load failed: nothing is pending, but the change is not on the cache
    expect(await hub.forPage(undefined)).toEqual(board(1));
    await vi.advanceTimersByTimeAsync(2_000);
    await expect(hub.forPage(undefined)).rejects.toThrow("database gone"); // the page's error page ("try again")
    fail = false;
    expect(await hub.forPage(undefined)).toEqual(board(2));
    publishChange();
    await vi.advanceTimersByTimeAsync(300);
    expect(await hub.forPage(undefined)).toEqual(board(3));
    await hub.closeAll();
  });

  it("a board opened while others are live gets their data at once, without a load of its own; a waiting change follows on its schedule", async () => {
    const { hub, load, publish } = setup();
    const first = recorder();
    hub.attach(first);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(load).toHaveBeenCalledTimes(1);
    const second = recorder();
    hub.attach(second); // 10 s after the last load, nothing changed since: the boards' data stands
    await vi.advanceTimersByTimeAsync(0);
    expect(load).toHaveBeenCalledTimes(1);
    expect(dataMessages(second)).toEqual(dataMessages(first));
    publish();
    await vi.advanceTimersByTimeAsync(0); // loaded at once (the last load is 10 s old)
    expect(load).toHaveBeenCalledTimes(2);
    publish(); // the next load waits 250 ms
    const third = recorder();
    hub.attach(third); // a change waits: the third gets what the others show at once, then the load with everyone
    expect(dataMessages(third)).toEqual(dataMessages(first).slice(-1));
    await vi.advanceTimersByTimeAsync(300);
    expect(load).toHaveBeenCalledTimes(3);
    expect(dataMessages(third)).toHaveLength(2);
    expect(dataMessages(first)).toHaveLength(3);
    expect(dataMessages(third)[1]).toEqual(dataMessages(first)[2]);
    // A change waiting on data older than 2 s: the new board does not get it; it loads at once, for every board.
    vi.setSystemTime(Date.now() + 5_000);
    publish();
    const fourth = recorder();
    hub.attach(fourth);
    expect(dataMessages(fourth)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(dataMessages(fourth)).toHaveLength(1);
    expect(load).toHaveBeenCalledTimes(4); // the waiting change is on the fourth board's load: no second load
    for (const l of [first, second, third]) expect(dataMessages(l).at(-1)).toEqual(dataMessages(fourth)[0]);
    await hub.closeAll();
  });

  it("drops a board whose send throws, keeps the others", async () => {
    const { hub, publish } = setup();
    const good = recorder();
    hub.attach({ send: () => { throw new Error("gone"); }, close: () => {} });
    hub.attach(good);
    await vi.advanceTimersByTimeAsync(300);
    expect(hub.listenerCount).toBe(1);
    publish();
    await vi.advanceTimersByTimeAsync(300);
    expect(dataMessages(good)).toHaveLength(2);
  });
});

describe("boardEventStream", () => {
  it("streams retry hint and data; abort detaches and closes; many streams leave nothing behind", async () => {
    const { hub, subscriptions } = setup();
    const controllers = Array.from({ length: 100 }, () => new AbortController());
    const responses = controllers.map((c) => boardEventStream({ signal: c.signal, hub }));
    expect(responses[0]!.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
    expect(hub.listenerCount).toBe(100);
    const reader = responses[0]!.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^retry: \d+\n/);
    const second = new TextDecoder().decode((await reader.read()).value);
    expect(second).toMatch(/^id: 1\ndata: /);
    controllers.forEach((c) => c.abort());
    expect(hub.listenerCount).toBe(0);
    expect(hub.timersActive).toBe(0);
    await new Promise((r) => setTimeout(r, 0));
    expect(subscriptions.open).toBe(0);
    expect(await reader.read()).toEqual({ done: true, value: undefined });
    // A stream cancelled by its reader detaches too.
    const r2 = boardEventStream({ signal: new AbortController().signal, hub });
    expect(hub.listenerCount).toBe(1);
    await r2.body!.cancel();
    expect(hub.listenerCount).toBe(0);
  });
});

describe("stream caps", () => {
  const limits = (user: string, address: string) => [
    { key: `user:${user}`, max: 2, message: "Too many open wall boards for this account (at most 2)." },
    { key: `address:${address}`, max: 3, message: "Too many open wall boards from this address (at most 3)." },
  ];

  it("refuses a stream over the per-user cap with a 429 and a clear message; a closed one gives its place back", async () => {
    const { hub } = setup();
    const a = new AbortController();
    const b = new AbortController();
    expect(boardEventStream({ signal: a.signal, hub, limits: limits("u1", "10.0.0.1") }).status).toBe(200);
    expect(boardEventStream({ signal: b.signal, hub, limits: limits("u1", "10.0.0.2") }).status).toBe(200);
    const refused = boardEventStream({ signal: new AbortController().signal, hub, limits: limits("u1", "10.0.0.3") });
    expect(refused.status).toBe(429);
    expect(await refused.text()).toBe("Too many open wall boards for this account (at most 2).");
    expect(hub.listenerCount).toBe(2);
    a.abort();
    expect(hub.holding("user:u1")).toBe(1);
    expect(boardEventStream({ signal: new AbortController().signal, hub, limits: limits("u1", "10.0.0.3") }).status).toBe(200);
    await hub.closeAll();
    expect(hub.holding("user:u1")).toBe(0);
  });

  it("refuses a stream over the per-address cap, whoever asks", async () => {
    const { hub } = setup();
    for (const user of ["u1", "u2", "u3"]) expect(boardEventStream({ signal: new AbortController().signal, hub, limits: limits(user, "10.0.0.9") }).status).toBe(200);
    const refused = boardEventStream({ signal: new AbortController().signal, hub, limits: limits("u4", "10.0.0.9") });
    expect(refused.status).toBe(429);
    expect(await refused.text()).toMatch(/from this address/);
    expect(boardEventStream({ signal: new AbortController().signal, hub, limits: limits("u4", "10.0.0.10") }).status).toBe(200);
    await hub.closeAll();
  });

  it("a board ended by its access check gives its place back", async () => {
    vi.useFakeTimers();
    try {
      const { hub } = setup();
      let allowed = true;
      boardEventStream({ signal: new AbortController().signal, hub, limits: limits("u1", "10.0.0.1"), stillAllowed: async () => allowed });
      expect(hub.holding("user:u1")).toBe(1);
      allowed = false;
      await vi.advanceTimersByTimeAsync(15_000);
      expect(hub.holding("user:u1")).toBe(0);
      expect(hub.holding("address:10.0.0.1")).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
