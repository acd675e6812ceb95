import { describe, expect, it } from "vitest";
import { createBatcher } from "./batcher";

/** A runBatch whose calls wait until the test lets them go, recording each batch. */
function gate<I>() {
  const batches: I[][] = [];
  const releases: (() => void)[] = [];
  const runBatch = async (items: I[]) => {
    batches.push(items);
    await new Promise<void>((r) => releases.push(r));
    return items.map((i) => `done ${String(i)}`);
  };
  const releaseAll = async () => {
    while (releases.length > 0) releases.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { batches, runBatch, releaseAll };
}

describe("batcher", () => {
  it("runs an item at once when a slot is free, and gathers what arrives while every slot is busy", async () => {
    const g = gate<number>();
    const b = createBatcher({ maxBatch: 10, maxInFlight: 1, runBatch: g.runBatch });
    const first = b.add(1);
    expect(g.batches).toEqual([[1]]);
    const rest = [2, 3, 4].map((i) => b.add(i));
    expect(b.pending).toBe(3);
    await g.releaseAll();
    expect(await first).toBe("done 1");
    expect(g.batches).toEqual([[1], [2, 3, 4]]);
    await g.releaseAll();
    expect(await Promise.all(rest)).toEqual(["done 2", "done 3", "done 4"]);
    expect(b.stats()).toEqual({ batches: 2, items: 4, largest: 3, retriedAlone: 0 });
    expect(b.inFlight).toBe(0);
  });

  it("keeps to maxBatch and maxInFlight", async () => {
    const g = gate<number>();
    const b = createBatcher({ maxBatch: 2, maxInFlight: 2, runBatch: g.runBatch });
    const all = Array.from({ length: 7 }, (_, i) => b.add(i));
    expect(g.batches).toEqual([[0], [1]]);
    expect(b.inFlight).toBe(2);
    await g.releaseAll();
    expect(g.batches.slice(2)).toEqual([[2, 3], [4, 5]]);
    await g.releaseAll();
    await g.releaseAll();
    expect(g.batches.slice(4)).toEqual([[6]]);
    expect(await Promise.all(all)).toHaveLength(7);
  });

  it("never puts two items of one key in a batch: the later waits for the next", async () => {
    const g = gate<string>();
    const b = createBatcher({ maxBatch: 10, maxInFlight: 1, runBatch: g.runBatch, key: (s) => s.split(":")[0]! });
    const items = ["a:1", "a:2", "b:1", "a:3", "c:1"].map((s) => b.add(s));
    await g.releaseAll();
    await g.releaseAll();
    await g.releaseAll();
    await g.releaseAll();
    await Promise.all(items);
    expect(g.batches).toEqual([["a:1"], ["a:2", "b:1", "c:1"], ["a:3"]]);
  });

  it("runs a failed batch again one item at a time, so only the bad item fails", async () => {
    const seen: number[][] = [];
    let hold: (() => void) | undefined;
    const b = createBatcher<number, number>({
      maxBatch: 10,
      maxInFlight: 1,
      runBatch: async (items) => {
        seen.push(items);
        if (items[0] === 0) await new Promise<void>((r) => (hold = r));
        if (items.includes(13)) throw new Error("unlucky");
        return items.map((i) => i * 2);
      },
    });
    const first = b.add(0);
    const results = [1, 13, 2].map((i) => b.add(i).then((v) => ({ ok: v }), (e: Error) => ({ err: e.message })));
    hold!();
    expect(await first).toBe(0);
    expect(await Promise.all(results)).toEqual([{ ok: 2 }, { err: "unlucky" }, { ok: 4 }]);
    expect(seen).toEqual([[0], [1, 13, 2], [1], [13], [2]]);
    expect(b.stats().retriedAlone).toBe(3);
  });

  it("refuses a runBatch that returns the wrong number of results", async () => {
    const b = createBatcher<number, number>({ maxBatch: 5, maxInFlight: 1, runBatch: async () => [] });
    await expect(b.add(1)).rejects.toThrow(/0 results for 1 items/);
  });
});
