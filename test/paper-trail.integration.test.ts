/**
 * The paper trail end to end against the real database: a submission opens its originals (once), packets
 * are packed and sent under their rules, the arrival desk judges each scan and writes its log, closing a
 * packet leaves discrepancies with a resend date and notices, and a resent original resolves them.
 */
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AppError } from "~/domain/app-error";
import { workingDaysAfter } from "~/domain/paper-desk";
import { coverSheetCode, packetCode, resendDueOn } from "~/domain/paper-trail";
import { DEFAULT_CALENDAR } from "~/domain/work-calendar";
import type { Company, Department, User } from "~/generated/prisma/client";
import { deskScan } from "~/models/arrival-desk.server";
import { saveClaim } from "~/models/claim-commands.server";
import { paperOriginalOf } from "~/models/paper-originals.server";
import { addToPacket, createPacket, listPackets, packetDetail, removeFromPacket, sendPacket } from "~/models/paper-packets.server";
import { prisma } from "~/utils/db.server";
import { loader as manifestLoader } from "~/routes/archive.packets.$packetId.manifest";
import { localeCookie } from "~/utils/session.server";
import { createClaim, createCompany, createDepartment, createUser, sessionCookie } from "./helpers";
import { decodeBarcode, pdfText } from "./pdf-reading";

let company: Company;
let department: Department;
let other: { company: Company; department: Department };
let employee: User;
let colleague: User;
let archivist: User;
let otherArchivist: User;
let accountant: User;
let sha: string;

const ecNumber = () => `EC2026${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`;

async function submitted(claimant: User, receipts = 2): Promise<{ id: string; number: string }> {
  const claim = await createClaim(claimant, { number: ecNumber() });
  const ids: string[] = [];
  for (let i = 0; i < receipts; i++) {
    const id = randomUUID();
    await prisma.receipt.create({ data: { id, claimId: claim.id, fileSha256: sha, fileName: `r${i + 1}.jpg`, uploadedById: claimant.id } });
    ids.push(id);
  }
  await saveClaim({
    viewer: claimant,
    claimId: claim.id,
    version: claim.version,
    submit: true,
    input: {
      purpose: "Trip",
      companyId: claimant.companyId,
      departmentId: claimant.departmentId,
      lines: ids.map((id, i) => ({ spentOn: "2026-11-02", categoryCode: "TAXI", merchant: "滴滴出行", amountMinor: BigInt(1000 + i), currency: "CNY", note: "", receiptIds: [id] })),
    },
  });
  return { id: claim.id, number: claim.number };
}

async function refusalOf(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

beforeAll(async () => {
  company = await createCompany({ originalsDueWorkingDays: 3, resendWorkingDays: 2 });
  department = await createDepartment(company.id);
  const oc = await createCompany();
  other = { company: oc, department: await createDepartment(oc.id) };
  const org = { companyId: company.id, departmentId: department.id };
  employee = await createUser(org);
  colleague = await createUser(org);
  archivist = await createUser(org, { roles: ["ARCHIVIST"] });
  otherArchivist = await createUser({ companyId: other.company.id, departmentId: other.department.id }, { roles: ["ARCHIVIST"] });
  accountant = await createUser(org, { roles: ["ACCOUNTANT"] });
  await prisma.userCompany.create({ data: { userId: archivist.id, companyId: company.id } });
  await prisma.userCompany.create({ data: { userId: otherArchivist.id, companyId: other.company.id } });
  await prisma.expenseCategory.upsert({ where: { code: "TAXI" }, update: {}, create: { code: "TAXI", name: "Taxi", nameZh: "出租车" } });
  sha = randomUUID().replace(/-/g, "").padEnd(64, "0");
  await prisma.storedFile.create({ data: { sha256: sha, sizeBytes: 1, mimeType: "image/jpeg", status: "READY", pageCount: 1 } });
});

describe("submitting opens the claim's paper originals", () => {
  it("makes one AWAITING row, due the company's working days after submission, and a resubmission keeps it", async () => {
    const claim = await submitted(employee, 3);
    const row = await prisma.paperOriginal.findUniqueOrThrow({ where: { claimId: claim.id } });
    const { submittedAt } = await prisma.claim.findUniqueOrThrow({ where: { id: claim.id } });
    expect(row).toMatchObject({ status: "AWAITING", receiptCount: 3, companyId: company.id, packetId: null });
    expect(row.expectedSince.toISOString()).toBe(submittedAt!.toISOString());
    expect(row.dueOn.toISOString().slice(0, 10)).toBe(workingDaysAfter(submittedAt!, 3, DEFAULT_CALENDAR));

    // Returned and resubmitted: the same row, untouched.
    const c = await prisma.claim.update({ where: { id: claim.id }, data: { status: "RETURNED" } });
    await saveClaim({
      viewer: employee,
      claimId: claim.id,
      version: c.version,
      submit: true,
      input: { purpose: "Trip again", companyId: company.id, departmentId: department.id, lines: [{ spentOn: "2026-11-02", categoryCode: "TAXI", merchant: "滴滴出行", amountMinor: 1000n, currency: "CNY", note: "", receiptIds: [(await prisma.receipt.findFirstOrThrow({ where: { claimId: claim.id } })).id] }] },
    });
    expect(await prisma.paperOriginal.count({ where: { claimId: claim.id } })).toBe(1);
    const again = await prisma.paperOriginal.findUniqueOrThrow({ where: { claimId: claim.id } });
    expect(again.expectedSince.toISOString()).toBe(row.expectedSince.toISOString());
    expect((await paperOriginalOf(claim.id))?.status).toBe("AWAITING");
  });

  it("a draft that is only saved has no originals", async () => {
    const draft = await createClaim(employee, { number: ecNumber() });
    await saveClaim({ viewer: employee, claimId: draft.id, version: draft.version, submit: false, input: { purpose: "x", companyId: company.id, departmentId: department.id, lines: [] } });
    expect(await paperOriginalOf(draft.id)).toBeNull();
  });
});

describe("packets", () => {
  it("an employee packs their own submitted claims, by code or number, under the rules, and sends it with carrier and tracking", async () => {
    const mine = await submitted(employee);
    const mine2 = await submitted(employee);
    const theirs = await submitted(colleague);
    const draft = await createClaim(employee, { number: ecNumber() });
    const packet = await createPacket({ viewer: employee, companyId: company.id, origin: "Shenzhen branch" });
    expect(packet.code).toMatch(/^PK\d{9}[A-Z]$/);
    const row = await prisma.paperPacket.findUniqueOrThrow({ where: { id: packet.id } });
    expect(packet.code).toBe(packetCode(row.serial));

    expect(await addToPacket({ viewer: employee, packetId: packet.id, entry: coverSheetCode(mine.number) })).toMatchObject({ claimNumber: mine.number });
    expect(await addToPacket({ viewer: employee, packetId: packet.id, entry: ` ${mine2.number.toLowerCase()} ` })).toMatchObject({ claimNumber: mine2.number });
    const reason = async (entry: string, viewer: User = employee, packetId = packet.id) => (await refusalOf(addToPacket({ viewer, packetId, entry }))).reason;
    expect(await reason(coverSheetCode(mine.number))).toBe("already_in_packet");
    expect(await reason(coverSheetCode(theirs.number))).toBe("not_found");
    expect(await reason(draft.number)).toBe("not_submitted");
    expect(await reason("hello")).toBe("unreadable");
    expect(await reason(coverSheetCode(ecNumber()))).toBe("not_found");

    // A second packet cannot take a claim already travelling in the first.
    const second = await createPacket({ viewer: employee, companyId: company.id, origin: "" });
    const inOther = await refusalOf(addToPacket({ viewer: employee, packetId: second.id, entry: mine.number }));
    expect(inOther.reason).toBe("in_other_packet");
    expect(inOther.details.packetCode).toBe(packet.code);
    expect((await refusalOf(sendPacket({ viewer: employee, packetId: second.id, carrier: "SF", trackingNumber: "1" }))).reason).toBe("empty");

    // Archive staff pack any claim of the company, but not another company's.
    const foreign = await submitted(await createUser({ companyId: other.company.id, departmentId: other.department.id }));
    const staffPacket = await createPacket({ viewer: archivist, companyId: company.id, origin: "" });
    await addToPacket({ viewer: archivist, packetId: staffPacket.id, entry: theirs.number });
    expect(await reason(foreign.number, archivist, staffPacket.id)).toBe("other_company");
    expect((await refusalOf(createPacket({ viewer: archivist, companyId: other.company.id, origin: "" }))).fieldErrors.companyId).toBe("not_your_company");

    // Removing while open; sending needs carrier and tracking number.
    await removeFromPacket({ viewer: employee, packetId: packet.id, claimId: mine2.id });
    expect((await packetDetail(employee, packet.id))!.items.map((i) => i.claimNumber)).toEqual([mine.number]);
    expect((await refusalOf(sendPacket({ viewer: employee, packetId: packet.id, carrier: " ", trackingNumber: "" }))).fieldErrors).toEqual({ carrier: "required", trackingNumber: "required" });
    await sendPacket({ viewer: employee, packetId: packet.id, carrier: "SF Express", trackingNumber: "SF1234567890" });
    const sent = await prisma.paperPacket.findUniqueOrThrow({ where: { id: packet.id } });
    expect(sent).toMatchObject({ status: "SENT", carrier: "SF Express", trackingNumber: "SF1234567890", sentById: employee.id });
    expect((await refusalOf(addToPacket({ viewer: employee, packetId: packet.id, entry: mine2.number }))).reason).toBe("not_editable");
    expect((await refusalOf(removeFromPacket({ viewer: employee, packetId: packet.id, claimId: mine.id }))).reason).toBe("not_editable");
    const audit = await prisma.auditEvent.findMany({ where: { type: { startsWith: "paper.packet" }, data: { path: ["packetId"], equals: packet.id } } });
    expect(audit.map((a) => a.type).sort()).toEqual(["paper.packet_created", "paper.packet_item_added", "paper.packet_item_added", "paper.packet_item_removed", "paper.packet_sent"]);

    // Who sees it: the maker and the company's archive staff; not a colleague nor another company's archivist.
    expect(await packetDetail(colleague, packet.id)).toBeNull();
    expect(await packetDetail(otherArchivist, packet.id)).toBeNull();
    expect((await packetDetail(archivist, packet.id))?.code).toBe(packet.code);
    expect((await refusalOf(addToPacket({ viewer: colleague, packetId: second.id, entry: mine2.number }))).code).toBe("not_found");
    expect((await listPackets(employee, { scope: "mine" })).map((p) => p.id)).toEqual(expect.arrayContaining([packet.id, second.id]));
    expect((await listPackets(archivist, { scope: "mine" })).map((p) => p.id)).toEqual([staffPacket.id]);
    expect((await listPackets(archivist, { scope: "all" })).map((p) => p.id)).toEqual(expect.arrayContaining([packet.id, second.id, staffPacket.id]));
    expect((await listPackets(otherArchivist, { scope: "all" })).map((p) => p.id)).not.toContain(packet.id);
  });
});

describe("the arrival desk", () => {
  it("opens a packet, ticks, flags, marks receipts missing and closes into discrepancies with notices and a resend date", async () => {
    const a = await submitted(employee, 2);
    const b = await submitted(employee, 3);
    const missing = await submitted(colleague, 1);
    const elsewhere = await submitted(colleague, 1);
    const loose = await submitted(employee, 1);
    // The missing claim is in review with the accountant: they hear of it too.
    await prisma.claim.update({ where: { id: missing.id }, data: { status: "IN_REVIEW" } });
    await prisma.task.create({ data: { id: randomUUID(), claimId: missing.id, type: "REVIEW", status: "IN_PROGRESS", assigneeId: accountant.id, claimVersion: 1 } });

    const packet = await createPacket({ viewer: archivist, companyId: company.id, origin: "Beijing branch" });
    for (const c of [a, b, missing]) await addToPacket({ viewer: archivist, packetId: packet.id, entry: c.number });
    await sendPacket({ viewer: archivist, packetId: packet.id, carrier: "EMS", trackingNumber: "E1" });
    const otherPacket = await createPacket({ viewer: archivist, companyId: company.id, origin: "" });
    await addToPacket({ viewer: archivist, packetId: otherPacket.id, entry: elsewhere.number });

    let packetId: string | null = null;
    let lastClaimId: string | null = null;
    const scan = async (raw: string, viewer: User = archivist) => {
      const r = await deskScan({ viewer, packetId, lastClaimId, raw });
      packetId = r.packet && r.packet.status === "RECEIVING" ? r.packet.id : null;
      lastClaimId = r.lastClaimId;
      return r;
    };
    const scansBefore = await prisma.paperScan.count({ where: { scannedById: archivist.id } });

    // Another company's archivist: the packet is unknown to them, and nothing changes.
    const foreign = await deskScan({ viewer: otherArchivist, packetId: null, lastClaimId: null, raw: packet.code });
    expect(foreign).toMatchObject({ ok: false, verdict: "packet_unknown" });
    expect((await prisma.paperPacket.findUniqueOrThrow({ where: { id: packet.id } })).status).toBe("SENT");

    const opened = await scan(packet.code.toLowerCase());
    expect(opened).toMatchObject({ ok: true, verdict: "packet_opened" });
    expect(opened.packet).toMatchObject({ status: "RECEIVING", expected: 3, received: 0 });
    expect((await prisma.paperPacket.findUniqueOrThrow({ where: { id: packet.id } })).receivingAt).not.toBeNull();

    expect(await scan(coverSheetCode(a.number))).toMatchObject({ ok: true, verdict: "expected", claimNumber: a.number, lastClaimId: a.id });
    const originalA = await prisma.paperOriginal.findUniqueOrThrow({ where: { claimId: a.id } });
    expect(originalA).toMatchObject({ status: "RECEIVED", receivedById: archivist.id, packetId: packet.id });
    expect(await scan(coverSheetCode(a.number))).toMatchObject({ ok: false, verdict: "duplicate" });
    expect(await scan(coverSheetCode(b.number))).toMatchObject({ ok: true, verdict: "expected", lastClaimId: b.id });
    expect(await scan("-R2")).toMatchObject({ ok: true, verdict: "receipts_missing", claimNumber: b.number, details: { receipts: [2] } });
    expect(await scan("-R9")).toMatchObject({ ok: false, verdict: "receipts_out_of_range" });
    expect(await scan(coverSheetCode(ecNumber()))).toMatchObject({ ok: false, verdict: "unknown" });
    const good = coverSheetCode(a.number);
    const misread = good.slice(0, -1) + (good.endsWith("A") ? "B" : "A");
    expect(await scan(misread)).toMatchObject({ ok: false, verdict: "bad_check" });
    expect(await scan(a.number)).toMatchObject({ ok: false, verdict: "missing_check" });
    const extra = await scan(coverSheetCode(elsewhere.number));
    expect(extra).toMatchObject({ ok: false, verdict: "other_packet", details: { packetCode: otherPacket.code } });
    expect((await prisma.paperOriginal.findUniqueOrThrow({ where: { claimId: elsewhere.id } })).status).toBe("RECEIVED");
    expect(extra.packet).toMatchObject({ expected: 3, received: 2 });
    expect(extra.packet!.items.find((i) => i.claimNumber === elsewhere.number)).toMatchObject({ onManifest: false, received: true });

    const closedAt = new Date();
    const closed = await scan("close");
    expect(closed).toMatchObject({ ok: true, verdict: "closed" });
    expect(closed.closed).toEqual({
      missing: [missing.number],
      extra: [elsewhere.number],
      receipts: [{ claimNumber: b.number, missing: [2] }],
      resendDueOn: resendDueOn(closedAt, 2, DEFAULT_CALENDAR),
    });
    expect(packetId).toBeNull();
    const after = await prisma.paperPacket.findUniqueOrThrow({ where: { id: packet.id } });
    expect(after).toMatchObject({ status: "CLOSED", closedById: archivist.id });

    const status = async (id: string) => (await prisma.paperOriginal.findUniqueOrThrow({ where: { claimId: id } })).status;
    expect([await status(a.id), await status(b.id), await status(missing.id), await status(elsewhere.id)]).toEqual(["RECEIVED", "DISCREPANCY", "DISCREPANCY", "RECEIVED"]);
    const found = await prisma.paperDiscrepancy.findMany({ where: { packetId: packet.id }, orderBy: { kind: "asc" } });
    expect(found.map((d) => [d.kind, d.claimId, d.missingReceipts, d.resolvedAt === null])).toEqual([
      ["EXTRA", elsewhere.id, [], false],
      ["MISSING", missing.id, [], true],
      ["RECEIPTS", b.id, [2], true],
    ]);
    const due = resendDueOn(closedAt, 2, DEFAULT_CALENDAR);
    expect(found.filter((d) => d.kind !== "EXTRA").map((d) => d.resendDueOn!.toISOString().slice(0, 10))).toEqual([due, due]);

    // Notices: the claimants, and the accountant reviewing the missing claim.
    const notes = await prisma.notification.findMany({ where: { kind: { startsWith: "paper." }, data: { path: ["packetCode"], equals: packet.code } } });
    expect(notes.map((n) => [n.userId, n.kind]).sort()).toEqual(
      [
        [employee.id, "paper.receipts"],
        [colleague.id, "paper.missing"],
        [accountant.id, "paper.missing"],
        [colleague.id, "paper.extra"],
      ].sort(),
    );
    // Every line typed wrote its scan row (the foreign archivist's are theirs).
    expect((await prisma.paperScan.count({ where: { scannedById: archivist.id } })) - scansBefore).toBe(11);
    const audit = await prisma.auditEvent.findMany({ where: { claimId: { in: [a.id, b.id, missing.id] }, type: { in: ["paper.original_received", "paper.discrepancy_raised"] } } });
    expect(audit.map((e) => e.type).sort()).toEqual(["paper.discrepancy_raised", "paper.discrepancy_raised", "paper.original_received", "paper.original_received"].sort());

    // The packet cannot be reopened.
    expect(await scan(packet.code)).toMatchObject({ ok: false, verdict: "packet_closed_already" });

    // Later the missing original comes as loose mail: received as resent, its discrepancy resolved.
    expect(await scan(coverSheetCode(missing.number))).toMatchObject({ ok: true, verdict: "resent" });
    expect(await status(missing.id)).toBe("RECEIVED");
    const resolved = await prisma.paperDiscrepancy.findFirstOrThrow({ where: { claimId: missing.id, kind: "MISSING" } });
    expect(resolved.resolvedAt).not.toBeNull();
    expect(resolved.resolvedById).toBe(archivist.id);
    expect((await paperOriginalOf(missing.id))?.openDiscrepancies).toEqual([]);

    // Loose mail of a claim in no packet is received; again, it is already received.
    expect(await scan(coverSheetCode(loose.number))).toMatchObject({ ok: true, verdict: "loose_received" });
    expect(await status(loose.id)).toBe("RECEIVED");
    expect(await scan(coverSheetCode(loose.number))).toMatchObject({ ok: false, verdict: "already_received" });
    expect(await scan("CLOSE")).toMatchObject({ ok: false, verdict: "close_no_packet" });
    expect(await scan("-R1")).toMatchObject({ ok: false, verdict: "receipts_no_claim" });
  });

  it("a resent receipt arriving in a later packet resolves the RECEIPTS discrepancy", async () => {
    const c = await submitted(employee, 2);
    const first = await createPacket({ viewer: employee, companyId: company.id, origin: "" });
    await addToPacket({ viewer: employee, packetId: first.id, entry: c.number });
    await sendPacket({ viewer: employee, packetId: first.id, carrier: "SF", trackingNumber: "1" });
    let packetId: string | null = null;
    let lastClaimId: string | null = null;
    const scan = async (raw: string) => {
      const r = await deskScan({ viewer: archivist, packetId, lastClaimId, raw });
      packetId = r.packet && r.packet.status === "RECEIVING" ? r.packet.id : null;
      lastClaimId = r.lastClaimId;
      return r;
    };
    await scan(first.code);
    await scan(coverSheetCode(c.number));
    await scan("-R1 R2");
    expect(await scan("+R2")).toMatchObject({ verdict: "receipts_found" });
    expect((await scan("CLOSE")).closed?.receipts).toEqual([{ claimNumber: c.number, missing: [1] }]);
    expect((await prisma.paperOriginal.findUniqueOrThrow({ where: { claimId: c.id } })).status).toBe("DISCREPANCY");

    // The employee packs it again (owed again) and it arrives complete.
    const second = await createPacket({ viewer: employee, companyId: company.id, origin: "" });
    await addToPacket({ viewer: employee, packetId: second.id, entry: coverSheetCode(c.number) });
    await sendPacket({ viewer: employee, packetId: second.id, carrier: "SF", trackingNumber: "2" });
    await scan(second.code);
    expect(await scan(coverSheetCode(c.number))).toMatchObject({ ok: true, verdict: "resent" });
    expect((await scan("CLOSE")).closed).toMatchObject({ missing: [], extra: [], receipts: [] });
    expect((await prisma.paperOriginal.findUniqueOrThrow({ where: { claimId: c.id } })).status).toBe("RECEIVED");
    expect(await prisma.paperDiscrepancy.count({ where: { claimId: c.id, resolvedAt: null } })).toBe(0);
  });

  it("is archive staff's only", async () => {
    expect((await refusalOf(deskScan({ viewer: employee, packetId: null, lastClaimId: null, raw: "CLOSE" }))).code).toBe("forbidden");
  });
});

describe("the packet manifest PDF", () => {
  async function fetchManifest(user: User, packetId: string, locale: "en" | "zh-CN"): Promise<Response> {
    const lng = (await localeCookie.serialize(locale)).split(";")[0]!;
    const request = new Request(`http://localhost/archive/packets/${packetId}/manifest`, { headers: { Cookie: `${await sessionCookie(user.id)}; ${lng}` } });
    try {
      return (await manifestLoader({ request, params: { packetId }, context: {} })) as Response;
    } catch (thrown) {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    }
  }

  it("carries the packet code as a barcode that scans, and every claim, in the reader's language; 404 to others", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "manifest-"));
    const c1 = await submitted(employee, 2);
    const c2 = await submitted(employee, 1);
    const packet = await createPacket({ viewer: employee, companyId: company.id, origin: "深圳分公司" });
    await addToPacket({ viewer: employee, packetId: packet.id, entry: c1.number });
    await addToPacket({ viewer: employee, packetId: packet.id, entry: c2.number });
    const en = await fetchManifest(employee, packet.id, "en");
    expect(en.status).toBe(200);
    expect(en.headers.get("Content-Type")).toBe("application/pdf");
    const pdf = Buffer.from(await en.arrayBuffer());
    await mkdir("test-results", { recursive: true });
    await writeFile("test-results/packet-manifest-en.pdf", pdf);
    expect(await decodeBarcode(pdf, dir)).toBe(packet.code);
    const { pages, text } = await pdfText(pdf, dir);
    expect(pages).toBe(1);
    expect(text).toContain("Packet manifest");
    expect(text).toContain(c1.number);
    expect(text).toContain(c2.number);
    expect(text).toContain("R1–R2");
    expect(text).toContain("深圳分公司");
    const zh = Buffer.from(await (await fetchManifest(employee, packet.id, "zh-CN")).arrayBuffer());
    expect((await pdfText(zh, dir)).text).toContain("邮包清单");
    expect((await fetchManifest(colleague, packet.id, "en")).status).toBe(404);
  });
});
