import fs from "node:fs/promises";
import path from "node:path";
import { env } from "./env.server";

/**
 * Local-disk storage, content-addressed. Originals live once per SHA-256; everything the imaging
 * worker derives from an original (tiles, thumbnails) lives beside it under derived/.
 *
 *   originals/ab/<sha256>
 *   derived/ab/<sha256>/p<page>.dzi, p<page>_files/<level>/<col>_<row>.jpg, p<page>-thumb.jpg
 *   tmp/  (uploads in flight; same filesystem so renames are atomic)
 */
export function storageRoot(): string {
  return path.resolve(env.STORAGE_DIR);
}

function shard(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return sha256.slice(0, 2);
}

export function originalPath(sha256: string): string {
  return path.join(storageRoot(), "originals", shard(sha256), sha256);
}

export function derivedDir(sha256: string): string {
  return path.join(storageRoot(), "derived", shard(sha256), sha256);
}

export function dziPath(sha256: string, page: number): string {
  return path.join(derivedDir(sha256), `p${page}.dzi`);
}

export function tilesDir(sha256: string, page: number): string {
  return path.join(derivedDir(sha256), `p${page}_files`);
}

export function thumbPath(sha256: string, page: number): string {
  return path.join(derivedDir(sha256), `p${page}-thumb.jpg`);
}

export async function tmpDir(): Promise<string> {
  const dir = path.join(storageRoot(), "tmp");
  await fs.mkdir(dir, { recursive: true });
  return dir;
}

/** Moves an uploaded temp file into place; a second upload of the same bytes just drops its temp file. */
export async function storeOriginal(tempPath: string, sha256: string): Promise<string> {
  const target = originalPath(sha256);
  await fs.mkdir(path.dirname(target), { recursive: true });
  try {
    await fs.access(target);
    await fs.rm(tempPath, { force: true });
  } catch {
    await fs.rename(tempPath, target);
  }
  return target;
}
