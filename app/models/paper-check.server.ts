/**
 * Paper originals seen from the floor and the archive (issue 12): the company's "pay on paper" setting,
 * the board's paper tile, the overdue originals the floor watches, and the scan-to-paper check — an
 * original that differs from its image returns the claim or opens an exception the supervisor resolves.
 *
 * Who: the paper settings are an admin's, for their companies; the check is archive staff's (ARCHIVIST,
 * SUPERVISOR, ADMIN) of the claim's company; exceptions are resolved by supervisors and admins of it.
 * Every change is one transaction with its audit event; the claimant and the supervisors are told in it.
 */
import type { OpenException, OverdueOriginal, PaperFloor } from "~/contracts/paper-floor";
import { hasRole, type Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { isoDate } from "~/domain/calendar-date";
import { transition, type ClaimStatus } from "~/domain/claim-machine";
import { dayRange, localDay } from "~/domain/metrics";
import {
  canCheckPaper,
  daysOverdue,
  differsOutcomes,
  differsReasonCode,
  differsReasonText,
  paperReturnAction,
  resolveRefusal,
  STORED_OUTCOME,
  type DiffersInput,
  type DiffersOutcome,
  type DiffersReason,
  type PaperSettingsInput,
} from "~/domain/paper-check";
import { paperTransition, receiptLabel, type PaperStatus } from "~/domain/paper-trail";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { recordAudit } from "./audit.server";
import { publishBoardChange } from "./board-publisher.server";
import { releaseClaim } from "./budget-ledger.server";
import { notify } from "./notifications.server";
import { emitTaskEvents } from "./task-events.server";
import { ARCHIVE_STAFF, staffCompanyIds } from "./archive-staff.server";

export type PaperCheckErrorCode = "forbidden" | "not_found" | "stale" | "not_checkable" | "cannot_return" | "not_exception" | "already_resolved" | "invalid";

function refuse(code: PaperCheckErrorCode, message?: string, status?: number): AppError<PaperCheckErrorCode> {
  return new AppError(code, { ...(message ? { message } : {}), ...(status ? { status } : {}) });
}

/** The archive staff check originals (ARCHIVE_STAFF); the overseers resolve exceptions. */
export const EXCEPTION_RESOLVERS = ["SUPERVISOR", "ADMIN"] as const;


/** The board's figures and the floor's list change with originals: open boards reload. Never throws. */
export async function announcePaper(): Promise<void> {
  await publishBoardChange({ at: new Date().toISOString(), kind: "paper" }).catch(() => undefined);
}

// ── The company's setting ────────────────────────────────────────────────────────────────────────

export type PaperSettingsRow = { companyId: string; code: string; name: string; nameZh: string; payOnPaper: boolean; originalsDueWorkingDays: number; awaiting: number; overdue: number };

/** An admin's companies with their paper settings and what awaits (so the effect of switching is visible). */
export async function listPaperSettings(actor: Actor, now = new Date()): Promise<PaperSettingsRow[]> {
  if (!hasRole(actor, "ADMIN")) throw refuse("forbidden", "Only admins set how a company pays.", 403);
  const ids = await staffCompanyIds(prisma, actor);
  const today = localDay(now);
  const [companies, counts] = await Promise.all([
    prisma.company.findMany({ where: { id: { in: ids } }, orderBy: { code: "asc" }, select: { id: true, code: true, name: true, nameZh: true, payOnPaper: true, originalsDueWorkingDays: true } }),
    prisma.$queryRaw<{ companyId: string; awaiting: number; overdue: number }[]>`
      SELECT company_id AS "companyId", count(*)::int AS awaiting, count(*) FILTER (WHERE due_on < ${today}::date)::int AS overdue
        FROM paper_original WHERE company_id = ANY(${ids}::text[]) AND status IN ('AWAITING', 'DISCREPANCY')
       GROUP BY company_id`,
  ]);
  const byCompany = new Map(counts.map((c) => [c.companyId, c]));
  return companies.map((c) => ({
    companyId: c.id,
    code: c.code,
    name: c.name,
    nameZh: c.nameZh,
    payOnPaper: c.payOnPaper,
    originalsDueWorkingDays: c.originalsDueWorkingDays,
    awaiting: byCompany.get(c.id)?.awaiting ?? 0,
    overdue: byCompany.get(c.id)?.overdue ?? 0,
  }));
}

/** Sets one company's paper settings: one transaction with its audit event (before and after). Another company is not found. */
export async function setPaperSettings(actor: Actor, input: Omit<PaperSettingsInput, "intent">): Promise<void> {
  if (!hasRole(actor, "ADMIN")) throw refuse("forbidden", "Only admins set how a company pays.", 403);
  await prisma.$transaction(async (tx) => {
    const ids = await staffCompanyIds(tx, actor);
    if (!ids.includes(input.companyId)) throw refuse("not_found");
    const [before] = await tx.$queryRaw<{ pay_on_paper: boolean; days: number }[]>`
      SELECT pay_on_paper, originals_due_working_days AS days FROM company WHERE id = ${input.companyId} FOR UPDATE`;
    if (!before) throw refuse("not_found");
    if (before.pay_on_paper === input.payOnPaper && before.days === input.originalsDueWorkingDays) return;
    await tx.company.update({ where: { id: input.companyId }, data: { payOnPaper: input.payOnPaper, originalsDueWorkingDays: input.originalsDueWorkingDays } });
    await recordAudit(tx, {
      actorId: actor.id,
      type: "company.paper_settings",
      data: {
        companyId: input.companyId,
        before: { payOnPaper: before.pay_on_paper, originalsDueWorkingDays: before.days },
        after: { payOnPaper: input.payOnPaper, originalsDueWorkingDays: input.originalsDueWorkingDays },
      },
    });
  });
}

// ── The board and the floor ──────────────────────────────────────────────────────────────────────

export type PaperFigures = { expected: number; receivedToday: number; overdue: number };

/**
 * The board's paper tile for these companies: originals still expected (awaiting or in discrepancy),
 * received today (SSC day, up to `now`), and overdue (expected, due before today). Each count walks an
 * index: (company_id, status), (status, due_on) and received_at.
 */
export async function paperFigures(companyIds: readonly string[], now = new Date()): Promise<PaperFigures> {
  const ids = [...companyIds];
  const today = localDay(now);
  const { start, end } = dayRange(today);
  const until = now < end ? now : end;
  const [row] = await prisma.$queryRaw<PaperFigures[]>`
    SELECT (SELECT count(*)::int FROM paper_original WHERE company_id = ANY(${ids}::text[]) AND status IN ('AWAITING', 'DISCREPANCY')) AS expected,
           (SELECT count(*)::int FROM paper_original WHERE received_at >= ${start} AND received_at < ${until} AND company_id = ANY(${ids}::text[])) AS "receivedToday",
           (SELECT count(*)::int FROM paper_original WHERE status IN ('AWAITING', 'DISCREPANCY') AND due_on < ${today}::date AND company_id = ANY(${ids}::text[])) AS overdue`;
  return row ?? { expected: 0, receivedToday: 0, overdue: 0 };
}


/** Claims of these companies whose originals are overdue, most overdue first (the (status, due_on) index). */
export async function overdueOriginals(companyIds: readonly string[], now = new Date(), limit = 100): Promise<{ rows: OverdueOriginal[]; total: number }> {
  const ids = [...companyIds];
  const today = localDay(now);
  const [rows, [count]] = await Promise.all([
    prisma.$queryRaw<(Omit<OverdueOriginal, "dueOn" | "daysOverdue"> & { dueOn: Date })[]>`
      SELECT po.claim_id AS "claimId", c.number, u.name AS "claimantName", co.code AS "companyCode", co.name AS "companyName",
             co.name_zh AS "companyNameZh", po.status, po.due_on AS "dueOn",
             (SELECT d.kind FROM paper_discrepancy d WHERE d.claim_id = po.claim_id AND d.resolved_at IS NULL ORDER BY d.raised_at LIMIT 1) AS "openDiscrepancy"
        FROM paper_original po
        JOIN claim c ON c.id = po.claim_id
        JOIN app_user u ON u.id = c.claimant_id
        JOIN company co ON co.id = po.company_id
       WHERE po.status IN ('AWAITING', 'DISCREPANCY') AND po.due_on < ${today}::date AND po.company_id = ANY(${ids}::text[])
       ORDER BY po.due_on, c.number
       LIMIT ${limit}`,
    prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM paper_original
       WHERE status IN ('AWAITING', 'DISCREPANCY') AND due_on < ${today}::date AND company_id = ANY(${ids}::text[])`,
  ]);
  return {
    rows: rows.map((r) => ({ ...r, dueOn: isoDate(r.dueOn), daysOverdue: daysOverdue(isoDate(r.dueOn), today) })),
    total: count?.n ?? 0,
  };
}


/** Open scan-to-paper exceptions of these companies, oldest first. */
export async function openExceptions(companyIds: readonly string[], limit = 100): Promise<OpenException[]> {
  const rows = await prisma.$queryRaw<{ id: string; claimId: string; number: string; claimantName: string; companyCode: string; reason: string; raisedByName: string; raisedAt: Date }[]>`
    SELECT d.id, d.claim_id AS "claimId", c.number, u.name AS "claimantName", co.code AS "companyCode", d.reason,
           r.name AS "raisedByName", d.raised_at AS "raisedAt"
      FROM paper_discrepancy d
      JOIN claim c ON c.id = d.claim_id
      JOIN company co ON co.id = c.company_id
      JOIN app_user u ON u.id = c.claimant_id
      JOIN app_user r ON r.id = d.raised_by_id
     WHERE d.resolved_at IS NULL AND d.kind = 'DIFFERS' AND d.outcome = 'EXCEPTION' AND c.company_id = ANY(${[...companyIds]}::text[])
     ORDER BY d.raised_at
     LIMIT ${limit}`;
  return rows.map((r) => ({ ...r, reason: differsReasonCode(r.reason), reasonText: r.reason, raisedAt: r.raisedAt.toISOString() }));
}

/** The floor's paper panel for these companies: the most overdue originals and the open exceptions. */
export async function paperFloor(companyIds: readonly string[], now = new Date()): Promise<PaperFloor> {
  const [overdue, exceptions] = await Promise.all([overdueOriginals(companyIds, now, 50), openExceptions(companyIds, 50)]);
  return { overdue: overdue.rows, overdueTotal: overdue.total, exceptions };
}

// ── The scan-to-paper check ──────────────────────────────────────────────────────────────────────

export type PaperCheckView = {
  claim: {
    id: string;
    number: string;
    status: ClaimStatus;
    version: number;
    purpose: string;
    claimantName: string;
    company: { code: string; name: string; nameZh: string; payOnPaper: boolean };
  };
  original: { status: PaperStatus; dueOn: string; receivedAt: string | null; receiptCount: number } | null;
  receipts: { id: string; label: string; fileName: string; ready: boolean; lineNumbers: number[] }[];
  lines: { id: string; number: number; spentOn: string; categoryCode: string; merchant: string; amountMinor: string; currency: string; receiptLabels: string[] }[];
  discrepancies: {
    id: string;
    kind: string;
    reason: DiffersReason | null;
    reasonText: string;
    missingReceipts: string[];
    outcome: string | null;
    raisedByName: string;
    raisedAt: string;
    resolvedAt: string | null;
    resolvedByName: string | null;
    resolution: string | null;
  }[];
  outcomes: DiffersOutcome[];
  canCheck: boolean;
  canResolve: boolean;
};

/** The claim's company, when the actor is archive staff of it; otherwise a 404 (the claim is not theirs to see). */
async function assertArchiveStaffOf(db: Db | Tx, actor: Actor, claimId: string): Promise<{ companyId: string }> {
  if (!hasRole(actor, ...ARCHIVE_STAFF)) throw refuse("not_found", undefined, 404);
  const claim = await db.claim.findUnique({ where: { id: claimId }, select: { companyId: true, status: true } });
  if (!claim || claim.status === "DRAFT") throw refuse("not_found", undefined, 404);
  const ids = await staffCompanyIds(db, actor);
  if (!ids.includes(claim.companyId)) throw refuse("not_found", undefined, 404);
  return { companyId: claim.companyId };
}

/** Refuses (404) anyone but archive staff of the claim's company: checked before a form is read. */
export async function assertPaperCheckAccess(actor: Actor, claimId: string): Promise<void> {
  await assertArchiveStaffOf(prisma, actor, claimId);
}

/** What the scan-to-paper page shows: receipts numbered as on the cover sheet (R1, R2, … by upload), the lines, the findings. */
export async function paperCheckView(actor: Actor, claimId: string): Promise<PaperCheckView> {
  await assertArchiveStaffOf(prisma, actor, claimId);
  const [claim, original, discrepancies] = await Promise.all([
    prisma.claim.findUniqueOrThrow({
      where: { id: claimId },
      select: {
        id: true,
        number: true,
        status: true,
        version: true,
        purpose: true,
        claimant: { select: { name: true } },
        company: { select: { code: true, name: true, nameZh: true, payOnPaper: true } },
        lines: {
          orderBy: { position: "asc" },
          select: {
            id: true,
            spentOn: true,
            categoryCode: true,
            merchant: true,
            amountMinor: true,
            currency: true,
            // A line's receipt labels in label order (R1 before R2): the receipts' own order below.
            receipts: { orderBy: [{ receipt: { createdAt: "asc" } }, { receiptId: "asc" }], select: { receiptId: true } },
          },
        },
        // The cover sheet's order (app/domain/cover-sheet.ts): R1 is the first uploaded.
        receipts: { orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true, fileName: true, file: { select: { status: true } } } },
      },
    }),
    prisma.paperOriginal.findUnique({ where: { claimId }, select: { status: true, dueOn: true, receivedAt: true, receiptCount: true } }),
    prisma.paperDiscrepancy.findMany({ where: { claimId }, orderBy: { raisedAt: "asc" } }),
  ]);
  const people = [...new Set(discrepancies.flatMap((d) => [d.raisedById, ...(d.resolvedById ? [d.resolvedById] : [])]))];
  const names = new Map((await prisma.user.findMany({ where: { id: { in: people } }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));
  const labelOf = new Map(claim.receipts.map((r, i) => [r.id, receiptLabel(i + 1)]));
  return {
    claim: {
      id: claim.id,
      number: claim.number,
      status: claim.status as ClaimStatus,
      version: claim.version,
      purpose: claim.purpose,
      claimantName: claim.claimant.name,
      company: claim.company,
    },
    original: original
      ? { status: original.status as PaperStatus, dueOn: isoDate(original.dueOn), receivedAt: original.receivedAt?.toISOString() ?? null, receiptCount: original.receiptCount }
      : null,
    receipts: claim.receipts.map((r, i) => ({
      id: r.id,
      label: receiptLabel(i + 1),
      fileName: r.fileName,
      ready: r.file.status === "READY",
      lineNumbers: claim.lines.flatMap((l, n) => (l.receipts.some((x) => x.receiptId === r.id) ? [n + 1] : [])),
    })),
    lines: claim.lines.map((l, n) => ({
      id: l.id,
      number: n + 1,
      spentOn: isoDate(l.spentOn),
      categoryCode: l.categoryCode,
      merchant: l.merchant,
      amountMinor: l.amountMinor.toString(),
      currency: l.currency,
      receiptLabels: l.receipts.flatMap((x) => (labelOf.has(x.receiptId) ? [labelOf.get(x.receiptId)!] : [])),
    })),
    discrepancies: discrepancies.map((d) => ({
      id: d.id,
      kind: d.kind,
      reason: d.kind === "DIFFERS" ? differsReasonCode(d.reason) : null,
      reasonText: d.reason,
      missingReceipts: d.missingReceipts.map((n) => receiptLabel(n)),
      outcome: d.outcome,
      raisedByName: names.get(d.raisedById) ?? "",
      raisedAt: d.raisedAt.toISOString(),
      resolvedAt: d.resolvedAt?.toISOString() ?? null,
      resolvedByName: d.resolvedById ? (names.get(d.resolvedById) ?? "") : null,
      resolution: d.resolution,
    })),
    outcomes: differsOutcomes(claim.status as ClaimStatus),
    canCheck: canCheckPaper(claim.status as ClaimStatus),
    canResolve: hasRole(actor, ...EXCEPTION_RESOLVERS),
  };
}

/**
 * Records "the original differs from the image" at the claim version the checker saw: a DIFFERS
 * discrepancy with its reason and outcome, the originals put in DISCREPANCY (when still awaited or
 * received), and either the claim returned to its claimant (its open task cancelled, its budget released,
 * the claimant told) or an exception the company's supervisors are told of. One transaction.
 */
export async function recordDiffers(actor: Actor, claimId: string, input: Omit<DiffersInput, "intent">, now = new Date()): Promise<{ discrepancyId: string; returned: boolean }> {
  const result = await prisma.$transaction(async (tx) => {
    const { companyId } = await assertArchiveStaffOf(tx, actor, claimId);
    const [claim] = await tx.$queryRaw<{ status: ClaimStatus; version: number; claimant_id: string; number: string }[]>`
      SELECT status::text AS status, version, claimant_id, number FROM claim WHERE id = ${claimId} FOR UPDATE`;
    if (!claim) throw refuse("not_found", undefined, 404);
    if (claim.version !== input.claimVersion) throw refuse("stale", "The claim changed since the page was opened.", 409);
    if (!canCheckPaper(claim.status)) throw refuse("not_checkable", undefined, 409);
    const reasonText = differsReasonText(input);
    const discrepancyId = newId();
    let returned = false;

    if (input.outcome === "RETURN") {
      const action = paperReturnAction(claim.status);
      const moved = action ? transition(claim.status, action) : null;
      if (!moved?.ok) throw refuse("cannot_return", "This claim can no longer be returned: open an exception for the supervisor.", 409);
      const open = await tx.task.findMany({
        where: { claimId, type: { in: ["MANAGER_APPROVAL", "REVIEW"] }, status: { in: ["OPEN", "IN_PROGRESS"] } },
        select: { id: true },
      });
      if (open.length > 0) {
        await tx.task.updateMany({ where: { id: { in: open.map((t) => t.id) } }, data: { status: "CANCELLED", finishedAt: now } });
        await emitTaskEvents(tx, open.map((t) => t.id), "cancelled", now);
      }
      const updated = await tx.claim.update({ where: { id: claimId }, data: { status: moved.to, version: { increment: 1 } }, select: { version: true } });
      const { releasedMinor } = await releaseClaim(tx, { claimId, version: updated.version, actorId: actor.id, reason: "returned" });
      await recordAudit(tx, {
        claimId,
        actorId: actor.id,
        type: "claim.returned",
        fromStatus: claim.status,
        toStatus: moved.to,
        data: { by: "archive", paperReason: input.reason, reasonCodes: [], comment: [input.receipts ? `[${input.receipts}]` : "", input.note].filter(Boolean).join(" "), discrepancyId, cancelledTaskIds: open.map((t) => t.id), budget: { releasedMinor: releasedMinor.toString() } },
      });
      await notify(tx, claim.claimant_id, "paper.returned", { claimId, claimNumber: claim.number, reason: input.reason, note: input.note });
      returned = true;
    }

    await tx.paperDiscrepancy.create({
      data: { id: discrepancyId, claimId, kind: "DIFFERS", reason: reasonText, outcome: STORED_OUTCOME[input.outcome], raisedById: actor.id, raisedAt: now },
    });
    const [original] = await tx.$queryRaw<{ status: PaperStatus }[]>`SELECT status FROM paper_original WHERE claim_id = ${claimId} FOR UPDATE`;
    const paper = original ? paperTransition(original.status, "reportDiscrepancy") : null;
    if (paper?.ok) await tx.paperOriginal.update({ where: { claimId }, data: { status: paper.to, updatedAt: now } });
    await recordAudit(tx, {
      claimId,
      actorId: actor.id,
      type: "paper.differs",
      data: { discrepancyId, reason: input.reason, receipts: input.receipts, note: input.note, outcome: STORED_OUTCOME[input.outcome], paper: paper?.ok ? { from: paper.from, to: paper.to } : null },
    });
    if (!returned) {
      const members = (await tx.userCompany.findMany({ where: { companyId }, select: { userId: true } })).map((m) => m.userId);
      const supervisors = await tx.user.findMany({ where: { id: { in: members, not: actor.id }, active: true, roles: { has: "SUPERVISOR" } }, select: { id: true } });
      for (const s of supervisors) await notify(tx, s.id, "paper.exception", { claimId, claimNumber: claim.number, reason: input.reason });
    }
    return { discrepancyId, returned };
  });
  await announcePaper();
  return result;
}

/**
 * A supervisor (or admin) of the claim's company closes an open DIFFERS exception with a note. When it
 * was the originals' last open finding, the originals (in hand at the check) count as received again.
 */
export async function resolveException(actor: Actor, discrepancyId: string, resolution: string, now = new Date()): Promise<void> {
  if (!hasRole(actor, ...EXCEPTION_RESOLVERS)) throw refuse("forbidden", "Only a supervisor resolves an exception.", 403);
  const note = resolution.trim();
  if (!note) throw new AppError("invalid", { fieldErrors: { resolution: "resolution_required" } });
  await prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ claim_id: string; kind: string; outcome: string | null; resolved_at: Date | null }[]>`
      SELECT claim_id, kind, outcome, resolved_at FROM paper_discrepancy WHERE id = ${discrepancyId} FOR UPDATE`;
    if (!row) throw refuse("not_found", undefined, 404);
    await assertArchiveStaffOf(tx, actor, row.claim_id);
    const refusal = resolveRefusal({ kind: row.kind, outcome: row.outcome, resolvedAt: row.resolved_at });
    if (refusal) throw refuse(refusal, undefined, 409);
    await tx.paperDiscrepancy.update({ where: { id: discrepancyId }, data: { resolvedAt: now, resolvedById: actor.id, resolution: note } });
    const stillOpen = await tx.paperDiscrepancy.count({ where: { claimId: row.claim_id, resolvedAt: null } });
    const [original] = await tx.$queryRaw<{ status: PaperStatus }[]>`SELECT status FROM paper_original WHERE claim_id = ${row.claim_id} FOR UPDATE`;
    const paper = original && stillOpen === 0 ? paperTransition(original.status, "receiveResent") : null;
    if (paper?.ok) {
      await tx.$executeRaw`
        UPDATE paper_original SET status = ${paper.to}, received_at = coalesce(received_at, ${now}), received_by_id = coalesce(received_by_id, ${actor.id}), updated_at = ${now}
         WHERE claim_id = ${row.claim_id}`;
    }
    await recordAudit(tx, {
      claimId: row.claim_id,
      actorId: actor.id,
      type: "paper.exception_resolved",
      data: { discrepancyId, resolution: note, paper: paper?.ok ? { from: paper.from, to: paper.to } : null },
    });
  });
  await announcePaper();
}
