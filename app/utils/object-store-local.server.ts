/** The local-folder driver of the object store (app/utils/object-store.server.ts): key = path under the root. */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { ObjectListing, ObjectStore, PutOptions } from "./object-store-types.server";
import { ObjectNotFoundError } from "./object-store-errors.server";

/**
 * Moves a finished directory onto `target` in one rename (atomic on one filesystem). A complete set
 * already there (a retry after the database step failed) is swapped out whole, never mixed.
 */
export async function renameDirectoryOnto(dir: string, target: string): Promise<void> {
  try {
    await fs.rename(dir, target);
  } catch (err) {
    if (!isErrno(err, "ENOTEMPTY") && !isErrno(err, "EEXIST")) throw err;
    const old = `${target}.old-${randomUUID()}`;
    await fs.rename(target, old);
    await fs.rename(dir, target);
    await fs.rm(old, { recursive: true, force: true });
  }
}

export function createLocalStore(rootDir: string): ObjectStore {
  const root = path.resolve(rootDir);
  const fileOf = (key: string): string => {
    const parts = key.split("/");
    if (key === "" || parts.some((p) => p === "" || p === "." || p === "..")) throw new Error(`not a storage key: ${key}`);
    return path.join(root, ...parts);
  };
  const notFound = (err: unknown, key: string): never => {
    if (isErrno(err, "ENOENT") || isErrno(err, "EISDIR") || isErrno(err, "ENOTDIR")) throw new ObjectNotFoundError(key);
    throw err;
  };
  // Written beside the target, then renamed: a reader never sees a half-written file.
  const writeAtomically = async (key: string, write: (tmp: string) => Promise<void>) => {
    const target = fileOf(key);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.part-${randomUUID()}`;
    try {
      await write(tmp);
      await fs.rename(tmp, target);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  };

  const store: ObjectStore = {
    driver: "local",
    description: `local folder ${root}`,
    async putFile(key, filePath, opts: PutOptions & { move?: boolean } = {}) {
      if (opts.move) {
        const target = fileOf(key);
        await fs.mkdir(path.dirname(target), { recursive: true });
        await fs.rename(filePath, target);
        return;
      }
      await writeAtomically(key, (tmp) => fs.copyFile(filePath, tmp));
    },
    async putBytes(key, bytes) {
      await writeAtomically(key, (tmp) => fs.writeFile(tmp, bytes));
    },
    async getStream(key) {
      const file = fileOf(key);
      const handle = await fs.open(file, "r").catch((err: unknown) => notFound(err, key));
      try {
        const stat = await handle.stat();
        if (!stat.isFile()) throw new ObjectNotFoundError(key);
        // The stream owns the handle and closes it when done (or destroyed).
        return { body: handle.createReadStream({ autoClose: true }), size: stat.size };
      } catch (err) {
        await handle.close();
        throw err;
      }
    },
    async getBytes(key) {
      return fs.readFile(fileOf(key)).catch((err: unknown) => notFound(err, key));
    },
    async head(key) {
      const stat = await fs.stat(fileOf(key)).catch(() => null);
      return stat?.isFile() ? { size: stat.size } : null;
    },
    async exists(key) {
      return (await store.head(key)) !== null;
    },
    async delete(key) {
      await fs.rm(fileOf(key), { force: true });
    },
    list(prefix) {
      return listLocal(root, prefix);
    },
    async withLocalFile(key, fn) {
      const file = fileOf(key);
      await fs.access(file).catch((err: unknown) => notFound(err, key));
      return fn(file);
    },
    async publishDirectory(prefix, dir) {
      const target = fileOf(prefix);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await renameDirectoryOnto(dir, target);
    },
    async presignGet() {
      return null;
    },
  };
  return store;
}

/** Files under root whose key starts with `prefix`, skipping in-flight temp files (*.part-*, *.tmp-*, *.old-*, tmp/). */
async function* listLocal(root: string, prefix: string): AsyncIterable<ObjectListing> {
  const slash = prefix.lastIndexOf("/");
  const baseKey = slash >= 0 ? prefix.slice(0, slash) : "";
  const start = baseKey ? path.join(root, ...baseKey.split("/")) : root;
  async function* walk(dir: string, keyDir: string): AsyncIterable<ObjectListing> {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (/\.(part|tmp|old)-/.test(e.name)) continue;
      const key = keyDir ? `${keyDir}/${e.name}` : e.name;
      if (key === "tmp") continue;
      // Only descend where a key under the prefix can be.
      if (!(key.startsWith(prefix) || prefix.startsWith(`${key}/`))) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) yield* walk(p, key);
      else if (e.isFile() && key.startsWith(prefix)) {
        const stat = await fs.stat(p).catch(() => null);
        if (stat) yield { key, size: stat.size };
      }
    }
  }
  yield* walk(start, baseKey);
}

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && "code" in err && err.code === code;
}
