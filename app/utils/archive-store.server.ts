import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { isSafeRelativePath } from "~/domain/archive-package";
import { storageRoot } from "./storage.server";

/**
 * The archive's own area of the storage root, apart from the content-addressed originals and the imaging
 * worker's derived files (storage.server.ts), so nothing on the app's ordinary paths writes into it:
 *
 *   archive/<company code>/<year>/<claim number>/…   packages (app/domain/archive-package.ts), read-only
 *   archive/.staging/<uuid>/                          a package being written; renamed into place whole
 *   archive/.orphans/                                 a package left on disk by a filing whose transaction failed
 *
 * A package's files are 0444 and its directories 0555 once in place.
 */
export function archiveRoot(): string {
  return path.join(storageRoot(), "archive");
}

/** The absolute directory of a package path (relative to the archive root); refuses a path that would leave it. */
export function packageDir(relative: string, root = archiveRoot()): string {
  if (!isSafeRelativePath(relative))
    throw new Error(`unsafe package path ${relative}`);
  return path.join(root, ...relative.split("/"));
}

export async function newStagingDir(root = archiveRoot()): Promise<string> {
  const dir = path.join(root, ".staging", randomUUID());
  await fs.mkdir(dir, { recursive: true });
  return dir;
}

/** Files up to this size are read in one call (a stream's overhead dominates small files); larger ones are streamed. */
const READ_WHOLE_BYTES = 8 << 20;

/** SHA-256 and size of a file, never more than READ_WHOLE_BYTES of it in memory. */
export async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const handle = await fs.open(file, "r");
  try {
    const { size } = await handle.stat();
    if (size <= READ_WHOLE_BYTES) {
      const bytes = await handle.readFile();
      return { sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length };
    }
  } finally {
    await handle.close();
  }
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(file, {
    highWaterMark: 1 << 20,
  })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), size };
}

export function sha256Of(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Writes bytes at a relative path of a staging dir; answers its digest and size. */
export async function writePackageFile(
  dir: string,
  relative: string,
  bytes: Buffer
): Promise<{ sha256: string; size: number }> {
  const target = path.join(dir, ...relative.split("/"));
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.writeFile(target, bytes, { flag: "wx" });
  return { sha256: sha256Of(bytes), size: bytes.length };
}

/** Copies a file into a staging dir, hashing what was written (a copy that differs from its source is refused). */
export async function copyIntoPackage(
  dir: string,
  relative: string,
  source: string,
  expectedSha256?: string
): Promise<{ sha256: string; size: number }> {
  const target = path.join(dir, ...relative.split("/"));
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.copyFile(source, target, fs.constants.COPYFILE_EXCL);
  const written = await hashFile(target);
  if (expectedSha256 && written.sha256 !== expectedSha256)
    throw new Error(`copy of ${source} does not match its digest`);
  return written;
}

/** Files 0444, directories 0555, deepest first (a read-only directory cannot be changed inside). */
export async function makeReadOnly(
  dir: string,
  opts: { self?: boolean } = {}
): Promise<void> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeReadOnly(p);
    else if (entry.isFile()) await fs.chmod(p, 0o444);
  }
  // A directory is renamed to another parent only while writable itself (its '..' changes): the caller then locks it.
  if (opts.self !== false) await fs.chmod(dir, 0o555);
}

/** Undo makeReadOnly (tests, and moving an orphan aside). */
export async function makeWritable(dir: string): Promise<void> {
  await fs.chmod(dir, 0o755);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(p);
    else if (entry.isFile()) await fs.chmod(p, 0o644);
  }
}

/**
 * Moves a finished staging dir to its place in one rename. A directory already there (a filing whose
 * database transaction failed after the rename) is moved to .orphans first, never overwritten in place.
 */
export async function publishPackage(
  staging: string,
  relative: string,
  root = archiveRoot()
): Promise<string> {
  const target = packageDir(relative, root);
  await fs.mkdir(path.dirname(target), { recursive: true });
  try {
    await fs.access(target);
    const orphans = path.join(root, ".orphans");
    await fs.mkdir(orphans, { recursive: true });
    await fs.chmod(target, 0o755);
    await fs.rename(
      target,
      path.join(orphans, `${relative.replace(/\//g, "_")}-${Date.now()}`)
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  await fs.rename(staging, target);
  return target;
}

/**
 * Moves a finished staging dir into a package already in place, at `relative` inside it (an addendum:
 * addenda/<n>). The package directory and the parent are writable only for the rename and read-only
 * again after it, whatever happens; something already at the target (an addendum whose transaction
 * failed after the rename) is moved to .orphans first, never overwritten.
 */
export async function publishInsidePackage(
  staging: string,
  packageRelative: string,
  relative: string,
  root = archiveRoot()
): Promise<string> {
  if (!isSafeRelativePath(relative)) throw new Error(`unsafe path ${relative}`);
  const pkg = packageDir(packageRelative, root);
  const target = path.join(pkg, ...relative.split("/"));
  const parents: string[] = [];
  for (let d = path.dirname(target); d.startsWith(pkg); d = path.dirname(d)) {
    parents.unshift(d);
    if (d === pkg) break;
  }
  try {
    for (const d of parents) {
      await fs.mkdir(d, { recursive: true });
      await fs.chmod(d, 0o755);
    }
    try {
      await fs.access(target);
      const orphans = path.join(root, ".orphans");
      await fs.mkdir(orphans, { recursive: true });
      await fs.chmod(target, 0o755);
      await fs.rename(target, path.join(orphans, `${packageRelative.replace(/\//g, "_")}_${relative.replace(/\//g, "_")}-${Date.now()}`));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    await fs.rename(staging, target);
    await fs.chmod(target, 0o555);
  } finally {
    for (const d of [...parents].reverse()) await fs.chmod(d, 0o555).catch(() => undefined);
  }
  return target;
}

export type PackageEntry = {
  path: string;
  kind: "file" | "dir" | "symlink" | "other";
  mode: number;
  size: number;
  absolute: string;
};

/** Every entry under a package directory (lstat: a link is reported as a link, never followed). */
export async function listPackage(dir: string): Promise<PackageEntry[]> {
  const out: PackageEntry[] = [];
  const walk = async (abs: string, rel: string) => {
    for (const entry of await fs.readdir(abs, { withFileTypes: true })) {
      const a = path.join(abs, entry.name);
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      const st = await fs.lstat(a);
      const kind = st.isSymbolicLink()
        ? "symlink"
        : st.isDirectory()
        ? "dir"
        : st.isFile()
        ? "file"
        : "other";
      out.push({
        path: r,
        kind,
        mode: st.mode & 0o777,
        size: st.size,
        absolute: a,
      });
      if (kind === "dir") await walk(a, r);
    }
  };
  await walk(dir, "");
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Runs `fn` over items with at most `limit` at a time; results in input order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from(
    { length: Math.max(1, Math.min(limit, items.length)) },
    async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!, i);
      }
    }
  );
  await Promise.all(lanes);
  return results;
}
