/**
 * A company's chart of accounts (imported from CSV: names and kinds are updated, accounts never deleted)
 * and the mappings that say which account a posting goes to. Changes are ADMIN's, each one transaction with
 * its audit event.
 */
import { randomUUID } from "node:crypto";
import type { Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { parseChartCsv, type ChartRow } from "~/domain/ledger-chart";
import { prisma, type Db } from "~/utils/db.server";
import { recordAudit } from "./audit.server";
import { requireLedgerCompany } from "./ledger-access.server";

export const MAPPING_PURPOSES = ["EXPENSE", "INPUT_VAT", "EMPLOYEE_PAYABLE", "BANK_CLEARING"] as const;
export type MappingPurpose = (typeof MAPPING_PURPOSES)[number];

export type ChartPreview = { rows: (ChartRow & { exists: boolean })[]; errorCount: number; headerError: string | null; newCount: number; updateCount: number };

/** The chart CSV checked row by row, and which accounts it would add or update; changes nothing. */
export async function previewChartImport({ companyId, csvText }: { companyId: string; csvText: string }, db: Db = prisma): Promise<ChartPreview> {
  const parsed = parseChartCsv(csvText);
  const codes = parsed.rows.map((r) => r.code);
  const existing = new Set((await db.glAccount.findMany({ where: { companyId, code: { in: codes } }, select: { code: true } })).map((a) => a.code));
  const rows = parsed.rows.map((r) => ({ ...r, exists: existing.has(r.code) }));
  return {
    rows,
    headerError: parsed.headerError,
    errorCount: rows.filter((r) => r.errors.length > 0).length + (parsed.headerError ? 1 : 0),
    newCount: rows.filter((r) => !r.exists).length,
    updateCount: rows.filter((r) => r.exists).length,
  };
}

/** Imports the chart (ADMIN): refused whole while any row has an error; upserts names and kinds, never deletes. */
export async function importChartOfAccounts({ viewer, companyId, csvText }: { viewer: Actor; companyId: string; csvText: string }, db: Db = prisma): Promise<{ created: number; updated: number }> {
  await requireLedgerCompany(db, viewer, companyId, ["ADMIN"]);
  const preview = await previewChartImport({ companyId, csvText }, db);
  if (preview.errorCount > 0) {
    throw new AppError("invalid", {
      reason: "chart_rows",
      fieldErrors: { csvText: preview.headerError ?? "rows_invalid" },
      details: { rows: preview.rows.filter((r) => r.errors.length > 0).map((r) => ({ line: r.line, code: r.code, errors: r.errors })) },
    });
  }
  return db.$transaction(async (tx) => {
    const rows = preview.rows;
    const result = await tx.$queryRaw<{ inserted: boolean }[]>`
      INSERT INTO gl_account (company_id, code, name, name_zh, kind, active)
      SELECT ${companyId}, r.code, r.name, r.name_zh, r.kind, true
        FROM unnest(${rows.map((r) => r.code)}::text[], ${rows.map((r) => r.name)}::text[], ${rows.map((r) => r.nameZh)}::text[], ${rows.map((r) => r.kind)}::text[])
          AS r(code, name, name_zh, kind)
      ON CONFLICT (company_id, code) DO UPDATE SET name = EXCLUDED.name, name_zh = EXCLUDED.name_zh, kind = EXCLUDED.kind, active = true
      RETURNING (xmax = 0) AS inserted`;
    const created = result.filter((r) => r.inserted).length;
    const updated = result.length - created;
    await recordAudit(tx, { actorId: viewer.id, type: "ledger.chart_imported", data: { companyId, created, updated } });
    return { created, updated };
  });
}

export type AccountRow = { code: string; name: string; nameZh: string; kind: string; active: boolean };

export async function listAccounts(db: Db, companyId: string): Promise<AccountRow[]> {
  return db.glAccount.findMany({ where: { companyId }, orderBy: { code: "asc" }, select: { code: true, name: true, nameZh: true, kind: true, active: true } });
}

export type MappingRow = {
  id: string;
  purpose: MappingPurpose;
  categoryCode: string | null;
  categoryName: string | null;
  categoryNameZh: string | null;
  departmentId: string | null;
  departmentName: string | null;
  departmentNameZh: string | null;
  payerAccountId: string | null;
  payerAccountName: string | null;
  accountCode: string;
  accountName: string;
  accountNameZh: string;
};

/** The company's mappings with the names a screen shows (one query). */
export async function listMappings(db: Db, companyId: string): Promise<MappingRow[]> {
  const rows = await db.$queryRaw<
    {
      id: string;
      purpose: MappingPurpose;
      category_code: string | null;
      category_name: string | null;
      category_name_zh: string | null;
      department_id: string | null;
      department_name: string | null;
      department_name_zh: string | null;
      payer_account_id: string | null;
      payer_account_name: string | null;
      account_code: string;
      account_name: string;
      account_name_zh: string;
    }[]
  >`
    SELECT m.id, m.purpose, m.category_code, c.name AS category_name, c.name_zh AS category_name_zh, m.department_id, d.name AS department_name, d.name_zh AS department_name_zh,
           m.payer_account_id, p.name AS payer_account_name, m.account_code, a.name AS account_name, a.name_zh AS account_name_zh
      FROM gl_mapping m
      JOIN gl_account a ON a.company_id = m.company_id AND a.code = m.account_code
      LEFT JOIN expense_category c ON c.code = m.category_code
      LEFT JOIN department d ON d.id = m.department_id
      LEFT JOIN payer_account p ON p.id = m.payer_account_id
     WHERE m.company_id = ${companyId}
     ORDER BY array_position(ARRAY['EXPENSE','INPUT_VAT','EMPLOYEE_PAYABLE','BANK_CLEARING'], m.purpose), c.sort_order NULLS FIRST, m.category_code, d.code NULLS FIRST, p.name`;
  return rows.map((r) => ({
    id: r.id,
    purpose: r.purpose,
    categoryCode: r.category_code,
    categoryName: r.category_name,
    categoryNameZh: r.category_name_zh,
    departmentId: r.department_id,
    departmentName: r.department_name,
    departmentNameZh: r.department_name_zh,
    payerAccountId: r.payer_account_id,
    payerAccountName: r.payer_account_name,
    accountCode: r.account_code,
    accountName: r.account_name,
    accountNameZh: r.account_name_zh,
  }));
}

/**
 * Sets where a posting goes (ADMIN): EXPENSE per category (optionally for one department), INPUT_VAT and
 * EMPLOYEE_PAYABLE once per company, BANK_CLEARING per payer account. Replaces the mapping with the same key.
 * The account must be an active account of the company; the department and payer account the company's own.
 */
export async function setMapping(
  {
    viewer,
    companyId,
    purpose,
    categoryCode,
    departmentId,
    payerAccountId,
    accountCode,
  }: { viewer: Actor; companyId: string; purpose: MappingPurpose; categoryCode?: string | null; departmentId?: string | null; payerAccountId?: string | null; accountCode: string },
  db: Db = prisma,
): Promise<{ mappingId: string }> {
  await requireLedgerCompany(db, viewer, companyId, ["ADMIN"]);
  const fieldErrors: Record<string, string> = {};
  const category = purpose === "EXPENSE" ? (categoryCode ?? null) : null;
  const department = purpose === "EXPENSE" ? (departmentId ?? null) : null;
  const payer = purpose === "BANK_CLEARING" ? (payerAccountId ?? null) : null;
  if (!(MAPPING_PURPOSES as readonly string[]).includes(purpose)) fieldErrors.purpose = "invalid";
  if (purpose === "EXPENSE" && !category) fieldErrors.categoryCode = "required";
  if (purpose === "BANK_CLEARING" && !payer) fieldErrors.payerAccountId = "required";
  const [account, cat, dep, pay] = await Promise.all([
    db.glAccount.findUnique({ where: { companyId_code: { companyId, code: accountCode } }, select: { active: true } }),
    category ? db.expenseCategory.findUnique({ where: { code: category }, select: { code: true } }) : null,
    department ? db.department.findFirst({ where: { id: department, companyId }, select: { id: true } }) : null,
    payer ? db.payerAccount.findFirst({ where: { id: payer, companyId }, select: { id: true } }) : null,
  ]);
  if (!account || !account.active) fieldErrors.accountCode = "unknown_account";
  if (category && !cat) fieldErrors.categoryCode = "unknown_category";
  if (department && !dep) fieldErrors.departmentId = "unknown_department";
  if (payer && !pay) fieldErrors.payerAccountId = "unknown_payer_account";
  if (Object.keys(fieldErrors).length > 0) throw new AppError("invalid", { fieldErrors });

  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ id: string; previous: string | null }[]>`
      WITH before AS (
        SELECT account_code FROM gl_mapping
         WHERE company_id = ${companyId} AND purpose = ${purpose} AND COALESCE(category_code, '') = ${category ?? ""}
           AND COALESCE(department_id, '') = ${department ?? ""} AND COALESCE(payer_account_id, '') = ${payer ?? ""}
      )
      INSERT INTO gl_mapping (id, company_id, purpose, category_code, department_id, payer_account_id, account_code)
      VALUES (${randomUUID()}, ${companyId}, ${purpose}, ${category}, ${department}, ${payer}, ${accountCode})
      ON CONFLICT (company_id, purpose, COALESCE(category_code, ''), COALESCE(department_id, ''), COALESCE(payer_account_id, ''))
        DO UPDATE SET account_code = EXCLUDED.account_code
      RETURNING id, (SELECT account_code FROM before) AS previous`;
    await recordAudit(tx, {
      actorId: viewer.id,
      type: "ledger.mapping_set",
      data: { companyId, mappingId: row!.id, purpose, categoryCode: category, departmentId: department, payerAccountId: payer, accountCode, previous: row!.previous },
    });
    return { mappingId: row!.id };
  });
}

/** Removes a mapping (ADMIN working for its company). Postings it covered wait on the exceptions list until mapped again. */
export async function removeMapping({ viewer, mappingId }: { viewer: Actor; mappingId: string }, db: Db = prisma): Promise<void> {
  const mapping = await db.glMapping.findUnique({ where: { id: mappingId } });
  if (!mapping) throw new AppError("not_found");
  await requireLedgerCompany(db, viewer, mapping.companyId, ["ADMIN"]);
  await db.$transaction(async (tx) => {
    const removed = await tx.glMapping.deleteMany({ where: { id: mappingId } });
    if (removed.count === 0) throw new AppError("not_found");
    await recordAudit(tx, {
      actorId: viewer.id,
      type: "ledger.mapping_removed",
      data: { companyId: mapping.companyId, mappingId, purpose: mapping.purpose, categoryCode: mapping.categoryCode, departmentId: mapping.departmentId, payerAccountId: mapping.payerAccountId, accountCode: mapping.accountCode },
    });
  });
}
