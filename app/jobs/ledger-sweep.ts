/**
 * The ledger sweep (a job scheduler every few minutes, and after payment outcomes): posts what the ledger
 * still owes (postPendingVouchers). Postgres holds all the state: a lost job only delays the next sweep.
 */
import { JOBS } from "~/domain/jobs";
import { postPendingVouchers, type SweepResult } from "~/models/ledger-posting.server";
import { markOutboxDone } from "~/models/outbox.server";
import { prisma } from "~/utils/db.server";
import { defineHandler } from "./job-handler";

export const LEDGER_SWEEP_EVERY_MS = 5 * 60_000;

export const ledgerSweepHandler = defineHandler(
  JOBS.ledgerSweep,
  async (_p, ctx): Promise<SweepResult> => {
    const result = await postPendingVouchers(prisma);
    await prisma.$transaction((tx) => markOutboxDone(tx, ctx.jobId));
    return result;
  },
  {
    // Quiet unless something happened.
    describe: (r) => (r.posted === 0 && r.failed.length === 0 ? null : `posted ${r.posted}, cannot post ${r.failed.length}`),
  },
);
