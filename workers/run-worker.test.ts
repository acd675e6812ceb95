import { EventEmitter } from "node:events";
import { UnrecoverableError, type Worker } from "bullmq";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineJob } from "~/domain/jobs";
import { defineHandler } from "~/jobs/job-handler";
import { attachListeners, isFinalFailure, jobProcessor } from "./run-worker";

describe("isFinalFailure", () => {
  const job = (attemptsMade: number, attempts?: number) => ({ attemptsMade, opts: attempts === undefined ? {} : { attempts } });

  it("waits for the retries to be used up", () => {
    expect(isFinalFailure(job(1, 5), new Error("ENOSPC"))).toBe(false);
    expect(isFinalFailure(job(5, 5), new Error("ENOSPC"))).toBe(true);
  });

  it("falls back to the queue's default number of attempts", () => {
    expect(isFinalFailure(job(4), new Error("x"))).toBe(false);
    expect(isFinalFailure(job(5), new Error("x"))).toBe(true);
  });

  it("gives up at once on an unrecoverable error or a job that keeps killing its worker", () => {
    expect(isFinalFailure(job(1, 5), new UnrecoverableError("bad payload"))).toBe(true);
    expect(isFinalFailure(job(0, 5), new Error("job stalled more than allowable limit"))).toBe(true);
  });
});

// Two jobs of one queue, with handlers that record what they were given.
const square = defineJob({ queue: "metrics", name: "square", payload: z.object({ n: z.coerce.number().int() }), key: (p) => `square-${p.n}` });
const shout = defineJob({ queue: "metrics", name: "shout", payload: z.object({ text: z.string().min(1) }), key: (p) => `shout-${p.text}` });
const abandoned: unknown[] = [];
const handlers = [
  defineHandler(square, async ({ n }, ctx) => ({ n: n * n, jobId: ctx.jobId }), { describe: (r) => `squared=${r.n}` }),
  defineHandler(shout, async ({ text }) => text.toUpperCase(), {
    describe: () => null,
    onFinalFailure: async (payload) => void abandoned.push(payload),
  }),
] as const;

describe("jobProcessor", () => {
  const run = jobProcessor("metrics", handlers);

  it("dispatches by job name with the payload as the schema parsed it", async () => {
    await expect(run({ id: "square-3", name: "square", data: { n: "3" } })).resolves.toEqual({ n: 9, jobId: "square-3" });
    await expect(run({ id: "shout-hi", name: "shout", data: { text: "hi" } })).resolves.toBe("HI");
  });

  it("refuses an unknown job or a payload that does not parse as unrecoverable, without running a handler", async () => {
    await expect(run({ id: "x", name: "divide", data: {} })).rejects.toBeInstanceOf(UnrecoverableError);
    const bad = run({ id: "shout-", name: "shout", data: { text: "" } });
    await expect(bad).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(bad).rejects.toThrow(/bad payload/);
  });

  it("refuses a handler of another queue, or two handlers for one job", () => {
    expect(() => jobProcessor("imaging", handlers)).toThrow(/belongs to queue metrics/);
    expect(() => jobProcessor("metrics", [handlers[0], handlers[0]])).toThrow(/two handlers/);
  });
});

describe("attachListeners", () => {
  function setup() {
    const worker = new EventEmitter();
    const log = { info: vi.fn<(l: string) => void>(), warn: vi.fn<(l: string) => void>(), error: vi.fn<(l: string) => void>() };
    attachListeners(worker as unknown as Pick<Worker, "on">, "metrics", handlers, log);
    return { worker, log };
  }

  it("listens for completed, failed, error and stalled", () => {
    const { worker } = setup();
    expect(worker.eventNames().sort()).toEqual(["completed", "error", "failed", "stalled"]);
  });

  it("logs a completed job in one format, and nothing when the handler has nothing to say", () => {
    const { worker, log } = setup();
    worker.emit("completed", { name: "square", id: "square-3", processedOn: 1000, finishedOn: 1012 }, { n: 9 });
    worker.emit("completed", { name: "shout", id: "shout-hi", processedOn: 1000, finishedOn: 1001 }, "HI");
    expect(log.info.mock.calls).toEqual([["[metrics] squared=9 (square square-3, 12ms)"]]);
  });

  it("logs every failure, and tells the handler only once BullMQ gives up", async () => {
    const { worker, log } = setup();
    abandoned.length = 0;
    const job = (attemptsMade: number) => ({ name: "shout", id: "shout-hi", data: { text: "hi" }, attemptsMade, opts: { attempts: 3 } });
    worker.emit("failed", job(1), new Error("busy"));
    worker.emit("failed", job(3), new Error("busy"));
    await vi.waitFor(() => expect(abandoned).toEqual([{ text: "hi" }]));
    expect(log.error.mock.calls.map((c) => c[0])).toEqual([
      "[metrics] failed (shout shout-hi, attempt 1/3): busy",
      "[metrics] failed (shout shout-hi, attempt 3/3, giving up): busy",
    ]);
    worker.emit("error", new Error("ECONNRESET"));
    worker.emit("stalled", "square-4");
    expect(log.error).toHaveBeenLastCalledWith("[metrics] worker error: ECONNRESET");
    expect(log.warn).toHaveBeenCalledWith("[metrics] stalled square-4: its worker stopped; retrying");
  });
});
