/** The object store's interface and configuration (app/utils/object-store.server.ts), shared by its drivers. */
import type { Readable } from "node:stream";

export type PutOptions = {
  contentType?: string;
  /** Stored with the object (S3 hands it back on GET; the app route sets its own). */
  cacheControl?: string;
};

export type ObjectHead = { size: number };
export type ObjectListing = { key: string; size: number };

export interface ObjectStore {
  readonly driver: "local" | "s3";
  /** For logs and the migrate command's summary (never credentials). */
  readonly description: string;
  /**
   * Stores a local file under `key`; `move` lets the local driver rename it into place (atomic; the
   * file must be on the store's filesystem). S3 PUTs are atomic too: no half-written object is visible.
   */
  putFile(key: string, filePath: string, opts?: PutOptions & { move?: boolean }): Promise<void>;
  putBytes(key: string, bytes: Buffer, opts?: PutOptions): Promise<void>;
  /** Throws ObjectNotFoundError. */
  getStream(key: string): Promise<{ body: Readable; size: number }>;
  /** Throws ObjectNotFoundError. Whole object in memory: for small objects (thumbnails, originals ≤ MAX_UPLOAD_BYTES). */
  getBytes(key: string): Promise<Buffer>;
  head(key: string): Promise<ObjectHead | null>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Every object whose key starts with `prefix` (a folder: end it with "/"). */
  list(prefix: string): AsyncIterable<ObjectListing>;
  /** Runs `fn` with a local file holding the object (the local driver's own file; S3: a temp copy removed afterwards). */
  withLocalFile<T>(key: string, fn: (filePath: string) => Promise<T>): Promise<T>;
  /**
   * Publishes a finished local directory as the objects under `prefix` (prefix/<relative path>), and
   * consumes the directory. Local: one rename (a complete set already there is swapped out). S3: the files
   * are PUT with bounded concurrency, `last` ones (the descriptors a viewer starts from) after the rest.
   */
  publishDirectory(prefix: string, dir: string, opts?: { last?: (relative: string) => boolean; cacheControl?: string }): Promise<void>;
  /** A short-lived URL for a GET straight from the store (S3 only; null for the local driver). */
  presignGet(key: string, opts: { expiresInSeconds: number; signingDate?: Date; contentType?: string }): Promise<string | null>;
}

export type S3Config = {
  driver: "s3";
  endpoint?: string;
  /** Where browsers reach the store for presigned URLs when it differs from `endpoint` (e.g. an internal name). */
  publicEndpoint?: string;
  region: string;
  bucket: string;
  forcePathStyle: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Local scratch for temp copies (withLocalFile). */
  scratchDir: string;
};
export type StoreConfig = { driver: "local"; root: string } | S3Config;

