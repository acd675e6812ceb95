/**
 * Issue 8, item 10: uploads that cannot be abused and never leave a claim or the disk half-changed.
 * Everything goes through the receipts route's action, against the real Postgres and storage.
 */
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { createReadableStreamFromReadable, type ActionFunctionArgs } from "@remix-run/node";
import { afterEach, describe, expect, it } from "vitest";
import type { User } from "~/generated/prisma/client";
import { action as receiptsAction } from "~/routes/claims.$claimId.receipts";
import { prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { originalPath, storageRoot } from "~/utils/storage.server";
import { STALE_UPLOAD_MS, sweepStaleUploads } from "~/utils/upload.server";
import { asOwner, createClaim, createClaimant, multipartRequest, sessionCookie, waitFor, type UploadPart } from "./helpers";
import { noiseJpeg } from "./imaging-inputs";

type UploadBody = {
  added: { id: string; fileName: string }[];
  rejected: { fileName: string; code: string; params: Record<string, unknown> }[];
  quota?: { limit: string; max: number; used: number; requested: number; freesAt: string | null };
};

/** What the action produced: its body and status, or the Response it threw. */
type Outcome = { status: number; body?: UploadBody; thrown?: unknown };

function withCookie(request: Request, cookie: string): Request {
  const headers = new Headers(request.headers);
  headers.set("Cookie", cookie);
  return new Request(request.url, { method: request.method, headers, body: request.body, duplex: "half" } as RequestInit);
}

async function callAction(request: Request, claimId: string): Promise<Outcome> {
  try {
    const result: unknown = await receiptsAction({ request, params: { claimId }, context: {} } as ActionFunctionArgs);
    // Refusals come back as JSON Responses with their status (409, 429), for the page's fetcher and plain posts alike.
    if (result instanceof Response) return { status: result.status, body: (await result.json()) as UploadBody };
    return { status: 200, body: result as UploadBody };
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, thrown };
    return { status: 500, thrown };
  }
}

async function upload(user: User, claimId: string, files: UploadPart[]): Promise<Outcome> {
  const request = multipartRequest(files, {}, `http://localhost/claims/${claimId}/receipts`);
  return callAction(withCookie(request, await sessionCookie(user.id)), claimId);
}

function tmpEntries(): string[] {
  const dir = path.join(storageRoot(), "tmp");
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

async function receiptCount(claimId: string): Promise<number> {
  return prisma.receipt.count({ where: { claimId } });
}

/** Files the user "uploaded earlier": usage rows at the given ages, as the attach transaction writes them. */
async function pastUploads(userId: string, entries: { minutesAgo: number; bytes: number }[]): Promise<void> {
  const now = Date.now();
  await prisma.uploadUsage.createMany({
    data: entries.map((e) => ({
      userId,
      sha256: randomUUID().replace(/-/g, "").padEnd(64, "0"),
      sizeBytes: BigInt(e.bytes),
      createdAt: new Date(now - e.minutesAgo * 60_000),
    })),
  });
}

afterEach(() => {
  // Every test leaves the upload tmp dir as it found it: empty.
  expect(tmpEntries()).toEqual([]);
});

describe("per-user upload limits, counted in Postgres", () => {
  it("refuses a file over the hourly file limit, says which limit and when it frees up, and stores nothing", async () => {
    const { user } = await createClaimant();
    const claim = await createClaim(user);
    const limit = env.UPLOAD_FILES_PER_HOUR;
    // The oldest of the hour's files was 50 minutes ago: room again in 10 minutes.
    await pastUploads(user.id, Array.from({ length: limit }, (_, i) => ({ minutesAgo: 50 - (i % 50) * 0.5, bytes: 1000 })));
    const oldest = await prisma.uploadUsage.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: "asc" } });
    const photo = await noiseJpeg(200, 300, 0.11);

    const outcome = await upload(user, claim.id, [{ fileName: "one-more.jpg", data: photo }]);
    expect(outcome.status).toBe(429);
    expect(outcome.body?.quota).toEqual({
      limit: "files_per_hour",
      max: limit,
      used: limit,
      requested: 1,
      freesAt: new Date(oldest.createdAt.getTime() + 3_600_000).toISOString(),
    });
    expect(outcome.body?.added).toEqual([]);
    expect(await receiptCount(claim.id)).toBe(0);
    expect(fs.existsSync(originalPath(sha256(photo)))).toBe(false);
    expect(await prisma.uploadUsage.count({ where: { userId: user.id } })).toBe(limit);
  });

  it("refuses files that would pass the daily byte limit, after reading them, and removes their temp files", async () => {
    const { user } = await createClaimant();
    const claim = await createClaim(user);
    const photo = await noiseJpeg(300, 400, 0.12);
    // Two earlier big uploads leave less room than this photo needs; the first leaves the 24 h window in 2 h.
    await pastUploads(user.id, [
      { minutesAgo: 22 * 60, bytes: env.UPLOAD_BYTES_PER_DAY - 2 * photo.length },
      { minutesAgo: 60 * 3, bytes: photo.length + 10 },
    ]);
    const first = await prisma.uploadUsage.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: "asc" } });

    const outcome = await upload(user, claim.id, [{ fileName: "big day.jpg", data: photo }]);
    expect(outcome.status).toBe(429);
    expect(outcome.body?.quota).toMatchObject({
      limit: "bytes_per_day",
      max: env.UPLOAD_BYTES_PER_DAY,
      used: env.UPLOAD_BYTES_PER_DAY - photo.length + 10,
      requested: photo.length,
      freesAt: new Date(first.createdAt.getTime() + 24 * 3_600_000).toISOString(),
    });
    expect(await receiptCount(claim.id)).toBe(0);
    expect(fs.existsSync(originalPath(sha256(photo)))).toBe(false);
  });

  it("counts what was stored, keeps counting after a receipt is removed, and holds under concurrent requests", async () => {
    const { user } = await createClaimant();
    const [claim, other] = [await createClaim(user), await createClaim(user)];
    const limit = env.UPLOAD_FILES_PER_HOUR;
    await pastUploads(user.id, Array.from({ length: limit - 2 }, () => ({ minutesAgo: 5, bytes: 100 })));
    const photos = await Promise.all([0.21, 0.22, 0.23, 0.24].map((seed) => noiseJpeg(160, 200, seed)));

    // Two requests of two files each, at the same time, to two claims (so no claim lock orders them), with
    // room for two files: one wins, the other is refused whole.
    const [a, b] = await Promise.all([
      upload(user, claim.id, [{ fileName: "a1.jpg", data: photos[0]! }, { fileName: "a2.jpg", data: photos[1]! }]),
      upload(user, other.id, [{ fileName: "b1.jpg", data: photos[2]! }, { fileName: "b2.jpg", data: photos[3]! }]),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 429]);
    expect((await receiptCount(claim.id)) + (await receiptCount(other.id))).toBe(2);
    const usage = await prisma.uploadUsage.findMany({ where: { userId: user.id, claimId: { not: null } } });
    expect(usage).toHaveLength(2);
    const winner = a.status === 200 ? photos.slice(0, 2) : photos.slice(2);
    expect(usage.map((u) => Number(u.sizeBytes)).sort()).toEqual(winner.map((p) => p.length).sort());

    // Removing a receipt does not give the allowance back: the bytes were received all the same.
    const receipt = await prisma.receipt.findFirstOrThrow({ where: { claimId: { in: [claim.id, other.id] } } });
    const form = new URLSearchParams({ intent: "remove", receiptId: receipt.id });
    const removal = withCookie(new Request(`http://localhost/claims/${receipt.claimId}/receipts`, { method: "POST", body: form }), await sessionCookie(user.id));
    expect((await callAction(removal, receipt.claimId)).status).toBe(200);
    const again = await upload(user, receipt.claimId, [{ fileName: "again.jpg", data: await noiseJpeg(100, 100, 0.25) }]);
    expect(again.status).toBe(429);
    expect(again.body?.quota?.limit).toBe("files_per_hour");
  });
});

describe("temporary files never outlive a failed request", () => {
  it("removes the temp file of an upload the client aborts half-way", async () => {
    const { user } = await createClaimant();
    const claim = await createClaim(user);
    const cookie = await sessionCookie(user.id);
    // A real socket into a Node HTTP server that hands the request to the action the way @remix-run/express does.
    let settle!: (o: Outcome) => void;
    const outcome = new Promise<Outcome>((resolve) => (settle = resolve));
    const server = http.createServer((req, res) => {
      const controller = new AbortController();
      res.on("close", () => controller.abort());
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const request = new Request(`http://localhost${req.url}`, {
        method: req.method,
        headers,
        body: createReadableStreamFromReadable(req),
        duplex: "half",
        signal: controller.signal,
      } as RequestInit);
      void callAction(request, claim.id).then((o) => {
        settle(o);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const boundary = "----af-abort-test";
      const [whole, cut] = await Promise.all([noiseJpeg(300, 400, 0.3), noiseJpeg(1200, 1600, 0.31)]);
      const partHead = (name: string) =>
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="receipts"; filename="${name}"\r\nContent-Type: image/jpeg\r\n\r\n`);
      // A complete first file (accepted, waiting in tmp to be attached), then half of a second one.
      const body = Buffer.concat([partHead("whole.jpg"), whole, Buffer.from("\r\n"), partHead("cut-off.jpg"), cut, Buffer.from(`\r\n--${boundary}--\r\n`)]);
      const sent = body.length - Math.floor(cut.length / 2);
      const socket = net.connect(port, "127.0.0.1");
      await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
      socket.write(
        `POST /claims/${claim.id}/receipts HTTP/1.1\r\nHost: localhost\r\nCookie: ${cookie}\r\n` +
          `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      socket.write(body.subarray(0, sent));
      // The server is writing the second file when two temp files exist; then the client goes away.
      await waitFor(() => tmpEntries().length >= 2, { what: "both temp files", timeoutMs: 10_000 });
      socket.destroy();
      const result = await outcome;
      expect(result.status).toBeGreaterThanOrEqual(400);
      await waitFor(() => tmpEntries().length === 0, { what: "the temp dir to be empty", timeoutMs: 5_000 }).catch(() => undefined);
      expect(tmpEntries()).toEqual([]);
      expect(await receiptCount(claim.id)).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("removes the temp files of refused files (too large, wrong type) and keeps the good one", async () => {
    const { user } = await createClaimant();
    const claim = await createClaim(user);
    const good = await noiseJpeg(200, 260, 0.32);
    const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(env.MAX_UPLOAD_BYTES + 10, 0x5a)]);
    const outcome = await upload(user, claim.id, [
      { fileName: "good.jpg", data: good },
      { fileName: "big.jpg", data: big },
      { fileName: "notes.jpg", data: Buffer.from("not a picture at all\n") },
    ]);
    expect(outcome.status).toBe(200);
    expect(outcome.body?.added.map((a) => a.fileName)).toEqual(["good.jpg"]);
    expect(outcome.body?.rejected.map((r) => r.code)).toEqual(["too_large", "unsupported_type"]);
  });

  it("removes every temp file and attaches nothing when the database fails while attaching", async () => {
    const { user } = await createClaimant();
    const claim = await createClaim(user);
    const photos = await Promise.all([0.41, 0.42, 0.43].map((seed) => noiseJpeg(180, 240, seed)));
    // The app's role may not run DDL: the owner plants the failure.
    await asOwner(async (owner) => {
      await owner.query(`
        CREATE OR REPLACE FUNCTION test_upload_db_failure() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.file_name = 'explode.jpg' THEN RAISE EXCEPTION 'simulated database failure'; END IF;
          RETURN NEW;
        END $$`);
      await owner.query(`CREATE TRIGGER test_upload_db_failure BEFORE INSERT ON receipt FOR EACH ROW EXECUTE FUNCTION test_upload_db_failure()`);
    });
    try {
      const outcome = await upload(user, claim.id, [
        { fileName: "first.jpg", data: photos[0]! },
        { fileName: "explode.jpg", data: photos[1]! },
        { fileName: "third.jpg", data: photos[2]! },
      ]);
      expect(outcome.status).toBe(500);
      expect(String(outcome.thrown)).toMatch(/simulated database failure/);
    } finally {
      await asOwner(async (owner) => {
        await owner.query(`DROP TRIGGER IF EXISTS test_upload_db_failure ON receipt`);
        await owner.query(`DROP FUNCTION IF EXISTS test_upload_db_failure()`);
      });
    }
    // One request, one transaction: none of the three is attached or counted.
    expect(await receiptCount(claim.id)).toBe(0);
    expect(await prisma.uploadUsage.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("temp files of a process that died mid-upload", () => {
  it("are swept once they are older than any request could be; files of uploads in flight are kept", async () => {
    const dir = path.join(storageRoot(), "tmp");
    fs.mkdirSync(dir, { recursive: true });
    const stale = path.join(dir, `upload-${randomUUID()}`);
    const fresh = path.join(dir, `upload-${randomUUID()}`);
    const other = path.join(dir, "not-an-upload");
    for (const f of [stale, fresh, other]) fs.writeFileSync(f, "x");
    const old = new Date(Date.now() - STALE_UPLOAD_MS - 60_000);
    fs.utimesSync(stale, old, old);
    fs.utimesSync(other, old, old);
    try {
      expect(await sweepStaleUploads(dir, { force: true })).toBe(1);
      expect(fs.existsSync(stale)).toBe(false);
      expect(fs.existsSync(fresh)).toBe(true);
      expect(fs.existsSync(other)).toBe(true);
    } finally {
      for (const f of [stale, fresh, other]) fs.rmSync(f, { force: true });
    }
  });
});

describe("the claim is still editable when the receipts are attached", () => {
  it("refuses an upload when the claim is submitted between the early check and the attach, and attaches nothing", async () => {
    const { user } = await createClaimant();
    const claim = await createClaim(user);
    const photo = await noiseJpeg(220, 300, 0.51);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // Another request submits the claim: it holds the row lock and has not committed yet.
    const submitting = prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT 1 FROM claim WHERE id = ${claim.id} FOR UPDATE`;
        await tx.claim.update({ where: { id: claim.id }, data: { status: "SUBMITTED", submittedAt: new Date(), version: { increment: 1 } } });
        locked();
        await released;
      },
      { timeout: 20_000 },
    );
    await isLocked;
    // The early check sees the committed DRAFT and lets the body be read…
    const uploading = upload(user, claim.id, [{ fileName: "late.jpg", data: photo }]);
    // …then the attach waits for the submitting transaction, which commits.
    await new Promise((r) => setTimeout(r, 700));
    release();
    await submitting;
    const outcome = await uploading;
    expect(outcome.status).toBe(409);
    expect(await receiptCount(claim.id)).toBe(0);
    expect(await prisma.auditEvent.count({ where: { claimId: claim.id, type: "receipt.added" } })).toBe(0);
    expect((await prisma.claim.findUniqueOrThrow({ where: { id: claim.id } })).status).toBe("SUBMITTED");
  });
});

describe("file names", () => {
  it("stores names without bidirectional overrides, invisible or control characters", async () => {
    const { user } = await createClaimant();
    const claim = await createClaim(user);
    const outcome = await upload(user, claim.id, [
      { fileName: "invoice\u202Egpj.exe", data: await noiseJpeg(120, 160, 0.61) },
      { fileName: "\u2066\u200B\u200F\u061C", data: await noiseJpeg(120, 160, 0.62) },
      { fileName: `${"长".repeat(400)}.jpg`, data: await noiseJpeg(120, 160, 0.63) },
    ]);
    expect(outcome.status).toBe(200);
    const names = (await prisma.receipt.findMany({ where: { claimId: claim.id }, orderBy: { createdAt: "asc" } })).map((r) => r.fileName);
    expect(names).toHaveLength(3);
    expect(names).toContain("invoicegpj.exe");
    expect(names).toContain("receipt");
    const long = names.find((n) => n.startsWith("长"))!;
    expect([...long].length).toBeLessThanOrEqual(120);
    expect(long.endsWith(".jpg")).toBe(true);
    const audit = await prisma.auditEvent.findMany({ where: { claimId: claim.id, type: "receipt.added" } });
    for (const e of audit) expect(JSON.stringify(e.data)).not.toMatch(/\\u202e|\u202E|\u200B/i);
  });
});
