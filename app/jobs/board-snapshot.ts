/**
 * Backlog snapshots: every hour and every day (BullMQ job schedulers on the metrics queue, declared
 * again whenever the worker starts, so a flushed Redis only delays the next one) the open review
 * tasks per processing group are counted by state, SLA state and age, and kept in backlog_snapshot.
 * A slot is written once: a late or repeated run for the same hour/day leaves the first row.
 */
import { DateTime } from "luxon";
import { JOBS, type JobPayload, type SnapshotKind } from "~/domain/jobs";
import { SSC_TIME_ZONE } from "~/domain/calendar-date";
import { backlogByGroup } from "~/models/board-data.server";
import { prisma } from "~/utils/db.server";
import { defineHandler } from "./job-handler";

/** The job schedulers (local time, SSC_TIME_ZONE); each scheduler's id is the job's key. */
export const SNAPSHOT_SCHEDULES = {
  hourly: { id: JOBS.boardSnapshot.key({ kind: "hourly" }), pattern: "0 * * * *" },
  daily: { id: JOBS.boardSnapshot.key({ kind: "daily" }), pattern: "0 0 * * *" },
} as const;

export type BoardSnapshotPayload = JobPayload<typeof JOBS.boardSnapshot>;
export type BoardSnapshotResult = { kind: SnapshotKind; takenAt: string; groups: number; written: number };

/** The slot a run belongs to: the start of the local hour or day it runs in. */
export function snapshotSlot(kind: SnapshotKind, now: Date, tz: string = SSC_TIME_ZONE): Date {
  return DateTime.fromJSDate(now, { zone: tz }).startOf(kind === "hourly" ? "hour" : "day").toJSDate();
}

export async function runBoardSnapshot({ kind }: BoardSnapshotPayload, now: Date = new Date()): Promise<BoardSnapshotResult> {
  const takenAt = snapshotSlot(kind, now);
  const rows = await backlogByGroup(now);
  const result = await prisma.backlogSnapshot.createMany({
    data: rows.map((r) => ({
      kind,
      takenAt,
      groupId: r.groupId,
      open: r.open,
      inProgress: r.inProgress,
      onTrack: r.onTrack,
      atRisk: r.atRisk,
      breached: r.breached,
      ageLt1h: r.ages.lt1h,
      ageH1to4: r.ages.h1to4,
      ageH4to8: r.ages.h4to8,
      ageH8to24: r.ages.h8to24,
      ageGt1d: r.ages.gt1d,
      oldestCreatedAt: r.oldestCreatedAt,
    })),
    skipDuplicates: true,
  });
  return { kind, takenAt: takenAt.toISOString(), groups: rows.length, written: result.count };
}

export const boardSnapshotHandler = defineHandler(JOBS.boardSnapshot, (payload) => runBoardSnapshot(payload), {
  describe: (r) => `${r.kind} snapshot ${r.takenAt}: ${r.written} of ${r.groups} groups written`,
});
