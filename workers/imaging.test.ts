import { UnrecoverableError } from "bullmq";
import { describe, expect, it } from "vitest";
import { isFinalFailure } from "./imaging";

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
