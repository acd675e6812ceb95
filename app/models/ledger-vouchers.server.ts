/**
 * Reading the ledger: a company's vouchers (newest first, filtered) and one voucher with its lines, its
 * reversal, its exports and its ERP number. The caller checks access first (ledgerCompanyIds).
 */
import type { Db } from "~/utils/db.server";

export type VoucherListItem = {
  id: string;
  period: string;
  number: number;
  voucherType: string;
  kind: "CLAIM" | "PAYMENT" | "REVERSAL";
  date: string;
  description: string;
  currency: string;
  totalMinor: bigint;
  claimId: string | null;
  claimNumber: string | null;
  paymentId: string | null;
  reversesId: string | null;
  reversedById: string | null;
  erpNumber: string | null;
  exported: boolean;
};

/** Vouchers of a company, newest first: by period, kind, claim number or text in the description; `limit` rows after `offset`. */
export async function listVouchers(
  db: Db,
  companyId: string,
  { period, kind, search, limit = 50, offset = 0 }: { period?: string; kind?: VoucherListItem["kind"]; search?: string; limit?: number; offset?: number } = {},
): Promise<{ items: VoucherListItem[]; total: number }> {
  const text = search?.trim() ? `%${search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await db.$queryRaw<
    {
      id: string;
      period: string;
      number: number;
      voucher_type: string;
      kind: VoucherListItem["kind"];
      voucher_date: Date;
      description: string;
      currency: string;
      total_minor: bigint;
      claim_id: string | null;
      claim_number: string | null;
      payment_id: string | null;
      reverses_id: string | null;
      reversed_by_id: string | null;
      erp_number: string | null;
      exported: boolean;
      total_count: bigint;
    }[]
  >`
    SELECT v.id, v.period, v.number, v.voucher_type, v.kind, v.voucher_date, v.description, v.currency::text AS currency, v.total_minor, v.claim_id, c.number AS claim_number,
           v.payment_id, v.reverses_id, r.id AS reversed_by_id, e.erp_number,
           EXISTS (SELECT 1 FROM voucher_export_item i WHERE i.voucher_id = v.id) AS exported,
           count(*) OVER () AS total_count
      FROM voucher v
      LEFT JOIN claim c ON c.id = v.claim_id
      LEFT JOIN voucher r ON r.reverses_id = v.id
      LEFT JOIN voucher_erp_ref e ON e.voucher_id = v.id
     WHERE v.company_id = ${companyId}
       AND (${period ?? null}::text IS NULL OR v.period = ${period ?? null})
       AND (${kind ?? null}::text IS NULL OR v.kind = ${kind ?? null})
       AND (${text}::text IS NULL OR v.description ILIKE ${text} OR c.number ILIKE ${text})
     ORDER BY v.period DESC, v.number DESC
     LIMIT ${Math.min(Math.max(limit, 1), 500)} OFFSET ${Math.max(offset, 0)}`;
  return {
    total: Number(rows[0]?.total_count ?? 0),
    items: rows.map((r) => ({
      id: r.id,
      period: r.period,
      number: r.number,
      voucherType: r.voucher_type,
      kind: r.kind,
      date: r.voucher_date.toISOString().slice(0, 10),
      description: r.description,
      currency: r.currency,
      totalMinor: r.total_minor,
      claimId: r.claim_id,
      claimNumber: r.claim_number,
      paymentId: r.payment_id,
      reversesId: r.reverses_id,
      reversedById: r.reversed_by_id,
      erpNumber: r.erp_number,
      exported: r.exported,
    })),
  };
}

export type VoucherDetail = VoucherListItem & {
  companyId: string;
  attachmentCount: number;
  sourceKey: string;
  createdAt: Date;
  createdBy: { id: string; name: string } | null;
  erp: { system: string; number: string; recordedAt: Date } | null;
  exports: { id: string; format: string; createdAt: Date }[];
  lines: {
    position: number;
    externalId: string;
    accountCode: string;
    accountName: string;
    accountNameZh: string;
    description: string;
    debitMinor: bigint;
    creditMinor: bigint;
    currency: string;
    originalMinor: bigint;
    rate: string;
    department: { id: string; name: string; nameZh: string } | null;
    employee: { id: string; name: string } | null;
    projectCode: string | null;
  }[];
};

/** One voucher of `companyId` (null when it is another company's or does not exist). */
export async function getVoucher(db: Db, companyId: string, voucherId: string): Promise<VoucherDetail | null> {
  const v = await db.voucher.findFirst({
    where: { id: voucherId, companyId },
    include: {
      lines: { orderBy: { position: "asc" } },
    },
  });
  if (!v) return null;
  const [claim, reversal, erp, exports, creator, accounts, departments, employees] = await Promise.all([
    v.claimId ? db.claim.findUnique({ where: { id: v.claimId }, select: { number: true } }) : null,
    db.voucher.findFirst({ where: { reversesId: v.id }, select: { id: true } }),
    db.voucherErpRef.findUnique({ where: { voucherId: v.id } }),
    db.$queryRaw<{ id: string; format: string; created_at: Date }[]>`
      SELECT e.id, e.format, e.created_at FROM voucher_export e JOIN voucher_export_item i ON i.export_id = e.id WHERE i.voucher_id = ${v.id} ORDER BY e.created_at`,
    v.createdBy ? db.user.findUnique({ where: { id: v.createdBy }, select: { id: true, name: true } }) : null,
    db.glAccount.findMany({ where: { companyId, code: { in: v.lines.map((l) => l.accountCode) } }, select: { code: true, name: true, nameZh: true } }),
    db.department.findMany({ where: { id: { in: v.lines.flatMap((l) => (l.departmentId ? [l.departmentId] : [])) } }, select: { id: true, name: true, nameZh: true } }),
    db.user.findMany({ where: { id: { in: v.lines.flatMap((l) => (l.employeeId ? [l.employeeId] : [])) } }, select: { id: true, name: true } }),
  ]);
  const account = new Map(accounts.map((a) => [a.code, a]));
  const department = new Map(departments.map((d) => [d.id, d]));
  const employee = new Map(employees.map((e) => [e.id, e]));
  return {
    id: v.id,
    companyId: v.companyId,
    period: v.period,
    number: v.number,
    voucherType: v.voucherType,
    kind: v.kind as VoucherListItem["kind"],
    date: v.voucherDate.toISOString().slice(0, 10),
    description: v.description,
    currency: v.currency,
    totalMinor: v.totalMinor,
    claimId: v.claimId,
    claimNumber: claim?.number ?? null,
    paymentId: v.paymentId,
    reversesId: v.reversesId,
    reversedById: reversal?.id ?? null,
    erpNumber: erp?.erpNumber ?? null,
    exported: exports.length > 0,
    attachmentCount: v.attachmentCount,
    sourceKey: v.sourceKey,
    createdAt: v.createdAt,
    createdBy: creator ?? null,
    erp: erp ? { system: erp.erpSystem, number: erp.erpNumber, recordedAt: erp.recordedAt } : null,
    exports: exports.map((e) => ({ id: e.id, format: e.format, createdAt: e.created_at })),
    lines: v.lines.map((l) => ({
      position: l.position,
      externalId: l.externalId,
      accountCode: l.accountCode,
      accountName: account.get(l.accountCode)?.name ?? "",
      accountNameZh: account.get(l.accountCode)?.nameZh ?? "",
      description: l.description,
      debitMinor: l.debitMinor,
      creditMinor: l.creditMinor,
      currency: l.currency,
      originalMinor: l.originalMinor,
      rate: l.rate,
      department: l.departmentId ? (department.get(l.departmentId) ?? null) : null,
      employee: l.employeeId ? (employee.get(l.employeeId) ?? null) : null,
      projectCode: l.projectCode,
    })),
  };
}
