/**
 * The demo SSC. Usage: tsx prisma/seed.ts [--reset] [--phase data|receipts|all] [--allow-real-users]
 *  - data: organisation, users, rates, ~500 claims with lines and history (seconds);
 *  - receipts: renders each claim's receipt images and attaches them the way an upload does
 *    (original stored by SHA-256, StoredFile + outbox row), so the imaging workers tile them.
 * Without --reset an already seeded database is left as it is (the demo keeps its state across runs);
 * the receipts phase resumes where it stopped. Same seed → same data.
 * A database with real users (not @demo.af / @test.example) is refused unless --allow-real-users.
 * The data goes in as the app's role (through the app's own models); the reset, the claim-number
 * sequence and the seeding mark are the owner's (DATABASE_URL), see docs/decisions/010.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import type { ClaimStatus } from "~/domain/claim-machine";
import type { Role } from "~/generated/prisma/enums";
import type { Prisma } from "~/generated/prisma/client";
import { hashPassword } from "~/utils/auth.server";
import { prisma } from "~/utils/db.server";
import { runShutdownHooks } from "~/utils/shutdown.server";
import { tmpDir } from "~/utils/storage.server";
import { storeReceiptFile } from "~/models/stored-file.server";
import { lineColumns, nextClaimNumber } from "~/models/claim-commands.server";
import { rebuildEverything } from "~/models/rollups.server";
import { sealAuditEvents } from "~/models/audit.server";
import { env } from "~/utils/env.server";
import { CATEGORIES, COMPANIES, DEPARTMENTS, GROUPS, RATES_TO_CNY, RETURN_REASONS, ROUTING_RULES, personName } from "./seed/org-data";
import { seedRetention } from "./seed/retention";
import { planClaims, stableId, type ClaimPlan, type PlanUser } from "./seed/plan";
import { mulberry32 } from "~/domain/seeded-random";
import { renderReceiptJpeg, renderReceiptPdf } from "../fixtures/receipts";
import { seedPay } from "./seed/pay";
import { seedQa } from "./seed/qa";
import { seedTreasuryAccounts } from "./seed/treasury-accounts";
import { seedTreasuryRuns } from "./seed/treasury-runs";
import { seedBudgetsAndLedger } from "./seed/budgets-ledger";
import { seedArchiveBoxes } from "./seed/archive-boxes";
import { seedPaperPolicy } from "./seed/paper-policy";
import { seedPaperPackets } from "./seed/paper-packets";
import { seedArchiveRecords } from "./seed/archive-records";
import { seedArchiveAccess } from "./seed/archive-access";
import sharp from "sharp";
import pg from "pg";
import { truncateWithAuditLogAsOwner } from "../scripts/owner-reset";
import { ALLOW_REAL_USERS_FLAG, SEED_EMAIL_DOMAINS, realUsersRefusal } from "./seed/real-users";
import { complexityBand } from "~/domain/complexity";
import { basePriority, routeClaim, type RoutingRule } from "~/domain/routing";
import { DEFAULT_CALENDAR, slaDueAt } from "~/domain/work-calendar";

export const DEMO_PASSWORD = "demo1234";
const CLAIM_COUNT = Number(process.env.SEED_CLAIMS ?? 500);

type SeedUser = {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  companyId: string;
  departmentId: string;
  managerId: string | null;
  locale: string;
};

export const DEMO_ACCOUNTS: { email: string; role: string; what: string }[] = [
  { email: "employee@demo.af", role: "employee", what: "files claims (has one in every state)" },
  { email: "employee2@demo.af", role: "employee", what: "another employee (cannot see the first one's claims)" },
  { email: "manager@demo.af", role: "manager", what: "line manager of both demo employees" },
  { email: "accountant@demo.af", role: "accountant", what: "Travel processing group" },
  { email: "qa@demo.af", role: "qa", what: "quality checks" },
  { email: "archivist@demo.af", role: "archivist", what: "paper receipts and archive" },
  { email: "supervisor@demo.af", role: "supervisor", what: "runs the floor" },
  { email: "admin@demo.af", role: "admin", what: "administration" },
  { email: "treasury@demo.af", role: "treasury", what: "treasury of all three companies: bank-account changes, payer accounts" },
  { email: "treasury2@demo.af", role: "treasury", what: "the second treasury user (four eyes)" },
];

const APP_TABLES = [
  "task", "routing_rule", "return_reason", "approval_delegation", "user_company", "user_department",
  "line_receipt", "receipt", "stored_file", "claim_line", "audit_event", "claim", "outbox_event",
  "group_member", "processing_group", "exchange_rate", "expense_category",
];

/** Owner-only statements (TRUNCATE, ALTER SEQUENCE, COMMENT): the app's role may do none of them. */
async function asOwner<T>(fn: (owner: pg.Client) => Promise<T>): Promise<T> {
  const owner = new pg.Client({ connectionString: env.DATABASE_URL });
  await owner.connect();
  try {
    return await fn(owner);
  } finally {
    await owner.end();
  }
}

async function reset(): Promise<void> {
  await asOwner(async (owner) => {
    await owner.query(`UPDATE department SET head_id = NULL`);
    await truncateWithAuditLogAsOwner(owner, [...APP_TABLES, "app_user", "department", "company", "archive_claimant_name"], "seed-reset");
    await owner.query(`ALTER SEQUENCE claim_number_seq RESTART WITH 1`);
  });
}

/** Users not made by the seed or the tests: their presence means a real database. */
async function refusalForRealUsers(allowed: boolean): Promise<string | null> {
  const notSeed = SEED_EMAIL_DOMAINS.map((d) => `lower(email) NOT LIKE '%${d}'`).join(" AND ");
  const [row] = await prisma.$queryRawUnsafe<{ n: bigint; examples: string[] | null }[]>(
    `SELECT count(*) AS n, (array_agg(email ORDER BY created_at))[1:3] AS examples FROM app_user WHERE ${notSeed}`,
  );
  return realUsersRefusal({ realUserCount: Number(row?.n ?? 0), examples: row?.examples ?? [], allowed });
}

function buildUsers(rng: () => number): { users: SeedUser[]; groupMembers: { groupId: string; userId: string }[] } {
  const users: SeedUser[] = [];
  const groupMembers: { groupId: string; userId: string }[] = [];
  const company = (id: string) => COMPANIES.find((c) => c.id === id)!;
  const add = (u: Omit<SeedUser, "locale"> & { locale?: string }) => {
    const user = { locale: company(u.companyId).code === "HK" ? "en" : "zh-CN", ...u };
    users.push(user);
    return user;
  };
  // SSC staff.
  const ssc = { companyId: "co-hq", departmentId: "dep-hq-ssc" };
  const sscHead = add({ id: stableId("user", "ssc-head"), email: "supervisor@demo.af", name: "周海燕", roles: ["EMPLOYEE", "SUPERVISOR", "MANAGER"], managerId: null, ...ssc });
  add({ id: stableId("user", "supervisor2"), email: "supervisor2@demo.af", name: "郑国庆", roles: ["EMPLOYEE", "SUPERVISOR"], managerId: sscHead.id, ...ssc });
  add({ id: stableId("user", "qa"), email: "qa@demo.af", name: "梁雪梅", roles: ["EMPLOYEE", "QA"], managerId: sscHead.id, ...ssc });
  add({ id: stableId("user", "archivist"), email: "archivist@demo.af", name: "何立新", roles: ["EMPLOYEE", "ARCHIVIST"], managerId: sscHead.id, ...ssc });
  add({ id: stableId("user", "admin"), email: "admin@demo.af", name: "系统管理员", roles: ["EMPLOYEE", "ADMIN"], managerId: sscHead.id, ...ssc });
  for (const [gi, group] of GROUPS.entries()) {
    for (let k = 0; k < 3; k++) {
      const demo = gi === 0 && k === 0;
      const u = add({
        id: stableId("user", "acct", gi, k),
        email: demo ? "accountant@demo.af" : `acct.${group.code.toLowerCase()}${k + 1}@demo.af`,
        name: demo ? "陈静" : personName(rng, false),
        roles: ["EMPLOYEE", "ACCOUNTANT"],
        managerId: sscHead.id,
        ...ssc,
      });
      groupMembers.push({ groupId: group.id, userId: u.id });
    }
  }
  // Business departments: a head, a line manager in the big ones, and staff reporting to them.
  let n = 0;
  for (const dep of DEPARTMENTS.filter((d) => d.staff > 0)) {
    const hk = company(dep.companyId).code === "HK";
    const isDemoDep = dep.id === "dep-hq-sales";
    const head = add({
      id: stableId("user", dep.id, "head"),
      email: isDemoDep ? "manager@demo.af" : `head.${dep.companyId.slice(3)}.${dep.code.toLowerCase()}@demo.af`,
      name: isDemoDep ? "王建华" : personName(rng, hk),
      roles: ["EMPLOYEE", "MANAGER"],
      managerId: null,
      companyId: dep.companyId,
      departmentId: dep.id,
    });
    const managers = [head];
    if (dep.staff > 15) {
      managers.push(add({
        id: stableId("user", dep.id, "mgr2"),
        email: `mgr.${dep.companyId.slice(3)}.${dep.code.toLowerCase()}@demo.af`,
        name: personName(rng, hk),
        roles: ["EMPLOYEE", "MANAGER"],
        managerId: head.id,
        companyId: dep.companyId,
        departmentId: dep.id,
      }));
    }
    for (let k = 0; k < dep.staff - managers.length; k++) {
      const demoEmail = isDemoDep && k === 0 ? "employee@demo.af" : isDemoDep && k === 1 ? "employee2@demo.af" : undefined;
      n += 1;
      add({
        id: stableId("user", dep.id, "staff", k),
        email: demoEmail ?? `staff${String(n).padStart(3, "0")}@demo.af`,
        name: demoEmail === "employee@demo.af" ? "张伟" : demoEmail ? "李娜" : personName(rng, hk),
        roles: ["EMPLOYEE"],
        managerId: demoEmail ? head.id : managers[k % managers.length]!.id,
        companyId: dep.companyId,
        departmentId: dep.id,
      });
    }
  }
  return { users, groupMembers };
}

/**
 * The companies each back-office user works for (issue 8: what they may see). The demo supervisor,
 * admin and archivist cover the whole group; the second supervisor only Shenzhen, to show the scope.
 */
function companyScopes(users: SeedUser[]): { userId: string; companyId: string }[] {
  const scopes: Record<string, string[]> = {
    "supervisor@demo.af": COMPANIES.map((c) => c.id),
    "admin@demo.af": COMPANIES.map((c) => c.id),
    "archivist@demo.af": COMPANIES.map((c) => c.id),
    "supervisor2@demo.af": ["co-sz"],
  };
  // The SSC's accountants keep the books of every company (the ledger's screens are scoped by user_company).
  const forUser = (u: SeedUser) => scopes[u.email] ?? (u.roles.includes("ACCOUNTANT") ? COMPANIES.map((c) => c.id) : []);
  return users.flatMap((u) => forUser(u).map((companyId) => ({ userId: u.id, companyId })));
}

/** A few employees also file claims for a second department (user_department), one of them in another company. */
function furtherDepartments(users: SeedUser[]): { userId: string; departmentId: string }[] {
  const extra: Record<string, string> = {
    "employee@demo.af": "dep-sz-sales",
    "staff003@demo.af": "dep-hq-mkt",
    "staff004@demo.af": "dep-hq-rd",
  };
  return users.flatMap((u) => (extra[u.email] && extra[u.email] !== u.departmentId ? [{ userId: u.id, departmentId: extra[u.email]! }] : []));
}

function weekdaysBack(now: Date, days: number): string[] {
  const out: string[] = [];
  for (let i = days; i >= 0; i--) {
    const d = new Date(now.getTime() - i * 86_400_000);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

function buildRates(now: Date, rng: () => number) {
  const rows: { base: string; quote: string; validOn: Date; rate: string }[] = [];
  const hkdCny = RATES_TO_CNY.HKD!;
  for (const [currency, mid] of Object.entries(RATES_TO_CNY)) {
    let walk = mid;
    for (const day of weekdaysBack(now, 150)) {
      walk *= 1 + (rng() - 0.5) * 0.004;
      rows.push({ base: currency, quote: "CNY", validOn: new Date(`${day}T00:00:00Z`), rate: walk.toFixed(6) });
      if (currency !== "HKD") rows.push({ base: currency, quote: "HKD", validOn: new Date(`${day}T00:00:00Z`), rate: (walk / hkdCny).toFixed(6) });
    }
  }
  for (const day of weekdaysBack(now, 150)) {
    rows.push({ base: "CNY", quote: "HKD", validOn: new Date(`${day}T00:00:00Z`), rate: (1 / hkdCny).toFixed(6) });
  }
  return rows;
}

/** The audit trail a claim in `status` would have, with believable times and actors. */
function historyFor(plan: ClaimPlan, actors: { managerId: string | null; accountantId: string; now: Date }) {
  type E = { type: string; actorId: string | null; from?: ClaimStatus; to?: ClaimStatus; at: Date; data?: Record<string, string> };
  const events: E[] = [];
  let t = plan.createdAt.getTime();
  const step = (hours: number) => {
    t = Math.min(t + hours * 3_600_000, actors.now.getTime() - 60_000);
    return new Date(t);
  };
  events.push({ type: "claim.created", actorId: plan.claimantId, to: "DRAFT", at: new Date(t) });
  if (plan.status === "DRAFT") {
    events.push({ type: "claim.saved", actorId: plan.claimantId, at: step(0.2) });
    return { events, submittedAt: null };
  }
  const submittedAt = step(0.3);
  events.push({ type: "claim.submitted", actorId: plan.claimantId, from: "DRAFT", to: "SUBMITTED", at: submittedAt });
  const path: Record<ClaimStatus, [string, ClaimStatus, ClaimStatus, "manager" | "accountant" | "system", number][]> = {
    DRAFT: [],
    SUBMITTED: [],
    MANAGER_APPROVED: [["claim.manager_approved", "SUBMITTED", "MANAGER_APPROVED", "manager", 5]],
    IN_REVIEW: [["claim.manager_approved", "SUBMITTED", "MANAGER_APPROVED", "manager", 5], ["claim.review_started", "MANAGER_APPROVED", "IN_REVIEW", "accountant", 2]],
    APPROVED: [["claim.manager_approved", "SUBMITTED", "MANAGER_APPROVED", "manager", 5], ["claim.review_started", "MANAGER_APPROVED", "IN_REVIEW", "accountant", 2], ["claim.approved", "IN_REVIEW", "APPROVED", "accountant", 0.2]],
    SCHEDULED: [["claim.manager_approved", "SUBMITTED", "MANAGER_APPROVED", "manager", 5], ["claim.review_started", "MANAGER_APPROVED", "IN_REVIEW", "accountant", 2], ["claim.approved", "IN_REVIEW", "APPROVED", "accountant", 0.2], ["claim.payment_scheduled", "APPROVED", "SCHEDULED", "system", 20]],
    PAID: [["claim.manager_approved", "SUBMITTED", "MANAGER_APPROVED", "manager", 5], ["claim.review_started", "MANAGER_APPROVED", "IN_REVIEW", "accountant", 2], ["claim.approved", "IN_REVIEW", "APPROVED", "accountant", 0.2], ["claim.payment_scheduled", "APPROVED", "SCHEDULED", "system", 20], ["claim.paid", "SCHEDULED", "PAID", "system", 24]],
    RETURNED: [["claim.manager_approved", "SUBMITTED", "MANAGER_APPROVED", "manager", 5], ["claim.review_started", "MANAGER_APPROVED", "IN_REVIEW", "accountant", 2], ["claim.returned", "IN_REVIEW", "RETURNED", "accountant", 0.3]],
    REJECTED: [["claim.manager_approved", "SUBMITTED", "MANAGER_APPROVED", "manager", 5], ["claim.review_started", "MANAGER_APPROVED", "IN_REVIEW", "accountant", 2], ["claim.rejected", "IN_REVIEW", "REJECTED", "accountant", 0.3]],
    PAYMENT_FAILED: [["claim.manager_approved", "SUBMITTED", "MANAGER_APPROVED", "manager", 5], ["claim.review_started", "MANAGER_APPROVED", "IN_REVIEW", "accountant", 2], ["claim.approved", "IN_REVIEW", "APPROVED", "accountant", 0.2], ["claim.payment_scheduled", "APPROVED", "SCHEDULED", "system", 20], ["claim.payment_failed", "SCHEDULED", "PAYMENT_FAILED", "system", 30]],
    WITHDRAWN: [],
  };
  for (const [type, from, to, who, hours] of path[plan.status]) {
    const actorId = who === "manager" ? actors.managerId : who === "accountant" ? actors.accountantId : null;
    const data = type === "claim.returned" && plan.returnComment ? { comment: plan.returnComment } : undefined;
    events.push({ type, actorId, from, to, at: step(hours), data });
  }
  return { events, submittedAt };
}

/** The task rows the claim's history implies: approval by the manager, review by an accountant of its group. */
function tasksFor(
  plan: ClaimPlan,
  events: { type: string; at: Date }[],
  ctx: { managerId: string | null; accountantId: string; groupId: string; slaMinutes: number; priority: number },
) {
  const at = (type: string) => events.find((e) => e.type === type)?.at ?? null;
  const submitted = at("claim.submitted");
  if (!submitted) return [];
  const complexity = complexityBand({
    lineCount: plan.lines.length,
    receiptPages: plan.receipts.reduce((n, r) => n + r.specs.length, 0),
    currencies: [...new Set(plan.lines.map((l) => l.currency))],
    companyCurrency: plan.lines[0]?.currency ?? "CNY",
  });
  const base = { claimId: plan.id, complexity, claimVersion: 2 };
  const approvedAt = at("claim.manager_approved");
  const tasks = [
    {
      ...base,
      id: stableId("task", plan.id, "approval"),
      type: "MANAGER_APPROVAL" as const,
      status: approvedAt ? ("DONE" as const) : ("OPEN" as const),
      assigneeId: ctx.managerId,
      createdAt: submitted,
      startedAt: approvedAt,
      finishedAt: approvedAt,
      outcome: approvedAt ? "approved" : null,
    },
  ];
  if (!approvedAt) return tasks;
  const started = at("claim.review_started");
  const finishedEvent = events.find((e) => ["claim.approved", "claim.returned", "claim.rejected"].includes(e.type));
  const outcome = finishedEvent ? { "claim.approved": "approved", "claim.returned": "returned", "claim.rejected": "rejected" }[finishedEvent.type]! : null;
  return [
    ...tasks,
    {
      ...base,
      id: stableId("task", plan.id, "review"),
      type: "REVIEW" as const,
      status: finishedEvent ? ("DONE" as const) : started ? ("IN_PROGRESS" as const) : ("OPEN" as const),
      groupId: ctx.groupId,
      assigneeId: started ? ctx.accountantId : null,
      priority: ctx.priority,
      slaMinutes: ctx.slaMinutes,
      slaDueAt: slaDueAt(approvedAt, ctx.slaMinutes, DEFAULT_CALENDAR),
      createdAt: approvedAt,
      startedAt: started,
      finishedAt: finishedEvent?.at ?? null,
      outcome,
    },
  ];
}

async function seedData(now: Date): Promise<void> {
  const rng = mulberry32(7);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const { users, groupMembers } = buildUsers(rng);
  await prisma.company.createMany({ data: COMPANIES.map((c) => ({ ...c })) });
  await prisma.department.createMany({ data: DEPARTMENTS.map(({ staff: _s, ...d }) => d) });
  await prisma.user.createMany({ data: users.map((u) => ({ ...u, passwordHash })) });
  for (const dep of DEPARTMENTS) {
    const head = users.find((u) => u.departmentId === dep.id && u.managerId === null);
    if (head) await prisma.department.update({ where: { id: dep.id }, data: { headId: head.id } });
  }
  await prisma.processingGroup.createMany({ data: GROUPS.map((g) => ({ ...g })) });
  await prisma.groupMember.createMany({ data: groupMembers });
  await prisma.userCompany.createMany({ data: companyScopes(users) });
  await prisma.userDepartment.createMany({ data: furtherDepartments(users) });
  await prisma.routingRule.createMany({ data: ROUTING_RULES.map((r) => ({ ...r, conditions: r.conditions as Prisma.InputJsonValue })) });
  await prisma.returnReason.createMany({ data: RETURN_REASONS.map((r, i) => ({ ...r, sortOrder: i })) });
  await prisma.expenseCategory.createMany({
    data: CATEGORIES.map((c, i) => ({ code: c.code, name: c.name, nameZh: c.nameZh, limitMinor: c.limit, limitCurrency: c.limit ? "CNY" : null, sortOrder: i })),
  });
  await prisma.exchangeRate.createMany({ data: buildRates(now, rng) });

  const plans = makePlans(users, now);
  const managerOf = new Map(users.map((u) => [u.id, u.managerId]));
  const userById = new Map(users.map((u) => [u.id, u]));
  const rules: RoutingRule[] = ROUTING_RULES.map(({ priority, ...r }) => ({ ...r, active: true, ...(priority !== null ? { priority } : {}) }));
  const defaultGroup = GROUPS.find((g) => g.isDefault)!;
  await asOwner((owner) => owner.query(`ALTER SEQUENCE claim_number_seq RESTART WITH 1`));
  for (const plan of plans) {
    const claimant = userById.get(plan.claimantId)!;
    const company = COMPANIES.find((c) => c.id === claimant.companyId)!;
    const routingFacts = {
      companyId: company.id,
      departmentId: claimant.departmentId,
      companyCurrency: company.currency,
      // Close enough for demo routing: foreign-currency lines go to the FX group by rule anyway.
      totalCompanyMinor: plan.lines.filter((l) => l.currency === company.currency).reduce((a, l) => a + l.amountMinor, 0n),
      lines: plan.lines.map((l) => ({ categoryCode: l.categoryCode, currency: l.currency })),
    };
    const routed = routeClaim(routingFacts, rules, defaultGroup.id);
    const group = GROUPS.find((g) => g.id === routed.groupId)!;
    const members = groupMembers.filter((m) => m.groupId === group.id).map((m) => m.userId);
    const accountantId = members[plan.index % members.length]!;
    const managerId = managerOf.get(plan.claimantId) ?? null;
    const { events, submittedAt } = historyFor(plan, { managerId, accountantId, now });
    const last = events[events.length - 1]!;
    await prisma.$transaction(async (tx) => {
      await tx.claim.create({
        data: {
          id: plan.id,
          number: await nextClaimNumber(tx, plan.createdAt),
          claimantId: plan.claimantId,
          companyId: claimant.companyId,
          departmentId: claimant.departmentId,
          purpose: plan.purpose,
          status: plan.status,
          version: events.length,
          submittedAt,
          createdAt: plan.createdAt,
          updatedAt: last.at,
        },
      });
      await tx.claimLine.createMany({
        data: plan.lines.map((l, position) => ({ id: l.id, claimId: plan.id, ...lineColumns(l, position) })),
      });
      await tx.auditEvent.createMany({
        data: events.map((e) => ({
          claimId: plan.id,
          actorId: e.actorId,
          type: e.type,
          fromStatus: e.from ?? null,
          toStatus: e.to ?? null,
          data: e.data ?? {},
          at: e.at,
        })),
      });
      await tx.task.createMany({
        data: tasksFor(plan, events, { managerId, accountantId, groupId: group.id, slaMinutes: group.slaMinutes, priority: routed.priority || basePriority(routingFacts, { highValueMinor: 5_000_000n }) }),
      });
      if (events.some((e) => e.type === "claim.manager_approved")) await tx.claim.update({ where: { id: plan.id }, data: { groupId: group.id } });
    });
  }
  console.log(`[seed] ${users.length} users, ${plans.length} claims`);
}

function makePlans(users: { id: string; companyId: string; roles: Role[]; managerId: string | null; email: string }[], now: Date): ClaimPlan[] {
  const toPlanUser = (u: (typeof users)[number]): PlanUser => {
    const company = COMPANIES.find((c) => c.id === u.companyId)!;
    return { id: u.id, companyId: u.companyId, currency: company.currency, hongKong: company.code === "HK", managerId: u.managerId };
  };
  // Treasury users (seeded after the claims) file none, so both phases plan the same claims.
  const employees = users.filter((u) => u.managerId && !u.email.startsWith("employee") && !u.roles.includes("TREASURY")).map(toPlanUser);
  const demo = toPlanUser(users.find((u) => u.email === "employee@demo.af")!);
  return planClaims({ employees, demoClaimant: demo, count: CLAIM_COUNT, now });
}

async function renderReceipt(plan: ClaimPlan["receipts"][number]): Promise<{ bytes: Buffer; mimeType: string }> {
  if (plan.format === "pdf") return { bytes: await renderReceiptPdf(plan.specs, { seed: plan.seed, widthPx: 900 }), mimeType: "application/pdf" };
  const jpeg = await renderReceiptJpeg(plan.specs[0]!, { seed: plan.seed, widthPx: 900 });
  if (plan.format === "png") return { bytes: await sharp(jpeg).png({ compressionLevel: 6 }).toBuffer(), mimeType: "image/png" };
  return { bytes: jpeg, mimeType: "image/jpeg" };
}

/** Renders and attaches receipts for every planned claim that has none yet, the demo employee's and open claims first. */
async function seedReceipts(now: Date): Promise<void> {
  const users = await prisma.user.findMany({ select: { id: true, companyId: true, roles: true, managerId: true, email: true } });
  const plans = makePlans(users, now);
  const done = new Set((await prisma.receipt.findMany({ distinct: ["claimId"], select: { claimId: true } })).map((r) => r.claimId));
  const existing = new Set((await prisma.claim.findMany({ select: { id: true } })).map((c) => c.id));
  const openFirst = (p: ClaimPlan) => (p.index < 10 ? 0 : ["SUBMITTED", "MANAGER_APPROVED", "IN_REVIEW", "RETURNED"].includes(p.status) ? 1 : 2);
  const todo = plans
    .filter((p) => existing.has(p.id) && !done.has(p.id) && p.receipts.length > 0)
    .sort((a, b) => openFirst(a) - openFirst(b) || b.createdAt.getTime() - a.createdAt.getTime());
  const dir = await tmpDir();
  let count = 0;
  const started = Date.now();
  // Two claims at a time: rendering is CPU-bound and the machine has two cores (shared with the imaging workers).
  const queue = [...todo];
  const worker = async () => {
    for (let plan = queue.shift(); plan; plan = queue.shift()) await attachPlanned(plan);
  };
  const attachPlanned = async (plan: ClaimPlan) => {
    const rendered = await Promise.all(plan.receipts.map(async (r) => ({ plan: r, ...(await renderReceipt(r)) })));
    const uploads = await Promise.all(
      rendered.map(async (r) => {
        const sha256 = createHash("sha256").update(r.bytes).digest("hex");
        const tempPath = path.join(dir, `seed-${sha256}`);
        await fs.writeFile(tempPath, r.bytes);
        return { key: r.plan.key, upload: { tempPath, sha256, sizeBytes: r.bytes.length, mimeType: r.mimeType, fileName: r.plan.fileName, kind: r.mimeType === "application/pdf" ? ("pdf" as const) : ("image" as const) } };
      }),
    );
    await prisma.$transaction(async (tx) => {
      const receiptIds = new Map<string, string>();
      for (const [i, { key, upload }] of uploads.entries()) {
        await storeReceiptFile(tx, upload);
        const id = stableId("receipt", plan.id, key);
        receiptIds.set(key, id);
        const at = new Date(plan.createdAt.getTime() + (i + 1) * 60_000);
        await tx.receipt.create({ data: { id, claimId: plan.id, fileSha256: upload.sha256, fileName: upload.fileName, uploadedById: plan.claimantId, createdAt: at } });
        await tx.auditEvent.create({ data: { claimId: plan.id, actorId: plan.claimantId, type: "receipt.added", data: { receiptId: id, fileName: upload.fileName }, at } });
      }
      await tx.lineReceipt.createMany({
        data: plan.lines.flatMap((l) => l.receiptKeys.map((k) => ({ lineId: l.id, receiptId: receiptIds.get(k)! }))),
      });
    });
    count += uploads.length;
    if (count % 100 < uploads.length) console.log(`[seed] ${count} receipts attached (${Math.round((Date.now() - started) / 1000)}s)`);
  };
  await Promise.all([worker(), worker()]);
  console.log(`[seed] receipts done: ${count} attached in ${Math.round((Date.now() - started) / 1000)}s`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const phase = args.includes("--phase") ? args[args.indexOf("--phase") + 1] : "all";
  const now = new Date();
  const refusal = await refusalForRealUsers(args.includes(ALLOW_REAL_USERS_FLAG));
  if (refusal) {
    console.error(`[seed] ${refusal}`);
    process.exitCode = 1;
    return;
  }
  // A fixed "now" per seeding keeps plans identical between the data and receipts phases.
  const seededAt = await prisma.company.findFirst({ select: { id: true } });
  if (args.includes("--reset")) await reset();
  else if (seededAt && phase !== "receipts") {
    console.log("[seed] already seeded (use --reset to start over)");
    if (phase === "all") await seedReceipts(await seedClock());
    return;
  }
  if (phase === "data" || phase === "all") {
    await seedData(now);
    await seedQa(now);
    await seedPay(prisma);
    await seedTreasuryAccounts(prisma, { now, passwordHash: await hashPassword(DEMO_PASSWORD) });
    await seedTreasuryRuns(prisma, { now });
    await seedBudgetsAndLedger(prisma, { now });
    // The paper trail first (pay on paper, overdue and received originals), then boxes filing some of them.
    await seedPaperPolicy(prisma, { now });
    await seedPaperPackets(prisma, { now });
    await seedArchiveBoxes(prisma, { now });
    await seedRetention(prisma);
    // After the other archive parts (boxes and records): loans, access requests and views.
    await seedArchiveAccess(prisma, { now });
    // The seed writes tasks directly (no task events): the board's history comes from a rebuild.
    await rebuildEverything({ prefix: env.QUEUE_PREFIX, log: (l) => console.log(`[seed] ${l}`) });
    await sealSeededEvents();
    await asOwner((owner) => owner.query(`COMMENT ON TABLE company IS 'seeded-at:${now.toISOString()}'`));
  }
  if (phase === "receipts" || phase === "all") {
    await seedReceipts(await seedClock());
    // The paper originals' receipt counts, now that the receipts are attached.
    await seedPaperPackets(prisma, { now: await seedClock() });
    // Archive records need the receipts on disk: filed last, over a sealed log (filing seals a claim's events itself, but not a whole seed's backlog).
    await sealSeededEvents();
    await seedArchiveRecords(prisma);
    await sealSeededEvents();
  }
}

/** Chains every event the seed wrote (they are appended unsealed, like the app's: decision 037), in batches. */
async function sealSeededEvents(): Promise<void> {
  const batch = 20_000;
  let total = 0;
  for (;;) {
    const n = await sealAuditEvents(prisma, batch);
    total += n;
    if (n < batch) break;
  }
  if (total > 0) console.log(`[seed] sealed ${total} audit events into the chain`);
}

/** The "now" the data phase used, so a later receipts phase plans the very same claims. */
async function seedClock(): Promise<Date> {
  const [row] = await prisma.$queryRaw<{ c: string | null }[]>`SELECT obj_description('company'::regclass) AS c`;
  const m = /seeded-at:(.+)$/.exec(row?.c ?? "");
  return m ? new Date(m[1]!) : new Date();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main()
    .catch((err: unknown) => {
      console.error("[seed] failed:", err);
      process.exitCode = 1;
    })
    .finally(() => void runShutdownHooks());
}
