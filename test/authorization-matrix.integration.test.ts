/**
 * The authorization matrix (issue 8): every loader and action listed in app/domain/route-manifest.ts,
 * called through the real server (server.ts over the build) as anonymous and as one user of each role
 * (exactly that role), expecting the manifest's answer; then, where a scope applies, as the owner / not
 * the owner, same company / other company, in the group / not in it. A fresh session for every call.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callerAllowed,
  EXPRESS_ROUTES,
  ROLES,
  ROUTE_MANIFEST,
  type Handler,
  type Method,
  type Role,
  type RouteEntry,
} from "~/domain/route-manifest";
import type { User } from "~/generated/prisma/client";
import { coverSheetCode } from "~/domain/paper-trail";
import { createBoardToken, revokeBoardToken } from "~/models/board-token.server";
import { createPacket } from "~/models/paper-packets.server";
import { setBudgetCell } from "~/models/budget-admin.server";
import { prisma } from "~/utils/db.server";
import { createSession } from "~/utils/session.server";
import { originalPath, storageRoot } from "~/utils/storage.server";
import { createClaim, createCompany, createDepartment, createGroup, createMember, createUser, queueReviewTask, sessionCookie, type Org } from "./helpers";
import pg from "pg";
import { claimVoucherLines, seedViewAccounts, seedViewVoucher } from "../fixtures/ledger-views";
import { createArchiveRecord } from "../fixtures/archive-records";
import { attachTypicalReceipts } from "../fixtures/archive";
import { fileArchiveRecord } from "~/models/archive-filing.server";
import { createArchiveBox, createArchiveRecord as createAccessRecord, writeRecordPackage } from "../fixtures/archive-access";
import { call, startRealServer, type Call, type RealServer } from "./real-server";


type Req = { user: User | null; path: string; method?: string; form?: Record<string, string> };

type World = {
  orgA: Org;
  orgB: Org;
  /** One user per role, in scope for the shared fixtures below. */
  users: Record<Role, User>;
  /** Their twins, out of scope: another employee, another manager, another group, other QA, another company. */
  others: Record<Role, User>;
  groupName: string;
  /** An approved claim of users.EMPLOYEE in company A: approved by the manager, reviewed by the accountant's group, a QA check in progress for the QA user. */
  claim: { id: string; number: string; receiptId: string };
  /** A review task in progress for users.ACCOUNTANT (company A). */
  review: { taskId: string; claimId: string; number: string; groupId: string };
  qaTaskId: string;
  /** A draft (with a receipt) of each role's user, and one of the other employee. */
  drafts: Record<Role, { claimId: string; receiptId: string }>;
  fileSha: string;
  token: { live: string; revoked: string };
  /** A second department of company A that nobody of the fixtures belongs to. */
  sameCompanyDepartmentId: string;
  /** A supervisor who works for no company (no user_company rows): sees no board, makes no link. */
  bare: User;
  /** An employee at their upload limit (an upload_usage row over the bytes-per-day cap), with a draft. */
  quota: { user: User; claimId: string };
  /** An approved payment run of company A (with its file), prepared by users.TREASURY. */
  run: { id: string; number: string };
  /** Company A's books: vouchers (one to read, one to reverse), an open October, an export, an account, an unmapped approved claim. */
  ledger: LedgerWorld;
  /** Company A's archive: expired records, one held, an open destruction request, a register row. */
  retention: RetentionWorld;
  /** A filed archive record of company A (a paid claim of users.EMPLOYEE with receipts). */
  archive: { recordId: string; claimNumber: string };
  /** Company A's archive for loans and access: a record (with its package) and a box, requests of users.EMPLOYEE. */
  access: AccessWorld;
};

type RetentionWorld = { dueNumber: string; proposableId: string; holdableNumber: string; heldNumber: string; requestId: string; registerNumber: string; companyCode: string };

type AccessWorld = { claimNumber: string; recordId: string; boxLabel: string; boxId: string; viewRequestId: string; borrowRequestId: string };

type LedgerWorld = { companyCode: string; voucherId: string; reversibleId: string; description: string; exportSha: string; accountName: string; pendingClaimNumber: string };

let server: RealServer;
let w: World;

const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");

async function receiptOn(claimId: string, uploadedById: string): Promise<string> {
  const id = randomUUID();
  await prisma.receipt.create({ data: { id, claimId, fileSha256: w.fileSha, fileName: "taxi.png", uploadedById } });
  return id;
}

async function companyWithDepartment(): Promise<Org> {
  const company = await createCompany();
  const department = await createDepartment(company.id);
  return { companyId: company.id, departmentId: department.id };
}

async function buildWorld(): Promise<World> {
  const orgA = await companyWithDepartment();
  const orgB = await companyWithDepartment();
  const one = (roles: Role[], org: Org = orgA, extra: Partial<User> = {}) => createUser(org, { roles, ...extra });
  const groupA = await createGroup();
  const groupB = await createGroup();
  const group = await prisma.processingGroup.findUniqueOrThrow({ where: { id: groupA } });

  const manager = await one(["MANAGER"]);
  const otherManager = await one(["MANAGER"]);
  const users: Record<Role, User> = {
    EMPLOYEE: await one(["EMPLOYEE"], orgA, { managerId: manager.id }),
    MANAGER: manager,
    ACCOUNTANT: await createMember(orgA, [groupA], { roles: ["ACCOUNTANT"] }),
    QA: await one(["QA"]),
    ARCHIVIST: await one(["ARCHIVIST"]),
    SUPERVISOR: await one(["SUPERVISOR"]),
    ADMIN: await one(["ADMIN"]),
    TREASURY: await one(["TREASURY"]),
  };
  const others: Record<Role, User> = {
    EMPLOYEE: await one(["EMPLOYEE"], orgA, { managerId: otherManager.id }),
    MANAGER: otherManager,
    ACCOUNTANT: await createMember(orgA, [groupB], { roles: ["ACCOUNTANT"] }),
    QA: await one(["QA"]),
    ARCHIVIST: await one(["ARCHIVIST"], orgB),
    SUPERVISOR: await one(["SUPERVISOR"], orgB),
    ADMIN: await one(["ADMIN"], orgB),
    TREASURY: await one(["TREASURY"], orgB),
  };
  // Back-office scope: the companies a user works for.
  // (Accountants too: the ledger screens read the books of the companies a user is assigned to.)
  for (const role of ["ARCHIVIST", "SUPERVISOR", "ADMIN", "TREASURY", "ACCOUNTANT"] as const) {
    await prisma.userCompany.create({ data: { userId: users[role].id, companyId: orgA.companyId } });
    await prisma.userCompany.create({ data: { userId: others[role].id, companyId: orgB.companyId } });
  }

  // One stored original, shared by every receipt of the fixtures (content-addressed, like real uploads).
  const fileSha = createHash("sha256").update(PNG).digest("hex");
  await prisma.storedFile.upsert({
    where: { sha256: fileSha },
    update: {},
    create: { sha256: fileSha, sizeBytes: PNG.length, mimeType: "image/png", status: "READY", pageCount: 1, pages: [{ width: 1, height: 1 }], readyAt: new Date() },
  });
  await fs.mkdir(path.dirname(originalPath(fileSha)), { recursive: true });
  await fs.writeFile(originalPath(fileSha), PNG);

  const employee = users.EMPLOYEE;
  const claim = await createClaim(employee, { status: "APPROVED", version: 5, groupId: groupA, submittedAt: new Date() });
  const approvalTaskId = randomUUID();
  const reviewTaskId = randomUUID();
  const qaTaskId = randomUUID();
  const now = new Date();
  await prisma.task.createMany({
    data: [
      { id: approvalTaskId, claimId: claim.id, type: "MANAGER_APPROVAL", status: "DONE", assigneeId: manager.id, outcome: "approved", claimVersion: 2, startedAt: now, finishedAt: now },
      { id: reviewTaskId, claimId: claim.id, type: "REVIEW", groupId: groupA, status: "DONE", assigneeId: users.ACCOUNTANT.id, outcome: "approved", claimVersion: 3, startedAt: now, finishedAt: now },
      { id: qaTaskId, claimId: claim.id, type: "QA", status: "IN_PROGRESS", assigneeId: users.QA.id, claimVersion: 5, startedAt: now },
    ],
  });
  await prisma.qaCheck.create({
    data: { id: randomUUID(), qaTaskId, reviewTaskId, claimId: claim.id, operatorId: users.ACCOUNTANT.id, stratum: "base", sampleRateBp: 500 },
  });
  w = { fileSha } as World; // receiptOn needs the file
  const receiptId = await receiptOn(claim.id, employee.id);

  const review = await queueReviewTask(employee, groupA, { status: "IN_PROGRESS", assigneeId: users.ACCOUNTANT.id, approvedBy: manager.id });

  const drafts = {} as Record<Role, { claimId: string; receiptId: string }>;
  for (const role of ROLES) {
    const draft = await createClaim(users[role], { status: "DRAFT" });
    drafts[role] = { claimId: draft.id, receiptId: await receiptOn(draft.id, users[role].id) };
  }

  // A link shows its maker's companies (user_company, inserted above): the supervisor's company A.
  const live = await createBoardToken({ name: "Matrix TV", actorId: users.SUPERVISOR.id, lifetimeDays: 7 });
  const revoked = await createBoardToken({ name: "Matrix TV (revoked)", actorId: users.SUPERVISOR.id, lifetimeDays: 7 });
  await revokeBoardToken({ id: revoked.id, actorId: users.SUPERVISOR.id });

  const bare = await one(["SUPERVISOR"]);
  const quotaUser = await one(["EMPLOYEE"]);
  const quotaDraft = await createClaim(quotaUser, { status: "DRAFT" });
  await prisma.uploadUsage.create({ data: { userId: quotaUser.id, claimId: quotaDraft.id, sha256: fileSha, sizeBytes: BigInt(1e13) } });

  const run = await treasuryRunOf(orgA.companyId, users.TREASURY.id, others.TREASURY.id);
  const ledger = await ledgerOf(orgA, employee);
  const retention = await retentionOf(orgA, users);
  const archive = await archiveRecordOf(employee);
  const access = await accessOf(orgA, employee, users.ARCHIVIST);

  return {
    orgA,
    orgB,
    run,
    users,
    others,
    groupName: group.name,
    claim: { id: claim.id, number: claim.number, receiptId },
    review: { taskId: review.taskId, claimId: review.claimId, number: review.claimNumber, groupId: groupA },
    qaTaskId,
    drafts,
    fileSha,
    token: { live: live.token, revoked: revoked.token },
    sameCompanyDepartmentId: (await createDepartment(orgA.companyId)).id,
    bare,
    quota: { user: quotaUser, claimId: quotaDraft.id },
    ledger,
    retention,
    access,
    archive,
  };
}

/** Company A's archive for the retention routes: records closed in 1990 (30 years: due since 2021), one held, an open request, a register row. */
async function retentionOf(org: Org, users: Record<Role, User>): Promise<RetentionWorld> {
  const tag = randomUUID().slice(0, 8).toUpperCase();
  const company = await prisma.company.findUniqueOrThrow({ where: { id: org.companyId }, select: { code: true } });
  const make = async (suffix: string, extra: Partial<Parameters<typeof createArchiveRecord>[1]> = {}) => {
    const r = await createArchiveRecord(prisma, { companyId: org.companyId, claimNumber: `MX${tag}${suffix}`, closedOn: "1990-06-01", ...extra });
    return { ...r, number: `MX${tag}${suffix}` };
  };
  const due = await make("D");
  const proposable = await make("P");
  const holdable = await make("H");
  const held = await make("L", { legalHold: { reason: "matrix", byId: users.ADMIN.id } });
  const inRequest = await make("R");
  const requestId = randomUUID();
  await prisma.destructionRequest.create({ data: { id: requestId, companyId: org.companyId, reason: "matrix", requestedById: users.ARCHIVIST.id } });
  await prisma.destructionItem.create({ data: { requestId, recordId: inRequest.id } });
  // A destroyed record and its register row (written as execution writes it).
  const gone = await make("X");
  const executed = randomUUID();
  await prisma.destructionRequest.create({ data: { id: executed, companyId: org.companyId, reason: "matrix", requestedById: users.ARCHIVIST.id, status: "EXECUTED", executedAt: new Date() } });
  await prisma.destructionItem.create({ data: { requestId: executed, recordId: gone.id } });
  await prisma.archiveRecord.update({ where: { id: gone.id }, data: { status: "DESTROYED", destroyedAt: new Date() } });
  await prisma.destructionRegister.create({
    data: {
      id: randomUUID(),
      requestId: executed,
      recordId: gone.id,
      claimNumber: gone.number,
      companyId: org.companyId,
      docType: "EXPENSE_CLAIM",
      closedOn: new Date("1990-06-01"),
      retentionYears: 30,
      reason: "matrix",
      requestedBy: "matrix",
      approvals: [],
      manifestSha256: "0".repeat(64),
      files: [],
      destroyedById: users.ARCHIVIST.id,
    },
  });
  return { dueNumber: due.number, proposableId: proposable.id, holdableNumber: holdable.number, heldNumber: held.number, requestId, registerNumber: gone.number, companyCode: company.code };
}

/** A paid claim of company A filed as an archive record (a real package on disk). */
async function archiveRecordOf(employee: User): Promise<World["archive"]> {
  const claim = await createClaim(employee, { status: "PAID", version: 7, submittedAt: new Date() });
  await prisma.expenseCategory.upsert({ where: { code: "TAXI" }, update: {}, create: { code: "TAXI", name: "Taxi", nameZh: "出租车" } });
  await prisma.claimLine.create({ data: { id: randomUUID(), claimId: claim.id, position: 1, spentOn: new Date("2026-11-20T00:00:00Z"), categoryCode: "TAXI", merchant: "Matrix Taxi", amountMinor: 4_200n, currency: "CNY" } });
  await attachTypicalReceipts(prisma, claim.id, employee.id);
  const filed = await fileArchiveRecord(claim.id);
  if (filed.status !== "filed") throw new Error(`archive record not filed: ${filed.status}`);
  return { recordId: filed.recordId, claimNumber: claim.number };
}

const todayIso = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
const asDay = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** A request of `requesterId` written directly: an approved VIEW for today (opens the record) or a BORROW still to decide. */
async function archiveRequestOf(requesterId: string, kind: "VIEW" | "BORROW", status: "APPROVED" | "REQUESTED", deciderId?: string): Promise<string> {
  const id = randomUUID();
  const today = asDay(todayIso());
  await prisma.archiveRequest.create({
    data: {
      id,
      kind,
      requesterId,
      recordId: kind === "VIEW" ? w.access.recordId : null,
      boxId: kind === "BORROW" ? w.access.boxId : null,
      purposeKind: "AUDIT",
      purpose: "Matrix",
      fromOn: today,
      toOn: today,
      status,
      ...(status === "APPROVED" ? { decidedAt: new Date(), decidedById: deciderId ?? w.users.ARCHIVIST.id } : {}),
    },
  });
  return id;
}

/** Company A's archive: one record with a package on disk (claim.json, one image), one box, two requests of the employee. */
async function accessOf(org: Org, employee: User, archivist: User): Promise<AccessWorld> {
  const tag = randomUUID().slice(0, 6).toUpperCase();
  const packagePath = `matrix-archive/${tag}`;
  const record = await createAccessRecord(prisma, { companyId: org.companyId, departmentId: org.departmentId, claimantId: employee.id, claimantName: "Matrix claimant", claimNumber: `MX${tag}`, packagePath });
  await writeRecordPackage(prisma, { recordId: record.id, root: storageRoot(), packagePath, claimData: { number: `MX${tag}` } });
  const boxLabel = `MX${tag}-2025-BX-B0001`;
  const boxId = await createArchiveBox(prisma, { companyId: org.companyId, label: boxLabel, createdById: archivist.id });
  const partial = { claimNumber: record.claimNumber, recordId: record.id, boxLabel, boxId, viewRequestId: "", borrowRequestId: "" };
  w.access = partial;
  partial.viewRequestId = await archiveRequestOf(employee.id, "VIEW", "APPROVED", archivist.id);
  partial.borrowRequestId = await archiveRequestOf(employee.id, "BORROW", "REQUESTED");
  return partial;
}

/** Company A's books for the ledger routes: written with the ledger fixture (balanced vouchers through SQL). */
async function ledgerOf(org: Org, employee: User): Promise<LedgerWorld> {
  const tag = randomUUID().slice(0, 8);
  const company = await prisma.company.findUniqueOrThrow({ where: { id: org.companyId }, select: { code: true } });
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    await seedViewAccounts(db, org.companyId);
    const accountName = `Matrix account ${tag}`;
    await prisma.glAccount.create({ data: { companyId: org.companyId, code: `9999.${tag.slice(0, 4)}`, name: accountName, nameZh: `矩阵科目 ${tag}`, kind: "EXPENSE" } });
    const description = `Matrix voucher ${tag}`;
    const lines = claimVoucherLines({ netMinor: 10_000n, vatMinor: 600n, employeeId: employee.id, departmentId: org.departmentId });
    const voucher = await seedViewVoucher(db, { companyId: org.companyId, date: "2026-10-15", description, lines });
    const reversible = await seedViewVoucher(db, { companyId: org.companyId, date: "2026-10-16", description: `${description} (to reverse)`, lines });
    const exportSha = createHash("sha256").update(tag).digest("hex");
    await prisma.voucherExport.create({ data: { id: randomUUID(), companyId: org.companyId, format: "csv", voucherCount: 0, lineCount: 0, sha256: exportSha } });
    // An approved claim whose category has no mapping: on the not-yet-posted list.
    await prisma.expenseCategory.createMany({ data: [{ code: "TAXI", name: "Taxi", nameZh: "出租车", sortOrder: 30 }], skipDuplicates: true });
    const pending = await createClaim(employee, { status: "APPROVED", version: 4, submittedAt: new Date() });
    await prisma.claimLine.create({ data: { id: randomUUID(), claimId: pending.id, position: 1, spentOn: new Date("2026-10-10"), categoryCode: "TAXI", merchant: "Matrix taxi", amountMinor: 4_200n, currency: "CNY" } });
    return { companyCode: company.code, voucherId: voucher.id, reversibleId: reversible.id, description, exportSha, accountName, pendingClaimNumber: pending.number };
  } finally {
    await db.end();
  }
}

/** An approved run (no payments needed by the routes' checks) with its file, for the treasury routes. */
async function treasuryRunOf(companyId: string, preparedBy: string, approvedBy: string): Promise<{ id: string; number: string }> {
  const payerId = randomUUID();
  await prisma.payerAccount.create({
    data: { id: payerId, companyId, currency: "CNY", name: "Matrix payer", kind: "cn", holderName: "Matrix", accountNumber: "110012345678", bankName: "Matrix bank", cnapsCode: "105100000017" },
  });
  const id = randomUUID();
  const number = `PR2026120${String(Date.now()).slice(-7)}`;
  await prisma.paymentRun.create({
    data: { id, number, companyId, payerAccountId: payerId, currency: "CNY", valueDate: new Date(), status: "APPROVED", fileFormat: "pain001", connector: "file", paymentCount: 0, totalMinor: 0n, preparedBy, approvedBy, approvedAt: new Date() },
  });
  const bytes = new TextEncoder().encode("<Document/>");
  await prisma.paymentFile.create({
    data: { runId: id, format: "pain001", fileName: `${number}.xml`, mimeType: "application/xml", bytes, sha256: createHash("sha256").update(bytes).digest("hex"), schema: "pain.001.001.10", schemaValid: true, messageId: number, createdAt: new Date() },
  });
  return { id, number };
}

/** A SUBMITTED claim of users.EMPLOYEE with its first approval task, assigned to `assigneeId` (null: nobody can approve it). */
async function approvalFor(assigneeId: string | null): Promise<{ taskId: string; claimId: string; number: string; version: number }> {
  const claim = await createClaim(w.users.EMPLOYEE, { status: "SUBMITTED", version: 2, submittedAt: new Date() });
  const taskId = randomUUID();
  await prisma.task.create({ data: { id: taskId, claimId: claim.id, type: "MANAGER_APPROVAL", step: 1, status: "OPEN", assigneeId, claimVersion: 2 } });
  return { taskId, claimId: claim.id, number: claim.number, version: 2 };
}

/** A held (PENDING) bank-account change of `userId`, as the employee asked for it. */
async function heldChangeOf(userId: string): Promise<string> {
  const id = randomUUID();
  await prisma.bankAccount.create({
    data: { id, userId, kind: "cn", holderName: "矩阵", accountNumber: "6222000011112222", bankName: "Matrix Bank", cnapsCode: "102290000016", fingerprint: "a".repeat(64), status: "PENDING", requestedBy: userId },
  });
  return id;
}

/** A payer account of `companyId` (not the default, so deactivating it moves nothing). */
async function payerAccountOf(companyId: string, name: string): Promise<string> {
  const id = randomUUID();
  await prisma.payerAccount.create({
    data: { id, companyId, currency: "CNY", name, kind: "cn", holderName: "Matrix Co", accountNumber: "1001000000000001", bankName: "Matrix Bank", cnapsCode: "102290000016", isDefault: false },
  });
  return id;
}

async function send(req: Req, { unparseable = false } = {}): Promise<Call> {
  const cookie = req.user ? await sessionCookie(req.user.id) : undefined;
  const method = req.method ?? (req.form ? "POST" : "GET");
  // A body that claims to be multipart but is not: reading it fails, so only a check made before the form is read can answer.
  const headers: Record<string, string> = unparseable ? { "Content-Type": "multipart/form-data; boundary=matrix-not-a-boundary" } : {};
  return call(server, req.path, { method, cookie, form: req.form ?? (unparseable ? { probe: "1" } : undefined), headers });
}

const isSignInRedirect = (c: Call) => c.status >= 300 && c.status < 400 && /^(https?:\/\/[^/]+)?\/login(\?|$)/.test(c.location ?? "");

// ── the role matrix ──

type Caller = Role | "anonymous";
type Probe = { path: string; method?: string; form?: Record<string, string>; /** an allowed call may answer 404 (bull-board: no such job) */ allowNotFound?: boolean };

/**
 * For each manifest handler, the request that exercises it without changing anything that matters: for
 * an allowed caller it must get past the role and scope checks (the scoped fixtures are theirs).
 */
const PROBES: Record<string, (caller: Caller, user: User | null) => Promise<Probe> | Probe> = {
  "_index loader": () => ({ path: "/" }),
  "account loader": () => ({ path: "/account" }),
  // Ends a second session of the caller's own (a spare one made for the purpose).
  "account action": async (_c, user) => ({
    path: "/account",
    form: { intent: "end", sessionId: user ? (await createSession(prisma, { userId: user.id, ip: "127.0.0.1", userAgent: "matrix" })).id : randomUUID() },
  }),
  "account_.bank loader": () => ({ path: "/account/bank" }),
  "account_.bank action": () => ({ path: "/account/bank", form: { intent: "read" } }),
  "treasury_.bank-changes loader": () => ({ path: "/treasury/bank-changes" }),
  "treasury_.bank-changes action": () => ({ path: "/treasury/bank-changes", form: { intent: "reject", accountId: randomUUID(), note: "" } }),
  "treasury_.payer-accounts loader": () => ({ path: "/treasury/payer-accounts" }),
  "treasury_.payer-accounts action": () => ({ path: "/treasury/payer-accounts", form: { intent: "add" } }),
  "budgets._index loader": () => ({ path: "/budgets" }),
  "budgets.manage loader": () => ({ path: "/budgets/manage" }),
  // An incomplete form: refused field by field (200), nothing written.
  "budgets.manage action": () => ({ path: "/budgets/manage", form: { intent: "set-cell" } }),
  "budgets.transfers loader": () => ({ path: "/budgets/transfers" }),
  "budgets.transfers action": () => ({ path: "/budgets/transfers", form: { intent: "transfer-request" } }),
  // The caller's own company and department (their profile): in scope for everyone signed in.
  "budgets.preview loader": (_c, user) => ({ path: budgetPreviewPath(user?.companyId ?? w.orgA.companyId, user?.departmentId ?? w.orgA.departmentId) }),
  "admin.paper loader": () => ({ path: "/admin/paper" }),
  // Working days out of range: refused by the form, nothing changed.
  "admin.paper action": () => ({ path: "/admin/paper", form: { intent: "paper-settings", companyId: w.orgA.companyId, originalsDueWorkingDays: "0" } }),
  "archive_.originals.$claimId loader": () => ({ path: `/archive/originals/${w.claim.id}` }),
  // A finding at a version long gone: refused as stale on the page, nothing recorded.
  "archive_.originals.$claimId action": () => ({ path: `/archive/originals/${w.claim.id}`, form: { intent: "differs", claimVersion: "0", reason: "amount", outcome: "EXCEPTION" } }),
  "admin.routing loader": () => ({ path: "/admin/routing" }),
  "admin.routing action": () => ({ path: "/admin/routing", form: { intent: "up", id: randomUUID() } }),
  "admin.security loader": () => ({ path: "/admin/security" }),
  "admin.users loader": () => ({ path: "/admin/users" }),
  // No roles for a user that does not exist: refused (no_roles) before anything is read or written.
  "admin.users action": () => ({ path: "/admin/users", form: { userId: randomUUID() } }),
  "approvals loader": () => ({ path: "/approvals" }),
  "approvals action": () => ({ path: "/approvals", form: { intent: "delegate", delegateEmail: "", from: "", to: "" } }),
  "board.events loader": () => ({ path: "/board/events?probe=1" }),
  "board loader": () => ({ path: "/board" }),
  // Off in the tests' server (no BENCH_BARE_ROUTE): 404 for everyone, anonymous included.
  "bench.bare loader": () => ({ path: "/bench/bare", allowNotFound: true }),
  "board_.settings loader": () => ({ path: "/board/settings" }),
  "board_.settings action": () => ({ path: "/board/settings", form: { intent: "probe" } }),
  "claims.$claimId._index loader": () => ({ path: `/claims/${w.claim.id}` }),
  // Withdraws a fresh submitted claim of the caller's own (the employee's for anonymous).
  "claims.$claimId._index action": async (c) => {
    const claim = await createClaim(c === "anonymous" ? w.users.EMPLOYEE : w.users[c], { status: "SUBMITTED", version: 2, submittedAt: new Date() });
    return { path: `/claims/${claim.id}`, form: { intent: "withdraw", version: "2" } };
  },
  "claims.$claimId.edit loader": (c) => ({ path: `/claims/${draftOf(c).claimId}/edit` }),
  "claims.$claimId.edit action": (c) => ({ path: `/claims/${draftOf(c).claimId}/edit`, form: { intent: "save" } }),
  "claims.$claimId.receipts loader": () => ({ path: `/claims/${w.claim.id}/receipts` }),
  "claims.$claimId.receipts action": async (c, user) => {
    // Removes a receipt of the caller's own draft (a fresh one, so every call has one to remove).
    const d = draftOf(c);
    const receiptId = user ? await receiptOn(d.claimId, user.id) : d.receiptId;
    return { path: `/claims/${d.claimId}/receipts`, form: { intent: "remove", receiptId } };
  },
  "claims.$claimId.viewer loader": () => ({ path: `/claims/${w.claim.id}/viewer` }),
  "claims.$claimId.cover-sheet loader": () => ({ path: `/claims/${w.claim.id}/cover-sheet` }),
  // A scan of CLOSE with no packet open: answered on the page (close_no_packet), nothing changes.
  "archive.arrivals loader": () => ({ path: "/archive/arrivals" }),
  "archive.arrivals action": () => ({ path: "/archive/arrivals", form: { code: "CLOSE" } }),
  "archive.packets._index loader": () => ({ path: "/archive/packets" }),
  // No company chosen: refused on the page, nothing made.
  "archive.packets._index action": () => ({ path: "/archive/packets", form: { companyId: "", origin: "" } }),
  // The caller's own packet (every role may make one for its own company).
  "archive.packets.$packetId loader": async (c) => ({ path: `/archive/packets/${(await packetOf(c)).id}` }),
  // Sending without carrier and tracking number: refused field by field, nothing changes.
  "archive.packets.$packetId action": async (c) => ({ path: `/archive/packets/${(await packetOf(c)).id}`, form: { intent: "send", carrier: "", trackingNumber: "" } }),
  "archive.packets.$packetId.manifest loader": async (c) => ({ path: `/archive/packets/${(await packetOf(c)).id}/manifest` }),
  "claims._index loader": () => ({ path: "/claims" }),
  "claims.new loader": () => ({ path: "/claims/new" }),
  "claims.new action": () => ({ path: "/claims/new", form: {} }),
  "files.receipts.$receiptId.$ loader": () => ({ path: `/files/receipts/${w.claim.receiptId}/original` }),
  "locale loader": () => ({ path: "/locale" }),
  "healthz loader": () => ({ path: "/healthz" }),
  "readyz loader": () => ({ path: "/readyz" }),
  "locale action": () => ({ path: "/locale", form: { locale: "en", redirectTo: "/claims" } }),
  "login loader": () => ({ path: "/login" }),
  // An incomplete form: answered without a password check, so the sign-in throttle never counts it.
  "login action": () => ({ path: "/login", form: {} }),
  "logout loader": () => ({ path: "/logout" }),
  "logout action": () => ({ path: "/logout", form: {} }),
  "pay._index loader": () => ({ path: "/pay?month=2026-01" }),
  "pay._index action": () => ({ path: "/pay", form: { intent: "close", month: "not-a-month" } }),
  "pay.export loader": () => ({ path: "/pay/export?month=2026-01" }),
  "pay.rates loader": () => ({ path: "/pay/rates" }),
  "pay.rates action": () => ({ path: "/pay/rates", form: { kind: "piece", intent: "probe" } }),
  "qa._index loader": () => ({ path: "/qa" }),
  "qa._index action": () => ({ path: "/qa", form: { intent: "probe" } }),
  "qa.settings loader": () => ({ path: "/qa/settings" }),
  "qa.settings action": () => ({ path: "/qa/settings", form: {} }),
  "queue loader": () => ({ path: "/queue" }),
  "queue action": () => ({ path: "/queue", form: { intent: "probe" } }),
  "queue_.tasks loader": () => ({ path: "/queue/tasks" }),
  "queue_.tasks action": () => ({ path: "/queue/tasks", form: { intent: "reassign" } }),
  "scorecards loader": () => ({ path: "/scorecards?month=2026-01" }),
  "staffing loader": () => ({ path: "/staffing" }),
  "treasury.reconciliation loader": () => ({ path: "/treasury/reconciliation" }),
  // A manual match without a payment chosen: refused by the form (200), nothing read or changed.
  "treasury.reconciliation action": () => ({ path: "/treasury/reconciliation", form: { intent: "match", entryId: randomUUID() } }),
  // The workstation of the caller's own task: the accountant's review in progress, the QA user's check;
  // supervisors and admins look at the review read-only.
  "treasury._index loader": () => ({ path: "/treasury" }),
  // An unreadable value date: refused by the form, nothing prepared.
  "treasury._index action": () => ({ path: "/treasury", form: { valueDate: "not-a-date" } }),
  "treasury.runs.$runId loader": () => ({ path: `/treasury/runs/${w.run.id}` }),
  "treasury.runs.$runId action": () => ({ path: `/treasury/runs/${w.run.id}`, form: { intent: "probe" } }),
  "treasury.runs.$runId.file loader": () => ({ path: `/treasury/runs/${w.run.id}/file` }),
  "work.$taskId loader": (c) => ({ path: `/work/${c === "QA" ? w.qaTaskId : w.review.taskId}` }),
  // A decision at a version that is long gone (accountant) or an incomplete QA record: refused as stale/invalid, nothing changes.
  "work.$taskId action": (c) =>
    c === "QA"
      ? { path: `/work/${w.qaTaskId}`, form: { intent: "qa_record", claimVersion: "0" } }
      : { path: `/work/${w.review.taskId}`, form: { intent: "approve", claimVersion: "0" } },
  "archive.records._index loader": () => ({ path: "/archive/records" }),
  "archive.records._index action": () => ({ path: "/archive/records", form: { intent: "run-fixity" } }),
  "archive.records.$recordId loader": () => ({ path: `/archive/records/${w.archive.recordId}` }),
  "archive.records.$recordId action": () => ({ path: `/archive/records/${w.archive.recordId}`, form: { intent: "checks" } }),
  "archive.records.$recordId.file loader": () => ({ path: `/archive/records/${w.archive.recordId}/file?path=claim.json` }),
  "archive._index loader": () => ({ path: "/archive" }),
  "archive.requests._index loader": () => ({ path: "/archive/requests" }),
  "archive.requests.new loader": () => ({ path: "/archive/requests/new" }),
  // An incomplete form: refused field by field (200), nothing written.
  "archive.requests.new action": () => ({ path: "/archive/requests/new", form: { kind: "VIEW" } }),
  // The caller's own request (archive staff of company A also see the employee's).
  "archive.requests.$requestId loader": async (_c, user) => ({ path: `/archive/requests/${user ? await archiveRequestOf(user.id, "BORROW", "REQUESTED") : w.access.borrowRequestId}` }),
  // An intent nobody knows: answered on the page, nothing changed.
  "archive.requests.$requestId action": () => ({ path: `/archive/requests/${w.access.borrowRequestId}`, form: { intent: "probe" } }),
  "archive.requests.$requestId_.view loader": async (_c, user) => ({ path: `/archive/requests/${user ? await archiveRequestOf(user.id, "VIEW", "APPROVED") : w.access.viewRequestId}/view` }),
  "archive.requests.$requestId_.image loader": async (_c, user) => ({
    path: `/archive/requests/${user ? await archiveRequestOf(user.id, "VIEW", "APPROVED") : w.access.viewRequestId}/image?path=${encodeURIComponent("receipts/1.png")}`,
  }),
  "archive.stats loader": () => ({ path: "/archive/stats" }),
  "ledger._index loader": () => ({ path: "/ledger" }),
  "ledger.vouchers.$voucherId loader": () => ({ path: `/ledger/vouchers/${w.ledger.voucherId}` }),
  // A reversal without a reason: refused by the form, nothing posted.
  "ledger.vouchers.$voucherId action": () => ({ path: `/ledger/vouchers/${w.ledger.voucherId}`, form: { intent: "reverse", reason: "" } }),
  "ledger.pending loader": () => ({ path: "/ledger/pending" }),
  "ledger.periods loader": () => ({ path: "/ledger/periods" }),
  // A close of a period that is not one: refused by the form.
  "ledger.periods action": () => ({ path: "/ledger/periods", form: { intent: "close", companyId: w.orgA.companyId, period: "2026-13" } }),
  "ledger.exports loader": () => ({ path: "/ledger/exports" }),
  // ERP numbers without a system or a file: refused by the form.
  "ledger.exports action": () => ({ path: "/ledger/exports", form: { intent: "erp", companyId: w.orgA.companyId, erpSystem: "" } }),
  // An export in a format that does not exist: sent back to the page with the refusal, nothing exported.
  "ledger.exports.file action": () => ({ path: "/ledger/exports/file", form: { companyId: w.orgA.companyId, format: "xml" } }),
  "ledger.accounts loader": () => ({ path: "/ledger/accounts" }),
  // An expense mapping without a category or account: refused by the form.
  "ledger.accounts action": () => ({ path: "/ledger/accounts", form: { intent: "set-mapping", companyId: w.orgA.companyId, purpose: "EXPENSE", accountCode: "" } }),
  "archive.boxes._index loader": async () => ({ path: `/archive/boxes?claim=${(await boxWorld()).claimNumber}` }),
  // A box with a year that is not one: refused by the form, nothing made.
  "archive.boxes._index action": async () => ({ path: "/archive/boxes", form: { companyId: w.orgA.companyId, year: "not-a-year", docType: "BX", locationId: (await boxWorld()).shelfId } }),
  "archive.boxes.$boxId._index loader": async () => ({ path: `/archive/boxes/${(await boxWorld()).boxId}` }),
  "archive.boxes.$boxId._index action": async () => ({ path: `/archive/boxes/${(await boxWorld()).boxId}`, form: { intent: "probe" } }),
  "archive.boxes.$boxId.label loader": async () => ({ path: `/archive/boxes/${(await boxWorld()).boxId}/label` }),
  "archive.boxes.$boxId.contents loader": async () => ({ path: `/archive/boxes/${(await boxWorld()).boxId}/contents` }),
  "archive.boxes.file loader": async () => ({ path: `/archive/boxes/file?box=${(await boxWorld()).boxId}` }),
  // A scan that is neither a cover sheet nor a box label: refused at the station, nothing filed.
  "archive.boxes.file action": async () => ({ path: "/archive/boxes/file", form: { boxId: (await boxWorld()).boxId, code: "NOT-A-CODE" } }),
  "archive.boxes.locations loader": () => ({ path: "/archive/boxes/locations" }),
  // A location without a code or names: refused by the form.
  "archive.boxes.locations action": () => ({ path: "/archive/boxes/locations", form: { code: "", name: "", nameZh: "", kind: "SHELF" } }),
  "archive.boxes.settings loader": () => ({ path: "/archive/boxes/settings" }),
  // An empty scheme: refused per field, nothing saved.
  "archive.boxes.settings action": () => ({ path: "/archive/boxes/settings", form: { companyId: w.orgA.companyId, box: "", position: "" } }),
  "archive.retention._index loader": () => ({ path: "/archive/retention" }),
  // A proposal without records or a reason: refused on the page, nothing proposed.
  "archive.retention._index action": () => ({ path: "/archive/retention", form: { reason: "" } }),
  "archive.retention.requests.$requestId loader": () => ({ path: `/archive/retention/requests/${w.retention.requestId}` }),
  // An unknown intent: refused on the page, nothing changed.
  "archive.retention.requests.$requestId action": () => ({ path: `/archive/retention/requests/${w.retention.requestId}`, form: { intent: "probe" } }),
  "archive.retention.holds loader": () => ({ path: "/archive/retention/holds" }),
  // A hold without a claim number or reason: refused on the page.
  "archive.retention.holds action": () => ({ path: "/archive/retention/holds", form: { intent: "place", claimNumber: "", reason: "" } }),
  "archive.retention.register loader": () => ({ path: "/archive/retention/register" }),
  "archive.retention.register_.csv loader": () => ({ path: "/archive/retention/register/csv" }),
  "archive.retention.settings loader": () => ({ path: "/archive/retention/settings" }),
  // A period below the law's minimum: refused on the page, nothing saved.
  "archive.retention.settings action": () => ({ path: "/archive/retention/settings", form: { companyId: w.orgA.companyId, EXPENSE_CLAIM: "1" } }),
  "/admin/queues loader": () => ({ path: "/admin/queues" }),
  "/admin/queues action": () => ({ path: `/admin/queues/api/queues/routing/${randomUUID()}/retry`, method: "PUT", allowNotFound: true }),
};

function budgetPreviewPath(companyId: string, departmentId: string): string {
  const lines = JSON.stringify([{ categoryCode: "TAXI", spentOn: "2026-11-02", amount: "10", currency: "CNY" }]);
  return `/budgets/preview?${new URLSearchParams({ companyId, departmentId, lines })}`;
}

/** Two budget cells of company A (this year), with budget, for the budget screens' scope cases. */
async function budgetCellsOfA(): Promise<{ from: string; to: string; marker: string }> {
  const company = await prisma.company.findUniqueOrThrow({ where: { id: w.orgA.companyId }, select: { code: true } });
  const year = new Date().toISOString().slice(0, 4);
  const ids: string[] = [];
  for (const period of [`${year}-01`, `${year}-02`]) {
    const existing = await prisma.budgetCell.findFirst({ where: { companyId: w.orgA.companyId, departmentId: w.orgA.departmentId, period, categoryCode: null } });
    if (existing) {
      ids.push(existing.id);
      continue;
    }
    const { cellId } = await setBudgetCell(w.users.ADMIN, { companyId: w.orgA.companyId, departmentId: w.orgA.departmentId, period, categoryCode: null, amountMinor: 1_000_000n, ownerEmail: "" });
    ids.push(cellId);
  }
  return { from: ids[0]!, to: ids[1]!, marker: company.code };
}

/** A payer account of the company (made once per company). */
const payerAccounts = new Map<string, string>();
async function statementAccountOf(companyId: string): Promise<string> {
  const known = payerAccounts.get(companyId);
  if (known) return known;
  const id = randomUUID();
  await prisma.payerAccount.create({
    data: { id, companyId, currency: "CNY", name: "Matrix head office", kind: "cn", holderName: "Matrix", accountNumber: `M${id.slice(0, 12)}`, bankName: "Bank", cnapsCode: "104290003791", isDefault: false },
  });
  payerAccounts.set(companyId, id);
  return id;
}

/** Per role, a packet of company A made by that role's user (the employee's for anonymous), made once. */
const packetsOf = new Map<string, { id: string; code: string }>();
async function packetOf(c: Caller): Promise<{ id: string; code: string }> {
  const user = w.users[c === "anonymous" ? "EMPLOYEE" : c];
  const known = packetsOf.get(user.id);
  if (known) return known;
  const made = await createPacket({ viewer: user, companyId: w.orgA.companyId, origin: "matrix" });
  packetsOf.set(user.id, made);
  return made;
}

/** Company A's archive boxes (made once, on first use): a box with an archived claim in it, one to move, a received original to file. */
type BoxWorld = { shelfId: string; offsiteId: string; boxId: string; label: string; movableId: string; claimNumber: string; receivedClaimId: string; receivedCode: string; companyCode: string };
let boxWorldP: Promise<BoxWorld> | undefined;
function boxWorld(): Promise<BoxWorld> {
  boxWorldP ??= (async () => {
    const company = await prisma.company.findUniqueOrThrow({ where: { id: w.orgA.companyId }, select: { code: true } });
    const tag = randomUUID().slice(0, 6).toUpperCase();
    const shelfId = randomUUID();
    const offsiteId = randomUUID();
    await prisma.archiveLocation.createMany({
      data: [
        { id: shelfId, code: `MX-SH-${tag}`, name: "Matrix shelf", nameZh: "矩阵架", kind: "SHELF" },
        { id: offsiteId, code: `MX-OFF-${tag}`, name: "Matrix store", nameZh: "矩阵库", kind: "OFFSITE" },
      ],
    });
    const box = async (boxNo: number) => {
      const id = randomUUID();
      const label = `${company.code}-2026-BX-B${String(boxNo).padStart(4, "0")}`;
      await prisma.archiveBox.create({ data: { id, label, companyId: w.orgA.companyId, year: 2026, docType: "BX", boxNo, locationId: shelfId, createdById: w.users.ARCHIVIST.id } });
      return { id, label };
    };
    const main = await box(901);
    const movable = await box(902);
    const original = async (status: "ARCHIVED" | "RECEIVED") => {
      const number = `EC2026${String(Date.now()).slice(-9)}${Math.floor(Math.random() * 10)}`;
      const claim = await createClaim(w.users.EMPLOYEE, { number, status: "APPROVED", submittedAt: new Date("2026-11-20T03:00:00Z") });
      await prisma.paperOriginal.create({
        data: { claimId: claim.id, companyId: w.orgA.companyId, status, receiptCount: 1, expectedSince: new Date("2026-11-20T03:00:00Z"), dueOn: new Date("2026-12-04"), receivedAt: new Date(), ...(status === "ARCHIVED" ? { boxId: main.id, position: 1, filedAt: new Date() } : {}) },
      });
      return claim;
    };
    const archived = await original("ARCHIVED");
    const received = await original("RECEIVED");
    return { shelfId, offsiteId, boxId: main.id, label: main.label, movableId: movable.id, claimNumber: archived.number, receivedClaimId: received.id, receivedCode: coverSheetCode(received.number), companyCode: company.code };
  })();
  return boxWorldP;
}

function draftOf(c: Caller) {
  return w.drafts[c === "anonymous" ? "EMPLOYEE" : c];
}

const ALL: [string, RouteEntry][] = [...Object.entries(ROUTE_MANIFEST as Record<string, RouteEntry>), ...Object.entries(EXPRESS_ROUTES as Record<string, RouteEntry>)];
const HANDLERS: { key: string; method: Method; entry: RouteEntry; handler: Handler }[] = ALL.flatMap(([key, entry]) =>
  (["loader", "action"] as const).flatMap((method) => {
    const handler = entry[method];
    return handler ? [{ key, method, entry, handler }] : [];
  }),
);

/** What went wrong with one call, or null when the answer is the manifest's. */
function verdict(handler: Handler, caller: Caller, probe: Probe, c: Call): string | null {
  const got = `${c.status}${c.location ? ` → ${c.location}` : ""}`;
  if (c.status >= 500) return `${caller}: server error ${got}`;
  if (caller === "anonymous") {
    if (handler.anonymous === "sign-in") return isSignInRedirect(c) ? null : `anonymous: expected a redirect to /login, got ${got}`;
    if (handler.anonymous === 401) return c.status === 401 ? null : `anonymous: expected 401, got ${got}`;
    return c.status === 401 || c.status === 403 ? `anonymous: public, but got ${got}` : null;
  }
  if (!callerAllowed(handler.callers, [caller])) return c.status === 403 ? null : `${caller}: expected 403, got ${got}`;
  if (c.status === 401 || c.status === 403) return `${caller}: allowed, but got ${got}`;
  if (c.status === 404 && !probe.allowNotFound) return `${caller}: allowed and in scope, but got 404`;
  // Public handlers may send anyone to the sign-in page (sign-out does, by design).
  if (handler.callers !== "public" && isSignInRedirect(c)) return `${caller}: allowed, but sent to sign in (${got})`;
  return null;
}

beforeAll(async () => {
  server = await startRealServer();
  w = await buildWorld();
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe("the authorization matrix: every manifest entry, as anonymous and as every role", () => {
  it("has a probe for every handler in the manifest (add one when you add a route)", () => {
    const missing = HANDLERS.map((h) => `${h.key} ${h.method}`).filter((k) => !(k in PROBES));
    expect(missing).toEqual([]);
  });

  for (const { key, method, handler } of HANDLERS) {
    it(`${key} ${method}`, async () => {
      const probeOf = PROBES[`${key} ${method}`];
      if (!probeOf) throw new Error(`no probe for ${key} ${method}`);
      const problems: string[] = [];
      for (const caller of ["anonymous", ...ROLES] as const) {
        const user = caller === "anonymous" ? null : w.users[caller];
        const probe = await probeOf(caller, user);
        // Refused callers of an action send a body that cannot be read: the refusal must come before the form is parsed.
        const refused = caller === "anonymous" ? handler.anonymous !== "public" : !callerAllowed(handler.callers, [caller]);
        const c = await send({ user, ...probe }, { unparseable: method === "action" && refused });
        const problem = verdict(handler, caller, probe, c);
        if (problem) problems.push(`${probe.method ?? (probe.form ? "POST" : "GET")} ${probe.path}: ${problem}`);
      }
      expect(problems).toEqual([]);
    });
  }
});

// ── scope: owner / not the owner, same company / other company, in the group / not in it ──

type ScopeReq = Req & { marker?: string };
type ScopeCase = {
  name: string;
  in?: ScopeReq;
  out: ScopeReq;
  /** The out-of-scope call sends a body that cannot be read: the route must refuse before it reads the form. */
  unreadableOut?: boolean;
  /** Checks the database after the out case (nothing changed) and after the in case (it did). */
  afterOut?: () => Promise<void>;
  afterIn?: () => Promise<void>;
};

function twinOf(role: Role, req: Omit<Req, "user">, scopeWhy: string): ScopeCase & { in: ScopeReq } {
  return { name: `${role}: ${scopeWhy}`, in: { user: w.users[role], ...req }, out: { user: w.others[role], ...req } };
}

/** Per scoped handler (every one whose manifest entry names an `outOfScope`), the cases that show it. */
const SCOPE_CASES: Record<string, () => Promise<ScopeCase[]> | ScopeCase[]> = {
  "archive.arrivals loader": async () => {
    // A packet of company A being received: its own company's archivist resumes it; another company's sees no packet.
    const packet = await createPacket({ viewer: w.users.ARCHIVIST, companyId: w.orgA.companyId, origin: "" });
    await prisma.paperPacket.update({ where: { id: packet.id }, data: { status: "RECEIVING", receivingAt: new Date() } });
    const c = twinOf("ARCHIVIST", { path: `/archive/arrivals?packet=${packet.id}` }, "same company / other company");
    return [{ ...c, in: { ...c.in, marker: packet.code }, out: { ...c.out, marker: packet.code } }];
  },
  "archive.arrivals action": async () => {
    const packet = await createPacket({ viewer: w.users.ARCHIVIST, companyId: w.orgA.companyId, origin: "" });
    await prisma.paperPacket.update({ where: { id: packet.id }, data: { status: "SENT", sentAt: new Date(), carrier: "SF", trackingNumber: "M1" } });
    const status = async () => (await prisma.paperPacket.findUniqueOrThrow({ where: { id: packet.id } })).status;
    return [
      {
        ...twinOf("ARCHIVIST", { path: "/archive/arrivals", form: { code: packet.code } }, "scanning a packet: same company / other company"),
        afterOut: async () => expect(await status()).toBe("SENT"),
        afterIn: async () => expect(await status()).toBe("RECEIVING"),
      },
    ];
  },
  "archive.packets._index loader": async () => {
    const packet = await packetOf("EMPLOYEE");
    return [
      { name: "the maker / another employee", in: { user: w.users.EMPLOYEE, path: "/archive/packets", marker: packet.code }, out: { user: w.others.EMPLOYEE, path: "/archive/packets", marker: packet.code } },
      ...(["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const).map((role) => {
        const c = twinOf(role, { path: "/archive/packets?scope=all" }, "all packets: same company / other company");
        return { ...c, in: { ...c.in, marker: packet.code }, out: { ...c.out, marker: packet.code } };
      }),
    ];
  },
  "archive.packets._index action": () => {
    const made = (userId: string) => prisma.paperPacket.count({ where: { createdById: userId, companyId: w.orgA.companyId } });
    return [
      {
        ...twinOf("ARCHIVIST", { path: "/archive/packets", form: { companyId: w.orgA.companyId, origin: "matrix" } }, "making a packet: same company / other company"),
        afterOut: async () => expect(await made(w.others.ARCHIVIST.id)).toBe(0),
      },
    ];
  },
  "archive.packets.$packetId loader": async () => {
    const packet = await packetOf("EMPLOYEE");
    return [
      { name: "the maker / another employee", in: { user: w.users.EMPLOYEE, path: `/archive/packets/${packet.id}` }, out: { user: w.others.EMPLOYEE, path: `/archive/packets/${packet.id}` } },
      ...(["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const).map((role) => twinOf(role, { path: `/archive/packets/${packet.id}` }, "same company / other company")),
    ];
  },
  "archive.packets.$packetId action": async () => {
    const packet = await packetOf("EMPLOYEE");
    const form = { intent: "add", entry: "not-a-code" };
    return [
      { name: "the maker / another employee", in: { user: w.users.EMPLOYEE, path: `/archive/packets/${packet.id}`, form }, out: { user: w.others.EMPLOYEE, path: `/archive/packets/${packet.id}`, form }, unreadableOut: true },
      { ...twinOf("ARCHIVIST", { path: `/archive/packets/${packet.id}`, form }, "same company / other company"), unreadableOut: true },
    ];
  },
  "archive.packets.$packetId.manifest loader": async () => {
    const packet = await packetOf("EMPLOYEE");
    return [
      { name: "the maker / another employee", in: { user: w.users.EMPLOYEE, path: `/archive/packets/${packet.id}/manifest` }, out: { user: w.others.EMPLOYEE, path: `/archive/packets/${packet.id}/manifest` } },
      twinOf("ARCHIVIST", { path: `/archive/packets/${packet.id}/manifest` }, "same company / other company"),
    ];
  },
  "account action": async () => {
    const mine = await createSession(prisma, { userId: w.users.EMPLOYEE.id, ip: "127.0.0.1", userAgent: "matrix" });
    const theirs = await createSession(prisma, { userId: w.others.EMPLOYEE.id, ip: "127.0.0.1", userAgent: "matrix" });
    return [
      {
        name: "one's own session / another user's session",
        in: { user: w.users.EMPLOYEE, path: "/account", form: { intent: "end", sessionId: mine.id } },
        out: { user: w.users.EMPLOYEE, path: "/account", form: { intent: "end", sessionId: theirs.id } },
        afterOut: async () => expect((await prisma.userSession.findUniqueOrThrow({ where: { id: theirs.id } })).revokedAt).toBeNull(),
      },
    ];
  },
  "account_.bank action": async (): Promise<ScopeCase[]> => {
    const mine = await heldChangeOf(w.users.EMPLOYEE.id);
    const theirs = await heldChangeOf(w.others.EMPLOYEE.id);
    const statusOf = async (id: string) => (await prisma.bankAccount.findUniqueOrThrow({ where: { id } })).status;
    return [
      {
        name: "cancelling one's own held change / another employee's",
        in: { user: w.users.EMPLOYEE, path: "/account/bank", form: { intent: "cancel", accountId: mine } },
        out: { user: w.users.EMPLOYEE, path: "/account/bank", form: { intent: "cancel", accountId: theirs } },
        afterOut: async () => expect(await statusOf(theirs)).toBe("PENDING"),
        afterIn: async () => expect(await statusOf(mine)).toBe("CANCELLED"),
      },
    ];
  },
  "treasury_.bank-changes loader": async () => {
    const owner = await createUser(w.orgA, { roles: ["EMPLOYEE"] });
    await heldChangeOf(owner.id);
    return [twinOf("TREASURY", { path: "/treasury/bank-changes", marker: owner.email } as Omit<ScopeReq, "user">, "same company / other company")].map((c) => ({
      ...c,
      in: { ...c.in, marker: owner.email },
      out: { ...c.out, marker: owner.email },
    }));
  },
  "treasury_.bank-changes action": async (): Promise<ScopeCase[]> => {
    const owner = await createUser(w.orgA, { roles: ["EMPLOYEE"] });
    const id = await heldChangeOf(owner.id);
    const statusOf = async () => (await prisma.bankAccount.findUniqueOrThrow({ where: { id } })).status;
    return [
      {
        ...twinOf("TREASURY", { path: "/treasury/bank-changes", form: { intent: "confirm", accountId: id } }, "same company / other company"),
        afterOut: async () => expect(await statusOf()).toBe("PENDING"),
        afterIn: async () => expect(await statusOf()).toBe("ACTIVE"),
      },
    ];
  },
  "treasury_.payer-accounts loader": async () => {
    const name = `Matrix payer ${randomUUID().slice(0, 8)}`;
    await payerAccountOf(w.orgA.companyId, name);
    return (["TREASURY", "ADMIN"] as const).map((role) => {
      const c = twinOf(role, { path: "/treasury/payer-accounts" }, "same company / other company");
      return { ...c, in: { ...c.in, marker: name }, out: { ...c.out, marker: name } };
    });
  },
  "treasury_.payer-accounts action": async (): Promise<ScopeCase[]> => {
    const id = await payerAccountOf(w.orgA.companyId, `Matrix payer ${randomUUID().slice(0, 8)}`);
    const activeOf = async () => (await prisma.payerAccount.findUniqueOrThrow({ where: { id } })).active;
    return [
      {
        ...twinOf("TREASURY", { path: "/treasury/payer-accounts", form: { intent: "deactivate", payerAccountId: id } }, "same company / other company"),
        out: { user: w.others.TREASURY, path: "/treasury/payer-accounts", form: { intent: "deactivate", payerAccountId: id }, marker: "not_found" },
        afterOut: async () => expect(await activeOf()).toBe(true),
        afterIn: async () => expect(await activeOf()).toBe(false),
      },
    ];
  },
  "budgets._index loader": async () => {
    const { marker } = await budgetCellsOfA();
    return (["SUPERVISOR", "ADMIN"] as const).map((role) => {
      const c = twinOf(role, { path: "/budgets" }, "same company / other company");
      return { ...c, in: { ...c.in, marker }, out: { ...c.out, marker } };
    });
  },
  "budgets.manage loader": async () => {
    const { marker } = await budgetCellsOfA();
    const c = twinOf("ADMIN", { path: "/budgets/manage" }, "same company / other company");
    return [{ ...c, in: { ...c.in, marker }, out: { ...c.out, marker } }];
  },
  "budgets.manage action": async (): Promise<ScopeCase[]> => {
    await budgetCellsOfA();
    const year = new Date().toISOString().slice(0, 4);
    const form = { intent: "set-cell", companyId: w.orgA.companyId, departmentId: w.orgA.departmentId, period: `${year}-03`, categoryCode: "", amount: "500", ownerEmail: "" };
    const cellOf = () => prisma.budgetCell.findFirst({ where: { companyId: w.orgA.companyId, departmentId: w.orgA.departmentId, period: `${year}-03`, categoryCode: null } });
    return [
      {
        ...twinOf("ADMIN", { path: "/budgets/manage", form }, "same company / other company"),
        out: { user: w.others.ADMIN, path: "/budgets/manage", form, marker: "not_found" },
        afterOut: async () => expect(await cellOf()).toBeNull(),
        afterIn: async () => expect((await cellOf())?.budgetMinor).toBe(50_000n),
      },
    ];
  },
  "budgets.transfers loader": async () => {
    const { marker } = await budgetCellsOfA();
    return (["SUPERVISOR", "ADMIN"] as const).map((role) => {
      const c = twinOf(role, { path: "/budgets/transfers" }, "same company / other company");
      return { ...c, in: { ...c.in, marker }, out: { ...c.out, marker } };
    });
  },
  "budgets.transfers action": async (): Promise<ScopeCase[]> => {
    const { from, to } = await budgetCellsOfA();
    const form = { intent: "transfer-request", fromCellId: from, toCellId: to, amount: "1", reason: "matrix" };
    const count = () => prisma.budgetTransfer.count({ where: { fromCellId: from } });
    const before = await count();
    return [
      {
        ...twinOf("SUPERVISOR", { path: "/budgets/transfers", form }, "same company / other company"),
        out: { user: w.others.SUPERVISOR, path: "/budgets/transfers", form, marker: "unknown_cell" },
        afterOut: async () => expect(await count()).toBe(before),
        afterIn: async () => expect(await count()).toBe(before + 1),
      },
    ];
  },
  "budgets.preview loader": () => [
    {
      name: "EMPLOYEE: their own company and department / another company's",
      in: { user: w.users.EMPLOYEE, path: budgetPreviewPath(w.orgA.companyId, w.orgA.departmentId) },
      out: { user: w.users.EMPLOYEE, path: budgetPreviewPath(w.orgB.companyId, w.orgB.departmentId) },
    },
    { name: "MANAGER: a department not in their profile", out: { user: w.users.MANAGER, path: budgetPreviewPath(w.orgA.companyId, w.sameCompanyDepartmentId) } },
  ],
  "approvals loader": async () => {
    const mine = await approvalFor(w.users.MANAGER.id);
    const nobodys = await approvalFor(null);
    return [
      {
        name: "MANAGER: the approver / another manager",
        in: { user: w.users.MANAGER, path: "/approvals", marker: mine.number },
        out: { user: w.others.MANAGER, path: "/approvals", marker: mine.number },
      },
      {
        name: "ADMIN: a task nobody can approve / a manager's task",
        in: { user: w.users.ADMIN, path: "/approvals", marker: nobodys.number },
        out: { user: w.users.ADMIN, path: "/approvals", marker: mine.number },
      },
    ];
  },
  "approvals action": async (): Promise<ScopeCase[]> => {
    // A delegation that starts tomorrow (so it grants nothing while the decisions below run).
    const delegationId = randomUUID();
    const tomorrow = new Date(Date.now() + 86_400_000);
    await prisma.approvalDelegation.create({ data: { id: delegationId, managerId: w.users.MANAGER.id, delegateId: w.others.MANAGER.id, validFrom: tomorrow, validTo: tomorrow } });
    const delegationRevokedAt = async () => (await prisma.approvalDelegation.findUniqueOrThrow({ where: { id: delegationId } })).revokedAt;
    const decide = (t: { taskId: string; version: number; number: string }) => ({ intent: "approve", taskId: t.taskId, claimVersion: String(t.version), claimNumber: t.number });
    const stillOpen = (taskId: string) => async () => expect((await prisma.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe("OPEN");
    const done = (taskId: string) => async () => expect((await prisma.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe("DONE");
    const managers = await approvalFor(w.users.MANAGER.id);
    const nobodys = await approvalFor(null);
    const forAdmin = await approvalFor(w.users.MANAGER.id);
    return [
      {
        name: "MANAGER: the approver / another manager deciding it",
        in: { user: w.users.MANAGER, path: "/approvals", form: decide(managers) },
        out: { user: w.others.MANAGER, path: "/approvals", form: decide(managers), marker: "not_allowed" },
        afterOut: stillOpen(managers.taskId),
        afterIn: done(managers.taskId),
      },
      {
        name: "ADMIN: a task nobody can approve / a manager's task",
        in: { user: w.users.ADMIN, path: "/approvals", form: decide(nobodys) },
        out: { user: w.users.ADMIN, path: "/approvals", form: decide(forAdmin), marker: "not_allowed" },
        afterOut: stillOpen(forAdmin.taskId),
        afterIn: done(nobodys.taskId),
      },
      {
        name: "MANAGER: revoking a delegation: the manager who gave it / its delegate",
        in: { user: w.users.MANAGER, path: "/approvals", form: { intent: "revoke", delegationId } },
        out: { user: w.others.MANAGER, path: "/approvals", form: { intent: "revoke", delegationId } },
        afterOut: async () => expect(await delegationRevokedAt()).toBeNull(),
        afterIn: async () => expect(await delegationRevokedAt()).not.toBeNull(),
      },
      {
        name: "MANAGER: delegating to a manager of another company",
        out: { user: w.users.MANAGER, path: "/approvals", form: { intent: "delegate", delegateEmail: w.others.SUPERVISOR.email, from: "", to: "" } },
        afterOut: async () => expect(await prisma.approvalDelegation.count({ where: { managerId: w.users.MANAGER.id } })).toBe(1),
      },
    ];
  },
  "board.events loader": () => [
    { name: "a live board token / a revoked one", in: { user: null, path: `/board/events?probe=1&token=${w.token.live}` }, out: { user: null, path: `/board/events?probe=1&token=${w.token.revoked}` } },
    {
      name: "a live board token / a made-up one, even with a supervisor's session",
      in: { user: null, path: `/board/events?probe=1&token=${w.token.live}` },
      out: { user: w.users.SUPERVISOR, path: `/board/events?probe=1&token=${randomBytes(32).toString("base64url")}` },
    },
  ],
  "board loader": () => [
    { name: "a live board token / a revoked one", in: { user: null, path: `/board?token=${w.token.live}` }, out: { user: null, path: `/board?token=${w.token.revoked}` } },
    { name: "a supervisor with companies / one with none", in: { user: w.users.SUPERVISOR, path: "/board" }, out: { user: w.bare, path: "/board" } },
  ],
  "board_.settings loader": () => [
    { name: "SUPERVISOR: the maker / a supervisor of another company", in: { user: w.users.SUPERVISOR, path: "/board/settings", marker: "Matrix TV" }, out: { user: w.others.SUPERVISOR, path: "/board/settings", marker: "Matrix TV" } },
    { name: "SUPERVISOR: the maker / an admin of another company", out: { user: w.others.ADMIN, path: "/board/settings", marker: "Matrix TV" } },
  ],
  "board_.settings action": async (): Promise<ScopeCase[]> => {
    const link = await createBoardToken({ name: "Matrix scope TV", actorId: w.users.SUPERVISOR.id, lifetimeDays: 1 });
    const revokedAt = async () => (await prisma.boardToken.findUniqueOrThrow({ where: { id: link.id } })).revokedAt;
    return [
      {
        name: "revoking a link: its maker / a supervisor of another company",
        in: { user: w.users.SUPERVISOR, path: "/board/settings", form: { intent: "revoke", id: link.id } },
        out: { user: w.others.SUPERVISOR, path: "/board/settings", form: { intent: "revoke", id: link.id } },
        afterOut: async () => expect(await revokedAt()).toBeNull(),
        afterIn: async () => expect(await revokedAt()).not.toBeNull(),
      },
      {
        name: "making a link: a supervisor with companies / one with none",
        out: { user: w.bare, path: "/board/settings", form: { intent: "create", name: "Matrix bare TV", lifetimeDays: "7" } },
        afterOut: async () => expect(await prisma.boardToken.count({ where: { createdBy: w.bare.id } })).toBe(0),
      },
    ];
  },
  "treasury._index loader": () => [
    {
      name: "TREASURY: treasury of the run's company / of another company",
      in: { user: w.users.TREASURY, path: "/treasury", marker: w.run.number },
      out: { user: w.others.TREASURY, path: "/treasury", marker: w.run.number },
    },
  ],
  "treasury.runs.$runId loader": () => [twinOf("TREASURY", { path: `/treasury/runs/${w.run.id}` }, "treasury of the run's company / of another company")],
  "treasury.runs.$runId.file loader": () => [twinOf("TREASURY", { path: `/treasury/runs/${w.run.id}/file` }, "treasury of the run's company / of another company")],
  "treasury.runs.$runId action": () => [
    {
      ...twinOf("TREASURY", { path: `/treasury/runs/${w.run.id}`, form: { intent: "cancel" } }, "cancelling: treasury of the run's company / of another company"),
      afterOut: async () => expect((await prisma.paymentRun.findUniqueOrThrow({ where: { id: w.run.id } })).status).toBe("APPROVED"),
      afterIn: async () => expect((await prisma.paymentRun.findUniqueOrThrow({ where: { id: w.run.id } })).status).toBe("CANCELLED"),
    },
  ],
  "claims.$claimId._index loader": () => claimCases((id) => `/claims/${id}`),
  "claims.$claimId.viewer loader": () => claimCases((id) => `/claims/${id}/viewer`),
  "claims.$claimId.cover-sheet loader": () => claimCases((id) => `/claims/${id}/cover-sheet`),
  "files.receipts.$receiptId.$ loader": () => claimCases(() => `/files/receipts/${w.claim.receiptId}/original`, `/files/receipts/${w.drafts.EMPLOYEE.receiptId}/original`),
  "claims.$claimId._index action": async () => {
    const submitted = async () => (await createClaim(w.users.EMPLOYEE, { status: "SUBMITTED", version: 2, submittedAt: new Date() })).id;
    const statusOf = async (id: string) => (await prisma.claim.findUniqueOrThrow({ where: { id } })).status;
    const withdraw = (id: string) => ({ path: `/claims/${id}`, form: { intent: "withdraw", version: "2" } });
    const cases: ScopeCase[] = [];
    for (const [name, other] of [
      ["the claimant / another employee", w.others.EMPLOYEE],
      ["the claimant / the claimant's manager", w.users.MANAGER],
      ["the claimant / an admin of the same company", w.users.ADMIN],
    ] as const) {
      const mine = await submitted();
      const theirs = await submitted();
      cases.push({
        name,
        in: { user: w.users.EMPLOYEE, ...withdraw(mine) },
        out: { user: other, ...withdraw(theirs) },
        afterOut: async () => expect(await statusOf(theirs)).toBe("SUBMITTED"),
        afterIn: async () => expect(await statusOf(mine)).toBe("WITHDRAWN"),
      });
    }
    return cases;
  },
  "claims.$claimId.edit loader": () => claimantCases((d) => ({ path: `/claims/${d}/edit` })),
  "claims.$claimId.edit action": () => claimantCases((d) => ({ path: `/claims/${d}/edit`, form: { intent: "save" } }), { unreadableOut: true }),
  "claims.$claimId.receipts action": async () => {
    const draft = w.drafts.EMPLOYEE.claimId;
    const a = await receiptOn(draft, w.users.EMPLOYEE.id);
    const remove = { intent: "remove", receiptId: a };
    const kept = async () => expect(await prisma.receipt.count({ where: { id: a } })).toBe(1);
    const gone = async () => expect(await prisma.receipt.count({ where: { id: a } })).toBe(0);
    return [
      { name: "the claimant / another employee", out: { user: w.others.EMPLOYEE, path: `/claims/${draft}/receipts`, form: remove }, afterOut: kept },
      { name: "the claimant / the claimant's manager", out: { user: w.users.MANAGER, path: `/claims/${draft}/receipts`, form: remove }, afterOut: kept },
      {
        name: "the claimant / an admin",
        in: { user: w.users.EMPLOYEE, path: `/claims/${draft}/receipts`, form: remove },
        out: { user: w.users.ADMIN, path: `/claims/${draft}/receipts`, form: remove },
        afterOut: kept,
        afterIn: gone,
      },
    ];
  },
  "claims.new action": async (): Promise<ScopeCase[]> => {
    const drafts = () => prisma.claim.count({ where: { claimantId: w.users.EMPLOYEE.id } });
    const before = await drafts();
    const unchanged = async () => expect(await drafts()).toBe(before);
    const own = { purpose: "Matrix", companyId: w.orgA.companyId, departmentId: w.orgA.departmentId };
    return [
      { name: "another company's department", out: { user: w.users.EMPLOYEE, path: "/claims/new", form: { ...own, companyId: w.orgB.companyId, departmentId: w.orgB.departmentId } }, afterOut: unchanged },
      { name: "one's own department under another company", out: { user: w.users.EMPLOYEE, path: "/claims/new", form: { ...own, companyId: w.orgB.companyId } }, afterOut: unchanged },
      {
        name: "one's own department and company / a department of the same company that is not theirs",
        in: { user: w.users.EMPLOYEE, path: "/claims/new", form: own },
        out: { user: w.users.EMPLOYEE, path: "/claims/new", form: { ...own, departmentId: w.sameCompanyDepartmentId } },
        afterOut: unchanged,
        afterIn: async () => expect(await drafts()).toBe(before + 1),
      },
    ];
  },
  "claims._index loader": () => [
    { name: "the claimant / another employee", in: { user: w.users.EMPLOYEE, path: "/claims", marker: w.claim.number }, out: { user: w.others.EMPLOYEE, path: "/claims", marker: w.claim.number } },
    { name: "the claimant / the claimant's manager (this list is one's own claims)", out: { user: w.users.MANAGER, path: "/claims", marker: w.claim.number } },
  ],
  "pay._index loader": () =>
    (["ACCOUNTANT", "QA"] as const).map((role) => ({
      name: `${role}: one's own statement / another operator's`,
      in: { user: w.users[role], path: `/pay?month=2026-01&operator=${w.users[role].id}` },
      out: { user: w.users[role], path: `/pay?month=2026-01&operator=${w.others[role].id}` },
    })),
  "queue loader": () => [
    { name: "ACCOUNTANT: in the group / in another group", in: { user: w.users.ACCOUNTANT, path: "/queue", marker: w.groupName }, out: { user: w.others.ACCOUNTANT, path: "/queue", marker: w.groupName } },
  ],
  "queue_.tasks loader": () =>
    (["SUPERVISOR", "ADMIN"] as const).map((role) => {
      const floor = `/queue/tasks?group=${w.review.groupId}&claim=${encodeURIComponent(w.review.number)}`;
      const c = twinOf(role, { path: floor }, "same company / other company");
      // The task's row, not the number: the search box and its "not found" line echo the number back.
      const row = `data-claim="${w.review.number}"`;
      return { ...c, in: { ...c.in, marker: row }, out: { ...c.out, marker: row } };
    }),
  "treasury.reconciliation loader": async () => {
    const account = await statementAccountOf(w.orgA.companyId);
    return [twinOf("TREASURY", { path: `/treasury/reconciliation?account=${account}` }, "same company / other company")];
  },
  "treasury.reconciliation action": async () => {
    // An unmatched entry on a statement of company A's account; the match names no real payment, so even in scope nothing changes.
    const account = await statementAccountOf(w.orgA.companyId);
    const statementId = randomUUID();
    const entryId = randomUUID();
    await prisma.$transaction([
      prisma.bankStatement.create({
        data: { id: statementId, payerAccountId: account, accountRef: `M${statementId}`, statementRef: "matrix", currency: "CNY", openingMinor: 0n, closingMinor: -100n, entryCount: 1, source: "camt053", fileSha256: createHash("sha256").update(statementId).digest("hex") },
      }),
      prisma.statementEntry.create({ data: { id: entryId, statementId, position: 1, amountMinor: 100n, currency: "CNY", direction: "DBIT", bookingDate: new Date("2026-12-08") } }),
    ]);
    const form = { intent: "match", entryId, paymentId: randomUUID() };
    return [
      {
        ...twinOf("TREASURY", { path: "/treasury/reconciliation", form }, "same company / other company"),
        afterOut: async () => expect((await prisma.statementEntry.findUniqueOrThrow({ where: { id: entryId } })).paymentId).toBeNull(),
      },
    ];
  },
  "archive.records._index loader": () =>
    (["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const).map((role) => {
      const c = twinOf(role, { path: "/archive/records" }, "same company / other company");
      return { ...c, in: { ...c.in, marker: w.archive.claimNumber }, out: { ...c.out, marker: w.archive.claimNumber } };
    }),
  "archive.records.$recordId loader": () =>
    (["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const).map((role) => twinOf(role, { path: `/archive/records/${w.archive.recordId}` }, "same company / other company")),
  "archive.records.$recordId action": () => {
    const reports = () => prisma.archiveCheckReport.count({ where: { recordId: w.archive.recordId, trigger: "ON_DEMAND", requestedById: { in: [w.users.ARCHIVIST.id, w.others.ARCHIVIST.id] } } });
    let before = 0;
    return [
      {
        ...twinOf("ARCHIVIST", { path: `/archive/records/${w.archive.recordId}`, form: { intent: "checks" } }, "checks: same company / other company"),
        unreadableOut: true,
        afterOut: async () => {
          before = await reports();
          expect(await prisma.archiveCheckReport.count({ where: { recordId: w.archive.recordId, requestedById: w.others.ARCHIVIST.id } })).toBe(0);
        },
        afterIn: async () => expect(await reports()).toBe(before + 1),
      },
    ];
  },
  "archive.records.$recordId.file loader": () =>
    (["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const).map((role) => twinOf(role, { path: `/archive/records/${w.archive.recordId}/file?path=claim.json` }, "same company / other company")),
  "archive._index loader": () =>
    (["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const).map((role) => {
      const path = `/archive?claimNumber=${w.access.claimNumber}`;
      const c = twinOf(role, { path }, "same company / other company");
      const marker = `data-claim="${w.access.claimNumber}"`;
      return { ...c, in: { ...c.in, marker }, out: { ...c.out, marker } };
    }),
  "archive.requests._index loader": () => {
    const marker = `data-target="${w.access.boxLabel}"`;
    return [
      { name: "EMPLOYEE: the requester / another employee", in: { user: w.users.EMPLOYEE, path: "/archive/requests", marker }, out: { user: w.others.EMPLOYEE, path: "/archive/requests", marker } },
      ...(["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const).map((role) => {
        const c = twinOf(role, { path: "/archive/requests" }, "staff of the box's company / of another company");
        return { ...c, in: { ...c.in, marker }, out: { ...c.out, marker } };
      }),
    ];
  },
  "archive.requests.$requestId loader": () => [
    { name: "the requester / another employee", in: { user: w.users.EMPLOYEE, path: `/archive/requests/${w.access.borrowRequestId}` }, out: { user: w.others.EMPLOYEE, path: `/archive/requests/${w.access.borrowRequestId}` } },
    ...(["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const).map((role) => twinOf(role, { path: `/archive/requests/${w.access.borrowRequestId}` }, "staff of the box's company / of another company")),
  ],
  "archive.requests.$requestId action": async (): Promise<ScopeCase[]> => {
    const id = await archiveRequestOf(w.users.EMPLOYEE.id, "BORROW", "REQUESTED");
    const statusOf = async () => (await prisma.archiveRequest.findUniqueOrThrow({ where: { id } })).status;
    return [
      {
        ...twinOf("ARCHIVIST", { path: `/archive/requests/${id}`, form: { intent: "approve", note: "" } }, "deciding: staff of the box's company / of another company"),
        afterOut: async () => expect(await statusOf()).toBe("REQUESTED"),
        afterIn: async () => expect(await statusOf()).toBe("APPROVED"),
      },
    ];
  },
  "archive.requests.$requestId_.view loader": () => [
    { name: "the requester / another employee", in: { user: w.users.EMPLOYEE, path: `/archive/requests/${w.access.viewRequestId}/view` }, out: { user: w.others.EMPLOYEE, path: `/archive/requests/${w.access.viewRequestId}/view` } },
    { name: "the requester / an archivist of the record's company", out: { user: w.users.ARCHIVIST, path: `/archive/requests/${w.access.viewRequestId}/view` } },
  ],
  "archive.requests.$requestId_.image loader": () => {
    const path = `/archive/requests/${w.access.viewRequestId}/image?path=${encodeURIComponent("receipts/1.png")}`;
    return [
      { name: "the requester / another employee", in: { user: w.users.EMPLOYEE, path }, out: { user: w.others.EMPLOYEE, path } },
      { name: "the requester / an archivist of the record's company", out: { user: w.users.ARCHIVIST, path } },
    ];
  },
  "archive.stats loader": () =>
    (["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const).map((role) => {
      const c = twinOf(role, { path: "/archive/stats" }, "same company / other company (which has no requests)");
      const marker = `data-testid="stats-table"`;
      return { ...c, in: { ...c.in, marker }, out: { ...c.out, marker } };
    }),
  "ledger._index loader": () =>
    (["ACCOUNTANT", "SUPERVISOR", "ADMIN"] as const).map((role) => {
      const c = twinOf(role, { path: "/ledger" }, "same company / other company");
      return { ...c, in: { ...c.in, marker: w.ledger.description }, out: { ...c.out, marker: w.ledger.description } };
    }),
  "ledger.vouchers.$voucherId loader": () =>
    (["ACCOUNTANT", "SUPERVISOR", "ADMIN"] as const).map((role) => twinOf(role, { path: `/ledger/vouchers/${w.ledger.voucherId}` }, "same company / other company")),
  "ledger.vouchers.$voucherId action": () => {
    const reversals = () => prisma.voucher.count({ where: { reversesId: w.ledger.reversibleId } });
    return [
      {
        ...twinOf("ADMIN", { path: `/ledger/vouchers/${w.ledger.reversibleId}`, form: { intent: "reverse", reason: "matrix" } }, "reversing: same company / other company"),
        unreadableOut: true,
        afterOut: async () => expect(await reversals()).toBe(0),
        afterIn: async () => expect(await reversals()).toBe(1),
      },
    ];
  },
  "ledger.pending loader": () =>
    (["ACCOUNTANT", "SUPERVISOR", "ADMIN"] as const).map((role) => {
      const c = twinOf(role, { path: "/ledger/pending" }, "same company / other company");
      return { ...c, in: { ...c.in, marker: w.ledger.pendingClaimNumber }, out: { ...c.out, marker: w.ledger.pendingClaimNumber } };
    }),
  "ledger.periods loader": () =>
    (["ACCOUNTANT", "SUPERVISOR", "ADMIN"] as const).map((role) => {
      const c = twinOf(role, { path: "/ledger/periods" }, "same company / other company");
      return { ...c, in: { ...c.in, marker: w.ledger.companyCode }, out: { ...c.out, marker: w.ledger.companyCode } };
    }),
  "ledger.periods action": () => {
    const status = async () => (await prisma.accountingPeriod.findUniqueOrThrow({ where: { companyId_period: { companyId: w.orgA.companyId, period: "2026-10" } } })).status;
    const c = twinOf("ADMIN", { path: "/ledger/periods", form: { intent: "close", companyId: w.orgA.companyId, period: "2026-10" } }, "closing: same company / other company");
    return [{ ...c, out: { ...c.out, marker: "not_found" }, afterOut: async () => expect(await status()).toBe("OPEN"), afterIn: async () => expect(await status()).toBe("CLOSED") }];
  },
  "ledger.exports loader": () =>
    (["ACCOUNTANT", "SUPERVISOR", "ADMIN"] as const).map((role) => {
      const marker = w.ledger.exportSha.slice(0, 12);
      const c = twinOf(role, { path: "/ledger/exports" }, "same company / other company");
      return { ...c, in: { ...c.in, marker }, out: { ...c.out, marker } };
    }),
  "ledger.exports action": () => {
    const erp = () => prisma.voucherErpRef.findUnique({ where: { voucherId: w.ledger.voucherId } });
    const form = { intent: "erp", companyId: w.orgA.companyId, erpSystem: "Kingdee", csvText: `voucher_id,erp_number\n${w.ledger.voucherId},记-M001\n` };
    return (["ACCOUNTANT", "ADMIN"] as const).map((role, i) => {
      const c = twinOf(role, { path: "/ledger/exports", form }, "ERP numbers: same company / other company");
      return { ...c, out: { ...c.out, marker: "not_found" }, afterOut: async () => {
          if (i === 0) expect(await erp()).toBeNull();
        }, afterIn: async () => expect((await erp())?.erpNumber).toBe("记-M001") };
    });
  },
  "ledger.exports.file action": () => {
    const exports = () => prisma.voucherExport.count({ where: { companyId: w.orgA.companyId } });
    let before = 0;
    return (["ACCOUNTANT", "ADMIN"] as const).map((role) => ({
      ...twinOf(role, { path: "/ledger/exports/file", form: { companyId: w.orgA.companyId, format: "json" } }, "exporting: same company / other company"),
      afterOut: async () => {
        before = await exports();
      },
      afterIn: async () => expect(await exports()).toBe(before + 1),
    }));
  },
  "ledger.accounts loader": () =>
    (["ACCOUNTANT", "SUPERVISOR", "ADMIN"] as const).map((role) => {
      const path = `/ledger/accounts?company=${w.orgA.companyId}`;
      const c = twinOf(role, { path }, "same company / other company (asking for it by id)");
      return { ...c, in: { ...c.in, marker: w.ledger.accountName }, out: { ...c.out, marker: w.ledger.accountName } };
    }),
  "ledger.accounts action": () => {
    const mapping = () => prisma.glMapping.findFirst({ where: { companyId: w.orgA.companyId, purpose: "INPUT_VAT" } });
    const c = twinOf("ADMIN", { path: "/ledger/accounts", form: { intent: "set-mapping", companyId: w.orgA.companyId, purpose: "INPUT_VAT", accountCode: "22210101" } }, "mapping: same company / other company");
    return [{ ...c, out: { ...c.out, marker: "not_found" }, afterOut: async () => expect(await mapping()).toBeNull(), afterIn: async () => expect((await mapping())?.accountCode).toBe("22210101") }];
  },
  "archive.boxes._index loader": async () => {
    const b = await boxWorld();
    return (["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const).map((role) => {
      const c = twinOf(role, { path: `/archive/boxes?claim=${b.claimNumber}` }, "same company / other company (the box list and finding a claim's box)");
      return { ...c, in: { ...c.in, marker: b.label }, out: { ...c.out, marker: b.label } };
    });
  },
  "archive.boxes._index action": async () => {
    const b = await boxWorld();
    const count = () => prisma.archiveBox.count({ where: { companyId: w.orgA.companyId } });
    let before = 0;
    const c = twinOf("ARCHIVIST", { path: "/archive/boxes", form: { companyId: w.orgA.companyId, year: "2026", docType: "BS", locationId: b.shelfId } }, "making a box: same company / other company");
    return [
      {
        ...c,
        out: { ...c.out, marker: "not_found" },
        afterOut: async () => {
          before = await count();
        },
        afterIn: async () => expect(await count()).toBe(before + 1),
      },
    ];
  },
  "archive.boxes.$boxId._index loader": async () => {
    const b = await boxWorld();
    return (["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const).map((role) => twinOf(role, { path: `/archive/boxes/${b.boxId}` }, "same company / other company"));
  },
  "archive.boxes.$boxId._index action": async () => {
    const b = await boxWorld();
    const where = async () => (await prisma.archiveBox.findUniqueOrThrow({ where: { id: b.movableId } })).locationId;
    return [
      {
        ...twinOf("ARCHIVIST", { path: `/archive/boxes/${b.movableId}`, form: { intent: "move", toLocationId: b.offsiteId, note: "matrix" } }, "moving a box: same company / other company"),
        afterOut: async () => expect(await where()).toBe(b.shelfId),
        afterIn: async () => expect(await where()).toBe(b.offsiteId),
      },
    ];
  },
  "archive.boxes.$boxId.label loader": async () => {
    const b = await boxWorld();
    return (["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const).map((role) => twinOf(role, { path: `/archive/boxes/${b.boxId}/label` }, "same company / other company"));
  },
  "archive.boxes.$boxId.contents loader": async () => {
    const b = await boxWorld();
    return (["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const).map((role) => twinOf(role, { path: `/archive/boxes/${b.boxId}/contents` }, "same company / other company"));
  },
  "archive.boxes.file loader": async () => {
    const b = await boxWorld();
    return (["ARCHIVIST", "ADMIN"] as const).map((role) => twinOf(role, { path: `/archive/boxes/file?box=${b.boxId}` }, "same company / other company"));
  },
  "archive.boxes.file action": async () => {
    const b = await boxWorld();
    const status = async () => (await prisma.paperOriginal.findUniqueOrThrow({ where: { claimId: b.receivedClaimId } })).status;
    return [
      {
        ...twinOf("ARCHIVIST", { path: "/archive/boxes/file", form: { boxId: b.boxId, code: b.receivedCode } }, "filing: same company / other company"),
        afterOut: async () => expect(await status()).toBe("RECEIVED"),
        afterIn: async () => expect(await status()).toBe("ARCHIVED"),
      },
    ];
  },
  "archive.boxes.locations loader": () => (["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const).map((role) => twinOf(role, { path: "/archive/boxes/locations" }, "counts of the caller's companies' boxes only")),
  "archive.boxes.settings loader": async () => {
    const b = await boxWorld();
    const c = twinOf("ADMIN", { path: "/archive/boxes/settings" }, "same company / other company");
    return [{ ...c, in: { ...c.in, marker: b.companyCode }, out: { ...c.out, marker: b.companyCode } }];
  },
  "archive.boxes.settings action": () => {
    const scheme = async () => (await prisma.company.findUniqueOrThrow({ where: { id: w.orgA.companyId } })).archiveBoxScheme;
    const c = twinOf("ADMIN", { path: "/archive/boxes/settings", form: { companyId: w.orgA.companyId, box: "{company}-{year}-{type}-X{box:5}", position: "-P{pos:3}" } }, "the scheme: same company / other company");
    return [
      {
        ...c,
        out: { ...c.out, marker: "not_found" },
        afterOut: async () => expect(await scheme()).toBeNull(),
        afterIn: async () => expect(await scheme()).toBe("{company}-{year}-{type}-X{box:5}"),
      },
    ];
  },
  "admin.paper loader": async () => {
    const { code } = await prisma.company.findUniqueOrThrow({ where: { id: w.orgA.companyId }, select: { code: true } });
    const c = twinOf("ADMIN", { path: "/admin/paper" }, "same company / other company");
    const marker = `data-testid="paper-${code}"`;
    return [{ ...c, in: { ...c.in, marker }, out: { ...c.out, marker } }];
  },
  "admin.paper action": () => {
    const payOnPaper = async () => (await prisma.company.findUniqueOrThrow({ where: { id: w.orgA.companyId } })).payOnPaper;
    const c = twinOf("ADMIN", { path: "/admin/paper", form: { intent: "paper-settings", companyId: w.orgA.companyId, payOnPaper: "on", originalsDueWorkingDays: "10" } }, "same company / other company");
    return [
      {
        ...c,
        out: { ...c.out, marker: "paper-error" },
        afterOut: async () => expect(await payOnPaper()).toBe(false),
        afterIn: async () => {
          expect(await payOnPaper()).toBe(true);
          // Company A pays on the image again for the treasury's cases.
          await prisma.company.update({ where: { id: w.orgA.companyId }, data: { payOnPaper: false } });
        },
      },
    ];
  },
  "archive_.originals.$claimId loader": () =>
    (["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const).map((role) => twinOf(role, { path: `/archive/originals/${w.claim.id}` }, "same company / other company")),
  "archive_.originals.$claimId action": () => {
    const findings = () => prisma.paperDiscrepancy.count({ where: { claimId: w.claim.id } });
    return (["ARCHIVIST", "SUPERVISOR"] as const).map((role) => ({
      ...twinOf(role, { path: `/archive/originals/${w.claim.id}`, form: { intent: "differs", claimVersion: "0", reason: "amount", outcome: "EXCEPTION" } }, "same company / other company"),
      unreadableOut: true,
      afterOut: async () => expect(await findings()).toBe(0),
      afterIn: async () => expect(await findings()).toBe(0),
    }));
  },
  "archive.retention._index loader": () =>
    (["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const).map((role) => {
      const c = twinOf(role, { path: "/archive/retention" }, "same company / other company");
      return { ...c, in: { ...c.in, marker: w.retention.dueNumber }, out: { ...c.out, marker: w.retention.dueNumber } };
    }),
  "archive.retention._index action": () => {
    const items = () => prisma.destructionItem.count({ where: { recordId: w.retention.proposableId } });
    const c = twinOf("ARCHIVIST", { path: "/archive/retention", form: { recordId: w.retention.proposableId, reason: "matrix" } }, "proposing: same company / other company");
    return [{ ...c, out: { ...c.out, marker: "not_found" }, afterOut: async () => expect(await items()).toBe(0), afterIn: async () => expect(await items()).toBe(1) }];
  },
  "archive.retention.requests.$requestId loader": () =>
    (["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const).map((role) => twinOf(role, { path: `/archive/retention/requests/${w.retention.requestId}` }, "same company / other company")),
  "archive.retention.requests.$requestId action": () => {
    const approvals = () => prisma.destructionApproval.count({ where: { requestId: w.retention.requestId } });
    return [
      {
        ...twinOf("SUPERVISOR", { path: `/archive/retention/requests/${w.retention.requestId}`, form: { intent: "approve", as: "SUPERVISOR" } }, "approving: same company / other company"),
        unreadableOut: true,
        afterOut: async () => expect(await approvals()).toBe(0),
        afterIn: async () => expect(await approvals()).toBe(1),
      },
    ];
  },
  "archive.retention.holds loader": () =>
    (["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const).map((role) => {
      const c = twinOf(role, { path: "/archive/retention/holds" }, "same company / other company");
      return { ...c, in: { ...c.in, marker: w.retention.heldNumber }, out: { ...c.out, marker: w.retention.heldNumber } };
    }),
  "archive.retention.holds action": () => {
    const held = async () => (await prisma.archiveRecord.findFirstOrThrow({ where: { claimNumber: w.retention.holdableNumber } })).legalHold;
    const c = twinOf("ADMIN", { path: "/archive/retention/holds", form: { intent: "place", claimNumber: w.retention.holdableNumber, reason: "matrix" } }, "holding: same company / other company");
    return [{ ...c, out: { ...c.out, marker: "not_found" }, afterOut: async () => expect(await held()).toBe(false), afterIn: async () => expect(await held()).toBe(true) }];
  },
  "archive.retention.register loader": () =>
    (["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const).map((role) => {
      const path = `/archive/retention/register?company=${w.orgA.companyId}`;
      const c = twinOf(role, { path }, "same company / other company (asking for it by id)");
      return { ...c, in: { ...c.in, marker: w.retention.registerNumber }, out: { ...c.out, marker: w.retention.registerNumber } };
    }),
  "archive.retention.register_.csv loader": () =>
    (["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const).map((role) => {
      const path = `/archive/retention/register/csv?company=${w.orgA.companyId}`;
      const c = twinOf(role, { path }, "same company / other company (asking for it by id)");
      return { ...c, in: { ...c.in, marker: w.retention.registerNumber }, out: { ...c.out, marker: w.retention.registerNumber } };
    }),
  "archive.retention.settings loader": () =>
    (["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const).map((role) => {
      const path = `/archive/retention/settings?company=${w.orgA.companyId}`;
      const c = twinOf(role, { path }, "same company / other company (asking for it by id)");
      return { ...c, in: { ...c.in, marker: w.retention.companyCode }, out: { ...c.out, marker: w.retention.companyCode } };
    }),
  "archive.retention.settings action": () => {
    const overrides = async () => (await prisma.company.findUniqueOrThrow({ where: { id: w.orgA.companyId } })).retentionOverrides;
    const c = twinOf("ADMIN", { path: "/archive/retention/settings", form: { companyId: w.orgA.companyId, BANK_STATEMENT: "15" } }, "saving: same company / other company");
    return [
      {
        ...c,
        out: { ...c.out, marker: "not_found" },
        afterOut: async () => expect(await overrides()).toBeNull(),
        afterIn: async () => expect(await overrides()).toEqual({ BANK_STATEMENT: { kind: "years", years: 15 } }),
      },
    ];
  },
  "work.$taskId loader": () => [
    twinOf("ACCOUNTANT", { path: `/work/${w.review.taskId}` }, "the assignee / an accountant of another group"),
    twinOf("QA", { path: `/work/${w.qaTaskId}` }, "the QA task's reviewer / another QA reviewer"),
    twinOf("SUPERVISOR", { path: `/work/${w.review.taskId}` }, "same company / other company"),
    twinOf("ADMIN", { path: `/work/${w.review.taskId}` }, "same company / other company"),
    { name: "ACCOUNTANT: a QA task, even on a claim their group reviewed", out: { user: w.users.ACCOUNTANT, path: `/work/${w.qaTaskId}` } },
  ],
  "work.$taskId action": () => [
    twinOf("ACCOUNTANT", { path: `/work/${w.review.taskId}`, form: { intent: "approve", claimVersion: "0" } }, "the assignee / an accountant of another group"),
    twinOf("QA", { path: `/work/${w.qaTaskId}`, form: { intent: "qa_record", claimVersion: "0" } }, "the QA task's reviewer / another QA reviewer"),
  ],
};

/** Claim visibility: each role's user in scope of the approved claim, and their twin out of it. */
function claimCases(pathOf: (claimId: string) => string, draftPath = pathOf(w.drafts.EMPLOYEE.claimId)): ScopeCase[] {
  const cases: ScopeCase[] = ROLES.map((role) => twinOf(role, { path: pathOf(w.claim.id) }, role === "EMPLOYEE" ? "the claimant / another employee" : role === "MANAGER" ? "the claimant's manager / another manager" : role === "ACCOUNTANT" ? "in the group that reviewed it / another group" : role === "QA" ? "the QA check's reviewer / another QA reviewer" : "same company / other company"));
  // A draft is the claimant's alone, whoever else looks.
  cases.push({ name: "a draft: the claimant / the claimant's manager", in: { user: w.users.EMPLOYEE, path: draftPath }, out: { user: w.users.MANAGER, path: draftPath } });
  cases.push({ name: "a draft: the claimant / a supervisor of the same company", out: { user: w.users.SUPERVISOR, path: draftPath } });
  return cases;
}

/** The claimant's own draft; anyone else, however close, gets 404 (an action: before it reads the form). */
function claimantCases(req: (draftId: string) => Omit<Req, "user">, { unreadableOut = false } = {}): ScopeCase[] {
  const draft = w.drafts.EMPLOYEE.claimId;
  const cases: ScopeCase[] = [
    { name: "the claimant / another employee", in: { user: w.users.EMPLOYEE, ...req(draft) }, out: { user: w.others.EMPLOYEE, ...req(draft) } },
    { name: "the claimant / the claimant's manager", out: { user: w.users.MANAGER, ...req(draft) } },
    { name: "the claimant / an admin of the same company", out: { user: w.users.ADMIN, ...req(draft) } },
    { name: "a submitted claim: its claimant may no longer edit it, the manager never", out: { user: w.users.MANAGER, ...req(w.claim.id) } },
  ];
  return cases.map((c) => ({ ...c, unreadableOut }));
}

/** The out-of-scope call first (and that it changed nothing), then the in-scope one (and that it worked). */
async function scopeProblems(handler: Handler, sc: ScopeCase): Promise<string[]> {
  const problems: string[] = [];
  const kind = handler.outOfScope;
  const c = await send(sc.out, { unparseable: !!sc.unreadableOut });
  const got = `${c.status}${c.location ? ` → ${c.location}` : ""}`;
  if (kind === 404 || kind === 403) {
    if (c.status !== kind) problems.push(`out of scope (${sc.out.path}): expected ${kind}, got ${got}`);
  } else if (kind === "filtered") {
    if (c.status !== 200) problems.push(`out of scope (${sc.out.path}): expected the list (200), got ${got}`);
    else if (sc.out.marker && c.text.includes(sc.out.marker)) problems.push(`out of scope (${sc.out.path}): "${sc.out.marker}" is shown`);
  } else if (kind === "form-error") {
    if (c.status !== 200) problems.push(`out of scope (${sc.out.path}): expected the form's refusal (200), got ${got}`);
    else if (sc.out.marker && !c.text.includes(sc.out.marker)) problems.push(`out of scope (${sc.out.path}): the refusal "${sc.out.marker}" is not in the answer`);
  }
  try {
    await sc.afterOut?.();
  } catch (err) {
    problems.push(`after the out-of-scope call: ${String(err)}`);
  }
  if (sc.in) {
    const c = await send(sc.in);
    if (c.status >= 400 || isSignInRedirect(c)) problems.push(`in scope (${sc.in.path}): got ${c.status}${c.location ? ` → ${c.location}` : ""}`);
    else if (sc.in.marker && !c.text.includes(sc.in.marker)) problems.push(`in scope (${sc.in.path}): "${sc.in.marker}" not in the answer`);
    try {
      await sc.afterIn?.();
    } catch (err) {
      problems.push(`after the in-scope call: ${String(err)}`);
    }
  }
  return problems;
}

describe("the authorization matrix: scopes", () => {
  const scoped = HANDLERS.filter((h) => h.handler.outOfScope !== undefined);

  it("has cases for every handler whose manifest entry names an out-of-scope answer", () => {
    const missing = scoped.map((h) => `${h.key} ${h.method}`).filter((k) => !(k in SCOPE_CASES));
    expect(missing).toEqual([]);
  });

  for (const { key, method, handler } of scoped) {
    const build = SCOPE_CASES[`${key} ${method}`];
    it(`${key} ${method}: ${handler.scope}`, async () => {
      if (!build) throw new Error(`no scope cases for ${key} ${method}`);
      const problems: string[] = [];
      const cases = await build();
      expect(cases.length, "out-of-scope cases").toBeGreaterThan(0);
      for (const sc of cases) for (const p of await scopeProblems(handler, sc)) problems.push(`${sc.name}: ${p}`);
      expect(problems).toEqual([]);
    });
  }
});

// ── the uploads route's answers beyond role and scope (manifest: claims.$claimId.receipts action) ──

describe("the authorization matrix: the uploads route refuses before it reads the body", () => {
  // The claim page uploads with a fetcher, which posts to the single-fetch URL (`….data`): what the browser gets.
  const upload = (user: User, claimId: string) => send({ user, path: `/claims/${claimId}/receipts.data`, form: {} }, { unparseable: true });

  it("the claimant's claim that is no longer editable: 409 (upload) and 409 (removal), nothing removed", async () => {
    const c = await upload(w.users.EMPLOYEE, w.claim.id);
    expect(c.status).toBe(409);
    const removal = await send({ user: w.users.EMPLOYEE, path: `/claims/${w.claim.id}/receipts`, form: { intent: "remove", receiptId: w.claim.receiptId } });
    expect(removal.status).toBe(409);
    expect(await prisma.receipt.count({ where: { id: w.claim.receiptId } })).toBe(1);
  });

  it("a user over their upload allowance: 429 saying which limit, on their own editable draft", async () => {
    const c = await upload(w.quota.user, w.quota.claimId);
    expect(c.status).toBe(429);
    expect(c.text).toContain("bytes_per_day");
  });

  it("another employee's draft: 404, whatever their allowance", async () => {
    expect((await upload(w.others.EMPLOYEE, w.drafts.EMPLOYEE.claimId)).status).toBe(404);
    expect((await upload(w.quota.user, w.drafts.EMPLOYEE.claimId)).status).toBe(404);
  });
});
