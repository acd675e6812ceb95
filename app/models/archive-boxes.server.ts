/**
 * Archive boxes and locations (issue 12): the company's numbering scheme, locations, boxes and their
 * movements, filing received originals into box positions, and where a claim's originals are.
 *
 * Scope: archive staff (ARCHIVIST, SUPERVISOR, ADMIN) see the boxes of the companies they are assigned to
 * (user_company); archivists and admins change them; only admins set a company's scheme. Locations belong
 * to the SSC (no company). Every change is one transaction with its audit event.
 */
import type { Actor } from "~/domain/actor";
import { hasRole } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import {
  compiledCompanyScheme,
  companyScheme,
  filingRefusal,
  LOCATION_KINDS,
  positionLabel,
  schemeFieldErrors,
  schemePreview,
  type FilingRefusal,
  type LocationKind,
} from "~/domain/archive-boxes";
import { ARCHIVE_DOCUMENT_TYPES, formatBoxNumber, nextBoxNumber, type ArchiveDocumentType, type ArchiveScheme } from "~/domain/archive-numbering";
import { SSC_TIME_ZONE } from "~/domain/calendar-date";
import { dateTimeFormat } from "~/domain/intl-format";
import { assertPaperTransition, readScan, type PaperStatus } from "~/domain/paper-trail";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { recordAudit } from "./audit.server";
import { ARCHIVE_STAFF, ARCHIVE_WORKERS, archiveCompanyIds, requireArchiveCompany } from "./archive-staff.server";
import type { BoxDetail, BoxRow, CompanyRef, ContentRow, OriginalsWhereabouts } from "~/contracts/archive-boxes";
export type { BoxDetail, BoxRow, CompanyRef, ContentRow, MovementRow, OriginalsWhereabouts } from "~/contracts/archive-boxes";


// ── The numbering scheme ────────────────────────────────────────────────────────────────────────────

export type SchemeSetting = CompanyRef & { scheme: ArchiveScheme; isDefault: boolean; year: number; nextBoxNo: number; preview: { box: string; position: string } | null };

function currentYear(): number {
  return Number(dateTimeFormat("en", { timeZone: SSC_TIME_ZONE, year: "numeric" }).format(new Date()));
}

/**
 * The schemes of the admin's companies, each with the number the next expense-claim box of this year gets
 * and its label under the scheme (the screen recomputes the label as the admin types, with the same domain code).
 */
export async function listSchemeSettings(viewer: Actor, db: Db = prisma): Promise<SchemeSetting[]> {
  const ids = await archiveCompanyIds(db, viewer, ["ADMIN"]);
  const companies = await db.company.findMany({
    where: { id: { in: ids } },
    select: { id: true, code: true, name: true, nameZh: true, archiveBoxScheme: true, archivePositionScheme: true },
    orderBy: { code: "asc" },
  });
  const year = currentYear();
  const highest = await db.archiveBox.groupBy({ by: ["companyId"], where: { companyId: { in: ids }, year, docType: "BX" }, _max: { boxNo: true } });
  return companies.map((c) => {
    const scheme = companyScheme(c);
    const nextBoxNo = (highest.find((h) => h.companyId === c.id)?._max.boxNo ?? 0) + 1;
    return {
      id: c.id,
      code: c.code,
      name: c.name,
      nameZh: c.nameZh,
      scheme,
      isDefault: c.archiveBoxScheme === null && c.archivePositionScheme === null,
      year,
      nextBoxNo,
      preview: schemePreview(scheme, { company: c.code, year, type: "BX", box: nextBoxNo }),
    };
  });
}

/**
 * Sets the company's scheme (ADMIN, their companies). Each template is checked with parseArchiveScheme; a
 * bad one is refused with its code per field (`box`, `position`) and the offending part in details.
 * Boxes already made keep their labels. Setting exactly the default stores null (follows the default).
 */
export async function setArchiveScheme(viewer: Actor, input: { companyId: string; box: string; position: string }, db: Db = prisma): Promise<void> {
  await requireArchiveCompany(db, viewer, input.companyId, ["ADMIN"]);
  const scheme = { box: input.box.trim(), position: input.position.trim() };
  const errors = schemeFieldErrors(scheme);
  if (errors.box || errors.position) {
    const fieldErrors: Record<string, string> = {};
    if (errors.box) fieldErrors.box = errors.box.code;
    if (errors.position) fieldErrors.position = errors.position.code;
    throw new AppError("invalid", { fieldErrors, details: { boxDetail: errors.box?.detail ?? "", positionDetail: errors.position?.detail ?? "" } });
  }
  const isDefault = scheme.box === "{company}-{year}-{type}-B{box:4}" && scheme.position === "-P{pos:3}";
  await db.$transaction(async (tx) => {
    const [before] = await tx.$queryRaw<{ box: string | null; position: string | null }[]>`
      SELECT archive_box_scheme AS box, archive_position_scheme AS position FROM company WHERE id = ${input.companyId} FOR UPDATE`;
    await tx.company.update({ where: { id: input.companyId }, data: { archiveBoxScheme: isDefault ? null : scheme.box, archivePositionScheme: isDefault ? null : scheme.position } });
    await recordAudit(tx, { actorId: viewer.id, type: "archive.scheme_set", data: { companyId: input.companyId, from: before ?? null, to: scheme } });
  });
}

// ── Locations ───────────────────────────────────────────────────────────────────────────────────────

export type LocationRow = { id: string; code: string; name: string; nameZh: string; kind: LocationKind; boxes: number; openBoxes: number };

/** Every location with the number of boxes in it (of the viewer's companies) and how many are open. */
export async function listLocations(viewer: Actor, db: Db = prisma): Promise<LocationRow[]> {
  const ids = await archiveCompanyIds(db, viewer);
  const rows = await db.$queryRaw<{ id: string; code: string; name: string; name_zh: string; kind: LocationKind; boxes: number; open_boxes: number }[]>`
    SELECT l.id, l.code, l.name, l.name_zh, l.kind,
           count(b.id)::int AS boxes, count(b.id) FILTER (WHERE b.status = 'OPEN')::int AS open_boxes
      FROM archive_location l
      LEFT JOIN archive_box b ON b.location_id = l.id AND b.company_id = ANY(${ids}::text[])
     GROUP BY l.id
     ORDER BY l.kind DESC, l.code`;
  return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, nameZh: r.name_zh, kind: r.kind, boxes: r.boxes, openBoxes: r.open_boxes }));
}

const LOCATION_CODE = /^[A-Z0-9][A-Z0-9-]{0,23}$/;

/** A new SSC shelf or off-site store (ARCHIVIST or ADMIN); the code is unique. */
export async function createLocation(viewer: Actor, input: { code: string; name: string; nameZh: string; kind: string }, db: Db = prisma): Promise<{ id: string }> {
  if (!hasRole(viewer, ...ARCHIVE_WORKERS)) throw new AppError("forbidden");
  const code = input.code.normalize("NFKC").trim().toUpperCase();
  const name = input.name.trim();
  const nameZh = input.nameZh.trim();
  const fieldErrors: Record<string, string> = {};
  if (!LOCATION_CODE.test(code)) fieldErrors.code = code ? "invalid" : "required";
  if (!name) fieldErrors.name = "required";
  else if (name.length > 100) fieldErrors.name = "too_long";
  if (!nameZh) fieldErrors.nameZh = "required";
  else if (nameZh.length > 100) fieldErrors.nameZh = "too_long";
  if (!(LOCATION_KINDS as readonly string[]).includes(input.kind)) fieldErrors.kind = "invalid";
  if (Object.keys(fieldErrors).length > 0) throw new AppError("invalid", { fieldErrors });
  const id = newId();
  await db.$transaction(async (tx) => {
    const inserted = await tx.$executeRaw`
      INSERT INTO archive_location (id, code, name, name_zh, kind) VALUES (${id}, ${code}, ${name}, ${nameZh}, ${input.kind}) ON CONFLICT (code) DO NOTHING`;
    if (inserted === 0) throw new AppError("conflict", { reason: "location_code_taken", fieldErrors: { code: "taken" } });
    await recordAudit(tx, { actorId: viewer.id, type: "archive.location_created", data: { locationId: id, code, kind: input.kind } });
  });
  return { id };
}

// ── Boxes ───────────────────────────────────────────────────────────────────────────────────────────

export type BoxFilters = { companyId?: string; year?: number; docType?: string; locationId?: string; status?: string };


type BoxSqlRow = {
  id: string;
  label: string;
  company_id: string;
  company_code: string;
  company_name: string;
  company_name_zh: string;
  year: number;
  doc_type: ArchiveDocumentType;
  box_no: number;
  status: "OPEN" | "CLOSED";
  capacity: number;
  filled: number;
  location_id: string;
  location_code: string;
  location_name: string;
  location_name_zh: string;
  location_kind: LocationKind;
  created_at: Date;
  closed_at: Date | null;
};

function boxRow(r: BoxSqlRow): BoxRow {
  return {
    id: r.id,
    label: r.label,
    company: { id: r.company_id, code: r.company_code, name: r.company_name, nameZh: r.company_name_zh },
    year: r.year,
    docType: r.doc_type,
    boxNo: r.box_no,
    status: r.status,
    capacity: r.capacity,
    filled: r.filled,
    location: { id: r.location_id, code: r.location_code, name: r.location_name, nameZh: r.location_name_zh, kind: r.location_kind },
    createdAt: r.created_at,
    closedAt: r.closed_at,
  };
}

async function selectBoxes(db: Db | Tx, companyIds: string[], f: BoxFilters & { boxId?: string; limit?: number }): Promise<BoxRow[]> {
  const rows = await db.$queryRaw<BoxSqlRow[]>`
    SELECT b.id, b.label, b.company_id, c.code AS company_code, c.name AS company_name, c.name_zh AS company_name_zh,
           b.year, b.doc_type, b.box_no, b.status, b.capacity, b.created_at, b.closed_at,
           (SELECT count(*) FROM paper_original o WHERE o.box_id = b.id)::int AS filled,
           l.id AS location_id, l.code AS location_code, l.name AS location_name, l.name_zh AS location_name_zh, l.kind AS location_kind
      FROM archive_box b
      JOIN company c ON c.id = b.company_id
      JOIN archive_location l ON l.id = b.location_id
     WHERE b.company_id = ANY(${companyIds}::text[])
       AND (${f.boxId ?? null}::text IS NULL OR b.id = ${f.boxId ?? null})
       AND (${f.companyId ?? null}::text IS NULL OR b.company_id = ${f.companyId ?? null})
       AND (${f.year ?? null}::int IS NULL OR b.year = ${f.year ?? null})
       AND (${f.docType ?? null}::text IS NULL OR b.doc_type = ${f.docType ?? null})
       AND (${f.locationId ?? null}::text IS NULL OR b.location_id = ${f.locationId ?? null})
       AND (${f.status ?? null}::text IS NULL OR b.status = ${f.status ?? null})
     ORDER BY c.code, b.year DESC, b.doc_type, b.box_no DESC
     LIMIT ${f.limit ?? 500}`;
  return rows.map(boxRow);
}

/** The viewer's boxes, filtered; a filter naming another company shows nothing. */
export async function listBoxes(viewer: Actor, filters: BoxFilters, db: Db = prisma): Promise<{ boxes: BoxRow[]; counts: { boxes: number; open: number; originals: number } }> {
  const ids = await archiveCompanyIds(db, viewer);
  const boxes = await selectBoxes(db, ids, filters);
  return {
    boxes,
    counts: { boxes: boxes.length, open: boxes.filter((b) => b.status === "OPEN").length, originals: boxes.reduce((n, b) => n + b.filled, 0) },
  };
}

/**
 * A new box for a company / year / document type (ARCHIVIST or ADMIN, their companies), at a location. Its
 * number is nextBoxNumber under the company's scheme, over the company's boxes of that key; a transaction-wide
 * advisory lock per key makes two archivists creating boxes at once get consecutive numbers. The box's first
 * movement (from nowhere to its location) starts its movement log.
 */
export async function createBox(
  viewer: Actor,
  input: { companyId: string; year: number; docType: string; locationId: string; capacity?: number },
  db: Db = prisma,
): Promise<{ id: string; label: string; boxNo: number }> {
  await requireArchiveCompany(db, viewer, input.companyId, ARCHIVE_WORKERS);
  const fieldErrors: Record<string, string> = {};
  if (!Number.isInteger(input.year) || input.year < 1990 || input.year > 2200) fieldErrors.year = "invalid";
  if (!(ARCHIVE_DOCUMENT_TYPES as readonly string[]).includes(input.docType)) fieldErrors.docType = "invalid";
  const capacity = input.capacity ?? 200;
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 10000) fieldErrors.capacity = "invalid";
  const location = await db.archiveLocation.findUnique({ where: { id: input.locationId }, select: { id: true } });
  if (!location) fieldErrors.locationId = "invalid";
  if (Object.keys(fieldErrors).length > 0) throw new AppError("invalid", { fieldErrors });
  const type = input.docType as ArchiveDocumentType;

  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`archive_box:${input.companyId}:${input.year}:${type}`}))`;
    const company = await tx.company.findUniqueOrThrow({ where: { id: input.companyId }, select: { code: true, archiveBoxScheme: true, archivePositionScheme: true } });
    const scheme = compiledCompanyScheme(company);
    const key = { company: company.code, year: input.year, type };
    // Boxes labelled under an earlier scheme count by their stored number: re-labelled under today's scheme.
    const existing = await tx.archiveBox.findMany({ where: { companyId: input.companyId, year: input.year, docType: type }, select: { boxNo: true } });
    const labels = existing.flatMap((b) => {
      const l = formatBoxNumber(scheme, { ...key, box: b.boxNo });
      return l.ok ? [l.value] : [];
    });
    const next = nextBoxNumber(scheme, key, labels);
    if (!next.ok) throw new AppError("not_allowed", { reason: `box_number_${next.code}` });
    const id = newId();
    const inserted = await tx.$executeRaw`
      INSERT INTO archive_box (id, label, company_id, year, doc_type, box_no, capacity, location_id, created_by_id)
      VALUES (${id}, ${next.value.label}, ${input.companyId}, ${input.year}, ${type}, ${next.value.box}, ${capacity}, ${input.locationId}, ${viewer.id})
      ON CONFLICT (label) DO NOTHING`;
    if (inserted === 0) throw new AppError("conflict", { reason: "label_taken", details: { label: next.value.label } });
    await tx.archiveBoxMovement.create({ data: { id: newId(), boxId: id, fromLocationId: null, toLocationId: input.locationId, movedById: viewer.id, note: "" } });
    await recordAudit(tx, { actorId: viewer.id, type: "archive.box_created", data: { boxId: id, label: next.value.label, companyId: input.companyId, year: input.year, docType: type, locationId: input.locationId } });
    return { id, label: next.value.label, boxNo: next.value.box };
  });
}



async function boxContents(db: Db | Tx, box: BoxRow, scheme: ReturnType<typeof compiledCompanyScheme>): Promise<ContentRow[]> {
  const rows = await db.$queryRaw<{ position: number; claim_id: string; number: string; claimant: string; received_at: Date | null; filed_at: Date | null; submitted_at: Date | null; totals: { minor: string; currency: string }[] | null }[]>`
    SELECT o.position, o.claim_id, c.number, u.name AS claimant, o.received_at, o.filed_at, c.submitted_at,
           (SELECT json_agg(json_build_object('minor', t.minor::text, 'currency', t.currency) ORDER BY t.currency)
              FROM (SELECT l.currency, sum(l.amount_minor) AS minor FROM claim_line l WHERE l.claim_id = c.id GROUP BY l.currency) t) AS totals
      FROM paper_original o
      JOIN claim c ON c.id = o.claim_id
      JOIN app_user u ON u.id = c.claimant_id
     WHERE o.box_id = ${box.id}
     ORDER BY o.position`;
  const key = { label: box.label, company: box.company.code, year: box.year, docType: box.docType, boxNo: box.boxNo };
  return rows.map((r) => ({
    position: r.position,
    positionLabel: positionLabel(scheme, key, r.position),
    claimId: r.claim_id,
    claimNumber: r.number,
    claimant: r.claimant,
    totals: (r.totals ?? []).map((t) => ({ minor: BigInt(t.minor), currency: t.currency })),
    receivedAt: r.received_at,
    filedAt: r.filed_at,
    submittedAt: r.submitted_at,
  }));
}

/** One box of the viewer's companies with its contents and movement log; null when it is not theirs. */
export async function getBox(viewer: Actor, boxId: string, db: Db = prisma): Promise<BoxDetail | null> {
  const ids = await archiveCompanyIds(db, viewer);
  const [box] = await selectBoxes(db, ids, { boxId });
  if (!box) return null;
  const company = await db.company.findUniqueOrThrow({ where: { id: box.company.id }, select: { archiveBoxScheme: true, archivePositionScheme: true } });
  const contents = await boxContents(db, box, compiledCompanyScheme(company));
  const moves = await db.$queryRaw<{ id: string; from_code: string | null; from_name: string | null; from_name_zh: string | null; to_code: string; to_name: string; to_name_zh: string; moved_by: string; moved_at: Date; note: string }[]>`
    SELECT m.id, f.code AS from_code, f.name AS from_name, f.name_zh AS from_name_zh, t.code AS to_code, t.name AS to_name, t.name_zh AS to_name_zh,
           u.name AS moved_by, m.moved_at, m.note
      FROM archive_box_movement m
      LEFT JOIN archive_location f ON f.id = m.from_location_id
      JOIN archive_location t ON t.id = m.to_location_id
      JOIN app_user u ON u.id = m.moved_by_id
     WHERE m.box_id = ${boxId}
     ORDER BY m.moved_at DESC, m.id`;
  const dates = contents.map((c) => c.submittedAt).filter((d): d is Date => d !== null);
  return {
    ...box,
    contents,
    movements: moves.map((m) => ({
      id: m.id,
      from: m.from_code ? { code: m.from_code, name: m.from_name ?? "", nameZh: m.from_name_zh ?? "" } : null,
      to: { code: m.to_code, name: m.to_name, nameZh: m.to_name_zh },
      movedBy: m.moved_by,
      movedAt: m.moved_at,
      note: m.note,
    })),
    dateRange: dates.length ? { from: new Date(Math.min(...dates.map(Number))), to: new Date(Math.max(...dates.map(Number))) } : null,
  };
}

/** Locks a box of the viewer's companies for a change (ARCHIVIST or ADMIN); another company's box is not found. */
async function lockBox(tx: Tx, viewer: Actor, boxId: string) {
  const ids = await archiveCompanyIds(tx, viewer, ARCHIVE_WORKERS);
  const [box] = await tx.$queryRaw<{ id: string; label: string; company_id: string; year: number; doc_type: string; box_no: number; status: string; capacity: number; location_id: string }[]>`
    SELECT id, label, company_id, year, doc_type, box_no, status, capacity, location_id FROM archive_box
     WHERE id = ${boxId} AND company_id = ANY(${ids}::text[]) FOR UPDATE`;
  if (!box) throw new AppError("not_found");
  return box;
}

/** Closes a box: it is full, takes no more originals, and its contents list is final. */
export async function closeBox(viewer: Actor, boxId: string, db: Db = prisma): Promise<void> {
  await db.$transaction(async (tx) => {
    const box = await lockBox(tx, viewer, boxId);
    if (box.status !== "OPEN") throw new AppError("conflict", { reason: "box_closed" });
    const filled = await tx.paperOriginal.count({ where: { boxId } });
    await tx.archiveBox.update({ where: { id: boxId }, data: { status: "CLOSED", closedAt: new Date() } });
    await recordAudit(tx, { actorId: viewer.id, type: "archive.box_closed", data: { boxId, label: box.label, originals: filled } });
  });
}

/** Moves a box to another location: a movement row and the box's location, in one transaction. */
export async function moveBox(viewer: Actor, input: { boxId: string; toLocationId: string; note?: string }, db: Db = prisma): Promise<void> {
  const note = (input.note ?? "").trim();
  if (note.length > 500) throw new AppError("invalid", { fieldErrors: { note: "too_long" } });
  await db.$transaction(async (tx) => {
    const box = await lockBox(tx, viewer, input.boxId);
    const to = await tx.archiveLocation.findUnique({ where: { id: input.toLocationId }, select: { id: true, code: true } });
    if (!to) throw new AppError("invalid", { fieldErrors: { toLocationId: "invalid" } });
    if (to.id === box.location_id) throw new AppError("invalid", { reason: "same_location", fieldErrors: { toLocationId: "same_location" } });
    await tx.archiveBoxMovement.create({ data: { id: newId(), boxId: box.id, fromLocationId: box.location_id, toLocationId: to.id, movedById: viewer.id, note } });
    await tx.archiveBox.update({ where: { id: box.id }, data: { locationId: to.id } });
    await recordAudit(tx, { actorId: viewer.id, type: "archive.box_moved", data: { boxId: box.id, label: box.label, from: box.location_id, to: to.id, note } });
  });
}

/** A box of the viewer's companies by its label as scanned or typed (any case, full-width characters read as ASCII). */
export async function findBoxByLabel(viewer: Actor, text: string, db: Db = prisma): Promise<{ id: string; label: string } | null> {
  const ids = await archiveCompanyIds(db, viewer);
  const label = text.normalize("NFKC").trim().toUpperCase();
  if (!label) return null;
  return db.archiveBox.findFirst({ where: { label, companyId: { in: ids } }, select: { id: true, label: true } });
}

// ── Filing ──────────────────────────────────────────────────────────────────────────────────────────

export type FilingResult =
  | { ok: true; claimId: string; claimNumber: string; position: number; positionLabel: string; boxLabel: string }
  | { ok: false; claimNumber: string | null; refusal: FilingRefusal | { code: "unreadable"; reason: string } | { code: "unknown_claim" } | { code: "no_original" } };

function yearInSsc(at: Date): number {
  return Number(dateTimeFormat("en", { timeZone: SSC_TIME_ZONE, year: "numeric" }).format(at));
}

/**
 * Files the original whose cover sheet code was scanned into the next position of the box (ARCHIVIST or
 * ADMIN, their companies). One transaction: the box row is locked first (so two archivists filing into the
 * same box take positions one after the other), then the original's row; the original goes RECEIVED →
 * ARCHIVED (assertPaperTransition "archive") with its box, position and who filed it, and the audit event.
 * Refusals (filingRefusal, or a code that is no cover sheet / no claim of the viewer's companies) change nothing.
 */
export async function fileOriginal(viewer: Actor, input: { boxId: string; code: string }, db: Db = prisma): Promise<FilingResult> {
  const scan = readScan(input.code);
  if (scan.kind !== "cover_sheet") return { ok: false, claimNumber: null, refusal: { code: "unreadable", reason: scan.kind === "unknown" ? scan.reason : scan.kind } };
  const claimNumber = scan.claimNumber;
  return db.$transaction(async (tx) => {
    const box = await lockBox(tx, viewer, input.boxId);
    const ids = await archiveCompanyIds(tx, viewer, ARCHIVE_WORKERS);
    const [original] = await tx.$queryRaw<{ claim_id: string; company_id: string; status: PaperStatus; box_id: string | null; position: number | null; submitted_at: Date | null; expected_since: Date }[]>`
      SELECT o.claim_id, o.company_id, o.status, o.box_id, o.position, c.submitted_at, o.expected_since
        FROM paper_original o JOIN claim c ON c.id = o.claim_id
       WHERE c.number = ${claimNumber} AND c.company_id = ANY(${ids}::text[])
         FOR UPDATE OF o`;
    if (!original) {
      const claim = await tx.claim.findFirst({ where: { number: claimNumber, companyId: { in: ids } }, select: { id: true } });
      return { ok: false as const, claimNumber, refusal: claim ? { code: "no_original" as const } : { code: "unknown_claim" as const } };
    }
    const [fill] = await tx.$queryRaw<{ filled: number; last: number }[]>`
      SELECT count(*)::int AS filled, COALESCE(max(position), 0)::int AS last FROM paper_original WHERE box_id = ${box.id}`;
    const filled = fill?.filled ?? 0;
    const last = fill?.last ?? 0;
    const company = await tx.company.findUniqueOrThrow({ where: { id: box.company_id }, select: { code: true, archiveBoxScheme: true, archivePositionScheme: true } });
    const scheme = compiledCompanyScheme(company);
    let where: { boxLabel: string | null; position: string | null } = { boxLabel: null, position: null };
    if (original.box_id && original.position !== null) {
      const filedIn = await tx.archiveBox.findUniqueOrThrow({ where: { id: original.box_id }, select: { label: true, year: true, docType: true, boxNo: true, companyId: true } });
      const filedCompany = await tx.company.findUniqueOrThrow({ where: { id: filedIn.companyId }, select: { code: true, archiveBoxScheme: true, archivePositionScheme: true } });
      where = { boxLabel: filedIn.label, position: positionLabel(compiledCompanyScheme(filedCompany), { label: filedIn.label, company: filedCompany.code, year: filedIn.year, docType: filedIn.docType, boxNo: filedIn.boxNo }, original.position) };
    }
    const refusal = filingRefusal(
      { id: box.id, label: box.label, companyId: box.company_id, docType: box.doc_type, year: box.year, status: box.status, capacity: box.capacity, filled },
      { companyId: original.company_id, status: original.status, year: yearInSsc(original.submitted_at ?? original.expected_since), ...where },
    );
    if (refusal) return { ok: false as const, claimNumber, refusal };
    const to = assertPaperTransition(original.status, "archive");
    const position = last + 1;
    const now = new Date();
    await tx.paperOriginal.update({ where: { claimId: original.claim_id }, data: { status: to, boxId: box.id, position, filedAt: now, filedById: viewer.id, updatedAt: now } });
    const label = positionLabel(scheme, { label: box.label, company: company.code, year: box.year, docType: box.doc_type, boxNo: box.box_no }, position);
    await recordAudit(tx, { claimId: original.claim_id, actorId: viewer.id, type: "paper.archived", data: { boxId: box.id, box: box.label, position, positionLabel: label } });
    return { ok: true as const, claimId: original.claim_id, claimNumber, position, positionLabel: label, boxLabel: box.label };
  });
}

// ── Where are the originals ─────────────────────────────────────────────────────────────────────────


/**
 * Where a claim's paper originals are, for its page (the route has checked the viewer may see the claim):
 * null before submission (no paper_original row). The box link is offered only to archive staff of the
 * claim's company.
 */
export async function originalsWhereabouts(viewer: Actor, claimId: string, db: Db = prisma): Promise<OriginalsWhereabouts | null> {
  const [row] = await db.$queryRaw<
    {
      status: PaperStatus;
      due_on: Date;
      received_at: Date | null;
      resend_due_on: Date | null;
      packet_code: string | null;
      box_id: string | null;
      position: number | null;
      filed_at: Date | null;
      company_id: string;
      label: string | null;
      year: number | null;
      doc_type: string | null;
      box_no: number | null;
      l_code: string | null;
      l_name: string | null;
      l_name_zh: string | null;
      l_kind: LocationKind | null;
      company_code: string;
      box_scheme: string | null;
      position_scheme: string | null;
    }[]
  >`
    SELECT o.status, o.due_on, o.received_at, o.resend_due_on, p.code AS packet_code, o.box_id, o.position, o.filed_at, o.company_id,
           b.label, b.year, b.doc_type, b.box_no, l.code AS l_code, l.name AS l_name, l.name_zh AS l_name_zh, l.kind AS l_kind,
           c.code AS company_code, c.archive_box_scheme AS box_scheme, c.archive_position_scheme AS position_scheme
      FROM paper_original o
      JOIN company c ON c.id = o.company_id
      LEFT JOIN paper_packet p ON p.id = o.packet_id
      LEFT JOIN archive_box b ON b.id = o.box_id
      LEFT JOIN archive_location l ON l.id = b.location_id
     WHERE o.claim_id = ${claimId}`;
  if (!row) return null;
  let archived: OriginalsWhereabouts["archived"] = null;
  if (row.box_id && row.label && row.position !== null) {
    const scheme = compiledCompanyScheme({ archiveBoxScheme: row.box_scheme, archivePositionScheme: row.position_scheme });
    const linkable = hasRole(viewer, ...ARCHIVE_STAFF) && (await archiveCompanyIds(db, viewer)).includes(row.company_id);
    archived = {
      boxId: row.box_id,
      boxLabel: row.label,
      positionLabel: positionLabel(scheme, { label: row.label, company: row.company_code, year: row.year ?? 0, docType: row.doc_type ?? "BX", boxNo: row.box_no ?? 0 }, row.position),
      filedAt: row.filed_at,
      location: { code: row.l_code ?? "", name: row.l_name ?? "", nameZh: row.l_name_zh ?? "", kind: row.l_kind ?? "SHELF" },
      linkable,
    };
  }
  return {
    status: row.status,
    dueOn: row.due_on.toISOString().slice(0, 10),
    receivedAt: row.received_at,
    resendDueOn: row.resend_due_on ? row.resend_due_on.toISOString().slice(0, 10) : null,
    packetCode: row.packet_code,
    archived,
  };
}

export type ClaimBoxHit = { claimId: string; claimNumber: string; status: PaperStatus; box: { id: string; label: string; positionLabel: string; location: { code: string; name: string; nameZh: string; kind: LocationKind } } | null };

/**
 * "Which box is this claim in": by claim number (or its cover sheet code), among the viewer's companies;
 * null when there is no such claim with originals there.
 */
export async function findClaimBox(viewer: Actor, text: string, db: Db = prisma): Promise<ClaimBoxHit | null> {
  const ids = await archiveCompanyIds(db, viewer);
  const typed = text.normalize("NFKC").trim().toUpperCase();
  const scan = readScan(typed);
  const number = scan.kind === "cover_sheet" ? scan.claimNumber : typed;
  if (!/^EC\d{10,20}$/.test(number)) return null;
  const claim = await db.claim.findFirst({ where: { number, companyId: { in: ids } }, select: { id: true } });
  if (!claim) return null;
  const where = await originalsWhereabouts(viewer, claim.id, db);
  if (!where) return null;
  return {
    claimId: claim.id,
    claimNumber: number,
    status: where.status,
    box: where.archived ? { id: where.archived.boxId, label: where.archived.boxLabel, positionLabel: where.archived.positionLabel, location: where.archived.location } : null,
  };
}

export { LOCATION_KINDS };
