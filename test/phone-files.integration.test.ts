/**
 * Issue 8, item 10: the files phones and PDF tools really produce. An iPhone HEIC photo is converted and
 * shown; a password-protected PDF and a PDF of hundreds of pages are refused at upload with a reason; and
 * if such a PDF reaches the imaging worker anyway, the worker fails it cleanly (FAILED with a code, its
 * job done once, the claim untouched).
 */
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { ActionFunctionArgs } from "@remix-run/node";
import type { Worker } from "bullmq";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imagingJobKey, storeReceiptFile } from "~/models/stored-file.server";
import { action as receiptsAction } from "~/routes/claims.$claimId.receipts";
import { prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { getQueue } from "~/utils/queue.server";
import { derivedDir, originalPath, storageRoot, thumbPath, tilesDir } from "~/utils/storage.server";
import { receiveUploads, type AcceptedUpload } from "~/utils/upload.server";
import { startImagingWorker } from "../workers/imaging";
import { startRelay, type Relay } from "../workers/relay";
import { createClaim, createClaimant, multipartRequest, sessionCookie, waitFor, type UploadPart } from "./helpers";
import { encryptPdf, simplePdf } from "./imaging-inputs";

const FIXTURES = path.resolve(import.meta.dirname, "fixtures");

type UploadBody = { added: { id: string; fileName: string }[]; rejected: { fileName: string; code: string; params: Record<string, unknown> }[] };

async function upload(userId: string, claimId: string, files: UploadPart[]): Promise<UploadBody> {
  const request = multipartRequest(files, {}, `http://localhost/claims/${claimId}/receipts`);
  const headers = new Headers(request.headers);
  headers.set("Cookie", await sessionCookie(userId));
  const withCookie = new Request(request.url, { method: "POST", headers, body: request.body, duplex: "half" } as RequestInit);
  return (await receiptsAction({ request: withCookie, params: { claimId }, context: {} } as ActionFunctionArgs)) as UploadBody;
}

async function settled(sha: string) {
  return waitFor(
    async () => {
      const row = await prisma.storedFile.findUnique({ where: { sha256: sha } });
      return row && row.status !== "PROCESSING" ? row : undefined;
    },
    { what: `file ${sha.slice(0, 8)} to be rendered`, timeoutMs: 45_000 },
  );
}

function tmpEntries(): string[] {
  const dir = path.join(storageRoot(), "tmp");
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

let relay: Relay;
let worker: Worker;

beforeAll(async () => {
  relay = await startRelay({ pollMs: 50 });
  worker = startImagingWorker({ concurrency: 2 });
});

afterAll(async () => {
  await worker.close();
  await relay.stop();
});

describe("an iPhone HEIC photo", () => {
  it("is accepted, stored as sent, converted to JPEG by the imaging worker and shown as tiles", async () => {
    const { user } = await createClaimant();
    const claim = await createClaim(user);
    const heic = fs.readFileSync(path.join(FIXTURES, "receipt-iphone.heic"));
    const body = await upload(user.id, claim.id, [{ fileName: "IMG_0042.HEIC", data: heic, type: "image/heic" }]);
    expect(body.rejected).toEqual([]);
    expect(body.added.map((a) => a.fileName)).toEqual(["IMG_0042.HEIC"]);

    const receipt = await prisma.receipt.findFirstOrThrow({ where: { claimId: claim.id }, include: { file: true } });
    expect(receipt.file.mimeType).toBe("image/heic");
    // The original is kept byte for byte: it is the evidence the employee sent.
    expect(fs.readFileSync(originalPath(receipt.fileSha256)).equals(heic)).toBe(true);

    const file = await settled(receipt.fileSha256);
    expect(file).toMatchObject({ status: "READY", pageCount: 1, failureReason: null, pages: [{ width: 600, height: 965 }] });
    // The capture date comes from the HEIC's own Exif item.
    expect(file.capturedOn?.toISOString().slice(0, 10)).toBe("2026-03-14");
    const thumb = await sharp(thumbPath(receipt.fileSha256, 1)).metadata();
    expect(thumb).toMatchObject({ format: "jpeg", width: 320 });
    const topLevel = fs.readdirSync(tilesDir(receipt.fileSha256, 1)).map(Number).sort((a, b) => b - a)[0]!;
    const tile = path.join(tilesDir(receipt.fileSha256, 1), String(topLevel), "0_0.jpg");
    expect((await sharp(tile).metadata()).format).toBe("jpeg");
    // A real picture came out, not a blank page: the receipt's dark print on light paper.
    const stats = await sharp(thumbPath(receipt.fileSha256, 1)).stats();
    expect(stats.channels[0]!.max - stats.channels[0]!.min).toBeGreaterThan(100);
    // No converted copy is left beside the derived files.
    expect(fs.readdirSync(derivedDir(receipt.fileSha256)).filter((n) => n.includes("converted"))).toEqual([]);
  });

  it("that cannot be decoded fails with a message that says what to do, and the worker is not stuck", async () => {
    const { user } = await createClaimant();
    const claim = await createClaim(user);
    const heic = fs.readFileSync(path.join(FIXTURES, "receipt-iphone.heic"));
    // The container and header intact, the HEVC data cut off: what a broken transfer from a phone looks like.
    const damaged = heic.subarray(0, Math.floor(heic.length * 0.6));
    const body = await upload(user.id, claim.id, [{ fileName: "IMG_0043.HEIC", data: damaged }]);
    expect(body.added).toHaveLength(1);
    const receipt = await prisma.receipt.findFirstOrThrow({ where: { claimId: claim.id } });
    const file = await settled(receipt.fileSha256);
    expect(file.status).toBe("FAILED");
    expect(file.failureReason).toMatch(/^unsupported_heic: .*Most Compatible.*JPEG/);
    expect((await prisma.outboxEvent.findUniqueOrThrow({ where: { jobKey: imagingJobKey(receipt.fileSha256) } })).status).toBe("DONE");
    const job = await getQueue("imaging").getJob(imagingJobKey(receipt.fileSha256));
    expect(job?.attemptsStarted).toBe(1);
  });
});

describe("PDFs that cannot be shown", () => {
  it("refuses a password-protected PDF and one over the page cap at upload, with the reason; accepts an owner-restricted one", async () => {
    const { user } = await createClaimant();
    const claim = await createClaim(user);
    const locked = encryptPdf(simplePdf(["Hotel invoice"]), "secret");
    const restricted = encryptPdf(simplePdf(["Restricted", "but readable"]), "");
    const thick = simplePdf(Array.from({ length: 300 }, (_, i) => `Statement page ${i + 1}`));

    const body = await upload(user.id, claim.id, [
      { fileName: "locked.pdf", data: locked },
      { fileName: "statement.pdf", data: thick },
      { fileName: "restricted.pdf", data: restricted },
    ]);
    expect(body.rejected).toEqual([
      { fileName: "locked.pdf", code: "encrypted_pdf", params: {} },
      { fileName: "statement.pdf", code: "too_many_pages", params: { pages: 300, maxPages: env.MAX_PDF_PAGES } },
    ]);
    expect(body.added.map((a) => a.fileName)).toEqual(["restricted.pdf"]);
    expect(tmpEntries()).toEqual([]);
    const receipts = await prisma.receipt.findMany({ where: { claimId: claim.id } });
    expect(receipts.map((r) => r.fileName)).toEqual(["restricted.pdf"]);
    expect(await settled(receipts[0]!.fileSha256)).toMatchObject({ status: "READY", pageCount: 2 });
  });

  it("in the worker: an encrypted or 300-page PDF that got through is FAILED with its code, once, and the claim still works", async () => {
    const { user } = await createClaimant();
    const claim = await createClaim(user);
    const locked = encryptPdf(simplePdf(["Got through"]), "secret");
    const thick = simplePdf(Array.from({ length: 300 }, (_, i) => `Page ${i + 1}`));
    // Past the upload check (a file stored before it existed, or restored from a backup): received with a
    // generous page cap, then stored and attached the way the upload route does.
    const { accepted } = await receiveUploads(
      multipartRequest([
        { fileName: "thick.pdf", data: thick },
        { fileName: "good.pdf", data: simplePdf(["Fine"]) },
      ]),
      { limits: { maxPdfPages: 1000 } },
    );
    expect(accepted).toHaveLength(2);
    // The locked bytes pass no upload check: put them in tmp by hand, as an accepted upload would be.
    const tmpLocked = path.join(storageRoot(), "tmp", `upload-${randomUUID()}`);
    fs.writeFileSync(tmpLocked, locked);
    const lockedAccepted: AcceptedUpload = {
      tempPath: tmpLocked,
      sha256: createHash("sha256").update(locked).digest("hex"),
      sizeBytes: locked.length,
      mimeType: "application/pdf",
      fileName: "locked.pdf",
      kind: "pdf",
    };
    const all = [...accepted, lockedAccepted];
    for (const u of all) {
      await prisma.$transaction(async (tx) => {
        await storeReceiptFile(tx, u);
        await tx.receipt.create({ data: { id: randomUUID(), claimId: claim.id, fileSha256: u.sha256, fileName: u.fileName, uploadedById: user.id } });
      });
    }
    const [thickRow, goodRow, lockedRow] = await Promise.all(all.map((u) => settled(u.sha256)));
    expect(thickRow!.status).toBe("FAILED");
    expect(thickRow!.failureReason).toMatch(new RegExp(`^too_many_pages: The PDF has 300 pages; at most ${env.MAX_PDF_PAGES} `));
    expect(lockedRow!.status).toBe("FAILED");
    expect(lockedRow!.failureReason).toMatch(/^encrypted_pdf: /);
    expect(goodRow!.status).toBe("READY");
    const queue = getQueue("imaging");
    for (const row of [thickRow!, lockedRow!]) {
      expect((await prisma.outboxEvent.findUniqueOrThrow({ where: { jobKey: imagingJobKey(row.sha256) } })).status).toBe("DONE");
      const job = await queue.getJob(imagingJobKey(row.sha256));
      expect(job?.attemptsStarted).toBe(1);
      expect(job?.returnvalue).toMatchObject({ outcome: "failed" });
      // Nothing half-rendered is left: 300 pages were never rasterised.
      expect(fs.existsSync(derivedDir(row.sha256))).toBe(false);
    }
    // The claim is not broken: the failed receipts can be removed through the route, the good one stays.
    for (const name of ["thick.pdf", "locked.pdf"]) {
      const receipt = await prisma.receipt.findFirstOrThrow({ where: { claimId: claim.id, fileName: name } });
      const form = new URLSearchParams({ intent: "remove", receiptId: receipt.id });
      const headers = new Headers({ Cookie: await sessionCookie(user.id) });
      const request = new Request(`http://localhost/claims/${claim.id}/receipts`, { method: "POST", body: form, headers });
      expect(await receiptsAction({ request, params: { claimId: claim.id }, context: {} } as ActionFunctionArgs)).toEqual({ removed: true });
    }
    expect((await prisma.receipt.findMany({ where: { claimId: claim.id } })).map((r) => r.fileName)).toEqual(["good.pdf"]);
    expect(tmpEntries()).toEqual([]);
  });
});
