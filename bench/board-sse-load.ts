/**
 * Do 50 open wall boards slow the floor? Against a running app (web + workers, demo seed), bot
 * accountants take tasks with Next and decide them over HTTP, in rounds without and with N boards
 * connected to /board/events (interleaved: off, on, off, on … so drift on a noisy machine hits both).
 * Prints per-phase p50/p95 of Next and of the decision, and what the boards received.
 *
 *   npm run bench:board-sse-load -- [--clients 50] [--decisions 120] [--bots 4] [--rounds 4] [--seed-claims 3000]
 *
 * Without --base it starts its own app (bench/app-process.ts: demo organisation with --seed-claims
 * claims, its own database, Redis db and port 3204) and stops it at the end; with --base http://…
 * it drives a running app whose DATABASE_URL must be set too (the bots read claim versions from it),
 * started with BOARD_STREAMS_PER_USER and BOARD_STREAMS_PER_ADDRESS at least --clients (default 5 / 20).
 */
import { startBenchApp, type BenchApp } from "./app-process";
import { positiveArg, stringArg } from "./cli";

let prisma: (typeof import("~/utils/db.server"))["prisma"];

/** Without --base the bench starts its own app (demo organisation with --seed-claims claims) on port 3204. */
let BASE = stringArg("base") ?? "";
const SEED_CLAIMS = positiveArg("seed-claims", 3000, { whole: true });
const CLIENTS = positiveArg("clients", 50, { whole: true });
const DECISIONS = positiveArg("decisions", 120, { whole: true });
const BOTS = positiveArg("bots", 4, { whole: true });
const ROUNDS = positiveArg("rounds", 4, { whole: true });
const PASSWORD = "demo1234";

async function login(email: string): Promise<string> {
  const res = await fetch(`${BASE}/login`, {
    method: "POST",
    headers: { Origin: BASE },
    body: new URLSearchParams({ email, password: PASSWORD, redirectTo: "" }),
    redirect: "manual",
  });
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  if (res.status !== 302 || !cookie.includes("=")) throw new Error(`login ${email}: ${res.status}`);
  return cookie;
}

function pct(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! * 10) / 10;
}

type Sample = { next: number[]; decide: number[]; empty: number; refused: number };

/** One bot: Next (POST /queue) → approve (POST /work/:id); the first free reason code if approval is refused. */
async function bot(cookie: string, count: number, sample: Sample, reason: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    let t0 = performance.now();
    const next = await fetch(`${BASE}/queue`, { method: "POST", headers: { Cookie: cookie, Origin: BASE }, body: new URLSearchParams({ intent: "next" }), redirect: "manual" });
    sample.next.push(performance.now() - t0);
    const location = next.headers.get("Location") ?? "";
    const m = /\/work\/([0-9a-f-]+)/.exec(location);
    if (!m) {
      await next.arrayBuffer();
      sample.empty += 1;
      return;
    }
    const task = await prisma.task.findUniqueOrThrow({ where: { id: m[1]! }, select: { claim: { select: { version: true } } } });
    const form = new URLSearchParams({ intent: "approve", claimVersion: String(task.claim.version) });
    t0 = performance.now();
    let res = await fetch(`${BASE}/work/${m[1]}`, { method: "POST", headers: { Cookie: cookie, Origin: BASE }, body: form, redirect: "manual" });
    if (res.status !== 302) {
      // Approval refused by a blocking check: return it instead (also a finished task).
      await res.arrayBuffer();
      res = await fetch(`${BASE}/work/${m[1]}`, {
        method: "POST",
        headers: { Cookie: cookie, Origin: BASE },
        body: new URLSearchParams({ intent: "return", claimVersion: String(task.claim.version), reasonCodes: reason, comment: "bench" }),
        redirect: "manual",
      });
    }
    sample.decide.push(performance.now() - t0);
    if (res.status !== 302) sample.refused += 1;
    await res.arrayBuffer();
  }
}

type Board = { abort: AbortController; messages: number; bytes: number; firstAt: Promise<void> };

function openBoard(cookie: string): Board {
  const abort = new AbortController();
  const board: Board = { abort, messages: 0, bytes: 0, firstAt: Promise.resolve() };
  board.firstAt = new Promise<void>((resolve, reject) => {
    void fetch(`${BASE}/board/events`, { headers: { Cookie: cookie, Accept: "text/event-stream" }, signal: abort.signal })
      .then(async (res) => {
        if (res.status !== 200) throw new Error(`board stream: ${res.status}`);
        const reader = res.body!.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          board.bytes += value.byteLength;
          const text = decoder.decode(value, { stream: true });
          const n = text.split("\ndata: ").length - 1 + (text.startsWith("data: ") ? 1 : 0);
          if (n > 0) {
            board.messages += n;
            resolve();
          }
        }
      })
      .catch((err: unknown) => {
        if ((err as Error).name !== "AbortError") reject(err as Error);
      });
  });
  return board;
}

async function main(): Promise<void> {
  let app: BenchApp | null = null;
  if (!BASE) {
    // The bench opens all its boards as one supervisor from one address: lift the stream caps
    // (5 per user, 20 per address by default) to the number of boards for the app it starts.
    process.env.BOARD_STREAMS_PER_USER = String(CLIENTS);
    process.env.BOARD_STREAMS_PER_ADDRESS = String(CLIENTS);
    app = await startBenchApp({ name: "boardload", port: 3204, redisDb: 4, seedClaims: SEED_CLAIMS });
    Object.assign(process.env, app.env);
    BASE = app.base;
  }
  ({ prisma } = await import("~/utils/db.server"));
  try {
    await measure();
  } finally {
    await prisma.$disconnect();
    await app?.stop();
  }
}

async function measure(): Promise<void> {
  // The seeded approved claims reach the queues through the routing worker: wait until there is enough work.
  const needed = DECISIONS + BOTS * 2;
  for (let i = 0; i < 240 && (await prisma.task.count({ where: { type: "REVIEW", status: "OPEN" } })) < needed; i++) await new Promise((r) => setTimeout(r, 500));
  // One bot per processing group that has open work, so no bot runs dry while others still have tasks.
  const groups = await prisma.task.groupBy({ by: ["groupId"], where: { type: "REVIEW", status: "OPEN" }, _count: true, orderBy: { _count: { groupId: "desc" } } });
  const accountants: { email: string }[] = [];
  for (const g of groups) {
    if (!g.groupId || accountants.length >= BOTS) continue;
    const member = await prisma.user.findFirst({
      where: { roles: { has: "ACCOUNTANT" }, active: true, groupMembers: { some: { groupId: g.groupId } }, email: { notIn: accountants.map((a) => a.email) } },
      select: { email: true },
      orderBy: { email: "asc" },
    });
    if (member) accountants.push(member);
  }
  const reason = (await prisma.returnReason.findFirst({ where: { active: true }, orderBy: { sortOrder: "asc" } }))?.code ?? "OTHER";
  const botCookies = await Promise.all(accountants.map((a) => login(a.email)));
  const supervisor = await login("supervisor@demo.af");
  const open = await prisma.task.count({ where: { type: "REVIEW", status: "OPEN" } });
  console.log(`[bench] ${botCookies.length} bots, ${open} open review tasks, ${CLIENTS} boards, ${DECISIONS} decisions in ${ROUNDS} rounds`);

  const phases: Record<"without" | "with", Sample> = {
    without: { next: [], decide: [], empty: 0, refused: 0 },
    with: { next: [], decide: [], empty: 0, refused: 0 },
  };
  let received = 0;
  let bytes = 0;
  const perRound = Math.max(1, Math.floor(DECISIONS / ROUNDS / botCookies.length));
  // Warm-up (not counted): the first requests pay for JIT, pools and caches.
  await Promise.all(botCookies.map((c) => bot(c, 1, { next: [], decide: [], empty: 0, refused: 0 }, reason)));
  for (let round = 0; round < ROUNDS; round++) {
    const withBoards = round % 2 === 1;
    const boards = withBoards ? Array.from({ length: CLIENTS }, () => openBoard(supervisor)) : [];
    await Promise.all(boards.map((b) => b.firstAt));
    const before = boards.reduce((s, b) => s + b.messages, 0);
    const sample = phases[withBoards ? "with" : "without"];
    const t0 = performance.now();
    await Promise.all(botCookies.map((c) => bot(c, perRound, sample, reason)));
    await new Promise((r) => setTimeout(r, 1_000)); // let the last announcements arrive
    if (withBoards) {
      received += boards.reduce((s, b) => s + b.messages, 0) - before;
      bytes += boards.reduce((s, b) => s + b.bytes, 0);
      boards.forEach((b) => b.abort.abort());
    }
    console.log(`[bench] round ${round + 1} ${withBoards ? `with ${CLIENTS} boards` : "without boards"}: ${Math.round(performance.now() - t0)} ms`);
  }

  const summary = Object.fromEntries(
    Object.entries(phases).map(([k, s]) => [
      k,
      { next_p50_ms: pct(s.next, 50), next_p95_ms: pct(s.next, 95), decide_p50_ms: pct(s.decide, 50), decide_p95_ms: pct(s.decide, 95), decisions: s.decide.length, refused: s.refused, queue_empty: s.empty },
    ]),
  );
  // With boards / without, in the same run: 1.0 means the boards cost the floor nothing.
  const ratio = (k: "next" | "decide", p: number) => Math.round((pct(phases.with[k], p) / pct(phases.without[k], p)) * 100) / 100;
  const ratios = { ratio_next_p50: ratio("next", 50), ratio_next_p95: ratio("next", 95), ratio_decide_p50: ratio("decide", 50), ratio_decide_p95: ratio("decide", 95) };
  console.log(JSON.stringify({ bench: "board_sse_load", clients: CLIENTS, bots: botCookies.length, ...ratios, ...summary, board_messages_received: received, board_bytes: bytes }));
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
