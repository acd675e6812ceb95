/**
 * Issue 12, archive boxes (real Postgres): the scheme an admin sets, boxes numbered in sequence per
 * company / year / type, filing received originals into positions (concurrently too), the refusals, the
 * movement log, and where a claim's originals are.
 */
import { execFile } from "node:child_process";
import { randomInt, randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import * as zxing from "@zxing/library";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "~/domain/actor";
import { isAppError } from "~/domain/app-error";
import { coverSheetCode } from "~/domain/paper-trail";
import type { Company, Role } from "~/generated/prisma/client";
import {
  closeBox,
  createBox,
  createLocation,
  fileOriginal,
  findClaimBox,
  getBox,
  listBoxes,
  listLocations,
  listSchemeSettings,
  moveBox,
  originalsWhereabouts,
  setArchiveScheme,
} from "~/models/archive-boxes.server";
import { loader as contentsLoader } from "~/routes/archive.boxes.$boxId.contents";
import { loader as labelLoader } from "~/routes/archive.boxes.$boxId.label";
import { prisma } from "~/utils/db.server";
import { createClaim, createCompany, createDepartment, createUser, refusal, sessionCookie } from "./helpers";

type World = { company: Company; other: Company; departmentId: string; archivist: Actor; admin: Actor; outsider: Actor; shelf: string; offsite: string };
let w: World;

async function staff(companyIds: string[], roles: Role[], org: { companyId: string; departmentId: string }): Promise<Actor> {
  const u = await createUser(org, { roles });
  for (const companyId of companyIds) await prisma.userCompany.create({ data: { userId: u.id, companyId } });
  return { id: u.id, roles };
}

function claimNumber(): string {
  return `EC2026${String(randomInt(0, 1e9)).padStart(9, "0")}${randomInt(0, 10)}`;
}

/** A submitted claim with one line and its paper original in `status` (rows written directly, as the brief asks). */
async function originalOf(company: Company, departmentId: string, status: "AWAITING" | "RECEIVED" | "DISCREPANCY" = "RECEIVED", submittedAt = new Date("2026-11-20T03:00:00Z")) {
  const claimant = await createUser({ companyId: company.id, departmentId });
  const claim = await createClaim(claimant, { number: claimNumber(), status: "APPROVED", submittedAt });
  await prisma.claimLine.create({ data: { id: randomUUID(), claimId: claim.id, position: 1, spentOn: new Date("2026-11-18"), categoryCode: "TAXI", merchant: "Didi", amountMinor: 12345n, currency: "CNY" } });
  await prisma.paperOriginal.create({
    data: { claimId: claim.id, companyId: company.id, status, receiptCount: 1, expectedSince: submittedAt, dueOn: new Date("2026-12-04"), receivedAt: status === "RECEIVED" ? new Date() : null },
  });
  return { claim, code: coverSheetCode(claim.number) };
}

beforeAll(async () => {
  await prisma.expenseCategory.upsert({ where: { code: "TAXI" }, update: {}, create: { code: "TAXI", name: "Taxi", nameZh: "出租车" } });
  const company = await createCompany();
  const other = await createCompany();
  const dept = await createDepartment(company.id);
  const org = { companyId: company.id, departmentId: dept.id };
  const archivist = await staff([company.id], ["ARCHIVIST"], org);
  const admin = await staff([company.id], ["ADMIN"], org);
  const outsider = await staff([other.id], ["ARCHIVIST"], org);
  const suffix = randomUUID().slice(0, 6).toUpperCase();
  const shelf = await createLocation(archivist, { code: `SH-${suffix}`, name: "Shelf test", nameZh: "测试架", kind: "SHELF" });
  const offsite = await createLocation(archivist, { code: `OFF-${suffix}`, name: "Off-site test", nameZh: "异地库", kind: "OFFSITE" });
  w = { company, other, departmentId: dept.id, archivist, admin, outsider, shelf: shelf.id, offsite: offsite.id };
});

describe("the numbering scheme", () => {
  it("refuses a bad template per field, changes nothing, and audits a good one", async () => {
    const c = await createCompany();
    await prisma.userCompany.create({ data: { userId: w.admin.id, companyId: c.id } });
    const err = await refusal(setArchiveScheme(w.admin, { companyId: c.id, box: "{company}-{year}-B{box:4}", position: "-P{pos:9}" }), Error);
    expect(isAppError(err, "invalid")).toBe(true);
    expect((err as unknown as { fieldErrors: Record<string, string> }).fieldErrors).toEqual({ box: "missing_placeholder", position: "bad_width" });
    expect((await prisma.company.findUniqueOrThrow({ where: { id: c.id } })).archiveBoxScheme).toBeNull();

    await setArchiveScheme(w.admin, { companyId: c.id, box: "{year}/{company}/{type}/{box:3}", position: ".{pos:2}" });
    const saved = await prisma.company.findUniqueOrThrow({ where: { id: c.id } });
    expect([saved.archiveBoxScheme, saved.archivePositionScheme]).toEqual(["{year}/{company}/{type}/{box:3}", ".{pos:2}"]);
    const audit = await prisma.auditEvent.findFirst({ where: { type: "archive.scheme_set", actorId: w.admin.id }, orderBy: { id: "desc" } });
    expect(audit?.data).toMatchObject({ companyId: c.id, to: { box: "{year}/{company}/{type}/{box:3}" } });

    const settings = await listSchemeSettings(w.admin);
    const mine = settings.find((s) => s.id === c.id)!;
    expect(mine.isDefault).toBe(false);
    expect(mine.preview?.box).toMatch(new RegExp(`^\\d{4}/${c.code}/BX/001$`));

    // The scheme numbers the company's next box.
    expect((await createBox(w.admin, { companyId: c.id, year: 2026, docType: "BX", locationId: w.shelf })).label).toBe(`2026/${c.code}/BX/001`);
  });

  it("is the admin's alone, and only for their companies", async () => {
    expect(isAppError(await refusal(setArchiveScheme(w.archivist, { companyId: w.company.id, box: "{company}{year}{type}{box:2}", position: "{pos:2}" }), Error), "not_found", "forbidden")).toBe(true);
    expect(isAppError(await refusal(setArchiveScheme(w.admin, { companyId: w.other.id, box: "{company}{year}{type}{box:2}", position: "{pos:2}" }), Error), "not_found")).toBe(true);
  });
});

describe("boxes", () => {
  it("are numbered in sequence per company, year and type, concurrently too", async () => {
    const made = await Promise.all(Array.from({ length: 5 }, () => createBox(w.archivist, { companyId: w.company.id, year: 2025, docType: "BX", locationId: w.shelf })));
    expect(made.map((b) => b.boxNo).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    expect(made.map((b) => b.label).sort()).toEqual([1, 2, 3, 4, 5].map((n) => `${w.company.code}-2025-BX-B000${n}`));
    // Another type and another year start again at 1.
    expect((await createBox(w.archivist, { companyId: w.company.id, year: 2025, docType: "BS", locationId: w.shelf })).label).toBe(`${w.company.code}-2025-BS-B0001`);
    expect((await createBox(w.archivist, { companyId: w.company.id, year: 2024, docType: "BX", locationId: w.shelf })).boxNo).toBe(1);
    // Each box's log starts with its placement, audited.
    const first = made[0]!;
    const moves = await prisma.archiveBoxMovement.findMany({ where: { boxId: first.id } });
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatchObject({ fromLocationId: null, toLocationId: w.shelf });
    expect(await prisma.auditEvent.count({ where: { type: "archive.box_created", data: { path: ["boxId"], equals: first.id } } })).toBe(1);
  });

  it("follow the company's scheme, and count boxes labelled under an earlier one", async () => {
    const c = await createCompany();
    await prisma.userCompany.create({ data: { userId: w.admin.id, companyId: c.id } });
    const b1 = await createBox(w.admin, { companyId: c.id, year: 2026, docType: "BX", locationId: w.shelf });
    expect(b1.label).toBe(`${c.code}-2026-BX-B0001`);
    await setArchiveScheme(w.admin, { companyId: c.id, box: "{company}/{year}/{type}/{box:2}", position: "-{pos:2}" });
    const b2 = await createBox(w.admin, { companyId: c.id, year: 2026, docType: "BX", locationId: w.shelf });
    expect(b2).toMatchObject({ boxNo: 2, label: `${c.code}/2026/BX/02` });
  });

  it("refuse a company outside the archivist's, a bad type or location", async () => {
    expect(isAppError(await refusal(createBox(w.outsider, { companyId: w.company.id, year: 2026, docType: "BX", locationId: w.shelf }), Error), "not_found")).toBe(true);
    const bad = await refusal(createBox(w.archivist, { companyId: w.company.id, year: 2026, docType: "ZZ", locationId: randomUUID() }), Error);
    expect((bad as unknown as { fieldErrors: Record<string, string> }).fieldErrors).toEqual({ docType: "invalid", locationId: "invalid" });
  });

  it("list with filters and counts; another company's boxes are not listed", async () => {
    const { boxes } = await listBoxes(w.archivist, { companyId: w.company.id, year: 2025, docType: "BX" });
    expect(boxes.length).toBe(5);
    expect(boxes.every((b) => b.status === "OPEN" && b.location.id === w.shelf)).toBe(true);
    expect((await listBoxes(w.outsider, { companyId: w.company.id })).boxes).toEqual([]);
    const locs = await listLocations(w.archivist);
    expect(locs.find((l) => l.id === w.shelf)?.boxes).toBeGreaterThanOrEqual(7);
    expect(await getBox(w.outsider, boxes[0]!.id)).toBeNull();
  });
});

describe("filing originals", () => {
  it("files received originals at the next positions, one transaction each, audited", async () => {
    const box = await createBox(w.archivist, { companyId: w.company.id, year: 2026, docType: "BX", locationId: w.shelf, capacity: 50 });
    const a = await originalOf(w.company, w.departmentId);
    const b = await originalOf(w.company, w.departmentId);
    const r1 = await fileOriginal(w.archivist, { boxId: box.id, code: a.code.toLowerCase() });
    const r2 = await fileOriginal(w.archivist, { boxId: box.id, code: ` ${b.code}\n` });
    expect(r1).toMatchObject({ ok: true, position: 1, positionLabel: `${box.label}-P001` });
    expect(r2).toMatchObject({ ok: true, position: 2, positionLabel: `${box.label}-P002` });
    const row = await prisma.paperOriginal.findUniqueOrThrow({ where: { claimId: a.claim.id } });
    expect(row).toMatchObject({ status: "ARCHIVED", boxId: box.id, position: 1, filedById: w.archivist.id });
    expect(row.filedAt).not.toBeNull();
    const audit = await prisma.auditEvent.findFirst({ where: { claimId: a.claim.id, type: "paper.archived" } });
    expect(audit?.data).toMatchObject({ boxId: box.id, position: 1 });
    const detail = await getBox(w.archivist, box.id);
    expect(detail?.contents.map((c) => [c.position, c.claimNumber])).toEqual([
      [1, a.claim.number],
      [2, b.claim.number],
    ]);
    expect(detail?.contents[0]?.totals).toEqual([{ minor: 12345n, currency: "CNY" }]);
  });

  it("gives two archivists filing into the same box at once different positions", async () => {
    const box = await createBox(w.archivist, { companyId: w.company.id, year: 2026, docType: "BX", locationId: w.shelf });
    const second = await staff([w.company.id], ["ARCHIVIST"], { companyId: w.company.id, departmentId: w.departmentId });
    const originals = await Promise.all(Array.from({ length: 8 }, () => originalOf(w.company, w.departmentId)));
    const results = await Promise.all(originals.map((o, i) => fileOriginal(i % 2 ? second : w.archivist, { boxId: box.id, code: o.code })));
    expect(results.every((r) => r.ok)).toBe(true);
    const positions = (await prisma.paperOriginal.findMany({ where: { boxId: box.id }, select: { position: true } })).map((p) => p.position).sort((x, y) => x! - y!);
    expect(positions).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("files the same original once when two archivists scan it into two boxes at once", async () => {
    const b1 = await createBox(w.archivist, { companyId: w.company.id, year: 2026, docType: "BX", locationId: w.shelf });
    const b2 = await createBox(w.archivist, { companyId: w.company.id, year: 2026, docType: "BX", locationId: w.shelf });
    const o = await originalOf(w.company, w.departmentId);
    const results = await Promise.all([fileOriginal(w.archivist, { boxId: b1.id, code: o.code }), fileOriginal(w.archivist, { boxId: b2.id, code: o.code })]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const refused = results.find((r) => !r.ok);
    expect(refused && !refused.ok && refused.refusal.code).toBe("already_filed");
  });

  it("refuses clearly and changes nothing: not received, already filed (saying where), wrong company, closed, full, unreadable", async () => {
    const box = await createBox(w.archivist, { companyId: w.company.id, year: 2026, docType: "BX", locationId: w.shelf, capacity: 1 });
    const awaiting = await originalOf(w.company, w.departmentId, "AWAITING");
    const disputed = await originalOf(w.company, w.departmentId, "DISCREPANCY");
    expect(await fileOriginal(w.archivist, { boxId: box.id, code: awaiting.code })).toMatchObject({ ok: false, refusal: { code: "not_received", status: "AWAITING" } });
    expect(await fileOriginal(w.archivist, { boxId: box.id, code: disputed.code })).toMatchObject({ ok: false, refusal: { code: "not_received", status: "DISCREPANCY" } });

    // Another company's original, in a company the archivist also works for.
    await prisma.userCompany.create({ data: { userId: w.archivist.id, companyId: w.other.id } });
    const otherDept = await createDepartment(w.other.id);
    const foreign = await originalOf(w.other, otherDept.id);
    expect(await fileOriginal(w.archivist, { boxId: box.id, code: foreign.code })).toMatchObject({ ok: false, refusal: { code: "wrong_company" } });
    await prisma.userCompany.delete({ where: { userId_companyId: { userId: w.archivist.id, companyId: w.other.id } } });
    // Out of the archivist's companies altogether: unknown.
    expect(await fileOriginal(w.archivist, { boxId: box.id, code: foreign.code })).toMatchObject({ ok: false, refusal: { code: "unknown_claim" } });

    const lastYear = await originalOf(w.company, w.departmentId, "RECEIVED", new Date("2025-06-01T03:00:00Z"));
    expect(await fileOriginal(w.archivist, { boxId: box.id, code: lastYear.code })).toMatchObject({ ok: false, refusal: { code: "wrong_year", year: 2025, boxYear: 2026 } });

    const ok = await originalOf(w.company, w.departmentId);
    expect((await fileOriginal(w.archivist, { boxId: box.id, code: ok.code })).ok).toBe(true);
    expect(await fileOriginal(w.archivist, { boxId: box.id, code: ok.code })).toMatchObject({ ok: false, refusal: { code: "already_filed", boxLabel: box.label, position: `${box.label}-P001` } });
    const more = await originalOf(w.company, w.departmentId);
    expect(await fileOriginal(w.archivist, { boxId: box.id, code: more.code })).toMatchObject({ ok: false, refusal: { code: "box_full", capacity: 1 } });

    const open = await createBox(w.archivist, { companyId: w.company.id, year: 2026, docType: "BX", locationId: w.shelf });
    await closeBox(w.archivist, open.id);
    expect(await fileOriginal(w.archivist, { boxId: open.id, code: more.code })).toMatchObject({ ok: false, refusal: { code: "box_closed" } });
    expect(isAppError(await refusal(closeBox(w.archivist, open.id), Error), "conflict")).toBe(true);

    const bs = await createBox(w.archivist, { companyId: w.company.id, year: 2026, docType: "BS", locationId: w.shelf });
    expect(await fileOriginal(w.archivist, { boxId: bs.id, code: more.code })).toMatchObject({ ok: false, refusal: { code: "wrong_type" } });

    expect(await fileOriginal(w.archivist, { boxId: open.id, code: more.claim.number })).toMatchObject({ ok: false, refusal: { code: "unreadable", reason: "missing_check" } });
    expect((await prisma.paperOriginal.findUniqueOrThrow({ where: { claimId: more.claim.id } })).status).toBe("RECEIVED");
    // Someone else's box is not found.
    expect(isAppError(await refusal(fileOriginal(w.outsider, { boxId: open.id, code: more.code }), Error), "not_found")).toBe(true);
  });
});

describe("moving boxes", () => {
  it("logs each move and updates the box's location in the same transaction, audited", async () => {
    const box = await createBox(w.archivist, { companyId: w.company.id, year: 2023, docType: "BX", locationId: w.shelf });
    await moveBox(w.archivist, { boxId: box.id, toLocationId: w.offsite, note: "Year-end transfer" });
    expect((await prisma.archiveBox.findUniqueOrThrow({ where: { id: box.id } })).locationId).toBe(w.offsite);
    const detail = await getBox(w.archivist, box.id);
    expect(detail?.movements.map((m) => [m.from?.code ?? null, m.to.code, m.note])).toEqual([
      [expect.stringMatching(/^SH-/), expect.stringMatching(/^OFF-/), "Year-end transfer"],
      [null, expect.stringMatching(/^SH-/), ""],
    ]);
    expect(await prisma.auditEvent.count({ where: { type: "archive.box_moved", data: { path: ["boxId"], equals: box.id } } })).toBe(1);
    const same = await refusal(moveBox(w.archivist, { boxId: box.id, toLocationId: w.offsite }), Error);
    expect((same as unknown as { fieldErrors: Record<string, string> }).fieldErrors).toEqual({ toLocationId: "same_location" });
    expect(isAppError(await refusal(moveBox(w.outsider, { boxId: box.id, toLocationId: w.shelf }), Error), "not_found")).toBe(true);
    expect(isAppError(await refusal(moveBox({ id: w.admin.id, roles: ["SUPERVISOR"] }, { boxId: box.id, toLocationId: w.shelf }), Error), "forbidden")).toBe(true);
    expect(await prisma.archiveBoxMovement.count({ where: { boxId: box.id } })).toBe(2);
  });
});

describe("where are the originals", () => {
  it("says awaiting, received, archived (box, position, current location), and finds a claim's box", async () => {
    const box = await createBox(w.archivist, { companyId: w.company.id, year: 2026, docType: "BX", locationId: w.shelf });
    const waiting = await originalOf(w.company, w.departmentId, "AWAITING");
    const o = await originalOf(w.company, w.departmentId);
    const employee: Actor = { id: randomUUID(), roles: ["EMPLOYEE"] };
    expect(await originalsWhereabouts(employee, waiting.claim.id)).toMatchObject({ status: "AWAITING", dueOn: "2026-12-04", archived: null });
    expect((await originalsWhereabouts(employee, o.claim.id))?.status).toBe("RECEIVED");
    await fileOriginal(w.archivist, { boxId: box.id, code: o.code });
    await moveBox(w.archivist, { boxId: box.id, toLocationId: w.offsite });
    const where = await originalsWhereabouts(employee, o.claim.id);
    expect(where).toMatchObject({ status: "ARCHIVED", archived: { boxLabel: box.label, positionLabel: `${box.label}-P001`, location: { kind: "OFFSITE" }, linkable: false } });
    expect((await originalsWhereabouts(w.archivist, o.claim.id))?.archived?.linkable).toBe(true);
    const unsubmitted = await createClaim(await createUser({ companyId: w.company.id, departmentId: w.departmentId }), { number: claimNumber() });
    expect(await originalsWhereabouts(employee, unsubmitted.id)).toBeNull();

    expect(await findClaimBox(w.archivist, o.claim.number.toLowerCase())).toMatchObject({ claimNumber: o.claim.number, box: { id: box.id, positionLabel: `${box.label}-P001` } });
    expect(await findClaimBox(w.archivist, o.code)).toMatchObject({ box: { id: box.id } });
    expect(await findClaimBox(w.archivist, waiting.claim.number)).toMatchObject({ status: "AWAITING", box: null });
    expect(await findClaimBox(w.outsider, o.claim.number)).toBeNull();
    expect(await findClaimBox(w.archivist, "nonsense")).toBeNull();
  });
});

describe("the box label and contents list PDFs", () => {
  it("carry the label as a Code 128 barcode that scans, and the contents in text", async () => {
    const run = promisify(execFile);
    const dir = await mkdtemp(path.join(tmpdir(), "box-label-"));
    try {
      const box = await createBox(w.archivist, { companyId: w.company.id, year: 2026, docType: "BX", locationId: w.shelf });
      const o = await originalOf(w.company, w.departmentId);
      await fileOriginal(w.archivist, { boxId: box.id, code: o.code });
      const cookie = await sessionCookie(w.archivist.id);
      const get = async (loader: typeof labelLoader, suffix: string) =>
        (await loader({ request: new Request(`http://localhost/archive/boxes/${box.id}/${suffix}`, { headers: { Cookie: cookie } }), params: { boxId: box.id }, context: {} })) as Response;

      const label = await get(labelLoader, "label");
      expect(label.headers.get("Content-Type")).toBe("application/pdf");
      const file = path.join(dir, "label.pdf");
      await writeFile(file, Buffer.from(await label.arrayBuffer()));
      await run("pdftoppm", ["-gray", "-r", "200", "-f", "1", "-l", "1", "-singlefile", file, file]);
      const bytes = await readFile(`${file}.pgm`);
      const header = bytes.subarray(0, 64).toString("latin1").match(/^P5\s+(\d+)\s+(\d+)\s+255\s/)!;
      const [all, wd, ht] = header;
      const width = Number(wd);
      const height = Number(ht);
      const grey = new Uint8ClampedArray(bytes.subarray(all!.length));
      const source = new zxing.RGBLuminanceSource(grey, width, height).crop(0, Math.round(height * 0.1), width, Math.round(height * 0.1));
      const reader = new zxing.MultiFormatReader();
      reader.setHints(new Map<zxing.DecodeHintType, unknown>([[zxing.DecodeHintType.POSSIBLE_FORMATS, [zxing.BarcodeFormat.CODE_128]], [zxing.DecodeHintType.TRY_HARDER, true]]));
      expect(reader.decode(new zxing.BinaryBitmap(new zxing.HybridBinarizer(source))).getText()).toBe(box.label);
      const labelText = (await run("pdftotext", ["-layout", file, "-"])).stdout;
      expect(labelText).toContain(box.label);
      expect(labelText).toContain("1 / 200");

      const contents = await get(contentsLoader, "contents");
      const cfile = path.join(dir, "contents.pdf");
      await writeFile(cfile, Buffer.from(await contents.arrayBuffer()));
      const text = (await run("pdftotext", ["-layout", cfile, "-"])).stdout;
      expect(text).toContain(`${box.label}-P001`);
      expect(text).toContain(o.claim.number);
      expect(text).toContain("123.45");

      // Another company's archivist: 404.
      const outsider = await sessionCookie(w.outsider.id);
      const refused = await labelLoader({ request: new Request(`http://localhost/archive/boxes/${box.id}/label`, { headers: { Cookie: outsider } }), params: { boxId: box.id }, context: {} }).catch((e: unknown) => e);
      expect((refused as Response).status).toBe(404);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("the claim page", () => {
  it("shows where the originals are to whoever may see the claim (the claimant: no link to the box)", async () => {
    const { loader } = await import("~/routes/claims.$claimId._index");
    const box = await createBox(w.archivist, { companyId: w.company.id, year: 2026, docType: "BX", locationId: w.shelf });
    const o = await originalOf(w.company, w.departmentId);
    await fileOriginal(w.archivist, { boxId: box.id, code: o.code });
    const request = new Request(`http://localhost/claims/${o.claim.id}`, { headers: { Cookie: await sessionCookie(o.claim.claimantId) } });
    const data = (await loader({ request, params: { claimId: o.claim.id }, context: {} })) as { originals: Awaited<ReturnType<typeof originalsWhereabouts>> };
    expect(data.originals).toMatchObject({ status: "ARCHIVED", archived: { boxLabel: box.label, positionLabel: `${box.label}-P001`, linkable: false } });
    expect(data.originals?.archived?.location.kind).toBe("SHELF");
  });
});
