import { describe, expect, it } from "vitest";
import {
  HIGH_VALUE_PRIORITY,
  RuleConditionsSchema,
  LEGACY_BAND_CURRENCY,
  basePriority,
  bandCurrency,
  explainRule,
  routeClaim,
  ruleMatches,
  type RoutingFacts,
  type RoutingRule,
  type RuleConditions,
} from "./routing";

const facts: RoutingFacts = {
  companyId: "co-sh",
  departmentId: "dep-sales",
  companyCurrency: "CNY",
  totalCompanyMinor: 500_000n, // 5,000.00 CNY
  lines: [
    { categoryCode: "TRAVEL", currency: "CNY" },
    { categoryCode: "MEALS", currency: "CNY" },
  ],
};

const rule = (id: string, position: number, conditions: RuleConditions, extra: Partial<RoutingRule> = {}): RoutingRule => ({
  id,
  position,
  groupId: `group-${id}`,
  active: true,
  conditions,
  ...extra,
});

const matches = (conditions: RuleConditions, f: RoutingFacts = facts) => ruleMatches({ conditions }, f);

describe("routeClaim", () => {
  it("takes the first matching rule by position, whatever the input order", () => {
    const rules = [rule("c", 30, {}), rule("a", 10, { companyIds: ["other"] }), rule("b", 20, { companyIds: ["co-sh"] })];
    expect(routeClaim(facts, rules, "default")).toEqual({ groupId: "group-b", ruleId: "b", priority: 0 });
  });
  it("breaks position ties by id so the result does not depend on database order", () => {
    const r1 = rule("r1", 10, {});
    const r2 = rule("r2", 10, {});
    expect(routeClaim(facts, [r2, r1], "default").ruleId).toBe("r1");
    expect(routeClaim(facts, [r1, r2], "default").ruleId).toBe("r1");
  });
  it("does not reorder the caller's array", () => {
    const rules = [rule("b", 20, {}), rule("a", 10, {})];
    routeClaim(facts, rules, "default");
    expect(rules.map((r) => r.id)).toEqual(["b", "a"]);
  });
  it("skips inactive rules", () => {
    const rules = [rule("off", 1, {}, { active: false }), rule("on", 2, {})];
    expect(routeClaim(facts, rules, "default").ruleId).toBe("on");
  });
  it("falls back to the default group", () => {
    expect(routeClaim(facts, [rule("a", 1, { companyIds: ["other"] })], "default")).toEqual({ groupId: "default", ruleId: null, priority: 0 });
    expect(routeClaim(facts, [], "default")).toEqual({ groupId: "default", ruleId: null, priority: 0 });
  });
  it("uses the rule's priority, else the base priority", () => {
    const high = { highValueMinor: 100_000n };
    expect(routeClaim(facts, [rule("a", 1, {}, { priority: 3 })], "default", high).priority).toBe(3);
    expect(routeClaim(facts, [rule("a", 1, {}, { priority: 0 })], "default", high).priority).toBe(0);
    expect(routeClaim(facts, [rule("a", 1, {})], "default", high).priority).toBe(HIGH_VALUE_PRIORITY);
    expect(routeClaim(facts, [], "default", high).priority).toBe(HIGH_VALUE_PRIORITY);
    expect(routeClaim(facts, [], "default", { highValueMinor: null }).priority).toBe(0);
  });
});

describe("basePriority", () => {
  it("adds 10 at and above the high-value total", () => {
    expect(basePriority({ totalCompanyMinor: 99_999n }, { highValueMinor: 100_000n })).toBe(0);
    expect(basePriority({ totalCompanyMinor: 100_000n }, { highValueMinor: 100_000n })).toBe(10);
    expect(basePriority({ totalCompanyMinor: 100_001n }, { highValueMinor: 100_000n })).toBe(10);
    expect(basePriority({ totalCompanyMinor: 10n ** 15n }, { highValueMinor: null })).toBe(0);
  });
});

describe("each condition alone", () => {
  it("matches everything when empty", () => {
    expect(matches({})).toBe(true);
    expect(matches({}, { ...facts, lines: [] })).toBe(true);
  });
  it("companyIds", () => {
    expect(matches({ companyIds: ["x", "co-sh"] })).toBe(true);
    expect(matches({ companyIds: ["x"] })).toBe(false);
  });
  it("departmentIds", () => {
    expect(matches({ departmentIds: ["dep-sales"] })).toBe(true);
    expect(matches({ departmentIds: ["dep-rd"] })).toBe(false);
  });
  it("categoryCodes, any (the default)", () => {
    expect(matches({ categoryCodes: ["MEALS"] })).toBe(true);
    expect(matches({ categoryCodes: ["MEALS"], categoryMatch: "any" })).toBe(true);
    expect(matches({ categoryCodes: ["HOTEL"] })).toBe(false);
    expect(matches({ categoryCodes: ["HOTEL"] }, { ...facts, lines: [] })).toBe(false);
  });
  it("categoryCodes, all", () => {
    expect(matches({ categoryCodes: ["TRAVEL", "MEALS", "HOTEL"], categoryMatch: "all" })).toBe(true);
    expect(matches({ categoryCodes: ["TRAVEL"], categoryMatch: "all" })).toBe(false);
    expect(matches({ categoryCodes: ["TRAVEL"], categoryMatch: "all" }, { ...facts, lines: [] })).toBe(false);
  });
  it("currencies", () => {
    const usd = { ...facts, lines: [...facts.lines, { categoryCode: "HOTEL", currency: "USD" }] };
    expect(matches({ currencies: ["USD"] }, usd)).toBe(true);
    expect(matches({ currencies: ["USD"] })).toBe(false);
    expect(matches({ currencies: ["CNY"] })).toBe(true);
  });
  it("foreignCurrency true and false", () => {
    const usd = { ...facts, lines: [...facts.lines, { categoryCode: "HOTEL", currency: "USD" }] };
    expect(matches({ foreignCurrency: true }, usd)).toBe(true);
    expect(matches({ foreignCurrency: true })).toBe(false);
    expect(matches({ foreignCurrency: false })).toBe(true);
    expect(matches({ foreignCurrency: false }, usd)).toBe(false);
  });
  it("minTotalMinor is inclusive", () => {
    expect(matches({ minTotalMinor: "500000" })).toBe(true);
    expect(matches({ minTotalMinor: "499999" })).toBe(true);
    expect(matches({ minTotalMinor: "500001" })).toBe(false);
  });
  it("maxTotalMinor is exclusive", () => {
    expect(matches({ maxTotalMinor: "500001" })).toBe(true);
    expect(matches({ maxTotalMinor: "500000" })).toBe(false);
  });
  it("compares totals beyond 2^53 exactly", () => {
    const huge = { ...facts, totalCompanyMinor: 9_007_199_254_740_993n };
    expect(matches({ minTotalMinor: "9007199254740993" }, huge)).toBe(true);
    expect(matches({ minTotalMinor: "9007199254740994" }, huge)).toBe(false);
  });
  it("minLines and maxLines are inclusive", () => {
    expect(matches({ minLines: 2 })).toBe(true);
    expect(matches({ minLines: 3 })).toBe(false);
    expect(matches({ maxLines: 2 })).toBe(true);
    expect(matches({ maxLines: 1 })).toBe(false);
  });
});

describe("total band currency", () => {
  const hk: RoutingFacts = { ...facts, companyId: "co-hk", companyCurrency: "HKD", totalCompanyMinor: 800_000n }; // 8,000.00 HKD
  it("a band without a currency is in CNY: it holds for CNY companies only", () => {
    expect(bandCurrency({ minTotalMinor: "1" })).toBe(LEGACY_BAND_CURRENCY);
    expect(LEGACY_BAND_CURRENCY).toBe("CNY");
    expect(matches({ minTotalMinor: "100000" })).toBe(true);
    expect(matches({ minTotalMinor: "100000" }, hk)).toBe(false);
    expect(matches({ maxTotalMinor: "99999999" }, hk)).toBe(false);
  });
  it("a band in HKD compares an HKD company's total and never a CNY company's", () => {
    expect(matches({ totalCurrency: "HKD", minTotalMinor: "800000" }, hk)).toBe(true);
    expect(matches({ totalCurrency: "HKD", minTotalMinor: "800001" }, hk)).toBe(false);
    expect(matches({ totalCurrency: "HKD", maxTotalMinor: "800001" }, hk)).toBe(true);
    expect(matches({ totalCurrency: "HKD", maxTotalMinor: "800000" }, hk)).toBe(false);
    // 5,000.00 CNY is inside the HKD band's numbers, but it is not an HKD total.
    expect(matches({ totalCurrency: "HKD", minTotalMinor: "1", maxTotalMinor: "99999999" })).toBe(false);
  });
  it("explains a currency mismatch as its own failed condition", () => {
    expect(explainRule({ conditions: { totalCurrency: "HKD", minTotalMinor: "1" } }, facts)).toEqual([
      { field: "totalCurrency", ok: false },
      { field: "minTotalMinor", ok: false },
    ]);
    expect(explainRule({ conditions: { minTotalMinor: "1" } }, facts)).toEqual([
      { field: "totalCurrency", ok: true },
      { field: "minTotalMinor", ok: true },
    ]);
  });
  it("a rule for both companies routes each by its own band when rules are split per currency", () => {
    const rules = [
      rule("big-cny", 10, { totalCurrency: "CNY", minTotalMinor: "400000" }),
      rule("big-hkd", 20, { totalCurrency: "HKD", minTotalMinor: "1000000" }),
    ];
    expect(routeClaim(facts, rules, "default").ruleId).toBe("big-cny");
    expect(routeClaim(hk, rules, "default").ruleId).toBeNull();
    expect(routeClaim({ ...hk, totalCompanyMinor: 1_000_000n }, rules, "default").ruleId).toBe("big-hkd");
  });
  it("has no band currency without a band", () => {
    expect(bandCurrency({})).toBeNull();
    expect(bandCurrency({ maxTotalMinor: "5", totalCurrency: "HKD" })).toBe("HKD");
  });
});

describe("combined conditions", () => {
  const conditions: RuleConditions = {
    companyIds: ["co-sh"],
    departmentIds: ["dep-sales"],
    categoryCodes: ["TRAVEL"],
    foreignCurrency: false,
    minTotalMinor: "100000",
    maxTotalMinor: "1000000",
    minLines: 1,
    maxLines: 5,
  };
  it("match only when every one holds", () => {
    expect(matches(conditions)).toBe(true);
    expect(matches({ ...conditions, departmentIds: ["dep-rd"] })).toBe(false);
    expect(matches(conditions, { ...facts, totalCompanyMinor: 1_000_000n })).toBe(false);
    expect(matches(conditions, { ...facts, companyId: "co-hk" })).toBe(false);
  });
  it("are explained one by one, categoryMatch folded into categoryCodes", () => {
    expect(explainRule({ conditions: { ...conditions, categoryMatch: "all" } }, { ...facts, totalCompanyMinor: 50_000n })).toEqual([
      { field: "companyIds", ok: true },
      { field: "departmentIds", ok: true },
      { field: "categoryCodes", ok: false },
      { field: "foreignCurrency", ok: true },
      { field: "totalCurrency", ok: true },
      { field: "minTotalMinor", ok: false },
      { field: "maxTotalMinor", ok: true },
      { field: "minLines", ok: true },
      { field: "maxLines", ok: true },
    ]);
    expect(explainRule({ conditions: {} }, facts)).toEqual([]);
    expect(explainRule({ conditions: { currencies: ["USD"] } }, facts)).toEqual([{ field: "currencies", ok: false }]);
  });
});

describe("RuleConditionsSchema", () => {
  const issues = (input: unknown) => {
    const r = RuleConditionsSchema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}:${i.code === "unrecognized_keys" ? "unknown_key" : i.message}`);
  };
  it("accepts a full, valid rule and normalises it", () => {
    const r = RuleConditionsSchema.parse({
      companyIds: [" co-sh "],
      departmentIds: ["dep-sales"],
      categoryCodes: ["TRAVEL"],
      categoryMatch: "all",
      currencies: ["usd", "CNY"],
      foreignCurrency: true,
      minTotalMinor: "0",
      maxTotalMinor: "100000",
      minLines: 0,
      maxLines: 0,
    });
    expect(r.companyIds).toEqual(["co-sh"]);
    expect(r.currencies).toEqual(["USD", "CNY"]);
    expect(RuleConditionsSchema.parse({})).toEqual({});
  });
  it("refuses unknown keys", () => {
    expect(issues({ companyId: ["co-sh"] })).toEqual([":unknown_key"]);
  });
  it("refuses empty lists and empty entries", () => {
    expect(issues({ companyIds: [] })).toEqual(["companyIds:empty"]);
    expect(issues({ departmentIds: ["  "] })).toEqual(["departmentIds.0:empty"]);
    expect(issues({ categoryCodes: [] })).toEqual(["categoryCodes:empty"]);
    expect(issues({ currencies: [] })).toEqual(["currencies:empty"]);
  });
  it("refuses unknown currencies and match modes", () => {
    expect(issues({ currencies: ["XYZ1"] })).toEqual(["currencies.0:invalid_currency"]);
    expect(issues({ categoryMatch: "most" })).toHaveLength(1);
  });
  it("refuses negative, fractional or non-numeric amounts and counts", () => {
    expect(issues({ minTotalMinor: "-1" })).toEqual(["minTotalMinor:not_a_non_negative_integer"]);
    expect(issues({ maxTotalMinor: "12.50" })).toEqual(["maxTotalMinor:not_a_non_negative_integer"]);
    expect(issues({ minTotalMinor: 100 })).toHaveLength(1);
    expect(issues({ minLines: -1 })).toEqual(["minLines:negative"]);
    expect(issues({ maxLines: 1.5 })).toEqual(["maxLines:not_an_integer"]);
  });
  it("refuses a minimum not below its maximum", () => {
    expect(issues({ minTotalMinor: "5000", maxTotalMinor: "5000" })).toEqual(["maxTotalMinor:not_above_min"]);
    expect(issues({ minTotalMinor: "5001", maxTotalMinor: "5000" })).toEqual(["maxTotalMinor:not_above_min"]);
    expect(issues({ minTotalMinor: "4999", maxTotalMinor: "5000" })).toEqual([]);
    expect(issues({ minLines: 3, maxLines: 2 })).toEqual(["maxLines:below_min"]);
    expect(issues({ minLines: 2, maxLines: 2 })).toEqual([]);
  });
  it("takes a band currency, normalised, and refuses a bad one or one without a band", () => {
    expect(RuleConditionsSchema.parse({ totalCurrency: " hkd ", minTotalMinor: "100" })).toEqual({ totalCurrency: "HKD", minTotalMinor: "100" });
    expect(issues({ totalCurrency: "HK", minTotalMinor: "100" })).toEqual(["totalCurrency:invalid_currency"]);
    expect(issues({ totalCurrency: "HKD" })).toEqual(["totalCurrency:currency_without_band"]);
    // Stored rules from before bands carried a currency stay valid.
    expect(issues({ minTotalMinor: "100", maxTotalMinor: "200" })).toEqual([]);
  });
  it("refuses a non-object", () => {
    expect(issues(null)).toHaveLength(1);
    expect(issues([])).toHaveLength(1);
  });
});
