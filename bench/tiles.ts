/**
 * Tile delivery for a zooming viewer (issue 13, docs/decisions/024 and 032): TILE_DELIVERY=stream (the app
 * checks access and streams the tile from the object store) against TILE_DELIVERY=redirect (the app checks
 * access and answers 302 to a presigned URL; the browser then GETs the store), with a bare baseline — the
 * same tiles fetched straight from the store by presigned URLs signed beforehand — in the same run.
 *
 *   npm run bench:tiles [-- --rounds 12 --parallel 6 --port 5520]
 *
 * Everything is the bench's own: Postgres (initdb, port), redis-server (port+1), s3rver in its own process
 * (port+2, STORAGE_DRIVER=s3), a worker that renders the receipt, and two web servers over the same data
 * (port+3 stream, port+4 redirect). The viewer is played the way OpenSeadragon loads a Deep Zoom image,
 * `--parallel` requests at a time (a browser's six connections per host): the .dzi, the home view (the
 * levels up to the one that fits a 1280×900 viewer), three zoom steps towards a point, two pans at full
 * resolution. Each round is a fresh viewer (cold cache); modes alternate round by round. Per tile p50/p95
 * (for redirect: the 302 plus the store's GET), time to the full home view and to the end of the sequence.
 * Access checks are asserted in both modes (another employee gets 404). Ends with one JSON line.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import sharp from "sharp";
import { claimIdFrom, connectRetrying, draftFields, initOwnPostgres, ownRedis, send, signIn, type OwnPostgres } from "../scripts/lib/faults";
import { sleep, startProcess, stopProcess, waitForHttp, type Proc } from "../scripts/lib/processes";
import { S3RVER_CREDENTIALS } from "../scripts/s3-server";
import { positiveArg } from "./cli";

const ROUNDS = positiveArg("rounds", 12, { whole: true });
const PARALLEL = positiveArg("parallel", 6, { whole: true });
const BASE_PORT = positiveArg("port", 5520, { whole: true });
const [PG_PORT, REDIS_PORT, S3_PORT, STREAM_PORT, REDIRECT_PORT] = [0, 1, 2, 3, 4].map((i) => BASE_PORT + i) as [number, number, number, number, number];
const BUCKET = "af-bench-tiles";
const VIEW = { width: 1280, height: 900 };
const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), "af-bench-tiles-"));
/** How much faster redirect must be (sequence p50 and tile p95) to replace stream as the default. */
const CLEAR_WIN = 0.1;
const say = (m: string) => console.log(`[bench:tiles] ${m}`);

type Mode = "stream" | "redirect" | "bare";
type Dzi = { width: number; height: number; tileSize: number; overlap: number; format: string };

/** A 300-dpi A4 scan of a till slip: white paper, dark text, a table, a stamp; tiles the size real ones are. */
async function receiptScan(): Promise<Buffer> {
  const [w, h] = [2480, 3508];
  const lines: string[] = [];
  for (let i = 0; i < 70; i++) {
    const y = 260 + i * 44;
    const item = `${String(i + 1).padStart(2, "0")}  商品 Item ${(i * 7919) % 1000}  ×${(i % 4) + 1}`;
    lines.push(`<text x="180" y="${y}" font-size="34" font-family="Noto Sans CJK SC, sans-serif" fill="#222">${item}</text>`);
    lines.push(`<text x="2100" y="${y}" font-size="34" text-anchor="end" font-family="monospace" fill="#222">¥${((i * 3571) % 10000) / 100}</text>`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
    <rect width="100%" height="100%" fill="#f7f5ef"/>
    <text x="1240" y="150" font-size="72" text-anchor="middle" font-family="sans-serif" fill="#111">深圳某某超市 RECEIPT</text>
    <line x1="160" y1="200" x2="2320" y2="200" stroke="#333" stroke-width="4"/>
    ${lines.join("\n")}
    <circle cx="1900" cy="3300" r="150" fill="none" stroke="#c22" stroke-width="12"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 88 }).toBuffer();
}

function parseDzi(xml: string): Dzi {
  const attr = (name: string) => new RegExp(`${name}="([^"]+)"`).exec(xml)?.[1];
  return { width: Number(attr("Width")), height: Number(attr("Height")), tileSize: Number(attr("TileSize")), overlap: Number(attr("Overlap")), format: attr("Format") ?? "jpg" };
}

const maxLevel = (d: Dzi) => Math.ceil(Math.log2(Math.max(d.width, d.height)));

/** Tiles of `level` covering the image rectangle (in full-resolution pixels) [x0,x1)×[y0,y1). */
function tilesFor(d: Dzi, level: number, x0: number, y0: number, x1: number, y1: number): string[] {
  const scale = 2 ** (level - maxLevel(d));
  const lw = Math.ceil(d.width * scale);
  const lh = Math.ceil(d.height * scale);
  const cols = Math.ceil(lw / d.tileSize);
  const rows = Math.ceil(lh / d.tileSize);
  const c0 = Math.max(0, Math.floor((x0 * scale) / d.tileSize));
  const c1 = Math.min(cols - 1, Math.floor((Math.min(x1, d.width) * scale - 1) / d.tileSize));
  const r0 = Math.max(0, Math.floor((y0 * scale) / d.tileSize));
  const r1 = Math.min(rows - 1, Math.floor((Math.min(y1, d.height) * scale - 1) / d.tileSize));
  const out: string[] = [];
  for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) out.push(`${level}/${c}_${r}.${d.format}`);
  return out;
}

/**
 * The viewer's steps, each a set of tiles it needs before the view is sharp. Home: the image fitted into
 * the viewer, with the lower levels OpenSeadragon blends from. Zoom ×2 three times towards the total at the
 * bottom right, then two pans at full resolution; a tile already loaded is not asked for again.
 */
function viewerSequence(d: Dzi): { name: string; tiles: string[] }[] {
  const top = maxLevel(d);
  // The level whose resolution meets the zoom (image pixels per screen pixel), as OpenSeadragon picks it.
  const levelFor = (zoom: number) => Math.max(0, Math.min(top, Math.ceil(top + Math.log2(zoom) - 0.05)));
  const fit = Math.min(VIEW.width / d.width, VIEW.height / d.height);
  const fitLevel = levelFor(fit);
  const steps: { name: string; tiles: string[] }[] = [];
  const all = (level: number) => tilesFor(d, level, 0, 0, d.width, d.height);
  steps.push({ name: "home", tiles: [fitLevel - 2, fitLevel - 1, fitLevel].filter((l) => l >= 0).flatMap(all) });
  const focus = { x: d.width * 0.72, y: d.height * 0.8 };
  let zoom = fit;
  let centre = { x: d.width / 2, y: d.height / 2 };
  const visible = (level: number) => {
    const halfW = VIEW.width / zoom / 2;
    const halfH = VIEW.height / zoom / 2;
    return tilesFor(d, level, centre.x - halfW, centre.y - halfH, centre.x + halfW, centre.y + halfH);
  };
  // Three scroll-wheel steps from "fit" to one image pixel per screen pixel.
  const factor = Math.max(1, (1 / fit) ** (1 / 3));
  for (let i = 1; i <= 3; i++) {
    zoom = Math.min(1, zoom * factor);
    centre = { x: centre.x + (focus.x - centre.x) / 2, y: centre.y + (focus.y - centre.y) / 2 };
    steps.push({ name: `zoom ${i}`, tiles: visible(levelFor(zoom)) });
  }
  for (const [i, [dx, dy]] of ([[-900, 0], [0, 800]] as const).entries()) {
    centre = { x: centre.x + dx / zoom, y: centre.y + dy / zoom };
    steps.push({ name: `pan ${i + 1}`, tiles: visible(top) });
  }
  const seen = new Set<string>();
  return steps.map((s) => ({ name: s.name, tiles: s.tiles.filter((t) => !seen.has(t) && (seen.add(t), true)) }));
}

/** Runs `fn` over `items`, `parallel` at a time. */
async function pool<T>(items: T[], parallel: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
}
const r1 = (n: number) => Math.round(n * 10) / 10;

async function main(): Promise<void> {
  const started = new Date();
  const procs: Proc[] = [];
  let postgres: OwnPostgres | undefined;
  const redis = ownRedis({ port: REDIS_PORT, logDir: ROOT });
  try {
    say(`own services under ${ROOT}; ports ${PG_PORT}-${REDIRECT_PORT}`);
    postgres = initOwnPostgres({ root: ROOT, port: PG_PORT, maxConnections: 60 });
    await redis.start();
    const s3 = startProcess("s3rver", process.execPath, ["--import", "tsx", "scripts/s3-server.ts", "--port", String(S3_PORT), "--dir", path.join(ROOT, "s3"), "--bucket", BUCKET], { logDir: ROOT, env: process.env });
    procs.push(s3);
    postgres.createDatabase("af_bench_tiles");
    const dbUrl = postgres.url("af_bench_tiles");
    const s3Endpoint = `http://127.0.0.1:${S3_PORT}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: dbUrl,
      REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}/0`,
      QUEUE_PREFIX: "afbenchtiles",
      STORAGE_DIR: path.join(ROOT, "storage"),
      STORAGE_DRIVER: "s3",
      S3_ENDPOINT: s3Endpoint,
      S3_BUCKET: BUCKET,
      S3_FORCE_PATH_STYLE: "true",
      S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      SESSION_SECRET: randomBytes(32).toString("base64"),
      ALLOW_PLAIN_HTTP_ON_LOCALHOST: "true",
      SEED_CLAIMS: "0",
    };
    for (const k of ["APP_DATABASE_URL", "DATABASE_REPLICA_URL", "BANK_LINK_URL", "S3_PUBLIC_ENDPOINT", "TILE_DELIVERY", "REDIS_SENTINELS", "REDIS_CLUSTER_NODES"]) delete env[k];
    execFileSync(process.execPath, ["--import", "tsx", "scripts/migrate.ts"], { env, stdio: "pipe" });
    execFileSync(process.execPath, ["--import", "tsx", "prisma/seed.ts", "--reset", "--phase", "data"], { env, stdio: "pipe" });
    procs.push(startProcess("worker", process.execPath, ["--import", "tsx", "workers/index.ts", "--only", "relay,imaging"], { logDir: ROOT, env }));
    const bases = { stream: `http://127.0.0.1:${STREAM_PORT}`, redirect: `http://127.0.0.1:${REDIRECT_PORT}` };
    const webs = [
      startProcess("web-stream", process.execPath, ["--import", "tsx", "server.ts"], { logDir: ROOT, env: { ...env, PORT: String(STREAM_PORT), TILE_DELIVERY: "stream" } }),
      startProcess("web-redirect", process.execPath, ["--import", "tsx", "server.ts"], { logDir: ROOT, env: { ...env, PORT: String(REDIRECT_PORT), TILE_DELIVERY: "redirect" } }),
    ];
    procs.push(...webs);
    await Promise.all([waitForHttp(`${bases.stream}/healthz`, { proc: webs[0], timeoutMs: 180_000 }), waitForHttp(`${bases.redirect}/healthz`, { proc: webs[1], timeoutMs: 180_000 })]);

    // One receipt, uploaded and rendered into the bucket.
    const owner = await signIn(bases.stream, "employee@demo.af");
    const stranger = await signIn(bases.stream, "employee2@demo.af");
    const fields = await draftFields(dbUrl, "employee@demo.af");
    const draft = await send(bases.stream, "/claims/new", { method: "POST", cookie: owner, form: { ...fields, purpose: "bench tiles" } });
    const claimId = claimIdFrom(draft.location);
    if (!claimId) throw new Error(`no draft: ${draft.status}`);
    const scan = await receiptScan();
    const form = new FormData();
    form.append("receipts", new Blob([new Uint8Array(scan)], { type: "image/jpeg" }), "scan.jpg");
    const up = await send(bases.stream, `/claims/${claimId}/receipts`, { method: "POST", cookie: owner, body: form, headers: { Accept: "application/json" } });
    if (up.status !== 200) throw new Error(`upload: ${up.status} ${up.text.slice(0, 200)}`);
    const db = await connectRetrying(dbUrl);
    let receipt: { id: string; sha: string; status: string } | undefined;
    for (let i = 0; i < 240; i++) {
      receipt = (await db.query<{ id: string; sha: string; status: string }>(`SELECT r.id, r.file_sha256 AS sha, f.status::text AS status FROM receipt r JOIN stored_file f ON f.sha256 = r.file_sha256 WHERE r.claim_id = $1`, [claimId])).rows[0];
      if (receipt && receipt.status !== "PROCESSING") break;
      await sleep(250);
    }
    await db.end();
    if (receipt?.status !== "READY") throw new Error(`the receipt did not render: ${JSON.stringify(receipt)}`);
    const prefix = `/files/receipts/${receipt.id}`;
    const dziXml = await send(bases.stream, `${prefix}/p1.dzi`, { cookie: owner });
    const dzi = parseDzi(dziXml.text);
    const steps = viewerSequence(dzi);
    const tileCount = steps.reduce((n, s) => n + s.tiles.length, 0);
    say(`receipt ${dzi.width}×${dzi.height} (${(scan.length / 1024).toFixed(0)} KiB), ${maxLevel(dzi) + 1} levels; viewer sequence: ${steps.map((s) => `${s.name} ${s.tiles.length}`).join(", ")} = ${tileCount} tiles + the .dzi`);

    // Access checks, both modes: the owner gets the tile, another employee 404, nobody signed in no tile.
    const probe = `${prefix}/p1_files/${maxLevel(dzi)}/0_0.${dzi.format}`;
    const access: Record<string, { owner: number; stranger: number; anonymous: number }> = {};
    for (const mode of ["stream", "redirect"] as const) {
      const o = await send(bases[mode], probe, { cookie: owner });
      const s = await send(bases[mode], probe, { cookie: stranger });
      const a = await send(bases[mode], probe);
      access[mode] = { owner: o.status, stranger: s.status, anonymous: a.status };
      const ownerOk = mode === "stream" ? o.status === 200 : o.status === 302 && Boolean(o.headers?.get("location")?.startsWith(s3Endpoint));
      if (!ownerOk || ![403, 404].includes(s.status) || a.status === 200 || (a.status === 302 && a.headers?.get("location")?.startsWith(s3Endpoint))) {
        throw new Error(`access check failed in ${mode} mode: ${JSON.stringify(access[mode])}`);
      }
    }
    say(`access: ${JSON.stringify(access)} (owner / another employee / not signed in)`);

    // The bare baseline's URLs: the same objects, signed before the clock starts.
    const client = new S3Client({ endpoint: s3Endpoint, region: "us-east-1", forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
    const sha = receipt.sha;
    const bareUrl = new Map<string, string>();
    const keyOf = (tail: string) => `derived/${sha.slice(0, 2)}/${sha}/p1_files/${tail}`;
    for (const t of [...steps.flatMap((s) => s.tiles), "dzi"]) {
      const key = t === "dzi" ? `derived/${sha.slice(0, 2)}/${sha}/p1.dzi` : keyOf(t);
      bareUrl.set(t, await getSignedUrl(client, new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 3600 }));
    }
    const check = await fetch(bareUrl.get(steps[0]!.tiles[0]!)!);
    const viaApp = await fetch(`${bases.stream}${prefix}/p1_files/${steps[0]!.tiles[0]!}`, { headers: { Cookie: owner } });
    if (check.status !== 200 || !Buffer.from(await check.arrayBuffer()).equals(Buffer.from(await viaApp.arrayBuffer()))) throw new Error(`bare GET ${check.status}: not the bytes the app serves (is the key layout still derived/ab/<sha>/…?)`);

    const fetchOne = async (mode: Mode, tail: string): Promise<number> => {
      const t0 = performance.now();
      if (mode === "bare") {
        const res = await fetch(bareUrl.get(tail)!);
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`bare ${tail}: ${res.status}`);
      } else {
        const url = tail === "dzi" ? `${bases[mode]}${prefix}/p1.dzi` : `${bases[mode]}${prefix}/p1_files/${tail}`;
        const res = await fetch(url, { headers: { Cookie: owner }, redirect: "manual" });
        await res.arrayBuffer();
        if (res.status === 302) {
          const second = await fetch(res.headers.get("location")!);
          await second.arrayBuffer();
          if (second.status !== 200) throw new Error(`${mode} ${tail}: the store answered ${second.status}`);
        } else if (res.status !== 200) throw new Error(`${mode} ${tail}: ${res.status}`);
      }
      return performance.now() - t0;
    };

    const perTile: Record<Mode, number[]> = { stream: [], redirect: [], bare: [] };
    const homeView: Record<Mode, number[]> = { stream: [], redirect: [], bare: [] };
    const sequence: Record<Mode, number[]> = { stream: [], redirect: [], bare: [] };
    const modes: Mode[] = ["stream", "redirect", "bare"];
    // Warm-up: one pass each (module caches, keep-alive pools, the OS file cache), not counted.
    for (const mode of modes) for (const s of steps) await pool(s.tiles, PARALLEL, async (t) => void (await fetchOne(mode, t)));
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order so no mode always runs first or last.
      for (const mode of [...modes.slice(round % 3), ...modes.slice(0, round % 3)]) {
        const t0 = performance.now();
        await fetchOne(mode, "dzi");
        for (const s of steps) {
          await pool(s.tiles, PARALLEL, async (t) => void perTile[mode].push(await fetchOne(mode, t)));
          if (s.name === "home") homeView[mode].push(performance.now() - t0);
        }
        sequence[mode].push(performance.now() - t0);
      }
    }

    const row = (m: Mode) => ({ p50: r1(pct(perTile[m], 50)), p95: r1(pct(perTile[m], 95)), home: r1(pct(homeView[m], 50)), homeP95: r1(pct(homeView[m], 95)), all: r1(pct(sequence[m], 50)) });
    type Stats = ReturnType<typeof row>;
    const stats = { stream: row("stream"), redirect: row("redirect"), bare: row("bare") };
    console.log("");
    console.log(`mode       tile p50  tile p95   home view p50/p95   whole sequence p50   (${ROUNDS} rounds × ${tileCount} tiles, ${PARALLEL} at a time)`);
    for (const m of modes) console.log(`${m.padEnd(9)} ${String(stats[m].p50).padStart(7)} ms ${String(stats[m].p95).padStart(7)} ms   ${String(stats[m].home).padStart(7)} / ${String(stats[m].homeP95).padEnd(7)} ms   ${String(stats[m].all).padStart(9)} ms`);
    // Cold-cache speed first; a redirect has to win clearly (beyond this machine's run-to-run noise) to be
    // the default, because a stream's tile URL never changes (cached for a year, shown while the store is
    // down) while a presigned URL changes every TILE_URL_WINDOW_SECONDS, which empties the browser's cache.
    const faster: "stream" | "redirect" | "neither" = stats.redirect.all < stats.stream.all && stats.redirect.p95 < stats.stream.p95 ? "redirect" : stats.stream.all < stats.redirect.all && stats.stream.p95 < stats.redirect.p95 ? "stream" : "neither";
    const clearly = (a: Stats, b: Stats) => a.all <= b.all * (1 - CLEAR_WIN) && a.p95 <= b.p95 * (1 - CLEAR_WIN);
    const chosen: "stream" | "redirect" = clearly(stats.redirect, stats.stream) ? "redirect" : "stream";
    console.log(`\nfaster on a cold cache: ${faster}; chosen: ${chosen} (redirect only when ≥${CLEAR_WIN * 100}% faster on both the whole sequence and the per-tile p95); run ${started.toISOString()}`);
    console.log(
      JSON.stringify({
        bench: "tiles",
        rounds: ROUNDS,
        parallel: PARALLEL,
        tiles_per_sequence: tileCount,
        image: `${dzi.width}x${dzi.height}`,
        stream_p50_ms: stats.stream.p50,
        stream_p95_ms: stats.stream.p95,
        redirect_p50_ms: stats.redirect.p50,
        redirect_p95_ms: stats.redirect.p95,
        bare_p50_ms: stats.bare.p50,
        bare_p95_ms: stats.bare.p95,
        stream_home_view_ms: stats.stream.home,
        redirect_home_view_ms: stats.redirect.home,
        bare_home_view_ms: stats.bare.home,
        stream_sequence_ms: stats.stream.all,
        redirect_sequence_ms: stats.redirect.all,
        bare_sequence_ms: stats.bare.all,
        ratio_stream_vs_bare: Math.round((stats.stream.p95 / stats.bare.p95) * 100) / 100,
        ratio_redirect_vs_bare: Math.round((stats.redirect.p95 / stats.bare.p95) * 100) / 100,
        ratio_stream_sequence_vs_bare: Math.round((stats.stream.all / stats.bare.all) * 100) / 100,
        ratio_redirect_sequence_vs_bare: Math.round((stats.redirect.all / stats.bare.all) * 100) / 100,
        access_stranger_status: { stream: access.stream!.stranger, redirect: access.redirect!.stranger },
        faster_cold: faster,
        chosen,
      }),
    );
  } finally {
    await Promise.all(procs.map((p) => stopProcess(p, 5_000)));
    await redis.stop().catch(() => undefined);
    try {
      postgres?.stop("fast");
    } catch {
      // already down
    }
    fs.rmSync(ROOT, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`[bench:tiles] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
