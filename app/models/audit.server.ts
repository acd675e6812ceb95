import type { ClaimStatus } from "~/domain/claim-machine";
import { Prisma } from "~/generated/prisma/client";
import type { Db, Tx } from "~/utils/db.server";

export type AuditInput = {
  claimId?: string | null;
  actorId?: string | null;
  type: string;
  fromStatus?: ClaimStatus | null;
  toStatus?: ClaimStatus | null;
  data?: Prisma.InputJsonValue;
};

/** Appends one event; always called inside the transaction of the change it records. */
export async function recordAudit(tx: Tx, event: AuditInput): Promise<void> {
  await tx.auditEvent.create({
    data: {
      claimId: event.claimId ?? null,
      actorId: event.actorId ?? null,
      type: event.type,
      fromStatus: event.fromStatus ?? null,
      toStatus: event.toStatus ?? null,
      data: event.data ?? {},
    },
  });
}

/**
 * The INSERT of `events`, in this order, for a statement that writes them with the change they record
 * (a data-modifying CTE, e.g. `audited AS (${auditInsertSql(...)})`). Leave that CTE unreferenced by the
 * rest of the statement: Postgres then runs it after everything else (docs/decisions/025 and 034). The
 * insert takes no shared lock: events are chained after commit by the sealer (decision 037).
 */
export function auditInsertSql(events: readonly [AuditInput, ...AuditInput[]]): Prisma.Sql {
  const rows = events.map(
    (e, i) =>
      Prisma.sql`(${i}::int, ${e.claimId ?? null}::text, ${e.actorId ?? null}::text, ${e.type}::text, ${e.fromStatus ?? null}::"ClaimStatus", ${e.toStatus ?? null}::"ClaimStatus", ${JSON.stringify(e.data ?? {})}::jsonb)`,
  );
  return Prisma.sql`INSERT INTO audit_event (claim_id, actor_id, type, from_status, to_status, data)
    SELECT claim_id, actor_id, type, from_status, to_status, data
      FROM (VALUES ${Prisma.join(rows)}) AS v (ord, claim_id, actor_id, type, from_status, to_status, data)
     ORDER BY ord`;
}

/**
 * Seals up to `maxRows` committed events the chain does not hold yet, oldest id first (audit_seal() in
 * migration 20261210010000: under the chain head's lock, values computed and checked by the database).
 * Returns how many; fewer than `maxRows` means none was left. Call it in autocommit (the lock is held to
 * the end of the caller's transaction) — the workers' sealer does, every half second while there is work
 * (docs/decisions/037-audit-sealed-after-commit.md).
 */
export async function sealAuditEvents(db: Db | Tx, maxRows: number): Promise<number> {
  const [row] = await db.$queryRaw<{ sealed: number }[]>`SELECT audit_seal(${maxRows}::int) AS sealed`;
  return row?.sealed ?? 0;
}

/** How many of a claim's events this transaction can see unsealed (not yet in the chain). */
export async function unsealedEventsOf(db: Db | Tx, claimId: string): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM audit_event WHERE claim_id = ${claimId} AND chain_seq IS NULL`;
  return row?.n ?? 0;
}

/**
 * Seals until every event of the claim that `db` can see is in the chain (the events of other claims
 * with lower ids go first: chain order is id order among committed rows). False when more than
 * `maxBatches` batches were not enough (a backlog the sealer will work off; try again later).
 */
export async function sealEventsOfClaim(db: Db | Tx, claimId: string, opts: { batchSize?: number; maxBatches?: number } = {}): Promise<boolean> {
  const batchSize = opts.batchSize ?? 5000;
  const maxBatches = opts.maxBatches ?? 20;
  for (let i = 0; i < maxBatches; i++) {
    if ((await unsealedEventsOf(db, claimId)) === 0) return true;
    await sealAuditEvents(db, batchSize);
  }
  return (await unsealedEventsOf(db, claimId)) === 0;
}
