/**
 * Issue 8, item 11: wall-board links expire, show only their maker's companies, are checked fail
 * closed, and open streams are capped per user, per link and per client address.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "~/domain/app-error";
import type { User } from "~/generated/prisma/client";
import { localDay } from "~/domain/metrics";
import { SSC_TIME_ZONE } from "~/domain/calendar-date";
import type { BoardData } from "~/contracts/board";
import { scopedLiveDay } from "~/models/board-data.server";
import { createBoardToken, listBoardTokens, revokeBoardToken } from "~/models/board-token.server";
import { liveDayFromRollups, rebuildRollups } from "~/models/rollups.server";
import { loader as eventsLoader } from "~/routes/board.events";
import { loader as boardLoader } from "~/routes/board";
import { hashPassword } from "~/utils/auth.server";
import { getBoardHub } from "~/models/board-hub.server";
import { prisma } from "~/utils/db.server";
import { createGroup, createMember, createOrg, createUser, queueReviewTask, refusal, sessionCookie, waitFor, type Org } from "./helpers";
import { call as serverCall, sessionFrom, startRealServer } from "./real-server";
import { callBoardLoader, sseReader, type BoardCall } from "./sse-reader";

type Call = BoardCall;
const call = callBoardLoader;

async function page(url: string, opts: Call = {}): Promise<{ data: BoardData; eventsUrl: string } | Response> {
  return (await call(boardLoader, url, opts)) as { data: BoardData; eventsUrl: string } | Response;
}

function status(r: unknown): number {
  return r instanceof Response ? r.status : 200;
}

/** Reads SSE blocks off a response as they arrive. */

/** A supervisor who works for `companies` (user_company rows made before the session, which they would revoke). */
async function supervisorOf(org: Org, companies: string[]): Promise<{ user: User; cookie: string }> {
  const user = await createUser(org, { roles: ["SUPERVISOR"] });
  if (companies.length) await prisma.userCompany.createMany({ data: companies.map((companyId) => ({ userId: user.id, companyId })) });
  return { user, cookie: await sessionCookie(user.id) };
}

/**
 * Makes the database calls a board check uses throw, as a dropped connection would; returns the undo.
 * (The Prisma client is a Proxy: vi.spyOn cannot restore it, so the functions are put back by hand.)
 */
function breakTheDatabase(message: string): () => void {
  const client = prisma as unknown as Record<string, unknown>;
  const tokens = prisma.boardToken as unknown as Record<string, unknown>;
  const saved = { queryRaw: client.$queryRaw, findUnique: tokens.findUnique };
  const fail = () => Promise.reject(new Error(message));
  client.$queryRaw = fail;
  tokens.findUnique = fail;
  return () => {
    client.$queryRaw = saved.queryRaw;
    tokens.findUnique = saved.findUnique;
  };
}

describe("wall-board links and streams (issue 8, item 11)", () => {
  let orgA: Org;
  let orgB: Org;
  let groupId: string;
  let groupCode: string;
  let supA: { user: User; cookie: string };
  let supAB: { user: User; cookie: string };
  let supNone: { user: User; cookie: string };
  let accountantA: User;
  let accountantB: User;

  beforeAll(async () => {
    orgA = await createOrg();
    orgB = await createOrg();
    // A third company nobody here works for: A + B is then a partial scope (read from the task rows,
    // which these directly written tasks are in; the rollups would need a rebuild to see them).
    await createOrg();
    groupId = await createGroup();
    groupCode = (await prisma.processingGroup.findUniqueOrThrow({ where: { id: groupId } })).code;
    supA = await supervisorOf(orgA, [orgA.companyId]);
    supAB = await supervisorOf(orgA, [orgA.companyId, orgB.companyId]);
    supNone = await supervisorOf(orgA, []);
    accountantA = await createMember(orgA, [groupId], { name: "Scope accountant A" });
    accountantB = await createMember(orgB, [groupId], { name: "Scope accountant B" });
    // Company A: one open review and one approved today by accountant A; company B: two open, one approved by B.
    const employeeA = await createUser(orgA);
    const employeeB = await createUser(orgB);
    await queueReviewTask(employeeA, groupId);
    await queueReviewTask(employeeB, groupId);
    await queueReviewTask(employeeB, groupId);
    const now = new Date();
    for (const [employee, accountant] of [
      [employeeA, accountantA],
      [employeeB, accountantB],
    ] as const) {
      const { taskId } = await queueReviewTask(employee, groupId, { status: "IN_PROGRESS", assigneeId: accountant.id });
      await prisma.task.update({ where: { id: taskId }, data: { status: "DONE", outcome: "approved", finishedAt: now, slaDueAt: new Date(now.getTime() + 3_600_000) } });
    }
  });

  afterAll(async () => {
    await getBoardHub().closeAll();
  });

  describe("1. links expire", () => {
    it("a link lives the 1, 7, 30 or 90 days chosen when it was made, never unlimited (the database refuses more)", async () => {
      for (const bad of ["", "0", "365", "unlimited"]) {
        const err = await refusal(createBoardToken({ name: "TV", actorId: supA.user.id, lifetimeDays: bad }), AppError);
        expect(err.code).toBe("bad_lifetime");
      }
      const now = new Date("2026-12-03T02:00:00.000Z");
      const made = await createBoardToken({ name: "Floor 2", actorId: supA.user.id, lifetimeDays: "30", now });
      expect(made.expiresAt.toISOString()).toBe("2027-01-02T02:00:00.000Z");
      const row = (await listBoardTokens({ viewerId: supA.user.id, now })).find((t) => t.id === made.id)!;
      expect(row.expiresAt.toISOString()).toBe("2027-01-02T02:00:00.000Z");
      expect(row.state).toBe("active");
      await expect(prisma.$executeRaw`UPDATE board_token SET expires_at = created_at + interval '91 days' WHERE id = ${made.id}`).rejects.toThrow(/board_token_expiry_check/);
      await expect(prisma.$executeRaw`UPDATE board_token SET expires_at = NULL WHERE id = ${made.id}`).rejects.toThrow();
    });

    it("an expired link opens neither the page nor the stream (nor the probe), and is listed as expired", async () => {
      const made = await createBoardToken({ name: "Old TV", actorId: supA.user.id, lifetimeDays: 7, now: new Date(Date.now() - 8 * 86_400_000) });
      expect(status(await page(`/board?token=${made.token}`))).toBe(403);
      expect(status(await call(eventsLoader, `/board/events?token=${made.token}`))).toBe(403);
      expect(status(await call(eventsLoader, `/board/events?token=${made.token}&probe=1`))).toBe(403);
      const row = (await listBoardTokens({ viewerId: supA.user.id })).find((t) => t.id === made.id)!;
      expect(row.state).toBe("expired");
    });

    it("an open stream ends within seconds of its link expiring", async () => {
      // One day minus a little ago, for one day: it expires about 1.5 s from now.
      const made = await createBoardToken({ name: "Expiring TV", actorId: supA.user.id, lifetimeDays: 1, now: new Date(Date.now() - 86_400_000 + 1_500) });
      const abort = new AbortController();
      const res = (await call(eventsLoader, `/board/events?token=${made.token}`, { signal: abort.signal })) as Response;
      expect(res.status).toBe(200);
      const sse = sseReader(res);
      await waitFor(() => sse.boards[0], { what: "the first board" });
      const started = Date.now();
      await waitFor(() => sse.isDone(), { what: "the stream ended", timeoutMs: 12_000, intervalMs: 50 });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(sse.events.at(-1)).toBe("event: revoked\ndata: {}");
      abort.abort();
    });
  });

  describe("2. limited to the companies of the person who made them", () => {
    it("a supervisor's board shows only the claims of the companies they work for", async () => {
      const a = (await page("/board", { cookie: supA.cookie })) as { data: BoardData };
      const ab = (await page("/board", { cookie: supAB.cookie })) as { data: BoardData };
      const rowA = a.data.backlog.find((r) => r.code === groupCode)!;
      const rowAB = ab.data.backlog.find((r) => r.code === groupCode)!;
      expect(rowA.open).toBe(1);
      expect(rowAB.open).toBe(3);
      expect(a.data.completedToday.claims).toBe(1);
      expect(ab.data.completedToday.claims).toBe(2);
      expect(a.data.leaderboard.map((l) => l.operatorId)).toEqual([accountantA.id]);
      expect(ab.data.leaderboard.map((l) => l.operatorId).sort()).toEqual([accountantA.id, accountantB.id].sort());
      expect(a.data.sla).toMatchObject({ finished: 1, met: 1 });
      expect(a.data.completedToday.tasks).toBe(1);
    });

    it("a link shows its maker's companies only; someone who works for none makes no link and sees no board", async () => {
      const made = await createBoardToken({ name: "Company A wall", actorId: supA.user.id, lifetimeDays: 7 });
      expect(made.companyIds).toEqual([orgA.companyId]);
      expect((await prisma.boardTokenCompany.findMany({ where: { tokenId: made.id } })).map((r) => r.companyId)).toEqual([orgA.companyId]);
      const tv = (await page(`/board?token=${made.token}`)) as { data: BoardData };
      const row = tv.data.backlog.find((r) => r.code === groupCode)!;
      expect(row.open).toBe(1);
      expect(tv.data.leaderboard.map((l) => l.operatorId)).toEqual([accountantA.id]);

      expect((await refusal(createBoardToken({ name: "Nothing", actorId: supNone.user.id, lifetimeDays: 7 }), AppError)).code).toBe("no_companies");
      expect(status(await page("/board", { cookie: supNone.cookie }))).toBe(403);
      expect(status(await call(eventsLoader, "/board/events", { cookie: supNone.cookie }))).toBe(403);
    });

    it("the settings list shows a supervisor the links of their companies only", async () => {
      const onlyB = await supervisorOf(orgB, [orgB.companyId]);
      const madeByB = await createBoardToken({ name: "Company B lobby", actorId: onlyB.user.id, lifetimeDays: 1 });
      const madeByA = await createBoardToken({ name: "Company A lobby", actorId: supA.user.id, lifetimeDays: 1 });
      const seenByA = (await listBoardTokens({ viewerId: supA.user.id })).map((t) => t.id);
      expect(seenByA).toContain(madeByA.id);
      expect(seenByA).not.toContain(madeByB.id);
      expect((await listBoardTokens({ viewerId: supAB.user.id })).map((t) => t.id)).toEqual(expect.arrayContaining([madeByA.id, madeByB.id]));
      expect((await refusal(revokeBoardToken({ id: madeByB.id, actorId: supA.user.id }), AppError)).code).toBe("not_found");
    });

    it("when the maker stops working for a company, the link stops showing it (an open stream of it ends)", async () => {
      const maker = await supervisorOf(orgA, [orgA.companyId, orgB.companyId]);
      const made = await createBoardToken({ name: "Both companies", actorId: maker.user.id, lifetimeDays: 7 });
      const abort = new AbortController();
      const sse = sseReader((await call(eventsLoader, `/board/events?token=${made.token}`, { signal: abort.signal })) as Response);
      await waitFor(() => sse.boards[0], { what: "the first board" });
      expect(sse.boards[0]!.backlog.find((r) => r.code === groupCode)!.open).toBe(3);
      await prisma.userCompany.delete({ where: { userId_companyId: { userId: maker.user.id, companyId: orgB.companyId } } });
      await waitFor(() => sse.isDone(), { what: "the stream ended", timeoutMs: 12_000, intervalMs: 50 });
      const now = (await page(`/board?token=${made.token}`)) as { data: BoardData };
      expect(now.data.backlog.find((r) => r.code === groupCode)!.open).toBe(1);
      await prisma.user.update({ where: { id: maker.user.id }, data: { active: false } });
      expect(status(await page(`/board?token=${made.token}`))).toBe(403);
      abort.abort();
    });

    it("today's figures from the task rows (a board of some companies) equal the rollups' (every company)", async () => {
      await rebuildRollups();
      const day = localDay(new Date(), SSC_TIME_ZONE);
      const companies = (await prisma.company.findMany({ select: { id: true } })).map((c) => c.id);
      const fromRows = await scopedLiveDay(day, companies);
      const fromRollups = await liveDayFromRollups(day);
      expect(fromRows.pieces).toEqual(fromRollups.pieces);
      expect(fromRows.perHour).toEqual(fromRollups.perHour);
      expect(fromRows.pieces.length).toBeGreaterThan(0);
    });
  });

  describe("3. checked fail-closed", () => {
    it("a database error while checking a link refuses the page and the stream (an error, never a board)", async () => {
      const made = await createBoardToken({ name: "Flaky DB", actorId: supA.user.id, lifetimeDays: 7 });
      const repair = breakTheDatabase("terminating connection due to administrator command");
      try {
        await expect(call(boardLoader, `/board?token=${made.token}`)).rejects.toThrow(/administrator command/);
        await expect(call(eventsLoader, `/board/events?token=${made.token}`)).rejects.toThrow(/administrator command/);
        await expect(call(eventsLoader, `/board/events?token=${made.token}&probe=1`)).rejects.toThrow(/administrator command/);
      } finally {
        repair();
      }
      expect(getBoardHub().listenerCount).toBe(0);
      expect(status(await page(`/board?token=${made.token}`))).toBe(200);
    });

    it("a database error while re-checking an open stream ends it", async () => {
      const made = await createBoardToken({ name: "Flaky DB later", actorId: supA.user.id, lifetimeDays: 7 });
      const abort = new AbortController();
      const sse = sseReader((await call(eventsLoader, `/board/events?token=${made.token}`, { signal: abort.signal })) as Response);
      await waitFor(() => sse.boards[0], { what: "the first board" });
      const repair = breakTheDatabase("connection terminated unexpectedly");
      try {
        await waitFor(() => sse.isDone(), { what: "the stream ended", timeoutMs: 12_000, intervalMs: 50 });
      } finally {
        repair();
      }
      expect(getBoardHub().listenerCount).toBe(0);
      // Not a revocation: the browser reconnects and is checked again.
      expect(sse.events.some((e) => e.startsWith("event: revoked"))).toBe(false);
      abort.abort();
    });
  });

  describe("4. streams opened with a session end when that session is revoked (through the real server)", () => {
    const PASSWORD = "board stream session check";

    /** Signs in through /login and returns the session cookie. */
    async function signIn(server: Awaited<ReturnType<typeof startRealServer>>, email: string): Promise<string> {
      const res = await serverCall(server, "/login", { method: "POST", form: { email, password: PASSWORD, redirectTo: "" } });
      expect(res.status).toBe(302);
      return sessionFrom(res)!;
    }

    /** Opens /board/events with a cookie; resolves once the first board arrived. */
    async function openStream(server: Awaited<ReturnType<typeof startRealServer>>, cookie: string) {
      const abort = new AbortController();
      const res = await fetch(`${server.base}/board/events`, { headers: { Accept: "text/event-stream", Cookie: cookie }, signal: abort.signal });
      expect(res.status).toBe(200);
      const sse = sseReader(res);
      void sse.pump.catch(() => undefined);
      await waitFor(() => sse.boards[0], { what: "the first board" });
      return { sse, abort };
    }

    it("signing out ends the board stream that session opened; signing out everywhere ends the others'", async () => {
      const server = await startRealServer();
      try {
        const user = await createUser(orgA, { roles: ["SUPERVISOR"], passwordHash: await hashPassword(PASSWORD) });
        await prisma.userCompany.create({ data: { userId: user.id, companyId: orgA.companyId } });
        const laptop = await signIn(server, user.email);
        const wall = await signIn(server, user.email);
        const phone = await signIn(server, user.email);
        const onLaptop = await openStream(server, laptop);
        const onWall = await openStream(server, wall);

        expect((await serverCall(server, "/logout", { method: "POST", cookie: laptop })).status).toBe(302);
        await waitFor(() => onLaptop.sse.isDone(), { what: "the signed-out session's stream ended", timeoutMs: 12_000 });
        expect(onWall.sse.isDone()).toBe(false);

        expect((await serverCall(server, "/account", { method: "POST", cookie: phone, form: { intent: "everywhere" } })).status).toBe(302);
        await waitFor(() => onWall.sse.isDone(), { what: "the other session's stream ended", timeoutMs: 12_000 });
        onLaptop.abort.abort();
        onWall.abort.abort();
      } finally {
        await server.close();
      }
    });
  });

  describe("5. caps on open streams", () => {
    it("at most 5 streams per user and 20 per client address (429 with a clear message); a closed one frees its place", async () => {
      const hub = getBoardHub();
      const aborts: AbortController[] = [];
      const open = async (url: string, opts: Call) => {
        const a = new AbortController();
        aborts.push(a);
        return (await call(eventsLoader, url, { ...opts, signal: a.signal })) as Response;
      };
      try {
        const ctx = { clientAddress: "198.51.100.7" };
        for (let i = 0; i < 5; i++) expect((await open("/board/events", { cookie: supA.cookie, context: ctx })).status).toBe(200);
        const sixth = await open("/board/events", { cookie: supA.cookie, context: { clientAddress: "198.51.100.8" } });
        expect(sixth.status).toBe(429);
        expect(await sixth.text()).toBe("Too many open wall boards for this account (at most 5). Close one and try again.");
        expect(status(await call(eventsLoader, "/board/events?probe=1", { cookie: supA.cookie, context: ctx }))).toBe(429);

        // A board link counts against the link, whatever the address.
        const made = await createBoardToken({ name: "Capped TV", actorId: supAB.user.id, lifetimeDays: 7 });
        for (let i = 0; i < 5; i++) expect((await open(`/board/events?token=${made.token}`, { context: { clientAddress: `203.0.113.${i}` } })).status).toBe(200);
        expect((await open(`/board/events?token=${made.token}`, { context: { clientAddress: "203.0.113.99" } })).status).toBe(429);

        // The address: 5 of supA's above, 15 more from three other supervisors, then the 21st is refused.
        for (let s = 0; s < 3; s++) {
          const other = await supervisorOf(orgA, [orgA.companyId]);
          for (let i = 0; i < 5; i++) expect((await open("/board/events", { cookie: other.cookie, context: ctx })).status).toBe(200);
        }
        const fresh = await supervisorOf(orgA, [orgA.companyId]);
        const overAddress = await open("/board/events", { cookie: fresh.cookie, context: ctx });
        expect(overAddress.status).toBe(429);
        expect(await overAddress.text()).toBe("Too many open wall boards from this address (at most 20). Close one and try again.");
        // No address in the context counts as "unknown", a cap of its own.
        expect((await open("/board/events", { cookie: fresh.cookie })).status).toBe(200);

        aborts[0]!.abort();
        expect((await open("/board/events", { cookie: supA.cookie, context: ctx })).status).toBe(200);
      } finally {
        aborts.forEach((a) => a.abort());
      }
      await waitFor(() => hub.listenerCount === 0, { what: "every stream closed" });
      expect(hub.holding(`user:${supA.user.id}`)).toBe(0);
      expect(hub.holding("address:198.51.100.7")).toBe(0);
    });
  });
});
