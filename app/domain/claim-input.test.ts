import { describe, expect, it } from "vitest";
import { parseForm } from "~/utils/forms";
import { checkClaimOrg, claimFieldErrors, ClaimFormSchema, defaultTransportMode, isValidIsoDate, validateForSubmit } from "./claim-input";

/** The claim form read as the routes read it (Conform with ClaimFormSchema), its errors by dotted path. */
function parseClaimForm(entries: [string, string][]) {
  const form = new FormData();
  for (const [name, value] of entries) form.append(name, value);
  const submission = parseForm(form, ClaimFormSchema);
  return submission.status === "success" ? { ok: true as const, value: submission.value.input } : { ok: false as const, errors: claimFieldErrors(submission.error) };
}

const header: [string, string][] = [
  ["purpose", "  Client visit Shanghai "],
  ["companyId", "c1"],
  ["departmentId", "d1"],
];

function line(i: number, fields: Record<string, string | string[]>): [string, string][] {
  return Object.entries(fields).flatMap(([k, v]) =>
    (Array.isArray(v) ? v : [v]).map((x) => [`lines[${i}].${k}`, x] as [string, string]),
  );
}

describe("parseClaimForm", () => {
  it("parses header and lines in index order, dropping blank rows", () => {
    const r = parseClaimForm([
      ...header,
      ...line(3, { spentOn: "2026-11-02", categoryCode: "TAXI", merchant: "滴滴出行", amount: "45.5", currency: "cny", receiptIds: ["r1", "r2", "r1"] }),
      ...line(1, { spentOn: "2026-11-01", categoryCode: "MEAL", merchant: "Starbucks", amount: "1,234.00", currency: "USD", note: "team" }),
      ...line(2, { spentOn: "", merchant: "", amount: "", note: "" }),
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.purpose).toBe("Client visit Shanghai");
    expect(r.value.lines).toEqual([
      { id: undefined, spentOn: "2026-11-01", categoryCode: "MEAL", merchant: "Starbucks", amountMinor: 123400n, currency: "USD", note: "team", receiptIds: [], invoiceKind: "NONE", taxMinor: null, transportMode: null },
      { id: undefined, spentOn: "2026-11-02", categoryCode: "TAXI", merchant: "滴滴出行", amountMinor: 4550n, currency: "CNY", note: "", receiptIds: ["r1", "r2"], invoiceKind: "NONE", taxMinor: null, transportMode: null },
    ]);
  });

  it("reports every malformed field by its position", () => {
    const r = parseClaimForm([
      ["purpose", "x".repeat(501)],
      ["companyId", ""],
      ["departmentId", "d1"],
      ...line(0, { spentOn: "2026-02-30", categoryCode: "", merchant: "m", amount: "12.345", currency: "CNY" }),
      ...line(1, { spentOn: "2026-11-01", categoryCode: "TAXI", merchant: "m", amount: "abc", currency: "XX" }),
      ...line(2, { spentOn: "2026-11-01", categoryCode: "TAXI", merchant: "m", amount: "", currency: "CNY" }),
    ]);
    expect(r).toEqual({
      ok: false,
      errors: {
        purpose: "too_long",
        companyId: "required",
        "lines.0.spentOn": "invalid_date",
        "lines.0.categoryCode": "required",
        "lines.0.amount": "too_many_decimals",
        "lines.1.currency": "invalid_currency",
        "lines.2.amount": "required",
      },
    });
  });

  it("refuses too many lines", () => {
    const many = Array.from({ length: 201 }, (_, i) =>
      line(i, { spentOn: "2026-11-01", categoryCode: "TAXI", merchant: "m", amount: "1", currency: "CNY" }),
    ).flat();
    const r = parseClaimForm([...header, ...many]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.lines).toBe("too_many");
  });

  it("validates ISO dates strictly", () => {
    expect(isValidIsoDate("2026-11-26")).toBe(true);
    expect(isValidIsoDate("2028-02-29")).toBe(true);
    expect(isValidIsoDate("2026-02-29")).toBe(false);
    expect(isValidIsoDate("26-11-2026")).toBe(false);
  });
});

describe("the VAT fields and the project code", () => {
  const base = { spentOn: "2026-11-02", merchant: "m", amount: "1090.00", currency: "CNY" };

  it("reads the invoice kind, the tax printed (line currency) and a ticket's transport mode; the project code is upper-cased", () => {
    const r = parseClaimForm([
      ...header,
      ["projectCode", " prj-2026.01 "],
      ...line(0, { ...base, categoryCode: "HOTEL", invoiceKind: "SPECIAL_VAT", tax: "61.70" }),
      ...line(1, { ...base, categoryCode: "TAXI", invoiceKind: "TRANSPORT_TICKET", transportMode: "road", tax: "" }),
      ...line(2, { ...base, categoryCode: "MEAL", invoiceKind: "ORDINARY_E", transportMode: "AIR" }),
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.projectCode).toBe("PRJ-2026.01");
    expect(r.value.lines.map((l) => [l.invoiceKind, l.taxMinor, l.transportMode])).toEqual([
      ["SPECIAL_VAT", 6170n, null],
      ["TRANSPORT_TICKET", null, "ROAD"],
      // A mode on anything but a ticket is dropped.
      ["ORDINARY_E", null, null],
    ]);
  });

  it("a ticket without a mode takes its category's (air, rail) and is refused otherwise", () => {
    expect(defaultTransportMode("AIR")).toBe("AIR");
    expect(defaultTransportMode("RAIL")).toBe("RAIL");
    expect(defaultTransportMode("TAXI")).toBeNull();
    const r = parseClaimForm([
      ...header,
      ...line(0, { ...base, categoryCode: "AIR", invoiceKind: "TRANSPORT_TICKET" }),
      ...line(1, { ...base, categoryCode: "RAIL", invoiceKind: "TRANSPORT_TICKET" }),
    ]);
    expect(r.ok && r.value.lines.map((l) => l.transportMode)).toEqual(["AIR", "RAIL"]);
    expect(parseClaimForm([...header, ...line(0, { ...base, categoryCode: "TAXI", invoiceKind: "TRANSPORT_TICKET" })])).toEqual({ ok: false, errors: { "lines.0.transportMode": "required" } });
    expect(parseClaimForm([...header, ...line(0, { ...base, categoryCode: "AIR", invoiceKind: "TRANSPORT_TICKET", transportMode: "SPACE" })])).toEqual({
      ok: false,
      errors: { "lines.0.transportMode": "invalid" },
    });
  });

  it("refuses a tax above the amount, a negative or malformed tax, an unknown invoice kind and a bad project code", () => {
    const r = parseClaimForm([
      ...header,
      ["projectCode", "项目 一"],
      ...line(0, { ...base, categoryCode: "HOTEL", invoiceKind: "SPECIAL_VAT", tax: "1090.01" }),
      ...line(1, { ...base, categoryCode: "HOTEL", invoiceKind: "SPECIAL_VAT", tax: "-1" }),
      ...line(2, { ...base, categoryCode: "HOTEL", invoiceKind: "SPECIAL_VAT", tax: "1.234" }),
      ...line(3, { ...base, categoryCode: "HOTEL", invoiceKind: "PAPER" }),
    ]);
    expect(r).toEqual({
      ok: false,
      errors: {
        projectCode: "bad_project_code",
        "lines.0.tax": "tax_over_amount",
        "lines.1.tax": "negative",
        "lines.2.tax": "too_many_decimals",
        "lines.3.invoiceKind": "invalid",
      },
    });
    // The tax may equal the amount; a blank project code is none.
    const ok = parseClaimForm([...header, ["projectCode", ""], ...line(0, { ...base, categoryCode: "HOTEL", invoiceKind: "SPECIAL_VAT", tax: "1090" })]);
    expect(ok.ok && [ok.value.projectCode, ok.value.lines[0]!.taxMinor]).toEqual([null, 109000n]);
  });
});

describe("validateForSubmit", () => {
  const ok = { spentOn: "2026-11-01", merchant: "m", amountMinor: 100n, receiptIds: ["r1"] };
  const receipts = [
    { id: "r1", status: "READY" as const },
    { id: "r2", status: "FAILED" as const },
    { id: "r3", status: "PROCESSING" as const },
  ];

  it("accepts a complete claim, with receipts still processing", () => {
    expect(validateForSubmit({ purpose: "p", lines: [ok, { ...ok, receiptIds: ["r3"] }], receipts, today: "2026-11-26" })).toEqual({});
  });

  it("refuses a claim without purpose or lines", () => {
    expect(validateForSubmit({ purpose: " ", lines: [], receipts, today: "2026-11-26" })).toEqual({ purpose: "required", lines: "required" });
  });

  it("refuses non-positive amounts, missing or unreadable receipts, blank merchants, future dates", () => {
    expect(
      validateForSubmit({
        purpose: "p",
        lines: [
          { ...ok, amountMinor: 0n },
          { ...ok, amountMinor: -5n, receiptIds: [] },
          { ...ok, receiptIds: ["r2"] },
          { ...ok, merchant: " ", spentOn: "2026-11-27" },
          { ...ok, receiptIds: ["r2", "r1"] },
        ],
        receipts,
        today: "2026-11-26",
      }),
    ).toEqual({
      "lines.0.amount": "not_positive",
      "lines.1.amount": "not_positive",
      "lines.1.receipts": "required",
      "lines.2.receipts": "unreadable",
      "lines.3.merchant": "required",
      "lines.3.spentOn": "in_future",
    });
  });

  it("does not count a receipt id that is not on the claim", () => {
    expect(validateForSubmit({ purpose: "p", lines: [{ ...ok, receiptIds: ["elsewhere"] }], receipts, today: "2026-11-26" })).toEqual({
      "lines.0.receipts": "unreadable",
    });
  });
});

describe("checkClaimOrg", () => {
  const choices = [
    { companyId: "co-hq", departmentId: "dep-sales" },
    { companyId: "co-sz", departmentId: "dep-sz-rd" },
  ];
  it("accepts the profile's department and further memberships, each with its own company", () => {
    expect(checkClaimOrg(choices, { companyId: "co-hq", departmentId: "dep-sales" })).toEqual({});
    expect(checkClaimOrg(choices, { companyId: "co-sz", departmentId: "dep-sz-rd" })).toEqual({});
  });
  it("refuses any other department, and a membership paired with the wrong company", () => {
    expect(checkClaimOrg(choices, { companyId: "co-hq", departmentId: "dep-finance" })).toEqual({ departmentId: "not_yours" });
    expect(checkClaimOrg(choices, { companyId: "co-hk", departmentId: "dep-hk-ops" })).toEqual({ departmentId: "not_yours" });
    expect(checkClaimOrg(choices, { companyId: "co-hq", departmentId: "dep-sz-rd" })).toEqual({ departmentId: "not_in_company" });
    expect(checkClaimOrg([], { companyId: "co-hq", departmentId: "dep-sales" })).toEqual({ departmentId: "not_yours" });
  });
});

describe("budgetExceededCells", () => {
  it("keeps the refusal's well-formed cells and drops anything else", async () => {
    const { budgetExceededCells } = await import("./claim-input");
    const good = { cellId: "c1", period: "2026-12", departmentId: "d1", categoryCode: null, currency: "CNY", budgetMinor: "100000", consumedMinor: "90000", reservedMinor: "5000", requestedMinor: "20000", limitMinor: "110000" };
    expect(budgetExceededCells({ cells: [good, { ...good, budgetMinor: "1e5" }, { ...good, currency: "cny" }, null, "x"] })).toEqual([good]);
    expect(budgetExceededCells({ cells: [{ ...good, categoryCode: "MEAL", budgetMinor: 5n }] })).toEqual([{ ...good, categoryCode: "MEAL", budgetMinor: "5" }]);
    expect(budgetExceededCells({})).toEqual([]);
  });
});
