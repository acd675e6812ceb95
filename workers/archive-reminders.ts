import type { Worker } from "bullmq";
import { JOBS, QUEUES } from "~/domain/jobs";
import { ARCHIVE_REMINDERS_SCHEDULE, archiveLoanRemindersHandler } from "~/jobs/archive-loan-reminders";
import type { ReminderResult } from "~/models/archive-requests.server";
import { declareSchedules, runWorker, schedule } from "./run-worker";

/** The BullMQ worker for queue "archive": declares the daily overdue-loan reminders (upsert) and runs them. */
export async function startArchiveRemindersWorker(): Promise<Worker<unknown, ReminderResult>> {
  await declareSchedules([schedule(JOBS.archiveLoanReminders, {}, ARCHIVE_REMINDERS_SCHEDULE)]);
  return runWorker({ queue: QUEUES.archive, handlers: [archiveLoanRemindersHandler], concurrency: 1 });
}
