/**
 * Exports of a company's vouchers for the ERP (CSV, JSON, Kingdee layout: app/domain/ledger-export.ts),
 * each recorded with the vouchers it held and the SHA-256 of the bytes handed out; and the ERP's own voucher
 * numbers written back (insert-only: a voucher's ERP number never changes).
 */
import { createHash, randomUUID } from "node:crypto";
import type { Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { exportBody, parseErpNumbers, type ExportFormat, type ExportVoucher, EXPORT_FORMATS } from "~/domain/ledger-export";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { recordAudit } from "./audit.server";
import { requireLedgerCompany } from "./ledger-access.server";

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export type VoucherExportResult = { exportId: string; fileName: string; mimeType: string; body: Buffer; voucherCount: number; lineCount: number };

/** The company's vouchers (dated from…to, inclusive; or only those never exported), with their lines, for an export. */
export async function loadExportVouchers(db: Db | Tx, companyId: string, { from, to, onlyNew = false }: { from?: string; to?: string; onlyNew?: boolean }): Promise<ExportVoucher[]> {
  const vouchers = await db.$queryRaw<
    { id: string; period: string; number: number; voucher_type: string; kind: string; voucher_date: Date; description: string; attachment_count: number; currency: string; total_minor: bigint; reverses_id: string | null }[]
  >`
    SELECT v.id, v.period, v.number, v.voucher_type, v.kind, v.voucher_date, v.description, v.attachment_count, v.currency::text AS currency, v.total_minor, v.reverses_id
      FROM voucher v
     WHERE v.company_id = ${companyId}
       AND (${from ?? null}::date IS NULL OR v.voucher_date >= ${from ?? null}::date)
       AND (${to ?? null}::date IS NULL OR v.voucher_date <= ${to ?? null}::date)
       AND (NOT ${onlyNew} OR NOT EXISTS (SELECT 1 FROM voucher_export_item i WHERE i.voucher_id = v.id))
     ORDER BY v.period, v.number`;
  if (vouchers.length === 0) return [];
  const lines = await db.$queryRaw<
    {
      voucher_id: string;
      position: number;
      external_id: string;
      account_code: string;
      account_name: string;
      account_name_zh: string;
      description: string;
      debit_minor: bigint;
      credit_minor: bigint;
      currency: string;
      original_minor: bigint;
      rate: string;
      department_code: string | null;
      department_name: string | null;
      employee_id: string | null;
      employee_name: string | null;
      project_code: string | null;
    }[]
  >`
    SELECT l.voucher_id, l.position, l.external_id, l.account_code, a.name AS account_name, a.name_zh AS account_name_zh, l.description, l.debit_minor, l.credit_minor,
           l.currency::text AS currency, l.original_minor, l.rate, d.code AS department_code, d.name_zh AS department_name, l.employee_id, u.name AS employee_name, l.project_code
      FROM voucher_line l
      JOIN gl_account a ON a.company_id = l.company_id AND a.code = l.account_code
      LEFT JOIN department d ON d.id = l.department_id
      LEFT JOIN app_user u ON u.id = l.employee_id
     WHERE l.voucher_id = ANY(${vouchers.map((v) => v.id)}::text[])
     ORDER BY l.voucher_id, l.position`;
  const byVoucher = new Map<string, ExportVoucher["lines"][number][]>();
  for (const l of lines) {
    const list = byVoucher.get(l.voucher_id) ?? [];
    list.push({
      position: l.position,
      externalId: l.external_id,
      accountCode: l.account_code,
      accountName: l.account_name,
      accountNameZh: l.account_name_zh,
      description: l.description,
      debitMinor: l.debit_minor,
      creditMinor: l.credit_minor,
      currency: l.currency,
      originalMinor: l.original_minor,
      rate: l.rate,
      department: l.department_code ? { code: l.department_code, name: l.department_name ?? l.department_code } : null,
      employee: l.employee_id ? { id: l.employee_id, name: l.employee_name ?? "" } : null,
      projectCode: l.project_code,
    });
    byVoucher.set(l.voucher_id, list);
  }
  return vouchers.map((v) => ({
    id: v.id,
    period: v.period,
    number: v.number,
    voucherType: v.voucher_type,
    kind: v.kind,
    date: v.voucher_date.toISOString().slice(0, 10),
    description: v.description,
    attachmentCount: v.attachment_count,
    currency: v.currency,
    totalMinor: v.total_minor,
    reversesId: v.reverses_id,
    lines: byVoucher.get(v.id) ?? [],
  }));
}

/**
 * Exports a company's vouchers (ADMIN or ACCOUNTANT working for it) in one of the formats, dated from…to
 * (inclusive) and/or only those never exported before; records the export, its vouchers and the bytes'
 * digest, with an audit event, in one transaction. An export with nothing new is recorded too (it says so).
 */
export async function exportVouchers(
  { viewer, companyId, format, from, to, onlyNew = false }: { viewer: Actor; companyId: string; format: ExportFormat; from?: string; to?: string; onlyNew?: boolean },
  db: Db = prisma,
): Promise<VoucherExportResult> {
  await requireLedgerCompany(db, viewer, companyId);
  const fieldErrors: Record<string, string> = {};
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) fieldErrors.format = "invalid";
  if (from !== undefined && !DATE_RE.test(from)) fieldErrors.from = "invalid";
  if (to !== undefined && !DATE_RE.test(to)) fieldErrors.to = "invalid";
  if (from && to && from > to) fieldErrors.to = "before_from";
  if (Object.keys(fieldErrors).length > 0) throw new AppError("invalid", { fieldErrors });
  const company = await db.company.findUniqueOrThrow({ where: { id: companyId }, select: { id: true, code: true, currency: true } });

  return db.$transaction(
    async (tx) => {
      // One export at a time per company, so two "only new" exports never hand out the same voucher.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`voucher-export:${companyId}`}))`;
      const vouchers = await loadExportVouchers(tx, companyId, { from, to, onlyNew });
      const built = exportBody(format, company, vouchers);
      const body = Buffer.from(built.text, "utf8");
      const sha256 = createHash("sha256").update(body).digest("hex");
      const exportId = randomUUID();
      const lineCount = vouchers.reduce((n, v) => n + v.lines.length, 0);
      await tx.voucherExport.create({ data: { id: exportId, companyId, format, voucherCount: vouchers.length, lineCount, sha256, createdBy: viewer.id } });
      if (vouchers.length > 0) {
        await tx.$executeRaw`
          INSERT INTO voucher_export_item (export_id, voucher_id) SELECT ${exportId}, unnest(${vouchers.map((v) => v.id)}::text[])`;
      }
      await recordAudit(tx, { actorId: viewer.id, type: "ledger.exported", data: { exportId, companyId, format, from: from ?? null, to: to ?? null, onlyNew, vouchers: vouchers.length, lines: lineCount, sha256 } });
      const range = `${from ?? "start"}_${to ?? "now"}`;
      const fileName = `vouchers-${company.code}-${format}-${range}-${exportId.slice(0, 8)}.${built.extension}`;
      return { exportId, fileName, mimeType: built.mimeType, body, voucherCount: vouchers.length, lineCount };
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

export type ErpWriteBackRow = { line: number; voucherRef: string; erpNumber: string; result: "recorded" | "same" | "error"; code?: string; voucherId?: string };

/**
 * The ERP's voucher numbers written back from its file (CSV: voucher_id or period + voucher_number, and
 * erp_number). Each row is recorded, the same as already recorded, or an error (unknown voucher, another
 * company's, or a different number for a voucher already written back: never overwritten). One transaction
 * with its audit event.
 */
export async function recordErpNumbers(
  { viewer, companyId, erpSystem, csvText }: { viewer: Actor; companyId: string; erpSystem: string; csvText: string },
  db: Db = prisma,
): Promise<{ rows: ErpWriteBackRow[]; recorded: number; same: number; errors: number }> {
  await requireLedgerCompany(db, viewer, companyId);
  const system = erpSystem.trim();
  if (!system || system.length > 40) throw new AppError("invalid", { fieldErrors: { erpSystem: "required" } });
  const parsed = parseErpNumbers(csvText);
  if (parsed.errors.some((e) => e.code === "bad_header")) throw new AppError("invalid", { fieldErrors: { csvText: "bad_header" } });
  const out: ErpWriteBackRow[] = parsed.errors.map((e) => ({ line: e.line, voucherRef: "", erpNumber: "", result: "error" as const, code: e.code }));

  return db.$transaction(async (tx) => {
    const byRef = new Map<string, string>();
    const refs = parsed.rows.map((r) => r.voucherRef);
    const found = await tx.$queryRaw<{ id: string; period: string; number: number }[]>`
      SELECT id, period, number FROM voucher
       WHERE company_id = ${companyId}
         AND (id = ANY(${refs}::text[]) OR (period || '/' || number::text) = ANY(${refs}::text[]))`;
    for (const v of found) {
      byRef.set(v.id, v.id);
      byRef.set(`${v.period}/${v.number}`, v.id);
    }
    const existing = new Map(
      (await tx.voucherErpRef.findMany({ where: { voucherId: { in: found.map((f) => f.id) } }, select: { voucherId: true, erpSystem: true, erpNumber: true } })).map((r) => [r.voucherId, r]),
    );
    let recorded = 0;
    let same = 0;
    for (const row of parsed.rows) {
      const voucherId = byRef.get(row.voucherRef);
      if (!voucherId) {
        out.push({ ...row, result: "error", code: "unknown_voucher" });
        continue;
      }
      const had = existing.get(voucherId);
      if (had) {
        if (had.erpSystem === system && had.erpNumber === row.erpNumber) {
          out.push({ ...row, voucherId, result: "same" });
          same += 1;
        } else out.push({ ...row, voucherId, result: "error", code: "different_number" });
        continue;
      }
      await tx.voucherErpRef.create({ data: { voucherId, erpSystem: system, erpNumber: row.erpNumber, recordedBy: viewer.id } });
      existing.set(voucherId, { voucherId, erpSystem: system, erpNumber: row.erpNumber });
      out.push({ ...row, voucherId, result: "recorded" });
      recorded += 1;
    }
    out.sort((a, b) => a.line - b.line);
    const errors = out.filter((r) => r.result === "error").length;
    await recordAudit(tx, { actorId: viewer.id, type: "ledger.erp_numbers_recorded", data: { companyId, erpSystem: system, recorded, same, errors } });
    return { rows: out, recorded, same, errors };
  });
}
