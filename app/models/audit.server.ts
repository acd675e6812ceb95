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
