/**
 * What the ledger screens read: vouchers (list, detail), a claim's vouchers, periods with their counts and
 * the export history. Read only. Scope: accountants, supervisors and admins see the companies they are
 * assigned to (user_company); a voucher of another company is not found. The commands (posting, reversal,
 * closing, exports, chart of accounts) live in app/models/ledger-*.server.ts.
 */
import type { ClaimVoucherItem, ExportRow, PendingRow, LedgerCompany, PeriodRow, VoucherDetail, VoucherLineView, VoucherPage, VoucherRef } from "~/contracts/ledger";
import type { Actor } from "~/domain/actor";
import { hasRole } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { isoDate } from "~/domain/calendar-date";
import { parseLedgerSearch, voucherLabel, type VoucherKind } from "~/domain/ledger-display";
import { Prisma } from "~/generated/prisma/client";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { pendingPostings } from "./ledger-posting.server";

export const LEDGER_ROLES = ["ACCOUNTANT", "SUPERVISOR", "ADMIN"] as const;
export const VOUCHER_PAGE_SIZE = 50;

/** The companies whose books the viewer reads (user_company); refuses anyone without a ledger role. */
export async function ledgerCompanyIds(db: Db | Tx, actor: Actor): Promise<string[]> {
  if (!hasRole(actor, ...LEDGER_ROLES)) throw new AppError("forbidden", { message: "Only accountants, supervisors and admins read the ledger." });
  const rows = await db.userCompany.findMany({ where: { userId: actor.id }, select: { companyId: true } });
  return rows.map((r) => r.companyId);
}

export async function ledgerCompanies(actor: Actor): Promise<LedgerCompany[]> {
  const ids = await ledgerCompanyIds(prisma, actor);
  const rows = await prisma.company.findMany({ where: { id: { in: ids } }, select: { id: true, code: true, name: true, nameZh: true, currency: true }, orderBy: { code: "asc" } });
  return rows;
}

export type VoucherFilter = { companyId?: string | null; period?: string | null; kind?: VoucherKind | null; q?: string | null; page?: number };

export async function listVouchers(actor: Actor, filter: VoucherFilter = {}): Promise<VoucherPage> {
  const allowed = await ledgerCompanyIds(prisma, actor);
  const companyIds = filter.companyId ? allowed.filter((id) => id === filter.companyId) : allowed;
  const page = filter.page ?? 1;
  if (companyIds.length === 0) return { items: [], total: 0, page, pageSize: VOUCHER_PAGE_SIZE };
  const search = parseLedgerSearch(filter.q);
  const conditions: Prisma.Sql[] = [Prisma.sql`v.company_id IN (${Prisma.join(companyIds)})`];
  if (filter.period) conditions.push(Prisma.sql`v.period = ${filter.period}`);
  if (filter.kind) conditions.push(Prisma.sql`v.kind = ${filter.kind}`);
  if (search) {
    const either: Prisma.Sql[] = [];
    if (search.voucherNumber !== null) either.push(Prisma.sql`v.number = ${search.voucherNumber}`);
    if (search.claimNumber !== null) {
      const prefix = `${search.claimNumber.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      either.push(Prisma.sql`v.claim_id IN (SELECT id FROM claim WHERE number ILIKE ${prefix})`);
      either.push(Prisma.sql`v.payment_id IN (SELECT p.id FROM payment p JOIN claim c ON c.id = p.claim_id WHERE c.number ILIKE ${prefix})`);
    }
    conditions.push(Prisma.sql`(${Prisma.join(either, " OR ")})`);
  }
  const where = Prisma.join(conditions, " AND ");
  const [[count], rows] = await Promise.all([
    prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM voucher v WHERE ${where}`,
    prisma.$queryRaw<
      {
        id: string;
        company_id: string;
        company_code: string;
        period: string;
        number: number;
        voucher_type: string;
        kind: string;
        voucher_date: Date;
        description: string;
        total_minor: bigint;
        currency: string;
        attachment_count: number;
        claim_id: string | null;
        claim_number: string | null;
        exported: boolean;
        erp_number: string | null;
      }[]
    >`
      SELECT v.id, v.company_id, co.code AS company_code, v.period, v.number, v.voucher_type, v.kind, v.voucher_date, v.description,
             v.total_minor, v.currency, v.attachment_count, COALESCE(v.claim_id, p.claim_id) AS claim_id, c.number AS claim_number,
             EXISTS (SELECT 1 FROM voucher_export_item i WHERE i.voucher_id = v.id) AS exported, r.erp_number
        FROM voucher v
        JOIN company co ON co.id = v.company_id
        LEFT JOIN payment p ON p.id = v.payment_id
        LEFT JOIN claim c ON c.id = COALESCE(v.claim_id, p.claim_id)
        LEFT JOIN voucher_erp_ref r ON r.voucher_id = v.id
       WHERE ${where}
       ORDER BY v.voucher_date DESC, co.code, v.period DESC, v.number DESC
       LIMIT ${VOUCHER_PAGE_SIZE} OFFSET ${(page - 1) * VOUCHER_PAGE_SIZE}`,
  ]);
  return {
    page,
    pageSize: VOUCHER_PAGE_SIZE,
    total: Number(count?.n ?? 0),
    items: rows.map((r) => ({
      id: r.id,
      companyId: r.company_id,
      companyCode: r.company_code,
      period: r.period,
      label: voucherLabel(r.voucher_type, r.number),
      kind: r.kind,
      voucherDate: isoDate(r.voucher_date),
      description: r.description,
      totalMinor: r.total_minor.toString(),
      currency: r.currency,
      attachmentCount: r.attachment_count,
      claimId: r.claim_id,
      claimNumber: r.claim_number,
      exported: r.exported,
      erpNumber: r.erp_number,
    })),
  };
}

/** One voucher as a 记账凭证 reads, or null when it does not exist or is of a company outside the viewer's. */
export async function voucherDetail(actor: Actor, voucherId: string): Promise<VoucherDetail | null> {
  const companyIds = await ledgerCompanyIds(prisma, actor);
  const v = await prisma.voucher.findUnique({ where: { id: voucherId } });
  if (!v || !companyIds.includes(v.companyId)) return null;
  const [company, lineRows, claim, paymentRows, reverses, reversedBy, erp, exports, creator, period] = await Promise.all([
    prisma.company.findUniqueOrThrow({ where: { id: v.companyId }, select: { id: true, code: true, name: true, nameZh: true, currency: true } }),
    prisma.$queryRaw<
      {
        position: number;
        description: string;
        account_code: string;
        account_name: string;
        account_name_zh: string;
        debit_minor: bigint;
        credit_minor: bigint;
        currency: string;
        original_minor: bigint;
        rate: string;
        department_name: string | null;
        department_name_zh: string | null;
        employee_name: string | null;
        project_code: string | null;
        external_id: string;
      }[]
    >`
      SELECT l.position, l.description, l.account_code, a.name AS account_name, a.name_zh AS account_name_zh, l.debit_minor, l.credit_minor,
             l.currency, l.original_minor, l.rate, d.name AS department_name, d.name_zh AS department_name_zh, u.name AS employee_name,
             l.project_code, l.external_id
        FROM voucher_line l
        JOIN gl_account a ON a.company_id = l.company_id AND a.code = l.account_code
        LEFT JOIN department d ON d.id = l.department_id
        LEFT JOIN app_user u ON u.id = l.employee_id
       WHERE l.voucher_id = ${v.id}
       ORDER BY l.position`,
    v.claimId ? prisma.claim.findUnique({ where: { id: v.claimId }, select: { id: true, number: true } }) : Promise.resolve(null),
    v.paymentId
      ? prisma.$queryRaw<{ id: string; end_to_end_id: string; run_id: string; run_number: string; claim_id: string; claim_number: string }[]>`
          SELECT p.id, p.end_to_end_id, p.run_id, r.number AS run_number, p.claim_id, c.number AS claim_number
            FROM payment p JOIN payment_run r ON r.id = p.run_id JOIN claim c ON c.id = p.claim_id
           WHERE p.id = ${v.paymentId}`
      : Promise.resolve([]),
    v.reversesId ? prisma.voucher.findUnique({ where: { id: v.reversesId }, select: { id: true, voucherType: true, number: true, period: true } }) : Promise.resolve(null),
    prisma.voucher.findFirst({ where: { reversesId: v.id }, select: { id: true, voucherType: true, number: true, period: true } }),
    prisma.voucherErpRef.findUnique({ where: { voucherId: v.id } }),
    prisma.$queryRaw<{ id: string; format: string; created_at: Date }[]>`
      SELECT e.id, e.format, e.created_at FROM voucher_export_item i JOIN voucher_export e ON e.id = i.export_id
       WHERE i.voucher_id = ${v.id} ORDER BY e.created_at`,
    v.createdBy ? prisma.user.findUnique({ where: { id: v.createdBy }, select: { name: true } }) : Promise.resolve(null),
    prisma.accountingPeriod.findUnique({ where: { companyId_period: { companyId: v.companyId, period: v.period } }, select: { status: true } }),
  ]);
  const ref = (r: { id: string; voucherType: string; number: number; period: string } | null): VoucherRef | null =>
    r ? { id: r.id, label: voucherLabel(r.voucherType, r.number), period: r.period } : null;
  const payment = paymentRows[0];
  const lines: VoucherLineView[] = lineRows.map((l) => ({
    position: l.position,
    description: l.description,
    accountCode: l.account_code,
    accountName: l.account_name,
    accountNameZh: l.account_name_zh,
    debitMinor: l.debit_minor.toString(),
    creditMinor: l.credit_minor.toString(),
    currency: l.currency,
    originalMinor: l.original_minor.toString(),
    rate: l.rate,
    department: l.department_name !== null ? { name: l.department_name, nameZh: l.department_name_zh ?? l.department_name } : null,
    employee: l.employee_name,
    projectCode: l.project_code,
    externalId: l.external_id,
  }));
  return {
    id: v.id,
    company,
    period: v.period,
    label: voucherLabel(v.voucherType, v.number),
    voucherType: v.voucherType,
    kind: v.kind,
    voucherDate: isoDate(v.voucherDate),
    description: v.description,
    attachmentCount: v.attachmentCount,
    currency: v.currency,
    totalMinor: v.totalMinor.toString(),
    claim: claim ?? (payment ? { id: payment.claim_id, number: payment.claim_number } : null),
    payment: payment
      ? { id: payment.id, endToEndId: payment.end_to_end_id, runId: payment.run_id, runNumber: payment.run_number, claimId: payment.claim_id, claimNumber: payment.claim_number }
      : null,
    reverses: ref(reverses),
    reversedBy: ref(reversedBy),
    erp: erp ? { system: erp.erpSystem, number: erp.erpNumber, recordedAt: erp.recordedAt.toISOString() } : null,
    exports: exports.map((e) => ({ id: e.id, format: e.format, createdAt: e.created_at.toISOString() })),
    createdBy: creator?.name ?? null,
    createdAt: v.createdAt.toISOString(),
    lines,
    periodOpen: period?.status !== "CLOSED",
  };
}

/**
 * A claim's vouchers (its claim vouchers, their reversals and its payments' vouchers), oldest first, for
 * the claim page. The caller has already checked that the viewer may see the claim.
 */
export async function claimVouchers(db: Db | Tx, claimId: string): Promise<ClaimVoucherItem[]> {
  const rows = await db.$queryRaw<{ id: string; voucher_type: string; number: number; period: string; kind: string; voucher_date: Date; total_minor: bigint; currency: string }[]>`
    WITH own AS (
      SELECT id FROM voucher WHERE claim_id = ${claimId}
      UNION SELECT v.id FROM voucher v JOIN payment p ON p.id = v.payment_id WHERE p.claim_id = ${claimId}
    )
    SELECT v.id, v.voucher_type, v.number, v.period, v.kind, v.voucher_date, v.total_minor, v.currency
      FROM voucher v
     WHERE v.id IN (SELECT id FROM own) OR v.reverses_id IN (SELECT id FROM own)
     ORDER BY v.created_at, v.number`;
  return rows.map((r) => ({
    id: r.id,
    label: voucherLabel(r.voucher_type, r.number),
    period: r.period,
    kind: r.kind,
    voucherDate: isoDate(r.voucher_date),
    totalMinor: r.total_minor.toString(),
    currency: r.currency,
  }));
}

/** Every period of the viewer's companies (or of one), newest first, with its voucher count. */
export async function listPeriodsWithCounts(actor: Actor, companyId?: string | null): Promise<PeriodRow[]> {
  const allowed = await ledgerCompanyIds(prisma, actor);
  const companyIds = companyId ? allowed.filter((id) => id === companyId) : allowed;
  if (companyIds.length === 0) return [];
  const rows = await prisma.$queryRaw<
    { company_id: string; period: string; status: string; next_voucher_number: number; closed_at: Date | null; closed_by: string | null; n: bigint }[]
  >`
    SELECT p.company_id, p.period, p.status, p.next_voucher_number, p.closed_at, u.name AS closed_by,
           (SELECT count(*) FROM voucher v WHERE v.company_id = p.company_id AND v.period = p.period) AS n
      FROM accounting_period p LEFT JOIN app_user u ON u.id = p.closed_by
     WHERE p.company_id IN (${Prisma.join(companyIds)})
     ORDER BY p.company_id, p.period DESC`;
  return rows.map((r) => ({
    companyId: r.company_id,
    period: r.period,
    status: r.status === "CLOSED" ? "CLOSED" : "OPEN",
    voucherCount: Number(r.n),
    nextNumber: r.next_voucher_number,
    closedAt: r.closed_at?.toISOString() ?? null,
    closedBy: r.closed_by,
  }));
}

/** The export history of the viewer's companies, newest first. */
export async function listExports(actor: Actor, companyId?: string | null, take = 100): Promise<ExportRow[]> {
  const allowed = await ledgerCompanyIds(prisma, actor);
  const companyIds = companyId ? allowed.filter((id) => id === companyId) : allowed;
  if (companyIds.length === 0) return [];
  const rows = await prisma.$queryRaw<
    { id: string; company_id: string; company_code: string; format: string; voucher_count: number; line_count: number; sha256: string; created_by: string | null; created_at: Date }[]
  >`
    SELECT e.id, e.company_id, co.code AS company_code, e.format, e.voucher_count, e.line_count, e.sha256, u.name AS created_by, e.created_at
      FROM voucher_export e JOIN company co ON co.id = e.company_id LEFT JOIN app_user u ON u.id = e.created_by
     WHERE e.company_id IN (${Prisma.join(companyIds)})
     ORDER BY e.created_at DESC
     LIMIT ${take}`;
  return rows.map((r) => ({
    id: r.id,
    companyId: r.company_id,
    companyCode: r.company_code,
    format: r.format,
    voucherCount: r.voucher_count,
    lineCount: r.line_count,
    sha256: r.sha256,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
  }));
}

/**
 * The claim page's vouchers panel: the claim's vouchers (for anyone who may see the claim — the caller
 * checked that) and whether the viewer may open them (a ledger reader of the claim's company).
 */
export async function claimVoucherPanel(actor: Actor, claim: { id: string; companyId: string }): Promise<{ vouchers: ClaimVoucherItem[]; linkable: boolean }> {
  const vouchers = await claimVouchers(prisma, claim.id);
  if (vouchers.length === 0 || !hasRole(actor, ...LEDGER_ROLES)) return { vouchers, linkable: false };
  const assigned = await prisma.userCompany.count({ where: { userId: actor.id, companyId: claim.companyId } });
  return { vouchers, linkable: assigned > 0 };
}

/**
 * The exceptions list: what the ledger sweep has not posted for the viewer's companies and why, with claim
 * numbers and the names of the departments and payer accounts a missing mapping is for. At most `limit` rows.
 */
export async function pendingView(actor: Actor, limit = 500): Promise<{ rows: PendingRow[]; truncated: boolean }> {
  const companyIds = await ledgerCompanyIds(prisma, actor);
  if (companyIds.length === 0) return { rows: [], truncated: false };
  const pending = await pendingPostings(prisma, companyIds, { limit: limit + 1 });
  const items = pending.slice(0, limit);
  const claimIds = [...new Set(items.map((p) => p.claimId).filter((x): x is string => !!x))];
  const paymentIds = items.filter((p) => !p.claimId && p.paymentId).map((p) => p.paymentId!);
  const departmentIds = new Set<string>();
  const payerIds = new Set<string>();
  for (const p of items)
    for (const m of p.missing) {
      if (m.kind === "mapping" && m.purpose === "EXPENSE" && m.departmentId) departmentIds.add(m.departmentId);
      if (m.kind === "mapping" && m.purpose === "BANK_CLEARING") payerIds.add(m.payerAccountId);
    }
  const [claims, payments, departments, payers] = await Promise.all([
    prisma.claim.findMany({ where: { id: { in: claimIds } }, select: { id: true, number: true } }),
    prisma.payment.findMany({ where: { id: { in: paymentIds } }, select: { id: true, claimId: true, claim: { select: { number: true } } } }),
    prisma.department.findMany({ where: { id: { in: [...departmentIds] } }, select: { id: true, code: true } }),
    prisma.payerAccount.findMany({ where: { id: { in: [...payerIds] } }, select: { id: true, name: true } }),
  ]);
  const claimNumber = new Map(claims.map((c) => [c.id, c.number]));
  const paymentClaim = new Map(payments.map((p) => [p.id, { id: p.claimId, number: p.claim.number }]));
  const department = new Map(departments.map((d) => [d.id, d.code]));
  const payer = new Map(payers.map((p) => [p.id, p.name]));
  const rows: PendingRow[] = items.map((p) => {
    const viaPayment = !p.claimId && p.paymentId ? paymentClaim.get(p.paymentId) : undefined;
    const claimId = p.claimId ?? viaPayment?.id ?? null;
    return {
      source: p.source,
      kind: p.kind,
      companyId: p.companyId,
      claimId,
      claimNumber: claimId ? (claimNumber.get(claimId) ?? viaPayment?.number ?? null) : null,
      date: p.date,
      period: p.period,
      totalMinor: p.totalMinor === null ? null : p.totalMinor.toString(),
      currency: p.currency,
      status: p.status,
      missing: p.missing.map((m) =>
        m.kind === "rate"
          ? m
          : m.purpose === "EXPENSE"
            ? { kind: "mapping" as const, purpose: m.purpose, categoryCode: m.categoryCode, department: m.departmentId ? (department.get(m.departmentId) ?? m.departmentId) : null }
            : m.purpose === "BANK_CLEARING"
              ? { kind: "mapping" as const, purpose: m.purpose, payerAccount: payer.get(m.payerAccountId) ?? m.payerAccountId }
              : { kind: "mapping" as const, purpose: m.purpose },
      ),
    };
  });
  return { rows, truncated: pending.length > limit };
}
