/**
 * Issue 14: the line a receipt's reading proposes to its claimant (date, category guessed from the
 * merchant, amount and currency, merchant). Nothing is filled in silently: the claimant confirms it,
 * corrects it in the line form, or dismisses it. Each value says whether it was read from the receipt
 * (and how sure the reader was) or guessed/defaulted here.
 */
import { guessCategory } from "./category-guess";
import { isValidIsoDate } from "./claim-input";
import { isCurrencyCode } from "./money";
import type { ImageRegion, ReceiptFields } from "./receipt-reading/fields";

/** Below this a read value is shown as "check this" (a reader's guess: the largest amount, an ambiguous date). */
export const LOW_CONFIDENCE = 0.7;

export type ProposedValue<T> =
  | { value: T; origin: "read"; confidence: number; low: boolean; region?: ImageRegion }
  | { value: T; origin: "guessed" | "default" };

export type LineProposal = {
  receiptId: string;
  spentOn: ProposedValue<string> | null;
  categoryCode: ProposedValue<string> | null;
  merchant: ProposedValue<string> | null;
  amountMinor: ProposedValue<bigint> & { origin: "read" };
  currency: ProposedValue<string>;
  /** Names of the values read with low confidence (for the "check" mark and the audit event). */
  lowConfidence: string[];
};

export type ProposalFacts = {
  receiptId: string;
  fields: ReceiptFields;
  /** Category codes the claim's company offers. */
  categoryCodes: readonly string[];
  /** The claim's company currency: the currency when the receipt prints none. */
  defaultCurrency: string;
  /** Receipts already used by a line of this claim (saved or in the form being sent). */
  usedReceiptIds: ReadonlySet<string>;
  dismissed: boolean;
};

function read<T>(f: { value: T; confidence: number; region?: ImageRegion }): ProposedValue<T> & { origin: "read" } {
  return { value: f.value, origin: "read", confidence: f.confidence, low: f.confidence < LOW_CONFIDENCE, ...(f.region ? { region: f.region } : {}) };
}

/**
 * The proposal for one receipt, or null: no total read (nothing worth proposing), a non-positive total,
 * the receipt already used by a line, or the proposal dismissed.
 */
export function proposeLine(facts: ProposalFacts): LineProposal | null {
  const { fields } = facts;
  if (facts.dismissed || facts.usedReceiptIds.has(facts.receiptId)) return null;
  if (!fields.total || fields.total.value <= 0n) return null;
  const amountMinor = read(fields.total);
  const currency: ProposedValue<string> =
    fields.currency && isCurrencyCode(fields.currency.value) ? read(fields.currency) : { value: facts.defaultCurrency, origin: "default" };
  const spentOn = fields.date && isValidIsoDate(fields.date.value) ? read(fields.date) : null;
  const merchantName = fields.merchant?.value.trim() ?? "";
  const merchant = fields.merchant && merchantName !== "" ? read({ ...fields.merchant, value: merchantName.slice(0, 200) }) : null;
  const guessed = merchant ? guessCategory(merchant.value, facts.categoryCodes) : null;
  const categoryCode: ProposedValue<string> | null = guessed ? { value: guessed, origin: "guessed" } : null;
  const values = { spentOn, merchant, amountMinor, currency };
  const lowConfidence = Object.entries(values).flatMap(([name, v]) => (v && v.origin === "read" && v.low ? [name] : []));
  return { receiptId: facts.receiptId, spentOn, categoryCode, merchant, amountMinor, currency, lowConfidence };
}

/** Whether a proposal can be added as it stands (the line form needs a date and a category). */
export function isCompleteProposal(p: LineProposal): boolean {
  return p.spentOn !== null && p.categoryCode !== null;
}
