/**
 * Retention settings per company and legal holds on archive records (issue 12). The periods follow
 * app/domain/retention.ts: a company may only lengthen the law's minimums. A hold keeps a record off the
 * appraisal list and makes it undestroyable (destruction.server.ts checks again under the record's lock).
 */
import type { Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { SSC_TIME_ZONE } from "~/domain/calendar-date";
import {
  LEGAL_MINIMUM_RETENTION,
  RETENTION_DOCUMENT_TYPES,
  overridesToStore,
  parseRetentionInput,
  readRetentionOverrides,
  retentionPolicy,
  type RetentionDocumentType,
  type RetentionPeriod,
} from "~/domain/retention";
import { dateInZone } from "~/domain/voucher";
import type { Prisma } from "~/generated/prisma/client";
import { prisma, type Db } from "~/utils/db.server";
import { recordAudit } from "./audit.server";
import { ARCHIVE_STAFF, archiveCompanyIds, requireArchiveCompany } from "./archive-staff.server";

/** Who works the retention screens: the archive staff (archivists, supervisors, admins). */
export const RETENTION_STAFF = ARCHIVE_STAFF;

/** Today in the SSC's zone (YYYY-MM-DD): the day retention is measured against. */
export function retentionToday(now: Date = new Date()): string {
  return dateInZone(now, SSC_TIME_ZONE);
}


export type RetentionCompany = { id: string; code: string; name: string; nameZh: string };

export async function retentionCompanies(viewer: Actor, db: Db = prisma): Promise<RetentionCompany[]> {
  const ids = await archiveCompanyIds(db, viewer);
  return db.company.findMany({ where: { id: { in: ids } }, orderBy: { code: "asc" }, select: { id: true, code: true, name: true, nameZh: true } });
}

export type RetentionSettingsRow = { type: RetentionDocumentType; law: RetentionPeriod; override: RetentionPeriod | null; effective: RetentionPeriod };

/** A company's periods per document type: the law's minimum, the company's override, the one that applies. */
export async function retentionSettings(viewer: Actor, companyId: string, db: Db = prisma): Promise<RetentionSettingsRow[]> {
  await requireArchiveCompany(db, viewer, companyId);
  const company = await db.company.findUniqueOrThrow({ where: { id: companyId }, select: { retentionOverrides: true } });
  const overrides = readRetentionOverrides(company.retentionOverrides);
  const policy = retentionPolicy(overrides);
  return RETENTION_DOCUMENT_TYPES.map((type) => ({
    type,
    law: LEGAL_MINIMUM_RETENTION[type],
    override: overrides[type] ?? null,
    effective: policy.ok ? policy.policy[type] : LEGAL_MINIMUM_RETENTION[type],
  }));
}

/**
 * Sets a company's periods (ADMIN of the company). `input` has one value per document type ("" = the law's
 * minimum, "permanent", or whole years); a period below the law's is refused with the type at fault
 * (`below_legal_minimum`, details { type, minimum }). Filed records of the company that the new policy keeps
 * longer are lengthened at once; none is ever shortened. One transaction with its audit event.
 */
export async function saveRetentionSettings(
  { viewer, companyId, input }: { viewer: Actor; companyId: string; input: Partial<Record<string, string>> },
  db: Db = prisma,
): Promise<{ lengthened: number }> {
  await requireArchiveCompany(db, viewer, companyId, ["ADMIN"]);
  const overrides: Partial<Record<RetentionDocumentType, RetentionPeriod>> = {};
  const fieldErrors: Record<string, string> = {};
  for (const type of RETENTION_DOCUMENT_TYPES) {
    const parsed = parseRetentionInput(input[type] ?? "");
    if (parsed === "invalid") fieldErrors[type] = "invalid";
    else if (parsed) overrides[type] = parsed;
  }
  if (Object.keys(fieldErrors).length > 0) throw new AppError("invalid", { fieldErrors });
  const checked = retentionPolicy(overrides);
  if (!checked.ok) {
    const law = LEGAL_MINIMUM_RETENTION[checked.type];
    throw new AppError("invalid", {
      reason: checked.code,
      fieldErrors: { [checked.type]: checked.code },
      details: { type: checked.type, minimum: law.kind === "years" ? law.years : "permanent" },
    });
  }
  const stored = overridesToStore(checked.policy);
  return db.$transaction(async (tx) => {
    const [before] = await tx.$queryRaw<{ retention_overrides: unknown }[]>`SELECT retention_overrides FROM company WHERE id = ${companyId} FOR UPDATE`;
    await tx.company.update({ where: { id: companyId }, data: { retentionOverrides: stored as Prisma.InputJsonValue } });
    let lengthened = 0;
    for (const type of RETENTION_DOCUMENT_TYPES) {
      const period = checked.policy[type];
      if (period.kind === "permanent") {
        lengthened += await tx.$executeRaw`
          UPDATE archive_record SET retention_years = NULL, retention_ends_on = NULL
           WHERE company_id = ${companyId} AND doc_type = ${type} AND status = 'FILED' AND retention_years IS NOT NULL`;
      } else {
        lengthened += await tx.$executeRaw`
          UPDATE archive_record
             SET retention_years = ${period.years}::int,
                 retention_ends_on = make_date(extract(year FROM closed_on)::int + ${period.years}::int, 12, 31)
           WHERE company_id = ${companyId} AND doc_type = ${type} AND status = 'FILED' AND retention_years < ${period.years}::int`;
      }
    }
    await recordAudit(tx, {
      actorId: viewer.id,
      type: "archive.retention_settings_changed",
      data: { companyId, before: (before?.retention_overrides ?? null) as Prisma.InputJsonValue, after: stored as Prisma.InputJsonValue, lengthened },
    });
    return { lengthened };
  });
}

// ── legal hold ──

export type HeldRecord = {
  id: string;
  claimNumber: string;
  companyId: string;
  companyCode: string;
  claimantName: string;
  docType: string;
  closedOn: string;
  retentionEndsOn: string | null;
  reason: string;
  heldBy: string;
  heldAt: Date;
};

const isoDay = (d: Date | null): string | null => (d ? d.toISOString().slice(0, 10) : null);

/** Records under legal hold in the viewer's companies, newest hold first. */
export async function listLegalHolds(viewer: Actor, db: Db = prisma): Promise<HeldRecord[]> {
  const ids = await archiveCompanyIds(db, viewer);
  const rows = await db.$queryRaw<
    { id: string; claim_number: string; company_id: string; code: string; claimant_name: string; doc_type: string; closed_on: Date; retention_ends_on: Date | null; legal_hold_reason: string | null; held_by: string | null; legal_hold_at: Date | null }[]
  >`
    SELECT r.id, r.claim_number, r.company_id, c.code, r.claimant_name, r.doc_type, r.closed_on, r.retention_ends_on,
           r.legal_hold_reason, u.name AS held_by, r.legal_hold_at
      FROM archive_record r JOIN company c ON c.id = r.company_id LEFT JOIN app_user u ON u.id = r.legal_hold_by_id
     WHERE r.legal_hold AND r.company_id = ANY(${ids}::text[])
     ORDER BY r.legal_hold_at DESC NULLS LAST, r.claim_number`;
  return rows.map((r) => ({
    id: r.id,
    claimNumber: r.claim_number,
    companyId: r.company_id,
    companyCode: r.code,
    claimantName: r.claimant_name,
    docType: r.doc_type,
    closedOn: isoDay(r.closed_on)!,
    retentionEndsOn: isoDay(r.retention_ends_on),
    reason: r.legal_hold_reason ?? "",
    heldBy: r.held_by ?? "",
    heldAt: r.legal_hold_at ?? new Date(0),
  }));
}

const REASON_MAX = 500;

function checkReason(reason: string): string {
  const r = reason.trim();
  if (r.length === 0) throw new AppError("invalid", { fieldErrors: { reason: "required" } });
  if (r.length > REASON_MAX) throw new AppError("invalid", { fieldErrors: { reason: "too_long" } });
  return r;
}

/**
 * Places (hold = true) or lifts a legal hold on the archive record of `claimNumber` (ADMIN of its company;
 * a record elsewhere is not found). A destroyed record cannot be held; placing a hold on a record already
 * held, or lifting one that is not, is refused (`already_held` / `not_held`). A hold on a record in an open
 * destruction request stops that request's execution. One transaction with its audit event.
 */
export async function setLegalHold(
  { viewer, claimNumber, hold, reason }: { viewer: Actor; claimNumber: string; hold: boolean; reason: string },
  db: Db = prisma,
): Promise<{ recordId: string }> {
  const why = checkReason(reason);
  const ids = await archiveCompanyIds(db, viewer, ["ADMIN"]);
  const number = claimNumber.trim();
  if (!number) throw new AppError("invalid", { fieldErrors: { claimNumber: "required" } });
  return db.$transaction(async (tx) => {
    const [record] = await tx.$queryRaw<{ id: string; claim_id: string; company_id: string; status: string; legal_hold: boolean }[]>`
      SELECT id, claim_id, company_id, status, legal_hold FROM archive_record
       WHERE claim_number = ${number} AND company_id = ANY(${ids}::text[]) FOR UPDATE`;
    if (!record) throw new AppError("not_found", { fieldErrors: { claimNumber: "not_found" } });
    if (record.status !== "FILED") throw new AppError("not_allowed", { reason: "destroyed" });
    if (hold && record.legal_hold) throw new AppError("conflict", { reason: "already_held" });
    if (!hold && !record.legal_hold) throw new AppError("conflict", { reason: "not_held" });
    await tx.archiveRecord.update({
      where: { id: record.id },
      data: hold
        ? { legalHold: true, legalHoldReason: why, legalHoldById: viewer.id, legalHoldAt: new Date() }
        : { legalHold: false, legalHoldReason: null, legalHoldById: null, legalHoldAt: null },
    });
    await recordAudit(tx, {
      claimId: record.claim_id,
      actorId: viewer.id,
      type: hold ? "archive.legal_hold_placed" : "archive.legal_hold_lifted",
      data: { recordId: record.id, claimNumber: number, companyId: record.company_id, reason: why },
    });
    return { recordId: record.id };
  });
}
