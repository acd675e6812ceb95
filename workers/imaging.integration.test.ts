import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Worker } from "bullmq";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configureSharp, runRenderReceipt } from "~/jobs/render-receipt";
import { imagingJobKey, storeReceiptFile } from "~/models/stored-file.server";
import { prisma } from "~/utils/db.server";
import { getQueue } from "~/utils/queue.server";
import { runShutdownHooks } from "~/utils/shutdown.server";
import { derivedDir, dziPath, originalPath, storageRoot, thumbPath, tilesDir } from "~/utils/storage.server";
import { receiveUploads, type AcceptedUpload } from "~/utils/upload.server";
import { multipartRequest, waitFor } from "../test/helpers";
import {
  encryptPdf,
  expectedPyramid,
  fixtureOr,
  noiseJpeg,
  pngDeclaring,
  readDzi,
  sidewaysJpeg,
  simplePdf,
  truncatedJpeg,
} from "../test/imaging-inputs";
import { withExifDate } from "../fixtures/receipts";
import { startImagingWorker } from "./imaging";
import { startRelay, type Relay } from "./relay";

const ROOT = path.resolve(import.meta.dirname, "..");
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

async function store(uploads: AcceptedUpload[]): Promise<void> {
  for (const upload of uploads) await prisma.$transaction((tx) => storeReceiptFile(tx, upload));
}

async function settled(sha: string) {
  return waitFor(
    async () => {
      const row = await prisma.storedFile.findUnique({ where: { sha256: sha } });
      return row && row.status !== "PROCESSING" ? row : undefined;
    },
    { what: `file ${sha.slice(0, 8)} to be rendered`, timeoutMs: 30_000 },
  );
}

async function outboxStatus(sha: string) {
  return (await prisma.outboxEvent.findUniqueOrThrow({ where: { jobKey: imagingJobKey(sha) } })).status;
}

function tmpEntries(): string[] {
  const dir = path.join(storageRoot(), "tmp");
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

/** Names next to a file's final derived dir: only the final dir itself once work is done. */
function derivedSiblings(sha: string): string[] {
  const parent = path.dirname(derivedDir(sha));
  return fs.existsSync(parent) ? fs.readdirSync(parent).filter((n) => n.startsWith(sha)) : [];
}

/** Every level directory 0…max with the exact number of tiles Deep Zoom needs for the page's size. */
function expectCompletePyramid(sha: string, page: number): { width: number; height: number } {
  const dzi = readDzi(dziPath(sha, page));
  expect(dzi).toMatchObject({ tileSize: 254, overlap: 1, format: "jpg" });
  const { maxLevel, tilesPerLevel } = expectedPyramid(dzi.width, dzi.height);
  const levels = fs.readdirSync(tilesDir(sha, page)).map(Number).sort((a, b) => a - b);
  expect(levels).toEqual(Array.from({ length: maxLevel + 1 }, (_, i) => i));
  for (let level = 0; level <= maxLevel; level++) {
    const tiles = fs.readdirSync(path.join(tilesDir(sha, page), String(level)));
    expect(tiles.length, `level ${level} of p${page}`).toBe(tilesPerLevel[level]);
    expect(tiles.every((t) => t.endsWith(`.${dzi.format}`))).toBe(true);
  }
  // The browser asks for level/col_row.<format>: the first and last tile of the top level exist.
  const top = path.join(tilesDir(sha, page), String(maxLevel));
  const cols = Math.ceil(dzi.width / 254);
  const rows = Math.ceil(dzi.height / 254);
  expect(fs.existsSync(path.join(top, `0_0.${dzi.format}`))).toBe(true);
  expect(fs.existsSync(path.join(top, `${cols - 1}_${rows - 1}.${dzi.format}`))).toBe(true);
  expect(fs.existsSync(path.join(tilesDir(sha, page), "0", `0_0.${dzi.format}`))).toBe(true);
  expect(fs.statSync(thumbPath(sha, page)).size).toBeGreaterThan(0);
  return { width: dzi.width, height: dzi.height };
}

let relay: Relay;

beforeAll(async () => {
  configureSharp(2);
  relay = await startRelay({ pollMs: 50 });
});

afterAll(async () => {
  await relay.stop();
  await runShutdownHooks();
});

describe("imaging with an in-process worker", () => {
  let worker: Worker;
  beforeAll(() => {
    worker = startImagingWorker({ concurrency: 2 });
  });
  afterAll(async () => {
    await worker.close();
  });

  it("renders an uploaded JPEG, a 2-page PDF and an EXIF-rotated photo into complete tile pyramids", async () => {
    const photo = await fixtureOr("receipt-zh.jpg", () => noiseJpeg(720, 1100, 0.1));
    const pdf = await fixtureOr("two-page.pdf", () => simplePdf(["Hotel invoice", "Page two"]));
    const sideways = await sidewaysJpeg();
    const request = multipartRequest(
      [
        // The client's names and types are lies on purpose: only the bytes count.
        { fileName: "taxi.jpg", data: photo, type: "application/pdf" },
        { fileName: "hotel invoice.pdf", data: pdf, type: "image/jpeg" },
        { fileName: "rotated.jpg", data: sideways },
      ],
      { claimId: "c-1", note: "三月出差" },
    );
    const { fields, accepted, rejected } = await receiveUploads(request);
    expect(fields).toEqual({ claimId: "c-1", note: "三月出差" });
    expect(rejected).toEqual([]);
    expect(accepted.map((a) => [a.fileName, a.mimeType, a.kind, a.sha256, a.sizeBytes])).toEqual([
      ["taxi.jpg", "image/jpeg", "image", sha256(photo), photo.length],
      ["hotel invoice.pdf", "application/pdf", "pdf", sha256(pdf), pdf.length],
      ["rotated.jpg", "image/jpeg", "image", sha256(sideways), sideways.length],
    ]);
    for (const a of accepted) expect(fs.readFileSync(a.tempPath).equals([photo, pdf, sideways][accepted.indexOf(a)]!)).toBe(true);

    await store(accepted);
    for (const a of accepted) expect(fs.existsSync(originalPath(a.sha256))).toBe(true);
    expect(tmpEntries()).toEqual([]);

    const [jpegRow, pdfRow, rotatedRow] = await Promise.all(accepted.map((a) => settled(a.sha256)));

    expect(jpegRow).toMatchObject({ status: "READY", pageCount: 1, failureReason: null });
    expect(jpegRow!.phash).toMatch(/^[0-9a-f]{16}$/);
    expect(jpegRow!.readyAt).toBeInstanceOf(Date);
    const jpegPage = expectCompletePyramid(jpegRow!.sha256, 1);
    expect(jpegRow!.pages).toEqual([jpegPage]);

    expect(pdfRow).toMatchObject({ status: "READY", pageCount: 2 });
    const pdfPages = [expectCompletePyramid(pdfRow!.sha256, 1), expectCompletePyramid(pdfRow!.sha256, 2)];
    expect(pdfRow!.pages).toEqual(pdfPages);
    // A4 at 150 dpi, portrait.
    expect(pdfPages[0]!.width).toBeGreaterThan(1200);
    expect(pdfPages[0]!.height).toBeGreaterThan(pdfPages[0]!.width);
    expect(fs.existsSync(dziPath(pdfRow!.sha256, 3))).toBe(false);

    // Stored 200×100 with orientation 6: displayed upright, 100 wide and 200 high.
    expect(rotatedRow).toMatchObject({ status: "READY", pages: [{ width: 100, height: 200 }] });
    expect(readDzi(dziPath(rotatedRow!.sha256, 1))).toMatchObject({ width: 100, height: 200 });
    expectCompletePyramid(rotatedRow!.sha256, 1);

    for (const a of accepted) {
      expect(await outboxStatus(a.sha256)).toBe("DONE");
      expect(derivedSiblings(a.sha256)).toEqual([a.sha256]);
    }
  });

  it("records the capture date from EXIF and from the PDF's CreationDate with READY, and no absurd dates", async () => {
    const datedPhoto = await fixtureOr("receipt-dated.jpg", async () => withExifDate(await noiseJpeg(400, 600, 0.21), "2026:03:09 23:41:00"));
    const datedPdf = await fixtureOr("receipt-dated.pdf", () => simplePdf(["Invoice"]));
    const base = await noiseJpeg(300, 400, 0.77);
    const webp = await sharp(await withExifDate(base, "2025:12:31 08:00:00")).keepExif().webp().toBuffer();
    const png = await sharp(await withExifDate(base, "2024:06:01 10:00:00")).keepExif().png().toBuffer();
    const unsetClock = await withExifDate(await noiseJpeg(300, 400, 0.78), "1980:01:01 00:00:00");
    const future = await withExifDate(await noiseJpeg(300, 400, 0.79), "2099:01:01 00:00:00");
    const plain = await noiseJpeg(300, 400, 0.8);
    const inputs = [
      ["taxi.jpg", datedPhoto, "2026-03-09"], // 23:41 local: still the 9th
      ["invoice.pdf", datedPdf, fs.existsSync(path.join(ROOT, "test/fixtures/receipt-dated.pdf")) ? "2026-03-09" : null], // D:20260309013000+08'00' (8 March in UTC)
      ["lunch.webp", webp, "2025-12-31"],
      ["lunch.png", png, "2024-06-01"],
      ["old-camera.jpg", unsetClock, null],
      ["future.jpg", future, null],
      ["no-exif.jpg", plain, null],
    ] as const;
    const { accepted, rejected } = await receiveUploads(multipartRequest(inputs.map(([fileName, data]) => ({ fileName, data }))));
    expect(rejected).toEqual([]);
    await store(accepted);
    const rows = await Promise.all(accepted.map((a) => settled(a.sha256)));
    const got = rows.map((r, i) => [inputs[i]![0], r!.status, r!.capturedOn?.toISOString().slice(0, 10) ?? null]);
    expect(got).toEqual(inputs.map(([name, , date]) => [name, "READY", date]));

    // A redelivered job finds the work done and leaves the date as it is.
    const again = await runRenderReceipt({ sha256: accepted[0]!.sha256 });
    expect(again).toMatchObject({ outcome: "skipped", reason: "already_done" });
    const after = await prisma.storedFile.findUniqueOrThrow({ where: { sha256: accepted[0]!.sha256 } });
    expect(after.capturedOn?.toISOString().slice(0, 10)).toBe("2026-03-09");
  });

  it("stores the same bytes once: a second upload reuses the row and queues nothing", async () => {
    const photo = await noiseJpeg(300, 400, 0.42);
    const first = await receiveUploads(multipartRequest([{ fileName: "a.jpg", data: photo }]));
    await store(first.accepted);
    const ready = await settled(sha256(photo));
    const second = await receiveUploads(multipartRequest([{ fileName: "copy of a.jpg", data: photo }]));
    const row = await prisma.$transaction((tx) => storeReceiptFile(tx, second.accepted[0]!));
    expect(row).toEqual(ready);
    expect(await prisma.outboxEvent.count({ where: { jobKey: imagingJobKey(ready.sha256) } })).toBe(1);
    expect(tmpEntries()).toEqual([]);
  });

  it("refuses hostile files at upload or fails them cleanly in the worker, without losing the good ones", async () => {
    const good = await fixtureOr("receipt-en.png", () => noiseJpeg(500, 700, 0.77));
    const webp = await fixtureOr("receipt.webp", () => sharp(good).webp().toBuffer());
    const corrupt = await fixtureOr("corrupt.jpg", truncatedJpeg);
    const encrypted = await fixtureOr("encrypted.pdf", () => encryptPdf(simplePdf(["Secret"]), "user"));
    const ownerOnly = encryptPdf(simplePdf(["Restricted", "but readable"]), "");
    const tooManyPages = simplePdf(Array.from({ length: 51 }, (_, i) => `Page ${i + 1}`));
    const brokenPdf = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(4000, 0x41)]);
    const text = Buffer.from("Taxi 48.50 CNY\nThis is a text file, whatever its name says.\n");
    const zip = await fixtureOr("not-an-image.jpg", () => Buffer.from("PK\u0003\u0004 not really a zip"));
    const oversized = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(3 * 1024 * 1024, 0x5a)]);
    const bomb = await fixtureOr("huge-pixels.png", () => pngDeclaring(20_000, 10_000)); // > 150 MP declared

    const { accepted, rejected } = await receiveUploads(
      multipartRequest([
        { fileName: "good.png", data: good },
        { fileName: "notes.jpg", data: text, type: "image/jpeg" },
        { fileName: "corrupt.jpg", data: corrupt },
        { fileName: "big.jpg", data: oversized },
        { fileName: "encrypted.pdf", data: encrypted },
        { fileName: "bomb.png", data: bomb },
        { fileName: "restricted.pdf", data: ownerOnly },
        { fileName: "archive.jpg", data: zip },
        { fileName: "receipt.webp", data: webp },
        { fileName: "thick.pdf", data: tooManyPages },
        { fileName: "broken.pdf", data: brokenPdf },
      ]),
      { limits: { maxBytes: 2 * 1024 * 1024 } },
    );

    expect(rejected).toEqual([
      { fileName: "notes.jpg", code: "unsupported_type", params: { detectedMime: "unknown" } },
      { fileName: "big.jpg", code: "too_large", params: { maxBytes: 2 * 1024 * 1024, sizeBytes: oversized.length } },
      { fileName: "encrypted.pdf", code: "encrypted_pdf", params: {} },
      { fileName: "bomb.png", code: "too_many_pixels", params: expect.objectContaining({ maxPixels: 150_000_000 }) },
      { fileName: "archive.jpg", code: "unsupported_type", params: { detectedMime: "application/zip" } },
      { fileName: "thick.pdf", code: "too_many_pages", params: { pages: 51, maxPages: 50 } },
      { fileName: "broken.pdf", code: "corrupt_pdf", params: {} },
    ]);
    expect(rejected[3]!.params.pixels).toBeGreaterThan(150_000_000);
    expect(accepted.map((a) => a.fileName)).toEqual(["good.png", "corrupt.jpg", "restricted.pdf", "receipt.webp"]);
    // Rejected bytes never reach the storage root, not even tmp.
    expect(tmpEntries().length).toBe(accepted.length);
    for (const data of [text, oversized, bomb, zip, encrypted, tooManyPages, brokenPdf]) expect(fs.existsSync(originalPath(sha256(data)))).toBe(false);

    // The PDFs refused at upload may still reach the worker (stored before the check existed, restored
    // from a backup): put them in tmp by hand as accepted uploads, so the worker's own handling is tested.
    const pastTheCheck = [
      ["encrypted.pdf", encrypted],
      ["thick.pdf", tooManyPages],
      ["broken.pdf", brokenPdf],
    ] as const;
    const smuggled: AcceptedUpload[] = pastTheCheck.map(([fileName, data]) => {
      const tempPath = path.join(storageRoot(), "tmp", `upload-smuggled-${fileName}`);
      fs.writeFileSync(tempPath, data);
      return { tempPath, sha256: sha256(data), sizeBytes: data.length, mimeType: "application/pdf", fileName, kind: "pdf" };
    });
    const [goodUpload, corruptUpload, restrictedUpload, webpUpload] = accepted;
    const [encryptedUpload, thickUpload, brokenUpload] = smuggled;
    const all = [goodUpload!, corruptUpload!, encryptedUpload!, restrictedUpload!, webpUpload!, thickUpload!, brokenUpload!];
    await store(all);
    const [goodRow, corruptRow, encryptedRow, restrictedRow, webpRow, thickRow, brokenRow] = await Promise.all(
      all.map((a) => settled(a.sha256)),
    );
    expect(goodRow).toMatchObject({ status: "READY", pageCount: 1 });
    expectCompletePyramid(goodRow!.sha256, 1);
    expect(webpRow).toMatchObject({ status: "READY", pageCount: 1 });
    expect(corruptRow).toMatchObject({ status: "FAILED", pageCount: null, phash: null, readyAt: null });
    expect(corruptRow!.failureReason).toMatch(/^corrupt_image: \S.+/);
    expect(encryptedRow!.status).toBe("FAILED");
    expect(encryptedRow!.failureReason).toMatch(/^encrypted_pdf: \S.+/);
    expect(thickRow!.failureReason).toMatch(/^too_many_pages: The PDF has 51 pages/);
    expect(brokenRow!.failureReason).toMatch(/^corrupt_pdf: \S.+/);
    // An owner password only restricts printing/copying; the PDF opens without one, so it is shown.
    expect(restrictedRow).toMatchObject({ status: "READY", pageCount: 2 });

    const failed = [corruptRow!, encryptedRow!, thickRow!, brokenRow!];
    for (const row of [goodRow!, restrictedRow!, webpRow!, ...failed]) {
      expect(await outboxStatus(row.sha256)).toBe("DONE");
    }
    const queue = getQueue("imaging");
    for (const row of failed) {
      expect(row.status).toBe("FAILED");
      // Failed files leave nothing half-made behind.
      expect(derivedSiblings(row.sha256)).toEqual([]);
      // Permanent input errors are not retried: each failed job ran exactly once.
      const job = await queue.getJob(imagingJobKey(row.sha256));
      expect(job?.attemptsStarted).toBe(1);
      expect(job?.returnvalue).toMatchObject({ outcome: "failed" });
    }
  });

  it("reads past an oversized file without holding it in memory", async () => {
    const boundary = "----af-test-boundary";
    const small = await noiseJpeg(200, 300, 0.9);
    const hugeBytes = 96 * 1024 * 1024;
    const chunkBytes = 1024 * 1024;
    const encoder = new TextEncoder();
    let sent = 0;
    let phase = 0;
    // Generated as it is read, fresh buffers each time, so any buffering would show in memory use.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (phase === 0) {
          controller.enqueue(
            encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="receipts"; filename="scan.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`),
          );
          phase = 1;
        } else if (phase === 1) {
          controller.enqueue(new Uint8Array(chunkBytes).fill(0x20 + (sent % 50)));
          sent += chunkBytes;
          if (sent >= hugeBytes) phase = 2;
        } else if (phase === 2) {
          controller.enqueue(
            encoder.encode(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="receipts"; filename="small.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
          );
          controller.enqueue(small);
          controller.enqueue(encoder.encode(`\r\n--${boundary}--\r\n`));
          controller.close();
          phase = 3;
        }
      },
    });
    const request = new Request("http://localhost/upload", {
      method: "POST",
      headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: "half",
    } as RequestInit);

    const before = process.memoryUsage();
    let peak = 0;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peak = Math.max(peak, now.heapUsed + now.arrayBuffers - before.heapUsed - before.arrayBuffers);
    }, 10);
    const { accepted, rejected } = await receiveUploads(request, { limits: { maxBytes: 8 * 1024 * 1024 } });
    clearInterval(sampler);

    expect(rejected).toEqual([{ fileName: "scan.pdf", code: "too_large", params: { maxBytes: 8 * 1024 * 1024, sizeBytes: hugeBytes + 9 } }]);
    expect(accepted.map((a) => [a.fileName, a.sha256])).toEqual([["small.jpg", sha256(small)]]);
    expect(peak).toBeLessThan(48 * 1024 * 1024);
    expect(tmpEntries().length).toBe(1);
    await fs.promises.rm(accepted[0]!.tempPath);
  });
});

describe("a worker killed in the middle of a job", () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  });

  function spawnWorker(extraEnv: Record<string, string>): { child: ChildProcess; output: () => string } {
    // node --import tsx rather than the tsx CLI: the CLI forks a second process that SIGKILL would orphan.
    const child = spawn(process.execPath, ["--import", "tsx", "workers/index.ts", "--only", "imaging"], {
      cwd: ROOT,
      env: { ...process.env, WORKER_LOCK_MS: "2000", IMAGING_CONCURRENCY: "1", ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    return { child, output: () => out };
  }

  it("leaves no partial pyramid, and a new worker renders the file exactly once", async () => {
    const photo = await noiseJpeg(2400, 3200, 0.21);
    const { accepted } = await receiveUploads(multipartRequest([{ fileName: "big.jpg", data: photo }]));
    const sha = accepted[0]!.sha256;
    const finalDir = derivedDir(sha);

    // The first worker renders into its temp dir, then (test knob) waits before publishing: killed there.
    const first = spawnWorker({ IMAGING_TEST_DELAY_MS: "60000" });
    await store(accepted);
    const workDir = await waitFor(
      () => {
        const tmp = derivedSiblings(sha).find((n) => n.includes(".tmp-"));
        return tmp && fs.existsSync(path.join(path.dirname(finalDir), tmp, "p1-thumb.jpg")) ? tmp : undefined;
      },
      { what: "the first worker to be mid-job", timeoutMs: 30_000 },
    );
    expect(await getQueue("imaging").getActiveCount()).toBe(1);
    first.child.kill("SIGKILL");
    await new Promise((r) => first.child.once("exit", r));

    expect(fs.existsSync(finalDir)).toBe(false);
    expect(derivedSiblings(sha)).toEqual([workDir]);
    expect((await prisma.storedFile.findUniqueOrThrow({ where: { sha256: sha } })).status).toBe("PROCESSING");

    const second = spawnWorker({});
    const row = await settled(sha);
    expect(row.status).toBe("READY");
    await waitFor(() => /\[imaging\] ready /.test(second.output()), { what: "the second worker's log line" });

    const page = expectCompletePyramid(sha, 1);
    expect(page).toEqual({ width: 2400, height: 3200 });
    expect(derivedSiblings(sha)).toEqual([sha]); // the killed worker's temp dir is gone
    expect(await outboxStatus(sha)).toBe("DONE");
    // Recorded once: one "ready" line, from the second worker; the row does not change again.
    expect(first.output()).not.toMatch(/\[imaging\] ready /);
    expect(second.output().match(/\[imaging\] ready /g)).toHaveLength(1);
    const job = await getQueue("imaging").getJob(imagingJobKey(sha));
    expect(job?.returnvalue).toMatchObject({ outcome: "ready", pages: 1 });
    expect(job?.stalledCounter).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect((await prisma.storedFile.findUniqueOrThrow({ where: { sha256: sha } })).readyAt).toEqual(row.readyAt);

    second.child.kill("SIGTERM");
    await new Promise((r) => second.child.once("exit", r));
    expect(second.output()).toMatch(/\[workers\] stopped/);
  });
});
