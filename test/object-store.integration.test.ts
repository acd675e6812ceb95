/**
 * Issue 13, storage: the whole upload → imaging → tiles → viewer path against a local S3-API server
 * (s3rver), with the real web server (server.ts over the build) and the workers as child processes in
 * STORAGE_DRIVER=s3; then the object store stopped mid-way: uploads refused with a clear message and no
 * rows, tiles a browser already holds still answered (304), others a 503 (never a stack trace).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { createObjectStore, type ObjectStore } from "~/utils/object-store.server";
import { derivedPrefix, originalKey } from "~/utils/storage.server";
import { S3RVER_CREDENTIALS, startLocalS3, type LocalS3 } from "../scripts/s3-server";
import { clearLeftoverJobs, createClaim, createClaimant, sessionCookie, waitFor } from "./helpers";
import { noiseJpeg } from "./imaging-inputs";

const ROOT = path.resolve(import.meta.dirname, "..");
const BUCKET = "af-test-receipts";
const SCRATCH = path.join(process.env.STORAGE_DIR ?? path.join(ROOT, ".data/test-storage"), "s3-scratch");

let s3: LocalS3;
let s3Port: number;
let store: ObjectStore;
let base: string;
const children: ChildProcess[] = [];
const logs = new Map<ChildProcess, string>();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function s3Env(): Record<string, string> {
  return {
    STORAGE_DRIVER: "s3",
    S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
    S3_BUCKET: BUCKET,
    S3_FORCE_PATH_STYLE: "true",
    S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    STORAGE_DIR: SCRATCH,
  };
}

function spawnChild(args: string[], env: Record<string, string>): ChildProcess {
  // node --import tsx rather than the tsx CLI: the CLI forks a second process that a kill would orphan.
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  logs.set(child, "");
  const add = (d: Buffer) => logs.set(child, logs.get(child)! + d.toString());
  child.stdout!.on("data", add);
  child.stderr!.on("data", add);
  return child;
}

beforeAll(async () => {
  fs.rmSync(SCRATCH, { recursive: true, force: true });
  s3Port = await freePort();
  s3 = await startLocalS3({ port: s3Port, directory: path.join(SCRATCH, "..", "s3rver-data"), buckets: [BUCKET] });
  store = createObjectStore({ driver: "s3", endpoint: s3.endpoint, region: "us-east-1", bucket: BUCKET, forcePathStyle: true, ...S3RVER_CREDENTIALS, scratchDir: SCRATCH });
  await clearLeftoverJobs();
  spawnChild(["workers/index.ts"], { ...s3Env(), IMAGING_CONCURRENCY: "1" });
  base = await startWeb({});
}, 120_000);

/** A web server over the same bucket (server.ts over the build), answering on the base URL returned. */
async function startWeb(extra: Record<string, string>): Promise<string> {
  const port = await freePort();
  const web = spawnChild(["server.ts"], { ...s3Env(), ...extra, PORT: String(port) });
  // Slow to boot on a loaded CI machine (tsx compiles server.ts and the app's server modules).
  await waitFor(
    () => {
      if (web.exitCode !== null) throw new Error(`the web server exited: ${logs.get(web)}`);
      return /listening/.test(logs.get(web)!);
    },
    { what: "the web server", timeoutMs: 100_000, intervalMs: 200 },
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}\n${logs.get(web)}`);
  });
  return `http://127.0.0.1:${port}`;
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : undefined)));
  await s3.close().catch(() => undefined);
  fs.rmSync(path.join(SCRATCH, "..", "s3rver-data"), { recursive: true, force: true });
});

async function uploadThroughApp(cookie: string, claimId: string, file: Buffer, fileName: string) {
  const form = new FormData();
  form.append("receipts", new Blob([new Uint8Array(file)], { type: "image/jpeg" }), fileName);
  const res = await fetch(`${base}/claims/${claimId}/receipts`, { method: "POST", body: form, headers: { Cookie: cookie, Origin: base, Accept: "application/json" }, redirect: "manual" });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const get = (pathname: string, cookie: string, headers: Record<string, string> = {}) => fetch(`${base}${pathname}`, { headers: { Cookie: cookie, ...headers }, redirect: "manual" });

describe("STORAGE_DRIVER=s3 against s3rver, through the real server and workers", () => {
  let tileUrl = "";
  let tileEtag = "";
  let owner = "";
  let receiptId = "";

  it("uploads a receipt, renders it into the bucket, serves the DZI and tiles to the claimant and refuses a stranger", async () => {
    const { user } = await createClaimant();
    const claim = await createClaim(user);
    owner = await sessionCookie(user.id);
    const photo = await noiseJpeg(1200, 900, 0.31);
    const up = await uploadThroughApp(owner, claim.id, photo, "taxi.jpg");
    expect(up.status, up.text).toBe(200);
    const receipt = await prisma.receipt.findFirstOrThrow({ where: { claimId: claim.id } });
    receiptId = receipt.id;
    const sha = receipt.fileSha256;
    // The original is in the bucket, nothing of it in the local scratch area.
    expect((await store.head(originalKey(sha)))?.size).toBe(photo.length);
    expect(fs.existsSync(path.join(SCRATCH, "originals"))).toBe(false);

    const file = await waitFor(
      async () => {
        const f = await prisma.storedFile.findUniqueOrThrow({ where: { sha256: sha } });
        return f.status !== "PROCESSING" ? f : undefined;
      },
      { what: "the imaging worker", timeoutMs: 45_000, intervalMs: 200 },
    );
    expect(file.status, file.failureReason ?? "").toBe("READY");
    const keys: string[] = [];
    for await (const o of store.list(`${derivedPrefix(sha)}/`)) keys.push(o.key);
    expect(keys).toContain(`${derivedPrefix(sha)}/p1.dzi`);
    expect(keys).toContain(`${derivedPrefix(sha)}/p1-thumb.jpg`);
    expect(keys.filter((k) => k.endsWith(".jpg")).length).toBeGreaterThan(10);

    const dzi = await get(`/files/receipts/${receiptId}/p1.dzi`, owner);
    expect(dzi.status).toBe(200);
    const xml = await dzi.text();
    expect(xml).toMatch(/Width="1200"/);
    const top = Math.ceil(Math.log2(1200));
    tileUrl = `/files/receipts/${receiptId}/p1_files/${top}/1_1.jpg`;
    const tile = await get(tileUrl, owner);
    expect(tile.status).toBe(200);
    expect(tile.headers.get("content-type")).toBe("image/jpeg");
    expect(tile.headers.get("cache-control")).toMatch(/immutable/);
    const bytes = Buffer.from(await tile.arrayBuffer());
    expect(bytes.equals(await store.getBytes(`${derivedPrefix(sha)}/p1_files/${top}/1_1.jpg`))).toBe(true);
    tileEtag = tile.headers.get("etag")!;
    expect(tileEtag).toBeTruthy();

    const stranger = await sessionCookie((await createClaimant()).user.id);
    expect((await get(tileUrl, stranger)).status).toBe(404);
    expect((await get(`/files/receipts/${receiptId}/p1.dzi`, stranger)).status).toBe(404);
    expect((await get(`/files/receipts/${receiptId}/original`, stranger)).status).toBe(404);
  });

  it("TILE_DELIVERY=redirect: a tile is a 302 to a presigned URL (the same one within its window) after the same access check", async () => {
    expect(tileUrl).not.toBe("");
    const redirecting = await startWeb({ TILE_DELIVERY: "redirect", TILE_URL_WINDOW_SECONDS: "600" });
    const at = (pathname: string, cookie: string) => fetch(`${redirecting}${pathname}`, { headers: { Cookie: cookie }, redirect: "manual" });
    const first = await at(tileUrl, owner);
    expect(first.status).toBe(302);
    const location = first.headers.get("location")!;
    expect(location.startsWith(`${s3.endpoint}/`), location).toBe(true);
    expect(location).toMatch(/X-Amz-Signature=/);
    expect(first.headers.get("cache-control")).toMatch(/^private, max-age=\d+$/);
    expect(first.headers.get("vary")).toMatch(/Cookie/);
    // Within the window the same URL again, so the browser's cache of the tile keeps working.
    const second = await at(tileUrl, owner);
    expect(second.headers.get("location")).toBe(location);
    // The presigned URL gives the tile's bytes, with the type the app would have sent.
    const fromBucket = await fetch(location);
    expect(fromBucket.status).toBe(200);
    expect(fromBucket.headers.get("content-type")).toBe("image/jpeg");
    const streamed = await get(tileUrl, owner);
    expect(Buffer.from(await fromBucket.arrayBuffer()).equals(Buffer.from(await streamed.arrayBuffer()))).toBe(true);
    // Only tiles are redirected: the DZI is still streamed; and nobody else gets a URL at all.
    expect((await at(`/files/receipts/${receiptId}/p1.dzi`, owner)).status).toBe(200);
    const stranger = await sessionCookie((await createClaimant()).user.id);
    const refused = await at(tileUrl, stranger);
    expect(refused.status).toBe(404);
    expect(refused.headers.get("location")).toBeNull();
  }, 120_000);

  it("with the object store stopped: uploads fail with a clear message and leave no rows; cached tiles keep working", async () => {
    expect(tileUrl).not.toBe("");
    await s3.close();
    const { user } = await createClaimant();
    const claim = await createClaim(user);
    const cookie = await sessionCookie(user.id);
    const up = await uploadThroughApp(cookie, claim.id, await noiseJpeg(300, 200, 0.41), "hotel.jpg");
    expect(up.status).toBe(503);
    expect(up.headers.get("retry-after")).toBe("30");
    const body = JSON.parse(up.text) as { formError: string; message: string; added: unknown[] };
    expect(body.formError).toBe("storage_unavailable");
    expect(body.added).toEqual([]);
    expect(body.message).toMatch(/文件存储暂时无法访问|file store is not answering/);
    expect(await prisma.receipt.count({ where: { claimId: claim.id } })).toBe(0);
    expect(await prisma.uploadUsage.count({ where: { userId: user.id } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { claimId: claim.id, type: "receipt.added" } })).toBe(0);
    expect(fs.readdirSync(path.join(SCRATCH, "tmp")).filter((n) => n.startsWith("upload-"))).toEqual([]);

    // A browser holding the tile revalidates (or, immutable, does not even ask): answered without the store.
    const cached = await get(tileUrl, owner, { "If-None-Match": tileEtag });
    expect(cached.status).toBe(304);
    // A tile not yet held: a plain 503, never a stack trace.
    const fresh = await get(`/files/receipts/${receiptId}/p1_files/0/0_0.jpg`, owner);
    expect(fresh.status).toBe(503);
    expect(await fresh.text()).not.toMatch(/at .*\.(ts|js):\d+/);

    // The store back: uploads work again.
    s3 = await startLocalS3({ port: s3Port, directory: path.join(SCRATCH, "..", "s3rver-data"), buckets: [BUCKET] });
    const again = await uploadThroughApp(cookie, claim.id, await noiseJpeg(300, 200, 0.42), "hotel.jpg");
    expect(again.status, again.text).toBe(200);
    expect(await prisma.receipt.count({ where: { claimId: claim.id } })).toBe(1);
  });
});
