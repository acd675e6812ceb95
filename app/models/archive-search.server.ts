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

/**
 * A claimant substring resolved against the distinct names filed per company (archive_claimant_name): the
 * names it matches (null when there are too many to list: the substring is then matched on the records),
 * and per company how many records they have — none (the company is not read), few (read by name) or
 * many (dense: walking the company's filing order finds a page quickly).
 */
export type ClaimantMatch = { names: string[] | null; records: Record<string, number> };

/** The WHERE clauses for the filters; field errors for what cannot be searched. */
function buildFilters(f: ArchiveSearchFilters, claimant?: ClaimantMatch): Built & { errors: Record<string, string> } {
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
  if (f.claimant) {
    if (claimant?.names) where.push(`lower(ar.claimant_name) = ANY(${p(claimant.names)}::text[])`);
    else where.push(`lower(ar.claimant_name) LIKE ${p(`%${escapeLike(f.claimant.toLowerCase())}%`)}`);
  }
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
 * fenced if that ran out (the planner's guesses for substrings and amounts go both ways). "names": a
 * claimant alone: a company whose names have few records has their ids picked from the (name, company,
 * filed_at, id) index alone and sorted, then only the page's rows read; one with many is walked in order.
 */
export type SearchPlan = "ordered" | "fenced" | "race" | "names";

/**
 * Claim numbers, periods and boxes pick rows that lie together in filing order: fenced. A claimant alone
 * is read company by company as its match says ("names"). Amounts and merchants race.
 */
export function searchPlan(f: ArchiveSearchFilters, claimant?: ClaimantMatch): SearchPlan {
  if (f.claimNumber || f.spentFrom || f.spentTo || f.box) return "fenced";
  const trigrams = (s: string | undefined) => (s ?? "").length >= 3;
  if (f.amountMin || f.amountMax || f.currency || trigrams(f.merchant)) return "race";
  if (f.claimant && claimant?.names) return "names";
  if (f.claimant && !claimant && trigrams(f.claimant)) return "race";
  return "ordered";
}

/** At most this many names are listed for a claimant substring; more, and the substring is matched on the records. */
export const CLAIMANT_NAMES_LISTED = 10_000;
/** A company with more records than this for a claimant substring is walked in filing order (they are dense). */
export const CLAIMANT_DENSE_RECORDS = 20_000;

/** Resolves a claimant substring against the names filed for these companies. */
export async function matchClaimant(db: Db | Tx, fragment: string, companyIds: readonly string[]): Promise<ClaimantMatch> {
  const rows = await db.$queryRawUnsafe<{ company_id: string; name_key: string; records: number }[]>(
    `SELECT company_id, name_key, records FROM archive_claimant_name
      WHERE company_id = ANY($1::text[]) AND name_key LIKE $2 LIMIT ${CLAIMANT_NAMES_LISTED + 1}`,
    [...companyIds],
    `%${escapeLike(fragment.toLowerCase())}%`,
  );
  if (rows.length > CLAIMANT_NAMES_LISTED) return { names: null, records: Object.fromEntries(companyIds.map((id) => [id, Number.POSITIVE_INFINITY])) };
  const records: Record<string, number> = Object.fromEntries(companyIds.map((id) => [id, 0]));
  for (const r of rows) records[r.company_id] = (records[r.company_id] ?? 0) + r.records;
  return { names: [...new Set(rows.map((r) => r.name_key))], records };
}

/** How long the ordered walk may take before a race falls back to the fenced plan. */
export const RACE_TIMEOUT_MS = 150;

/** The SQL of one page (exported for EXPLAIN in the bench). */
export function archiveSearchSql(
  filters: ArchiveSearchFilters,
  companyIds: string[],
  limit = SEARCH_PAGE_SIZE + 1,
  plan: SearchPlan = searchPlan(filters),
  claimant?: ClaimantMatch,
): { sql: string; params: unknown[]; errors: Record<string, string> } {
  const { where, params, errors } = buildFilters(filters, claimant);
  const scope = filters.companyId ? companyIds.filter((id) => id === filters.companyId) : companyIds;
  params.push(limit);
  const limitParam = `$${params.length}`;
  // One branch per company of the viewer, each walking (company_id, filed_at DESC, id DESC) or the index its
  // filters favour, each stopping after a page; then the newest page of their union.
  const fenced = plan === "fenced";
  const order = fenced ? `(ar.filed_at + interval '0 seconds') DESC, ar.id DESC` : `ar.filed_at DESC, ar.id DESC`;
  // A company none of whose names match is not read at all.
  const read = claimant?.names ? scope.filter((id) => (claimant.records[id] ?? 0) > 0) : scope;
  const branches = (read.length > 0 ? read : [""]).map((id) => {
    params.push(id);
    const conditions = [fenced ? `ar.company_id || '' = $${params.length}` : `ar.company_id = $${params.length}`, ...where].join(" AND ");
    if (plan === "names" && (claimant?.records[id] ?? 0) <= CLAIMANT_DENSE_RECORDS) {
      // The page's ids from the name index alone (index-only; the order hidden so that the filing-order walk,
      // hopeless for a name this company may not have, is not chosen), then only those rows.
      return `(SELECT * FROM archive_record WHERE id IN (SELECT ar.id FROM archive_record ar WHERE ${conditions} ORDER BY (ar.filed_at + interval '0 seconds') DESC, ar.id DESC LIMIT ${limitParam}) ORDER BY filed_at DESC, id DESC)`;
    }
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
  const claimant = f.claimant ? await matchClaimant(db, f.claimant, f.companyId ? companyIds.filter((id) => id === f.companyId) : companyIds) : undefined;
  const plan = searchPlan(f, claimant);
  const { sql, params, errors } = archiveSearchSql(f, companyIds, pageSize + 1, plan === "race" ? "ordered" : plan, claimant);
  if (Object.keys(errors).length > 0) return { rows: [], next: null, errors, filtered };
  // No name filed contains the fragment: nothing to read.
  if (claimant?.names?.length === 0) return { rows: [], next: null, errors: {}, filtered };
  let raw: RawRow[];
  if (plan === "race" && "$transaction" in db) {
    try {
      raw = await (db as Db).$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SET LOCAL statement_timeout = ${RACE_TIMEOUT_MS}`);
        return tx.$queryRawUnsafe<RawRow[]>(sql, ...params);
      });
    } catch (err) {
      if (!/statement timeout|canceling statement/i.test(String((err as Error).message))) throw err;
      const fenced = archiveSearchSql(f, companyIds, pageSize + 1, "fenced", claimant);
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

