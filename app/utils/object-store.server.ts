/**
 * The object store: where receipts' originals, their derived images and Deep Zoom tiles live. One
 * interface, two drivers chosen by STORAGE_DRIVER (app/utils/env.server.ts):
 *   local  a folder (STORAGE_DIR), the embedded default (`npm run demo`, tests)
 *   s3     any S3-API store through the official AWS SDK v3 (AWS S3, Alibaba Cloud OSS, MinIO…)
 * Keys are slash-separated and the same in both (app/utils/storage.server.ts builds them), so a local
 * store copies into a bucket key for key (scripts/storage-migrate.ts). No caller builds paths itself.
 */
import { env } from "./env.server";
import { createLocalStore } from "./object-store-local.server";
import { createS3Store } from "./object-store-s3.server";
import type { ObjectStore, StoreConfig } from "./object-store-types.server";

export type { ObjectHead, ObjectListing, ObjectStore, PutOptions, S3Config, StoreConfig } from "./object-store-types.server";

export { isObjectStoreUnavailable, ObjectNotFoundError, ObjectStoreUnavailableError } from "./object-store-errors.server";

let store: ObjectStore | undefined;

/** The process's store, from the environment. */
export function objectStore(): ObjectStore {
  store ??= createObjectStore();
  return store;
}

export function createObjectStore(config: StoreConfig = storeConfigFromEnv()): ObjectStore {
  return config.driver === "s3" ? createS3Store(config) : createLocalStore(config.root);
}

export function storeConfigFromEnv(): StoreConfig {
  if (env.STORAGE_DRIVER === "local") return { driver: "local", root: env.STORAGE_DIR };
  return {
    driver: "s3",
    endpoint: env.S3_ENDPOINT,
    publicEndpoint: env.S3_PUBLIC_ENDPOINT,
    region: env.S3_REGION,
    bucket: env.S3_BUCKET!,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    scratchDir: `${env.STORAGE_DIR}/tmp`,
  };
}
