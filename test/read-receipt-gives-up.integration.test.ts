/**
 * A reading job whose retries are used up (the chaos run saw a reader crash on a 12 MP photo, "memory
 * access out of bounds", five times): the file gets a "none" reading with the reason, its outbox row is
 * done (the outbox drains), and a second call changes nothing.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { JOBS } from "~/domain/jobs";
import { giveUpReadReceipt, readReceiptHandler } from "~/jobs/read-receipt";
import { enqueueJob } from "~/models/outbox.server";
import { prisma } from "~/utils/db.server";

describe("read-receipt, retries used up", () => {
  it("records a 'none' reading with the reason and marks the outbox row done, once", async () => {
    const sha256 = randomBytes(32).toString("hex");
    await prisma.storedFile.create({ data: { sha256, sizeBytes: 1, mimeType: "image/jpeg", status: "READY", pageCount: 1 } });
    await prisma.$transaction((tx) => enqueueJob(tx, JOBS.readReceipt, { sha256 }));
    const key = JOBS.readReceipt.key({ sha256 });
    expect((await prisma.outboxEvent.findUniqueOrThrow({ where: { jobKey: key } })).status).toBe("PENDING");

    // The worker runner calls this once BullMQ gives up on the job.
    expect(readReceiptHandler.onFinalFailure).toBeDefined();
    await readReceiptHandler.onFinalFailure!({ sha256 }, new Error("memory access out of bounds"));
    const reading = await prisma.receiptReading.findUniqueOrThrow({ where: { fileSha256: sha256 } });
    expect(reading.source).toBe("none");
    expect(reading.notes).toEqual(["reader_failed: memory access out of bounds"]);
    const row = await prisma.outboxEvent.findUniqueOrThrow({ where: { jobKey: key } });
    expect(row.status).toBe("DONE");

    await giveUpReadReceipt({ sha256 }, new Error("again"));
    expect(await prisma.receiptReading.count({ where: { fileSha256: sha256 } })).toBe(1);
    expect((await prisma.receiptReading.findUniqueOrThrow({ where: { fileSha256: sha256 } })).notes).toEqual(reading.notes);
  });

  it("marks the row done even when the file is gone", async () => {
    const sha256 = randomBytes(32).toString("hex");
    await prisma.$transaction((tx) => enqueueJob(tx, JOBS.readReceipt, { sha256 }));
    await giveUpReadReceipt({ sha256 }, new Error("no file"));
    expect((await prisma.outboxEvent.findUniqueOrThrow({ where: { jobKey: JOBS.readReceipt.key({ sha256 }) } })).status).toBe("DONE");
    expect(await prisma.receiptReading.count({ where: { fileSha256: sha256 } })).toBe(0);
  });
});
