import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import type { Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RenderReceiptOutcome } from "~/jobs/render-receipt";
import { JOBS } from "~/domain/jobs";
import { enqueueJob } from "~/models/outbox.server";
import { imagingJobKey, storeReceiptFile } from "~/models/stored-file.server";
import { prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { getQueue } from "~/utils/queue.server";
import { originalPath } from "~/utils/storage.server";
import { runShutdownHooks } from "~/utils/shutdown.server";
import { receiveUploads } from "~/utils/upload.server";
import { multipartRequest, waitFor } from "../test/helpers";
import { noiseJpeg } from "../test/imaging-inputs";
import { startImagingWorker } from "./imaging";
import { startRelay, type Relay } from "./relay";

const queue = getQueue("imaging");
let redis: Redis;
const relays: Relay[] = [];
const workers: Worker[] = [];

async function relay(opts: Parameters<typeof startRelay>[0] = {}): Promise<Relay> {
  const r = await startRelay({ pollMs: 50, log: () => undefined, ...opts });
  relays.push(r);
  return r;
}

/** An in-process worker plus a record of every outcome it reports. */
function worker(): { outcomes: RenderReceiptOutcome[] } {
  const w = startImagingWorker({ concurrency: 2 });
  const outcomes: RenderReceiptOutcome[] = [];
  w.on("completed", (_job, result) => outcomes.push(result));
  workers.push(w);
  return { outcomes };
}

async function stopAll(): Promise<void> {
  await Promise.all([...relays.splice(0).map((r) => r.stop()), ...workers.splice(0).map((w) => w.close())]);
}

/** A new, never-seen receipt photo, uploaded and stored: a PROCESSING row plus a PENDING outbox row. */
async function newUpload(): Promise<string> {
  const photo = await noiseJpeg(400, 600);
  const { accepted } = await receiveUploads(multipartRequest([{ fileName: "receipt.jpg", data: photo }]));
  await prisma.$transaction((tx) => storeReceiptFile(tx, accepted[0]!));
  return accepted[0]!.sha256;
}

const outboxRow = (sha: string) => prisma.outboxEvent.findUniqueOrThrow({ where: { jobKey: imagingJobKey(sha) } });

beforeAll(() => {
  redis = new Redis(env.REDIS_URL);
});

afterEach(stopAll);

afterAll(async () => {
  await stopAll();
  redis.disconnect();
  await runShutdownHooks();
});

describe("outbox relay", () => {
  it("after FLUSHALL/FLUSHDB, a restarted relay rebuilds the queue from Postgres and the file is rendered once", async () => {
    const first = await relay();
    const sha = await newUpload();
    // Sent = recorded as sent (the job reaches Redis just before the row's update commits).
    await waitFor(async () => (await outboxRow(sha)).enqueuedAt !== null, { what: "the relay to send the job" });
    expect(await queue.getJob(imagingJobKey(sha))).toBeDefined();
    expect((await outboxRow(sha)).attempts).toBe(1);
    await first.stop();

    // Redis loses everything (this Redis keeps nothing on disk). FLUSHDB: only the test db.
    await redis.flushdb();
    expect(await queue.getJob(imagingJobKey(sha))).toBeUndefined();

    await relay();
    expect(await queue.getJob(imagingJobKey(sha))).toBeDefined();
    expect((await outboxRow(sha)).attempts).toBe(2);

    const { outcomes } = worker();
    await waitFor(async () => (await prisma.storedFile.findUniqueOrThrow({ where: { sha256: sha } })).status === "READY", {
      what: "the file to be READY",
    });
    await waitFor(() => outcomes.length > 0, { what: "the worker's report" });
    expect((await outboxRow(sha)).status).toBe("DONE");
    await new Promise((r) => setTimeout(r, 300)); // anything sent twice would have run by now
    expect(outcomes.filter((o) => o.sha256 === sha)).toEqual([{ outcome: "ready", sha256: sha, pages: 1 }]);
  });

  it("does not re-enqueue a job whose outbox row is DONE", async () => {
    await relay();
    const { outcomes } = worker();
    const sha = await newUpload();
    await waitFor(async () => (await outboxRow(sha)).status === "DONE", { what: "the job to finish" });
    await stopAll();
    expect(outcomes.filter((o) => o.sha256 === sha)).toHaveLength(1);

    await redis.flushdb();
    await relay();
    await new Promise((res) => setTimeout(res, 200));
    expect(await queue.getJob(imagingJobKey(sha))).toBeUndefined();
    // Nothing of this file's in any state (the restarted relay may send other files' pending rows, left by
    // earlier test files, into the same queue: those are not this test's business).
    const queued = await queue.getJobs(["wait", "active", "delayed", "prioritized"]);
    expect(queued.filter((j) => j.id === imagingJobKey(sha) || (j.data as { sha256?: string }).sha256 === sha)).toEqual([]);
    expect((await outboxRow(sha)).attempts).toBe(1);
  });

  it("re-sends, while running, a pending job that vanished from Redis", async () => {
    await relay({ sweepEveryMs: 100, sweepAfterMs: 0 });
    const sha = await newUpload();
    await waitFor(async () => (await outboxRow(sha)).enqueuedAt !== null, { what: "the first send" });
    await redis.flushdb();
    await waitFor(async () => (await outboxRow(sha)).attempts >= 2, { what: "the sweep to re-send", timeoutMs: 5_000 });
    expect(await queue.getJob(imagingJobKey(sha))).toBeDefined();

    worker();
    await waitFor(async () => (await outboxRow(sha)).status === "DONE", { what: "the job to finish" });
    expect((await prisma.storedFile.findUniqueOrThrow({ where: { sha256: sha } })).status).toBe("READY");
  });

  it("never sends a row twice when two relays poll the same outbox", async () => {
    await Promise.all([relay({ pollMs: 5, batchSize: 50 }), relay({ pollMs: 5, batchSize: 50 })]);
    const keys: string[] = [];
    // Rows arrive while both relays are polling, in many small transactions, as uploads would.
    for (let batch = 0; batch < 10; batch++) {
      await prisma.$transaction(async (tx) => {
        for (let i = 0; i < 30; i++) {
          const sha = randomBytes(32).toString("hex");
          keys.push(imagingJobKey(sha));
          await enqueueJob(tx, JOBS.renderReceipt, { sha256: sha });
        }
      });
    }
    await waitFor(async () => (await prisma.outboxEvent.count({ where: { jobKey: { in: keys }, enqueuedAt: null } })) === 0, {
      what: "all rows to be sent",
    });
    const rows = await prisma.outboxEvent.findMany({ where: { jobKey: { in: keys } }, select: { attempts: true } });
    expect(rows).toHaveLength(300);
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    expect(await queue.getWaitingCount()).toBe(300);

    await stopAll();
    // These rows name files that do not exist: leave no work behind for later tests.
    await prisma.outboxEvent.deleteMany({ where: { jobKey: { in: keys } } });
    await redis.flushdb();
  });
});

describe("imaging worker giving up", () => {
  it("marks the file FAILED (imaging_failed) once BullMQ stops retrying, so nobody waits for it forever", async () => {
    const sha = await newUpload(); // no relay running: the outbox row stays unsent
    await fs.rm(originalPath(sha)); // the original is gone: not the file's fault, so it is retried…
    await queue.add(JOBS.renderReceipt.name, { sha256: sha }, { jobId: imagingJobKey(sha), attempts: 2, backoff: { type: "fixed", delay: 10 } });
    worker();
    const row = await waitFor(
      async () => {
        const r = await prisma.storedFile.findUniqueOrThrow({ where: { sha256: sha } });
        return r.status === "FAILED" ? r : undefined;
      },
      { what: "the file to be given up" },
    );
    // …until the attempts run out.
    expect(row.failureReason).toMatch(/^imaging_failed: /);
    expect((await queue.getJob(imagingJobKey(sha)))?.attemptsMade).toBe(2);
    expect((await outboxRow(sha)).status).toBe("DONE");
  });
});

