import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BoardData } from "~/contracts/board";
import { boardChannel } from "~/models/board-publisher.server";
import { getBoardData } from "~/models/board-data.server";
import { decideReview } from "~/models/review.server";
import { boardTokenIsLive, createBoardToken, revokeBoardToken } from "~/models/board-token.server";
import { loader as eventsLoader } from "~/routes/board.events";
import { loader as boardLoader } from "~/routes/board";
import { BoardHub, boardEventStream, getBoardHub, redisSubscribe } from "~/models/board-hub.server";
import { prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { startMetricsWorker } from "../workers/metrics";
import { startRelay } from "../workers/relay";
import { clearLeftoverJobs, createClaim, createClaimant, createUser, sessionCookie, waitFor } from "./helpers";
import { callBoardLoader, sseReader } from "./sse-reader";

const call = callBoardLoader;

/** Reads SSE messages off a response body as they arrive. */

async function numsub(redis: Redis, channel: string): Promise<number> {
  const [, count] = (await redis.pubsub("NUMSUB", channel)) as [string, number];
  return Number(count);
}

describe("wall board event stream", () => {
  let supervisorCookie: string;
  let employeeCookie: string;
  let supervisorId: string;
  let org: { companyId: string; departmentId: string };
  let accountant: Awaited<ReturnType<typeof createUser>>;
  let employeeUser: Awaited<ReturnType<typeof createUser>>;
  let groupId: string;
  let publisher: Redis;
  const channel = boardChannel(env.QUEUE_PREFIX);

  beforeAll(async () => {
    const { company, department, user: employee } = await createClaimant();
    org = { companyId: company.id, departmentId: department.id };
    const supervisor = await createUser(org, { roles: ["SUPERVISOR"] });
    // The board shows the companies its viewer works for (before the session: a change of them revokes it).
    await prisma.userCompany.create({ data: { userId: supervisor.id, companyId: company.id } });
    accountant = await createUser(org, { roles: ["EMPLOYEE", "ACCOUNTANT"], name: "Board Test Accountant" });
    employeeUser = employee;
    groupId = (await prisma.processingGroup.create({ data: { id: randomUUID(), code: `BE${randomUUID().slice(0, 6)}`, name: "Board events", nameZh: "看板事件组" } })).id;
    await prisma.groupMember.create({ data: { groupId, userId: accountant.id } });
    supervisorId = supervisor.id;
    supervisorCookie = await sessionCookie(supervisor.id);
    employeeCookie = await sessionCookie(employee.id);
    publisher = new Redis(env.REDIS_URL);
  });
  afterAll(async () => {
    await getBoardHub().closeAll();
    publisher.disconnect();
  });

  it("refuses employees (page and stream) and anonymous streams", async () => {
    const page = (await call(boardLoader, "/board", { cookie: employeeCookie })) as Response;
    expect(page.status).toBe(403);
    const stream = (await call(eventsLoader, "/board/events", { cookie: employeeCookie })) as Response;
    expect(stream.status).toBe(403);
    const anon = (await call(eventsLoader, "/board/events")) as Response;
    expect(anon.status).toBe(401);
    const anonPage = (await call(boardLoader, "/board")) as Response;
    expect(anonPage.status).toBe(302);
    expect(anonPage.headers.get("Location")).toMatch(/^\/login\?redirectTo=%2Fboard/);
  });

  it("a task an accountant finishes reaches an open board (outbox → relay → metrics worker → hub → stream), the board's share well under 1 s", async () => {
    await clearLeftoverJobs();
    const worker = await startMetricsWorker({ concurrency: 2 });
    const relay = await startRelay({ pollMs: 50, log: () => undefined });
    const abort = new AbortController();
    try {
      const claim = await createClaim(employeeUser, { status: "IN_REVIEW", version: 2, groupId });
      const taskId = randomUUID();
      const now = new Date();
      await prisma.task.create({
        data: { id: taskId, claimId: claim.id, type: "REVIEW", status: "IN_PROGRESS", groupId, assigneeId: accountant.id, claimVersion: 2, createdAt: now, startedAt: now },
      });
      const res = (await call(eventsLoader, "/board/events", { cookie: supervisorCookie, signal: abort.signal })) as Response;
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
      const sse = sseReader(res);
      const first = await waitFor(() => sse.boards[0], { what: "first board" });
      expect(sse.events[0]).toMatch(/^retry: \d+/);
      await waitFor(async () => (await numsub(publisher, channel)) === 1, { what: "one subscription" });
      expect(first.leaderboard.find((l) => l.operatorId === accountant.id)).toBeUndefined();

      const spy = new Redis(env.REDIS_URL);
      // The worker coalesces a burst into one trailing announcement that names only the burst's last
      // event (a QA sample drawn by the decision, or events left by earlier files): the board reloads on
      // any announcement, so the one that counts is the latest before the board's message.
      let announcedAt = 0;
      let armed = false;
      await spy.subscribe(channel);
      spy.on("message", () => {
        if (armed) announcedAt = Date.now();
      });
      armed = true;
      await decideReview({ viewer: accountant, taskId, claimVersion: 2, decision: "approve" });
      const committedAt = Date.now();
      const next = await waitFor(() => sse.boards.find((b) => b.leaderboard.some((l) => l.operatorId === accountant.id)), {
        what: "the board with the finished task",
        timeoutMs: 5_000,
        intervalMs: 10,
      });
      const arrivedAt = Date.now();
      // (A reload started by an earlier announcement may already count the task: then the decision's
      // own announcement follows, and the board's share is at most zero.)
      await waitFor(() => (announcedAt > 0 ? true : undefined), { what: "an announcement", timeoutMs: 5_000, intervalMs: 10 });
      armed = false;
      console.log(`[board] decision committed → announced ${announcedAt - committedAt} ms → board message ${arrivedAt - committedAt} ms`);
      spy.disconnect();
      // The board's share (announcement → data on the stream) is this route's to keep well under a second;
      // the worker's share (commit → announcement) depends on the relay and the metrics worker.
      expect(announcedAt).toBeGreaterThan(0);
      expect(arrivedAt - announcedAt).toBeLessThan(1_000);
      expect(next.completedToday.tasks).toBeGreaterThan(first.completedToday.tasks);
      expect(next.leaderboard.find((l) => l.operatorId === accountant.id)?.pieces).toBe(1);
      abort.abort();
      await sse.pump;
      expect(getBoardHub().listenerCount).toBe(0);
    } finally {
      abort.abort();
      await relay.stop();
      await worker.close();
    }
  });

  it("opening and aborting 60 streams leaves no listener, timer or Redis subscription behind", async () => {
    const hub = getBoardHub();
    const aborts = Array.from({ length: 60 }, () => new AbortController());
    const readers: ReturnType<typeof sseReader>[] = [];
    // 12 supervisors × 5 boards (the per-user cap), from 60 addresses (under the per-address cap).
    const cookies: string[] = [];
    for (let i = 0; i < 12; i++) {
      const other = await createUser(org, { roles: ["SUPERVISOR"] });
      await prisma.userCompany.create({ data: { userId: other.id, companyId: org.companyId } });
      cookies.push(await sessionCookie(other.id));
    }
    for (const [i, a] of aborts.entries()) {
      const res = (await call(eventsLoader, "/board/events", { cookie: cookies[i % 12], signal: a.signal, context: { clientAddress: `10.9.0.${i}` } })) as Response;
      expect(res.status).toBe(200);
      readers.push(sseReader(res));
    }
    expect(hub.listenerCount).toBe(60);
    await waitFor(() => readers.every((r) => r.boards.length >= 1), { what: "every stream's first board" });
    await waitFor(async () => (await numsub(publisher, channel)) === 1, { what: "exactly one subscription for 60 boards" });
    // A burst of 100 changes reaches all 60 boards through a handful of shared loads.
    const loadsBefore = hub.loads;
    for (let i = 0; i < 100; i++) await publisher.publish(channel, JSON.stringify({ at: new Date().toISOString(), kind: "finished" }));
    await new Promise((r) => setTimeout(r, 1_200));
    const loads = hub.loads - loadsBefore;
    expect(loads).toBeGreaterThanOrEqual(1);
    expect(loads).toBeLessThanOrEqual(6);

    aborts.forEach((a) => a.abort());
    await Promise.all(readers.map((r) => r.pump));
    expect(hub.listenerCount).toBe(0);
    expect(hub.timersActive).toBe(0);
    expect(hub.subscribed).toBe(false);
    await waitFor(async () => (await numsub(publisher, channel)) === 0, { what: "the subscription closed" });
  });

  it("a board token opens the page and the stream without a login; revoked, it is refused (audited)", async () => {
    const made = await createBoardToken({ name: "Floor 3 north wall", actorId: supervisorId, lifetimeDays: 7 });
    expect(made.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await prisma.boardToken.findUniqueOrThrow({ where: { id: made.id } });
    expect(stored.tokenHash).not.toContain(made.token);
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);

    const page = (await call(boardLoader, `/board?token=${made.token}`)) as { data: BoardData; eventsUrl: string; canManage: boolean };
    expect(page.canManage).toBe(false);
    expect(page.eventsUrl).toBe(`/board/events?token=${made.token}`);
    expect((await prisma.boardToken.findUniqueOrThrow({ where: { id: made.id } })).lastSeenAt).not.toBeNull();

    const abort = new AbortController();
    const res = (await call(eventsLoader, page.eventsUrl, { signal: abort.signal })) as Response;
    expect(res.status).toBe(200);
    const sse = sseReader(res);
    await waitFor(() => sse.boards[0], { what: "token board data" });
    abort.abort();
    await sse.pump;

    // A wrong token is refused even with a supervisor's session next to it.
    const wrong = (await call(eventsLoader, `/board/events?token=${"x".repeat(43)}`, { cookie: supervisorCookie })) as Response;
    expect(wrong.status).toBe(403);

    await revokeBoardToken({ id: made.id, actorId: supervisorId });
    await expect(revokeBoardToken({ id: made.id, actorId: supervisorId })).rejects.toMatchObject({ code: "already_revoked" });
    expect(((await call(boardLoader, `/board?token=${made.token}`)) as Response).status).toBe(403);
    expect(((await call(eventsLoader, `/board/events?token=${made.token}`)) as Response).status).toBe(403);
    expect(((await call(eventsLoader, `/board/events?token=${made.token}&probe=1`)) as Response).status).toBe(403);

    const audit = await prisma.auditEvent.findMany({ where: { type: { startsWith: "board_token." }, actorId: supervisorId }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.type, a.claimId])).toEqual([
      ["board_token.created", null],
      ["board_token.revoked", null],
    ]);
  });

  it("an open token board goes dark when its token is revoked", async () => {
    const made = await createBoardToken({ name: "Lobby", actorId: supervisorId, lifetimeDays: 1 });
    // A hub of its own with a fast heartbeat, on the real Redis subscription and database.
    const hub = new BoardHub({ subscribe: redisSubscribe, load: () => getBoardData({ now: new Date() }), heartbeatMs: 100, accessCheckMs: 100 });
    const abort = new AbortController();
    const sse = sseReader(boardEventStream({ signal: abort.signal, hub, stillAllowed: () => boardTokenIsLive(made.id) }));
    await waitFor(() => sse.boards[0], { what: "first board" });
    expect(hub.listenerCount).toBe(1);
    await revokeBoardToken({ id: made.id, actorId: supervisorId });
    await sse.pump; // the server ends the stream
    expect(sse.events.at(-1)).toBe("event: revoked\ndata: {}");
    expect(hub.listenerCount).toBe(0);
    await hub.closeAll();
  });

  it("a supervisor's probe answers 204 without opening a stream", async () => {
    const res = (await call(eventsLoader, "/board/events?probe=1", { cookie: supervisorCookie })) as Response;
    expect(res.status).toBe(204);
    expect(getBoardHub().listenerCount).toBe(0);
  });
});
