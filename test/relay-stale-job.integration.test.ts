import { Worker } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { JOBS } from "~/domain/jobs";
import { imagingJobKey, storeReceiptFile } from "~/models/stored-file.server";
import { prisma } from "~/utils/db.server";
import { getQueue } from "~/utils/queue.server";
import { createRedis, queuePrefix } from "~/utils/redis.server";
import { receiveUploads } from "~/utils/upload.server";
import { startImagingWorker } from "../workers/imaging";
import { startRelay, type Relay } from "../workers/relay";
import { multipartRequest, waitFor } from "./helpers";
import { noiseJpeg } from "./imaging-inputs";

// Postgres is the source of truth: when it says a job is still to do, a finished job with the same id
// left in Redis (a database reset or restored while Redis kept its history) must not swallow the work.
describe("relay and leftover jobs", () => {
  const stops: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  it("re-runs a PENDING outbox row whose jobId already sits completed in Redis", async () => {
    const { accepted } = await receiveUploads(multipartRequest([{ fileName: "r.jpg", data: await noiseJpeg(300, 400) }]));
    const upload = accepted[0]!;
    await prisma.$transaction((tx) => storeReceiptFile(tx, upload));

    // A completed job under the same id, as an earlier life of the database would have left it.
    const queue = getQueue("imaging");
    await queue.add(JOBS.renderReceipt.name, { sha256: upload.sha256 }, { jobId: imagingJobKey(upload.sha256) });
    const connection = createRedis("worker");
    const manual = new Worker("imaging", null, { connection, prefix: queuePrefix("imaging"), autorun: false });
    const token = "manual-token";
    const job = await manual.getNextJob(token);
    expect(job?.id).toBe(imagingJobKey(upload.sha256));
    await job!.moveToCompleted("done earlier", token, false);
    await manual.close();
    await connection.quit();
    expect(await (await queue.getJob(imagingJobKey(upload.sha256)))!.getState()).toBe("completed");

    const relay: Relay = await startRelay({ pollMs: 50, log: () => undefined });
    stops.push(() => relay.stop());
    const worker = startImagingWorker({ concurrency: 1 });
    stops.push(() => worker.close());

    const file = await waitFor(
      async () => {
        const f = await prisma.storedFile.findUniqueOrThrow({ where: { sha256: upload.sha256 } });
        return f.status !== "PROCESSING" && f;
      },
      { timeoutMs: 30_000, what: "the file to be imaged despite the leftover job" },
    );
    expect(file.status).toBe("READY");
    expect((await prisma.outboxEvent.findUniqueOrThrow({ where: { jobKey: imagingJobKey(upload.sha256) } })).status).toBe("DONE");
  });
});
