/**
 * Issue 12, retention and destruction (real Postgres, real files): the appraisal list shows only expired,
 * unheld records of the viewer's companies; two approvals of two people in two capacities, neither the
 * requester; executing writes the permanent register (digests kept), removes the package files, keeps
 * archive_file rows, and is idempotent when retried; retention settings never go below the law.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Actor } from "~/domain/actor";
import { isAppError } from "~/domain/app-error";
import type { Role } from "~/generated/prisma/client";
import {
  approveDestruction,
  cancelDestruction,
  destructionRequestDetail,
  executeDestruction,
  listAppraisal,
  listRegister,
  packageDir,
  proposeDestruction,
  registerCsv,
} from "~/models/destruction.server";
import { listLegalHolds, retentionSettings, saveRetentionSettings, setLegalHold } from "~/models/retention.server";
import { prisma } from "~/utils/db.server";
import { storageRoot } from "~/utils/storage.server";
import { createArchiveRecord } from "../fixtures/archive-records";
import { asOwner, createClaim, createCompany, createDepartment, createUser } from "./helpers";

const TODAY = "2046-06-01";

type World = { companyId: string; departmentId: string; archivist: Actor; archivist2: Actor; supervisor: Actor; admin: Actor; admin2: Actor; outsider: Actor };

async function world(): Promise<World> {
  const company = await createCompany();
  const department = await createDepartment(company.id);
  const org = { companyId: company.id, departmentId: department.id };
  const make = async (roles: Role[], companyId = company.id): Promise<Actor> => {
    const u = await createUser(org, { roles });
    await prisma.userCompany.create({ data: { userId: u.id, companyId } });
    return { id: u.id, roles };
  };
  const other = await createCompany();
  return {
    companyId: company.id,
    departmentId: department.id,
    archivist: await make(["ARCHIVIST"]),
    archivist2: await make(["ARCHIVIST"]),
    supervisor: await make(["SUPERVISOR"]),
    admin: await make(["ADMIN"]),
    admin2: await make(["ADMIN", "SUPERVISOR"]),
    outsider: await make(["ADMIN", "ARCHIVIST", "SUPERVISOR"], other.id),
  };
}

const num = () => `BX${randomUUID().slice(0, 10).toUpperCase()}`;

async function record(w: World, closedOn: string, extra: Partial<Parameters<typeof createArchiveRecord>[1]> = {}) {
  return createArchiveRecord(prisma, { companyId: w.companyId, claimNumber: num(), closedOn, ...extra });
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; reason?: string; details: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    if (isAppError(err)) return { code: err.code, reason: err.reason, details: err.details };
    throw err;
  }
  throw new Error("expected a refusal");
}

const exists = (p: string) =>
  fs.access(p).then(
    () => true,
    () => false,
  );

describe("the appraisal list", () => {
  it("lists only FILED records whose retention is over, never those under legal hold, permanent ones or other companies'", async () => {
    const w = await world();
    // 30 years from 2014: kept through 2044-12-31, due from 2045-01-01.
    const expired = await record(w, "2014-03-05");
    const notYet = await record(w, "2016-03-05"); // kept through 2046-12-31
    const held = await record(w, "2013-07-01", { legalHold: { reason: "litigation", byId: w.admin.id } });
    const permanent = await record(w, "2001-01-01", { retentionYears: null, docType: "CUSTODY_REGISTER" });
    const bank = await record(w, "2030-05-05", { retentionYears: 10, docType: "BANK_STATEMENT" }); // kept through 2040-12-31
    const list = await listAppraisal(w.archivist, {}, { today: TODAY });
    const ids = list.items.map((i) => i.id);
    expect(ids).toContain(expired.id);
    expect(ids).toContain(bank.id);
    expect(ids).not.toContain(notYet.id);
    expect(ids).not.toContain(held.id);
    expect(ids).not.toContain(permanent.id);
    expect(list.total).toBe(2);
    // Filters: document type and the year closed.
    expect((await listAppraisal(w.archivist, { docType: "BANK_STATEMENT" }, { today: TODAY })).items.map((i) => i.id)).toEqual([bank.id]);
    expect((await listAppraisal(w.archivist, { closedYear: 2014 }, { today: TODAY })).items.map((i) => i.id)).toEqual([expired.id]);
    // The last day kept is not yet due; the day after is.
    expect((await listAppraisal(w.archivist, {}, { today: "2044-12-31" })).items.map((i) => i.id)).toEqual([bank.id]);
    // Another company's staff see nothing of it; an employee is refused.
    expect((await listAppraisal(w.outsider, {}, { today: TODAY })).items.map((i) => i.id)).not.toContain(expired.id);
    expect((await refusal(listAppraisal({ id: w.archivist.id, roles: ["EMPLOYEE"] }, {}, { today: TODAY }))).code).toBe("forbidden");
  });

  it("a legal hold (admins only, with a reason, audited) takes a record off the list; lifting it puts it back", async () => {
    const w = await world();
    const r = await record(w, "2012-01-10");
    const claimNumber = (await prisma.archiveRecord.findUniqueOrThrow({ where: { id: r.id } })).claimNumber;
    expect((await refusal(setLegalHold({ viewer: w.archivist, claimNumber, hold: true, reason: "tax audit" }))).code).toBe("forbidden");
    expect((await refusal(setLegalHold({ viewer: w.outsider, claimNumber, hold: true, reason: "tax audit" }))).code).toBe("not_found");
    expect((await refusal(setLegalHold({ viewer: w.admin, claimNumber, hold: true, reason: " " }))).code).toBe("invalid");
    await setLegalHold({ viewer: w.admin, claimNumber, hold: true, reason: "tax audit 2046" });
    expect((await listAppraisal(w.archivist, {}, { today: TODAY })).items.map((i) => i.id)).not.toContain(r.id);
    expect((await listLegalHolds(w.archivist)).map((h) => [h.claimNumber, h.reason])).toEqual([[claimNumber, "tax audit 2046"]]);
    expect((await refusal(setLegalHold({ viewer: w.admin, claimNumber, hold: true, reason: "again" }))).reason).toBe("already_held");
    // Held: not proposable either (the model refuses, not only the list).
    const refused = await refusal(proposeDestruction({ viewer: w.archivist, recordIds: [r.id], reason: "expired" }, { today: TODAY }));
    expect(refused.reason).toBe("not_destroyable");
    expect(refused.details.items).toEqual([{ claimNumber, problem: "legal_hold" }]);
    await setLegalHold({ viewer: w.admin, claimNumber, hold: false, reason: "audit closed" });
    expect((await listAppraisal(w.archivist, {}, { today: TODAY })).items.map((i) => i.id)).toContain(r.id);
    const events = await prisma.auditEvent.findMany({ where: { type: { startsWith: "archive.legal_hold" }, actorId: w.admin.id }, orderBy: { at: "asc" } });
    expect(events.map((e) => e.type)).toEqual(["archive.legal_hold_placed", "archive.legal_hold_lifted"]);
  });
});

describe("proposing and approving a destruction", () => {
  it("refuses what is not due, and proposing a record twice while a request is open", async () => {
    const w = await world();
    const due = await record(w, "2014-03-05");
    const notDue = await record(w, "2020-03-05");
    expect((await refusal(proposeDestruction({ viewer: w.archivist, recordIds: [notDue.id], reason: "x" }, { today: TODAY }))).reason).toBe("not_destroyable");
    expect((await refusal(proposeDestruction({ viewer: w.outsider, recordIds: [due.id], reason: "x" }, { today: TODAY }))).code).toBe("not_found");
    const [requestId] = await proposeDestruction({ viewer: w.archivist, recordIds: [due.id], reason: "Retention over (30 years)" }, { today: TODAY });
    const again = await refusal(proposeDestruction({ viewer: w.supervisor, recordIds: [due.id], reason: "again" }, { today: TODAY }));
    expect(again.reason).toBe("already_proposed");
    // The list shows it as already in an open request.
    expect((await listAppraisal(w.archivist, {}, { today: TODAY })).items.find((i) => i.id === due.id)?.openRequestId).toBe(requestId);
    // Cancelled: it may be proposed again.
    await cancelDestruction({ viewer: w.archivist, requestId: requestId! });
    expect(await proposeDestruction({ viewer: w.supervisor, recordIds: [due.id], reason: "again" }, { today: TODAY })).toHaveLength(1);
  });

  it("one approver is not enough; the requester, the same person twice and the same role twice are refused", async () => {
    const w = await world();
    const r = await record(w, "2014-03-05");
    const [requestId] = await proposeDestruction({ viewer: w.archivist, recordIds: [r.id], reason: "Retention over" }, { today: TODAY });
    const id = requestId!;
    expect((await refusal(approveDestruction({ viewer: w.archivist, requestId: id, as: "ARCHIVIST" }))).reason).toBe("requester_cannot_approve");
    expect((await refusal(approveDestruction({ viewer: w.supervisor, requestId: id, as: "ADMIN" }))).reason).toBe("role_not_held");
    expect((await refusal(approveDestruction({ viewer: w.outsider, requestId: id, as: "ADMIN" }))).code).toBe("not_found");
    expect(await approveDestruction({ viewer: w.admin2, requestId: id, as: "SUPERVISOR" })).toEqual({ status: "PROPOSED" });
    // One approval: not executable.
    expect((await refusal(executeDestruction({ viewer: w.admin2, requestId: id }, { today: TODAY }))).reason).toBe("not_approved");
    // The same person again, in their other role.
    expect((await refusal(approveDestruction({ viewer: w.admin2, requestId: id, as: "ADMIN" }))).reason).toBe("same_approver");
    // Another person, the same role.
    expect((await refusal(approveDestruction({ viewer: w.supervisor, requestId: id, as: "SUPERVISOR" }))).reason).toBe("same_role");
    // The table backs the rule: a second SUPERVISOR row for the request is refused by the unique index.
    await expect(prisma.destructionApproval.create({ data: { requestId: id, approverId: w.supervisor.id, asRole: "SUPERVISOR" } })).rejects.toThrow();
    const detail = await destructionRequestDetail(w.admin, id, { today: TODAY });
    expect(detail?.can.approveAs).toEqual(["ADMIN"]);
    expect(await approveDestruction({ viewer: w.admin, requestId: id, as: "ADMIN" })).toEqual({ status: "APPROVED" });
    expect((await refusal(approveDestruction({ viewer: w.archivist2, requestId: id, as: "ARCHIVIST" }))).reason).toBe("already_approved");
    expect((await prisma.destructionRequest.findUniqueOrThrow({ where: { id } })).status).toBe("APPROVED");
  });
});

describe("executing a destruction", () => {
  it("two approvers → execute: files gone, register row with digests kept, archive_file rows kept, record DESTROYED; a retry is idempotent", async () => {
    const w = await world();
    const a = await record(w, "2014-03-05", { claimantName: "Wang Fang" });
    // b's originals were filed in a box: the register names it.
    const claimant = await createUser({ companyId: w.companyId, departmentId: w.departmentId });
    const claim = await createClaim(claimant, { status: "PAID" });
    const b = await record(w, "2013-11-20", { claimId: claim.id });
    const location = await prisma.archiveLocation.create({ data: { id: randomUUID(), code: `L${randomUUID().slice(0, 6)}`, name: "Shelf", nameZh: "架", kind: "SHELF" } });
    const boxLabel = `BOX-${randomUUID().slice(0, 8)}`;
    const box = await prisma.archiveBox.create({
      data: { id: randomUUID(), label: boxLabel, companyId: w.companyId, year: 2013, docType: "BX", boxNo: 1, locationId: location.id, createdById: w.archivist.id },
    });
    await prisma.paperOriginal.create({
      data: { claimId: claim.id, companyId: w.companyId, status: "ARCHIVED", receiptCount: 1, expectedSince: new Date("2013-11-01"), dueOn: new Date("2013-11-15"), boxId: box.id, position: 1, filedAt: new Date("2013-12-01") },
    });
    const filesBefore = await prisma.archiveFile.findMany({ where: { recordId: { in: [a.id, b.id] } }, orderBy: [{ recordId: "asc" }, { path: "asc" }] });
    expect(filesBefore.length).toBeGreaterThan(0);
    expect(await exists(path.join(a.packageDir, "originals/R1.txt"))).toBe(true);

    const [requestId] = await proposeDestruction({ viewer: w.archivist, recordIds: [a.id, b.id], reason: "Retention of 30 years over; appraisal 2046" }, { today: TODAY });
    const id = requestId!;
    await approveDestruction({ viewer: w.supervisor, requestId: id, as: "SUPERVISOR", note: "checked" });
    await approveDestruction({ viewer: w.admin, requestId: id, as: "ADMIN" });
    // Someone neither approver nor archivist may not execute.
    expect((await refusal(executeDestruction({ viewer: w.admin2, requestId: id }, { today: TODAY }))).reason).toBe("not_executor");
    const done = await executeDestruction({ viewer: w.archivist2, requestId: id }, { today: TODAY });
    expect(done).toMatchObject({ destroyed: 2, alreadyExecuted: false });

    expect(await exists(a.packageDir)).toBe(false);
    expect(await exists(b.packageDir)).toBe(false);
    const records = await prisma.archiveRecord.findMany({ where: { id: { in: [a.id, b.id] } } });
    expect(records.map((r) => r.status)).toEqual(["DESTROYED", "DESTROYED"]);
    expect(records.every((r) => r.destroyedAt)).toBe(true);
    expect(await prisma.archiveFile.findMany({ where: { recordId: { in: [a.id, b.id] } }, orderBy: [{ recordId: "asc" }, { path: "asc" }] })).toEqual(filesBefore);
    expect((await prisma.destructionRequest.findUniqueOrThrow({ where: { id } })).status).toBe("EXECUTED");

    const register = await prisma.destructionRegister.findMany({ where: { requestId: id } });
    expect(register).toHaveLength(2);
    const rowA = register.find((r) => r.recordId === a.id)!;
    const recA = records.find((r) => r.id === a.id)!;
    expect(rowA.manifestSha256).toBe(recA.manifestSha256);
    expect(rowA.reason).toBe("Retention of 30 years over; appraisal 2046");
    expect(rowA.retentionYears).toBe(30);
    expect((rowA.approvals as { asRole: string }[]).map((x) => x.asRole).sort()).toEqual(["ADMIN", "SUPERVISOR"]);
    const digestsA = filesBefore.filter((f) => f.recordId === a.id).map((f) => ({ path: f.path, sha256: f.sha256, sizeBytes: Number(f.sizeBytes), role: f.role }));
    expect(rowA.files).toEqual(digestsA);
    expect(register.find((r) => r.recordId === b.id)!.paperBoxLabel).toBe(boxLabel);
    const audit = await prisma.auditEvent.findMany({ where: { actorId: w.archivist2.id, type: { startsWith: "archive." } } });
    expect(audit.map((e) => e.type).sort()).toEqual(["archive.destruction_executed", "archive.record_destroyed", "archive.record_destroyed"]);

    // Retried: nothing more destroyed, nothing written twice.
    expect(await executeDestruction({ viewer: w.archivist2, requestId: id }, { today: TODAY })).toMatchObject({ destroyed: 0, alreadyExecuted: true });
    expect(await prisma.destructionRegister.count({ where: { requestId: id } })).toBe(2);

    // The register lists them; the CSV carries the digests.
    const listed = await listRegister(w.supervisor, { companyId: w.companyId });
    expect(listed.rows.map((r) => r.requestId)).toEqual([id, id]);
    const csv = await registerCsv(w.supervisor, { companyId: w.companyId });
    expect(csv).toContain(recA.claimNumber);
    expect(csv).toContain(digestsA[0]!.sha256);
    expect((await listRegister(w.outsider, { companyId: w.companyId })).rows).toEqual([]);
  });

  it("removal failing after the commit is finished by a retry; a commit that fails removes nothing", async () => {
    const w = await world();
    const r = await record(w, "2014-03-05");
    const [id] = await proposeDestruction({ viewer: w.archivist, recordIds: [r.id], reason: "over" }, { today: TODAY });
    await approveDestruction({ viewer: w.supervisor, requestId: id!, as: "SUPERVISOR" });
    await approveDestruction({ viewer: w.admin, requestId: id!, as: "ADMIN" });
    // A hold placed after approval stops the execution inside the transaction: nothing written, nothing removed.
    const claimNumber = (await prisma.archiveRecord.findUniqueOrThrow({ where: { id: r.id } })).claimNumber;
    await setLegalHold({ viewer: w.admin, claimNumber, hold: true, reason: "subpoena" });
    expect((await refusal(executeDestruction({ viewer: w.archivist, requestId: id! }, { today: TODAY }))).reason).toBe("not_destroyable");
    expect(await exists(path.join(r.packageDir, "claim.json"))).toBe(true);
    expect(await prisma.destructionRegister.count({ where: { requestId: id } })).toBe(0);
    await setLegalHold({ viewer: w.admin, claimNumber, hold: false, reason: "subpoena withdrawn" });

    // Simulate a removal that failed half-way after the commit: execute, then put files back as if left over.
    await executeDestruction({ viewer: w.archivist, requestId: id! }, { today: TODAY });
    expect(await exists(r.packageDir)).toBe(false);
    await fs.mkdir(path.join(r.packageDir, "originals"), { recursive: true });
    await fs.writeFile(path.join(r.packageDir, "originals", "R1.txt"), "left over");
    await fs.chmod(path.join(r.packageDir, "originals", "R1.txt"), 0o444);
    await fs.chmod(r.packageDir, 0o555);
    expect(await executeDestruction({ viewer: w.archivist, requestId: id! }, { today: TODAY })).toEqual({ destroyed: 0, alreadyExecuted: true, removedPackages: 1 });
    expect(await exists(r.packageDir)).toBe(false);
    expect(await prisma.destructionRegister.count({ where: { requestId: id } })).toBe(1);
  });

  it("at the same time: two people approving in the same role, one wins; two executing, the register is written once", async () => {
    const w = await world();
    const r = await record(w, "2014-03-05");
    const [id] = await proposeDestruction({ viewer: w.archivist, recordIds: [r.id], reason: "over" }, { today: TODAY });
    const same = await Promise.allSettled([
      approveDestruction({ viewer: w.admin, requestId: id!, as: "ADMIN" }),
      approveDestruction({ viewer: w.admin2, requestId: id!, as: "ADMIN" }),
    ]);
    expect(same.map((x) => x.status).sort()).toEqual(["fulfilled", "rejected"]);
    await approveDestruction({ viewer: w.supervisor, requestId: id!, as: "SUPERVISOR" });
    const runs = await Promise.all([
      executeDestruction({ viewer: w.archivist, requestId: id! }, { today: TODAY }),
      executeDestruction({ viewer: w.archivist2, requestId: id! }, { today: TODAY }),
    ]);
    expect(runs.map((x) => x.destroyed).sort()).toEqual([0, 1]);
    expect(await prisma.destructionRegister.count({ where: { requestId: id } })).toBe(1);
    expect(await exists(r.packageDir)).toBe(false);
  });

  it("the register refuses UPDATE and DELETE, even as the tables' owner", async () => {
    const w = await world();
    const r = await record(w, "2014-03-05");
    const [id] = await proposeDestruction({ viewer: w.archivist, recordIds: [r.id], reason: "over" }, { today: TODAY });
    await approveDestruction({ viewer: w.supervisor, requestId: id!, as: "SUPERVISOR" });
    await approveDestruction({ viewer: w.admin, requestId: id!, as: "ADMIN" });
    await executeDestruction({ viewer: w.admin, requestId: id! }, { today: TODAY });
    await asOwner(async (owner) => {
      await expect(owner.query(`UPDATE destruction_register SET reason = 'changed' WHERE record_id = $1`, [r.id])).rejects.toThrow(/kept permanently/);
      await expect(owner.query(`DELETE FROM destruction_register WHERE record_id = $1`, [r.id])).rejects.toThrow(/kept permanently/);
    });
    // And the app's role may not even try.
    await expect(prisma.$executeRawUnsafe(`DELETE FROM destruction_register WHERE record_id = '${r.id}'`)).rejects.toThrow();
    expect(await prisma.destructionRegister.count({ where: { recordId: r.id } })).toBe(1);
  });

  it("refuses package paths outside the archive store", () => {
    expect(() => packageDir("../../etc")).toThrow();
    expect(() => packageDir("/etc/passwd")).toThrow();
    expect(packageDir("archive/HK/2014/BX1")).toBe(path.join(storageRoot(), "archive/HK/2014/BX1"));
    expect(packageDir("HK/2014/BX1")).toBe(path.join(storageRoot(), "archive/HK/2014/BX1"));
  });
});

describe("retention settings", () => {
  it("admins lengthen periods (filed records follow, never shortened); shortening below the law is refused with the type; audited", async () => {
    const w = await world();
    const r = await record(w, "2014-03-05");
    const bank = await record(w, "2020-01-01", { retentionYears: 10, docType: "BANK_STATEMENT" });
    expect((await refusal(saveRetentionSettings({ viewer: w.archivist, companyId: w.companyId, input: {} }))).code).toBe("forbidden");
    expect((await refusal(saveRetentionSettings({ viewer: w.outsider, companyId: w.companyId, input: {} }))).code).toBe("not_found");
    const short = await refusal(saveRetentionSettings({ viewer: w.admin, companyId: w.companyId, input: { EXPENSE_CLAIM: "20" } }));
    expect(short).toMatchObject({ code: "invalid", reason: "below_legal_minimum", details: { type: "EXPENSE_CLAIM", minimum: 30 } });
    expect((await refusal(saveRetentionSettings({ viewer: w.admin, companyId: w.companyId, input: { VOUCHER: "abc" } }))).code).toBe("invalid");

    const saved = await saveRetentionSettings({ viewer: w.admin, companyId: w.companyId, input: { EXPENSE_CLAIM: "35", BANK_STATEMENT: "10", VOUCHER: "permanent" } });
    expect(saved.lengthened).toBe(1);
    const company = await prisma.company.findUniqueOrThrow({ where: { id: w.companyId } });
    expect(company.retentionOverrides).toEqual({ EXPENSE_CLAIM: { kind: "years", years: 35 }, VOUCHER: { kind: "permanent" } });
    const after = await prisma.archiveRecord.findUniqueOrThrow({ where: { id: r.id } });
    expect([after.retentionYears, after.retentionEndsOn?.toISOString().slice(0, 10)]).toEqual([35, "2049-12-31"]);
    expect((await prisma.archiveRecord.findUniqueOrThrow({ where: { id: bank.id } })).retentionYears).toBe(10);
    // No longer due in 2046.
    expect((await listAppraisal(w.archivist, {}, { today: TODAY })).items.map((i) => i.id)).not.toContain(r.id);
    const rows = await retentionSettings(w.archivist, w.companyId);
    expect(rows.find((x) => x.type === "EXPENSE_CLAIM")).toMatchObject({ law: { kind: "years", years: 30 }, override: { kind: "years", years: 35 }, effective: { kind: "years", years: 35 } });
    // Back to 31: records filed under 35 keep 35.
    await saveRetentionSettings({ viewer: w.admin, companyId: w.companyId, input: { EXPENSE_CLAIM: "31" } });
    expect((await prisma.archiveRecord.findUniqueOrThrow({ where: { id: r.id } })).retentionYears).toBe(35);
    const events = await prisma.auditEvent.findMany({ where: { actorId: w.admin.id, type: "archive.retention_settings_changed" } });
    expect(events).toHaveLength(2);
  });
});
