import type { ClaimStatus } from "~/domain/claim-machine";
import { Prisma } from "~/generated/prisma/client";
import type { Tx } from "~/utils/db.server";

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
 * rest of the statement: Postgres then runs it after everything else, so the chain head's lock (taken by
 * the insert's trigger, held to commit) waits on nothing but the commit (docs/decisions/025 and 034).
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
 * For a REPEATABLE READ or SERIALIZABLE transaction that records an audit event: call it FIRST, before any
 * query. Every event is chained to the last one committed, read under the chain head's row lock; a
 * transaction whose snapshot is older than that head cannot chain to it and fails with a serialization
 * error. LOCK TABLE takes no snapshot, so the transaction's snapshot is taken after it holds the chain.
 * Other audit writers wait until it ends: keep such transactions short (READ COMMITTED ones need nothing).
 */
export async function lockAuditChainFirst(tx: Tx): Promise<void> {
  await tx.$executeRawUnsafe(`LOCK TABLE audit_chain_head IN EXCLUSIVE MODE`);
}
