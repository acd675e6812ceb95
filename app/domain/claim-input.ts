/**
 * What a claimant may type into a claim, and the rules a claim must meet before it is submitted.
 * Parsing (shape and format) is enforced on every save; the submission rules only on submit,
 * so a half-finished draft can still be saved.
 */
import { z } from "zod";
import { isCurrencyCode, parseAmount } from "./money";

export const MAX_LINES = 200;

export type FieldErrors = Record<string, string>;

export type LineInput = {
  id?: string;
  spentOn: string;
  categoryCode: string;
  merchant: string;
  amountMinor: bigint;
  currency: string;
  note: string;
  receiptIds: string[];
};

export type ClaimInput = {
  purpose: string;
  companyId: string;
  departmentId: string;
  lines: LineInput[];
};

/** A company and department a claimant may file a claim for. */
export type OrgChoice = { companyId: string; departmentId: string };

/**
 * A claim's company and department come from the claimant's profile: their own department or a further
 * membership (user_department), each with the company it belongs to. Anything else is refused.
 */
export function checkClaimOrg(choices: readonly OrgChoice[], input: { companyId: string; departmentId: string }): FieldErrors {
  const choice = choices.find((c) => c.departmentId === input.departmentId);
  if (!choice) return { departmentId: "not_yours" };
  if (choice.companyId !== input.companyId) return { departmentId: "not_in_company" };
  return {};
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function isValidIsoDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

const RawLine = z.object({
  id: z.string().max(64).optional(),
  spentOn: z.string().trim().default(""),
  categoryCode: z.string().trim().default(""),
  merchant: z.string().trim().max(200, "too_long").default(""),
  amount: z.string().trim().default(""),
  currency: z.string().trim().toUpperCase().default(""),
  note: z.string().trim().max(1000, "too_long").default(""),
  receiptIds: z.array(z.string().max(64)).default([]),
});
type RawLine = z.infer<typeof RawLine>;

/**
 * Reads `purpose`, `companyId`, `departmentId` and `lines[i].field` (with repeated `lines[i].receiptIds`)
 * from form entries. Lines whose every field is blank are dropped: an empty row is not a line.
 */
export function parseClaimForm(entries: Iterable<[string, string]>): { ok: true; value: ClaimInput } | { ok: false; errors: FieldErrors } {
  const header: Record<string, string> = {};
  const rawLines = new Map<number, Record<string, unknown>>();
  for (const [key, value] of entries) {
    const m = /^lines\[(\d{1,3})\]\.(\w+)$/.exec(key);
    if (!m) {
      header[key] = value;
      continue;
    }
    const index = Number(m[1]);
    const field = m[2]!;
    const line = rawLines.get(index) ?? {};
    if (field === "receiptIds") line.receiptIds = [...((line.receiptIds as string[] | undefined) ?? []), value];
    else line[field] = value;
    rawLines.set(index, line);
  }
  const errors: FieldErrors = {};
  const purpose = (header.purpose ?? "").trim();
  if (purpose.length > 500) errors.purpose = "too_long";
  const companyId = (header.companyId ?? "").trim();
  const departmentId = (header.departmentId ?? "").trim();
  if (!companyId) errors.companyId = "required";
  if (!departmentId) errors.departmentId = "required";

  const ordered = [...rawLines.entries()].sort(([a], [b]) => a - b).map(([, l]) => l);
  const lines: LineInput[] = [];
  for (const raw of ordered) {
    const parsed = RawLine.safeParse(raw);
    const i = lines.length;
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors[`lines.${i}.${String(issue.path[0])}`] = issue.message === "too_long" ? "too_long" : "invalid";
      lines.push(blankLine());
      continue;
    }
    const l = parsed.data;
    if (isBlank(l)) continue;
    lines.push(parseLine(l, i, errors));
  }
  if (lines.length > MAX_LINES) errors.lines = "too_many";
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { purpose, companyId, departmentId, lines } };
}

function blankLine(): LineInput {
  return { spentOn: "", categoryCode: "", merchant: "", amountMinor: 0n, currency: "", note: "", receiptIds: [] };
}

function isBlank(l: RawLine): boolean {
  return !l.id && !l.spentOn && !l.merchant && !l.amount && !l.note && l.receiptIds.length === 0;
}

function parseLine(l: RawLine, i: number, errors: FieldErrors): LineInput {
  const at = (f: string) => `lines.${i}.${f}`;
  if (!l.spentOn) errors[at("spentOn")] = "required";
  else if (!isValidIsoDate(l.spentOn)) errors[at("spentOn")] = "invalid_date";
  if (!l.categoryCode) errors[at("categoryCode")] = "required";
  if (!isCurrencyCode(l.currency)) errors[at("currency")] = "invalid_currency";
  let amountMinor = 0n;
  if (isCurrencyCode(l.currency)) {
    const amount = parseAmount(l.amount, l.currency);
    if (amount.ok) amountMinor = amount.minor;
    else errors[at("amount")] = amount.code === "empty" ? "required" : amount.code;
  }
  return {
    id: l.id || undefined,
    spentOn: l.spentOn,
    categoryCode: l.categoryCode,
    merchant: l.merchant,
    amountMinor,
    currency: l.currency,
    note: l.note,
    receiptIds: [...new Set(l.receiptIds)],
  };
}

export type SubmitFacts = {
  purpose: string;
  lines: { spentOn: string; merchant: string; amountMinor: bigint; receiptIds: string[] }[];
  receipts: { id: string; status: "PROCESSING" | "READY" | "FAILED" }[];
  /** Today in UTC, YYYY-MM-DD. */
  today: string;
};

/** The rules a claim must meet to leave the claimant: every problem, per field, at once. */
export function validateForSubmit(facts: SubmitFacts): FieldErrors {
  const errors: FieldErrors = {};
  if (!facts.purpose.trim()) errors.purpose = "required";
  if (facts.lines.length === 0) errors.lines = "required";
  const status = new Map(facts.receipts.map((r) => [r.id, r.status]));
  facts.lines.forEach((line, i) => {
    const at = (f: string) => `lines.${i}.${f}`;
    if (line.amountMinor <= 0n) errors[at("amount")] = "not_positive";
    if (!line.merchant.trim()) errors[at("merchant")] = "required";
    if (line.spentOn > facts.today) errors[at("spentOn")] = "in_future";
    const usable = line.receiptIds.filter((id) => status.has(id) && status.get(id) !== "FAILED");
    if (line.receiptIds.length === 0) errors[at("receipts")] = "required";
    else if (usable.length === 0) errors[at("receipts")] = "unreadable";
  });
  return errors;
}
