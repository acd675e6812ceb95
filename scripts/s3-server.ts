/**
 * A local S3-API server for development and tests: s3rver (a well-kept npm S3 server made for tests,
 * files under a folder; docs/decisions/024 says why this one). Used by scripts/services.ts (started
 * detached when STORAGE_DRIVER=s3 points at a local endpoint that does not answer) and by the tests.
 *   tsx scripts/s3-server.ts --port 4568 --dir .data/s3 --bucket af-receipts
 * Credentials: S3RVER / S3RVER (s3rver's fixed pair).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import S3rver from "s3rver";

export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

export type LocalS3 = { endpoint: string; port: number; close: () => Promise<void> };

export async function startLocalS3({ port, directory, buckets }: { port: number; directory: string; buckets: string[] }): Promise<LocalS3> {
  fs.mkdirSync(directory, { recursive: true });
  const server = new S3rver({ port, address: "127.0.0.1", directory, silent: true, configureBuckets: buckets.map((name) => ({ name })) });
  const address = (await server.run()) as { port: number };
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: async () => {
      await server.close();
    },
  };
}

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const port = Number(argValue("--port") ?? 4568);
  const directory = path.resolve(argValue("--dir") ?? ".data/s3");
  const bucket = argValue("--bucket") ?? "af-receipts";
  startLocalS3({ port, directory, buckets: [bucket] }).then(
    (s3) => {
      console.log(`[s3] s3rver listening on ${s3.endpoint}, bucket ${bucket}, data in ${directory}`);
      const stop = () => void s3.close().then(() => process.exit(0));
      process.on("SIGTERM", stop);
      process.on("SIGINT", stop);
    },
    (err: unknown) => {
      console.error(`[s3] could not start: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
