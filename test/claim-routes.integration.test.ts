import fs from "node:fs/promises";
import path from "node:path";
import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as editAction } from "~/routes/claims.$claimId.edit";
import { action as receiptsAction } from "~/routes/claims.$claimId.receipts";
import { loader as fileLoader } from "~/routes/files.receipts.$receiptId.$";
import { prisma } from "~/utils/db.server";
import { dziPath, tilesDir } from "~/utils/storage.server";
import { startImagingWorker } from "../workers/imaging";
import { startRelay, type Relay } from "../workers/relay";
import { createClaim, createClaimant, createUser, multipartRequest, sessionCookie, waitFor } from "./helpers";

const FIXTURES = path.resolve("test/fixtures");

function withCookie(request: Request, cookie: string): Request {
  const headers = new Headers(request.headers);
  headers.set("Cookie", cookie);
  return new Request(request.url, { method: request.method, headers, body: request.body, duplex: "half" } as RequestInit);
}

async function call<T>(fn: (args: ActionFunctionArgs) => Promise<T>, request: Request, params: Record<string, string>): Promise<T | Response> {
  try {
    return await fn({ request, params, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

describe("claim routes against Postgres, Redis and the imaging worker", () => {
  let relay: Relay;
  let worker: ReturnType<typeof startImagingWorker>;

  beforeAll(async () => {
    relay = await startRelay({ pollMs: 50 });
    worker = startImagingWorker({ concurrency: 2 });
    await prisma.expenseCategory.upsert({ where: { code: "TAXI" }, update: {}, create: { code: "TAXI", name: "Taxi", nameZh: "出租车" } });
  });
  afterAll(async () => {
    await worker.close();
    await relay.stop();
  });

  it("takes an upload through the route's action into Postgres, the relay, the worker and tiles on disk; then submits", async () => {
    const { user } = await createClaimant();
    const claim = await createClaim(user);
    const cookie = await sessionCookie(user.id);
    const [jpeg, pdf, junk] = await Promise.all(["receipt-zh.jpg", "two-page.pdf", "not-an-image.jpg"].map((f) => fs.readFile(path.join(FIXTURES, f))));
    const upload = multipartRequest(
      [
        { fileName: "taxi.jpg", data: jpeg!, type: "image/jpeg" },
        { fileName: "invoice.pdf", data: pdf!, type: "application/pdf" },
        { fileName: "evil.jpg", data: junk!, type: "image/jpeg" },
      ],
      {},
      `http://localhost/claims/${claim.id}/receipts`,
    );
    const result = await call(receiptsAction, withCookie(upload, cookie), { claimId: claim.id });
    if (result instanceof Response) throw new Error(`upload refused: ${result.status}`);
    const body = result as { added: { id: string }[]; rejected: { fileName: string; code: string }[] };
    expect(body.added).toHaveLength(2);
    expect(body.rejected).toEqual([expect.objectContaining({ fileName: "evil.jpg", code: "unsupported_type" })]);

    const receipts = await prisma.receipt.findMany({ where: { claimId: claim.id }, include: { file: true }, orderBy: { fileName: "asc" } });
    expect(receipts.map((r) => r.fileName)).toEqual(["invoice.pdf", "taxi.jpg"]);
    const audit = await prisma.auditEvent.findMany({ where: { claimId: claim.id, type: "receipt.added" } });
    expect(audit).toHaveLength(2);

    const ready = await waitFor(
      async () => {
        const files = await prisma.storedFile.findMany({ where: { sha256: { in: receipts.map((r) => r.fileSha256) } } });
        return files.every((f) => f.status === "READY") && files;
      },
      { timeoutMs: 45_000, what: "both receipts imaged" },
    );
    const pdfFile = ready.find((f) => f.mimeType === "application/pdf")!;
    expect(pdfFile.pageCount).toBe(2);
    for (const page of [1, 2]) {
      await fs.access(dziPath(pdfFile.sha256, page));
      expect((await fs.readdir(tilesDir(pdfFile.sha256, page))).length).toBeGreaterThan(5);
    }
    const outbox = await prisma.outboxEvent.findMany({ where: { jobKey: { in: receipts.map((r) => `imaging-${r.fileSha256}`) } } });
    expect(outbox.map((o) => o.status)).toEqual(["DONE", "DONE"]);

    // Tiles are served to the claimant with immutable caching, and to nobody else.
    const jpegReceipt = receipts.find((r) => r.fileName === "taxi.jpg")!;
    const tileReq = (c: string) => withCookie(new Request(`http://localhost/files/receipts/${jpegReceipt.id}/p1_files/0/0_0.jpg`), c);
    const ok = (await call(fileLoader, tileReq(cookie), { receiptId: jpegReceipt.id, "*": "p1_files/0/0_0.jpg" })) as Response;
    expect(ok.status).toBe(200);
    expect(ok.headers.get("Cache-Control")).toContain("immutable");
    const stranger = await createUser({ companyId: user.companyId, departmentId: user.departmentId });
    const denied = (await call(fileLoader, tileReq(await sessionCookie(stranger.id)), { receiptId: jpegReceipt.id, "*": "p1_files/0/0_0.jpg" })) as Response;
    expect(denied.status).toBe(404);
    const traversal = (await call(fileLoader, tileReq(cookie), { receiptId: jpegReceipt.id, "*": "../../originals" })) as Response;
    expect(traversal.status).toBe(404);

    // Submit through the edit action: one line per receipt, then DRAFT → SUBMITTED with its audit event.
    const form = new URLSearchParams({ intent: "submit", version: String(claim.version), purpose: "Trip", companyId: user.companyId, departmentId: user.departmentId });
    // Several receipts for one line (line 0 has both), and one receipt for several lines (the PDF).
    const linkage = [receipts.map((r) => r.id), [receipts[0]!.id]];
    linkage.forEach((receiptIds, i) => {
      form.append(`lines[${i}].spentOn`, "2026-11-02");
      form.append(`lines[${i}].categoryCode`, "TAXI");
      form.append(`lines[${i}].merchant`, "滴滴出行");
      form.append(`lines[${i}].amount`, "45.50");
      form.append(`lines[${i}].currency`, "CNY");
      for (const id of receiptIds) form.append(`lines[${i}].receiptIds`, id);
    });
    const submitReq = withCookie(new Request(`http://localhost/claims/${claim.id}/edit`, { method: "POST", body: form }), cookie);
    const submitted = (await call(editAction, submitReq, { claimId: claim.id })) as Response;
    expect(submitted.status).toBe(302);
    const after = await prisma.claim.findUniqueOrThrow({ where: { id: claim.id }, include: { lines: true } });
    expect(after.status).toBe("SUBMITTED");
    expect(after.lines).toHaveLength(2);
    const links = await prisma.lineReceipt.findMany({ where: { line: { claimId: claim.id } }, include: { line: true } });
    expect(links).toHaveLength(3);
    expect(links.filter((l) => l.receiptId === receipts[0]!.id).map((l) => l.line.position).sort()).toEqual([0, 1]);
    expect(links.filter((l) => l.line.position === 0)).toHaveLength(2);
    const submitEvent = await prisma.auditEvent.findFirstOrThrow({ where: { claimId: claim.id, type: "claim.submitted" } });
    expect([submitEvent.fromStatus, submitEvent.toStatus]).toEqual(["DRAFT", "SUBMITTED"]);

    // A stale save (old version) changes nothing; a submitted claim takes no more uploads.
    const stale = withCookie(new Request(`http://localhost/claims/${claim.id}/edit`, { method: "POST", body: new URLSearchParams({ intent: "save", version: String(claim.version), purpose: "x", companyId: user.companyId, departmentId: user.departmentId }) }), cookie);
    const staleResult = await call(editAction, stale, { claimId: claim.id });
    expect(staleResult).toEqual({ errors: {}, formError: "not_editable" });
    const lateUpload = multipartRequest([{ fileName: "late.jpg", data: jpeg! }], {}, `http://localhost/claims/${claim.id}/receipts`);
    const late = (await call(receiptsAction, withCookie(lateUpload, cookie), { claimId: claim.id })) as Response;
    expect(late.status).toBe(409);
    expect(await late.json()).toEqual({ added: [], rejected: [], formError: "not_editable" });
  });

  it("refuses a submission without lines, or with a line lacking a receipt or a positive amount, field by field", async () => {
    const { user } = await createClaimant();
    const claim = await createClaim(user);
    const cookie = await sessionCookie(user.id);
    const post = (form: URLSearchParams) => call(editAction, withCookie(new Request(`http://localhost/claims/${claim.id}/edit`, { method: "POST", body: form }), cookie), { claimId: claim.id });
    const base = { intent: "submit", version: "1", purpose: "Trip", companyId: user.companyId, departmentId: user.departmentId };
    expect(await post(new URLSearchParams(base))).toEqual({ errors: { lines: "required" }, formError: "fix" });
    const form = new URLSearchParams(base);
    for (const [k, v] of Object.entries({ spentOn: "2026-11-02", categoryCode: "TAXI", merchant: "m", amount: "-1", currency: "CNY" })) form.append(`lines[0].${k}`, v);
    expect(await post(form)).toEqual({ errors: { "lines.0.amount": "not_positive", "lines.0.receipts": "required" }, formError: "fix" });
    const unchanged = await prisma.claim.findUniqueOrThrow({ where: { id: claim.id }, include: { lines: true } });
    expect(unchanged.status).toBe("DRAFT");
    expect(unchanged.lines).toHaveLength(0);
  });
});
