/**
 * The read replica (issue 13, docs/decisions/026): a Postgres primary of our own and its streaming
 * replica (pg_basebackup -R) on local ports, the app configured with DATABASE_REPLICA_URL, and the
 * wall board shown to be served by the replica: with the replica's replay paused, the board keeps
 * the figure the replica has while the primary has moved on; resumed, the board catches up. Writes and
 * read-your-writes (the `prisma` client) stay on the primary. The app's modules are imported after
 * the environment points at these servers (env.server.ts reads it once).
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../scripts/migrate";
import { startPostgresWithReplica, type Stoppable } from "./local-services";

type App = {
  db: typeof import("~/utils/db.server");
  board: typeof import("~/models/board-data.server");
  helpers: typeof import("./helpers");
  server: typeof import("./real-server");
  shutdown: typeof import("~/utils/shutdown.server");
};

const DATABASE = "af_replica_test";
let servers: (Awaited<ReturnType<typeof startPostgresWithReplica>> & Stoppable) | undefined;
let app: App;
let replicaOwner: pg.Client | undefined;

beforeAll(async () => {
  servers = await startPostgresWithReplica();
  const owner = new pg.Client({ connectionString: servers.url(servers.primaryPort, "postgres") });
  await owner.connect();
  await owner.query(`CREATE DATABASE ${DATABASE}`);
  await owner.end();
  const primaryUrl = servers.url(servers.primaryPort, DATABASE);
  await migrate(primaryUrl, () => undefined);
  Object.assign(process.env, {
    DATABASE_URL: primaryUrl,
    APP_DATABASE_URL: servers.url(servers.primaryPort, DATABASE, "af_app"),
    DATABASE_REPLICA_URL: servers.url(servers.replicaPort, DATABASE, "af_app"),
    QUEUE_PREFIX: `afr-${randomUUID().slice(0, 6)}`,
  });
  // Replay is paused and resumed by a superuser on the replica.
  replicaOwner = new pg.Client({ connectionString: servers.url(servers.replicaPort, DATABASE) });
  await replicaOwner.connect();
  app = {
    db: await import("~/utils/db.server"),
    board: await import("~/models/board-data.server"),
    helpers: await import("./helpers"),
    server: await import("./real-server"),
    shutdown: await import("~/utils/shutdown.server"),
  };
}, 90_000);

afterAll(async () => {
  try {
    await replicaOwner?.query("SELECT pg_wal_replay_resume()").catch(() => undefined);
    await replicaOwner?.end().catch(() => undefined);
    if (app) await app.shutdown.runShutdownHooks();
  } finally {
    await servers?.stop();
  }
});

describe("the read replica", () => {
  it("serves the wall board, which lags while replay is paused and catches up after; writes stay on the primary", async () => {
    const { prisma, readReplica } = app.db;
    const { helpers } = app;
    expect(readReplica).not.toBe(prisma);
    const [onReplica] = await readReplica.$queryRaw<{ standby: boolean; port: number; who: string }[]>`SELECT pg_is_in_recovery() AS standby, current_setting('port')::int AS port, current_user AS who`;
    expect(onReplica).toEqual({ standby: true, port: servers!.replicaPort, who: "af_app" });
    const [onPrimary] = await prisma.$queryRaw<{ standby: boolean }[]>`SELECT pg_is_in_recovery() AS standby`;
    expect(onPrimary!.standby).toBe(false);

    const org = await helpers.createOrg();
    const employee = await helpers.createUser(org);
    const groupId = await helpers.createGroup();
    const openTask = async () => {
      const claim = await helpers.createClaim(employee, { status: "IN_REVIEW", groupId });
      await prisma.task.create({ data: { id: randomUUID(), claimId: claim.id, type: "REVIEW", status: "OPEN", groupId, claimVersion: 1, createdAt: new Date(), slaState: "ON_TRACK" } });
    };
    const boardOpen = async () => (await app.board.getBoardData({ now: new Date() })).backlog.find((b) => b.groupId === groupId)?.open;

    await openTask();
    await helpers.waitFor(async () => (await boardOpen()) === 1, { timeoutMs: 10_000, what: "the replica to show the first task" });

    await replicaOwner!.query("SELECT pg_wal_replay_pause()");
    await helpers.waitFor(async () => (await replicaOwner!.query<{ s: string }>("SELECT pg_get_wal_replay_pause_state() AS s")).rows[0]!.s === "paused", { what: "replay paused" });
    await openTask();
    await openTask();
    // The primary has three open tasks (what a claim page or Next would read); the board, from the replica, still one.
    expect(await prisma.task.count({ where: { groupId, status: "OPEN" } })).toBe(3);
    expect(await boardOpen()).toBe(1);

    await replicaOwner!.query("SELECT pg_wal_replay_resume()");
    await helpers.waitFor(async () => (await boardOpen()) === 3, { timeoutMs: 10_000, what: "the board to catch up after replay resumed" });
  });

  it("lists a claimant's claims from the replica, but from the primary for a few seconds after that browser wrote", async () => {
    const { prisma } = app.db;
    const { helpers } = app;
    const org = await helpers.createOrg();
    const employee = await helpers.createUser(org);
    const session = await helpers.sessionCookie(employee.id);
    const server = await app.server.startRealServer();
    try {
      await helpers.waitFor(async () => (await app.db.readReplica.userSession.count({ where: { userId: employee.id } })) === 1, { what: "the session on the replica" });
      await replicaOwner!.query("SELECT pg_wal_replay_pause()");
      const claim = await helpers.createClaim(employee);
      expect(await prisma.claim.count({ where: { id: claim.id } })).toBe(1);

      const list = await app.server.call(server, "/claims", { cookie: session });
      expect(list.status).toBe(200);
      expect(list.text).not.toContain(claim.number); // the replica has not replayed it

      const wrote = await app.server.call(server, "/locale", { method: "POST", cookie: session, form: { locale: "en" } });
      const rw = wrote.setCookie.find((c) => c.startsWith("af_wrote=1"));
      expect(rw).toMatch(/Max-Age=10; Path=\/; HttpOnly; SameSite=Lax/);
      const after = await app.server.call(server, "/claims", { cookie: `${session}; af_wrote=1` });
      expect(after.status).toBe(200);
      expect(after.text).toContain(claim.number); // read-your-writes: the primary
    } finally {
      await replicaOwner!.query("SELECT pg_wal_replay_resume()");
      await server.close();
    }
  });
});
