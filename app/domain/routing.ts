/**
 * Routing: which processing group works a manager-approved claim. Rules are tried by ascending
 * `position` (ties by id, so the order never depends on how the database returned them); the first
 * active rule whose every condition holds wins, and a default group catches the rest.
 */
import { z } from "zod";
import { isCurrencyCode } from "./money";

export type RuleConditions = {
  /** The claim's company is one of these. */
  companyIds?: string[];
  /** The claimant's department (claim.departmentId) is one of these. */
  departmentIds?: string[];
  /** With `categoryMatch` "any" (default): some line's category is in the set; "all": every line's is. */
  categoryCodes?: string[];
  categoryMatch?: "any" | "all";
  /** Some line is in one of these currencies. */
  currencies?: string[];
  /** true: some line's currency differs from the company's; false: none does. */
  foreignCurrency?: boolean;
  /**
   * The currency of the total band below (ISO 4217). A band only applies to a claim whose company
   * keeps its books in this currency; for any other company the band does not hold. Absent: CNY
   * (rules saved before bands carried a currency were all in CNY).
   */
  totalCurrency?: string;
  /** Total in `totalCurrency`'s minor units, a decimal string (bigint is not JSON). Inclusive. */
  minTotalMinor?: string;
  /** Exclusive, so consecutive bands [0, 5000) [5000, …) never overlap. */
  maxTotalMinor?: string;
  /** Number of lines, both inclusive. */
  minLines?: number;
  maxLines?: number;
};

export type RoutingRule = {
  id: string;
  position: number;
  groupId: string;
  active: boolean;
  conditions: RuleConditions;
  /** Task priority for claims this rule routes; when absent, `basePriority` decides. */
  priority?: number;
};

export type RoutingFacts = {
  companyId: string;
  departmentId: string;
  companyCurrency: string;
  totalCompanyMinor: bigint;
  lines: { categoryCode: string; currency: string }[];
};

export type RouteResult = { groupId: string; ruleId: string | null; priority: number };

/** The currency of a rule's total band when it does not say: every band was in CNY before bands carried one. */
export const LEGACY_BAND_CURRENCY = "CNY";

/** The currency of the rule's total band; null when the rule has no band. */
export function bandCurrency(c: RuleConditions): string | null {
  if (c.minTotalMinor === undefined && c.maxTotalMinor === undefined) return null;
  return c.totalCurrency ?? LEGACY_BAND_CURRENCY;
}

/** Extra task priority for a claim at or above the high-value total. */
export const HIGH_VALUE_PRIORITY = 10;

const MAX_LIST = 500;
const idList = z.array(z.string().trim().min(1, "empty").max(64, "too_long")).min(1, "empty").max(MAX_LIST, "too_many");
const minorString = z.string().trim().regex(/^\d{1,18}$/, "not_a_non_negative_integer");
const lineCount = z.number().int("not_an_integer").min(0, "negative").max(10_000, "too_large");

/**
 * Conditions as they come from the admin form or a rule's JSON column. Unknown keys are refused
 * (a typo must not silently widen a rule), as are empty lists (an empty set would match nothing,
 * which is never what an administrator means), negative numbers, and a minimum above its maximum.
 */
export const RuleConditionsSchema = z
  .strictObject({
    companyIds: idList.optional(),
    departmentIds: idList.optional(),
    categoryCodes: idList.optional(),
    categoryMatch: z.enum(["any", "all"]).optional(),
    currencies: z
      .array(z.string().trim().toUpperCase().refine(isCurrencyCode, "invalid_currency"))
      .min(1, "empty")
      .max(MAX_LIST, "too_many")
      .optional(),
    foreignCurrency: z.boolean().optional(),
    totalCurrency: z.string().trim().toUpperCase().refine(isCurrencyCode, "invalid_currency").optional(),
    minTotalMinor: minorString.optional(),
    maxTotalMinor: minorString.optional(),
    minLines: lineCount.optional(),
    maxLines: lineCount.optional(),
  })
  .superRefine((c, ctx) => {
    // The total band is [min, max): min = max would match nothing.
    if (c.minTotalMinor !== undefined && c.maxTotalMinor !== undefined && BigInt(c.minTotalMinor) >= BigInt(c.maxTotalMinor)) {
      ctx.addIssue({ code: "custom", path: ["maxTotalMinor"], message: "not_above_min" });
    }
    // A currency without a band would be a condition that looks set and tests nothing.
    if (c.totalCurrency !== undefined && c.minTotalMinor === undefined && c.maxTotalMinor === undefined) {
      ctx.addIssue({ code: "custom", path: ["totalCurrency"], message: "currency_without_band" });
    }
    if (c.minLines !== undefined && c.maxLines !== undefined && c.minLines > c.maxLines) {
      ctx.addIssue({ code: "custom", path: ["maxLines"], message: "below_min" });
    }
  }) satisfies z.ZodType<RuleConditions, unknown>;

/**
 * A rule as an administrator saves it. Its codes are those the admin screen shows beside each field;
 * a group that exists is a fact of the database, checked where the rule is saved.
 */
export const RoutingRuleInputSchema = z.object({
  id: z.string().optional(),
  name: z.string().trim().min(1, "required").max(200, "too_long"),
  groupId: z.string("unknown_group"),
  position: z.number("invalid").int("invalid").min(0, "invalid").max(1_000_000, "invalid"),
  active: z.boolean(),
  priority: z.number("invalid").int("invalid").min(-1000, "invalid").max(1000, "invalid").nullable(),
  conditions: RuleConditionsSchema,
});

export type RoutingRuleInput = z.input<typeof RoutingRuleInputSchema>;

export type ConditionCheck = { field: keyof RuleConditions; ok: boolean };

/**
 * Each condition the rule sets, in a fixed order, and whether the claim meets it: what the admin UI
 * shows under "why did this match". `categoryMatch` is reported as part of `categoryCodes`.
 */
export function explainRule(rule: Pick<RoutingRule, "conditions">, facts: RoutingFacts): ConditionCheck[] {
  const c = rule.conditions;
  const checks: ConditionCheck[] = [];
  const lineCurrencies = facts.lines.map((l) => l.currency);
  if (c.companyIds) checks.push({ field: "companyIds", ok: c.companyIds.includes(facts.companyId) });
  if (c.departmentIds) checks.push({ field: "departmentIds", ok: c.departmentIds.includes(facts.departmentId) });
  if (c.categoryCodes) {
    const inSet = (l: { categoryCode: string }) => c.categoryCodes!.includes(l.categoryCode);
    // "all" needs at least one line: a claim without lines is not "all travel".
    const ok = c.categoryMatch === "all" ? facts.lines.length > 0 && facts.lines.every(inSet) : facts.lines.some(inSet);
    checks.push({ field: "categoryCodes", ok });
  }
  if (c.currencies) checks.push({ field: "currencies", ok: lineCurrencies.some((cur) => c.currencies!.includes(cur)) });
  if (c.foreignCurrency !== undefined) {
    const hasForeign = lineCurrencies.some((cur) => cur !== facts.companyCurrency);
    checks.push({ field: "foreignCurrency", ok: hasForeign === c.foreignCurrency });
  }
  const band = bandCurrency(c);
  if (band !== null) {
    // Amounts in different currencies are not compared: a band in CNY says nothing about an HKD total.
    const sameCurrency = band === facts.companyCurrency;
    checks.push({ field: "totalCurrency", ok: sameCurrency });
    if (c.minTotalMinor !== undefined) checks.push({ field: "minTotalMinor", ok: sameCurrency && facts.totalCompanyMinor >= BigInt(c.minTotalMinor) });
    if (c.maxTotalMinor !== undefined) checks.push({ field: "maxTotalMinor", ok: sameCurrency && facts.totalCompanyMinor < BigInt(c.maxTotalMinor) });
  }
  if (c.minLines !== undefined) checks.push({ field: "minLines", ok: facts.lines.length >= c.minLines });
  if (c.maxLines !== undefined) checks.push({ field: "maxLines", ok: facts.lines.length <= c.maxLines });
  return checks;
}

/** Every condition holds; no conditions at all match every claim. */
export function ruleMatches(rule: Pick<RoutingRule, "conditions">, facts: RoutingFacts): boolean {
  return explainRule(rule, facts).every((check) => check.ok);
}

/** +HIGH_VALUE_PRIORITY for a total at or above `highValueMinor` (no threshold: never). */
export function basePriority(facts: Pick<RoutingFacts, "totalCompanyMinor">, options: { highValueMinor: bigint | null }): number {
  return options.highValueMinor !== null && facts.totalCompanyMinor >= options.highValueMinor ? HIGH_VALUE_PRIORITY : 0;
}

/**
 * The group for a claim, the rule that chose it (null: the default group), and the task's priority:
 * the rule's own when it sets one, else `basePriority` (0 without a high-value threshold).
 * Conditions are trusted here; parse them with `RuleConditionsSchema` when reading them in.
 */
export function routeClaim(
  facts: RoutingFacts,
  rules: readonly RoutingRule[],
  defaultGroupId: string,
  options: { highValueMinor?: bigint | null } = {},
): RouteResult {
  const fallback = basePriority(facts, { highValueMinor: options.highValueMinor ?? null });
  const ordered = rules
    .filter((r) => r.active)
    .sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const rule of ordered) {
    if (ruleMatches(rule, facts)) return { groupId: rule.groupId, ruleId: rule.id, priority: rule.priority ?? fallback };
  }
  return { groupId: defaultGroupId, ruleId: null, priority: fallback };
}
