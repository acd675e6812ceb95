// Placeholder until helper A's bank-account model lands (replaced on merge).
import { type AccountDetails } from "~/domain/bank-account";
import type { Db, Tx } from "~/utils/db.server";

type AccountRow = { kind: string; holderName: string; accountNumber: string | null; bankName: string | null; cnapsCode: string | null; iban: string | null; bic: string | null };

export function accountDetailsOf(row: AccountRow): AccountDetails {
  return row.kind === "cn"
    ? { kind: "cn", holderName: row.holderName, accountNumber: row.accountNumber!, bankName: row.bankName!, cnapsCode: row.cnapsCode! }
    : { kind: "iban", holderName: row.holderName, iban: row.iban!, bic: row.bic! };
}

export async function activeAccountsFor(db: Db | Tx, userIds: readonly string[]) {
  const rows = await db.bankAccount.findMany({ where: { userId: { in: [...userIds] }, status: "ACTIVE" } });
  return new Map(rows.map((r) => [r.userId, { id: r.id, fingerprint: r.fingerprint, details: accountDetailsOf(r), activeFrom: r.activeFrom! }]));
}

export async function pendingChangeUserIds(db: Db | Tx, userIds: readonly string[]): Promise<Set<string>> {
  const rows = await db.bankAccount.findMany({ where: { userId: { in: [...userIds] }, status: "PENDING" }, select: { userId: true } });
  return new Set(rows.map((r) => r.userId));
}
