/**
 * The archive queue's handlers: filing a closed claim's record (then its four checks, trigger FILING), the
 * filing sweep and fixity runs. Postgres holds the state: a lost job only waits for the sweep or the next
 * night.
 */
import { UnrecoverableError } from "bullmq";
import { JOBS } from "~/domain/jobs";
import {
  ArchiveNotReadyError,
  claimsAwaitingAddendum,
  claimsAwaitingFiling,
  fileArchiveRecord,
  type FilingResult,
} from "~/models/archive-filing.server";
import { runArchiveRecordChecks } from "~/models/archive-checks.server";
import {
  runFixity,
  type FixityRunResult,
} from "~/models/archive-fixity.server";
import { markOutboxDone } from "~/models/outbox.server";
import { prisma } from "~/utils/db.server";
import { defineHandler } from "./job-handler";

export const ARCHIVE_SWEEP_EVERY_MS = 15 * 60_000;
/** 02:00 UTC every night. */
export const FIXITY_NIGHTLY_PATTERN = "0 2 * * *";
const SWEEP_BATCH = 200;

export type FileRecordJobResult = FilingResult & { checksOk?: boolean };

/** Files the claim, then runs the four checks on what was filed. */
export async function fileAndCheck(
  claimId: string,
  jobKey?: string
): Promise<FileRecordJobResult> {
  const result = await fileArchiveRecord(claimId, { jobKey });
  if (result.status !== "filed" && result.status !== "addendum") return result;
  const checks = await runArchiveRecordChecks(result.recordId, "FILING");
  return { ...result, checksOk: checks.ok };
}

export const fileArchiveRecordHandler = defineHandler(
  JOBS.fileArchiveRecord,
  async (p, ctx): Promise<FileRecordJobResult> => {
    try {
      return await fileAndCheck(p.claimId, ctx.jobId);
    } catch (err) {
      // Waiting for the imaging worker: retried with backoff; the sweep files it later if retries run out.
      if (err instanceof ArchiveNotReadyError) throw err;
      if (err instanceof Error && /not found/.test(err.message))
        throw new UnrecoverableError(err.message);
      throw err;
    }
  },
  {
    describe: (r) =>
      r.status === "filed"
        ? `filed ${r.packagePath}: ${r.files} files, ${r.bytes} bytes, checks ${
            r.checksOk ? "passed" : "FAILED"
          }`
        : r.status === "addendum"
        ? `addendum ${r.seq} (${r.reason}) to record ${r.recordId}: ${r.files} files, checks ${r.checksOk ? "passed" : "FAILED"}`
        : null,
  }
);

export type ArchiveSweepResult = {
  filed: number;
  addenda: number;
  notReady: number;
  failed: number;
};

/** Files what is owed, a batch at a time (the next run takes the rest). */
export async function runArchiveSweep(
  limit = SWEEP_BATCH
): Promise<ArchiveSweepResult> {
  const out: ArchiveSweepResult = { filed: 0, addenda: 0, notReady: 0, failed: 0 };
  const owed = [...(await claimsAwaitingFiling(prisma, limit)), ...(await claimsAwaitingAddendum(prisma, limit))];
  for (const claimId of owed) {
    try {
      const r = await fileAndCheck(claimId);
      if (r.status === "filed") out.filed += 1;
      if (r.status === "addendum") out.addenda += 1;
    } catch (err) {
      if (err instanceof ArchiveNotReadyError) out.notReady += 1;
      else {
        out.failed += 1;
        console.error(
          `[archive] sweep could not file claim ${claimId}: ${
            (err as Error).message
          }`
        );
      }
    }
  }
  return out;
}

export const archiveSweepHandler = defineHandler(
  JOBS.archiveSweep,
  async (_p, ctx): Promise<ArchiveSweepResult> => {
    const result = await runArchiveSweep();
    await prisma.$transaction((tx) => markOutboxDone(tx, ctx.jobId));
    return result;
  },
  {
    describe: (r) =>
      r.filed + r.addenda + r.notReady + r.failed === 0
        ? null
        : `sweep filed ${r.filed}, addenda ${r.addenda}, waiting for images ${r.notReady}, failed ${r.failed}`,
  }
);

export const fixityRunHandler = defineHandler(
  JOBS.fixityRun,
  async (p, ctx): Promise<FixityRunResult> => {
    const result = await runFixity(p.kind, {
      recordIds: p.recordIds,
      requestedById: p.requestedById,
    });
    await prisma.$transaction((tx) => markOutboxDone(tx, ctx.jobId));
    return result;
  },
  {
    describe: (r) =>
      `fixity ${r.kind}: ${r.packages} packages, ${r.files} files, ${(
        r.bytes / 1e6
      ).toFixed(1)} MB in ${r.ms} ms${
        r.mismatches > 0 ? `, ${r.mismatches} FAILURES` : ", all intact"
      }`,
  }
);
