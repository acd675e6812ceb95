/**
 * Issue 8, item 6: a claim is seen only by those who work on it. Every claim-level page (the claim with
 * its history, the viewer window) and the receipt file route (a tile and the original) are called
 * through their real loaders with a real session cookie, as each kind of person; the answer is 200 for
 * the right ones and 404 for everyone else.
 */
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import type { Role, User } from "~/generated/prisma/client";
import { claimAccessFor, getClaimDetail } from "~/models/claim.server";
import { RECEIPT_ACCESS_TTL_MS } from "~/models/receipt-file.server";
import { loader as claimLoader } from "~/routes/claims.$claimId._index";
import { loader as viewerLoader } from "~/routes/claims.$claimId.viewer";
import { loader as fileLoader } from "~/routes/files.receipts.$receiptId.$";
import { prisma } from "~/utils/db.server";
import { originalPath, tilesDir } from "~/utils/storage.server";
import { createClaim, createCompany, createDepartment, createGroup, createUser, sessionCookie, waitFor } from "./helpers";

type Org = { companyId: string; departmentId: string };

/** The HTTP status a loader answers with for `user` (200 when it returns data). */
async function statusOf(loader: (args: LoaderFunctionArgs) => Promise<unknown>, user: User, url: string, params: Record<string, string>): Promise<number> {
  const request = new Request(`http://localhost${url}`, { headers: { Cookie: await sessionCookie(user.id) } });
  try {
    const result = await loader({ request, params, context: {} });
    if (result instanceof Response) {
      await result.body?.cancel();
      return result.status;
    }
    return 200;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

/** A stored, "imaged" receipt file: the original and one deep-zoom tile on disk. */
async function imagedReceipt(claimId: string, uploadedById: string): Promise<string> {
  const sha256 = randomBytes(32).toString("hex");
  await prisma.storedFile.create({ data: { sha256, sizeBytes: 4, mimeType: "image/jpeg", status: "READY", pageCount: 1, pages: [{ width: 10, height: 10 }] } });
  await fs.mkdir(path.dirname(originalPath(sha256)), { recursive: true });
  await fs.writeFile(originalPath(sha256), "orig");
  await fs.mkdir(path.join(tilesDir(sha256, 1), "0"), { recursive: true });
  await fs.writeFile(path.join(tilesDir(sha256, 1), "0", "0_0.jpeg"), "tile");
  const receipt = await prisma.receipt.create({ data: { id: randomUUID(), claimId, fileSha256: sha256, fileName: "taxi.jpg", uploadedById } });
  return receipt.id;
}

const day = (offsetDays: number) => new Date(`${new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`);

describe("who sees a claim (claim page with history, viewer, tile, original)", () => {
  let a: Org;
  let b: Org;
  const people: Record<string, User> = {};
  let claimId: string;
  let receiptId: string;
  let draftId: string;
  let draftReceiptId: string;

  const person = async (key: string, org: Org, roles: Role[], extra: Partial<User> = {}) => {
    people[key] = await createUser(org, { roles, name: key, ...extra });
    return people[key]!;
  };

  beforeAll(async () => {
    const companyA = await createCompany();
    const companyB = await createCompany();
    a = { companyId: companyA.id, departmentId: (await createDepartment(companyA.id)).id };
    b = { companyId: companyB.id, departmentId: (await createDepartment(companyB.id)).id };
    const lineManager = await person("lineManager", a, ["EMPLOYEE", "MANAGER"]);
    const claimant = await person("claimant", a, ["EMPLOYEE"], { managerId: lineManager.id });
    const head = await person("head", a, ["EMPLOYEE", "MANAGER"]);
    await person("otherManager", a, ["EMPLOYEE", "MANAGER"]);
    const delegate = await person("delegate", a, ["EMPLOYEE", "MANAGER"]);
    const revokedDelegate = await person("revokedDelegate", a, ["EMPLOYEE", "MANAGER"]);
    const pastDelegate = await person("pastDelegate", a, ["EMPLOYEE", "MANAGER"]);
    const groupOfClaim = await createGroup();
    const otherGroup = await createGroup();
    const accountant = await person("accountant", a, ["EMPLOYEE", "ACCOUNTANT"]);
    const otherAccountant = await person("otherGroupAccountant", a, ["EMPLOYEE", "ACCOUNTANT"]);
    await prisma.groupMember.createMany({ data: [{ groupId: groupOfClaim, userId: accountant.id }, { groupId: otherGroup, userId: otherAccountant.id }] });
    const qa = await person("qaAssigned", a, ["EMPLOYEE", "QA"]);
    await person("qaNotAssigned", a, ["EMPLOYEE", "QA"]);
    for (const role of ["SUPERVISOR", "ADMIN", "ARCHIVIST"] as const) {
      const name = role.toLowerCase();
      const inA = await person(`${name}OfCompany`, a, ["EMPLOYEE", role]);
      const inB = await person(`${name}OfOtherCompany`, a, ["EMPLOYEE", role]);
      await prisma.userCompany.createMany({ data: [{ userId: inA.id, companyId: a.companyId }, { userId: inB.id, companyId: b.companyId }] });
    }
    await person("supervisorWithoutCompanies", a, ["EMPLOYEE", "SUPERVISOR"]);

    // Approved by the line manager (step 1), the head asked for step 2, reviewed in one group, now checked by QA.
    const claim = await createClaim(claimant, { status: "APPROVED", version: 6, groupId: groupOfClaim, submittedAt: new Date() });
    claimId = claim.id;
    await prisma.task.createMany({
      data: [
        { id: randomUUID(), claimId, type: "MANAGER_APPROVAL", step: 1, status: "DONE", outcome: "approved", assigneeId: lineManager.id, claimVersion: 2 },
        { id: randomUUID(), claimId, type: "MANAGER_APPROVAL", step: 2, status: "DONE", outcome: "approved", assigneeId: head.id, claimVersion: 2 },
        { id: randomUUID(), claimId, type: "REVIEW", status: "DONE", outcome: "approved", groupId: groupOfClaim, assigneeId: accountant.id, claimVersion: 4 },
        { id: randomUUID(), claimId, type: "QA", status: "IN_PROGRESS", assigneeId: qa.id, claimVersion: 5 },
      ],
    });
    await prisma.approvalDelegation.createMany({
      data: [
        { id: randomUUID(), managerId: head.id, delegateId: delegate.id, validFrom: day(-1), validTo: day(2) },
        { id: randomUUID(), managerId: head.id, delegateId: revokedDelegate.id, validFrom: day(-1), validTo: day(2), revokedAt: new Date() },
        { id: randomUUID(), managerId: head.id, delegateId: pastDelegate.id, validFrom: day(-5), validTo: day(-1) },
      ],
    });
    receiptId = await imagedReceipt(claimId, claimant.id);
    const draft = await createClaim(claimant, { status: "DRAFT" });
    draftId = draft.id;
    draftReceiptId = await imagedReceipt(draftId, claimant.id);
  });

  async function statuses(user: User, id: string, receipt: string) {
    return {
      claim: await statusOf(claimLoader, user, `/claims/${id}`, { claimId: id }),
      viewer: await statusOf(viewerLoader, user, `/claims/${id}/viewer`, { claimId: id }),
      tile: await statusOf(fileLoader, user, `/files/receipts/${receipt}/p1_files/0/0_0.jpeg`, { receiptId: receipt, "*": "p1_files/0/0_0.jpeg" }),
      original: await statusOf(fileLoader, user, `/files/receipts/${receipt}/original`, { receiptId: receipt, "*": "original" }),
    };
  }
  const all = (status: number) => ({ claim: status, viewer: status, tile: status, original: status });

  it.each([
    ["claimant", 200],
    ["lineManager", 200],
    ["head", 200],
    ["accountant", 200],
    ["qaAssigned", 200],
    ["supervisorOfCompany", 200],
    ["adminOfCompany", 200],
    ["archivistOfCompany", 200],
    ["otherManager", 404],
    // Stands in for the head, but the head decided this claim before: nothing waits for the delegate.
    ["delegate", 404],
    ["revokedDelegate", 404],
    ["pastDelegate", 404],
    ["otherGroupAccountant", 404],
    ["qaNotAssigned", 404],
    ["supervisorOfOtherCompany", 404],
    ["adminOfOtherCompany", 404],
    ["archivistOfOtherCompany", 404],
    ["supervisorWithoutCompanies", 404],
  ])("%s → %i", async (who, expected) => {
    expect(await statuses(people[who]!, claimId, receiptId)).toEqual(all(expected));
  });

  it("shows a delegate the claims waiting for the manager they stand in for, while the delegation runs and until it is revoked", async () => {
    const waiting = await createClaim(people.claimant!, { status: "SUBMITTED", submittedAt: new Date() });
    await prisma.task.createMany({
      data: [
        { id: randomUUID(), claimId: waiting.id, type: "MANAGER_APPROVAL", step: 1, status: "DONE", outcome: "approved", assigneeId: people.lineManager!.id, claimVersion: 2 },
        { id: randomUUID(), claimId: waiting.id, type: "MANAGER_APPROVAL", step: 2, status: "OPEN", assigneeId: people.head!.id, claimVersion: 2 },
      ],
    });
    const receipt = await imagedReceipt(waiting.id, people.claimant!.id);
    expect(await statuses(people.delegate!, waiting.id, receipt)).toEqual(all(200));
    expect(await statuses(people.revokedDelegate!, waiting.id, receipt)).toEqual(all(404));
    expect(await statuses(people.pastDelegate!, waiting.id, receipt)).toEqual(all(404));
    await prisma.approvalDelegation.updateMany({ where: { delegateId: people.delegate!.id }, data: { revokedAt: new Date() } });
    await new Promise((r) => setTimeout(r, RECEIPT_ACCESS_TTL_MS + 100));
    expect(await statuses(people.delegate!, waiting.id, receipt)).toEqual(all(404));
  });

  it("keeps a draft private to its claimant, whoever else looks", async () => {
    expect(await statuses(people.claimant!, draftId, draftReceiptId)).toEqual(all(200));
    for (const who of ["lineManager", "supervisorOfCompany", "adminOfCompany", "accountant"]) {
      expect(await statuses(people[who]!, draftId, draftReceiptId)).toEqual(all(404));
    }
  });

  it("counts an access already checked only for its own claim and viewer", async () => {
    const claimant = people.claimant!;
    const own = await claimAccessFor({ claimId: draftId, viewer: claimant });
    expect(own).not.toBeNull();
    expect((await getClaimDetail({ claimId: draftId, viewer: claimant, access: own! }))?.id).toBe(draftId);
    // The claimant's access to their draft opens neither the draft to somebody else nor another claim to them.
    for (const who of ["lineManager", "accountant"]) expect(await getClaimDetail({ claimId: draftId, viewer: people[who]!, access: own! })).toBeNull();
    const foreign = await createClaim(people.otherManager!, { status: "DRAFT" });
    expect(await getClaimDetail({ claimId: foreign.id, viewer: claimant, access: own! })).toBeNull();
  });

  it("refuses the receipt files within 5 seconds of a change of rights (the per-receipt access cache)", async () => {
    const accountant = people.accountant!;
    const tile = () => statusOf(fileLoader, accountant, `/files/receipts/${receiptId}/p1_files/0/0_0.jpeg`, { receiptId, "*": "p1_files/0/0_0.jpeg" });
    expect(await tile()).toBe(200);
    await prisma.groupMember.deleteMany({ where: { userId: accountant.id } });
    const changedAt = Date.now();
    await waitFor(async () => (await tile()) === 404, { timeoutMs: 5_000, intervalMs: 250, what: "the tile refused after the accountant left the group" });
    expect(Date.now() - changedAt).toBeLessThanOrEqual(5_000);
  });
});
