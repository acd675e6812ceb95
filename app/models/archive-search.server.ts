/**
 * Archive search (issue 12): the archivist finds any archive record of their companies by claim number
 * (exact or prefix), claimant (substring), company, amount range, the period spent, merchant (substring),
 * box label (exact or prefix). Keyset pagination over (filed_at DESC, id DESC), 50 a page: the next page
 * starts after the last row shown, so page 200 costs what page 1 costs (no OFFSET).
 *
 * Indexes it leans on (migration 20261206090000 and 20261206150000): archive_record (company_id,
 * filed_at, id) for the scope and the order; claim_number (prefix as a range); the trigram GIN indexes on
 * lower(claimant_name) and lower(merchants) for substrings; total_minor; spent_from; archive_box.label and
 * paper_original (box_id, position) for a box.
 */
import { z } from "zod";
import type { Actor } from "~/domain/actor";
import { currencyExponent, parseAmount } from "~/domain/money";
import type { Db, Tx } from "~/utils/db.server";
import { archiveCompanyIds } from "./archive-staff.server";

export const SEARCH_PAGE_SIZE = 50;


const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, "too_long")
    .optional()
    .transform((s) => (s ? s : undefined));

/** The search form (GET parameters); amounts in major units of the record's currency. */
export const ArchiveSearchSchema = z.object({
  claimNumber: optionalText(40),
  claimant: optionalText(100),
  companyId: optionalText(64),
  amountMin: optionalText(24),
  amountMax: optionalText(24),
  currency: optionalText(3),
  spentFrom: optionalText(10).refine((s) => s === undefined || ISO_DATE.test(s), "invalid"),
  spentTo: optionalText(10).refine((s) => s === undefined || ISO_DATE.test(s), "invalid"),
  merchant: optionalText(100),
  box: optionalText(60),
  after: optionalText(200),
});
export type ArchiveSearchInput = z.input<typeof ArchiveSearchSchema>;
export type ArchiveSearchFilters = z.output<typeof ArchiveSearchSchema>;

export type ArchiveSearchRow = {
  id: string;
  claimNumber: string;
  claimantName: string;
  companyId: string;
  companyCode: string;
  companyName: string;
  companyNameZh: string;
  totalMinor: string;
  currency: string;
  spentFrom: string;
  spentTo: string;
  closedOn: string;
  filedAt: string;
  merchants: string;
  status: "FILED" | "DESTROYED";
  legalHold: boolean;
  boxLabel: string | null;
  position: number | null;
};

export type ArchiveSearchResult = {
  rows: ArchiveSearchRow[];
  /** The cursor of the next page, or null on the last one. */
  next: string | null;
  /** Field errors of the filters (nothing is searched while there are any). */
  errors: Record<string, string>;
  filtered: boolean;
};

// Thousandths of a major unit: the finest any currency goes (BHD, KWD have three decimals).
const THOUSANDTHS_CURRENCY = "BHD";
const ZERO_DECIMAL = ["JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF", "PYG", "RWF", "KMF", "GNF", "DJF", "VUV", "XPF", "BIF"];
const THREE_DECIMAL = ["BHD", "KWD", "OMR", "JOD", "IQD", "LYD", "TND"];

/** A bound in thousandths of a major unit → minor units of a currency with `exp` decimals (min rounds up, max down). */
function toMinor(thousandths: bigint, exp: number, bound: "min" | "max"): bigint {
  const scale = 10n ** BigInt(3 - exp);
  const q = thousandths / scale;
  return bound === "min" && q * scale < thousandths ? q + 1n : q;
}

/** The claim-number prefix as a range on the btree (the database's collation need not be C for LIKE to use it). */
function prefixUpperBound(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

export function encodeCursor(filedAt: Date, id: string): string {
  return Buffer.from(`${filedAt.toISOString()}|${id}`, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): { filedAt: Date; id: string } | null {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const bar = text.indexOf("|");
  if (bar < 0) return null;
  const filedAt = new Date(text.slice(0, bar));
  if (Number.isNaN(filedAt.getTime())) return null;
  return { filedAt, id: text.slice(bar + 1) };
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

type Built = { where: string[]; params: unknown[] };

/** The WHERE clauses for the filters; field errors for what cannot be searched. */
function buildFilters(f: ArchiveSearchFilters): Built & { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (f.claimNumber) {
    const prefix = f.claimNumber.toUpperCase();
    // Exact or prefix: one range on the claim_number index covers both.
    where.push(`ar.claim_number >= ${p(prefix)} AND ar.claim_number < ${p(prefixUpperBound(prefix))} AND ar.claim_number LIKE ${p(`${escapeLike(prefix)}%`)}`);
  }
  if (f.claimant) where.push(`lower(ar.claimant_name) LIKE ${p(`%${escapeLike(f.claimant.toLowerCase())}%`)}`);
  if (f.merchant) where.push(`lower(ar.merchants) LIKE ${p(`%${escapeLike(f.merchant.toLowerCase())}%`)}`);
  if (f.currency) {
    if (!/^[A-Za-z]{3}$/.test(f.currency)) errors.currency = "invalid";
    else where.push(`ar.currency = ${p(f.currency.toUpperCase())}`);
  }
  const bound = (name: "amountMin" | "amountMax", raw: string | undefined): bigint | null => {
    if (!raw) return null;
    const r = parseAmount(raw, THOUSANDTHS_CURRENCY);
    if (!r.ok || r.minor < 0n) {
      errors[name] = r.ok ? "invalid" : r.code;
      return null;
    }
    return r.minor;
  };
  const min = bound("amountMin", f.amountMin);
  const max = bound("amountMax", f.amountMax);
  if (min !== null && max !== null && min > max) errors.amountMax = "below_min";
  if ((min !== null || max !== null) && !errors.amountMin && !errors.amountMax) {
    // Compared in minor units of each record's own currency: one index range per decimal count.
    const range = (exp: number) => {
      const parts: string[] = [];
      if (min !== null) parts.push(`ar.total_minor >= ${p(toMinor(min, exp, "min"))}`);
      if (max !== null) parts.push(`ar.total_minor <= ${p(toMinor(max, exp, "max"))}`);
      return parts.join(" AND ");
    };
    if (f.currency && !errors.currency) {
      where.push(range(currencyExponent(f.currency.toUpperCase())));
    } else {
      const zero = ZERO_DECIMAL.filter((c) => currencyExponent(c) === 0);
      const three = THREE_DECIMAL.filter((c) => currencyExponent(c) === 3);
      where.push(
        `((${range(2)} AND ar.currency <> ALL(${p([...zero, ...three])}::text[]))` +
          ` OR (${range(0)} AND ar.currency = ANY(${p(zero)}::text[]))` +
          ` OR (${range(3)} AND ar.currency = ANY(${p(three)}::text[])))`,
      );
    }
  }
  // The period spent: records whose spending overlaps the dates asked for.
  if (f.spentFrom && f.spentTo && f.spentFrom > f.spentTo) errors.spentTo = "before_from";
  if (!errors.spentTo && (f.spentFrom || f.spentTo)) {
    // A missing end is open (NULL bound = unbounded); the GiST index on the range answers the overlap.
    where.push(`daterange(ar.spent_from, ar.spent_to, '[]') && daterange(${p(f.spentFrom ?? null)}::date, ${p(f.spentTo ?? null)}::date, '[]')`);
  }
  if (f.box) {
    const label = f.box.toUpperCase();
    where.push(
      `ar.claim_id IN (SELECT po2.claim_id FROM archive_box b2 JOIN paper_original po2 ON po2.box_id = b2.id
         WHERE b2.label >= ${p(label)} AND b2.label < ${p(prefixUpperBound(label))})`,
    );
  }
  if (f.after) {
    const c = decodeCursor(f.after);
    if (!c) errors.after = "invalid";
    else where.push(`(ar.filed_at, ar.id) < (${p(c.filedAt)}::timestamptz, ${p(c.id)})`);
  }
  return { where, params, errors };
}

type RawRow = {
  id: string;
  claim_number: string;
  claimant_name: string;
  company_id: string;
  company_code: string;
  company_name: string;
  company_name_zh: string;
  total_minor: bigint;
  currency: string;
  spent_from: Date;
  spent_to: Date;
  closed_on: Date;
  filed_at: Date;
  merchants: string;
  status: "FILED" | "DESTROYED";
  legal_hold: boolean;
  box_label: string | null;
  position: number | null;
};

/**
 * How a page is read. "ordered": walk (company_id, filed_at DESC, id DESC) and filter, stopping after a
 * page — best when matches are spread over the years, hopeless when they lie together or do not exist.
 * "fenced": the order is hidden behind an expression no index has (and so is the company), so the planner
 * reads the filter's own index (claim-number range, trigram, amount, GiST on the period, box) and sorts
 * what it finds — bounded by the number of matches. "race": ordered under a short statement timeout, then
 * fenced if that ran out (the planner's guesses for substrings and amounts go both ways).
 */
export type SearchPlan = "ordered" | "fenced" | "race";

/** Claim numbers, periods and boxes pick rows that lie together in filing order: fenced. Other filters race. */
export function searchPlan(f: ArchiveSearchFilters): SearchPlan {
  if (f.claimNumber || f.spentFrom || f.spentTo || f.box) return "fenced";
  const trigrams = (s: string | undefined) => (s ?? "").length >= 3;
  if (f.amountMin || f.amountMax || trigrams(f.claimant) || trigrams(f.merchant)) return "race";
  return "ordered";
}

/** How long the ordered walk may take before a race falls back to the fenced plan. */
export const RACE_TIMEOUT_MS = 150;

/** The SQL of one page (exported for EXPLAIN in the bench). */
export function archiveSearchSql(
  filters: ArchiveSearchFilters,
  companyIds: string[],
  limit = SEARCH_PAGE_SIZE + 1,
  plan: SearchPlan = searchPlan(filters),
): { sql: string; params: unknown[]; errors: Record<string, string> } {
  const { where, params, errors } = buildFilters(filters);
  const scope = filters.companyId ? companyIds.filter((id) => id === filters.companyId) : companyIds;
  params.push(limit);
  const limitParam = `$${params.length}`;
  // One branch per company of the viewer, each walking (company_id, filed_at DESC, id DESC) or the index its
  // filters favour, each stopping after a page; then the newest page of their union.
  const fenced = plan === "fenced";
  const order = fenced ? `(ar.filed_at + interval '0 seconds') DESC, ar.id DESC` : `ar.filed_at DESC, ar.id DESC`;
  const branches = (scope.length > 0 ? scope : [""]).map((id) => {
    params.push(id);
    const conditions = [fenced ? `ar.company_id || '' = $${params.length}` : `ar.company_id = $${params.length}`, ...where].join(" AND ");
    return `(SELECT * FROM archive_record ar WHERE ${conditions} ORDER BY ${order} LIMIT ${limitParam})`;
  });
  const sql = `
    SELECT ar.id, ar.claim_number, ar.claimant_name, ar.company_id, c.code AS company_code, c.name AS company_name, c.name_zh AS company_name_zh,
           ar.total_minor, ar.currency, ar.spent_from, ar.spent_to, ar.closed_on, ar.filed_at, ar.merchants, ar.status, ar.legal_hold,
           b.label AS box_label, po.position
      FROM (SELECT * FROM (${branches.join(" UNION ALL ")}) u ORDER BY u.filed_at DESC, u.id DESC LIMIT ${limitParam}) ar
      JOIN company c ON c.id = ar.company_id
      LEFT JOIN paper_original po ON po.claim_id = ar.claim_id
      LEFT JOIN archive_box b ON b.id = po.box_id
     ORDER BY ar.filed_at DESC, ar.id DESC`;
  return { sql, params, errors };
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * One page of the search for `viewer` (archive staff: their companies only). Without any filter it lists
 * the newest records; `after` is the previous page's `next`.
 */
export async function searchArchive(db: Db | Tx, viewer: Actor, input: ArchiveSearchInput, opts: { companyIds?: string[]; pageSize?: number } = {}): Promise<ArchiveSearchResult> {
  const companyIds = opts.companyIds ?? (await archiveCompanyIds(db, viewer));
  const parsed = ArchiveSearchSchema.safeParse(input);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? "form")] ??= issue.message === "too_long" ? "too_long" : "invalid";
    return { rows: [], next: null, errors, filtered: true };
  }
  const f = parsed.data;
  const filtered = Object.entries(f).some(([k, v]) => k !== "after" && v !== undefined);
  if (companyIds.length === 0) return { rows: [], next: null, errors: {}, filtered };
  const pageSize = opts.pageSize ?? SEARCH_PAGE_SIZE;
  const plan = searchPlan(f);
  const { sql, params, errors } = archiveSearchSql(f, companyIds, pageSize + 1, plan === "race" ? "ordered" : plan);
  if (Object.keys(errors).length > 0) return { rows: [], next: null, errors, filtered };
  let raw: RawRow[];
  if (plan === "race" && "$transaction" in db) {
    try {
      raw = await (db as Db).$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SET LOCAL statement_timeout = ${RACE_TIMEOUT_MS}`);
        return tx.$queryRawUnsafe<RawRow[]>(sql, ...params);
      });
    } catch (err) {
      if (!/statement timeout|canceling statement/i.test(String((err as Error).message))) throw err;
      const fenced = archiveSearchSql(f, companyIds, pageSize + 1, "fenced");
      raw = await db.$queryRawUnsafe<RawRow[]>(fenced.sql, ...fenced.params);
    }
  } else {
    raw = await db.$queryRawUnsafe<RawRow[]>(sql, ...params);
  }
  const page = raw.slice(0, pageSize);
  const last = page[page.length - 1];
  return {
    rows: page.map((r) => ({
      id: r.id,
      claimNumber: r.claim_number,
      claimantName: r.claimant_name,
      companyId: r.company_id,
      companyCode: r.company_code,
      companyName: r.company_name,
      companyNameZh: r.company_name_zh,
      totalMinor: r.total_minor.toString(),
      currency: r.currency,
      spentFrom: isoDay(r.spent_from),
      spentTo: isoDay(r.spent_to),
      closedOn: isoDay(r.closed_on),
      filedAt: r.filed_at.toISOString(),
      merchants: r.merchants,
      status: r.status,
      legalHold: r.legal_hold,
      boxLabel: r.box_label,
      position: r.position,
    })),
    next: raw.length > pageSize && last ? encodeCursor(last.filed_at, last.id) : null,
    errors: {},
    filtered,
  };
}

