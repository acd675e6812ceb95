/**
 * The one writer of the budget ledger (budget_entry, append-only). A cell's totals follow its entries
 * by a trigger; an entry whose idempotency key is already there is skipped, so a retried command or job
 * counts once. Callers lock the cells they change first (SELECT … FOR UPDATE ORDER BY id).
 */
import { Prisma } from "~/generated/prisma/client";
import type { Tx } from "~/utils/db.server";

export type BudgetEntryKind = "BUDGET" | "TRANSFER_OUT" | "TRANSFER_IN" | "RESERVE" | "ADJUST" | "RELEASE" | "CONSUME";

export type BudgetEntryInput = {
  cellId: string;
  kind: BudgetEntryKind;
  budgetDelta?: bigint;
  reservedDelta?: bigint;
  consumedDelta?: bigint;
  claimId?: string | null;
  claimLineId?: string | null;
  claimVersion?: number | null;
  transferId?: string | null;
  /** Unique forever, e.g. `RESERVE:<line id>:v<claim version>`. */
  idempotencyKey: string;
  actorId?: string | null;
  note?: string;
};

/**
 * The INSERT of the entries, for a statement that writes them with the change that causes them (a
 * data-modifying CTE, or the statement's last part, whose count is then the number of new entries).
 */
export function budgetEntriesInsertSql(entries: readonly [BudgetEntryInput, ...BudgetEntryInput[]]): Prisma.Sql {
  const rows = entries.map(
    (e) => Prisma.sql`(${e.cellId}, ${e.kind}, ${e.budgetDelta ?? 0n}, ${e.reservedDelta ?? 0n}, ${e.consumedDelta ?? 0n}, ${e.claimId ?? null}, ${e.claimLineId ?? null}, ${e.claimVersion ?? null}::int, ${e.transferId ?? null}, ${e.idempotencyKey}, ${e.actorId ?? null}, ${e.note ?? ""})`,
  );
  return Prisma.sql`INSERT INTO budget_entry (cell_id, kind, budget_delta, reserved_delta, consumed_delta, claim_id, claim_line_id, claim_version, transfer_id, idempotency_key, actor_id, note)
    VALUES ${Prisma.join(rows)}
    ON CONFLICT (idempotency_key) DO NOTHING`;
}

/** Inserts the entries (one statement); returns how many were new. */
export async function appendBudgetEntries(tx: Tx, entries: readonly BudgetEntryInput[]): Promise<number> {
  const [first, ...rest] = entries;
  if (first === undefined) return 0;
  return tx.$executeRaw`${budgetEntriesInsertSql([first, ...rest])}`;
}

/** Cells whose stored totals differ from the sums of their entries: always empty unless something is wrong. */
export async function budgetDrift(tx: Tx): Promise<{ cellId: string }[]> {
  return tx.$queryRaw<{ cellId: string }[]>`SELECT cell_id AS "cellId" FROM budget_drift()`;
}
