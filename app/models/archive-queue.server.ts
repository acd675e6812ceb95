import { JOBS } from "~/domain/jobs";
import type { Tx } from "~/utils/db.server";
import { enqueueJobs } from "./outbox.server";

/**
 * Inside the transaction that moves a claim to PAID or (finally) REJECTED: its archive record is filed
 * through the outbox (workers/archive.ts, app/models/archive-filing.server.ts). Kept apart from the filing
 * so the claim's own models do not load the archive's file handling.
 */
export async function queueArchiveFiling(tx: Tx, claimIds: readonly string[]): Promise<void> {
  await enqueueJobs(
    tx,
    JOBS.fileArchiveRecord,
    [...new Set(claimIds)].map((claimId) => ({ claimId })),
  );
}

/**
 * A filed claim moved on (its payment returned, paid again): its record gains an addendum
 * (fileArchiveAddendum), one job per turn.
 */
export async function queueArchiveAddenda(tx: Tx, turns: readonly { claimId: string; turn: string }[]): Promise<void> {
  await enqueueJobs(tx, JOBS.fileArchiveRecord, turns.map((t) => ({ claimId: t.claimId, turn: t.turn })));
}
