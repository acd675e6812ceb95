import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client";
import { env } from "./env.server";
import { onShutdown } from "./shutdown.server";

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

declare global {
  var __prisma: PrismaClient | undefined;
}

function createClient(): PrismaClient {
  const adapter = new PrismaPg({ connectionString: env.DATABASE_URL, max: 10 });
  const client = new PrismaClient({ adapter });
  onShutdown(() => client.$disconnect());
  return client;
}

// One client per process (kept across dev rebuilds).
export const prisma: PrismaClient = globalThis.__prisma ?? (globalThis.__prisma = createClient());
