import { describe, expect, it } from "vitest";
import { convert, type RateLookup } from "./money";
import { mulberry32 } from "./seeded-random";
import {
  bookingDate,
  buildClaimVoucher,
  buildPaymentVoucher,
  buildReversal,
  claimSourceKey,
  dateInZone,
  isBalanced,
  type ClaimLineFacts,
  type ClaimVoucherFacts,
  type LedgerMappings,
  type PostedVoucher,
  type VoucherDraft,
} from "./voucher";

const CATEGORIES = ["AIR", "RAIL", "TAXI", "HOTEL", "MEAL", "ENTERTAIN", "OFFICE", "COMM", "TRAINING", "OTHER"];
const mappings: LedgerMappings = {
  expense: [
    ...CATEGORIES.map((c, i) => ({ categoryCode: c, departmentId: null, accountCode: `6602.${String(i + 1).padStart(2, "0")}` })),
    { categoryCode: "ENTERTAIN", departmentId: "dep-sales", accountCode: "6601.02" },
  ],
  inputVat: "22210101",
  employeePayable: "224101",
  bankClearing: [{ payerAccountId: "payer-1", accountCode: "100201" }],
};
const RATES: Record<string, string> = { USD: "7.1234", HKD: "0.9132", JPY: "0.047861", EUR: "7.7" };
const rateFor: RateLookup = (from, to) => (to === "CNY" ? RATES[from] : undefined);

function line(over: Partial<ClaimLineFacts> = {}): ClaimLineFacts {
  return {
    id: "l1",
    position: 1,
    categoryCode: "OFFICE",
    categoryNameZh: "办公用品",
    amountMinor: 11_300n,
    approvedMinor: null,
    currency: "CNY",
    spentOn: "2026-11-20",
    invoiceKind: "SPECIAL_VAT",
    taxMinor: 1_300n,
    transportMode: null,
    ...over,
  };
}

function facts(over: Partial<ClaimVoucherFacts> = {}): ClaimVoucherFacts {
  return {
    claimId: "c1",
    claimNumber: "EC-2026-000123",
    claimantId: "u1",
    claimantName: "王小明",
    departmentId: "dep-sales",
    purpose: "上海客户拜访",
    projectCode: "P-42",
    companyId: "co-1",
    companyCurrency: "CNY",
    receiptCount: 3,
    approvedAt: new Date("2026-12-04T17:30:00Z"), // 01:30 on 5 December in Shanghai
    timeZone: "Asia/Shanghai",
    closedPeriods: new Set(),
    lines: [line()],
    mappings,
    rateFor,
    sourceKey: "claim:c1",
    ...over,
  };
}

function draftOf(r: ReturnType<typeof buildClaimVoucher>): VoucherDraft {
  if (!r.ok) throw new Error(`not built: ${JSON.stringify(r, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`);
  return r.draft;
}

describe("buildClaimVoucher", () => {
  it("debits the expense net of deductible VAT, the VAT on its own line, credits the payable", () => {
    const d = draftOf(buildClaimVoucher(facts()));
    expect(d.date).toBe("2026-12-05");
    expect(d.period).toBe("2026-12");
    expect(d.description).toBe("报销 EC-2026-000123 王小明 上海客户拜访");
    expect(d.attachmentCount).toBe(3);
    expect(d.totalMinor).toBe(11_300n);
    expect(d.lines.map((l) => [l.position, l.accountCode, l.debitMinor, l.creditMinor])).toEqual([
      [1, "6602.07", 10_000n, 0n],
      [2, "22210101", 1_300n, 0n],
      [3, "224101", 0n, 11_300n],
    ]);
    for (const l of d.lines) expect([l.departmentId, l.employeeId, l.projectCode]).toEqual(["dep-sales", "u1", "P-42"]);
    expect(isBalanced(d)).toBe(true);
  });

  it("takes the department's own expense mapping over the company's", () => {
    const d = draftOf(buildClaimVoucher(facts({ lines: [line({ categoryCode: "ENTERTAIN", invoiceKind: "SPECIAL_VAT" })] })));
    expect(d.lines.map((l) => l.accountCode)).toEqual(["6601.02", "224101"]);
    // Entertainment deducts no VAT: the whole amount is expense.
    expect(d.lines[0]!.debitMinor).toBe(11_300n);
  });

  it("converts a foreign line at the spent-on rate, half-even, and keeps its original amount and rate", () => {
    const d = draftOf(buildClaimVoucher(facts({ lines: [line({ currency: "USD", amountMinor: 12_345n, taxMinor: null, invoiceKind: "NONE" })] })));
    // 123.45 × 7.1234 = 879.383... → 879.38
    expect(d.lines[0]).toMatchObject({ debitMinor: 87_938n, currency: "USD", originalMinor: 12_345n, rate: "7.1234" });
    expect(d.totalMinor).toBe(87_938n);
  });

  it("uses the approved amount when less was approved, and skips lines approved at zero", () => {
    const d = draftOf(
      buildClaimVoucher(
        facts({
          lines: [line({ approvedMinor: 5_650n }), line({ id: "l2", position: 2, categoryCode: "TAXI", categoryNameZh: "出租车", amountMinor: 4_000n, approvedMinor: 0n })],
        }),
      ),
    );
    expect(d.lines.map((l) => [l.accountCode, l.debitMinor, l.creditMinor])).toEqual([
      ["6602.07", 5_000n, 0n],
      ["22210101", 650n, 0n],
      ["224101", 0n, 5_650n],
    ]);
  });

  it("refuses, listing every missing mapping and rate", () => {
    const r = buildClaimVoucher(
      facts({
        mappings: { ...mappings, expense: [], inputVat: null, employeePayable: null },
        lines: [line(), line({ id: "l2", position: 2, currency: "GBP", invoiceKind: "NONE", taxMinor: null })],
      }),
    );
    expect(r.ok).toBe(false);
    expect("missing" in r && r.missing).toEqual([
      { kind: "mapping", purpose: "EXPENSE", categoryCode: "OFFICE", departmentId: "dep-sales" },
      { kind: "mapping", purpose: "INPUT_VAT" },
      { kind: "rate", currency: "GBP", to: "CNY", onDate: "2026-11-20" },
      { kind: "mapping", purpose: "EMPLOYEE_PAYABLE" },
    ]);
  });

  it("skips a claim with nothing approved", () => {
    expect(buildClaimVoucher(facts({ lines: [line({ approvedMinor: 0n })] }))).toEqual({ ok: false, skip: "nothing_approved" });
  });

  it("books an approval in a closed month on the first day of the next open month", () => {
    const d = draftOf(buildClaimVoucher(facts({ closedPeriods: new Set(["2026-12", "2027-01"]) })));
    expect(d.date).toBe("2027-02-01");
    expect(d.period).toBe("2027-02");
  });

  it("shortens a long description", () => {
    const d = draftOf(buildClaimVoucher(facts({ purpose: "很长的出差目的".repeat(20) })));
    expect([...d.description].length).toBe(60);
    expect(d.description.endsWith("…")).toBe(true);
  });

  it("property: random claims always balance and the payable is the approved company total", () => {
    const rnd = mulberry32(20261205);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const kinds = ["SPECIAL_VAT", "ORDINARY_E", "TRANSPORT_TICKET", "NONE"];
    const modes = [null, "AIR", "RAIL", "ROAD", "WATER"];
    for (let i = 0; i < 500; i += 1) {
      const n = 1 + Math.floor(rnd() * 8);
      const lines: ClaimLineFacts[] = [];
      for (let p = 0; p < n; p += 1) {
        const currency = rnd() < 0.7 ? "CNY" : pick(Object.keys(RATES));
        const amount = BigInt(1 + Math.floor(rnd() * 5_000_000));
        const approved = rnd() < 0.3 ? BigInt(Math.floor(rnd() * Number(amount + 1n))) : null;
        const tax = rnd() < 0.6 ? BigInt(Math.floor(rnd() * Number(amount) * 0.2)) : null;
        lines.push(
          line({ id: `l${p}`, position: p, categoryCode: pick(CATEGORIES), amountMinor: amount, approvedMinor: approved, currency, invoiceKind: pick(kinds), taxMinor: tax, transportMode: pick(modes) }),
        );
      }
      const company = convertTotal(lines);
      const r = buildClaimVoucher(facts({ lines }));
      if (company === 0n) {
        expect(r).toEqual({ ok: false, skip: "nothing_approved" });
        continue;
      }
      const d = draftOf(r);
      expect(isBalanced(d)).toBe(true);
      expect(d.totalMinor).toBe(company);
      const payable = d.lines.filter((l) => l.accountCode === "224101");
      expect(payable).toHaveLength(1);
      expect(payable[0]!.creditMinor).toBe(company);
      for (const l of d.lines) {
        expect(l.debitMinor).toBeGreaterThanOrEqual(0n);
        expect(l.debitMinor === 0n || l.creditMinor === 0n).toBe(true);
      }
      expect(d.lines.map((l) => l.position)).toEqual(d.lines.map((_, k) => k + 1));
      // Reversing it negates every amount exactly and still balances.
      const posted: PostedVoucher = { id: "v1", companyId: d.companyId, period: d.period, number: 7, kind: "CLAIM", currency: d.currency, totalMinor: d.totalMinor, claimId: d.claimId, paymentId: null, lines: d.lines };
      const red = buildReversal(posted, { date: "2026-12-20", closedPeriods: new Set(), reason: "科目错误" });
      expect(isBalanced(red)).toBe(true);
      expect(red.lines.map((l) => [l.accountCode, -l.debitMinor, -l.creditMinor, -l.originalMinor])).toEqual(d.lines.map((l) => [l.accountCode, l.debitMinor, l.creditMinor, l.originalMinor]));
    }
  });
});

function convertTotal(lines: readonly ClaimLineFacts[]): bigint {
  return lines.reduce((s, l) => {
    const approved = l.approvedMinor ?? l.amountMinor;
    if (approved <= 0n) return s;
    return s + convert({ minor: approved, currency: l.currency }, "CNY", l.currency === "CNY" ? "1" : rateFor(l.currency, "CNY", l.spentOn)!).minor;
  }, 0n);
}

describe("buildPaymentVoucher", () => {
  const base = {
    paymentId: "p1",
    claimId: "c1",
    claimNumber: "EC-1",
    claimantId: "u1",
    claimantName: "王小明",
    amountMinor: 11_300n,
    currency: "CNY",
    companyId: "co-1",
    companyCurrency: "CNY",
    payerAccountId: "payer-1",
    paidAt: new Date("2026-12-07T02:00:00Z"),
    timeZone: "Asia/Shanghai",
    closedPeriods: new Set<string>(),
    mappings,
    rateFor,
  };

  it("clears the payable against the payer account's bank clearing account", () => {
    const r = buildPaymentVoucher(base);
    if (!r.ok) throw new Error("not built");
    expect(r.draft).toMatchObject({ kind: "PAYMENT", date: "2026-12-07", sourceKey: "payment:p1", totalMinor: 11_300n, paymentId: "p1" });
    expect(r.draft.lines.map((l) => [l.accountCode, l.debitMinor, l.creditMinor, l.employeeId])).toEqual([
      ["224101", 11_300n, 0n, "u1"],
      ["100201", 0n, 11_300n, "u1"],
    ]);
    expect(isBalanced(r.draft)).toBe(true);
  });

  it("refuses without a bank clearing mapping for the payer account", () => {
    expect(buildPaymentVoucher({ ...base, payerAccountId: "payer-2" })).toEqual({ ok: false, missing: [{ kind: "mapping", purpose: "BANK_CLEARING", payerAccountId: "payer-2" }] });
  });
});

describe("buildReversal", () => {
  it("negates every line, points at the original and books into the open period", () => {
    const d = draftOf(buildClaimVoucher(facts()));
    const posted: PostedVoucher = { id: "v9", companyId: "co-1", period: "2026-12", number: 12, kind: "CLAIM", currency: "CNY", totalMinor: d.totalMinor, claimId: "c1", paymentId: null, lines: d.lines };
    const red = buildReversal(posted, { date: "2026-12-31", closedPeriods: new Set(["2026-12"]), reason: "部门错误" });
    expect(red).toMatchObject({ kind: "REVERSAL", reversesId: "v9", sourceKey: "reversal:v9", date: "2027-01-01", period: "2027-01", totalMinor: -11_300n, description: "冲销 2026-12 记-12 部门错误" });
    expect(red.lines.map((l) => [l.accountCode, l.debitMinor, l.creditMinor])).toEqual([
      ["6602.07", -10_000n, 0n],
      ["22210101", -1_300n, 0n],
      ["224101", 0n, -11_300n],
    ]);
  });
});

describe("dates and keys", () => {
  it("takes the calendar date in the SSC's time zone", () => {
    expect(dateInZone(new Date("2026-12-31T15:59:59Z"), "Asia/Shanghai")).toBe("2026-12-31");
    expect(dateInZone(new Date("2026-12-31T16:00:00Z"), "Asia/Shanghai")).toBe("2027-01-01");
  });
  it("moves past closed months only", () => {
    expect(bookingDate("2026-11-30", new Set(["2026-10"]))).toBe("2026-11-30");
    expect(bookingDate("2026-12-15", new Set(["2026-12"]))).toBe("2027-01-01");
  });
  it("numbers a claim's re-posts", () => {
    expect(claimSourceKey("c1", 1)).toBe("claim:c1");
    expect(claimSourceKey("c1", 3)).toBe("claim:c1#3");
  });
});
