/**
 * Appraisal and destruction of archive records (issue 12; rules in app/domain/retention.ts).
 *
 * - The appraisal list: FILED records of the viewer's companies whose retention is over, not under legal hold.
 * - A proposal (destruction_request PROPOSED + items) per company, never twice for a record in an open request.
 * - Two approvals, two people, two capacities (ARCHIVIST / SUPERVISOR / ADMIN), neither the requester; the
 *   second makes the request APPROVED.
 * - Execution: one transaction writes a destruction_register row per record (kept permanently: a trigger
 *   refuses UPDATE/DELETE), marks the records DESTROYED and the request EXECUTED, with audit events; the
 *   package files are removed only after the commit. If the commit fails, no file was touched; if removing
 *   files fails after it, executing again finds the request EXECUTED and finishes the removal (idempotent).
 *   archive_file rows (the digests) are kept.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { hasRole, type Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { csvText } from "~/domain/csv";
import {
  DESTRUCTION_APPROVER_ROLES,
  checkDestructionApproval,
  destructionApproved,
  destructionCapacities,
  retentionOver,
  type DestructionApproval,
  type DestructionApproverRole,
} from "~/domain/retention";
import type { Role } from "~/domain/route-manifest";
import type { Prisma } from "~/generated/prisma/client";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { storageRoot } from "~/utils/storage.server";
import { recordAudit } from "./audit.server";
import { archiveCompanyIds } from "./archive-staff.server";
import { retentionToday } from "./retention.server";

const isoDay = (d: Date | null): string | null => (d ? d.toISOString().slice(0, 10) : null);

// ── where packages live ──

/** The archive store: every package directory is under it. */
export function archiveRoot(): string {
  return path.join(storageRoot(), "archive");
}

/**
 * The package directory of `packagePath` (archive_record.package_path): relative to STORAGE_DIR when it
 * starts with "archive/", else to the archive store; an absolute path must lie inside the archive store.
 * Anything that would land outside it (.., another root) is refused: destruction never removes other files.
 */
export function packageDir(packagePath: string): string {
  const root = archiveRoot();
  const p = packagePath.replace(/\\/g, "/");
  const abs = path.isAbsolute(p) ? path.resolve(p) : p.startsWith("archive/") ? path.resolve(storageRoot(), p) : path.resolve(root, p);
  if (!abs.startsWith(root + path.sep)) throw new Error(`package path outside the archive store: ${packagePath}`);
  return abs;
}

const gone = (err: unknown) => (err as NodeJS.ErrnoException).code === "ENOENT";

/** Ignores "already gone": two removals of the same package may run at once (an execution and its retry). */
async function unlessGone(step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch (err) {
    if (!gone(err)) throw err;
  }
}

/** Removes a package directory with its read-only files (each made writable first); a missing one is fine. */
export async function removePackage(dir: string): Promise<void> {
  let entries: import("node:fs").Dirent[];
  try {
    await fs.chmod(dir, 0o700);
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (gone(err)) return;
    throw err;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await removePackage(p);
    else {
      await unlessGone(() => fs.chmod(p, 0o600));
      await unlessGone(() => fs.unlink(p));
    }
  }
  // The parent may be read-only too (the archive writes once); make it writable only as long as needed.
  const parent = path.dirname(dir);
  const mode = (await fs.stat(parent)).mode & 0o777;
  if ((mode & 0o200) === 0) await fs.chmod(parent, mode | 0o200);
  try {
    await unlessGone(() => fs.rmdir(dir));
  } finally {
    if ((mode & 0o200) === 0) await fs.chmod(parent, mode);
  }
}

// ── the appraisal list ──

export type AppraisalFilters = { companyId?: string; docType?: string; closedYear?: number; claimNumber?: string; page?: number };
export type AppraisalItem = {
  id: string;
  claimNumber: string;
  companyId: string;
  companyCode: string;
  claimantName: string;
  docType: string;
  outcome: string;
  totalMinor: bigint;
  currency: string;
  closedOn: string;
  retentionYears: number | null;
  retentionEndsOn: string | null;
  fileCount: number;
  totalBytes: bigint;
  /** An open (PROPOSED or APPROVED) request that already holds it. */
  openRequestId: string | null;
};

export const APPRAISAL_PAGE_SIZE = 50;

/**
 * Records due for appraisal on `today`: FILED, retention over (retention_ends_on before today; permanent
 * ones have none), not under legal hold, in the viewer's companies; filtered, oldest first, paginated.
 */
export async function listAppraisal(
  viewer: Actor,
  filters: AppraisalFilters = {},
  { today = retentionToday(), db = prisma }: { today?: string; db?: Db } = {},
): Promise<{ items: AppraisalItem[]; total: number; page: number; pageSize: number }> {
  const ids = await archiveCompanyIds(db, viewer);
  const companies = filters.companyId ? ids.filter((id) => id === filters.companyId) : ids;
  const page = Math.max(1, Math.floor(filters.page ?? 1));
  const docType = filters.docType || null;
  const year = filters.closedYear ?? null;
  const number = filters.claimNumber?.trim() ? `%${filters.claimNumber.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const where = `r.status = 'FILED' AND NOT r.legal_hold AND r.retention_ends_on < $1::date AND r.company_id = ANY($2::text[])
     AND ($3::text IS NULL OR r.doc_type = $3) AND ($4::int IS NULL OR extract(year FROM r.closed_on)::int = $4)
     AND ($5::text IS NULL OR r.claim_number ILIKE $5)`;
  const args = [today, companies, docType, year, number] as const;
  const [{ n } = { n: 0 }] = await db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM archive_record r WHERE ${where}`, ...args);
  const rows = await db.$queryRawUnsafe<
    {
      id: string;
      claim_number: string;
      company_id: string;
      code: string;
      claimant_name: string;
      doc_type: string;
      outcome: string;
      total_minor: bigint;
      currency: string;
      closed_on: Date;
      retention_years: number | null;
      retention_ends_on: Date | null;
      file_count: number;
      total_bytes: bigint;
      open_request_id: string | null;
    }[]
  >(
    `SELECT r.id, r.claim_number, r.company_id, c.code, r.claimant_name, r.doc_type, r.outcome, r.total_minor, r.currency, r.closed_on,
            r.retention_years, r.retention_ends_on, r.file_count, r.total_bytes,
            (SELECT i.request_id FROM destruction_item i JOIN destruction_request q ON q.id = i.request_id
              WHERE i.record_id = r.id AND q.status IN ('PROPOSED', 'APPROVED') LIMIT 1) AS open_request_id
       FROM archive_record r JOIN company c ON c.id = r.company_id
      WHERE ${where}
      ORDER BY r.retention_ends_on, r.closed_on, r.claim_number
      LIMIT ${APPRAISAL_PAGE_SIZE} OFFSET ${(page - 1) * APPRAISAL_PAGE_SIZE}`,
    ...args,
  );
  return {
    total: n,
    page,
    pageSize: APPRAISAL_PAGE_SIZE,
    items: rows.map((r) => ({
      id: r.id,
      claimNumber: r.claim_number,
      companyId: r.company_id,
      companyCode: r.code,
      claimantName: r.claimant_name,
      docType: r.doc_type,
      outcome: r.outcome,
      totalMinor: r.total_minor,
      currency: r.currency,
      closedOn: isoDay(r.closed_on)!,
      retentionYears: r.retention_years,
      retentionEndsOn: isoDay(r.retention_ends_on),
      fileCount: r.file_count,
      totalBytes: r.total_bytes,
      openRequestId: r.open_request_id,
    })),
  };
}

// ── proposing ──

const REASON_MAX = 1000;

type LockedRecord = {
  id: string;
  claim_id: string;
  claim_number: string;
  company_id: string;
  status: string;
  legal_hold: boolean;
  retention_ends_on: Date | null;
};

async function lockRecords(tx: Tx, recordIds: readonly string[]): Promise<LockedRecord[]> {
  return tx.$queryRaw<LockedRecord[]>`
    SELECT id, claim_id, claim_number, company_id, status, legal_hold, retention_ends_on
      FROM archive_record WHERE id = ANY(${recordIds as string[]}::text[]) ORDER BY id FOR UPDATE`;
}

/** Why each record may not be destroyed now (empty when all may): destroyed, held, not due. */
function refusals(records: readonly LockedRecord[], today: string): { claimNumber: string; problem: "destroyed" | "legal_hold" | "not_due" }[] {
  const out: { claimNumber: string; problem: "destroyed" | "legal_hold" | "not_due" }[] = [];
  for (const r of records) {
    if (r.status !== "FILED") out.push({ claimNumber: r.claim_number, problem: "destroyed" });
    else if (r.legal_hold) out.push({ claimNumber: r.claim_number, problem: "legal_hold" });
    else if (!retentionOver(isoDay(r.retention_ends_on), today)) out.push({ claimNumber: r.claim_number, problem: "not_due" });
  }
  return out;
}

/**
 * Proposes the destruction of `recordIds` (archive staff of their companies) with a reason: one request per
 * company, PROPOSED, audited. Refused whole if any record is outside the viewer's companies (not_found),
 * destroyed, under legal hold, not yet due (`not_destroyable`, details.items), or already in an open
 * request (`already_proposed`, details.claimNumbers). Answers the new requests' ids.
 */
export async function proposeDestruction(
  { viewer, recordIds, reason }: { viewer: Actor; recordIds: readonly string[]; reason: string },
  { today = retentionToday(), db = prisma }: { today?: string; db?: Db } = {},
): Promise<string[]> {
  const why = reason.trim();
  if (!why) throw new AppError("invalid", { fieldErrors: { reason: "required" } });
  if (why.length > REASON_MAX) throw new AppError("invalid", { fieldErrors: { reason: "too_long" } });
  const unique = [...new Set(recordIds)];
  if (unique.length === 0) throw new AppError("invalid", { fieldErrors: { recordIds: "required" } });
  if (unique.length > 500) throw new AppError("invalid", { fieldErrors: { recordIds: "too_big" } });
  const ids = await archiveCompanyIds(db, viewer);
  return db.$transaction(async (tx) => {
    const records = await lockRecords(tx, unique);
    if (records.length !== unique.length || records.some((r) => !ids.includes(r.company_id))) throw new AppError("not_found");
    const refused = refusals(records, today);
    if (refused.length > 0) throw new AppError("not_allowed", { reason: "not_destroyable", details: { items: refused } });
    // Under the records' locks, a concurrent proposal of the same records has committed or waits for us.
    const taken = await tx.$queryRaw<{ claim_number: string }[]>`
      SELECT r.claim_number FROM destruction_item i
        JOIN destruction_request q ON q.id = i.request_id JOIN archive_record r ON r.id = i.record_id
       WHERE i.record_id = ANY(${unique}::text[]) AND q.status IN ('PROPOSED', 'APPROVED')`;
    if (taken.length > 0) throw new AppError("conflict", { reason: "already_proposed", details: { claimNumbers: taken.map((t) => t.claim_number) } });
    const byCompany = new Map<string, LockedRecord[]>();
    for (const r of records) byCompany.set(r.company_id, [...(byCompany.get(r.company_id) ?? []), r]);
    const requestIds: string[] = [];
    for (const [companyId, rows] of byCompany) {
      const id = randomUUID();
      await tx.destructionRequest.create({ data: { id, companyId, reason: why, requestedById: viewer.id } });
      await tx.destructionItem.createMany({ data: rows.map((r) => ({ requestId: id, recordId: r.id })) });
      await recordAudit(tx, {
        actorId: viewer.id,
        type: "archive.destruction_proposed",
        data: { requestId: id, companyId, reason: why, recordIds: rows.map((r) => r.id), claimNumbers: rows.map((r) => r.claim_number) },
      });
      requestIds.push(id);
    }
    return requestIds;
  });
}

// ── the requests ──

export type RequestSummary = {
  id: string;
  companyId: string;
  companyCode: string;
  status: string;
  reason: string;
  requestedBy: string;
  requestedAt: Date;
  itemCount: number;
  approvalCount: number;
};

/** Requests of the viewer's companies: open ones first, then the latest 50 closed. */
export async function listDestructionRequests(viewer: Actor, db: Db = prisma): Promise<RequestSummary[]> {
  const ids = await archiveCompanyIds(db, viewer);
  const rows = await db.$queryRaw<
    { id: string; company_id: string; code: string; status: string; reason: string; requested_by: string; requested_at: Date; items: number; approvals: number }[]
  >`
    SELECT q.id, q.company_id, c.code, q.status, q.reason, u.name AS requested_by, q.requested_at,
           (SELECT count(*)::int FROM destruction_item i WHERE i.request_id = q.id) AS items,
           (SELECT count(*)::int FROM destruction_approval a WHERE a.request_id = q.id) AS approvals
      FROM destruction_request q JOIN company c ON c.id = q.company_id JOIN app_user u ON u.id = q.requested_by_id
     WHERE q.company_id = ANY(${ids}::text[])
     ORDER BY (q.status IN ('PROPOSED', 'APPROVED')) DESC, q.requested_at DESC
     LIMIT 100`;
  return rows.map((r) => ({
    id: r.id,
    companyId: r.company_id,
    companyCode: r.code,
    status: r.status,
    reason: r.reason,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    itemCount: r.items,
    approvalCount: r.approvals,
  }));
}

export type RequestDetail = RequestSummary & {
  requestedById: string;
  executedAt: Date | null;
  cancelledAt: Date | null;
  items: { id: string; claimNumber: string; claimantName: string; docType: string; closedOn: string; retentionYears: number | null; retentionEndsOn: string | null; status: string; legalHold: boolean; fileCount: number; totalBytes: bigint }[];
  approvals: { approverId: string; approver: string; asRole: DestructionApproverRole; note: string; approvedAt: Date }[];
  /** What the viewer may do now. */
  can: { approveAs: DestructionApproverRole[]; execute: boolean; cancel: boolean };
  /** Items that stop execution now: held, destroyed, or no longer due (their retention was lengthened). */
  blocked: { claimNumber: string; problem: "destroyed" | "legal_hold" | "not_due" }[];
};

/** One request of the viewer's companies (another company's or an unknown id: null → 404). */
export async function destructionRequestDetail(
  viewer: Actor,
  requestId: string,
  { today = retentionToday(), db = prisma }: { today?: string; db?: Db } = {},
): Promise<RequestDetail | null> {
  const ids = await archiveCompanyIds(db, viewer);
  const q = await db.destructionRequest.findUnique({ where: { id: requestId } });
  if (!q || !ids.includes(q.companyId)) return null;
  const [company, requester, items, approvals] = await Promise.all([
    db.company.findUniqueOrThrow({ where: { id: q.companyId }, select: { code: true } }),
    db.user.findUnique({ where: { id: q.requestedById }, select: { name: true } }),
    db.$queryRaw<(LockedRecord & { claimant_name: string; doc_type: string; closed_on: Date; retention_years: number | null; file_count: number; total_bytes: bigint })[]>`
      SELECT r.id, r.claim_id, r.claim_number, r.company_id, r.status, r.legal_hold, r.retention_ends_on, r.claimant_name, r.doc_type, r.closed_on,
             r.retention_years, r.file_count, r.total_bytes
        FROM destruction_item i JOIN archive_record r ON r.id = i.record_id WHERE i.request_id = ${requestId} ORDER BY r.claim_number`,
    db.$queryRaw<{ approver_id: string; name: string; as_role: DestructionApproverRole; note: string; approved_at: Date }[]>`
      SELECT a.approver_id, u.name, a.as_role, a.note, a.approved_at FROM destruction_approval a JOIN app_user u ON u.id = a.approver_id
       WHERE a.request_id = ${requestId} ORDER BY a.approved_at`,
  ]);
  const given: DestructionApproval[] = approvals.map((a) => ({ approverId: a.approver_id, approverRoles: [a.as_role], as: a.as_role }));
  const open = q.status === "PROPOSED" || q.status === "APPROVED";
  const blocked = q.status === "EXECUTED" || q.status === "CANCELLED" ? [] : refusals(items, today);
  return {
    id: q.id,
    companyId: q.companyId,
    companyCode: company.code,
    status: q.status,
    reason: q.reason,
    requestedBy: requester?.name ?? "",
    requestedById: q.requestedById,
    requestedAt: q.requestedAt,
    executedAt: q.executedAt,
    cancelledAt: q.cancelledAt,
    itemCount: items.length,
    approvalCount: approvals.length,
    items: items.map((r) => ({
      id: r.id,
      claimNumber: r.claim_number,
      claimantName: r.claimant_name,
      docType: r.doc_type,
      closedOn: isoDay(r.closed_on)!,
      retentionYears: r.retention_years,
      retentionEndsOn: isoDay(r.retention_ends_on),
      status: r.status,
      legalHold: r.legal_hold,
      fileCount: r.file_count,
      totalBytes: r.total_bytes,
    })),
    approvals: approvals.map((a) => ({ approverId: a.approver_id, approver: a.name, asRole: a.as_role, note: a.note, approvedAt: a.approved_at })),
    can: {
      approveAs: q.status === "PROPOSED" ? destructionCapacities(viewer, q.requestedById, given) : [],
      execute: q.status === "APPROVED" && blocked.length === 0 && mayExecute(viewer, approvals.map((a) => a.approver_id)),
      cancel: open && (viewer.id === q.requestedById || hasRole(viewer, ...DESTRUCTION_APPROVER_ROLES)),
    },
    blocked,
  };
}

/** Who carries out an approved destruction: one of its approvers, or an archivist (of the company, checked by the caller). */
function mayExecute(viewer: Actor, approverIds: readonly string[]): boolean {
  return approverIds.includes(viewer.id) || hasRole(viewer, "ARCHIVIST");
}

type LockedRequest = { id: string; company_id: string; status: string; reason: string; requested_by_id: string };

async function lockRequest(tx: Tx, viewer: Actor, requestId: string, roles?: readonly Role[]): Promise<LockedRequest> {
  const ids = await archiveCompanyIds(tx, viewer, roles);
  const [q] = await tx.$queryRaw<LockedRequest[]>`
    SELECT id, company_id, status, reason, requested_by_id FROM destruction_request WHERE id = ${requestId} FOR UPDATE`;
  if (!q || !ids.includes(q.company_id)) throw new AppError("not_found");
  return q;
}

/**
 * Approves a PROPOSED request in one capacity (`as`): refused by the domain's rules (requester, a role not
 * held or not an approver's, the same person or the same capacity twice, already approved), for a request
 * of another company (not_found) or no longer open (`not_open`). The second valid approval makes it
 * APPROVED. One transaction with its audit event; the table's unique (request, role) backs the rule up.
 */
export async function approveDestruction(
  { viewer, requestId, as, note = "" }: { viewer: Actor; requestId: string; as: string; note?: string },
  db: Db = prisma,
): Promise<{ status: "PROPOSED" | "APPROVED" }> {
  if (!hasRole(viewer, ...DESTRUCTION_APPROVER_ROLES)) throw new AppError("forbidden");
  return db.$transaction(async (tx) => {
    const q = await lockRequest(tx, viewer, requestId);
    if (q.status !== "PROPOSED") throw new AppError("conflict", { reason: q.status === "APPROVED" ? "already_approved" : "not_open" });
    const given = (await tx.destructionApproval.findMany({ where: { requestId }, orderBy: { approvedAt: "asc" } })).map(
      (a): DestructionApproval => ({ approverId: a.approverId, approverRoles: [a.asRole as Role], as: a.asRole as Role }),
    );
    const next: DestructionApproval = { approverId: viewer.id, approverRoles: viewer.roles, as: as as Role };
    const check = checkDestructionApproval(q.requested_by_id, given, next);
    if (!check.ok) throw new AppError("not_allowed", { reason: check.code });
    await tx.destructionApproval.create({ data: { requestId, approverId: viewer.id, asRole: as, note: note.trim().slice(0, 500) } });
    const approved = destructionApproved(q.requested_by_id, [...given, next]).ok;
    if (approved) await tx.destructionRequest.update({ where: { id: requestId }, data: { status: "APPROVED" } });
    await recordAudit(tx, {
      actorId: viewer.id,
      type: "archive.destruction_approved",
      data: { requestId, companyId: q.company_id, as, approvals: given.length + 1, status: approved ? "APPROVED" : "PROPOSED" },
    });
    return { status: approved ? "APPROVED" : "PROPOSED" };
  });
}

/** Cancels an open request (its requester or archive staff of the company): CANCELLED, audited; the records go back on the list. */
export async function cancelDestruction({ viewer, requestId, note = "" }: { viewer: Actor; requestId: string; note?: string }, db: Db = prisma): Promise<void> {
  await db.$transaction(async (tx) => {
    const q = await lockRequest(tx, viewer, requestId);
    if (q.status !== "PROPOSED" && q.status !== "APPROVED") throw new AppError("conflict", { reason: "not_open" });
    await tx.destructionRequest.update({ where: { id: requestId }, data: { status: "CANCELLED", cancelledAt: new Date() } });
    await recordAudit(tx, { actorId: viewer.id, type: "archive.destruction_cancelled", data: { requestId, companyId: q.company_id, from: q.status, note: note.trim().slice(0, 500) } });
  });
}

export type RegisterApproval = { approverId: string; approver: string; email: string; asRole: string; approvedAt: string; note: string };
export type RegisterFile = { path: string; sha256: string; sizeBytes: number; role: string };

/**
 * Carries out an APPROVED request (one of its approvers or an archivist of the company). In one
 * transaction: re-checks the approvals with the domain, re-checks every record under its lock (destroyed,
 * legal hold, retention lengthened since: `not_destroyable`), writes one register row per record, marks them
 * DESTROYED and the request EXECUTED, with audit events. After the commit, removes each package directory.
 * On an EXECUTED request it only finishes removing whatever is left on disk (a retry after a failed
 * removal): `{ alreadyExecuted: true }`.
 */
export async function executeDestruction(
  { viewer, requestId }: { viewer: Actor; requestId: string },
  { today = retentionToday(), db = prisma }: { today?: string; db?: Db } = {},
): Promise<{ destroyed: number; alreadyExecuted: boolean; removedPackages: number }> {
  if (!hasRole(viewer, ...DESTRUCTION_APPROVER_ROLES)) throw new AppError("forbidden");
  const outcome = await db.$transaction(async (tx) => {
    const q = await lockRequest(tx, viewer, requestId);
    const approvals = await tx.$queryRaw<{ approver_id: string; name: string; email: string; as_role: string; note: string; approved_at: Date }[]>`
      SELECT a.approver_id, u.name, u.email, a.as_role, a.note, a.approved_at FROM destruction_approval a JOIN app_user u ON u.id = a.approver_id
       WHERE a.request_id = ${requestId} ORDER BY a.approved_at`;
    if (!mayExecute(viewer, approvals.map((a) => a.approver_id))) throw new AppError("not_allowed", { reason: "not_executor" });
    const itemIds = (await tx.destructionItem.findMany({ where: { requestId }, select: { recordId: true } })).map((i) => i.recordId);
    if (q.status === "EXECUTED") {
      const rows = await tx.archiveRecord.findMany({ where: { id: { in: itemIds } }, select: { packagePath: true } });
      return { alreadyExecuted: true, destroyed: 0, packages: rows.map((r) => r.packagePath) };
    }
    if (q.status !== "APPROVED") throw new AppError("conflict", { reason: q.status === "PROPOSED" ? "not_approved" : "not_open" });
    const check = destructionApproved(
      q.requested_by_id,
      approvals.map((a) => ({ approverId: a.approver_id, approverRoles: [a.as_role as Role], as: a.as_role as Role })),
    );
    if (!check.ok) throw new AppError("not_allowed", { reason: check.code });
    const locked = await lockRecords(tx, itemIds);
    const refused = refusals(locked, today);
    if (refused.length > 0) throw new AppError("not_allowed", { reason: "not_destroyable", details: { items: refused } });

    const requester = await tx.user.findUniqueOrThrow({ where: { id: q.requested_by_id }, select: { name: true, email: true } });
    const registerApprovals: RegisterApproval[] = approvals.map((a) => ({
      approverId: a.approver_id,
      approver: a.name,
      email: a.email,
      asRole: a.as_role,
      approvedAt: a.approved_at.toISOString(),
      note: a.note,
    }));
    const records = await tx.archiveRecord.findMany({ where: { id: { in: itemIds } }, include: { files: { orderBy: { path: "asc" } } } });
    const boxes = await tx.$queryRaw<{ claim_id: string; label: string }[]>`
      SELECT o.claim_id, b.label FROM paper_original o JOIN archive_box b ON b.id = o.box_id
       WHERE o.claim_id = ANY(${records.map((r) => r.claimId)}::text[])`;
    const boxOf = new Map(boxes.map((b) => [b.claim_id, b.label]));
    const now = new Date();
    for (const r of records) {
      const files: RegisterFile[] = r.files.map((f) => ({ path: f.path, sha256: f.sha256, sizeBytes: Number(f.sizeBytes), role: f.role }));
      await tx.destructionRegister.create({
        data: {
          id: randomUUID(),
          requestId,
          recordId: r.id,
          claimNumber: r.claimNumber,
          companyId: r.companyId,
          docType: r.docType,
          closedOn: r.closedOn,
          // A permanent record is never due (refusals above), so the years are there.
          retentionYears: r.retentionYears ?? 0,
          reason: q.reason,
          requestedBy: `${requester.name} <${requester.email}>`,
          approvals: registerApprovals as unknown as Prisma.InputJsonValue,
          manifestSha256: r.manifestSha256,
          files: files as unknown as Prisma.InputJsonValue,
          paperBoxLabel: boxOf.get(r.claimId) ?? null,
          destroyedById: viewer.id,
          destroyedAt: now,
        },
      });
      await recordAudit(tx, {
        claimId: r.claimId,
        actorId: viewer.id,
        type: "archive.record_destroyed",
        data: { requestId, recordId: r.id, claimNumber: r.claimNumber, manifestSha256: r.manifestSha256, files: files.length },
      });
    }
    await tx.archiveRecord.updateMany({ where: { id: { in: itemIds } }, data: { status: "DESTROYED", destroyedAt: now } });
    await tx.destructionRequest.update({ where: { id: requestId }, data: { status: "EXECUTED", executedAt: now } });
    await recordAudit(tx, { actorId: viewer.id, type: "archive.destruction_executed", data: { requestId, companyId: q.company_id, records: records.length } });
    return { alreadyExecuted: false, destroyed: records.length, packages: records.map((r) => r.packagePath) };
  });
  // After the commit: the register and the DESTROYED status are final; now the bytes go. A failure here
  // leaves files that the next call (the request is EXECUTED) removes.
  let removedPackages = 0;
  for (const p of outcome.packages) {
    await removePackage(packageDir(p));
    removedPackages++;
  }
  return { destroyed: outcome.destroyed, alreadyExecuted: outcome.alreadyExecuted, removedPackages };
}

// ── the register ──

export type RegisterFilters = { companyId?: string; year?: number; page?: number };
export type RegisterRow = {
  id: string;
  requestId: string;
  claimNumber: string;
  companyCode: string;
  docType: string;
  closedOn: string;
  retentionYears: number;
  reason: string;
  requestedBy: string;
  approvals: RegisterApproval[];
  manifestSha256: string;
  files: RegisterFile[];
  paperBoxLabel: string | null;
  destroyedBy: string;
  destroyedAt: Date;
};

export const REGISTER_PAGE_SIZE = 50;

async function registerRows(viewer: Actor, filters: RegisterFilters, limit: number | null, db: Db): Promise<{ rows: RegisterRow[]; total: number }> {
  const ids = await archiveCompanyIds(db, viewer);
  const companies = filters.companyId ? ids.filter((id) => id === filters.companyId) : ids;
  const year = filters.year ?? null;
  const page = Math.max(1, Math.floor(filters.page ?? 1));
  const where = `d.company_id = ANY($1::text[]) AND ($2::int IS NULL OR extract(year FROM d.destroyed_at AT TIME ZONE 'Asia/Shanghai')::int = $2)`;
  const [{ n } = { n: 0 }] = await db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM destruction_register d WHERE ${where}`, companies, year);
  const rows = await db.$queryRawUnsafe<
    {
      id: string;
      request_id: string;
      claim_number: string;
      code: string;
      doc_type: string;
      closed_on: Date;
      retention_years: number;
      reason: string;
      requested_by: string;
      approvals: RegisterApproval[];
      manifest_sha256: string;
      files: RegisterFile[];
      paper_box_label: string | null;
      destroyed_by: string;
      destroyed_at: Date;
    }[]
  >(
    `SELECT d.id, d.request_id, d.claim_number, c.code, d.doc_type, d.closed_on, d.retention_years, d.reason, d.requested_by, d.approvals,
            d.manifest_sha256, d.files, d.paper_box_label, u.name AS destroyed_by, d.destroyed_at
       FROM destruction_register d JOIN company c ON c.id = d.company_id JOIN app_user u ON u.id = d.destroyed_by_id
      WHERE ${where}
      ORDER BY d.destroyed_at DESC, d.claim_number
      ${limit === null ? "" : `LIMIT ${limit} OFFSET ${(page - 1) * limit}`}`,
    companies,
    year,
  );
  return {
    total: n,
    rows: rows.map((r) => ({
      id: r.id,
      requestId: r.request_id,
      claimNumber: r.claim_number,
      companyCode: r.code,
      docType: r.doc_type,
      closedOn: isoDay(r.closed_on)!,
      retentionYears: r.retention_years,
      reason: r.reason,
      requestedBy: r.requested_by,
      approvals: r.approvals,
      manifestSha256: r.manifest_sha256.trim(),
      files: r.files,
      paperBoxLabel: r.paper_box_label,
      destroyedBy: r.destroyed_by,
      destroyedAt: r.destroyed_at,
    })),
  };
}

/** The destruction register of the viewer's companies (filters: company, year destroyed), newest first, paginated. */
export async function listRegister(viewer: Actor, filters: RegisterFilters = {}, db: Db = prisma) {
  const { rows, total } = await registerRows(viewer, filters, REGISTER_PAGE_SIZE, db);
  return { rows, total, page: Math.max(1, Math.floor(filters.page ?? 1)), pageSize: REGISTER_PAGE_SIZE };
}

/** The register as CSV (every row of the filter; one line per destroyed record, files as path:sha256:size joined by ';'). */
export async function registerCsv(viewer: Actor, filters: RegisterFilters = {}, db: Db = prisma): Promise<string> {
  const { rows } = await registerRows(viewer, { ...filters, page: 1 }, null, db);
  const header = [
    "claim_number",
    "company",
    "doc_type",
    "closed_on",
    "retention_years",
    "reason",
    "requested_by",
    "approvals",
    "destroyed_by",
    "destroyed_at",
    "manifest_sha256",
    "paper_box_label",
    "files",
  ];
  return csvText([
    header,
    ...rows.map((r) => [
      r.claimNumber,
      r.companyCode,
      r.docType,
      r.closedOn,
      String(r.retentionYears),
      r.reason,
      r.requestedBy,
      r.approvals.map((a) => `${a.approver} <${a.email}> as ${a.asRole} at ${a.approvedAt}`).join("; "),
      r.destroyedBy,
      r.destroyedAt.toISOString(),
      r.manifestSha256,
      r.paperBoxLabel ?? "",
      r.files.map((f) => `${f.path}:${f.sha256}:${f.sizeBytes}`).join("; "),
    ]),
  ]);
}
