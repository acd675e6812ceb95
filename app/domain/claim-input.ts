/**
 * What a claimant may type into a claim, and the rules a claim must meet before it is submitted.
 * Parsing (shape and format) is enforced on every save; the submission rules only on submit,
 * so a half-finished draft can still be saved.
 */
import { z } from "zod";
import { isCurrencyCode, parseAmount } from "./money";

export const MAX_LINES = 200;

export type { FieldErrors } from "./app-error";
import type { FieldErrors } from "./app-error";
import type { BudgetExceededCell } from "./budget";

/** The invoice a line's receipt is (专票, 电子普票, 旅客运输票据, none): it decides the deductible input VAT. */
export const INVOICE_KINDS = ["SPECIAL_VAT", "ORDINARY_E", "TRANSPORT_TICKET", "NONE"] as const;
export type InvoiceKind = (typeof INVOICE_KINDS)[number];
export const TRANSPORT_MODES = ["AIR", "RAIL", "ROAD", "WATER"] as const;
export type TransportMode = (typeof TRANSPORT_MODES)[number];

/** The mode a passenger ticket of this category most likely is (the form proposes it; the claimant may change it). */
export function defaultTransportMode(categoryCode: string): TransportMode | null {
  return categoryCode === "AIR" ? "AIR" : categoryCode === "RAIL" ? "RAIL" : null;
}

export type LineInput = {
  id?: string;
  spentOn: string;
  categoryCode: string;
  merchant: string;
  amountMinor: bigint;
  currency: string;
  note: string;
  receiptIds: string[];
  /** Absent: NONE (callers that predate the VAT fields). */
  invoiceKind?: InvoiceKind;
  /** The tax printed on the invoice, line currency; null when none is printed. */
  taxMinor?: bigint | null;
  /** Set for a TRANSPORT_TICKET only. */
  transportMode?: TransportMode | null;
};

export type ClaimInput = {
  purpose: string;
  companyId: string;
  departmentId: string;
  lines: LineInput[];
  /** A project for the voucher's dimension; null = none. Absent: left as it is. */
  projectCode?: string | null;
};

/** A project code: short, letters, digits and . _ - (it goes into ERP exports). */
export const PROJECT_CODE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

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

const LineSchema = z.object({
  id: z.string().max(64, "invalid").optional(),
  spentOn: z.string().trim().default(""),
  categoryCode: z.string().trim().default(""),
  merchant: z.string().trim().max(200, "too_long").default(""),
  amount: z.string().trim().default(""),
  currency: z.string().trim().toUpperCase().default(""),
  note: z.string().trim().max(1000, "too_long").default(""),
  receiptIds: z.array(z.string().max(64, "invalid")).default([]),
  invoiceKind: z.string().trim().toUpperCase().default("NONE"),
  tax: z.string().trim().default(""),
  transportMode: z.string().trim().toUpperCase().default(""),
});
type RawLine = z.infer<typeof LineSchema>;

/** The highest line index a form may name (`lines[999].merchant`): a larger one is refused before parsing. */
export const MAX_LINE_INDEX = 999;

/** True when a submitted name points past MAX_LINE_INDEX, which would make the parser build a huge sparse list. */
export function exceedsLineIndex(names: Iterable<string>): boolean {
  for (const name of names) {
    const m = /^lines\[(\d+)\]/.exec(name);
    if (m && (m[1]!.length > 4 || Number(m[1]) > MAX_LINE_INDEX)) return true;
  }
  return false;
}

/**
 * The claim form (new and edit pages): `purpose`, `companyId`, `departmentId` and the lines, named
 * `lines[i].field` (with repeated `lines[i].receiptIds`) and read by Conform. The intent and version come
 * with it on the edit page. Lines whose every field is blank are dropped: an empty row is not a line.
 * Every malformed field is reported at once, each under its own name (`lines[2].amount`).
 */
/** The lines of a claim form: blank rows dropped, each line's format checked, every problem under its row. */
const LinesSchema = z
  .array(LineSchema)
  .default([])
  .transform((rawLines, ctx) => {
    const lines: LineInput[] = [];
    rawLines.forEach((raw, index) => {
      if (isBlank(raw)) return;
      const errors: FieldErrors = {};
      lines.push(parseLine(raw, errors));
      for (const [field, code] of Object.entries(errors)) ctx.issues.push({ code: "custom", message: code, path: [index, field], input: raw });
    });
    if (lines.length > MAX_LINES) ctx.issues.push({ code: "custom", message: "too_many", path: [], input: rawLines });
    return lines;
  });

export const ClaimFormSchema = z
  .object({
    intent: z.enum(["save", "submit"]).default("save"),
    version: z.coerce.number().int().default(0),
    purpose: z.string().trim().max(500, "too_long").default(""),
    companyId: z.string().trim().min(1, "required"),
    departmentId: z.string().trim().min(1, "required"),
    projectCode: z
      .string()
      .trim()
      .default("")
      .refine((v) => v === "" || PROJECT_CODE_RE.test(v), "bad_project_code")
      .transform((v) => (v === "" ? null : v.toUpperCase())),
    lines: LinesSchema,
  })
  .transform(({ intent, version, ...input }) => ({ intent, version, input: input satisfies ClaimInput }));

/** A claim form's field errors, first code each, under the dotted paths the claim rules use (`lines.0.amount`). */
export function claimFieldErrors(error: Record<string, readonly string[] | null> | null | undefined): FieldErrors {
  const errors: FieldErrors = {};
  for (const [name, codes] of Object.entries(error ?? {})) if (name && codes?.[0]) errors[fieldPath(name)] = codes[0];
  return errors;
}

/** `lines[0].amount` (a form field's name) → `lines.0.amount` (the path a rule reports). */
export function fieldPath(name: string): string {
  return name.replace(/\[(\d+)\]/g, ".$1");
}

/** `lines.0.amount` (the path a rule reports) → `lines[0].amount` (the form field's name). */
export function fieldName(path: string): string {
  return path.replace(/\.(\d+)(?=\.|$)/g, "[$1]");
}

function isBlank(l: RawLine): boolean {
  return !l.id && !l.spentOn && !l.merchant && !l.amount && !l.note && l.receiptIds.length === 0;
}

/** One line's format rules (date, category, currency, amount); the problems go into `errors` by field. */
function parseLine(l: RawLine, errors: FieldErrors): LineInput {
  if (!l.spentOn) errors.spentOn = "required";
  else if (!isValidIsoDate(l.spentOn)) errors.spentOn = "invalid_date";
  if (!l.categoryCode) errors.categoryCode = "required";
  if (!isCurrencyCode(l.currency)) errors.currency = "invalid_currency";
  let amountMinor = 0n;
  if (isCurrencyCode(l.currency)) {
    const amount = parseAmount(l.amount, l.currency);
    if (amount.ok) amountMinor = amount.minor;
    else errors.amount = amount.code === "empty" ? "required" : amount.code;
  }
  const invoiceKind = (INVOICE_KINDS as readonly string[]).includes(l.invoiceKind) ? (l.invoiceKind as InvoiceKind) : "NONE";
  if (invoiceKind !== l.invoiceKind) errors.invoiceKind = "invalid";
  let taxMinor: bigint | null = null;
  if (l.tax !== "" && isCurrencyCode(l.currency)) {
    const tax = parseAmount(l.tax, l.currency);
    if (!tax.ok) errors.tax = tax.code === "empty" ? "invalid" : tax.code;
    else if (tax.minor < 0n) errors.tax = "negative";
    else if (!errors.amount && tax.minor > amountMinor) errors.tax = "tax_over_amount";
    else taxMinor = tax.minor;
  }
  let transportMode: TransportMode | null = null;
  if (invoiceKind === "TRANSPORT_TICKET") {
    const mode = l.transportMode || defaultTransportMode(l.categoryCode) || "";
    if (!mode) errors.transportMode = "required";
    else if (!(TRANSPORT_MODES as readonly string[]).includes(mode)) errors.transportMode = "invalid";
    else transportMode = mode as TransportMode;
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
    invoiceKind,
    taxMinor,
    transportMode,
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

/**
 * What the claim form's action answers when it refuses: each field's code by dotted path, and what the
 * form as a whole says (fix the fields; someone saved first; the claim is no longer editable).
 */
export type ClaimFormReply = {
  errors: FieldErrors;
  formError?: "fix" | "stale" | "not_editable" | "budget_exceeded" | "duplicate_invoice" | "proposal_gone" | "proposal_incomplete";
  budgetCells?: BudgetExceededCell[];
  /** Issue 14: receipts whose invoice another claim holds; the other claim's number only when the claimant may see it. */
  duplicateInvoices?: { receiptId: string; otherClaimNumber: string | null }[];
};

/** A cell the submission would take past the hard stop: the budget rules' own shape (app/domain/budget.ts). */
export type { BudgetExceededCell };

/** The duplicate-invoice refusal's rows as the form shows them (issue 14); anything malformed is left out. */
export function duplicateInvoiceRows(details: Record<string, unknown>): { receiptId: string; otherClaimNumber: string | null }[] {
  const rows = Array.isArray(details.duplicates) ? (details.duplicates as unknown[]) : [];
  return rows.flatMap((r) => {
    if (!r || typeof r !== "object") return [];
    const { receiptId, otherClaimNumber } = r as Record<string, unknown>;
    if (typeof receiptId !== "string") return [];
    return [{ receiptId, otherClaimNumber: typeof otherClaimNumber === "string" ? otherClaimNumber : null }];
  });
}

/** The refusal's cells as the form shows them; anything malformed in the details is left out. */
export function budgetExceededCells(details: Record<string, unknown>): BudgetExceededCell[] {
  const cells = Array.isArray(details.cells) ? (details.cells as unknown[]) : [];
  const str = (v: unknown) => (typeof v === "string" || typeof v === "number" || typeof v === "bigint" ? String(v) : "");
  return cells.flatMap((c): BudgetExceededCell[] => {
    if (!c || typeof c !== "object") return [];
    const o = c as Record<string, unknown>;
    const cell = {
      cellId: str(o.cellId),
      period: str(o.period),
      departmentId: str(o.departmentId),
      categoryCode: o.categoryCode == null ? null : str(o.categoryCode),
      currency: str(o.currency),
      budgetMinor: str(o.budgetMinor),
      consumedMinor: str(o.consumedMinor),
      reservedMinor: str(o.reservedMinor),
      requestedMinor: str(o.requestedMinor),
      limitMinor: str(o.limitMinor),
    };
    const amountsOk = [cell.budgetMinor, cell.consumedMinor, cell.reservedMinor, cell.requestedMinor, cell.limitMinor].every((m) => /^-?\d+$/.test(m));
    return amountsOk && /^[A-Z]{3}$/.test(cell.currency) ? [cell] : [];
  });
}

/** The reply as the result Conform's `useForm({ lastResult })` shows beside each field (`lines[0].amount`). */
export function claimFormResult(reply: ClaimFormReply | undefined): { status: "error"; error: Record<string, string[]> } | undefined {
  if (!reply) return undefined;
  return { status: "error", error: Object.fromEntries(Object.entries(reply.errors).map(([path, code]) => [fieldName(path), [code]])) };
}

/** The claim page's one form: the claimant withdraws the claim at the version they saw. */
export const WithdrawClaimSchema = z.object({ intent: z.literal("withdraw"), version: z.coerce.number().int().nonnegative() });
