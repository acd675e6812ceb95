/**
 * Loans and access (issue 12): anyone signed in asks to VIEW an archived claim or BORROW a box, stating
 * purpose and period; archive staff of the record's or box's company decide (never their own request);
 * an approved VIEW opens the record read-only on the days of its period, every view logged in
 * archive_view; an approved BORROW is lent (ON_LOAN) and returned (RETURNED). Every change is one
 * transaction with its audit event. Rules: app/domain/archive-access.ts.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { DateTime } from "luxon";
import { z } from "zod";
import { hasRole, type Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import {
  allowedRequestActions,
  assertRequestTransition,
  checkLoanDue,
  checkRequestPeriod,
  displayStatus,
  loanStanding,
  PURPOSE_KINDS,
  reminderDue,
  sscToday,
  viewAccess,
  type ArchiveRequestAction,
  type ArchiveRequestDisplayStatus,
  type ArchiveRequestKind,
  type ArchiveRequestStatus,
  type LoanStanding,
  type PurposeKind,
} from "~/domain/archive-access";
import { SSC_TIME_ZONE } from "~/domain/calendar-date";
import { recordAudit } from "~/models/audit.server";
import { notify } from "~/models/notifications.server";
import type { Db, Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { storageRoot } from "~/utils/storage.server";
import { ARCHIVE_STAFF, staffCompanyIds } from "./archive-staff.server";

export const NewArchiveRequestSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("VIEW"),
    claimNumber: z.string().trim().min(1, "required").max(40, "too_long"),
    purposeKind: z.enum(PURPOSE_KINDS),
    purpose: z.string().trim().min(1, "required").max(500, "too_long"),
    fromOn: z.string().trim().min(1, "required"),
    toOn: z.string().trim().min(1, "required"),
  }),
  z.object({
    kind: z.literal("BORROW"),
    boxLabel: z.string().trim().min(1, "required").max(60, "too_long"),
    purposeKind: z.enum(PURPOSE_KINDS),
    purpose: z.string().trim().min(1, "required").max(500, "too_long"),
    fromOn: z.string().trim().min(1, "required"),
    toOn: z.string().trim().min(1, "required"),
  }),
]);
export type NewArchiveRequest = z.output<typeof NewArchiveRequestSchema>;

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const asDate = (iso: string) => new Date(`${iso}T00:00:00.000Z`);


/** Files a request; field errors for an unknown target or a bad period. */
export async function createArchiveRequest(db: Db, viewer: Actor, input: NewArchiveRequest, now = new Date()): Promise<string> {
  const today = sscToday(now);
  const fieldErrors: Record<string, string> = { ...checkRequestPeriod(input.fromOn, input.toOn, today) };
  let recordId: string | null = null;
  let boxId: string | null = null;
  let companyId = "";
  let target = "";
  if (input.kind === "VIEW") {
    target = input.claimNumber.toUpperCase();
    const record = await db.archiveRecord.findFirst({ where: { claimNumber: target }, orderBy: { filedAt: "desc" }, select: { id: true, status: true, companyId: true } });
    if (!record) fieldErrors.claimNumber = "unknown_record";
    else if (record.status !== "FILED") fieldErrors.claimNumber = "record_destroyed";
    else {
      recordId = record.id;
      companyId = record.companyId;
    }
  } else {
    target = input.boxLabel.toUpperCase();
    const box = await db.archiveBox.findUnique({ where: { label: target }, select: { id: true, companyId: true } });
    if (!box) fieldErrors.boxLabel = "unknown_box";
    else {
      boxId = box.id;
      companyId = box.companyId;
    }
  }
  if (Object.keys(fieldErrors).length > 0) throw new AppError("invalid", { status: 200, fieldErrors });
  const id = newId();
  await db.$transaction(async (tx) => {
    await tx.archiveRequest.create({
      data: { id, kind: input.kind, requesterId: viewer.id, recordId, boxId, purposeKind: input.purposeKind, purpose: input.purpose, fromOn: asDate(input.fromOn), toOn: asDate(input.toOn), requestedAt: now },
    });
    await recordAudit(tx, { actorId: viewer.id, type: "archive.request_made", data: { requestId: id, kind: input.kind, target, companyId, purposeKind: input.purposeKind, fromOn: input.fromOn, toOn: input.toOn } });
  });
  return id;
}

export type ArchiveRequestRow = {
  id: string;
  kind: ArchiveRequestKind;
  status: ArchiveRequestStatus;
  shownStatus: ArchiveRequestDisplayStatus;
  target: string;
  recordId: string | null;
  companyCode: string;
  requesterName: string;
  purposeKind: PurposeKind;
  purpose: string;
  fromOn: string;
  toOn: string;
  requestedAt: string;
  dueOn: string | null;
  borrowerName: string | null;
  /** A box out on loan: due in N days, or overdue since a day (null otherwise). */
  loan: LoanStanding | null;
  remindersSent: number;
  lastReminderAt: string | null;
};

type RawRequest = {
  id: string;
  kind: string;
  status: string;
  requester_id: string;
  requester_name: string;
  purpose_kind: string;
  purpose: string;
  from_on: Date;
  to_on: Date;
  requested_at: Date;
  due_on: Date | null;
  borrower_name: string | null;
  record_id: string | null;
  company_id: string | null;
  company_code: string | null;
  target: string | null;
  decided_at: Date | null;
  decided_by_name: string | null;
  decision_note: string | null;
  lent_at: Date | null;
  lent_by_name: string | null;
  returned_at: Date | null;
  returned_to_name: string | null;
  reminders_sent: number;
  last_reminder_at: Date | null;
};

/** A request with its target (claim number or box label), company and the names of the people on it. */
const REQUEST_SQL = `
  SELECT r.id, r.kind, r.status, r.requester_id, u.name AS requester_name, r.purpose_kind, r.purpose, r.from_on, r.to_on, r.requested_at,
         r.due_on, r.borrower_name, r.record_id, COALESCE(ar.company_id, b.company_id) AS company_id, c.code AS company_code,
         COALESCE(ar.claim_number, b.label) AS target, r.decided_at, d.name AS decided_by_name, r.decision_note, r.lent_at, l.name AS lent_by_name,
         r.returned_at, rt.name AS returned_to_name, r.reminders_sent, r.last_reminder_at
    FROM archive_request r
    JOIN app_user u ON u.id = r.requester_id
    LEFT JOIN archive_record ar ON ar.id = r.record_id
    LEFT JOIN archive_box b ON b.id = r.box_id
    LEFT JOIN company c ON c.id = COALESCE(ar.company_id, b.company_id)
    LEFT JOIN app_user d ON d.id = r.decided_by_id
    LEFT JOIN app_user l ON l.id = r.lent_by_id
    LEFT JOIN app_user rt ON rt.id = r.returned_to_id`;

function toRow(r: RawRequest, today: string): ArchiveRequestRow {
  const kind = r.kind as ArchiveRequestKind;
  const status = r.status as ArchiveRequestStatus;
  const toOn = isoDay(r.to_on);
  const dueOn = r.due_on ? isoDay(r.due_on) : null;
  return {
    id: r.id,
    kind,
    status,
    shownStatus: displayStatus({ kind, status, toOn, dueOn }, today),
    target: r.target ?? "",
    recordId: r.record_id,
    companyCode: r.company_code ?? "",
    requesterName: r.requester_name,
    purposeKind: r.purpose_kind as PurposeKind,
    purpose: r.purpose,
    fromOn: isoDay(r.from_on),
    toOn,
    requestedAt: r.requested_at.toISOString(),
    dueOn,
    borrowerName: r.borrower_name,
    loan: loanStanding({ status, dueOn }, today),
    remindersSent: r.reminders_sent,
    lastReminderAt: r.last_reminder_at?.toISOString() ?? null,
  };
}

/** A box on loan past its due date (the same rule as `isOverdue`, in SQL; `$n` is today's SSC date). */
const OVERDUE_SQL = (n: number) => `r.kind = 'BORROW' AND r.status = 'ON_LOAN' AND r.due_on < $${n}::date`;

export type ArchiveRequestList = {
  mine: ArchiveRequestRow[];
  toHandle: ArchiveRequestRow[] | null;
  /** Boxes on loan past due: the viewer's own, and (archive staff) their companies' (all of them, not only those listed). */
  overdue: { mine: number; toHandle: number | null };
};

/**
 * The viewer's own requests, and (archive staff) the requests of their companies: open work first, then
 * newest first. `overdueOnly`: only boxes on loan past due, longest overdue first.
 */
export async function listArchiveRequests(db: Db | Tx, viewer: Actor, now = new Date(), opts: { overdueOnly?: boolean } = {}): Promise<ArchiveRequestList> {
  const today = sscToday(now);
  const onlyOverdue = opts.overdueOnly === true;
  const mine = await db.$queryRawUnsafe<RawRequest[]>(
    onlyOverdue
      ? `${REQUEST_SQL} WHERE r.requester_id = $1 AND ${OVERDUE_SQL(2)} ORDER BY r.due_on ASC, r.id DESC LIMIT 200`
      : `${REQUEST_SQL} WHERE r.requester_id = $1 ORDER BY r.requested_at DESC, r.id DESC LIMIT 200`,
    viewer.id,
    ...(onlyOverdue ? [today] : []),
  );
  const [mineOverdue] = await db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM archive_request r WHERE r.requester_id = $1 AND ${OVERDUE_SQL(2)}`, viewer.id, today);
  if (!hasRole(viewer, ...ARCHIVE_STAFF)) return { mine: mine.map((r) => toRow(r, today)), toHandle: null, overdue: { mine: mineOverdue?.n ?? 0, toHandle: null } };
  const companies = await staffCompanyIds(db, viewer);
  const handle = await db.$queryRawUnsafe<RawRequest[]>(
    `${REQUEST_SQL} WHERE COALESCE(ar.company_id, b.company_id) = ANY($1::text[]) AND r.requester_id <> $2
      ${onlyOverdue ? `AND ${OVERDUE_SQL(3)} ORDER BY r.due_on ASC, r.id DESC` : "ORDER BY CASE r.status WHEN 'REQUESTED' THEN 0 WHEN 'ON_LOAN' THEN 1 WHEN 'APPROVED' THEN 2 ELSE 3 END, r.requested_at DESC, r.id DESC"} LIMIT 300`,
    companies,
    viewer.id,
    ...(onlyOverdue ? [today] : []),
  );
  const [handleOverdue] = await db.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM archive_request r LEFT JOIN archive_box b ON b.id = r.box_id
      WHERE b.company_id = ANY($1::text[]) AND r.requester_id <> $2 AND ${OVERDUE_SQL(3)}`,
    companies,
    viewer.id,
    today,
  );
  return {
    mine: mine.map((r) => toRow(r, today)),
    toHandle: handle.map((r) => toRow(r, today)),
    overdue: { mine: mineOverdue?.n ?? 0, toHandle: handleOverdue?.n ?? 0 },
  };
}

export type ArchiveRequestDetail = ArchiveRequestRow & {
  isRequester: boolean;
  /** What the viewer may do now (staff of the company, never on their own request). */
  actions: ArchiveRequestAction[];
  decidedAt: string | null;
  decidedBy: string | null;
  decisionNote: string | null;
  lentAt: string | null;
  lentBy: string | null;
  returnedAt: string | null;
  returnedTo: string | null;
  access: ReturnType<typeof viewAccess> | null;
  views: { viewerName: string; what: string; viewedAt: string }[];
};

/** One request, for its requester or archive staff of its company; anyone else: not found. */
export async function getArchiveRequest(db: Db | Tx, viewer: Actor, id: string, now = new Date()): Promise<ArchiveRequestDetail> {
  const today = sscToday(now);
  const [r] = await db.$queryRawUnsafe<RawRequest[]>(`${REQUEST_SQL} WHERE r.id = $1`, id);
  if (!r) throw new AppError("not_found");
  const companies = await staffCompanyIds(db, viewer);
  const isStaff = r.company_id !== null && companies.includes(r.company_id);
  const isRequester = r.requester_id === viewer.id;
  if (!isStaff && !isRequester) throw new AppError("not_found");
  const row = toRow(r, today);
  const views = await db.$queryRawUnsafe<{ viewer_name: string; what: string; viewed_at: Date }[]>(
    `SELECT u.name AS viewer_name, v.what, v.viewed_at FROM archive_view v JOIN app_user u ON u.id = v.viewer_id WHERE v.request_id = $1 ORDER BY v.viewed_at DESC LIMIT 100`,
    id,
  );
  return {
    ...row,
    isRequester,
    actions: isStaff && !isRequester ? allowedRequestActions(row.kind, row.status) : [],
    decidedAt: r.decided_at?.toISOString() ?? null,
    decidedBy: r.decided_by_name,
    decisionNote: r.decision_note,
    lentAt: r.lent_at?.toISOString() ?? null,
    lentBy: r.lent_by_name,
    returnedAt: r.returned_at?.toISOString() ?? null,
    returnedTo: r.returned_to_name,
    access: row.kind === "VIEW" ? viewAccess(row, today) : null,
    views: views.map((v) => ({ viewerName: v.viewer_name, what: v.what, viewedAt: v.viewed_at.toISOString() })),
  };
}

/** Locks the request and checks the viewer is archive staff of its company and not its requester. */
async function lockForStaff(tx: Tx, viewer: Actor, id: string) {
  const [r] = await tx.$queryRawUnsafe<{ id: string; kind: string; status: string; requester_id: string; to_on: Date; company_id: string | null; target: string | null }[]>(
    `SELECT r.id, r.kind, r.status, r.requester_id, r.to_on, COALESCE(ar.company_id, b.company_id) AS company_id, COALESCE(ar.claim_number, b.label) AS target
       FROM archive_request r LEFT JOIN archive_record ar ON ar.id = r.record_id LEFT JOIN archive_box b ON b.id = r.box_id
      WHERE r.id = $1 FOR UPDATE OF r`,
    id,
  );
  if (!r) throw new AppError("not_found");
  const companies = await staffCompanyIds(tx, viewer);
  if (r.company_id === null || !companies.includes(r.company_id)) throw new AppError("not_found");
  if (r.requester_id === viewer.id) throw new AppError("not_allowed", { reason: "own_request" });
  return { id: r.id, kind: r.kind as ArchiveRequestKind, status: r.status as ArchiveRequestStatus, requesterId: r.requester_id, toOn: r.to_on, companyId: r.company_id, target: r.target ?? "" };
}

/** Approves or refuses a request (with a note; a refusal needs one). */
export async function decideArchiveRequest(db: Db, viewer: Actor, id: string, input: { decision: "approve" | "refuse"; note: string }, now = new Date()): Promise<void> {
  const note = input.note.trim();
  if (input.decision === "refuse" && note === "") throw new AppError("invalid", { status: 200, fieldErrors: { note: "required" } });
  await db.$transaction(async (tx) => {
    const r = await lockForStaff(tx, viewer, id);
    const to = assertRequestTransition(r.kind, r.status, input.decision);
    await tx.archiveRequest.update({ where: { id }, data: { status: to, decidedAt: now, decidedById: viewer.id, decisionNote: note || null } });
    await recordAudit(tx, { actorId: viewer.id, type: input.decision === "approve" ? "archive.request_approved" : "archive.request_refused", data: { requestId: id, kind: r.kind, target: r.target, note } });
    await notify(tx, r.requesterId, "archive.request_decided", { requestId: id, target: r.target, decision: input.decision, note });
  });
}

/** Hands an approved box over: who took it and when it is due (by the end of the approved period). */
export async function lendArchiveBox(db: Db, viewer: Actor, id: string, input: { borrowerName: string; dueOn: string }, now = new Date()): Promise<void> {
  const borrowerName = input.borrowerName.trim();
  await db.$transaction(async (tx) => {
    const r = await lockForStaff(tx, viewer, id);
    const to = assertRequestTransition(r.kind, r.status, "lend");
    const fieldErrors: Record<string, string> = {};
    if (borrowerName === "") fieldErrors.borrowerName = "required";
    else if (borrowerName.length > 120) fieldErrors.borrowerName = "too_long";
    const dueProblem = checkLoanDue(input.dueOn, sscToday(now), isoDay(r.toOn));
    if (dueProblem) fieldErrors.dueOn = dueProblem;
    if (Object.keys(fieldErrors).length > 0) throw new AppError("invalid", { status: 200, fieldErrors });
    await tx.archiveRequest.update({ where: { id }, data: { status: to, lentAt: now, lentById: viewer.id, borrowerName, dueOn: asDate(input.dueOn) } });
    await recordAudit(tx, { actorId: viewer.id, type: "archive.box_lent", data: { requestId: id, box: r.target, borrowerName, dueOn: input.dueOn } });
  });
}

/** The box came back. */
export async function returnArchiveBox(db: Db, viewer: Actor, id: string, now = new Date()): Promise<void> {
  await db.$transaction(async (tx) => {
    const r = await lockForStaff(tx, viewer, id);
    const to = assertRequestTransition(r.kind, r.status, "return");
    await tx.archiveRequest.update({ where: { id }, data: { status: to, returnedAt: now, returnedToId: viewer.id } });
    await recordAudit(tx, { actorId: viewer.id, type: "archive.box_returned", data: { requestId: id, box: r.target } });
  });
}

/** Ends an approved view before its period is over. */
export async function revokeArchiveAccess(db: Db, viewer: Actor, id: string, input: { note: string }, now = new Date()): Promise<void> {
  await db.$transaction(async (tx) => {
    const r = await lockForStaff(tx, viewer, id);
    const to = assertRequestTransition(r.kind, r.status, "revoke");
    await tx.archiveRequest.update({ where: { id }, data: { status: to, decisionNote: input.note.trim() || null } });
    await recordAudit(tx, { actorId: viewer.id, type: "archive.access_revoked", data: { requestId: id, record: r.target, note: input.note.trim(), at: now.toISOString() } });
  });
}

// ── Electronic access ──────────────────────────────────────────────────────────────────────────────

/** Where a package lives: package_path is relative to the storage root (or absolute). */
export function packageDir(packagePath: string): string {
  return path.isAbsolute(packagePath) ? packagePath : path.join(storageRoot(), packagePath);
}

/** The requester's approved VIEW, today inside its period; otherwise refused with the reason (403) or not found. */
async function grantedRecord(db: Db | Tx, viewer: Actor, id: string, now: Date) {
  const r = await db.archiveRequest.findUnique({ where: { id }, select: { id: true, kind: true, status: true, requesterId: true, fromOn: true, toOn: true, recordId: true } });
  if (!r || r.requesterId !== viewer.id || r.kind !== "VIEW" || !r.recordId) throw new AppError("not_found");
  const verdict = viewAccess({ kind: "VIEW", status: r.status as ArchiveRequestStatus, fromOn: isoDay(r.fromOn), toOn: isoDay(r.toOn) }, sscToday(now));
  if (!verdict.ok) throw new AppError("access_refused", { status: 403, reason: verdict.reason, details: { fromOn: isoDay(r.fromOn), toOn: isoDay(r.toOn) } });
  return { requestId: r.id, recordId: r.recordId, fromOn: isoDay(r.fromOn), toOn: isoDay(r.toOn) };
}

export type GrantedRecordView = {
  requestId: string;
  fromOn: string;
  toOn: string;
  record: {
    claimNumber: string;
    claimantName: string;
    companyCode: string;
    outcome: string;
    totalMinor: string;
    currency: string;
    merchants: string;
    spentFrom: string;
    spentTo: string;
    closedOn: string;
    filedAt: string;
    manifestSha256: string;
  };
  /** The package's claim.json, or null when it cannot be read (the reason in `claimDataProblem`). */
  claimData: unknown;
  claimDataProblem: "missing" | "unreadable" | null;
  images: { path: string; mediaType: string }[];
};

/** Opens the archived record for its requester under an approved VIEW, and logs the view (archive_view). */
export async function openGrantedRecord(db: Db, viewer: Actor, id: string, now = new Date()): Promise<GrantedRecordView> {
  const grant = await grantedRecord(db, viewer, id, now);
  const record = await db.archiveRecord.findUniqueOrThrow({ where: { id: grant.recordId } });
  const company = await db.company.findUniqueOrThrow({ where: { id: record.companyId }, select: { code: true } });
  const files = await db.archiveFile.findMany({ where: { recordId: record.id, role: { in: ["ORIGINAL", "DERIVED"] } }, orderBy: { path: "asc" } });
  await db.archiveView.create({ data: { id: newId(), requestId: grant.requestId, recordId: record.id, viewerId: viewer.id, what: "record", viewedAt: now } });
  let claimData: unknown = null;
  let claimDataProblem: GrantedRecordView["claimDataProblem"] = null;
  try {
    claimData = JSON.parse(await fs.readFile(path.join(packageDir(record.packagePath), "claim.json"), "utf8"));
  } catch (err) {
    claimDataProblem = (err as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : "unreadable";
  }
  return {
    requestId: grant.requestId,
    fromOn: grant.fromOn,
    toOn: grant.toOn,
    record: {
      claimNumber: record.claimNumber,
      claimantName: record.claimantName,
      companyCode: company.code,
      outcome: record.outcome,
      totalMinor: record.totalMinor.toString(),
      currency: record.currency,
      merchants: record.merchants,
      spentFrom: isoDay(record.spentFrom),
      spentTo: isoDay(record.spentTo),
      closedOn: isoDay(record.closedOn),
      filedAt: record.filedAt.toISOString(),
      manifestSha256: record.manifestSha256,
    },
    claimData,
    claimDataProblem,
    images: files.filter((f) => f.mediaType.startsWith("image/")).map((f) => ({ path: f.path, mediaType: f.mediaType })),
  };
}

/** One image of the granted record's package (it must be listed in archive_file), logged as a view of that file. */
export async function readGrantedImage(db: Db, viewer: Actor, id: string, filePath: string, now = new Date()): Promise<{ bytes: Buffer; mediaType: string }> {
  const grant = await grantedRecord(db, viewer, id, now);
  const file = await db.archiveFile.findUnique({ where: { recordId_path: { recordId: grant.recordId, path: filePath } } });
  if (!file || !file.mediaType.startsWith("image/") || !["ORIGINAL", "DERIVED"].includes(file.role)) throw new AppError("not_found");
  const record = await db.archiveRecord.findUniqueOrThrow({ where: { id: grant.recordId }, select: { packagePath: true } });
  const dir = packageDir(record.packagePath);
  const full = path.resolve(dir, file.path);
  if (!full.startsWith(path.resolve(dir) + path.sep)) throw new AppError("not_found");
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(full);
  } catch {
    throw new AppError("not_found");
  }
  await db.archiveView.create({ data: { id: newId(), requestId: grant.requestId, recordId: grant.recordId, viewerId: viewer.id, what: `file:${file.path}`, viewedAt: now } });
  return { bytes, mediaType: file.mediaType };
}

// ── Overdue reminders ──────────────────────────────────────────────────────────────────────────────

export type ReminderResult = { overdue: number; reminded: number };

/**
 * Reminds the borrower and the company's archivists of every loan past due, at most once per SSC day
 * (the update is conditional on last_reminder_at, so two runs at once remind once). Idempotent per day.
 */
export async function sendLoanReminders(db: Db, now = new Date()): Promise<ReminderResult> {
  const today = sscToday(now);
  const dayStart = DateTime.fromISO(today, { zone: SSC_TIME_ZONE }).toJSDate();
  const loans = await db.archiveRequest.findMany({
    where: { status: "ON_LOAN", dueOn: { lt: asDate(today) } },
    select: { id: true, dueOn: true, lastReminderAt: true, requesterId: true, borrowerName: true, boxId: true },
  });
  const boxes = await db.archiveBox.findMany({ where: { id: { in: loans.flatMap((l) => (l.boxId ? [l.boxId] : [])) } }, select: { id: true, label: true, companyId: true } });
  const boxOf = new Map(boxes.map((b) => [b.id, b]));
  const result: ReminderResult = { overdue: loans.length, reminded: 0 };
  for (const loan of loans) {
    const dueOn = loan.dueOn ? isoDay(loan.dueOn) : null;
    if (!reminderDue({ status: "ON_LOAN", dueOn, lastReminderAt: loan.lastReminderAt }, now)) continue;
    const sent = await db.$transaction(async (tx) => {
      const claimed = await tx.archiveRequest.updateMany({
        where: { id: loan.id, status: "ON_LOAN", OR: [{ lastReminderAt: null }, { lastReminderAt: { lt: dayStart } }] },
        data: { lastReminderAt: now, remindersSent: { increment: 1 } },
      });
      if (claimed.count === 0) return false;
      const box = loan.boxId ? boxOf.get(loan.boxId) : undefined;
      const staff = await tx.userCompany.findMany({ where: { companyId: box?.companyId ?? "" }, select: { userId: true } });
      const archivists = await tx.user.findMany({ where: { id: { in: staff.map((s) => s.userId) }, active: true, roles: { has: "ARCHIVIST" } }, select: { id: true } });
      const daysLate = dueOn ? Math.round((asDate(today).getTime() - asDate(dueOn).getTime()) / 86_400_000) : 0;
      const data = { requestId: loan.id, box: box?.label ?? "", dueOn: dueOn ?? "", daysLate, borrowerName: loan.borrowerName ?? "" };
      for (const userId of new Set([loan.requesterId, ...archivists.map((a) => a.id)])) await notify(tx, userId, "archive.loan_overdue", data);
      await recordAudit(tx, { type: "archive.loan_reminder", data });
      return true;
    });
    if (sent) result.reminded += 1;
  }
  return result;
}
