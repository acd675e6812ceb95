import type { ClaimStatus } from "~/domain/claim-machine";
import type { Prisma } from "~/generated/prisma/client";
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
 * For a REPEATABLE READ or SERIALIZABLE transaction that records an audit event: call it FIRST, before any
 * query. Every event is chained to the last one committed, read under the chain head's row lock; a
 * transaction whose snapshot is older than that head cannot chain to it and fails with a serialization
 * error. LOCK TABLE takes no snapshot, so the transaction's snapshot is taken after it holds the chain.
 * Other audit writers wait until it ends: keep such transactions short (READ COMMITTED ones need nothing).
 */
export async function lockAuditChainFirst(tx: Tx): Promise<void> {
  await tx.$executeRawUnsafe(`LOCK TABLE audit_chain_head IN EXCLUSIVE MODE`);
}
