/**
 * npm run storage:migrate — copies an existing local store (STORAGE_DIR, or --from DIR) into the S3
 * bucket configured by the S3_* variables (STORAGE_DRIVER need not be s3 yet: migrate first, then switch).
 * Every object is verified by SHA-256: an original's key is its digest, so the uploaded bytes must hash to
 * it; a derived file's uploaded bytes must hash like its source. Resumable: an object already in the
 * bucket with the right digest is skipped. Prints a summary; exits 1 on any mismatch or failure.
 *   npm run storage:migrate [-- --from DIR] [--concurrency 8]
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { mapBounded } from "~/utils/object-store-s3.server";
import { createObjectStore, ObjectNotFoundError, type ObjectStore, type S3Config } from "~/utils/object-store.server";

export type MigrateSummary = { scanned: number; copied: number; skipped: number; mismatched: string[]; failed: string[]; bytes: number };

const ORIGINAL = /^originals\/[0-9a-f]{2}\/([0-9a-f]{64})$/;
const DERIVED = /^derived\/[0-9a-f]{2}\/[0-9a-f]{64}\//;

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function sha256OfObject(store: ObjectStore, key: string): Promise<string | null> {
  try {
    const { body } = await store.getStream(key);
    const hash = createHash("sha256");
    for await (const chunk of body) hash.update(chunk as Buffer);
    return hash.digest("hex");
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return null;
    throw err;
  }
}

export async function migrateLocalStore({
  from,
  target,
  concurrency = 8,
  log = (line: string) => console.log(line),
}: {
  from: string;
  target: ObjectStore;
  concurrency?: number;
  log?: (line: string) => void;
}): Promise<MigrateSummary> {
  const source = createObjectStore({ driver: "local", root: from });
  const summary: MigrateSummary = { scanned: 0, copied: 0, skipped: 0, mismatched: [], failed: [], bytes: 0 };
  const keys: string[] = [];
  for (const prefix of ["originals/", "derived/"]) for await (const o of source.list(prefix)) if (ORIGINAL.test(o.key) || DERIVED.test(o.key)) keys.push(o.key);
  summary.scanned = keys.length;
  await mapBounded(keys, concurrency, async (key) => {
    try {
      const file = path.join(from, ...key.split("/"));
      const sourceDigest = await sha256OfFile(file);
      const expected = ORIGINAL.exec(key)?.[1] ?? sourceDigest;
      if (expected !== sourceDigest) {
        // The local original itself is damaged: never copied, reported.
        summary.mismatched.push(`${key} (local bytes hash to ${sourceDigest})`);
        return;
      }
      if ((await target.head(key)) && (await sha256OfObject(target, key)) === expected) {
        summary.skipped++;
        return;
      }
      await target.putFile(key, file, { contentType: key.endsWith(".dzi") ? "application/xml" : key.endsWith(".jpg") ? "image/jpeg" : undefined });
      const uploaded = await sha256OfObject(target, key);
      if (uploaded !== expected) {
        summary.mismatched.push(`${key} (uploaded bytes hash to ${uploaded ?? "nothing"})`);
        return;
      }
      summary.copied++;
      summary.bytes += (await target.head(key))?.size ?? 0;
    } catch (err) {
      summary.failed.push(`${key}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  log(
    `[storage:migrate] ${from} → ${target.description}: ${summary.scanned} objects, ${summary.copied} copied (${summary.bytes} bytes), ` +
      `${summary.skipped} already there, ${summary.mismatched.length} digest mismatches, ${summary.failed.length} failures`,
  );
  for (const m of summary.mismatched) log(`[storage:migrate] MISMATCH ${m}`);
  for (const f of summary.failed) log(`[storage:migrate] FAILED ${f}`);
  return summary;
}

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { env } = await import("~/utils/env.server");
  if (!env.S3_BUCKET) {
    console.error("[storage:migrate] set S3_BUCKET (and S3_ENDPOINT, S3_REGION, S3_FORCE_PATH_STYLE, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY) for the target bucket");
    process.exit(2);
  }
  const from = path.resolve(argValue("--from") ?? env.STORAGE_DIR);
  const config: S3Config = {
    driver: "s3",
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    bucket: env.S3_BUCKET,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    scratchDir: path.join(from, "tmp"),
  };
  const summary = await migrateLocalStore({ from, target: createObjectStore(config), concurrency: Number(argValue("--concurrency") ?? 8) });
  process.exit(summary.mismatched.length + summary.failed.length > 0 ? 1 : 0);
}
