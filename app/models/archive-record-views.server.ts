/**
 * What the electronic-records screens show, scoped to archive staff (ARCHIVIST, SUPERVISOR, ADMIN) of the
 * record's company (user_company): another company's record is not found, and lists leave it out.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { hasRole, type Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import type { CheckReport } from "~/domain/archive-checks";
import { isSafeRelativePath } from "~/domain/archive-package";
import { JOBS } from "~/domain/jobs";
import { packageDir } from "~/utils/archive-store.server";
import { prisma } from "~/utils/db.server";
import { recordAudit } from "./audit.server";
import { enqueueJob } from "./outbox.server";
import { archiveCompanyIds } from "./archive-staff.server";

export type RecordListItem = {
  id: string;
  claimNumber: string;
  companyCode: string;
  claimantName: string;
  outcome: string;
  totalMinor: string;
  currency: string;
  closedOn: string;
  filedAt: string;
  fileCount: number;
  totalBytes: string;
  lastFixityAt: string | null;
  lastFixityOk: boolean | null;
  checksOk: boolean | null;
};

export type FixityRunView = { id: string; kind: string; startedAt: string; finishedAt: string | null; packages: number; files: number; bytes: string; mismatches: number };

export async function listArchiveRecords(viewer: Actor, opts: { limit?: number } = {}) {
  const companyIds = await archiveCompanyIds(prisma, viewer);
  const where = { companyId: { in: companyIds } };
  const [records, total, failing, companies, runs] = await Promise.all([
    prisma.archiveRecord.findMany({ where, orderBy: [{ filedAt: "desc" }, { id: "asc" }], take: opts.limit ?? 50 }),
    prisma.archiveRecord.count({ where }),
    prisma.archiveRecord.findMany({ where: { ...where, status: "FILED", lastFixityOk: false }, orderBy: { lastFixityAt: "desc" }, select: { id: true, claimNumber: true, lastFixityAt: true } }),
    prisma.company.findMany({ where: { id: { in: companyIds } }, select: { id: true, code: true } }),
    prisma.fixityRun.findMany({ orderBy: { startedAt: "desc" }, take: 5 }),
  ]);
  const reports = await prisma.archiveCheckReport.findMany({
    where: { recordId: { in: records.map((r) => r.id) } },
    orderBy: { checkedAt: "desc" },
    select: { recordId: true, authenticityOk: true, integrityOk: true, usabilityOk: true, securityOk: true },
  });
  const latest = new Map<string, boolean>();
  for (const r of reports) if (!latest.has(r.recordId)) latest.set(r.recordId, r.authenticityOk && r.integrityOk && r.usabilityOk && r.securityOk);
  const code = new Map(companies.map((c) => [c.id, c.code]));
  const items: RecordListItem[] = records.map((r) => ({
    id: r.id,
    claimNumber: r.claimNumber,
    companyCode: code.get(r.companyId) ?? "",
    claimantName: r.claimantName,
    outcome: r.outcome,
    totalMinor: r.totalMinor.toString(),
    currency: r.currency,
    closedOn: r.closedOn.toISOString().slice(0, 10),
    filedAt: r.filedAt.toISOString(),
    fileCount: r.fileCount,
    totalBytes: r.totalBytes.toString(),
    lastFixityAt: r.lastFixityAt?.toISOString() ?? null,
    lastFixityOk: r.lastFixityOk,
    checksOk: latest.get(r.id) ?? null,
  }));
  return {
    records: items,
    total,
    failing: failing.map((f) => ({ id: f.id, claimNumber: f.claimNumber, at: f.lastFixityAt?.toISOString() ?? null })),
    runs: runs.map(runView),
    canRunFixity: hasRole(viewer, "ADMIN"),
    hasCompanies: companyIds.length > 0,
  };
}

function runView(r: { id: string; kind: string; startedAt: Date; finishedAt: Date | null; packagesChecked: number; filesChecked: number; bytesChecked: bigint; mismatches: number }): FixityRunView {
  return {
    id: r.id,
    kind: r.kind,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    packages: r.packagesChecked,
    files: r.filesChecked,
    bytes: r.bytesChecked.toString(),
    mismatches: r.mismatches,
  };
}

/** One record of the viewer's companies, or null (another company's, or none). */
export async function findStaffRecord(viewer: Actor, recordId: string) {
  const companyIds = await archiveCompanyIds(prisma, viewer);
  const record = await prisma.archiveRecord.findUnique({ where: { id: recordId } });
  if (!record || !companyIds.includes(record.companyId)) return null;
  return record;
}

export async function archiveRecordDetail(viewer: Actor, recordId: string) {
  const record = await findStaffRecord(viewer, recordId);
  if (!record) return null;
  const [company, files, reports, failures, addenda] = await Promise.all([
    prisma.company.findUniqueOrThrow({ where: { id: record.companyId }, select: { code: true, name: true, nameZh: true } }),
    prisma.archiveFile.findMany({ where: { recordId }, orderBy: { path: "asc" } }),
    prisma.archiveCheckReport.findMany({ where: { recordId }, orderBy: { checkedAt: "desc" }, take: 10 }),
    prisma.fixityFailure.findMany({ where: { recordId }, orderBy: { foundAt: "desc" }, take: 50 }),
    prisma.archiveAddendum.findMany({ where: { recordId }, orderBy: { seq: "asc" } }),
  ]);
  const runIds = [...new Set(failures.map((f) => f.runId))];
  const runs = runIds.length > 0 ? await prisma.fixityRun.findMany({ where: { id: { in: runIds } } }) : [];
  const requesters = await prisma.user.findMany({ where: { id: { in: reports.flatMap((r) => (r.requestedById ? [r.requestedById] : [])) } }, select: { id: true, name: true } });
  const name = new Map(requesters.map((u) => [u.id, u.name]));
  return {
    record: {
      id: record.id,
      claimId: record.claimId,
      claimNumber: record.claimNumber,
      company,
      claimantName: record.claimantName,
      outcome: record.outcome,
      totalMinor: record.totalMinor.toString(),
      currency: record.currency,
      merchants: record.merchants,
      spentFrom: record.spentFrom.toISOString().slice(0, 10),
      spentTo: record.spentTo.toISOString().slice(0, 10),
      docType: record.docType,
      closedOn: record.closedOn.toISOString().slice(0, 10),
      retentionYears: record.retentionYears,
      retentionEndsOn: record.retentionEndsOn?.toISOString().slice(0, 10) ?? null,
      packagePath: record.packagePath,
      manifestSha256: record.manifestSha256,
      fileCount: record.fileCount,
      totalBytes: record.totalBytes.toString(),
      filedAt: record.filedAt.toISOString(),
      lastFixityAt: record.lastFixityAt?.toISOString() ?? null,
      lastFixityOk: record.lastFixityOk,
      status: record.status,
      legalHold: record.legalHold,
    },
    files: files.map((f) => ({ path: f.path, role: f.role, mediaType: f.mediaType, sha256: f.sha256, sizeBytes: f.sizeBytes.toString() })),
    addenda: addenda.map((a) => ({
      seq: a.seq,
      reason: a.reason,
      claimStatus: a.claimStatus,
      events: a.auditEventCount,
      auditFrom: a.auditFromSeq.toString(),
      auditThrough: a.auditThroughSeq.toString(),
      manifestSha256: a.manifestSha256,
      fileCount: a.fileCount,
      totalBytes: a.totalBytes.toString(),
      filedAt: a.filedAt.toISOString(),
    })),
    reports: reports.map((r) => ({
      id: r.id,
      trigger: r.trigger,
      checkedAt: r.checkedAt.toISOString(),
      requestedBy: r.requestedById ? (name.get(r.requestedById) ?? null) : null,
      results: { authenticity: r.authenticityOk, integrity: r.integrityOk, usability: r.usabilityOk, security: r.securityOk },
      details: r.details as unknown as CheckReport,
    })),
    failures: failures.map((f) => ({ id: f.id, runId: f.runId, path: f.path, problem: f.problem, expected: f.expectedSha256, actual: f.actualSha256, foundAt: f.foundAt.toISOString() })),
    fixityRuns: runs.map(runView),
  };
}

/** An admin asks for a full fixity run now: a job through the outbox (the run can take a while). */
export async function requestFullFixity(viewer: Actor, now = new Date()): Promise<void> {
  if (!hasRole(viewer, "ADMIN")) throw new AppError("forbidden");
  await prisma.$transaction(async (tx) => {
    const slot = now.toISOString().slice(0, 16).replace(/[-:T]/g, "");
    await enqueueJob(tx, JOBS.fixityRun, { kind: "FULL", slot, requestedById: viewer.id });
    await recordAudit(tx, { actorId: viewer.id, type: "archive.fixity_requested", data: { kind: "FULL", slot } });
  });
}

/** A file of a package for archive staff: its bytes as stored, with the media type recorded at filing. */
export async function readPackageFile(viewer: Actor, recordId: string, filePath: string): Promise<{ bytes: Buffer; mediaType: string; name: string } | null> {
  const record = await findStaffRecord(viewer, recordId);
  if (!record || !isSafeRelativePath(filePath)) return null;
  const file = await prisma.archiveFile.findUnique({ where: { recordId_path: { recordId, path: filePath } } });
  if (!file) return null;
  try {
    const bytes = await fs.readFile(path.join(packageDir(record.packagePath), ...filePath.split("/")));
    await prisma.$transaction((tx) => recordAudit(tx, { claimId: record.claimId, actorId: viewer.id, type: "archive.file_downloaded", data: { recordId, path: filePath } }));
    return { bytes, mediaType: file.mediaType, name: `${record.claimNumber}-${filePath.replace(/\//g, "-")}` };
  } catch {
    return null;
  }
}
