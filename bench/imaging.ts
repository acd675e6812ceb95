/**
 * Imaging benchmark: what our receipt rendering costs over sharp's bare Deep Zoom save.
 *
 *   npm run bench:imaging            (tsx bench/imaging.ts [--runs N])
 *
 * For a 12 MP phone photo and a 600-dpi A4 scan, measured in the same run on the same machine:
 *   bare  sharp(file).tile({ size: 254, overlap: 1, layout: "dz" }).toFile(…)
 *   ours  renderReceiptTiles(): EXIF rotation, flatten, DZI, thumbnail, perceptual hash, temp dir + rename
 *         (no database)
 * Each variant runs in its own child process (so its peak RSS is its own, read from the kernel's
 * maxRSS); children alternate bare/ours to spread the machine's noise evenly. Both load the same
 * modules and use the worker's sharp settings. Prints a table, then exactly one JSON line.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { configureSharp, DZI_TILE, renderReceiptTiles } from "~/jobs/render-receipt";

const SELF = fileURLToPath(import.meta.url);
type Variant = "bare" | "ours";
type ChildReport = { timesMs: number[]; baselineRssMb: number; peakRssMb: number; tiles: number };

// One job at a time gets both cores: the latency a claimant sees for one upload.
const JOB_CONCURRENCY = 1;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function countFiles(dir: string): number {
  let n = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    n += entry.isDirectory() ? countFiles(path.join(dir, entry.name)) : 1;
  }
  return n;
}

// ---------- child: run one variant N times on one file ----------

async function runChild(variant: Variant, file: string, runs: number): Promise<void> {
  configureSharp(JOB_CONCURRENCY);
  const sha256 = createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  const work = fs.mkdtempSync(path.join(path.dirname(file), `${variant}-`));
  const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
  const timesMs: number[] = [];
  let tiles = 0;
  for (let i = 0; i < runs; i++) {
    const outDir = path.join(work, `run-${i}`, sha256);
    fs.mkdirSync(path.dirname(outDir), { recursive: true });
    const start = performance.now();
    if (variant === "bare") {
      fs.mkdirSync(outDir);
      await sharp(file).tile({ ...DZI_TILE, basename: "p1" }).toFile(path.join(outDir, "p1.dzi"));
    } else {
      await renderReceiptTiles({ sha256, sourcePath: file, outDir, mimeType: "image/jpeg" });
    }
    timesMs.push(performance.now() - start);
    tiles = countFiles(path.join(outDir, "p1_files"));
    fs.rmSync(path.dirname(outDir), { recursive: true, force: true });
  }
  fs.rmSync(work, { recursive: true, force: true });
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const report: ChildReport = { timesMs, baselineRssMb, peakRssMb, tiles };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

function spawnChild(variant: Variant, file: string, runs: number): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", SELF, "--child", variant, file, String(runs)], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, NODE_ENV: "production" },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) reject(new Error(`${variant} child failed (exit ${code}): ${out}`));
      else resolve(JSON.parse(line) as ChildReport);
    });
  });
}

// ---------- parent ----------

type Input = { name: string; make: () => Promise<Buffer> };

async function inputs(): Promise<Input[]> {
  // bench/fixtures.ts (realistic receipt scenes) when present; otherwise noise of the same geometry.
  const fixtures = path.join(path.dirname(SELF), "fixtures.ts");
  if (fs.existsSync(fixtures)) {
    const mod = (await import("./fixtures")) as { makePhonePhoto: () => Promise<Buffer>; makeA4Scan600dpi: () => Promise<Buffer> };
    return [
      { name: "phone photo 12 MP", make: mod.makePhonePhoto },
      { name: "A4 scan 600 dpi", make: mod.makeA4Scan600dpi },
    ];
  }
  const noise = (width: number, height: number) => () =>
    sharp({ create: { width, height, channels: 3, background: "#000", noise: { type: "gaussian", mean: 170, sigma: 25 } } })
      .jpeg({ quality: 88 })
      .toBuffer();
  return [
    { name: "phone photo 12 MP", make: noise(4000, 3000) },
    { name: "A4 scan 600 dpi", make: noise(4961, 7016) },
  ];
}

type Row = {
  file: string;
  width: number;
  height: number;
  megabytes: number;
  tiles: number;
  bareMs: number;
  oursMs: number;
  ratio: number;
  bareRssMb: number;
  oursRssMb: number;
  /** RSS of a child after loading its modules, before any work: the same for both variants. */
  baselineRssMb: number;
};

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf("--runs");
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
  // Children alternate bare/ours in rounds; each child does a share of the runs.
  const rounds = runs >= 4 ? 2 : 1;
  const perChild = Math.ceil(runs / rounds);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "af-bench-imaging-"));
  const rows: Row[] = [];
  try {
    for (const input of await inputs()) {
      const data = await input.make();
      const file = path.join(dir, `${input.name.replace(/\W+/g, "-")}.jpg`);
      fs.writeFileSync(file, data);
      const meta = await sharp(file).metadata();
      const bare: ChildReport[] = [];
      const ours: ChildReport[] = [];
      for (let round = 0; round < rounds; round++) {
        bare.push(await spawnChild("bare", file, perChild));
        ours.push(await spawnChild("ours", file, perChild));
      }
      const bareMs = median(bare.flatMap((r) => r.timesMs));
      const oursMs = median(ours.flatMap((r) => r.timesMs));
      rows.push({
        file: input.name,
        width: meta.autoOrient.width,
        height: meta.autoOrient.height,
        megabytes: data.length / 2 ** 20,
        tiles: ours[0]!.tiles,
        bareMs,
        oursMs,
        ratio: oursMs / bareMs,
        bareRssMb: Math.max(...bare.map((r) => r.peakRssMb)),
        oursRssMb: Math.max(...ours.map((r) => r.peakRssMb)),
        baselineRssMb: Math.min(...[...bare, ...ours].map((r) => r.baselineRssMb)),
      });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(`imaging benchmark: ${runs} runs per variant (median), ${os.availableParallelism()} cores (${cpu}), sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}, sharp threads per job ${Math.max(1, Math.floor(os.availableParallelism() / JOB_CONCURRENCY))}`);
  const header = ["file", "pixels", "MB", "tiles", "bare ms", "ours ms", "ours/bare", "bare peak RSS", "ours peak RSS", "idle RSS"];
  const table = rows.map((r) => [
    r.file,
    `${r.width}×${r.height}`,
    r.megabytes.toFixed(1),
    String(r.tiles),
    r.bareMs.toFixed(0),
    r.oursMs.toFixed(0),
    r.ratio.toFixed(2),
    `${r.bareRssMb.toFixed(0)} MB`,
    `${r.oursRssMb.toFixed(0)} MB`,
    `${r.baselineRssMb.toFixed(0)} MB`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(header));
  for (const row of table) console.log(line(row));

  const worst = rows.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  console.log(
    JSON.stringify({
      bench: "imaging",
      ratio: Number(worst.ratio.toFixed(3)),
      worstFile: worst.file,
      runs,
      files: rows.map((r) => ({
        file: r.file,
        width: r.width,
        height: r.height,
        tiles: r.tiles,
        bareMs: Math.round(r.bareMs),
        oursMs: Math.round(r.oursMs),
        ratio: Number(r.ratio.toFixed(3)),
        bareRssMb: Math.round(r.bareRssMb),
        oursRssMb: Math.round(r.oursRssMb),
        idleRssMb: Math.round(r.baselineRssMb),
      })),
      cores: os.availableParallelism(),
    }),
  );
}

const childAt = process.argv.indexOf("--child");
if (childAt > 0) {
  const [variant, file, runs] = process.argv.slice(childAt + 1);
  runChild(variant as Variant, file!, Number(runs)).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
