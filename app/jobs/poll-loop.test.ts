import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PollLoop, type PollLoopOptions, type RunOutcome } from "./poll-loop";

/** A unit of work that stays running until settled, recording when each run started (fake clock). */
function gatedWork() {
  const calls: { at: number; settle: (outcome: RunOutcome) => void; fail: (e: Error) => void }[] = [];
  const run = () =>
    new Promise<RunOutcome>((resolve, reject) => {
      calls.push({ at: Date.now(), settle: resolve, fail: reject });
    });
  return { run, calls };
}

function loopOf(run: () => Promise<RunOutcome>, opts: Partial<PollLoopOptions> = {}) {
  const errors: string[] = [];
  const loop = new PollLoop({
    run,
    gapMs: 100,
    pollMs: 1_000,
    retryMs: 500,
    onError: (err, failures) => errors.push(`${failures}: ${(err as Error).message}`),
    ...opts,
  });
  return { loop, errors };
}

describe("PollLoop", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("after a run that did something runs again one gap later; after 'more' at once", async () => {
    const { run, calls } = gatedWork();
    const { loop } = loopOf(run);
    loop.start();
    expect(calls).toHaveLength(1);
    calls[0]!.settle("some");
    await vi.advanceTimersByTimeAsync(99);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.at)).toEqual([0, 100]);
    calls[1]!.settle("more");
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.at)).toEqual([0, 100, 100]);
    calls[2]!.settle("none");
    await vi.advanceTimersByTimeAsync(0);
    await loop.stop();
  });

  it("polls when idle, backing off when pollMs is a function of the idle runs in a row", async () => {
    // Each run ends at once with the next scripted outcome.
    const script: RunOutcome[] = ["none", "none", "none", "none", "none", "some", "none", "none"];
    const at: number[] = [];
    const { loop } = loopOf(async () => {
      at.push(Date.now());
      return script[at.length - 1] ?? "none";
    }, { pollMs: (idle) => Math.min(100 * 2 ** idle, 1_000) });
    loop.start();
    await vi.advanceTimersByTimeAsync(3_900);
    await loop.stop();
    // Waits of 200, 400, 800, 1000, 1000 ms after the idle runs; the gap (100) after work; then the
    // backoff starts over at 200, 400.
    expect(at).toEqual([0, 200, 600, 1_400, 2_400, 3_400, 3_500, 3_700]);
  });

  it("does not poll before start(); a kick runs at once when idle and cuts a poll wait short", async () => {
    const { run, calls } = gatedWork();
    const { loop } = loopOf(run, { pollMs: 10_000 });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls).toHaveLength(0);
    loop.kick();
    expect(calls.map((c) => c.at)).toEqual([30_000]);
    calls[0]!.settle("none");
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls).toHaveLength(1); // kicked only: no poll

    loop.start(); // long past the gap: runs now
    expect(calls.map((c) => c.at)).toEqual([30_000, 60_000]);
    calls[1]!.settle("none");
    await vi.advanceTimersByTimeAsync(3_000);
    expect(calls).toHaveLength(2); // waiting for the poll at 70,000
    loop.kick();
    expect(calls.map((c) => c.at)).toEqual([30_000, 60_000, 63_000]);
    // A kick soon after a run waits for the gap.
    calls[2]!.settle("none");
    await vi.advanceTimersByTimeAsync(40);
    loop.kick();
    await vi.advanceTimersByTimeAsync(59);
    expect(calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.at).at(-1)).toBe(63_100);
    calls[3]!.settle("none");
    await loop.stop();
  });

  it("kicks during a run become one run after it, a gap after its end", async () => {
    const { run, calls } = gatedWork();
    const { loop } = loopOf(run, { pollMs: 10_000 });
    loop.kick();
    for (let i = 0; i < 20; i++) loop.kick();
    await vi.advanceTimersByTimeAsync(50);
    calls[0]!.settle("none");
    await vi.advanceTimersByTimeAsync(500);
    expect(calls.map((c) => c.at)).toEqual([0, 150]);
    calls[1]!.settle("none");
    await vi.advanceTimersByTimeAsync(20_000);
    expect(calls).toHaveLength(2);
    expect(loop.runs).toBe(2);
  });

  it("backs off by retryMs after an error, reports failures in a row, and recovers", async () => {
    const { run, calls } = gatedWork();
    const { loop, errors } = loopOf(run);
    loop.start();
    calls[0]!.fail(new Error("connection refused"));
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toEqual(["1: connection refused"]);
    // A kick does not shorten the retry wait.
    loop.kick();
    await vi.advanceTimersByTimeAsync(499);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.at)).toEqual([0, 500]);
    calls[1]!.fail(new Error("connection refused"));
    await vi.advanceTimersByTimeAsync(500);
    expect(errors).toEqual(["1: connection refused", "2: connection refused"]);
    // Recovered: back to the gap after work and the poll when idle; the count starts over.
    calls[2]!.settle("some");
    await vi.advanceTimersByTimeAsync(100);
    calls[3]!.settle("none");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls.map((c) => c.at)).toEqual([0, 500, 1_000, 1_100, 2_100]);
    calls[4]!.fail(new Error("timeout"));
    await vi.advanceTimersByTimeAsync(0);
    expect(errors.at(-1)).toBe("1: timeout");
    await loop.stop();
  });

  it("stop() waits for the running unit, and no run starts after it", async () => {
    const { run, calls } = gatedWork();
    const { loop } = loopOf(run);
    loop.start();
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    loop.kick();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(stopped).toBe(false);
    calls[0]!.settle("more"); // even with more to do
    await stopping;
    expect(stopped).toBe(true);
    loop.kick();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toHaveLength(1);
  });

  it("stop() cancels a waiting run", async () => {
    const { run, calls } = gatedWork();
    const { loop } = loopOf(run);
    loop.start();
    calls[0]!.fail(new Error("down"));
    await vi.advanceTimersByTimeAsync(0);
    await loop.stop(); // the retry was waiting
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toHaveLength(1);
    await loop.idle();
  });
});
