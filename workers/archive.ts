import type { Worker } from "bullmq";
import { JOBS, QUEUES } from "~/domain/jobs";
import {
  ARCHIVE_SWEEP_EVERY_MS,
  archiveSweepHandler,
  fileArchiveRecordHandler,
  FIXITY_NIGHTLY_PATTERN,
  fixityRunHandler,
} from "~/jobs/archive";
import { ARCHIVE_REMINDERS_SCHEDULE, archiveLoanRemindersHandler } from "~/jobs/archive-loan-reminders";
import { declareSchedules, runWorker, schedule } from "./run-worker";

/**
 * The BullMQ worker for queue "archive": filing closed claims' records, the filing sweep (a scheduler),
 * fixity runs (the nightly one a scheduler at 02:00 UTC) and the daily overdue-loan reminders. One worker
 * per queue: every job of the queue goes to the handler of its name. Concurrency 1: filing copies files and fixity
 * hashes them with its own bounded concurrency; two at once would only share the same disk.
 */
export async function startArchiveWorker(
  opts: { sweepEveryMs?: number; concurrency?: number } = {}
): Promise<Worker> {
  await declareSchedules([
    schedule(
      JOBS.archiveSweep,
      {},
      { every: opts.sweepEveryMs ?? ARCHIVE_SWEEP_EVERY_MS }
    ),
    schedule(
      JOBS.fixityRun,
      { kind: "NIGHTLY" },
      { pattern: FIXITY_NIGHTLY_PATTERN, tz: "UTC" }
    ),
    schedule(JOBS.archiveLoanReminders, {}, ARCHIVE_REMINDERS_SCHEDULE),
  ]);
  return runWorker({
    queue: QUEUES.archive,
    handlers: [fileArchiveRecordHandler, archiveSweepHandler, fixityRunHandler, archiveLoanRemindersHandler],
    concurrency: opts.concurrency ?? 1,
  });
}
