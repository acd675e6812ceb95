/** Issue 13: `npm run storage:migrate` copies a local store into a bucket (s3rver), digest-checked and resumable. */
import { createHash } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createObjectStore, type ObjectStore } from "~/utils/object-store.server";
import { migrateLocalStore } from "../scripts/storage-migrate";
import { S3RVER_CREDENTIALS, startLocalS3, type LocalS3 } from "../scripts/s3-server";

const WORK = path.join(process.env.STORAGE_DIR ?? path.resolve(".data/test-storage"), "migrate-test");
const FROM = path.join(WORK, "local");
let s3: LocalS3;
let bucket: ObjectStore;

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
function write(key: string, bytes: Buffer) {
  const file = path.join(FROM, ...key.split("/"));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
}

beforeAll(async () => {
  fs.rmSync(WORK, { recursive: true, force: true });
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
  s3 = await startLocalS3({ port, directory: path.join(WORK, "s3rver"), buckets: ["af-migrate"] });
  bucket = createObjectStore({ driver: "s3", endpoint: s3.endpoint, region: "us-east-1", bucket: "af-migrate", forcePathStyle: true, ...S3RVER_CREDENTIALS, scratchDir: path.join(WORK, "scratch") });
});
afterAll(async () => {
  await s3.close().catch(() => undefined);
  fs.rmSync(WORK, { recursive: true, force: true });
});

describe("storage:migrate", () => {
  it("copies originals and derived files with their digests verified, resumes, and reports a damaged original", async () => {
    const originals = [Buffer.from("receipt one"), Buffer.from("receipt two"), Buffer.alloc(300_000, 7)];
    for (const o of originals) {
      const d = sha(o);
      write(`originals/${d.slice(0, 2)}/${d}`, o);
      write(`derived/${d.slice(0, 2)}/${d}/p1.dzi`, Buffer.from(`<Image ${d}/>`));
      write(`derived/${d.slice(0, 2)}/${d}/p1_files/0/0_0.jpg`, Buffer.from(`tile of ${d}`));
    }
    write("tmp/upload-in-flight", Buffer.from("not an object"));
    const logs: string[] = [];
    const first = await migrateLocalStore({ from: FROM, target: bucket, log: (l) => logs.push(l) });
    expect(first).toMatchObject({ scanned: 9, copied: 9, skipped: 0, mismatched: [], failed: [] });
    expect(logs[0]).toMatch(/9 objects, 9 copied .* 0 digest mismatches, 0 failures/);
    for (const o of originals) {
      const d = sha(o);
      expect(sha(await bucket.getBytes(`originals/${d.slice(0, 2)}/${d}`))).toBe(d);
    }
    expect(await bucket.exists("tmp/upload-in-flight")).toBe(false);

    // Resumable: everything already there is skipped; an object damaged in the bucket is copied again.
    const d0 = sha(originals[0]!);
    await bucket.putBytes(`derived/${d0.slice(0, 2)}/${d0}/p1.dzi`, Buffer.from("truncated"));
    const second = await migrateLocalStore({ from: FROM, target: bucket, log: () => undefined });
    expect(second).toMatchObject({ scanned: 9, copied: 1, skipped: 8, mismatched: [], failed: [] });
    expect((await bucket.getBytes(`derived/${d0.slice(0, 2)}/${d0}/p1.dzi`)).toString()).toBe(`<Image ${d0}/>`);

    // A local original whose bytes no longer match its name is never copied, and fails the run.
    const bad = sha(Buffer.from("the original bytes"));
    write(`originals/${bad.slice(0, 2)}/${bad}`, Buffer.from("flipped bytes"));
    const third = await migrateLocalStore({ from: FROM, target: bucket, log: () => undefined });
    expect(third.mismatched).toHaveLength(1);
    expect(third.mismatched[0]).toContain(bad);
    expect(await bucket.exists(`originals/${bad.slice(0, 2)}/${bad}`)).toBe(false);
  });
});
