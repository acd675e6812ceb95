/**
 * A wall board open through a simulated day: does the board page leak in the browser?
 *
 *   npm run bench:board-browser-soak    (tsx bench/board-browser-soak.ts [--speed 120] [--hours 24] [--sample-seconds 60])
 *
 * Starts the app as the browser tests do (scripts/e2e-server.sh: built web app + workers, demo
 * organisation without claims) in a database, Redis db and port of its own; opens /board as the
 * supervisor in Debian's Chromium; then runs `npm run simulate` against the same app for --hours
 * simulated hours at --speed (24 h at 120× = 12 real minutes): employees file claims with rendered
 * receipts, managers approve, bot accountants and QA work the queues, so the board receives a day's
 * worth of real changes over its live stream. Not compressed: the heartbeat (15 s), the hub's 250 ms
 * coalescing and the browser's own timers — the page sees at least as many updates per simulated hour
 * as on a real day.
 *
 * Every --sample-seconds, after a forced garbage collection in the page (CDP
 * HeapProfiler.collectGarbage), the page's JS heap, DOM nodes, event listeners and documents (CDP
 * Performance.getMetrics), and how many board updates the page has drawn (data-generated-at changes).
 * The baseline is the first sample (after the first --sample-seconds of traffic); the JSON line gives
 * end / baseline for heap and nodes, the heap's least-squares trend per 1,000 updates, and — the
 * leak figure, since the board's heap grows with the day's data — the heap's change over the updates
 * after the DOM reached its final size.
 */
import type { ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { chromium } from "@playwright/test";
import { startBenchApp, startChild, stopChild } from "./app-process";
import { positiveArg } from "./cli";

const SPEED = positiveArg("speed", 120);
const HOURS = positiveArg("hours", 24);
const SAMPLE_S = positiveArg("sample-seconds", 60);
const PORT = Number(process.env.SOAK_PORT ?? 3150);

type Sample = { minute: number; simHour: number; updates: number; heapMb: number; nodes: number; listeners: number; documents: number };

function trendPer1000(xs: number[], ys: number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const den = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  return den === 0 ? 0 : (xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / den) * 1000;
}

async function main(): Promise<void> {
  const app = await startBenchApp({ name: "soak", port: PORT, redisDb: 3 });
  const BASE = app.base;
  let sim: ChildProcess | null = null;
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
  try {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    await page.goto(`${BASE}/login`);
    await page.locator('input[name="email"]').fill("supervisor@demo.af");
    await page.locator('input[name="password"]').fill("demo1234");
    await page.locator('.auth-card button[type="submit"]').click();
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));
    await page.goto(`${BASE}/board`);
    await page.getByTestId("board").waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="board"]')?.getAttribute("data-live") === "live", null, { timeout: 30_000 });
    await page.evaluate(() => {
      const w = window as unknown as { __updates: number };
      w.__updates = 0;
      const board = document.querySelector('[data-testid="board"]')!;
      new MutationObserver(() => (w.__updates += 1)).observe(board, { attributes: true, attributeFilter: ["data-generated-at"] });
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");

    // The simulated day starts at midnight, so its office hours fall in the middle of the run.
    sim = startChild("npx", ["tsx", "scripts/simulate.ts", "--speed", String(SPEED), "--hours", String(HOURS), "--start", "00:00"], app.env, "simulate");
    const simDone = new Promise<void>((resolve) => sim!.once("exit", () => resolve()));
    let finished = false;
    void simDone.then(() => (finished = true));
    console.log(`[soak] board open; simulating ${HOURS} h at ${SPEED}× (${((HOURS * 60) / SPEED).toFixed(1)} real minutes), a sample every ${SAMPLE_S} s`);

    const samples: Sample[] = [];
    const t0 = Date.now();
    while (!finished) {
      await Promise.race([sleep(SAMPLE_S * 1000), simDone]);
      await cdp.send("HeapProfiler.collectGarbage");
      const { metrics } = await cdp.send("Performance.getMetrics");
      const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
      const minutes = (Date.now() - t0) / 60_000;
      const s: Sample = {
        minute: Math.round(minutes * 10) / 10,
        simHour: Math.round(((minutes * SPEED) / 60) * 10) / 10,
        updates: await page.evaluate(() => (window as unknown as { __updates: number }).__updates),
        heapMb: Math.round(((m.JSHeapUsedSize ?? 0) / 1_048_576) * 100) / 100,
        nodes: m.Nodes ?? 0,
        listeners: m.JSEventListeners ?? 0,
        documents: m.Documents ?? 0,
      };
      samples.push(s);
      console.log(`[soak] ${s.minute} min (sim ${s.simHour} h): ${s.updates} updates, heap ${s.heapMb} MB, ${s.nodes} nodes, ${s.listeners} listeners, ${s.documents} documents`);
    }
    const state = await page.getByTestId("board").getAttribute("data-live");
    if (samples.length < 3) throw new Error("too few samples: raise --hours or lower --sample-seconds");
    const base = samples[0]!;
    const end = samples[samples.length - 1]!;
    // The board grows with the day's data (groups, leaderboard rows): from the sample where the DOM
    // reached its final size on, more updates must not mean more heap.
    const settled = samples.find((x) => x.nodes === end.nodes)!;
    console.log(
      JSON.stringify({
        bench: "board_browser_soak",
        speed: SPEED,
        simulated_hours: HOURS,
        updates: end.updates,
        heap_baseline_mb: base.heapMb,
        heap_end_mb: end.heapMb,
        heap_growth_ratio: Math.round((end.heapMb / base.heapMb) * 1000) / 1000,
        heap_trend_mb_per_1000_updates: Math.round(trendPer1000(samples.map((s) => s.updates), samples.map((s) => s.heapMb)) * 1000) / 1000,
        settled_from_update: settled.updates,
        heap_settled_mb: settled.heapMb,
        heap_change_after_settled_mb: Math.round((end.heapMb - settled.heapMb) * 100) / 100,
        updates_after_settled: end.updates - settled.updates,
        nodes_baseline: base.nodes,
        nodes_end: end.nodes,
        listeners_baseline: base.listeners,
        listeners_end: end.listeners,
        board_state_at_end: state,
      }),
    );
  } finally {
    if (sim) await stopChild(sim);
    await browser.close();
    await app.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
