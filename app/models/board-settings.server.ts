/**
 * The wall board's settings. Today one: the cycle-time target in days (default 0.22, the source
 * SSC's figure), changed by a supervisor or admin, audited, and announced to open boards.
 */
import { hasRole, type Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { BoardTargetSchema } from "~/domain/board-settings";
import { DEFAULT_TARGET_DAYS, parseTargetDays } from "~/domain/metrics";
import { prisma, type Tx } from "~/utils/db.server";
import { recordAudit } from "./audit.server";
import { publishBoardChange } from "./board-publisher.server";

export const CYCLE_TARGET_KEY = "cycle_target_days";

/** The cycle-time target; the default when none was saved (or a stored value no longer validates). */
export async function getBoardTarget(db: Tx | typeof prisma = prisma): Promise<number> {
  const row = await db.boardSetting.findUnique({ where: { key: CYCLE_TARGET_KEY }, select: { value: true } });
  if (!row) return DEFAULT_TARGET_DAYS;
  const parsed = parseTargetDays(row.value);
  return parsed.ok ? parsed.days : DEFAULT_TARGET_DAYS;
}

/**
 * Saves the cycle-time target (days, > 0 and ≤ 30, two decimals at most; "0,3" is read as 0.3).
 * Supervisors and admins only (AppError "forbidden" otherwise); a bad value is AppError "invalid" with
 * the field's code (`BoardTargetSchema`). One transaction with its audit event; open boards are told
 * after the commit.
 */
export async function saveBoardTarget({ actor, days }: { actor: Actor; days: unknown }): Promise<{ ok: true; days: number }> {
  if (!hasRole(actor, "SUPERVISOR", "ADMIN")) throw new AppError("forbidden");
  const input = BoardTargetSchema.safeParse({ days });
  if (!input.success) throw new AppError("invalid", { fieldErrors: { days: input.error.issues[0]?.message ?? "invalid" } });
  const parsed = input.data;
  const changed = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('board_setting:' || ${CYCLE_TARGET_KEY}))`;
    const previous = await getBoardTarget(tx);
    if (previous === parsed.days) return false;
    await tx.boardSetting.upsert({
      where: { key: CYCLE_TARGET_KEY },
      create: { key: CYCLE_TARGET_KEY, value: parsed.days, updatedById: actor.id },
      update: { value: parsed.days, updatedById: actor.id, updatedAt: new Date() },
    });
    await recordAudit(tx, { actorId: actor.id, type: "board.target_changed", data: { key: CYCLE_TARGET_KEY, from: previous, to: parsed.days } });
    return true;
  });
  if (changed) await publishBoardChange({ at: new Date().toISOString(), kind: "settings" });
  return { ok: true, days: parsed.days };
}
