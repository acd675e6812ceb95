/**
 * What a person is told: a row per message, shown to them in the app (their account page and the
 * header's count). Written inside the transaction of the change it tells about, so nothing happens
 * silently and nothing is told that did not happen.
 */
import type { Prisma } from "~/generated/prisma/client";
import type { Db, Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";

/** Kinds of messages; each has its texts under `notifications.<kind>` in the common catalog. */
export const NOTIFICATION_KINDS = [
  "bank_account.change_requested",
  "bank_account.change_confirmed",
  "bank_account.change_rejected",
  "bank_account.change_cancelled",
  "bank_account.now_active",
  "payment.scheduled",
  "payment.failed",
  "payment.paid",
  "budget.alert",
  "paper.missing",
  "paper.receipts",
  "paper.extra",
  "paper.returned",
  "paper.exception",
  "archive.fixity_failed",
  "archive.request_decided",
  "archive.loan_overdue",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export async function notify(tx: Tx, userId: string, kind: NotificationKind, data: Prisma.InputJsonObject = {}): Promise<void> {
  await tx.notification.create({ data: { id: newId(), userId, kind, data } });
}

export type NotificationView = { id: string; kind: NotificationKind; data: Record<string, unknown>; createdAt: string; read: boolean };

export async function listNotifications(db: Db | Tx, userId: string, limit = 20): Promise<NotificationView[]> {
  const rows = await db.notification.findMany({ where: { userId }, orderBy: { createdAt: "desc" }, take: limit });
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as NotificationKind,
    data: (r.data ?? {}) as Record<string, unknown>,
    createdAt: r.createdAt.toISOString(),
    read: r.readAt !== null,
  }));
}

export async function markNotificationsRead(db: Db | Tx, userId: string): Promise<void> {
  await db.notification.updateMany({ where: { userId, readAt: null }, data: { readAt: new Date() } });
}
