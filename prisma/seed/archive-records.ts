/**
 * Demo electronic archive records (issue 12), after the receipts are attached: a few paid claims and a
 * rejected one are filed through the app's own filing (real packages under STORAGE_DIR/archive, read-only,
 * with their manifests and the four checks), and one fixity run checks them. Claims whose PDF receipts the
 * imaging worker has not rendered yet are skipped: the archive worker's sweep files every other closed claim
 * once its images are there. One paid claim's payment is then returned by the bank, so its record shows an
 * addendum. Idempotent: a claim already filed is left as it is.
 */
import { fileArchiveRecord } from "~/models/archive-filing.server";
import { runArchiveRecordChecks } from "~/models/archive-checks.server";
import { runFixity } from "~/models/archive-fixity.server";
import { markPaymentFailed } from "~/models/payment-outcomes.server";
import type { Db } from "~/utils/db.server";

const PAID_RECORDS = 5;
const REJECTED_RECORDS = 1;

export async function seedArchiveRecords(db: Db, opts: { log?: (line: string) => void } = {}): Promise<number> {
  const log = opts.log ?? ((line: string) => console.log(`[seed] ${line}`));
  const candidates = async (status: "PAID" | "REJECTED") =>
    db.claim.findMany({
      where: { status, receipts: { some: {} } },
      orderBy: [{ updatedAt: "desc" }, { number: "asc" }],
      take: 40,
      select: { id: true, number: true },
    });
  const recordIds: string[] = [];
  for (const [status, wanted] of [["PAID", PAID_RECORDS], ["REJECTED", REJECTED_RECORDS]] as const) {
    let filed = 0;
    for (const claim of await candidates(status)) {
      if (filed >= wanted) break;
      try {
        const result = await fileArchiveRecord(claim.id, { process: "demo seed" });
        if (result.status === "filed") {
          await runArchiveRecordChecks(result.recordId, "FILING", { db });
          recordIds.push(result.recordId);
        }
        if (result.status === "filed" || result.status === "exists") filed += 1;
      } catch (err) {
        // A receipt still waiting for the imaging worker: the archive sweep files it later.
        log(`archive: ${claim.number} not filed yet (${(err as Error).message})`);
      }
    }
  }
  // One paid claim's payment comes back from the bank after filing: its record gains an addendum (the
  // real path: the claim goes to PAYMENT_FAILED with the bank's reason, then the archive files the turn).
  let addenda = 0;
  // (The workers' sweep may have filed the records already: any filed claim with a paid payment will do, once.)
  const [pick] =
    (await db.archiveAddendum.count()) === 0
      ? await db.$queryRaw<{ claim_id: string; payment_id: string }[]>`
          SELECT r.claim_id, p.id AS payment_id FROM archive_record r JOIN payment p ON p.claim_id = r.claim_id AND p.status = 'PAID'
           WHERE r.outcome = 'PAID' AND r.status = 'FILED' AND NOT r.legal_hold ORDER BY r.claim_number LIMIT 1`
      : [];
  const firstPaid = pick ? { claimId: pick.claim_id } : null;
  const payment = pick ? { id: pick.payment_id } : null;
  if (firstPaid && payment) {
    await db.$transaction((tx) => markPaymentFailed(tx, payment.id, "RETURNED", "AC04 Account closed", { actorId: null, source: "statement" }));
    const turn = await fileArchiveRecord(firstPaid.claimId, { process: "demo seed" });
    if (turn.status === "addendum") {
      await runArchiveRecordChecks(turn.recordId, "FILING", { db });
      addenda += 1;
    }
  }
  if (recordIds.length > 0) await runFixity("ON_DEMAND", { recordIds, db });
  log(`archive: ${recordIds.length} records filed, ${addenda} with an addendum (payment returned after filing)`);
  return recordIds.length;
}
