/**
 * Demo paper policy (issue 12), after the claims, the treasury and the ledger are seeded:
 * - Shenzhen pays on paper (originals due in 7 working days): of its approved claims, three have their
 *   originals received and three are still awaited, so the treasury shows claims waiting for originals;
 * - a few claims in flight at HQ and Shenzhen have originals overdue by 2–8 days (the floor's list, the
 *   board's tile), two arrived today;
 * - one approved HQ claim has an open "original differs from the image" exception for the supervisor.
 * paper_original rows are normally made on submission (and backfilled by an earlier seed part): rows are
 * only added where none exists (ON CONFLICT DO NOTHING), so running this again changes nothing.
 */
import { localDay } from "~/domain/metrics";
import { recordDiffers } from "~/models/paper-check.server";
import type { Db } from "~/utils/db.server";

const DAY = 86_400_000;
const shift = (isoDate: string, days: number) => new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

type Row = { id: string; company_id: string; submitted_at: Date | null; receipts: number };

async function claimsOf(db: Db, companyCodes: string[], statuses: string[], limit: number, offset = 0): Promise<Row[]> {
  return db.$queryRaw<Row[]>`
    SELECT c.id, c.company_id, c.submitted_at, (SELECT count(*)::int FROM receipt r WHERE r.claim_id = c.id) AS receipts
      FROM claim c JOIN company co ON co.id = c.company_id
     WHERE co.code = ANY(${companyCodes}::text[]) AND c.status::text = ANY(${statuses}::text[]) AND c.submitted_at IS NOT NULL
     ORDER BY c.number
     LIMIT ${limit} OFFSET ${offset}`;
}

async function addOriginal(db: Db, c: Row, status: "AWAITING" | "RECEIVED", dueOn: string, receivedAt: Date | null, receivedById: string | null): Promise<void> {
  await db.$executeRaw`
    INSERT INTO paper_original (claim_id, company_id, status, receipt_count, expected_since, due_on, received_at, received_by_id)
    VALUES (${c.id}, ${c.company_id}, ${status}, ${c.receipts}, ${c.submitted_at ?? new Date()}, ${dueOn}::date, ${receivedAt}, ${receivedById})
    ON CONFLICT (claim_id) DO NOTHING`;
}

export async function seedPaperPolicy(db: Db, { now }: { now: Date }): Promise<void> {
  const today = localDay(now);
  const archivist = await db.user.findUniqueOrThrow({ where: { email: "archivist@demo.af" }, select: { id: true, roles: true } });
  await db.company.updateMany({ where: { code: "SZ" }, data: { payOnPaper: true, originalsDueWorkingDays: 7 } });

  // Shenzhen pays on paper: three approved claims with originals in hand, three still awaited.
  const szApproved = await claimsOf(db, ["SZ"], ["APPROVED"], 6);
  for (const [i, c] of szApproved.entries()) {
    if (i < 3) await addOriginal(db, c, "RECEIVED", shift(today, -1), new Date(now.getTime() - (i + 2) * DAY), archivist.id);
    else await addOriginal(db, c, "AWAITING", shift(today, i - 2), null, null);
  }

  // Originals overdue by 2–8 days, and two that arrived this morning.
  const inFlight = await claimsOf(db, ["HQ", "SZ"], ["SUBMITTED", "MANAGER_APPROVED", "IN_REVIEW"], 7);
  for (const [i, c] of inFlight.entries()) {
    if (i < 5) await addOriginal(db, c, "AWAITING", shift(today, -(2 + (i * 3) % 7)), null, null);
    else await addOriginal(db, c, "RECEIVED", shift(today, 3), new Date(now.getTime() - (i - 4) * 3_600_000), archivist.id);
  }

  // One open scan-to-paper exception on an approved HQ claim (through the app's own function: audited, supervisors told).
  const [hq] = await claimsOf(db, ["HQ"], ["APPROVED"], 1, 2);
  if (!hq) return;
  const already = await db.paperDiscrepancy.count({ where: { claimId: hq.id, kind: "DIFFERS" } });
  if (already > 0) return;
  await addOriginal(db, hq, "RECEIVED", shift(today, -2), new Date(now.getTime() - 3 * DAY), archivist.id);
  const { version } = await db.claim.findUniqueOrThrow({ where: { id: hq.id }, select: { version: true } });
  await recordDiffers(
    { id: archivist.id, roles: archivist.roles },
    hq.id,
    { claimVersion: version, reason: "stamp", receipts: "R1", note: "The invoice has no seller's seal (发票专用章); the scanned image shows one.", outcome: "EXCEPTION" },
    new Date(now.getTime() - 2 * 3_600_000),
  );
}
