/**
 * Staffing against the real Postgres: arrivals, handling times, members and the measured service level
 * come from task rows over working time, and the Erlang C answer follows from them. Every test makes
 * its own groups and puts its tasks in March 2026, so other tests' rows never fall in its window.
 */
import { randomUUID } from "node:crypto";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { erlangC, serversNeeded, serviceLevel } from "~/domain/erlang-c";
import { DEFAULT_CALENDAR } from "~/domain/work-calendar";
import type { User } from "~/generated/prisma/client";
import { staffingReport, staffingWindow } from "~/models/staffing.server";
import { loader as staffingLoader } from "~/routes/staffing";
import { prisma } from "~/utils/db.server";
import { createClaim, createCompany, createDepartment, createGroup, createUser, sessionCookie } from "./helpers";

/** A Shanghai wall-clock time as the instant it is. */
const sh = (local: string) => DateTime.fromISO(local, { zone: "Asia/Shanghai" }).toJSDate();

async function setup() {
  const company = await createCompany(); // calendar null → the default Shanghai calendar
  const department = await createDepartment(company.id);
  const org = { companyId: company.id, departmentId: department.id };
  const claimant = await createUser(org);
  return { company, org, claimant };
}

/** One review task in `groupId` with the given times (its claim is a bare claim of `claimant`). */
async function reviewTask(
  claimant: User,
  groupId: string,
  t: { createdAt: Date; startedAt?: Date; finishedAt?: Date; slaDueAt?: Date },
): Promise<void> {
  const claim = await createClaim(claimant, { status: t.finishedAt ? "APPROVED" : t.startedAt ? "IN_REVIEW" : "MANAGER_APPROVED", groupId });
  await prisma.task.create({
    data: {
      id: randomUUID(),
      claimId: claim.id,
      type: "REVIEW",
      groupId,
      claimVersion: 3,
      status: t.finishedAt ? "DONE" : t.startedAt ? "IN_PROGRESS" : "OPEN",
      outcome: t.finishedAt ? "approved" : null,
      createdAt: t.createdAt,
      startedAt: t.startedAt ?? null,
      finishedAt: t.finishedAt ?? null,
      slaMinutes: 480,
      slaDueAt: t.slaDueAt ?? null,
    },
  });
}

describe("staffingWindow", () => {
  it("counts back working days over a weekend and divides by working hours only", () => {
    // Monday 9 March 2026, 10:00: the last two working days are Friday 6 and Monday 9 March.
    const w = staffingWindow(sh("2026-03-09T10:00"), 2, DEFAULT_CALENDAR);
    expect(w.from).toEqual(sh("2026-03-06T00:00"));
    expect(w.workingDays).toBe(2);
    expect(w.workingHours).toBeCloseTo(8 + 1, 9); // all of Friday (09–12, 13–18) and Monday 09–10
  });
  it("skips public holidays (National Day week)", () => {
    const w = staffingWindow(sh("2026-10-08T12:00"), 2, DEFAULT_CALENDAR);
    expect(w.from).toEqual(sh("2026-09-30T00:00"));
    expect(w.workingHours).toBeCloseTo(8 + 3, 9);
  });
});

describe("staffingReport", () => {
  it("measures arrivals, handling times, members and the SLA record, and sizes the group with Erlang C", async () => {
    const { company, org, claimant } = await setup();
    const busy = await createGroup({ slaMinutes: 480 });
    const waiting = await createGroup({ slaMinutes: 480 });
    const quiet = await createGroup({ slaMinutes: 960 });
    // Members: one active accountant counts; an inactive one and a non-accountant member do not.
    const acct = await createUser(org, { roles: ["EMPLOYEE", "ACCOUNTANT"] });
    const gone = await createUser(org, { roles: ["EMPLOYEE", "ACCOUNTANT"], active: false });
    const clerk = await createUser(org, { roles: ["EMPLOYEE"] });
    await prisma.groupMember.createMany({ data: [acct, gone, clerk].map((u) => ({ groupId: busy, userId: u.id })) });
    await prisma.groupMember.create({ data: { groupId: quiet, userId: acct.id } });

    // Wednesday 11 March 2026 18:00, one working day back: 00:00–18:00 holds 8 working hours.
    const now = sh("2026-03-11T18:00");
    // Busy: 16 arrivals today (2 per working hour); 4 reviewed today in 30 min each; one more arrived
    // yesterday, was taken at 17:30 and decided today at 09:30 — 60 working minutes, not 16 hours.
    for (let i = 0; i < 12; i++) await reviewTask(claimant, busy, { createdAt: sh("2026-03-11T10:00") });
    for (let i = 0; i < 4; i++) {
      await reviewTask(claimant, busy, {
        createdAt: sh("2026-03-11T09:00"),
        startedAt: sh(`2026-03-11T1${i}:00`),
        finishedAt: sh(`2026-03-11T1${i}:30`),
        // Three taken before their due time, one after.
        slaDueAt: i < 3 ? sh("2026-03-11T17:00") : sh("2026-03-11T12:00"),
      });
    }
    await reviewTask(claimant, busy, { createdAt: sh("2026-03-10T09:00"), startedAt: sh("2026-03-10T17:30"), finishedAt: sh("2026-03-11T09:30") });
    // Waiting: work arrived, none finished yet. Quiet: nothing at all (and one old task outside the window).
    await reviewTask(claimant, waiting, { createdAt: sh("2026-03-11T11:00") });
    await reviewTask(claimant, quiet, { createdAt: sh("2026-03-02T11:00"), startedAt: sh("2026-03-02T11:10"), finishedAt: sh("2026-03-02T11:20") });

    const report = await staffingReport({ now, days: 1, goal: 0.8, calendarCompanyId: company.id });
    expect(report.window.workingHours).toBeCloseTo(8, 9);
    const byId = new Map(report.groups.map((g) => [g.id, g]));

    const b = byId.get(busy)!;
    expect(b.measured).toEqual({ arrivals: 16, handled: 5, handlingMinutes: 4 * 30 + 60, started: 4, startedWithinSla: 3, members: 1, slaMinutes: 480 });
    expect(b.observedServiceLevel).toBeCloseTo(0.75, 9);
    expect(b.assessment.state).toBe("ok");
    if (b.assessment.state !== "ok") throw new Error("unreachable");
    // λ = 2 per hour, AHT = 36 min → A = 1.2 erlangs: one accountant can never keep up, two are plenty.
    expect(b.assessment.arrivalsPerHour).toBeCloseTo(2, 9);
    expect(b.assessment.ahtMinutes).toBeCloseTo(36, 9);
    expect(b.assessment.traffic).toBeCloseTo(1.2, 9);
    expect(b.assessment.needed).toBe(serversNeeded({ traffic: 1.2, aht: 36, t: 480, goal: 0.8 }));
    expect(b.assessment.needed).toBe(2);
    expect(b.assessment.gap).toBe(-1);
    expect(b.assessment.currentFigures).toMatchObject({ servers: 1, stable: false, serviceLevel: 0 });
    expect(b.assessment.neededFigures.probabilityOfWaiting).toBeCloseTo(erlangC(2, 1.2), 12);
    expect(b.assessment.neededFigures.serviceLevel).toBeCloseTo(serviceLevel(2, 1.2, 36, 480), 12);

    expect(byId.get(waiting)!.assessment).toEqual({ state: "no_handling", arrivalsPerHour: 1 / 8, ahtMinutes: null });
    expect(byId.get(waiting)!.observedServiceLevel).toBeNull();
    expect(byId.get(quiet)!.assessment).toEqual({ state: "no_arrivals", arrivalsPerHour: 0, ahtMinutes: null });
    expect(byId.get(quiet)!.measured.members).toBe(1);
  });

  it("follows the goal: a stricter goal never needs fewer accountants", async () => {
    const { company, claimant } = await setup();
    const group = await createGroup({ slaMinutes: 30 }); // a tight 30-minute SLA makes the goal matter
    const now = sh("2026-03-12T18:00");
    for (let i = 0; i < 40; i++) {
      await reviewTask(claimant, group, { createdAt: sh("2026-03-12T09:30"), startedAt: sh("2026-03-12T10:00"), finishedAt: sh("2026-03-12T10:20") });
    }
    const needed = async (goal: number) => {
      const r = await staffingReport({ now, days: 1, goal, calendarCompanyId: company.id });
      const a = r.groups.find((g) => g.id === group)!.assessment;
      if (a.state !== "ok") throw new Error(`expected an estimate, got ${a.state}`);
      return a.needed;
    };
    // 40 tasks in 8 h, 20 min each → A = 5/3 erlangs.
    expect(await needed(0.5)).toBe(serversNeeded({ traffic: 5 / 3, aht: 20, t: 30, goal: 0.5 }));
    expect(await needed(0.99)).toBe(serversNeeded({ traffic: 5 / 3, aht: 20, t: 30, goal: 0.99 }));
    expect(await needed(0.99)).toBeGreaterThan(await needed(0.5));
  });

  it("refuses a goal outside 50–99%", async () => {
    const { company } = await setup();
    await expect(staffingReport({ goal: 1, calendarCompanyId: company.id })).rejects.toThrow(RangeError);
    await expect(staffingReport({ goal: 0.2, calendarCompanyId: company.id })).rejects.toThrow(RangeError);
  });
});

describe("/staffing route", () => {
  async function get(user: User, query = ""): Promise<Response | Awaited<ReturnType<typeof staffingLoader>>> {
    const cookie = await sessionCookie(user.id);
    const args: LoaderFunctionArgs = { request: new Request(`http://localhost/staffing${query}`, { headers: { Cookie: cookie } }), params: {}, context: {} };
    try {
      return await staffingLoader(args);
    } catch (thrown) {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    }
  }

  it("is for supervisors and admins; employees, accountants and managers get 403", async () => {
    const { org } = await setup();
    for (const roles of [["EMPLOYEE"], ["EMPLOYEE", "ACCOUNTANT"], ["EMPLOYEE", "MANAGER"]] as const) {
      const user = await createUser(org, { roles: [...roles] });
      expect(((await get(user)) as Response).status).toBe(403);
    }
    const supervisor = await createUser(org, { roles: ["EMPLOYEE", "SUPERVISOR"] });
    const admin = await createUser(org, { roles: ["EMPLOYEE", "ADMIN"] });
    expect(await get(supervisor)).toMatchObject({ goalPercent: 80, days: 10, errors: { goal: null, days: null } });
    expect(await get(admin, "?goal=90&days=5")).toMatchObject({ goalPercent: 90, days: 5 });
  });

  it("reports a bad goal or window back and falls back to the defaults", async () => {
    const { org } = await setup();
    const supervisor = await createUser(org, { roles: ["EMPLOYEE", "SUPERVISOR"] });
    expect(await get(supervisor, "?goal=100&days=abc")).toMatchObject({ goalPercent: 80, days: 10, errors: { goal: "100", days: "abc" } });
    expect(await get(supervisor, "?goal=85.5&days=0")).toMatchObject({ goalPercent: 80, days: 10, errors: { goal: "85.5", days: "0" } });
  });
});
