/**
 * The S3 driver of the object store (app/utils/object-store.server.ts), through the official AWS SDK v3.
 * Works with AWS S3, Alibaba Cloud OSS (S3-compatible endpoint), MinIO and the tests' s3rver: the
 * SDK's default "flexible checksums" (CRC32 trailers, aws-chunked bodies) are sent only where an
 * operation requires them, since several S3-compatible stores do not understand them.
 */
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import { randomUUID } from "node:crypto";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { ObjectNotFoundError, ObjectStoreUnavailableError } from "./object-store-errors.server";
import type { ObjectStore, PutOptions, S3Config } from "./object-store-types.server";

/** Many small tiles per receipt: PUTs in flight at once while publishing a rendering. */
const PUBLISH_CONCURRENCY = 16;

function clientFor(config: S3Config, endpoint: string | undefined): S3Client {
  return new S3Client({
    region: config.region,
    endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials:
      config.accessKeyId && config.secretAccessKey ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } : undefined,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    // A store that is down must fail a request in seconds (the upload page says "try again"), not hang it.
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 60_000 },
  });
}

export function createS3Store(config: S3Config): ObjectStore {
  const client = clientFor(config, config.endpoint);
  // Presigning is local computation; a separate client only when browsers reach the store by another name.
  const signer = config.publicEndpoint && config.publicEndpoint !== config.endpoint ? clientFor(config, config.publicEndpoint) : client;
  const Bucket = config.bucket;

  /** Missing objects become ObjectNotFoundError; a store that does not answer (or refuses us) becomes ObjectStoreUnavailableError. */
  const translate = (err: unknown, key: string): never => {
    if (isNotFound(err)) throw new ObjectNotFoundError(key);
    if (err instanceof S3ServiceException && (err.$metadata.httpStatusCode ?? 500) < 500 && err.$metadata.httpStatusCode !== 403) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new ObjectStoreUnavailableError(`object store ${describe(config)} unavailable: ${message}`, { cause: err });
  };

  const put = async (key: string, body: Buffer | Readable, size: number, opts: PutOptions = {}) => {
    try {
      await client.send(
        new PutObjectCommand({ Bucket, Key: key, Body: body, ContentLength: size, ContentType: opts.contentType, CacheControl: opts.cacheControl }),
      );
    } catch (err) {
      translate(err, key);
    }
  };

  const store: ObjectStore = {
    driver: "s3",
    description: describe(config),
    async putFile(key, filePath, opts = {}) {
      const { size } = await fs.stat(filePath);
      await put(key, createReadStream(filePath), size, opts);
      if (opts.move) await fs.rm(filePath, { force: true });
    },
    async putBytes(key, bytes, opts) {
      await put(key, bytes, bytes.length, opts);
    },
    async getStream(key) {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        if (!res.Body) throw new ObjectNotFoundError(key);
        return { body: res.Body as Readable, size: Number(res.ContentLength ?? 0) };
      } catch (err) {
        if (err instanceof ObjectNotFoundError) throw err;
        return translate(err, key);
      }
    },
    async getBytes(key) {
      const { body } = await store.getStream(key);
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
      } catch (err) {
        translate(err, key);
      }
      return Buffer.concat(chunks);
    },
    async head(key) {
      try {
        const res = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return { size: Number(res.ContentLength ?? 0) };
      } catch (err) {
        if (isNotFound(err)) return null;
        return translate(err, key);
      }
    },
    async exists(key) {
      return (await store.head(key)) !== null;
    },
    async delete(key) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
      } catch (err) {
        if (!isNotFound(err)) translate(err, key);
      }
    },
    async *list(prefix) {
      let token: string | undefined;
      do {
        let page;
        try {
          page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken: token }));
        } catch (err) {
          translate(err, prefix);
        }
        for (const o of page?.Contents ?? []) if (o.Key) yield { key: o.Key, size: Number(o.Size ?? 0) };
        token = page?.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
    async withLocalFile(key, fn) {
      await fs.mkdir(config.scratchDir, { recursive: true });
      const file = path.join(config.scratchDir, `object-${randomUUID()}`);
      try {
        const { body } = await store.getStream(key);
        try {
          await pipeline(body, (await fs.open(file, "wx", 0o600)).createWriteStream());
        } catch (err) {
          translate(err, key);
        }
        return await fn(file);
      } finally {
        await fs.rm(file, { force: true });
      }
    },
    async publishDirectory(prefix, dir, opts = {}) {
      const files = await filesUnder(dir);
      const last = opts.last ?? (() => false);
      const upload = async (relative: string) =>
        put(`${prefix}/${relative}`, createReadStream(path.join(dir, ...relative.split("/"))), (await fs.stat(path.join(dir, ...relative.split("/")))).size, {
          contentType: contentTypeOf(relative),
          cacheControl: opts.cacheControl,
        });
      // Tiles first, the descriptors after: a viewer starting from a descriptor finds every tile it names.
      await mapBounded(files.filter((f) => !last(f)), PUBLISH_CONCURRENCY, upload);
      await mapBounded(files.filter(last), PUBLISH_CONCURRENCY, upload);
      await fs.rm(dir, { recursive: true, force: true });
    },
    async presignGet(key, opts) {
      return getSignedUrl(signer, new GetObjectCommand({ Bucket, Key: key, ResponseContentType: opts.contentType }), {
        expiresIn: opts.expiresInSeconds,
        signingDate: opts.signingDate,
      });
    },
  };
  return store;
}

function describe(config: S3Config): string {
  return `s3://${config.bucket}${config.endpoint ? ` at ${config.endpoint}` : ""}`;
}

function isNotFound(err: unknown): boolean {
  if (!(err instanceof S3ServiceException)) return false;
  return err.name === "NoSuchKey" || err.name === "NotFound" || err.$metadata.httpStatusCode === 404;
}

function contentTypeOf(relative: string): string {
  if (relative.endsWith(".jpg") || relative.endsWith(".jpeg")) return "image/jpeg";
  if (relative.endsWith(".png")) return "image/png";
  if (relative.endsWith(".dzi")) return "application/xml";
  return "application/octet-stream";
}

async function filesUnder(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await filesUnder(dir, r)));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

/** Runs `fn` over items, at most `limit` at a time; the first failure is thrown once the running ones settle. */
export async function mapBounded<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const lane = async () => {
    while (failed === null && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failed !== null) throw failed;
}
