import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client";
import { appDatabaseUrl } from "./database-roles.server";
import { env } from "./env.server";
import { onShutdown } from "./shutdown.server";

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

declare global {
  var __prisma: PrismaClient | undefined;
}

function createClient(): PrismaClient {
  // Never the owner: the app's role owns nothing and may only append to the audit log (docs/decisions/010).
  const adapter = new PrismaPg({ connectionString: appDatabaseUrl(env.DATABASE_URL, env.APP_DATABASE_URL), max: 10 });
  const client = new PrismaClient({ adapter });
  onShutdown(() => client.$disconnect());
  return client;
}

// One client per process (kept across dev rebuilds).
export const prisma: PrismaClient = globalThis.__prisma ?? (globalThis.__prisma = createClient());

/**
 * Independent reads: side by side on the pool, one after another inside a transaction. A transaction
 * is one connection, so running them "side by side" there only queues them in the driver (pg 8 warns
 * that it will refuse this in pg 9).
 */
export async function readTogether<T extends readonly unknown[]>(db: Db | Tx, ...reads: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  // A transaction client has $transaction too, so compare with the pool client itself.
  if (db === prisma) return (await Promise.all(reads.map((read) => read()))) as unknown as T;
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as unknown as T;
}
