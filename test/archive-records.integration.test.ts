/**
 * Issue 12, the electronic archive record (real Postgres, Redis and disk): a claim paid or finally rejected
 * is filed through the outbox and the archive worker; filing is idempotent; the package is read-only and
 * passes the four checks; fixity catches a flipped byte and a missing file, loudly.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOBS, QUEUES } from "~/domain/jobs";
import { fileAndCheck } from "~/jobs/archive";
import { runArchiveRecordChecks } from "~/models/archive-checks.server";
import { claimsAwaitingFiling, fileArchiveRecord } from "~/models/archive-filing.server";
import { runFixity } from "~/models/archive-fixity.server";
import { markPaymentFailed, markPaymentsPaid } from "~/models/payment-outcomes.server";
import { recordAudit } from "~/models/audit.server";
import { decideReview } from "~/models/review.server";
import { archiveRoot, packageDir } from "~/utils/archive-store.server";
import { getQueue } from "~/utils/queue.server";
import { prisma } from "~/utils/db.server";
import { attachTypicalReceipts } from "../fixtures/archive";
import { createReleasedRun, createTreasuryOrg, type TreasuryOrg } from "../fixtures/payment-runs";
import { startArchiveWorker } from "../workers/archive";
import { startRelay, type Relay } from "../workers/relay";
import { createGroup, createMember, createUser, queueReviewTask, waitFor } from "./helpers";
import type { Worker } from "bullmq";

let t: TreasuryOrg;
let archivist: { id: string };
let worker: Worker;
let relay: Relay;

beforeAll(async () => {
  t = await createTreasuryOrg();
  archivist = await createUser(t.org, { roles: ["EMPLOYEE", "ARCHIVIST"] });
  await prisma.userCompany.create({ data: { userId: archivist.id, companyId: t.company.id } });
  // Filing jobs other files left behind (the reconciliation tests pay 12,000 claims) would queue ahead of
  // this file's on the one-at-a-time archive worker: they are not this file's business.
  await prisma.outboxEvent.updateMany({ where: { queue: QUEUES.archive, status: "PENDING" }, data: { status: "DONE" } });
  await getQueue(QUEUES.archive).drain(true);
  worker = await startArchiveWorker({ sweepEveryMs: 3_600_000 });
  relay = await startRelay({ pollMs: 50, log: () => undefined });
});

afterAll(async () => {
  await relay?.stop();
  await worker?.close();
});

/** A scheduled claim with receipts, paid by the statement path (markPaymentsPaid). */
async function paidClaim(): Promise<{ claimId: string; number: string }> {
  const run = await createReleasedRun(t, [12_345n]);
  const line = run.lines[0]!;
  await prisma.claimLine.create({ data: { id: randomUUID(), claimId: line.claim.id, position: 1, spentOn: new Date("2026-11-20T00:00:00Z"), categoryCode: "TAXI", merchant: "滴滴出行", amountMinor: 12_345n, currency: "CNY" } });
  await attachTypicalReceipts(prisma, line.claim.id, line.employee.id);
  const payment = await prisma.payment.findFirstOrThrow({ where: { claimId: line.claim.id } });
  await prisma.payment.update({ where: { id: payment.id }, data: { status: "SENT" } });
  await prisma.$transaction((tx) => markPaymentsPaid(tx, [payment.id], { actorId: null, source: "statement" }));
  return { claimId: line.claim.id, number: line.claim.number };
}

/** Waits for a row to exist. */
const found = <T,>(read: () => Promise<T | null>, timeoutMs = 20_000): Promise<T> => waitFor(async () => (await read()) ?? undefined, { timeoutMs });

const modeOf = async (p: string) => (await fs.stat(p)).mode & 0o777;

describe("filing", () => {
  it("files a paid claim through the outbox: package, rows, read-only, four checks passed", async () => {
    const { claimId, number } = await paidClaim();
    const outbox = await prisma.outboxEvent.findUnique({ where: { jobKey: JOBS.fileArchiveRecord.key({ claimId }) } });
    expect(outbox?.jobName).toBe("file-archive-record");

    const record = await found(() => prisma.archiveRecord.findUnique({ where: { claimId }, include: { files: true } }), 20_000);
    expect(record.outcome).toBe("PAID");
    expect(record.totalMinor).toBe(12_345n);
    expect(record.retentionYears).toBe(30);
    expect(record.retentionEndsOn?.toISOString().slice(0, 10)).toBe(`${Number(record.closedOn.toISOString().slice(0, 4)) + 30}-12-31`);
    expect(record.packagePath).toBe(`${t.company.code}/${record.closedOn.toISOString().slice(0, 4)}/${number}`);
    const paths = record.files.map((f) => f.path).sort();
    expect(paths).toEqual(["audit.json", "claim.json", "derived/R1-p1.jpg", "derived/R2-p1.jpg", "derived/R2-p2.jpg", "history.json", "manifest.json", "originals/R1.jpg", "originals/R2.pdf"]);
    expect(record.files.find((f) => f.path === "manifest.json")?.sha256).toBe(record.manifestSha256);

    const dir = packageDir(record.packagePath);
    expect(await modeOf(dir)).toBe(0o555);
    expect(await modeOf(path.join(dir, "originals"))).toBe(0o555);
    for (const f of record.files) expect(await modeOf(path.join(dir, f.path))).toBe(0o444);
    const manifest = JSON.parse(await fs.readFile(path.join(dir, "manifest.json"), "utf8"));
    expect(manifest.retention).toEqual({ class: "EXPENSE_CLAIM", years: 30, endsOn: record.retentionEndsOn?.toISOString().slice(0, 10) });
    const audit = JSON.parse(await fs.readFile(path.join(dir, "audit.json"), "utf8"));
    expect(audit.events.some((e: { type: string }) => e.type === "claim.paid")).toBe(true);

    const report = await found(() => prisma.archiveCheckReport.findFirst({ where: { recordId: record.id, trigger: "FILING" } }), 10_000);
    expect(report.details).toBeTruthy();
    expect([report.authenticityOk, report.integrityOk, report.usabilityOk, report.securityOk]).toEqual([true, true, true, true]);
    expect(await prisma.auditEvent.count({ where: { claimId, type: "archive.filed" } })).toBe(1);
    await waitFor(async () => (await prisma.outboxEvent.findUnique({ where: { jobKey: outbox!.jobKey } }))?.status === "DONE");
  });

  it("files a finally rejected claim (the review's reject) and is idempotent", async () => {
    const groupId = await createGroup();
    const accountant = await createMember(t.org, [groupId]);
    const claimant = await createUser(t.org);
    const c = await queueReviewTask(claimant, groupId, { status: "IN_PROGRESS", assigneeId: accountant.id, lines: [[5_000, "CNY"]] });
    await attachTypicalReceipts(prisma, c.claimId, claimant.id);
    await decideReview({ viewer: accountant, taskId: c.taskId, claimVersion: 3, decision: "reject", comment: "Not a business expense" });
    const record = await found(() => prisma.archiveRecord.findUnique({ where: { claimId: c.claimId } }), 20_000);
    expect(record.outcome).toBe("REJECTED");
    expect(record.totalMinor).toBe(5_000n);

    const again = await fileAndCheck(c.claimId);
    expect(again).toEqual({ status: "exists", recordId: record.id });
    expect(await prisma.archiveRecord.count({ where: { claimId: c.claimId } })).toBe(1);
    expect(await prisma.auditEvent.count({ where: { claimId: c.claimId, type: "archive.filed" } })).toBe(1);
  });

  it("the sweep files claims closed before the archive existed; a claim still open is left alone", async () => {
    const claimant = await createUser(t.org);
    const claim = await prisma.claim.create({ data: { id: randomUUID(), number: `OLD-${randomUUID().slice(0, 8)}`, claimantId: claimant.id, companyId: t.company.id, departmentId: t.department.id, purpose: "Old", status: "PAID" } });
    await prisma.claimLine.create({ data: { id: randomUUID(), claimId: claim.id, position: 1, spentOn: new Date("2025-06-01T00:00:00Z"), categoryCode: "TAXI", merchant: "Old taxi", amountMinor: 900n, currency: "CNY" } });
    await attachTypicalReceipts(prisma, claim.id, claimant.id);
    // Limit above every paid claim the shared test database may hold (other files pay thousands).
    expect(await claimsAwaitingFiling(prisma, 1_000_000)).toContain(claim.id);
    expect((await fileArchiveRecord(claim.id)).status).toBe("filed");
    expect(await claimsAwaitingFiling(prisma, 1_000_000)).not.toContain(claim.id);

    const open = await prisma.claim.create({ data: { id: randomUUID(), number: `OPEN-${randomUUID().slice(0, 8)}`, claimantId: claimant.id, companyId: t.company.id, departmentId: t.department.id, purpose: "Open", status: "APPROVED" } });
    expect(await fileArchiveRecord(open.id)).toEqual({ status: "not_closed", claimStatus: "APPROVED" });
  });
});

describe("filing and the audit chain sealed after commit (decision 037)", () => {
  it("seals a claim's last events before reading them: the package holds all of them with their chain data", async () => {
    const claimant = await createUser(t.org);
    const claim = await prisma.claim.create({ data: { id: randomUUID(), number: `SEAL-${randomUUID().slice(0, 8)}`, claimantId: claimant.id, companyId: t.company.id, departmentId: t.department.id, purpose: "Sealed late", status: "PAID" } });
    await prisma.claimLine.create({ data: { id: randomUUID(), claimId: claim.id, position: 1, spentOn: new Date("2026-11-20T00:00:00Z"), categoryCode: "TAXI", merchant: "Taxi", amountMinor: 700n, currency: "CNY" } });
    await attachTypicalReceipts(prisma, claim.id, claimant.id);
    // Its history, committed but not sealed (no sealer runs in this file): the last events the chain does not hold yet.
    for (const [type, fromStatus, toStatus] of [["claim.submitted", "DRAFT", "SUBMITTED"], ["claim.approved", "IN_REVIEW", "APPROVED"], ["claim.paid", "SCHEDULED", "PAID"]] as const) {
      await prisma.$transaction((tx) => recordAudit(tx, { claimId: claim.id, actorId: claimant.id, type, fromStatus, toStatus }));
    }
    const unsealed = await prisma.auditEvent.count({ where: { claimId: claim.id, chainSeq: null } });
    expect(unsealed).toBeGreaterThanOrEqual(3);

    expect((await fileArchiveRecord(claim.id)).status).toBe("filed");
    const record = await prisma.archiveRecord.findUniqueOrThrow({ where: { claimId: claim.id } });
    const audit = JSON.parse(await fs.readFile(path.join(packageDir(record.packagePath), "audit.json"), "utf8")) as {
      events: { id: string; chainSeq: string; prevHash: string; hash: string; type: string }[];
    };
    // Every event of the claim before the filing's own, each with the chain data the database holds now.
    const inDb = await prisma.auditEvent.findMany({ where: { claimId: claim.id, type: { not: "archive.filed" } }, orderBy: { id: "asc" } });
    expect(audit.events.map((e) => e.id)).toEqual(inDb.map((e) => e.id.toString()));
    for (const [i, e] of audit.events.entries()) {
      expect(e.chainSeq).toBe(inDb[i]!.chainSeq?.toString());
      expect([e.prevHash, e.hash]).toEqual([inDb[i]!.prevHash, inDb[i]!.hash]);
      expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(record.auditThroughSeq).toBe(inDb.at(-1)!.chainSeq);
    // The four checks recompute each packaged event's hash and link from the database.
    expect((await runArchiveRecordChecks(record.id, "ON_DEMAND")).ok).toBe(true);
  });
});

describe("addenda: a filed claim that moves on", () => {
  it("a payment returned after filing, then paid again: two addenda, chained, checked, under fixity; the package untouched", async () => {
    const { claimId } = await paidClaim();
    const record = await found(() => prisma.archiveRecord.findUnique({ where: { claimId }, include: { files: true } }), 20_000);
    await found(() => prisma.archiveCheckReport.findFirst({ where: { recordId: record.id, trigger: "FILING" } }), 10_000);
    expect(record.auditThroughSeq).not.toBeNull();
    const dir = packageDir(record.packagePath);
    const before = new Map(record.files.map((f) => [f.path, f.sha256]));

    // Nothing happened to the claim: asking again files nothing.
    expect(await fileAndCheck(claimId)).toEqual({ status: "exists", recordId: record.id });

    // The bank sends the money back (a statement's return): the claim goes to PAYMENT_FAILED, and the
    // same transaction queues the addendum through the outbox; the worker files it.
    const payment = await prisma.payment.findFirstOrThrow({ where: { claimId } });
    await prisma.$transaction((tx) => markPaymentFailed(tx, payment.id, "RETURNED", "AC04 account closed", { actorId: null, source: "statement" }));
    const job = await prisma.outboxEvent.findUnique({ where: { jobKey: JOBS.fileArchiveRecord.key({ claimId, turn: `returned-${payment.id}` }) } });
    expect(job?.jobName).toBe("file-archive-record");
    const first = await found(() => prisma.archiveAddendum.findUnique({ where: { recordId_seq: { recordId: record.id, seq: 1 } } }), 20_000);
    expect(first).toMatchObject({ reason: "PAYMENT_RETURNED", claimStatus: "PAYMENT_FAILED", previousManifestSha256: record.manifestSha256, fileCount: 3 });
    expect(first.auditFromSeq > record.auditThroughSeq!).toBe(true);
    await waitFor(async () => (await prisma.outboxEvent.findUnique({ where: { jobKey: job!.jobKey } }))?.status === "DONE");

    const claimJson = JSON.parse(await fs.readFile(path.join(dir, "addenda/1/claim.json"), "utf8"));
    expect(claimJson.status).toBe("PAYMENT_FAILED");
    expect(claimJson.payments.map((p: { status: string; statusReason: string }) => [p.status, p.statusReason])).toEqual([["RETURNED", "AC04 account closed"]]);
    const auditJson = JSON.parse(await fs.readFile(path.join(dir, "addenda/1/audit.json"), "utf8"));
    expect(auditJson.events.map((e: { type: string }) => e.type)).toContain("claim.payment_failed");
    expect(auditJson.events.every((e: { chainSeq: string }) => BigInt(e.chainSeq) > record.auditThroughSeq!)).toBe(true);
    expect(await modeOf(dir)).toBe(0o555);
    expect(await modeOf(path.join(dir, "addenda"))).toBe(0o555);
    expect(await modeOf(path.join(dir, "addenda/1"))).toBe(0o555);
    expect(await modeOf(path.join(dir, "addenda/1/claim.json"))).toBe(0o444);

    // The filed package is as it was: same rows, same bytes; the record still says what was filed.
    const rows = await prisma.archiveFile.findMany({ where: { recordId: record.id } });
    for (const [p, sha] of before) expect(rows.find((r) => r.path === p)?.sha256).toBe(sha);
    expect(rows.map((r) => r.path).filter((p) => p.startsWith("addenda/")).sort()).toEqual(["addenda/1/audit.json", "addenda/1/claim.json", "addenda/1/manifest.json"]);
    expect((await prisma.archiveRecord.findUniqueOrThrow({ where: { id: record.id } })).outcome).toBe("PAID");
    expect(await prisma.auditEvent.count({ where: { claimId, type: "archive.addendum_filed" } })).toBe(1);
    const checked = await runArchiveRecordChecks(record.id, "ON_DEMAND");
    expect(checked.ok).toBe(true);

    // The employee's account is fixed and the claim is paid in a later run: addendum 2 follows addendum 1.
    await prisma.$transaction(async (tx) => {
      await tx.claim.update({ where: { id: claimId }, data: { status: "SCHEDULED" } });
      const again = await tx.payment.create({
        data: { ...payment, id: randomUUID(), position: payment.position + 1, endToEndId: `E2E-${randomUUID().slice(0, 12)}`, status: "SENT", statusReason: null, statusAt: null, createdAt: new Date() },
      });
      await markPaymentsPaid(tx, [again.id], { actorId: null, source: "statement" });
    });
    const second = await found(() => prisma.archiveAddendum.findUnique({ where: { recordId_seq: { recordId: record.id, seq: 2 } } }), 20_000);
    expect(second).toMatchObject({ reason: "PAID_AGAIN", claimStatus: "PAID", previousManifestSha256: first.manifestSha256 });
    expect(second.auditFromSeq > first.auditThroughSeq).toBe(true);
    expect(await prisma.archiveRecord.count({ where: { claimId } })).toBe(1);

    // Fixity covers the addenda like the rest: a flipped byte in one is caught.
    const clean = await runFixity("ON_DEMAND", { recordIds: [record.id], log: () => undefined });
    expect(clean).toMatchObject({ packages: 1, files: 15, mismatches: 0 });
    const target = path.join(dir, "addenda/1/audit.json");
    await fs.chmod(target, 0o644);
    const bytes = await fs.readFile(target);
    bytes[10] = bytes[10]! ^ 0x01;
    await fs.writeFile(target, bytes);
    await fs.chmod(target, 0o444);
    const caught = await runFixity("ON_DEMAND", { recordIds: [record.id], log: () => undefined });
    expect(caught.failures.map((f) => [f.path, f.problem])).toEqual([["addenda/1/audit.json", "MISMATCH"]]);
    const report = await runArchiveRecordChecks(record.id, "ON_DEMAND");
    expect(report.report.authenticity.problems.map((p) => [p.code, p.path])).toContainEqual(["file_digest_mismatch", "addenda/1/audit.json"]);

    // Addenda are insert-only, like the package.
    await expect(prisma.$executeRaw`UPDATE archive_addendum SET reason = 'STATUS_CHANGED' WHERE record_id = ${record.id}`).rejects.toThrow(/insert-only/);
  });
});

describe("checks and fixity", () => {
  it("fixity catches a flipped byte and a missing file, tells the archivists, and the checks see them too", async () => {
    const { claimId } = await paidClaim();
    const record = await found(() => prisma.archiveRecord.findUnique({ where: { claimId } }), 20_000);
    await found(() => prisma.archiveCheckReport.findFirst({ where: { recordId: record.id } }), 10_000);

    const clean = await runFixity("ON_DEMAND", { recordIds: [record.id], log: () => undefined });
    expect(clean).toMatchObject({ packages: 1, files: 9, mismatches: 0 });
    expect((await prisma.archiveRecord.findUniqueOrThrow({ where: { id: record.id } })).lastFixityOk).toBe(true);

    const dir = packageDir(record.packagePath);
    const original = path.join(dir, "originals", "R1.jpg");
    await fs.chmod(original, 0o644);
    const bytes = await fs.readFile(original);
    const at = Math.floor(bytes.length / 2);
    bytes[at] = bytes[at]! ^ 0x01;
    await fs.writeFile(original, bytes);
    await fs.chmod(path.join(dir, "derived"), 0o755);
    await fs.rm(path.join(dir, "derived", "R2-p2.jpg"));

    const lines: string[] = [];
    const run = await runFixity("ON_DEMAND", { recordIds: [record.id], log: (l) => lines.push(l) });
    expect(run.mismatches).toBe(2);
    expect(run.failures.map((f) => [f.path, f.problem]).sort()).toEqual([
      ["derived/R2-p2.jpg", "MISSING"],
      ["originals/R1.jpg", "MISMATCH"],
    ]);
    expect(lines.join("\n")).toMatch(/FIXITY FAILURE MISMATCH.*originals\/R1\.jpg/);
    const failures = await prisma.fixityFailure.findMany({ where: { runId: run.runId } });
    expect(failures).toHaveLength(2);
    const row = await prisma.fixityRun.findUniqueOrThrow({ where: { id: run.runId } });
    expect(row).toMatchObject({ kind: "ON_DEMAND", packagesChecked: 1, filesChecked: 9, mismatches: 2 });
    expect(row.finishedAt).not.toBeNull();
    expect((await prisma.archiveRecord.findUniqueOrThrow({ where: { id: record.id } })).lastFixityOk).toBe(false);
    const told = await prisma.notification.findMany({ where: { userId: archivist.id, kind: "archive.fixity_failed" } });
    expect(told.map((n) => (n.data as { recordId: string }).recordId)).toContain(record.id);

    const report = await runArchiveRecordChecks(record.id, "ON_DEMAND", { requestedById: archivist.id });
    expect(report.ok).toBe(false);
    expect(report.report.authenticity.problems.map((p) => p.code)).toContain("file_digest_mismatch");
    expect(report.report.integrity.problems.map((p) => p.code)).toContain("missing_file");
    expect(report.report.security.problems.map((p) => p.code)).toContain("writable");
  });

  it("a nightly run covers the least recently checked share plus a sample; a FULL run covers everything", async () => {
    const total = await prisma.archiveRecord.count({ where: { status: "FILED" } });
    const nightly = await runFixity("NIGHTLY", { random: () => 0.5, log: () => undefined });
    expect(nightly.packages).toBeGreaterThanOrEqual(Math.min(total, 1));
    const full = await runFixity("FULL", { log: () => undefined });
    expect(full.packages).toBe(total);
  });

  it("keeps the package under the archive root", () => {
    expect(packageDir("A/2026/N")).toBe(path.join(archiveRoot(), "A", "2026", "N"));
    expect(() => packageDir("../escape")).toThrow();
  });
});
