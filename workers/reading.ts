import type { Worker } from "bullmq";
import { QUEUES } from "~/domain/jobs";
import { readReceiptHandler, type ReadReceiptOutcome } from "~/jobs/read-receipt";
import { runWorker, type WorkerLog } from "./run-worker";

/**
 * The BullMQ worker for queue "reading": one file at a time (concurrency 1), in its own queue, so reading
 * (a QR search on a photo takes a second or two of CPU, OCR two to four more) never holds up tiling. The OCR
 * engine is started lazily, once per worker process, on the first receipt that needs it.
 */
export function startReadingWorker(opts: { concurrency?: number; log?: WorkerLog } = {}): Worker<unknown, ReadReceiptOutcome> {
  return runWorker({ queue: QUEUES.reading, handlers: [readReceiptHandler], concurrency: opts.concurrency ?? 1, log: opts.log });
}
