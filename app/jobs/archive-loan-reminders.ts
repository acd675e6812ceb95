/**
 * Overdue box loans (a job scheduler, every morning in the SSC's time zone): the borrower and the
 * company's archivists get a reminder, each loan at most once per SSC day (sendLoanReminders claims the
 * day on the row before it notifies), so a rerun or two workers at once remind once.
 */
import { JOBS } from "~/domain/jobs";
import { sendLoanReminders, type ReminderResult } from "~/models/archive-requests.server";
import { prisma } from "~/utils/db.server";
import { defineHandler } from "./job-handler";

/** 09:00 in Shanghai, daily. */
export const ARCHIVE_REMINDERS_SCHEDULE = { pattern: "0 9 * * *", tz: "Asia/Shanghai" } as const;

export const archiveLoanRemindersHandler = defineHandler(JOBS.archiveLoanReminders, (): Promise<ReminderResult> => sendLoanReminders(prisma), {
  describe: (r) => (r.reminded === 0 ? null : `${r.overdue} loans overdue, ${r.reminded} reminded`),
});
