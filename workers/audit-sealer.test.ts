import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startAuditSealer } from "./audit-sealer";

describe("startAuditSealer's schedule", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A seal that returns the scripted counts in turn (a string throws it), recording when it ran. */
  function scriptedSeal(script: (number | string)[]) {
    const at: number[] = [];
    const seal = async (batchSize: number) => {
      expect(batchSize).toBe(10);
      at.push(Date.now());
      const next = script[at.length - 1] ?? 0;
      if (typeof next === "string") throw new Error(next);
      return next;
    };
    return { seal, at };
  }

  it("seals a full batch's successor at once, a partial one's after the interval, and backs off to 10× when idle", async () => {
    const { seal, at } = scriptedSeal([10, 10, 3, 0, 0, 0, 0, 0, 7, 0]);
    const sealer = startAuditSealer({ intervalMs: 100, batchSize: 10, seal, log: () => undefined });
    await vi.advanceTimersByTimeAsync(5_000);
    await sealer.stop();
    // The waits before each seal ("at once" is a zero timeout: under 2 ms): two full batches, then a
    // partial one's interval, the idle backoff capped at 10×, a partial one, and the backoff from the start.
    const waits = at.slice(1).map((t, i) => t - at[i]!);
    expect(waits.map((w) => (w < 2 ? 0 : w))).toEqual([0, 0, 100, 200, 400, 800, 1_000, 1_000, 100, 200, 400]);
  });

  it("retries after 10× the interval when sealing fails, saying each distinct failure once", async () => {
    const { seal, at } = scriptedSeal(["db down", "db down", "db down", "timeout", 2, "db down"]);
    const log = vi.fn();
    const sealer = startAuditSealer({ intervalMs: 100, batchSize: 10, seal, log });
    await vi.advanceTimersByTimeAsync(4_200);
    await sealer.stop();
    expect(at).toEqual([0, 1_000, 2_000, 3_000, 4_000, 4_100]);
    expect(log.mock.calls.map(([line]) => line)).toEqual([
      "[audit-sealer] sealing failed, will retry: db down",
      "[audit-sealer] sealing failed, will retry: timeout",
      "[audit-sealer] sealing failed, will retry: db down",
    ]);
  });

  it("stop() waits for the batch in flight and seals no more", async () => {
    let release!: (n: number) => void;
    let calls = 0;
    const seal = () => {
      calls += 1;
      return new Promise<number>((r) => (release = r));
    };
    const sealer = startAuditSealer({ intervalMs: 100, batchSize: 10, seal, log: () => undefined });
    let stopped = false;
    const stopping = sealer.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(500);
    expect(stopped).toBe(false);
    release(10);
    await stopping;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toBe(1);
  });
});
