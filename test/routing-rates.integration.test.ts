import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOBS } from "~/domain/jobs";
import { forgetRoutingConfig, runRouteClaim, runRouteClaims, type RouteClaimPayload } from "~/jobs/route-claim";
import { rateLookupFor, rateLookupsFor, type RateNeed } from "~/models/exchange-rate.server";
import { prisma } from "~/utils/db.server";
import { createClaim, createCompany, createDepartment, createUser, statementsDuring } from "./helpers";

/**
 * Exchange rates read once per routing batch (not once per claim), chosen by the same rule as
 * rateLookupFor: the latest rate on or before the line's date; a line without one is left out.
 */

// Rates of early March 2019 (Friday 1st, Monday 4th, Friday 8th); no other test uses these dates, and they go again afterwards.
const RATES = [
  { base: "USD", quote: "CNY", validOn: "2019-03-01", rate: "7.0" },
  { base: "USD", quote: "CNY", validOn: "2019-03-04", rate: "7.1" },
  { base: "USD", quote: "CNY", validOn: "2019-03-08", rate: "7.2" },
  { base: "EUR", quote: "CNY", validOn: "2019-03-01", rate: "7.5" },
  { base: "JPY", quote: "CNY", validOn: "2019-03-04", rate: "0.06" },
  { base: "CHF", quote: "CNY", validOn: "2019-03-05", rate: "6.9" }, // after the CHF line's date: no rate for it
  { base: "USD", quote: "HKD", validOn: "2019-03-01", rate: "7.8" },
];

/** Statements sent to Postgres that read exchange_rate, counted at the driver while `run` runs. */
async function rateQueriesDuring<T>(run: () => Promise<T>): Promise<{ result: T; rateQueries: number }> {
  const { result, statements } = await statementsDuring(run);
  return { result, rateQueries: statements.filter((text) => text.includes('"exchange_rate"')).length };
}

beforeAll(async () => {
  for (const r of RATES) {
    const validOn = new Date(`${r.validOn}T00:00:00Z`);
    await prisma.exchangeRate.upsert({
      where: { base_quote_validOn: { base: r.base, quote: r.quote, validOn } },
      update: { rate: r.rate },
      create: { base: r.base, quote: r.quote, validOn, rate: r.rate },
    });
  }
});

// Other files expect no rate for these currencies (a JPY line "without a rate", say): take ours away.
afterAll(async () => {
  await prisma.exchangeRate.deleteMany({ where: { OR: RATES.map((r) => ({ base: r.base, quote: r.quote, validOn: new Date(`${r.validOn}T00:00:00Z`) })) } });
});

describe("rateLookupsFor: many needs, one query", () => {
  const needs: RateNeed[] = [
    { to: "CNY", items: [{ currency: "USD", onDate: "2019-03-06" }, { currency: "CNY", onDate: "2019-03-09" }] },
    { to: "CNY", items: [{ currency: "EUR", onDate: "2019-03-02" }, { currency: "JPY", onDate: "2019-03-04" }] },
    { to: "CNY", items: [{ currency: "CHF", onDate: "2019-03-02" }, { currency: "CNY", onDate: "2019-03-02" }] },
    { to: "HKD", items: [{ currency: "USD", onDate: "2019-03-04" }] },
    { to: "CNY", items: [{ currency: "CNY", onDate: "2019-03-04" }] },
    { to: "CNY", items: [{ currency: "USD", onDate: "2019-03-05" }] }, // its rows end on the 5th: the 8th's rate is not its to give
    { to: "CNY", items: [] },
  ];
  const currencies = ["USD", "EUR", "JPY", "CHF", "CNY", "HKD"];
  const days = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2019, 1, 27 + i)).toISOString().slice(0, 10)); // Feb 27th – Mar 10th

  it("answers every question as rateLookupFor of each need alone would, from one statement", async () => {
    const { result: batch, rateQueries } = await rateQueriesDuring(() => rateLookupsFor(needs));
    expect(rateQueries).toBe(1);
    const alone = await rateQueriesDuring(() => Promise.all(needs.map((n) => rateLookupFor(n.items, n.to))));
    expect(alone.rateQueries).toBe(5); // the two needs without a foreign currency read nothing

    needs.forEach((need, i) => {
      for (const from of currencies) {
        for (const to of ["CNY", "HKD"]) {
          for (const day of days) expect(batch[i]!(from, to, day), `need ${i}: ${from}→${to} on ${day}`).toBe(alone.result[i]!(from, to, day));
        }
      }
    });

    // The rule itself: the latest rate on or before the date, never a later one; none before the first.
    expect(batch[0]!("USD", "CNY", "2019-03-06")).toBe("7.1");
    expect(batch[0]!("USD", "CNY", "2019-03-09")).toBe("7.2");
    expect(batch[0]!("USD", "CNY", "2019-02-28")).toBeUndefined();
    expect(batch[1]!("EUR", "CNY", "2019-03-02")).toBe("7.5");
    expect(batch[2]!("CHF", "CNY", "2019-03-02")).toBeUndefined();
    expect(batch[3]!("USD", "HKD", "2019-03-04")).toBe("7.8");
    expect(batch[3]!("USD", "CNY", "2019-03-04")).toBeUndefined(); // another target than the need's
    expect(batch[5]!("USD", "CNY", "2019-03-09")).toBe("7.1");
  });

  it("reads nothing when no need has a foreign currency", async () => {
    const { result, rateQueries } = await rateQueriesDuring(() => rateLookupsFor([{ to: "CNY", items: [{ currency: "CNY", onDate: "2019-03-04" }] }]));
    expect(rateQueries).toBe(0);
    expect(result[0]!("USD", "CNY", "2019-03-04")).toBeUndefined();
  });
});

describe("routing a batch of foreign-currency claims", () => {
  let fallback: string;
  let exact: string;

  beforeAll(async () => {
    await prisma.expenseCategory.upsert({ where: { code: "MEAL" }, update: {}, create: { code: "MEAL", name: "MEAL", nameZh: "餐费" } });
    await prisma.routingRule.deleteMany({});
    await prisma.processingGroup.updateMany({ data: { isDefault: false } });
    const group = (name: string, isDefault: boolean) =>
      prisma.processingGroup.create({ data: { id: randomUUID(), code: `R${randomUUID().slice(0, 6)}`, name, nameZh: name, isDefault } });
    fallback = (await group("Rates default", true)).id;
    exact = (await group("Rates exact total", false)).id;
    forgetRoutingConfig();
  });

  type Line = [minor: number, currency: string, spentOn: string];

  /**
   * A department whose claims go to the "exact" group only when their company-currency total is
   * exactly `total` (a band [total, total + 1)): the group a claim lands in shows its total.
   */
  async function department(currency: string, total: bigint) {
    const company = await createCompany({ currency });
    const dept = await createDepartment(company.id);
    const user = await createUser({ companyId: company.id, departmentId: dept.id });
    await prisma.routingRule.create({
      data: {
        id: randomUUID(),
        position: 1,
        name: `Exactly ${total} ${currency}`,
        groupId: exact,
        conditions: { departmentIds: [dept.id], totalCurrency: currency, minTotalMinor: String(total), maxTotalMinor: String(total + 1n) },
      },
    });
    return user;
  }

  /** A manager-approved claim with `lines`, its approval event and its routing job. */
  async function approved(user: { id: string; companyId: string; departmentId: string }, lines: Line[]): Promise<RouteClaimPayload> {
    const claim = await createClaim(user, { status: "MANAGER_APPROVED", version: 2 });
    await prisma.claimLine.createMany({
      data: lines.map(([minor, currency, spentOn], position) => ({
        id: randomUUID(),
        claimId: claim.id,
        position,
        spentOn: new Date(`${spentOn}T00:00:00Z`),
        categoryCode: "MEAL",
        merchant: "商户",
        amountMinor: BigInt(minor),
        currency,
      })),
    });
    await prisma.auditEvent.create({ data: { claimId: claim.id, type: "claim.manager_approved", fromStatus: "SUBMITTED", toStatus: "MANAGER_APPROVED" } });
    const payload = { claimId: claim.id, version: 2 };
    await prisma.outboxEvent.create({ data: { queue: JOBS.routeClaim.queue, jobName: JOBS.routeClaim.name, jobKey: JOBS.routeClaim.key(payload), payload } });
    return payload;
  }

  it("gets each claim the figures it gets routed alone, with one rate query for the whole batch", async () => {
    // [company currency, lines, the total in company currency those rates give]
    const cases: [string, Line[], bigint][] = [
      ["CNY", [[10_000, "USD", "2019-03-06"], [5_000, "CNY", "2019-03-09"]], 71_000n + 5_000n], // USD at the 4th's 7.1, not the 8th's 7.2
      ["CNY", [[2_000, "EUR", "2019-03-02"], [1_000, "JPY", "2019-03-04"]], 15_000n + 6_000n], // a Saturday: Friday's EUR rate
      ["CNY", [[3_000, "CHF", "2019-03-02"], [1_234, "CNY", "2019-03-02"]], 1_234n], // no CHF rate yet: the line is left out
      ["HKD", [[1_000, "USD", "2019-03-04"]], 7_800n], // another company currency
      ["CNY", [[500, "USD", "2019-02-28"], [100, "EUR", "2019-03-01"]], 750n], // before the first USD rate
      ["CNY", [[8_800, "CNY", "2019-03-04"]], 8_800n], // no foreign line
      ["CNY", [[700_000, "USD", "2019-03-08"], [20_000, "EUR", "2019-03-08"]], 5_040_000n + 150_000n], // high value
    ];
    const users = [];
    for (const [currency, , total] of cases) users.push(await department(currency, total));
    forgetRoutingConfig();
    // The same claims twice: one copy routed in one batch, the other claim by claim.
    const batch: RouteClaimPayload[] = [];
    const alone: RouteClaimPayload[] = [];
    for (const [i, [, lines]] of cases.entries()) {
      batch.push(await approved(users[i]!, lines));
      alone.push(await approved(users[i]!, lines));
    }

    const batched = await rateQueriesDuring(() => runRouteClaims(batch));
    expect(batched.result.map((o) => o.outcome)).toEqual(Array(cases.length).fill("routed"));
    expect(batched.rateQueries).toBe(1);

    const oneByOne = await rateQueriesDuring(async () => {
      const outcomes = [];
      for (const p of alone) outcomes.push(await runRouteClaim(p));
      return outcomes;
    });
    expect(oneByOne.result.map((o) => o.outcome)).toEqual(Array(cases.length).fill("routed"));
    expect(oneByOne.rateQueries).toBe(cases.length - 1); // every claim with a foreign line reads its own

    const tasks = await prisma.task.findMany({ where: { claimId: { in: [...batch, ...alone].map((p) => p.claimId) }, type: "REVIEW" } });
    const taskOf = (p: RouteClaimPayload) => tasks.find((t) => t.claimId === p.claimId)!;
    const figures = (p: RouteClaimPayload) => ({ groupId: taskOf(p).groupId, priority: taskOf(p).priority, complexity: taskOf(p).complexity, slaMinutes: taskOf(p).slaMinutes });
    for (const i of cases.keys()) {
      expect(figures(batch[i]!), `case ${i}`).toEqual(figures(alone[i]!));
      expect(taskOf(batch[i]!).groupId, `case ${i}: total ${cases[i]![2]}`).toBe(exact);
    }
    expect(taskOf(batch[6]!).priority).toBeGreaterThan(taskOf(batch[0]!).priority); // 51,900 CNY: high value
    expect(tasks.some((t) => t.groupId === fallback)).toBe(false);
  });

  it("a batch of claims without foreign lines, or with nothing to route, reads no rates", async () => {
    const user = await department("CNY", 1n);
    const claims = [await approved(user, [[100, "CNY", "2019-03-04"]]), await approved(user, [[200, "CNY", "2019-03-04"]])];
    const first = await rateQueriesDuring(() => runRouteClaims(claims));
    expect(first.result.map((o) => o.outcome)).toEqual(["routed", "routed"]);
    expect(first.rateQueries).toBe(0);
    const again = await rateQueriesDuring(() => runRouteClaims(claims));
    expect(again.result.map((o) => o.outcome)).toEqual(["skipped", "skipped"]);
    expect(again.rateQueries).toBe(0);
  });
});
