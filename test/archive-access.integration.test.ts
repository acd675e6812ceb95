/**
 * Archive search, loans and access (issue 12) against the real database: search filters, keyset paging
 * and company scope; request → approve → view (logged) and a view outside the period refused; a loan
 * through to its return; overdue reminders at most once per day.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isAppError } from "~/domain/app-error";
import { addDays, sscToday } from "~/domain/archive-access";
import {
  createArchiveRequest,
  decideArchiveRequest,
  getArchiveRequest,
  lendArchiveBox,
  listArchiveRequests,
  openGrantedRecord,
  readGrantedImage,
  returnArchiveBox,
  sendLoanReminders,
} from "~/models/archive-requests.server";
import { ArchiveSearchSchema, matchClaimant, searchArchive, searchPlan } from "~/models/archive-search.server";
import { archiveReadingRoomStats } from "~/models/archive-stats.server";
import { prisma } from "~/utils/db.server";
import { JOBS } from "~/domain/jobs";
import { getQueue } from "~/utils/queue.server";
import { storageRoot } from "~/utils/storage.server";
import { startArchiveWorker } from "../workers/archive";
import { createArchiveBox, createArchiveRecord, createFiledClaim, writeRecordPackage } from "../fixtures/archive-access";
import { createOrg, createUser, refusal, type Org } from "./helpers";
import { AppError } from "~/domain/app-error";

const tag = () => randomUUID().slice(0, 6).toUpperCase();

async function archivistOf(org: Org, roles: ("ARCHIVIST" | "SUPERVISOR" | "ADMIN")[] = ["ARCHIVIST"]) {
  const user = await createUser(org, { roles });
  await prisma.userCompany.create({ data: { userId: user.id, companyId: org.companyId } });
  return user;
}

describe("archive search", () => {
  it("finds records by each filter, pages by keyset, and never shows another company's records", async () => {
    const a = await createOrg();
    const b = await createOrg();
    const archivist = await archivistOf(a);
    const claimant = await createUser(a);
    const t = tag();
    const base = { companyId: a.companyId, departmentId: a.departmentId, claimantId: claimant.id };
    const boxId = await createArchiveBox(prisma, { companyId: a.companyId, label: `S${t}-2025-BX-B0001`, createdById: archivist.id });
    const boxed = await createFiledClaim(prisma, { ...base, boxId, position: 7 });
    await createArchiveRecord(prisma, { ...base, claimId: boxed.claimId, claimNumber: `X${t}0001`, claimantName: "Wang Xiaoming 王小明", totalMinor: 88_800n, merchants: "Hanting Hotel; Didi", spentFrom: "2025-03-02", spentTo: "2025-03-05", filedAt: new Date("2025-04-01T02:00:00Z") });
    await createArchiveRecord(prisma, { ...base, claimNumber: `X${t}0002`, claimantName: "Li Na", totalMinor: 5_000n, currency: "JPY", merchants: "Starbucks", spentFrom: "2025-06-10", filedAt: new Date("2025-07-01T02:00:00Z") });
    await createArchiveRecord(prisma, { ...base, claimNumber: `Y${t}0003`, claimantName: "Zhang Wei", totalMinor: 120_000n, merchants: "Air China", spentFrom: "2024-12-28", spentTo: "2025-01-03", filedAt: new Date("2025-02-01T02:00:00Z"), legalHold: true });
    // Company B's record shares the claimant's name and the claim-number prefix: never found by A's archivist.
    await createArchiveRecord(prisma, { companyId: b.companyId, departmentId: b.departmentId, claimantId: claimant.id, claimNumber: `X${t}0009`, claimantName: "Wang Xiaoming", merchants: "Hanting Hotel" });

    const numbers = async (input: Record<string, string>) => (await searchArchive(prisma, archivist, input)).rows.map((r) => r.claimNumber).sort();
    expect(await numbers({ claimNumber: `X${t}0001` })).toEqual([`X${t}0001`]);
    expect(await numbers({ claimNumber: `x${t}` })).toEqual([`X${t}0001`, `X${t}0002`]);
    expect(await numbers({ claimant: "xiaoMING" })).toEqual([`X${t}0001`]);
    expect(await numbers({ claimant: "王小" })).toEqual([`X${t}0001`]);
    // One character, as people start typing a Chinese name; and a name no record has: nothing, no error.
    expect(await numbers({ claimant: "明" })).toEqual([`X${t}0001`]);
    expect(await numbers({ claimant: `nobody ${t}` })).toEqual([]);
    // The names filed are counted by the database as records are filed (the search reads them first).
    const counted = await matchClaimant(prisma, "wang xiaoming", [a.companyId, b.companyId]);
    expect(counted.names).toEqual(expect.arrayContaining(["wang xiaoming 王小明", "wang xiaoming"]));
    expect(counted.records).toEqual({ [a.companyId]: 1, [b.companyId]: 1 });
    expect((await matchClaimant(prisma, "王小明", [b.companyId])).records).toEqual({ [b.companyId]: 0 });
    expect(searchPlan(ArchiveSearchSchema.parse({ claimant: "王小明" }), counted)).toBe("names");
    expect(searchPlan(ArchiveSearchSchema.parse({ claimant: "wang" }), { names: null, records: { [a.companyId]: Number.POSITIVE_INFINITY } })).toBe("ordered");
    expect(searchPlan(ArchiveSearchSchema.parse({ claimant: "wang", spentFrom: "2025-01-01" }), counted)).toBe("fenced");
    expect(await numbers({ merchant: "hanting", claimNumber: `X${t}` })).toEqual([`X${t}0001`]);
    // Amounts in major units of each record's currency: 888.00 CNY, 5000 JPY, 1200.00 CNY.
    expect(await numbers({ claimNumber: `X${t}`, amountMin: "800", amountMax: "900" })).toEqual([`X${t}0001`]);
    expect(await numbers({ claimNumber: `X${t}`, amountMin: "4000", amountMax: "6000" })).toEqual([`X${t}0002`]);
    expect(await numbers({ claimNumber: `X${t}`, amountMin: "4000", currency: "CNY" })).toEqual([]);
    // The period spent overlaps: 2025-01-01…2025-03-02 catches the New Year trip and the March one's first day.
    expect(await numbers({ claimant: "a", spentFrom: "2025-01-01", spentTo: "2025-03-02" })).toEqual([`X${t}0001`, `Y${t}0003`]);
    expect(await numbers({ box: `S${t}-2025-BX-B0001` })).toEqual([`X${t}0001`]);
    expect(await numbers({ box: `s${t}-2025` })).toEqual([`X${t}0001`]);
    const boxedRow = (await searchArchive(prisma, archivist, { claimNumber: `X${t}0001` })).rows[0]!;
    expect(boxedRow).toMatchObject({ boxLabel: `S${t}-2025-BX-B0001`, position: 7, status: "FILED", totalMinor: "88800", currency: "CNY" });
    expect((await searchArchive(prisma, archivist, { claimNumber: `Y${t}` })).rows[0]!.legalHold).toBe(true);

    // Another company: by name, by number, or by naming the company outright.
    expect(await numbers({ claimNumber: `X${t}0009` })).toEqual([]);
    expect(await numbers({ companyId: b.companyId })).toEqual([]);
    // Bad filters come back as field errors, nothing searched.
    const bad = await searchArchive(prisma, archivist, { amountMin: "abc", spentFrom: "2025-05-01", spentTo: "2025-04-01" });
    expect(bad.errors).toEqual({ amountMin: "invalid", spentTo: "before_from" });
    // Not archive staff: forbidden.
    expect(isAppError(await refusal(searchArchive(prisma, claimant, {}), AppError), "forbidden")).toBe(true);
  });

  it("pages newest filed first with a cursor: every record once, in order, over several companies", async () => {
    const a = await createOrg();
    const c = await createOrg();
    const archivist = await archivistOf(a, ["SUPERVISOR"]);
    await prisma.userCompany.create({ data: { userId: archivist.id, companyId: c.companyId } });
    const claimant = await createUser(a);
    const t = tag();
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      const org = i % 2 === 0 ? a : c;
      // Two pairs share a filing instant: the id breaks the tie.
      const filedAt = new Date(Date.UTC(2024, 0, 1 + Math.floor(i / 2) * 2, 3));
      const r = await createArchiveRecord(prisma, { companyId: org.companyId, departmentId: org.departmentId, claimantId: claimant.id, claimantName: `Pager ${t}`, claimNumber: `P${t}${i}`, filedAt });
      made.push(r.claimNumber);
    }
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await searchArchive(prisma, archivist, { claimant: `pager ${t.toLowerCase()}`, ...(after ? { after } : {}) }, { pageSize: 3 });
      seen.push(...page.rows.map((r) => r.claimNumber));
      for (let i = 1; i < page.rows.length; i++) expect(page.rows[i - 1]!.filedAt >= page.rows[i]!.filedAt).toBe(true);
      after = page.next ?? undefined;
      pages += 1;
    } while (after && pages < 10);
    expect(pages).toBe(3);
    expect(seen.slice().sort()).toEqual(made.slice().sort());
    expect(new Set(seen).size).toBe(7);
    expect(seen[0]).toBe(`P${t}6`);
  });
});

describe("loans and access", () => {
  async function world() {
    const org = await createOrg();
    const archivist = await archivistOf(org);
    const other = await createOrg();
    const otherArchivist = await archivistOf(other);
    const auditor = await createUser(org, { roles: ["EMPLOYEE"], name: `Auditor ${tag()}` });
    const t = tag();
    const packagePath = `archive-access-test/${t}`;
    const record = await createArchiveRecord(prisma, { companyId: org.companyId, departmentId: org.departmentId, claimantId: auditor.id, claimantName: "Chen Jing", claimNumber: `V${t}`, packagePath });
    await writeRecordPackage(prisma, { recordId: record.id, root: storageRoot(), packagePath, claimData: { number: `V${t}`, purpose: "Client visit Shanghai", lines: [{ merchant: "Didi", amount: "123.45" }] } });
    const boxLabel = `L${t}-2025-BX-B0001`;
    const boxId = await createArchiveBox(prisma, { companyId: org.companyId, label: boxLabel, createdById: archivist.id });
    return { org, archivist, otherArchivist, auditor, record, boxLabel, boxId };
  }

  it("request → approve → view: the record opens in the period, every view is logged; before and after it is refused", async () => {
    const w = await world();
    const today = sscToday(new Date());
    const requestId = await createArchiveRequest(prisma, w.auditor, { kind: "VIEW", claimNumber: w.record.claimNumber.toLowerCase(), purposeKind: "AUDIT", purpose: "Annual audit 2025", fromOn: today, toOn: addDays(today, 6) });
    expect((await prisma.auditEvent.findFirst({ where: { type: "archive.request_made", data: { path: ["requestId"], equals: requestId } } }))?.actorId).toBe(w.auditor.id);

    // Not yet approved: refused, nothing logged.
    const early = await refusal(openGrantedRecord(prisma, w.auditor, requestId), AppError);
    expect([early.code, early.reason]).toEqual(["access_refused", "not_approved"]);
    // Staff of another company cannot see or decide it; the requester cannot decide their own.
    expect((await refusal(getArchiveRequest(prisma, w.otherArchivist, requestId), AppError)).code).toBe("not_found");
    expect((await refusal(decideArchiveRequest(prisma, w.otherArchivist, requestId, { decision: "approve", note: "" }), AppError)).code).toBe("not_found");
    expect((await refusal(decideArchiveRequest(prisma, w.auditor, requestId, { decision: "approve", note: "" }), AppError)).code).toBe("not_found");
    // An archivist's own request: someone else decides it.
    const own = await createArchiveRequest(prisma, w.archivist, { kind: "VIEW", claimNumber: w.record.claimNumber, purposeKind: "INTERNAL", purpose: "Own check", fromOn: today, toOn: today });
    const refusedOwn = await refusal(decideArchiveRequest(prisma, w.archivist, own, { decision: "approve", note: "" }), AppError);
    expect([refusedOwn.code, refusedOwn.reason]).toEqual(["not_allowed", "own_request"]);

    await decideArchiveRequest(prisma, w.archivist, requestId, { decision: "approve", note: "For the auditors" });
    const approved = await prisma.archiveRequest.findUniqueOrThrow({ where: { id: requestId } });
    expect(approved).toMatchObject({ status: "APPROVED", decidedById: w.archivist.id, decisionNote: "For the auditors" });
    expect(await prisma.notification.count({ where: { userId: w.auditor.id, kind: "archive.request_decided" } })).toBe(1);
    // Deciding again: the state moved on.
    expect((await refusal(decideArchiveRequest(prisma, w.archivist, requestId, { decision: "refuse", note: "x" }), AppError)).code).toBe("illegal_request_transition");

    const view = await openGrantedRecord(prisma, w.auditor, requestId);
    expect(view.record.claimNumber).toBe(w.record.claimNumber);
    expect(view.claimData).toMatchObject({ purpose: "Client visit Shanghai" });
    expect(view.images).toEqual([{ path: "receipts/1.png", mediaType: "image/png" }]);
    const image = await readGrantedImage(prisma, w.auditor, requestId, "receipts/1.png");
    expect(image.mediaType).toBe("image/png");
    await openGrantedRecord(prisma, w.auditor, requestId);
    const views = await prisma.archiveView.findMany({ where: { requestId }, orderBy: { viewedAt: "asc" } });
    expect(views.map((v) => [v.viewerId, v.recordId, v.what])).toEqual([
      [w.auditor.id, w.record.id, "record"],
      [w.auditor.id, w.record.id, "file:receipts/1.png"],
      [w.auditor.id, w.record.id, "record"],
    ]);
    // A file not in the package's list is not served (and not logged).
    expect((await refusal(readGrantedImage(prisma, w.auditor, requestId, "../../etc/passwd"), AppError)).code).toBe("not_found");
    // Only the requester opens it, even archive staff go to the record page instead.
    expect((await refusal(openGrantedRecord(prisma, w.archivist, requestId), AppError)).code).toBe("not_found");

    // After the period, and before it: refused with the reason; nothing logged.
    const after = await refusal(openGrantedRecord(prisma, w.auditor, requestId, new Date(Date.now() + 8 * 86_400_000)), AppError);
    expect([after.status, after.reason]).toEqual([403, "expired"]);
    const later = await createArchiveRequest(prisma, w.auditor, { kind: "VIEW", claimNumber: w.record.claimNumber, purposeKind: "TAX", purpose: "Tax inspection", fromOn: addDays(today, 10), toOn: addDays(today, 12) });
    await decideArchiveRequest(prisma, w.archivist, later, { decision: "approve", note: "" });
    expect((await refusal(openGrantedRecord(prisma, w.auditor, later), AppError)).reason).toBe("not_yet");
    expect(await prisma.archiveView.count({ where: { requestId: { in: [requestId, later] } } })).toBe(3);

    const detail = await getArchiveRequest(prisma, w.auditor, requestId);
    expect(detail.views).toHaveLength(3);
    expect(detail.access).toEqual({ ok: true });
    const stats = await archiveReadingRoomStats(prisma, w.archivist);
    const month = stats.find((m) => m.month === sscToday(new Date()).slice(0, 7))!;
    expect(month.requests.VIEW).toBe(3);
    expect(month.purposes).toMatchObject({ AUDIT: 1, TAX: 1, INTERNAL: 1 });
    expect(month.approved).toBe(2);
    expect(month.views).toBe(3);
    expect(await archiveReadingRoomStats(prisma, w.otherArchivist)).toEqual([]);
  });

  it("refuses unknown targets and bad periods field by field", async () => {
    const w = await world();
    const today = sscToday(new Date());
    const err = await refusal(createArchiveRequest(prisma, w.auditor, { kind: "VIEW", claimNumber: "NO-SUCH-CLAIM", purposeKind: "OTHER", purpose: "x", fromOn: addDays(today, -1), toOn: addDays(today, 100) }), AppError);
    expect(err.fieldErrors).toEqual({ claimNumber: "unknown_record", fromOn: "starts_in_past", toOn: "period_too_long" });
    const box = await refusal(createArchiveRequest(prisma, w.auditor, { kind: "BORROW", boxLabel: "NO-SUCH-BOX", purposeKind: "OTHER", purpose: "x", fromOn: today, toOn: today }), AppError);
    expect(box.fieldErrors).toEqual({ boxLabel: "unknown_box" });
  });

  it("a loan: request a box → approve → lend → return, each step audited; the list shows it to the right people", async () => {
    const w = await world();
    const today = sscToday(new Date());
    const id = await createArchiveRequest(prisma, w.auditor, { kind: "BORROW", boxLabel: w.boxLabel.toLowerCase(), purposeKind: "LITIGATION", purpose: "Case 2025-17", fromOn: today, toOn: addDays(today, 14) });
    expect((await listArchiveRequests(prisma, w.archivist)).toHandle!.map((r) => r.id)).toContain(id);
    expect((await listArchiveRequests(prisma, w.otherArchivist)).toHandle!.map((r) => r.id)).not.toContain(id);
    expect((await listArchiveRequests(prisma, w.auditor)).toHandle).toBeNull();

    await decideArchiveRequest(prisma, w.archivist, id, { decision: "approve", note: "" });
    const badDue = await refusal(lendArchiveBox(prisma, w.archivist, id, { borrowerName: "", dueOn: addDays(today, 30) }), AppError);
    expect(badDue.fieldErrors).toEqual({ borrowerName: "required", dueOn: "after_period" });
    await lendArchiveBox(prisma, w.archivist, id, { borrowerName: "Zhou Min (KPMG)", dueOn: addDays(today, 7) });
    expect(await prisma.archiveRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "ON_LOAN", lentById: w.archivist.id, borrowerName: "Zhou Min (KPMG)" });
    await returnArchiveBox(prisma, w.archivist, id);
    const back = await prisma.archiveRequest.findUniqueOrThrow({ where: { id } });
    expect(back).toMatchObject({ status: "RETURNED", returnedToId: w.archivist.id });
    expect(back.returnedAt).not.toBeNull();
    const types = (await prisma.auditEvent.findMany({ where: { data: { path: ["requestId"], equals: id } }, orderBy: { id: "asc" } })).map((e) => e.type);
    expect(types).toEqual(["archive.request_made", "archive.request_approved", "archive.box_lent", "archive.box_returned"]);
    expect((await refusal(returnArchiveBox(prisma, w.archivist, id), AppError)).code).toBe("illegal_request_transition");
  });

  it("an overdue loan reminds the borrower and the archivists once per day", async () => {
    const w = await world();
    const today = sscToday(new Date());
    const id = await createArchiveRequest(prisma, w.auditor, { kind: "BORROW", boxLabel: w.boxLabel, purposeKind: "INTERNAL", purpose: "Internal review", fromOn: today, toOn: addDays(today, 3) });
    await decideArchiveRequest(prisma, w.archivist, id, { decision: "approve", note: "" });
    await lendArchiveBox(prisma, w.archivist, id, { borrowerName: "Borrower", dueOn: addDays(today, 2) });

    const notes = (userId: string) => prisma.notification.count({ where: { userId, kind: "archive.loan_overdue", data: { path: ["requestId"], equals: id } } });
    // Not yet due: nothing.
    await sendLoanReminders(prisma, new Date());
    expect(await notes(w.auditor.id)).toBe(0);
    // Three days on (overdue): one reminder each, however often the job runs that day.
    const day3 = new Date(Date.now() + 3 * 86_400_000);
    await sendLoanReminders(prisma, day3);
    await sendLoanReminders(prisma, new Date(day3.getTime() + 60_000));
    expect(await notes(w.auditor.id)).toBe(1);
    expect(await notes(w.archivist.id)).toBe(1);
    expect(await notes(w.otherArchivist.id)).toBe(0);
    expect((await prisma.archiveRequest.findUniqueOrThrow({ where: { id } })).remindersSent).toBe(1);
    // The next day: another one.
    await sendLoanReminders(prisma, new Date(day3.getTime() + 86_400_000));
    expect(await notes(w.auditor.id)).toBe(2);
    expect((await prisma.archiveRequest.findUniqueOrThrow({ where: { id } })).remindersSent).toBe(2);
    expect((await getArchiveRequest(prisma, w.archivist, id, new Date(day3.getTime() + 86_400_000))).shownStatus).toBe("OVERDUE");
    // Returned: no more.
    await returnArchiveBox(prisma, w.archivist, id);
    await sendLoanReminders(prisma, new Date(day3.getTime() + 2 * 86_400_000));
    expect(await notes(w.auditor.id)).toBe(2);
  });

  it("lists overdue loans: the filter keeps only boxes out past due (longest first), counts them, stays in the company, and each row says since when and the last reminder", async () => {
    const w = await world();
    const today = sscToday(new Date());
    const dayOf = (iso: string) => new Date(`${iso}T00:00:00Z`);
    const secondBox = await createArchiveBox(prisma, { companyId: w.org.companyId, label: `${w.boxLabel.slice(0, -1)}2`, createdById: w.archivist.id, boxNo: 2 });
    const secondLabel = (await prisma.archiveBox.findUniqueOrThrow({ where: { id: secondBox }, select: { label: true } })).label;
    const thirdBox = await createArchiveBox(prisma, { companyId: w.org.companyId, label: `${w.boxLabel.slice(0, -1)}3`, createdById: w.archivist.id, boxNo: 3 });
    const thirdLabel = (await prisma.archiveBox.findUniqueOrThrow({ where: { id: thirdBox }, select: { label: true } })).label;
    const lend = async (boxLabel: string, dueOn: string) => {
      const id = await createArchiveRequest(prisma, w.auditor, { kind: "BORROW", boxLabel, purposeKind: "AUDIT", purpose: "Overdue filter", fromOn: today, toOn: addDays(today, 5) });
      await decideArchiveRequest(prisma, w.archivist, id, { decision: "approve", note: "" });
      await lendArchiveBox(prisma, w.archivist, id, { borrowerName: "Borrower", dueOn: today });
      // As if lent a while ago: due on `dueOn`.
      await prisma.archiveRequest.update({ where: { id }, data: { dueOn: dayOf(dueOn) } });
      return id;
    };
    const late2 = await lend(w.boxLabel, addDays(today, -2));
    const late9 = await lend(secondLabel, addDays(today, -9));
    const notYet = await lend(thirdLabel, today);
    // A loan that was overdue and came back: no longer listed.
    const back = await createArchiveRequest(prisma, w.auditor, { kind: "BORROW", boxLabel: w.boxLabel, purposeKind: "AUDIT", purpose: "Came back", fromOn: today, toOn: today });
    await decideArchiveRequest(prisma, w.archivist, back, { decision: "approve", note: "" });
    await prisma.archiveRequest.update({ where: { id: back }, data: { status: "RETURNED", dueOn: dayOf(addDays(today, -4)), returnedAt: new Date() } });
    // Another company's overdue loan.
    const stranger = await createUser(w.org, { roles: ["EMPLOYEE"] });
    const otherBox = `O${tag()}-2025-BX-B0001`;
    const otherCompany = (await prisma.userCompany.findFirstOrThrow({ where: { userId: w.otherArchivist.id } })).companyId;
    await createArchiveBox(prisma, { companyId: otherCompany, label: otherBox, createdById: w.otherArchivist.id });
    const foreign = await createArchiveRequest(prisma, stranger, { kind: "BORROW", boxLabel: otherBox, purposeKind: "AUDIT", purpose: "Elsewhere", fromOn: today, toOn: addDays(today, 3) });
    await decideArchiveRequest(prisma, w.otherArchivist, foreign, { decision: "approve", note: "" });
    await lendArchiveBox(prisma, w.otherArchivist, foreign, { borrowerName: "Someone", dueOn: today });
    await prisma.archiveRequest.update({ where: { id: foreign }, data: { dueOn: dayOf(addDays(today, -1)) } });
    // The daily reminder ran this morning.
    await sendLoanReminders(prisma);

    const all = await listArchiveRequests(prisma, w.archivist);
    expect(all.overdue).toEqual({ mine: 0, toHandle: 2 });
    expect(all.toHandle!.map((r) => r.id)).toEqual(expect.arrayContaining([late2, late9, notYet, back]));
    const overdue = await listArchiveRequests(prisma, w.archivist, new Date(), { overdueOnly: true });
    expect(overdue.toHandle!.map((r) => r.id)).toEqual([late9, late2]);
    expect(overdue.overdue).toEqual({ mine: 0, toHandle: 2 });
    const row = overdue.toHandle![0]!;
    expect(row.shownStatus).toBe("OVERDUE");
    expect(row.loan).toEqual({ state: "overdue", dueOn: addDays(today, -9), overdueSince: addDays(today, -8), daysLate: 9 });
    expect(row.remindersSent).toBe(1);
    expect(sscToday(new Date(row.lastReminderAt!))).toBe(today);
    // Still on loan but due today: "due", not overdue.
    expect(all.toHandle!.find((r) => r.id === notYet)!.loan).toEqual({ state: "due", dueOn: today, daysLeft: 0 });
    expect(all.toHandle!.find((r) => r.id === back)!.loan).toBeNull();

    // The borrower sees their own overdue loans the same way; nobody else's.
    const mine = await listArchiveRequests(prisma, w.auditor, new Date(), { overdueOnly: true });
    expect(mine.mine.map((r) => r.id)).toEqual([late9, late2]);
    expect(mine.toHandle).toBeNull();
    expect(mine.overdue).toEqual({ mine: 2, toHandle: null });
    // The other company's archivist sees only their own company's overdue loan.
    const other = await listArchiveRequests(prisma, w.otherArchivist, new Date(), { overdueOnly: true });
    expect(other.toHandle!.map((r) => r.id)).toEqual([foreign]);
    expect(other.overdue.toHandle).toBe(1);
    // The request page carries the same standing, for the borrower and for the archive; still 404 for others.
    expect((await getArchiveRequest(prisma, w.auditor, late2)).loan).toEqual({ state: "overdue", dueOn: addDays(today, -2), overdueSince: addDays(today, -1), daysLate: 2 });
    expect((await refusal(getArchiveRequest(prisma, w.otherArchivist, late2), AppError)).code).toBe("not_found");
    // Returned: off the overdue list.
    await returnArchiveBox(prisma, w.archivist, late9);
    expect((await listArchiveRequests(prisma, w.archivist, new Date(), { overdueOnly: true })).toHandle!.map((r) => r.id)).toEqual([late2]);
  });

  it("the archive worker declares the daily reminder and a run of it reminds an overdue loan", async () => {
    const w = await world();
    const today = sscToday(new Date());
    const id = await createArchiveRequest(prisma, w.auditor, { kind: "BORROW", boxLabel: w.boxLabel, purposeKind: "AUDIT", purpose: "Worker run", fromOn: today, toOn: addDays(today, 3) });
    await decideArchiveRequest(prisma, w.archivist, id, { decision: "approve", note: "" });
    await lendArchiveBox(prisma, w.archivist, id, { borrowerName: "Borrower", dueOn: today });
    // Due yesterday (as if lent a while ago): overdue today.
    await prisma.archiveRequest.update({ where: { id }, data: { dueOn: new Date(`${addDays(today, -1)}T00:00:00Z`) } });
    const worker = await startArchiveWorker({ sweepEveryMs: 3_600_000 });
    try {
      expect((await getQueue("archive").getJobSchedulers()).map((s) => s.key)).toContain(JOBS.archiveLoanReminders.key({}));
      await getQueue("archive").add(JOBS.archiveLoanReminders.name, {}, { jobId: `archive-loan-reminders-test-${id}` });
      const deadline = Date.now() + 20_000;
      const sent = async () => (await prisma.archiveRequest.findUniqueOrThrow({ where: { id } })).remindersSent;
      while ((await sent()) < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await sent()).toBe(1);
    } finally {
      await worker.close();
      await getQueue("archive").removeJobScheduler(JOBS.archiveLoanReminders.key({}));
    }
  }, 60_000);
});
