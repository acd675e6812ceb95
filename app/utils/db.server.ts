import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client";
import { appDatabaseUrl } from "./database-roles.server";
import { env } from "./env.server";
import { onShutdown } from "./shutdown.server";

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

declare global {
  var __prisma: PrismaClient | undefined;
  var __prismaReplica: PrismaClient | undefined;
}

/**
 * The app's connections run without Postgres's JIT compiler (docs/decisions/044): its statements are
 * short, and a plan over the JIT threshold (a board figure over a million tasks) spent 15 ms compiling
 * every time and ~100 ms on a connection's first compile — the board's first load was 2.8–3.6× a bare
 * count(*) with it, 1.4–1.7× without.
 */
export const APP_CONNECTION_OPTIONS = "-c jit=off";

/** The first words of a statement whose plan each connection keeps (a named prepared statement). */
export const KEEP_PLAN = "/* keep plan */";

/**
 * A statement beginning with KEEP_PLAN is prepared under a name made from its text, once per connection,
 * and Postgres may then keep one plan for it instead of planning every call. Only for a hot statement
 * whose text never changes (its values are parameters): Next, whose planning was half its cost at 50
 * callers (README, bench:next). Every other statement stays unnamed.
 */
function keptPlanName(query: { sql: string }): string {
  if (!query.sql.startsWith(KEEP_PLAN)) return ""; // the protocol's unnamed statement: parsed and planned at each call
  return `af_${createHash("sha256").update(query.sql).digest("hex").slice(0, 32)}`;
}

/** The app's Prisma client on a pool of `max` connections (the web and workers' 10; a benchmark's own pool). */
export function newAppClient(connectionString: string, { max = 10 }: { max?: number } = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString, max, options: APP_CONNECTION_OPTIONS }, { statementNameGenerator: keptPlanName });
  return new PrismaClient({ adapter });
}

function createClient(connectionString: string): PrismaClient {
  const client = newAppClient(connectionString);
  onShutdown(() => client.$disconnect());
  return client;
}

// One client per process (kept across dev rebuilds).
// Never the owner: the app's role owns nothing and may only append to the audit log (docs/decisions/010).
export const prisma: PrismaClient = globalThis.__prisma ?? (globalThis.__prisma = createClient(appDatabaseUrl(env.DATABASE_URL, env.APP_DATABASE_URL)));

/**
 * Reads that may lag a moment behind the primary (docs/decisions/026): the board, scorecards, staffing
 * and the archive's statistics. The streaming replica of DATABASE_REPLICA_URL (connected as given: give
 * it the app's role), or the primary when unset. Never for writes, transactions, or a page that must
 * show what its user just did (the page an action redirects to, the claim page, Next).
 */
export const readReplica: PrismaClient = env.DATABASE_REPLICA_URL
  ? (globalThis.__prismaReplica ?? (globalThis.__prismaReplica = createClient(env.DATABASE_REPLICA_URL)))
  : prisma;

/**
 * Independent reads: side by side on the pool, one after another inside a transaction. A transaction
 * is one connection, so running them "side by side" there only queues them in the driver (pg 8 warns
 * that it will refuse this in pg 9).
 */
export async function readTogether<T extends readonly unknown[]>(db: Db | Tx, ...reads: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  // A transaction client has $transaction too, so compare with the pool client itself.
  if (db === prisma || db === readReplica) return (await Promise.all(reads.map((read) => read()))) as unknown as T;
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as unknown as T;
}

/**
 * Refuses to serve as a database role that could rewrite history: a superuser, a role that may create
 * roles or databases or bypass row security, or the owner of any of the app's tables (an owner can drop the
 * audit log's triggers). Called by the web server and the workers when they start in production.
 */
export async function assertLeastPrivilegedConnection(db: PrismaClient = prisma): Promise<void> {
  const [role] = await db.$queryRaw<{ name: string; superuser: boolean; powers: boolean; owns: bigint }[]>`
    SELECT r.rolname AS name, r.rolsuper AS superuser,
           (r.rolcreaterole OR r.rolcreatedb OR r.rolbypassrls OR r.rolreplication) AS powers,
           (SELECT count(*) FROM pg_tables t WHERE t.schemaname = current_schema() AND t.tableowner = r.rolname) AS owns
      FROM pg_roles r WHERE r.rolname = current_user`;
  if (!role) throw new Error("cannot read the database role the app connects as");
  if (role.superuser || role.powers || role.owns > 0n) {
    throw new Error(`the app connects to the database as "${role.name}", which ${role.superuser ? "is a superuser" : role.powers ? "may create roles or databases" : "owns the app's tables"}: set APP_DATABASE_URL to a least-privileged role (npm run db:migrate creates af_app)`);
  }
}
