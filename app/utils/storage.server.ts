import fs from "node:fs/promises";
import path from "node:path";
import { env } from "./env.server";
import { objectStore } from "./object-store.server";

/**
 * Receipt storage, content-addressed. Originals live once per SHA-256; everything the imaging worker
 * derives from an original (tiles, thumbnails) lives beside it under derived/. These are object keys in
 * the object store (app/utils/object-store.server.ts: a local folder or an S3 bucket, STORAGE_DRIVER):
 *
 *   originals/ab/<sha256>
 *   derived/ab/<sha256>/p<page>.dzi, p<page>_files/<level>/<col>_<row>.jpg, p<page>-thumb.jpg
 *
 * STORAGE_DIR is also the local scratch area whatever the driver: tmp/ (uploads in flight, hashed and
 * checked there before they are stored) and the imaging worker's renderings in progress.
 */
export function storageRoot(): string {
  return path.resolve(env.STORAGE_DIR);
}

function shard(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return sha256.slice(0, 2);
}

// ---------- object keys ----------

export function originalKey(sha256: string): string {
  return `originals/${shard(sha256)}/${sha256}`;
}

/** The folder of everything derived from one original (no trailing slash). */
export function derivedPrefix(sha256: string): string {
  return `derived/${shard(sha256)}/${sha256}`;
}

export function dziKey(sha256: string, page: number): string {
  return `${derivedPrefix(sha256)}/p${page}.dzi`;
}

export function thumbKey(sha256: string, page: number): string {
  return `${derivedPrefix(sha256)}/p${page}-thumb.jpg`;
}

export function tileKey(sha256: string, page: number, level: number, col: number, row: number, ext: string): string {
  return `${derivedPrefix(sha256)}/p${page}_files/${level}/${col}_${row}.${ext}`;
}

/** Derived objects: rendered once from immutable bytes, so cacheable for good. */
export const IMMUTABLE_CACHE_CONTROL = "private, max-age=31536000, immutable";

// ---------- the local driver's files (tests, and the scratch area) ----------

function localFile(key: string): string {
  return path.join(storageRoot(), ...key.split("/"));
}

/** Where the local driver keeps an original (tests look at it; app code goes through objectStore()). */
export function originalPath(sha256: string): string {
  return localFile(originalKey(sha256));
}

/**
 * The local directory of a receipt's derived files. With the local driver it is where they live; with
 * S3 it is only where the imaging worker renders them before publishing them to the bucket.
 */
export function derivedDir(sha256: string): string {
  return localFile(derivedPrefix(sha256));
}

export function dziPath(sha256: string, page: number): string {
  return localFile(dziKey(sha256, page));
}

export function tilesDir(sha256: string, page: number): string {
  return path.join(derivedDir(sha256), `p${page}_files`);
}

export function thumbPath(sha256: string, page: number): string {
  return localFile(thumbKey(sha256, page));
}

export async function tmpDir(): Promise<string> {
  const dir = path.join(storageRoot(), "tmp");
  await fs.mkdir(dir, { recursive: true });
  return dir;
}

/**
 * Stores an uploaded temp file (already hashed) as its original and drops the temp file; a second upload
 * of the same bytes finds the object there and just drops its temp file. Local: a rename (atomic).
 * S3: one PUT (atomic: the object appears whole or not at all). Throws ObjectStoreUnavailableError when
 * the store does not answer.
 */
export async function storeOriginal(tempPath: string, sha256: string, contentType?: string): Promise<string> {
  const store = objectStore();
  const key = originalKey(sha256);
  if (await store.exists(key)) {
    await fs.rm(tempPath, { force: true });
  } else {
    await store.putFile(key, tempPath, { move: true, contentType });
  }
  return key;
}
