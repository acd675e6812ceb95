/**
 * Small factories and utilities for integration tests. Every factory makes rows with fresh ids and
 * unique codes, so tests never collide with each other or depend on the seed.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { expect, vi } from "vitest";
import type { Claim, Company, Department, Role, SlaState, User } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import { QUEUES } from "~/domain/jobs";
import { getQueue } from "~/utils/queue.server";
import { createSession } from "~/utils/session.server";

const unique = () => randomUUID().slice(0, 8);

export async function createCompany(overrides: Partial<Omit<Company, "calendar" | "retentionOverrides">> = {}): Promise<Company> {
  const code = overrides.code ?? `T${unique().toUpperCase()}`;
  return prisma.company.create({
    data: { id: randomUUID(), code, name: `Test company ${code}`, nameZh: `测试公司 ${code}`, currency: "CNY", ...overrides },
  });
}

export async function createDepartment(companyId: string, overrides: Partial<Department> = {}): Promise<Department> {
  const code = overrides.code ?? `D${unique().toUpperCase()}`;
  return prisma.department.create({
    data: { id: randomUUID(), companyId, code, name: `Department ${code}`, nameZh: `部门 ${code}`, ...overrides },
  });
}

export async function createUser(
  org: { companyId: string; departmentId: string },
  overrides: Partial<Omit<User, "roles">> & { roles?: Role[] } = {},
): Promise<User> {
  const id = overrides.id ?? randomUUID();
  return prisma.user.create({
    data: {
      id,
      email: `user-${id}@test.example`,
      name: `Test user ${id.slice(0, 8)}`,
      // Not a valid hash on purpose: tests that log in set one with hashPassword() from auth.server.
      passwordHash: "!test-no-login",
      roles: ["EMPLOYEE"],
      ...org,
      ...overrides,
    },
  });
}

/** A company, a department and one employee in it: the minimum a claim needs. */
export async function createClaimant(): Promise<{ company: Company; department: Department; user: User }> {
  const company = await createCompany();
  const department = await createDepartment(company.id);
  const user = await createUser({ companyId: company.id, departmentId: department.id });
  return { company, department, user };
}

export async function createClaim(
  claimant: Pick<User, "id" | "companyId" | "departmentId">,
  overrides: Partial<Claim> = {},
): Promise<Claim> {
  return prisma.claim.create({
    data: {
      id: randomUUID(),
      number: `TEST-${unique()}`,
      claimantId: claimant.id,
      companyId: claimant.companyId,
      departmentId: claimant.departmentId,
      purpose: "Integration test claim",
      ...overrides,
    },
  });
}

export type Org = { companyId: string; departmentId: string };

/** A company with one department. */
export async function createOrg(): Promise<Org> {
  const company = await createCompany();
  const department = await createDepartment(company.id);
  return { companyId: company.id, departmentId: department.id };
}

export async function createGroup({ slaMinutes }: { slaMinutes?: number } = {}): Promise<string> {
  const code = `G${unique().toUpperCase()}`;
  const group = await prisma.processingGroup.create({ data: { id: randomUUID(), code, name: `Group ${code}`, nameZh: `组 ${code}`, ...(slaMinutes ? { slaMinutes } : {}) } });
  return group.id;
}

/** A user (an accountant unless `roles` says otherwise) who is a member of `groupIds`. */
export async function createMember(org: Org, groupIds: string[], { roles = ["EMPLOYEE", "ACCOUNTANT"], name }: { roles?: Role[]; name?: string } = {}): Promise<User> {
  const user = await createUser(org, { roles, ...(name ? { name } : {}) });
  if (groupIds.length > 0) await prisma.groupMember.createMany({ data: groupIds.map((groupId) => ({ groupId, userId: user.id })) });
  return user;
}

/**
 * A claim with one review task in `groupId`: open (the claim manager-approved) or in progress (the
 * claim in review); optionally approved by a given manager, with lines of [minor, currency].
 */
export async function queueReviewTask(
  claimant: User,
  groupId: string,
  t: {
    sla?: SlaState;
    priority?: number;
    ageMinutes?: number;
    status?: "OPEN" | "IN_PROGRESS";
    assigneeId?: string;
    preferredAssigneeId?: string;
    approvedBy?: string;
    lines?: [number, string][];
  } = {},
): Promise<{ claimId: string; claimNumber: string; taskId: string }> {
  if (t.lines?.length) await prisma.expenseCategory.upsert({ where: { code: "TAXI" }, update: {}, create: { code: "TAXI", name: "Taxi", nameZh: "出租车" } });
  const claim = await createClaim(claimant, { status: t.status === "IN_PROGRESS" ? "IN_REVIEW" : "MANAGER_APPROVED", version: 3, groupId });
  for (const [i, [minor, currency]] of (t.lines ?? []).entries()) {
    await prisma.claimLine.create({
      data: { id: randomUUID(), claimId: claim.id, position: i, spentOn: new Date("2026-11-02"), categoryCode: "TAXI", merchant: "m", amountMinor: BigInt(minor), currency },
    });
  }
  if (t.approvedBy) {
    await prisma.task.create({
      data: { id: randomUUID(), claimId: claim.id, type: "MANAGER_APPROVAL", status: "DONE", assigneeId: t.approvedBy, outcome: "approved", claimVersion: 2, finishedAt: new Date() },
    });
  }
  const taskId = randomUUID();
  await prisma.task.create({
    data: {
      id: taskId,
      claimId: claim.id,
      type: "REVIEW",
      groupId,
      status: t.status ?? "OPEN",
      assigneeId: t.assigneeId ?? null,
      startedAt: t.status === "IN_PROGRESS" ? new Date() : null,
      priority: t.priority ?? 0,
      preferredAssigneeId: t.preferredAssigneeId ?? null,
      slaState: t.sla ?? "ON_TRACK",
      claimVersion: 3,
      createdAt: new Date(Date.now() - (t.ageMinutes ?? 0) * 60_000),
    },
  });
  return { claimId: claim.id, claimNumber: claim.number, taskId };
}

/** The session cookie ("name=value") of a signed-in `userId`, for calling loaders and actions. */
/** A real server-side session for the user, as a Cookie header value ("af_session=…"). */
export async function sessionCookie(userId: string): Promise<string> {
  const session = await createSession(prisma, { userId, ip: "127.0.0.1", userAgent: "integration-test" });
  return session.setCookie.split(";")[0]!;
}

/** Polls `check` until it returns something other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 20_000, intervalMs = 50, what = "condition" }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export type UploadPart = { name?: string; fileName: string; data: Uint8Array | Blob; type?: string };

/**
 * A multipart/form-data POST as a browser sends it: files (under `receipts` unless named) plus text
 * fields. `type` is the client's claimed Content-Type, which the server is expected to ignore.
 */
export function multipartRequest(
  files: UploadPart[],
  fields: Record<string, string> = {},
  url = "http://localhost/upload",
): Request {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files) {
    // Copied into a plain ArrayBuffer: Blob does not take views of a (possibly shared) Node Buffer pool.
    const blob = f.data instanceof Blob ? f.data : new Blob([new Uint8Array(f.data)], { type: f.type ?? "application/octet-stream" });
    form.append(f.name ?? "receipts", blob, f.fileName);
  }
  return new Request(url, { method: "POST", body: form });
}

/**
 * Other test files leave outbox rows pending and metrics jobs waiting (they call the model functions
 * without a relay). A test that starts the relay and the metrics worker calls this first, so it waits
 * for its own events and not for hundreds of theirs.
 */
export async function clearLeftoverJobs(): Promise<void> {
  await prisma.outboxEvent.updateMany({ where: { status: "PENDING" }, data: { status: "DONE" } });
  await getQueue(QUEUES.metrics).drain(true);
}

/**
 * Remembers the shared test database's QA settings; `restore` puts them back (other files sample at
 * the default rates). Call it in beforeAll, `restore` in afterAll.
 */
export async function keepQaSettings(): Promise<{ thresholds: { currency: string; minMinor: bigint }[]; restore: () => Promise<void> }> {
  const setting = await prisma.qaSetting.findUnique({ where: { id: "qa" } });
  const thresholds = await prisma.qaAmountThreshold.findMany();
  const restore = async () => {
    if (setting) {
      const { id: _id, ...rest } = setting;
      await prisma.qaSetting.update({ where: { id: "qa" }, data: rest });
    } else {
      await prisma.qaSetting.deleteMany();
    }
    await prisma.qaAmountThreshold.deleteMany();
    await prisma.qaAmountThreshold.createMany({ data: thresholds });
  };
  return { thresholds, restore };
}

/** The error `p` rejects with, asserted to be an instance of `type`. */
export async function refusal<E extends Error>(p: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  return err as E;
}

/**
 * A connection as the schema's OWNER (DATABASE_URL), for what a test must do that the app's role may not
 * (a trigger planted for a test, lifting the audit guards on purpose). Everything else in the tests, the
 * factories above included, runs as the app's role through `prisma`.
 */
export async function asOwner<T>(fn: (owner: pg.Client) => Promise<T>): Promise<T> {
  const owner = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await owner.connect();
  try {
    return await fn(owner);
  } finally {
    await owner.end();
  }
}

/** Drops a database a test file made for itself (connecting to the server's `postgres` database to do it). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const admin = new URL(databaseUrl);
  const name = decodeURIComponent(admin.pathname.slice(1));
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * An approval chain: a company whose claims from 10,000.00 need a second step, a department head, a line
 * manager reporting to the head, another manager, and an employee of the line manager.
 */
export async function createApprovalChain() {
  const company = await createCompany({ secondApprovalMinor: 1_000_000n });
  const department = await createDepartment(company.id);
  const ids = { companyId: company.id, departmentId: department.id };
  const head = await createUser(ids, { roles: ["EMPLOYEE", "MANAGER"] });
  await prisma.department.update({ where: { id: department.id }, data: { headId: head.id } });
  const manager = await createUser(ids, { roles: ["EMPLOYEE", "MANAGER"], managerId: head.id });
  const otherManager = await createUser(ids, { roles: ["EMPLOYEE", "MANAGER"] });
  const employee = await createUser(ids, { managerId: manager.id });
  return { company, department, ids, head, manager, otherManager, employee };
}

/** The statements sent to Postgres (as text, BEGIN and COMMIT included) while `run` runs, counted at the driver. */
export async function statementsDuring<T>(run: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const query = pg.Client.prototype.query;
  const spy = vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === "string" ? first : (first as { text?: string } | undefined)?.text;
    if (text) statements.push(text);
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query);
  try {
    return { result: await run(), statements };
  } finally {
    spy.mockRestore();
  }
}
