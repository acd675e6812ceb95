/**
 * Posting to the ledger: approved claims, payments booked paid and payments returned after that become
 * balanced, gaplessly numbered vouchers (docs/decisions/021). The rules are in app/domain/voucher.ts; this file
 * reads their facts in a few set-based queries, numbers the vouchers and writes them with their audit events.
 *
 * Numbering: per company and month, gapless. Each posting transaction locks its periods' rows (sorted, so two
 * postings cannot deadlock), reads which source keys exist by then (idempotency: a voucher is posted once per
 * source key), moves next_voucher_number by the count it will insert and inserts. A rolled-back posting gives
 * its numbers back with everything else; a closed period's row refuses the move (status = 'OPEN' guard, and
 * its trigger), so nothing is numbered into it.
 */
import { randomUUID } from "node:crypto";
import { hasRole, type Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { SSC_TIME_ZONE } from "~/domain/calendar-date";
import type { RateLookup } from "~/domain/money";
import {
  bookingDate,
  buildClaimVoucher,
  buildPaymentVoucher,
  buildReversal,
  claimSourceKey,
  dateInZone,
  paymentSourceKey,
  lineExternalId,
  periodOf,
  VOUCHER_TYPE,
  type LedgerMappings,
  type MissingItem,
  type PostedVoucher,
  type VoucherDraft,
  type VoucherKind,
} from "~/domain/voucher";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { rateLookupFor } from "./exchange-rate.server";
import { requireLedgerCompany } from "./ledger-access.server";

/** Claims whose approval is final (their expense is booked). */
export const APPROVED_CLAIM_STATUSES = ["APPROVED", "SCHEDULED", "PAID", "PAYMENT_FAILED"] as const;

/** How many claims one posting transaction takes. */
export const POSTING_BATCH = 1_000;

export type PostResult = { status: "posted" | "exists"; voucherId: string } | { status: "skipped"; reason: string };

export type PostingFailure = { source: string; code: "ledger_unmapped" | "period_closed"; missing?: MissingItem[] };

export type ClaimPostingOutcome = { claimId: string } & (PostResult | { status: "failed"; code: PostingFailure["code"]; missing?: MissingItem[] });

// ---------------------------------------------------------------------------------------------------------
// Facts
// ---------------------------------------------------------------------------------------------------------

type Reader = Db | Tx;

async function loadMappings(db: Reader, companyIds: readonly string[]): Promise<Map<string, LedgerMappings>> {
  const rows = await db.$queryRaw<{ company_id: string; purpose: string; category_code: string | null; department_id: string | null; payer_account_id: string | null; account_code: string }[]>`
    SELECT company_id, purpose, category_code, department_id, payer_account_id, account_code FROM gl_mapping WHERE company_id = ANY(${[...companyIds]}::text[])`;
  const byCompany = new Map<string, LedgerMappings>();
  for (const id of companyIds) byCompany.set(id, { expense: [], inputVat: null, employeePayable: null, bankClearing: [] });
  for (const r of rows) {
    const m = byCompany.get(r.company_id)!;
    if (r.purpose === "EXPENSE") (m.expense as LedgerMappings["expense"][number][]).push({ categoryCode: r.category_code!, departmentId: r.department_id, accountCode: r.account_code });
    else if (r.purpose === "INPUT_VAT") m.inputVat = r.account_code;
    else if (r.purpose === "EMPLOYEE_PAYABLE") m.employeePayable = r.account_code;
    else if (r.purpose === "BANK_CLEARING") (m.bankClearing as LedgerMappings["bankClearing"][number][]).push({ payerAccountId: r.payer_account_id!, accountCode: r.account_code });
  }
  return byCompany;
}

async function loadClosedPeriods(db: Reader, companyIds: readonly string[]): Promise<Map<string, Set<string>>> {
  const rows = await db.$queryRaw<{ company_id: string; period: string }[]>`
    SELECT company_id, period FROM accounting_period WHERE status = 'CLOSED' AND company_id = ANY(${[...companyIds]}::text[])`;
  const byCompany = new Map<string, Set<string>>();
  for (const id of companyIds) byCompany.set(id, new Set());
  for (const r of rows) byCompany.get(r.company_id)!.add(r.period);
  return byCompany;
}

/** One rate lookup per target currency, each loaded in one query. */
async function loadRates(db: Reader, items: readonly { currency: string; onDate: string; to: string }[]): Promise<RateLookup> {
  const byTarget = new Map<string, { currency: string; onDate: string }[]>();
  for (const i of items) {
    if (i.currency === i.to) continue;
    const list = byTarget.get(i.to) ?? [];
    list.push(i);
    byTarget.set(i.to, list);
  }
  const lookups = new Map<string, RateLookup>();
  for (const [to, list] of byTarget) lookups.set(to, await rateLookupFor(list, to, db as Tx));
  return (from, to, onDate) => lookups.get(to)?.(from, to, onDate);
}

type ClaimRow = {
  id: string;
  number: string;
  claimant_id: string;
  claimant_name: string;
  department_id: string;
  purpose: string;
  project_code: string | null;
  company_id: string;
  company_currency: string;
  status: string;
  receipt_count: number;
  approved_at: Date;
  claim_vouchers: number;
  live_voucher_id: string | null;
};

type LineRow = {
  id: string;
  claim_id: string;
  position: number;
  category_code: string;
  category_name_zh: string;
  amount_minor: bigint;
  approved_minor: bigint | null;
  currency: string;
  spent_on: Date;
  invoice_kind: string;
  tax_minor: bigint | null;
  transport_mode: string | null;
};

/** `date`: the day the voucher is (or would be, once it can be built) booked on. */
type ClaimPlan = { claimId: string; claimNumber: string | null; companyId: string; date: string | null; result: ClaimPostingOutcome | { status: "draft"; draft: VoucherDraft } };

/** Reads a batch's facts in six queries and builds each claim's voucher (or says why not). */
async function planClaimVouchers(db: Reader, claimIds: readonly string[]): Promise<ClaimPlan[]> {
  const ids = [...new Set(claimIds)];
  if (ids.length === 0) return [];
  const claims = await db.$queryRaw<ClaimRow[]>`
    SELECT c.id, c.number, c.claimant_id, u.name AS claimant_name, c.department_id, c.purpose, c.project_code, c.company_id,
           co.currency AS company_currency, c.status::text AS status,
           (SELECT count(*) FROM receipt r WHERE r.claim_id = c.id)::int AS receipt_count,
           COALESCE((SELECT max(a.at) FROM audit_event a WHERE a.claim_id = c.id AND a.type = 'claim.approved'), c.updated_at) AS approved_at,
           (SELECT count(*) FROM voucher v WHERE v.claim_id = c.id AND v.kind = 'CLAIM')::int AS claim_vouchers,
           (SELECT v.id FROM voucher v WHERE v.claim_id = c.id AND v.kind = 'CLAIM'
               AND NOT EXISTS (SELECT 1 FROM voucher r WHERE r.reverses_id = v.id) LIMIT 1) AS live_voucher_id
      FROM claim c JOIN app_user u ON u.id = c.claimant_id JOIN company co ON co.id = c.company_id
     WHERE c.id = ANY(${ids}::text[])`;
  const lines = await db.$queryRaw<LineRow[]>`
    SELECT l.id, l.claim_id, l.position, l.category_code, ec.name_zh AS category_name_zh, l.amount_minor, l.approved_minor, l.currency::text AS currency,
           l.spent_on, l.invoice_kind, l.tax_minor, l.transport_mode
      FROM claim_line l JOIN expense_category ec ON ec.code = l.category_code
     WHERE l.claim_id = ANY(${ids}::text[])`;
  const companyIds = [...new Set(claims.map((c) => c.company_id))];
  const mappings = await loadMappings(db, companyIds);
  const closed = await loadClosedPeriods(db, companyIds);
  const currencyOf = new Map(claims.map((c) => [c.id, c.company_currency]));
  const rateFor = await loadRates(
    db,
    lines.map((l) => ({ currency: l.currency, onDate: l.spent_on.toISOString().slice(0, 10), to: currencyOf.get(l.claim_id) ?? l.currency })),
  );
  const linesByClaim = new Map<string, LineRow[]>();
  for (const l of lines) {
    const list = linesByClaim.get(l.claim_id) ?? [];
    list.push(l);
    linesByClaim.set(l.claim_id, list);
  }
  const found = new Map(claims.map((c) => [c.id, c]));
  return ids.map((claimId): ClaimPlan => {
    const c = found.get(claimId);
    if (!c) return { claimId, claimNumber: null, companyId: "", date: null, result: { claimId, status: "skipped", reason: "not_found" } };
    const date = bookingDate(dateInZone(c.approved_at, SSC_TIME_ZONE), closed.get(c.company_id)!);
    const plan = (result: ClaimPlan["result"]): ClaimPlan => ({ claimId, claimNumber: c.number, companyId: c.company_id, date, result });
    if (c.live_voucher_id) return plan({ claimId, status: "exists", voucherId: c.live_voucher_id });
    if (!(APPROVED_CLAIM_STATUSES as readonly string[]).includes(c.status)) return plan({ claimId, status: "skipped", reason: "not_approved" });
    const built = buildClaimVoucher({
      claimId,
      claimNumber: c.number,
      claimantId: c.claimant_id,
      claimantName: c.claimant_name,
      departmentId: c.department_id,
      purpose: c.purpose,
      projectCode: c.project_code,
      companyId: c.company_id,
      companyCurrency: c.company_currency,
      receiptCount: c.receipt_count,
      approvedAt: c.approved_at,
      timeZone: SSC_TIME_ZONE,
      closedPeriods: closed.get(c.company_id)!,
      mappings: mappings.get(c.company_id)!,
      rateFor,
      sourceKey: claimSourceKey(claimId, c.claim_vouchers + 1),
      lines: (linesByClaim.get(claimId) ?? []).map((l) => ({
        id: l.id,
        position: l.position,
        categoryCode: l.category_code,
        categoryNameZh: l.category_name_zh,
        amountMinor: l.amount_minor,
        approvedMinor: l.approved_minor,
        currency: l.currency,
        spentOn: l.spent_on.toISOString().slice(0, 10),
        invoiceKind: l.invoice_kind,
        taxMinor: l.tax_minor,
        transportMode: l.transport_mode,
      })),
    });
    if (built.ok) return plan({ status: "draft", draft: built.draft });
    if ("skip" in built) return plan({ claimId, status: "skipped", reason: built.skip });
    return plan({ claimId, status: "failed", code: "ledger_unmapped", missing: built.missing });
  });
}

type PaymentRow = {
  id: string;
  claim_id: string;
  amount_minor: bigint;
  currency: string;
  status: string;
  status_at: Date | null;
  created_at: Date;
  number: string;
  claimant_id: string;
  claimant_name: string;
  company_id: string;
  company_currency: string;
  payer_account_id: string;
  payment_vouchers: number;
};

async function planPaymentVouchers(
  db: Reader,
  paymentIds: readonly string[],
): Promise<{ paymentId: string; companyId: string; claimId: string; claimNumber: string; date: string; draft?: VoucherDraft; missing?: MissingItem[]; skip?: string }[]> {
  const ids = [...new Set(paymentIds)];
  if (ids.length === 0) return [];
  const rows = await db.$queryRaw<PaymentRow[]>`
    SELECT p.id, p.claim_id, p.amount_minor, p.currency::text AS currency, p.status, p.status_at, p.created_at, c.number, c.claimant_id, u.name AS claimant_name,
           c.company_id, co.currency::text AS company_currency, r.payer_account_id,
           (SELECT count(*) FROM voucher v WHERE v.payment_id = p.id AND v.kind = 'PAYMENT')::int AS payment_vouchers
      FROM payment p JOIN payment_run r ON r.id = p.run_id JOIN claim c ON c.id = p.claim_id
      JOIN app_user u ON u.id = c.claimant_id JOIN company co ON co.id = c.company_id
     WHERE p.id = ANY(${ids}::text[])`;
  const companyIds = [...new Set(rows.map((r) => r.company_id))];
  const mappings = await loadMappings(db, companyIds);
  const closed = await loadClosedPeriods(db, companyIds);
  const paidAt = (r: PaymentRow) => r.status_at ?? r.created_at;
  const rateFor = await loadRates(
    db,
    rows.map((r) => ({ currency: r.currency, onDate: dateInZone(paidAt(r), SSC_TIME_ZONE), to: r.company_currency })),
  );
  return rows.map((r) => {
    const built = buildPaymentVoucher({
      paymentId: r.id,
      claimId: r.claim_id,
      claimNumber: r.number,
      claimantId: r.claimant_id,
      claimantName: r.claimant_name,
      amountMinor: r.amount_minor,
      currency: r.currency,
      companyId: r.company_id,
      companyCurrency: r.company_currency,
      payerAccountId: r.payer_account_id,
      paidAt: paidAt(r),
      timeZone: SSC_TIME_ZONE,
      closedPeriods: closed.get(r.company_id)!,
      mappings: mappings.get(r.company_id)!,
      rateFor,
      sourceKey: paymentSourceKey(r.id, r.payment_vouchers + 1),
    });
    const base = { paymentId: r.id, companyId: r.company_id, claimId: r.claim_id, claimNumber: r.number, date: bookingDate(dateInZone(paidAt(r), SSC_TIME_ZONE), closed.get(r.company_id)!) };
    if (built.ok) return { ...base, draft: built.draft };
    if ("skip" in built) return { ...base, skip: built.skip };
    return { ...base, missing: built.missing };
  });
}

type VoucherRow = {
  id: string;
  company_id: string;
  period: string;
  number: number;
  kind: VoucherKind;
  currency: string;
  total_minor: bigint;
  claim_id: string | null;
  payment_id: string | null;
};
type VoucherLineRow = {
  voucher_id: string;
  position: number;
  account_code: string;
  description: string;
  debit_minor: bigint;
  credit_minor: bigint;
  currency: string;
  original_minor: bigint;
  rate: string;
  department_id: string | null;
  employee_id: string | null;
  project_code: string | null;
};

/** Posted vouchers with their lines, for reversals. */
async function loadPostedVouchers(db: Reader, voucherIds: readonly string[]): Promise<PostedVoucher[]> {
  if (voucherIds.length === 0) return [];
  const vouchers = await db.$queryRaw<VoucherRow[]>`
    SELECT id, company_id, period, number, kind, currency::text AS currency, total_minor, claim_id, payment_id FROM voucher WHERE id = ANY(${[...voucherIds]}::text[])`;
  const lines = await db.$queryRaw<VoucherLineRow[]>`
    SELECT voucher_id, position, account_code, description, debit_minor, credit_minor, currency::text AS currency, original_minor, rate, department_id, employee_id, project_code
      FROM voucher_line WHERE voucher_id = ANY(${[...voucherIds]}::text[]) ORDER BY voucher_id, position`;
  const byVoucher = new Map<string, VoucherLineRow[]>();
  for (const l of lines) byVoucher.set(l.voucher_id, [...(byVoucher.get(l.voucher_id) ?? []), l]);
  return vouchers.map((v) => ({
    id: v.id,
    companyId: v.company_id,
    period: v.period,
    number: v.number,
    kind: v.kind,
    currency: v.currency,
    totalMinor: v.total_minor,
    claimId: v.claim_id,
    paymentId: v.payment_id,
    lines: (byVoucher.get(v.id) ?? []).map((l) => ({
      position: l.position,
      accountCode: l.account_code,
      description: l.description,
      debitMinor: l.debit_minor,
      creditMinor: l.credit_minor,
      currency: l.currency,
      originalMinor: l.original_minor,
      rate: l.rate,
      departmentId: l.department_id,
      employeeId: l.employee_id,
      projectCode: l.project_code,
    })),
  }));
}

// ---------------------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------------------

export type InsertOutcome = { posted: Map<string, string>; existing: Map<string, string>; closed: Set<string> };

/**
 * Numbers and inserts drafts in the caller's transaction, set-based: one lock statement, one lookup of
 * existing source keys, one counter move, one insert each for vouchers, lines and audit events. Answers by
 * source key: the new voucher id, the voucher that already had it, or the period was closed.
 */
export async function insertVoucherDrafts(tx: Tx, drafts: readonly VoucherDraft[], createdBy: string | null): Promise<InsertOutcome> {
  const out: InsertOutcome = { posted: new Map(), existing: new Map(), closed: new Set() };
  const unique = [...new Map(drafts.map((d) => [d.sourceKey, d])).values()];
  if (unique.length === 0) return out;
  const groups = [...new Set(unique.map((d) => `${d.companyId}|${d.period}`))].sort();
  const gCompanies = groups.map((g) => g.split("|")[0]!);
  const gPeriods = groups.map((g) => g.split("|")[1]!);
  await tx.$executeRaw`
    INSERT INTO accounting_period (company_id, period)
    SELECT * FROM unnest(${gCompanies}::text[], ${gPeriods}::text[]) ORDER BY 1, 2
    ON CONFLICT DO NOTHING`;
  // The lock that serializes postings per company and month; taken in one order by everyone.
  const locked = await tx.$queryRaw<{ company_id: string; period: string; status: string }[]>`
    SELECT p.company_id, p.period, p.status FROM accounting_period p
      JOIN unnest(${gCompanies}::text[], ${gPeriods}::text[]) AS g(company_id, period) ON g.company_id = p.company_id AND g.period = p.period
     ORDER BY p.company_id, p.period
       FOR UPDATE OF p`;
  const open = new Set(locked.filter((l) => l.status === "OPEN").map((l) => `${l.company_id}|${l.period}`));
  const existing = await tx.$queryRaw<{ id: string; source_key: string }[]>`
    SELECT id, source_key FROM voucher WHERE source_key = ANY(${unique.map((d) => d.sourceKey)}::text[])`;
  for (const e of existing) out.existing.set(e.source_key, e.id);
  // A reversal of a voucher reversed meanwhile under another key (cannot happen today) is caught by voucher_one_reversal.
  const todo: VoucherDraft[] = [];
  for (const d of unique) {
    if (out.existing.has(d.sourceKey)) continue;
    if (!open.has(`${d.companyId}|${d.period}`)) out.closed.add(d.sourceKey);
    else todo.push(d);
  }
  if (todo.length === 0) return out;

  const counts = new Map<string, number>();
  for (const d of todo) counts.set(`${d.companyId}|${d.period}`, (counts.get(`${d.companyId}|${d.period}`) ?? 0) + 1);
  const keys = [...counts.keys()].sort();
  const moved = await tx.$queryRaw<{ company_id: string; period: string; first: number }[]>`
    UPDATE accounting_period p SET next_voucher_number = p.next_voucher_number + g.n
      FROM unnest(${keys.map((k) => k.split("|")[0]!)}::text[], ${keys.map((k) => k.split("|")[1]!)}::text[], ${keys.map((k) => counts.get(k)!)}::int[]) AS g(company_id, period, n)
     WHERE p.company_id = g.company_id AND p.period = g.period AND p.status = 'OPEN'
    RETURNING p.company_id, p.period, p.next_voucher_number - g.n AS first`;
  const next = new Map(moved.map((m) => [`${m.company_id}|${m.period}`, Number(m.first)]));
  if (next.size !== keys.length) throw new Error("accounting period changed under its lock");

  const ids: string[] = [];
  const numbers: number[] = [];
  for (const d of todo) {
    const key = `${d.companyId}|${d.period}`;
    const n = next.get(key)!;
    next.set(key, n + 1);
    const id = randomUUID();
    ids.push(id);
    numbers.push(n);
    out.posted.set(d.sourceKey, id);
  }
  await tx.$executeRaw`
    INSERT INTO voucher (id, company_id, period, number, voucher_type, kind, voucher_date, description, attachment_count, currency, total_minor,
                         claim_id, payment_id, reverses_id, source_key, created_by)
    SELECT v.id, v.company_id, v.period, v.number, ${VOUCHER_TYPE}, v.kind, v.voucher_date::date, v.description, v.attachment_count, v.currency, v.total_minor::bigint,
           v.claim_id, v.payment_id, v.reverses_id, v.source_key, ${createdBy}::text
      FROM unnest(${ids}::text[], ${todo.map((d) => d.companyId)}::text[], ${todo.map((d) => d.period)}::text[], ${numbers}::int[], ${todo.map((d) => d.kind)}::text[],
                  ${todo.map((d) => d.date)}::text[], ${todo.map((d) => d.description)}::text[], ${todo.map((d) => d.attachmentCount)}::int[],
                  ${todo.map((d) => d.currency)}::text[], ${todo.map((d) => d.totalMinor.toString())}::text[], ${todo.map((d) => d.claimId)}::text[],
                  ${todo.map((d) => d.paymentId)}::text[], ${todo.map((d) => d.reversesId)}::text[], ${todo.map((d) => d.sourceKey)}::text[])
        AS v(id, company_id, period, number, kind, voucher_date, description, attachment_count, currency, total_minor, claim_id, payment_id, reverses_id, source_key)`;

  const l = {
    voucherId: [] as string[],
    position: [] as number[],
    companyId: [] as string[],
    account: [] as string[],
    description: [] as string[],
    debit: [] as string[],
    credit: [] as string[],
    currency: [] as string[],
    original: [] as string[],
    rate: [] as string[],
    department: [] as (string | null)[],
    employee: [] as (string | null)[],
    project: [] as (string | null)[],
    externalId: [] as string[],
  };
  todo.forEach((d, i) => {
    const voucherId = ids[i]!;
    for (const line of d.lines) {
      l.voucherId.push(voucherId);
      l.position.push(line.position);
      l.companyId.push(d.companyId);
      l.account.push(line.accountCode);
      l.description.push(line.description);
      l.debit.push(line.debitMinor.toString());
      l.credit.push(line.creditMinor.toString());
      l.currency.push(line.currency);
      l.original.push(line.originalMinor.toString());
      l.rate.push(line.rate);
      l.department.push(line.departmentId);
      l.employee.push(line.employeeId);
      l.project.push(line.projectCode);
      l.externalId.push(lineExternalId(voucherId, line.position));
    }
  });
  await tx.$executeRaw`
    INSERT INTO voucher_line (voucher_id, position, company_id, account_code, description, debit_minor, credit_minor, currency, original_minor, rate,
                              department_id, employee_id, project_code, external_id)
    SELECT voucher_id, position, company_id, account_code, description, debit::bigint, credit::bigint, currency, original::bigint, rate, department_id, employee_id, project_code, external_id
      FROM unnest(${l.voucherId}::text[], ${l.position}::int[], ${l.companyId}::text[], ${l.account}::text[], ${l.description}::text[], ${l.debit}::text[],
                  ${l.credit}::text[], ${l.currency}::text[], ${l.original}::text[], ${l.rate}::text[], ${l.department}::text[], ${l.employee}::text[],
                  ${l.project}::text[], ${l.externalId}::text[])
        AS x(voucher_id, position, company_id, account_code, description, debit, credit, currency, original, rate, department_id, employee_id, project_code, external_id)`;
  await tx.$executeRaw`
    INSERT INTO audit_event (claim_id, actor_id, type, data)
    SELECT a.claim_id, ${createdBy}::text, CASE WHEN a.kind = 'REVERSAL' THEN 'ledger.voucher_reversed' ELSE 'ledger.voucher_posted' END,
           jsonb_build_object('voucherId', a.id, 'companyId', a.company_id, 'period', a.period, 'number', a.number, 'kind', a.kind, 'sourceKey', a.source_key,
                              'totalMinor', a.total_minor, 'reversesId', a.reverses_id, 'reason', a.description)
      FROM unnest(${ids}::text[], ${todo.map((d) => d.claimId)}::text[], ${todo.map((d) => d.companyId)}::text[], ${todo.map((d) => d.period)}::text[], ${numbers}::int[],
                  ${todo.map((d) => d.kind)}::text[], ${todo.map((d) => d.sourceKey)}::text[], ${todo.map((d) => d.totalMinor.toString())}::text[],
                  ${todo.map((d) => d.reversesId)}::text[], ${todo.map((d) => d.description)}::text[])
        AS a(id, claim_id, company_id, period, number, kind, source_key, total_minor, reverses_id, description)`;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Claims
// ---------------------------------------------------------------------------------------------------------

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/**
 * Posts many claims' expense vouchers, set-based, POSTING_BATCH claims per transaction. Each claim answers
 * posted / exists / skipped (not approved, nothing approved) / failed (ledger_unmapped with what is missing,
 * or period_closed): one claim's failure does not stop the others.
 */
export async function postClaimVouchers(db: Db, claimIds: readonly string[], opts: { createdBy?: string | null } = {}): Promise<ClaimPostingOutcome[]> {
  const outcomes: ClaimPostingOutcome[] = [];
  for (const batch of chunks([...new Set(claimIds)], POSTING_BATCH)) {
    const result = await db.$transaction(
      async (tx) => {
        const plans = await planClaimVouchers(tx, batch);
        const drafts = plans.flatMap((p) => (p.result.status === "draft" ? [p.result.draft] : []));
        const inserted = await insertVoucherDrafts(tx, drafts, opts.createdBy ?? null);
        return plans.map((p): ClaimPostingOutcome => {
          if (p.result.status !== "draft") return p.result;
          const key = p.result.draft.sourceKey;
          const posted = inserted.posted.get(key);
          if (posted) return { claimId: p.claimId, status: "posted", voucherId: posted };
          const existing = inserted.existing.get(key);
          if (existing) return { claimId: p.claimId, status: "exists", voucherId: existing };
          return { claimId: p.claimId, status: "failed", code: "period_closed" };
        });
      },
      { timeout: 120_000, maxWait: 30_000 },
    );
    outcomes.push(...result);
  }
  return outcomes;
}

/**
 * Posts one approved claim's expense voucher (the job after an approval, or a person asking). Idempotent:
 * a claim with a live voucher answers "exists". Throws AppError ledger_unmapped (details.missing) or
 * period_closed.
 */
export async function postClaimVoucher(db: Db, claimId: string): Promise<PostResult> {
  const [outcome] = await postClaimVouchers(db, [claimId]);
  if (!outcome) return { status: "skipped", reason: "not_found" };
  if (outcome.status === "failed") throw ledgerError(outcome.code, outcome.missing);
  if (outcome.status === "skipped") return { status: "skipped", reason: outcome.reason };
  return { status: outcome.status, voucherId: outcome.voucherId };
}

function ledgerError(code: PostingFailure["code"], missing?: MissingItem[]): AppError {
  return code === "ledger_unmapped"
    ? new AppError("ledger_unmapped", { status: 422, details: { missing: missing ?? [] } })
    : new AppError("period_closed", { status: 409 });
}

// ---------------------------------------------------------------------------------------------------------
// Payments
// ---------------------------------------------------------------------------------------------------------

async function postPaymentBatch(db: Db, paymentIds: readonly string[]): Promise<{ posted: number; failed: PostingFailure[] }> {
  return db.$transaction(
    async (tx) => {
      const plans = await planPaymentVouchers(tx, paymentIds);
      const drafts = plans.flatMap((p) => (p.draft ? [p.draft] : []));
      const inserted = await insertVoucherDrafts(tx, drafts, null);
      const failed: PostingFailure[] = [];
      for (const p of plans) {
        if (p.missing) failed.push({ source: `payment:${p.paymentId}`, code: "ledger_unmapped", missing: p.missing });
        else if (p.draft && inserted.closed.has(p.draft.sourceKey)) failed.push({ source: p.draft.sourceKey, code: "period_closed" });
      }
      return { posted: inserted.posted.size, failed };
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

async function reverseBatch(db: Db, items: readonly { voucherId: string; reason: string }[], createdBy: string | null): Promise<{ posted: Map<string, string>; failed: PostingFailure[] }> {
  return db.$transaction(
    async (tx) => {
      const originals = await loadPostedVouchers(tx, items.map((i) => i.voucherId));
      const closed = await loadClosedPeriods(tx, [...new Set(originals.map((o) => o.companyId))]);
      const reasonOf = new Map(items.map((i) => [i.voucherId, i.reason]));
      const today = dateInZone(new Date(), SSC_TIME_ZONE);
      const drafts = originals.map((o) => buildReversal(o, { date: today, closedPeriods: closed.get(o.companyId)!, reason: reasonOf.get(o.id) ?? "" }));
      const inserted = await insertVoucherDrafts(tx, drafts, createdBy);
      const posted = new Map<string, string>();
      for (const d of drafts) {
        const id = inserted.posted.get(d.sourceKey);
        if (id) posted.set(d.reversesId!, id);
      }
      return { posted, failed: [...inserted.closed].map((source) => ({ source, code: "period_closed" as const })) };
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

// ---------------------------------------------------------------------------------------------------------
// The sweep and its dry run
// ---------------------------------------------------------------------------------------------------------

/** Approved claims without a live (unreversed) claim voucher, after `afterId`, in id order. */
async function claimsToPost(db: Reader, companyIds: readonly string[] | undefined, afterId: string, limit: number): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT c.id FROM claim c
     WHERE c.status::text = ANY(${[...APPROVED_CLAIM_STATUSES]}::text[])
       AND (${companyIds ?? null}::text[] IS NULL OR c.company_id = ANY(${companyIds ?? []}::text[]))
       AND c.id > ${afterId}
       AND NOT EXISTS (SELECT 1 FROM voucher v WHERE v.claim_id = c.id AND v.kind = 'CLAIM'
                         AND NOT EXISTS (SELECT 1 FROM voucher r WHERE r.reverses_id = v.id))
     ORDER BY c.id LIMIT ${limit}`;
  return rows.map((r) => r.id);
}

/** Payments booked paid without a live (unreversed) payment voucher. */
async function paymentsToPost(db: Reader, companyIds: readonly string[] | undefined, afterId: string, limit: number): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT p.id FROM payment p JOIN payment_run r ON r.id = p.run_id
     WHERE p.status = 'PAID'
       AND (${companyIds ?? null}::text[] IS NULL OR r.company_id = ANY(${companyIds ?? []}::text[]))
       AND p.id > ${afterId}
       AND NOT EXISTS (SELECT 1 FROM voucher v WHERE v.payment_id = p.id AND v.kind = 'PAYMENT'
                         AND NOT EXISTS (SELECT 1 FROM voucher r WHERE r.reverses_id = v.id))
     ORDER BY p.id LIMIT ${limit}`;
  return rows.map((r) => r.id);
}

/** Payment vouchers whose payment came back after it was booked paid, not yet reversed. */
async function paymentVouchersToReverse(db: Reader, companyIds: readonly string[] | undefined, limit: number): Promise<{ voucherId: string; reason: string }[]> {
  const rows = await db.$queryRaw<{ id: string; reason: string | null }[]>`
    SELECT v.id, p.status_reason AS reason FROM voucher v JOIN payment p ON p.id = v.payment_id
     WHERE v.kind = 'PAYMENT' AND p.status = 'RETURNED'
       AND (${companyIds ?? null}::text[] IS NULL OR v.company_id = ANY(${companyIds ?? []}::text[]))
       AND NOT EXISTS (SELECT 1 FROM voucher r WHERE r.reverses_id = v.id)
     ORDER BY v.id LIMIT ${limit}`;
  return rows.map((r) => ({ voucherId: r.id, reason: `退票 ${r.reason ?? ""}`.trim() }));
}

export type SweepResult = { posted: number; failed: PostingFailure[] };

/**
 * The sweep: posts everything the ledger still owes, in batches: approved claims without a live voucher,
 * payments booked paid without theirs, and red reversals of payment vouchers whose payment came back.
 * `limit` caps how many sources of each kind one sweep looks at (the rest wait for the next).
 */
export async function postPendingVouchers(db: Db, { companyIds, limit = 100_000 }: { companyIds?: string[]; limit?: number } = {}): Promise<SweepResult> {
  const result: SweepResult = { posted: 0, failed: [] };
  let after = "";
  for (let seen = 0; seen < limit; ) {
    const ids = await claimsToPost(db, companyIds, after, Math.min(POSTING_BATCH, limit - seen));
    if (ids.length === 0) break;
    seen += ids.length;
    after = ids[ids.length - 1]!;
    for (const o of await postClaimVouchers(db, ids)) {
      if (o.status === "posted") result.posted += 1;
      else if (o.status === "failed") result.failed.push({ source: `claim:${o.claimId}`, code: o.code, ...(o.missing ? { missing: o.missing } : {}) });
    }
  }
  after = "";
  for (let seen = 0; seen < limit; ) {
    const ids = await paymentsToPost(db, companyIds, after, Math.min(POSTING_BATCH, limit - seen));
    if (ids.length === 0) break;
    seen += ids.length;
    after = ids[ids.length - 1]!;
    const r = await postPaymentBatch(db, ids);
    result.posted += r.posted;
    result.failed.push(...r.failed);
  }
  const reversals = await paymentVouchersToReverse(db, companyIds, limit);
  for (const batch of chunks(reversals, POSTING_BATCH)) {
    const r = await reverseBatch(db, batch, null);
    result.posted += r.posted.size;
    result.failed.push(...r.failed);
  }
  return result;
}

export type PendingPosting = {
  /** The source key the voucher will have ('claim:<id>', 'payment:<id>', 'reversal:<voucher id>'). */
  source: string;
  kind: VoucherKind;
  companyId: string;
  claimId: string | null;
  claimNumber: string | null;
  paymentId: string | null;
  /** The date and period it would be booked on (for one that cannot be built: its event's date, past closed months). */
  date: string | null;
  period: string | null;
  totalMinor: bigint | null;
  currency: string | null;
  /** ready: the sweep will post it; otherwise why it cannot be posted. */
  status: "ready" | "ledger_unmapped";
  missing: MissingItem[];
};

/**
 * What the sweep would post, and why each item it cannot post fails: a dry run over the same selection
 * (for the exceptions list and the period close). Nothing is written.
 */
export async function pendingPostings(db: Db, companyIds: readonly string[], { limit = 100_000 }: { limit?: number } = {}): Promise<PendingPosting[]> {
  const out: PendingPosting[] = [];
  const ids = [...companyIds];
  let after = "";
  while (out.length < limit) {
    const claimIds = await claimsToPost(db, ids, after, Math.min(POSTING_BATCH, limit - out.length));
    if (claimIds.length === 0) break;
    after = claimIds[claimIds.length - 1]!;
    for (const p of await planClaimVouchers(db, claimIds)) {
      const base = { kind: "CLAIM" as const, companyId: p.companyId, claimId: p.claimId, claimNumber: p.claimNumber, paymentId: null };
      if (p.result.status === "draft") {
        const d = p.result.draft;
        out.push({ ...base, source: d.sourceKey, date: d.date, period: d.period, totalMinor: d.totalMinor, currency: d.currency, status: "ready", missing: [] });
      } else if (p.result.status === "failed") {
        out.push({ ...base, source: `claim:${p.claimId}`, date: p.date, period: p.date ? periodOf(p.date) : null, totalMinor: null, currency: null, status: "ledger_unmapped", missing: p.result.missing ?? [] });
      }
    }
  }
  after = "";
  while (out.length < limit) {
    const paymentIds = await paymentsToPost(db, ids, after, Math.min(POSTING_BATCH, limit - out.length));
    if (paymentIds.length === 0) break;
    after = paymentIds[paymentIds.length - 1]!;
    for (const p of await planPaymentVouchers(db, paymentIds)) {
      const base = { source: p.draft?.sourceKey ?? `payment:${p.paymentId}`, kind: "PAYMENT" as const, companyId: p.companyId, paymentId: p.paymentId, claimNumber: p.claimNumber };
      if (p.draft) out.push({ ...base, claimId: p.draft.claimId, date: p.draft.date, period: p.draft.period, totalMinor: p.draft.totalMinor, currency: p.draft.currency, status: "ready", missing: [] });
      else if (p.missing) out.push({ ...base, claimId: p.claimId, date: p.date, period: periodOf(p.date), totalMinor: null, currency: null, status: "ledger_unmapped", missing: p.missing });
    }
  }
  if (out.length < limit) {
    const reversals = await paymentVouchersToReverse(db, ids, limit - out.length);
    const originals = await loadPostedVouchers(db, reversals.map((r) => r.voucherId));
    const closed = await loadClosedPeriods(db, [...new Set(originals.map((o) => o.companyId))]);
    const claimIds = originals.flatMap((o) => (o.claimId ? [o.claimId] : []));
    const numbers = new Map((await db.claim.findMany({ where: { id: { in: claimIds } }, select: { id: true, number: true } })).map((c) => [c.id, c.number]));
    const today = dateInZone(new Date(), SSC_TIME_ZONE);
    for (const o of originals) {
      const d = buildReversal(o, { date: today, closedPeriods: closed.get(o.companyId)!, reason: "" });
      const claimNumber = o.claimId ? (numbers.get(o.claimId) ?? null) : null;
      out.push({ source: d.sourceKey, kind: "REVERSAL", companyId: o.companyId, claimId: o.claimId, claimNumber, paymentId: o.paymentId, date: d.date, period: d.period, totalMinor: d.totalMinor, currency: d.currency, status: "ready", missing: [] });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// A person's reversal
// ---------------------------------------------------------------------------------------------------------

/**
 * An admin reverses a posted voucher (a wrong account, a wrong department): a red voucher with every line
 * negated, in the current open period, audited. A reversed claim voucher (or the payment voucher of a payment
 * still paid) is posted again, corrected, by the next sweep (source key 'claim:<id>#2', 'payment:<id>#2'). A
 * reversal is not itself reversed, and a voucher only once.
 */
export async function reverseVoucher({ viewer, voucherId, reason }: { viewer: Actor; voucherId: string; reason: string }, db: Db = prisma): Promise<{ reversalId: string }> {
  if (!hasRole(viewer, "ADMIN")) throw new AppError("forbidden");
  const why = reason.trim();
  if (!why) throw new AppError("invalid", { fieldErrors: { reason: "required" } });
  const [original] = await db.$queryRaw<{ id: string; company_id: string; kind: string; reversed: boolean }[]>`
    SELECT v.id, v.company_id, v.kind, EXISTS (SELECT 1 FROM voucher r WHERE r.reverses_id = v.id) AS reversed FROM voucher v WHERE v.id = ${voucherId}`;
  if (!original) throw new AppError("not_found");
  await requireLedgerCompany(db, viewer, original.company_id, ["ADMIN"]);
  if (original.kind === "REVERSAL") throw new AppError("not_allowed", { reason: "reversal_of_reversal" });
  if (original.reversed) throw new AppError("conflict", { reason: "already_reversed" });
  const r = await reverseBatch(db, [{ voucherId, reason: why }], viewer.id);
  const reversalId = r.posted.get(voucherId);
  if (reversalId) return { reversalId };
  if (r.failed.length > 0) throw new AppError("period_closed", { status: 409 });
  throw new AppError("conflict", { reason: "already_reversed" });
}
