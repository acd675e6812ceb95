import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RollupFlusher } from "./rollup-flusher";

/** A flush that stays running until released, counting its calls. */
function gatedFlush() {
  const calls: { release: () => void; fail: (e: Error) => void }[] = [];
  const flush = () =>
    new Promise<void>((resolve, reject) => {
      calls.push({ release: resolve, fail: reject });
    });
  return { flush, calls };
}

describe("RollupFlusher", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("flushes at once when idle, and kicks during a flush become one flush after it", async () => {
    const { flush, calls } = gatedFlush();
    const f = new RollupFlusher({ flush, minGapMs: 250 });
    f.kick();
    expect(calls).toHaveLength(1);
    for (let i = 0; i < 20; i++) f.kick();
    expect(calls).toHaveLength(1);
    calls[0]!.release();
    await vi.advanceTimersByTimeAsync(0);
    // The next one waits for the gap after the end of the first.
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(249);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    calls[1]!.release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toHaveLength(2); // nothing asked for since
    expect(f.flushes).toBe(2);
  });

  it("retries a failed flush after retryMs without being kicked, and logs it", async () => {
    const { flush, calls } = gatedFlush();
    const log = vi.fn();
    const f = new RollupFlusher({ flush, minGapMs: 100, retryMs: 2_000, log });
    f.kick();
    calls[0]!.fail(new Error("connection refused"));
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toHaveBeenCalledWith(expect.stringContaining("connection refused"));
    await vi.advanceTimersByTimeAsync(1_999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    calls[1]!.release();
    await vi.advanceTimersByTimeAsync(0);
    // Back to the short gap after a success.
    f.kick();
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toHaveLength(3);
    calls[2]!.release();
  });

  it("polls while started, and stop() ends the poll and waits for the running flush", async () => {
    const { flush, calls } = gatedFlush();
    const f = new RollupFlusher({ flush, minGapMs: 10, pollMs: 1_000 });
    f.start();
    expect(calls).toHaveLength(1);
    calls[0]!.release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toHaveLength(2);
    let stopped = false;
    const stopping = f.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    calls[1]!.release();
    await stopping;
    await vi.advanceTimersByTimeAsync(5_000);
    f.kick();
    expect(calls).toHaveLength(2);
  });
});
