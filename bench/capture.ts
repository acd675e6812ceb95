/**
 * Capture benchmark: how well receipts are read, and at what CPU cost, on the labelled set (bench/capture-set.ts).
 *
 *   npm run bench:capture                          (both engines, whole set)
 *   npm run bench:capture -- --engines paddle      (one engine)   --limit N (first N of a shuffled order)
 *                                                  --max-side PX (the OCR working copy's longest side)
 *                                                  --groups a,b (only these composition groups)
 *
 * Every file goes through readReceiptFile with READERS, the worker's pipeline, the OCR entry bound to the
 * engine measured. Per field: accuracy over all files and over the legible ones, per composition group;
 * CPU ms (process.cpuUsage: every thread of the process, ONNX's and tesseract's worker included) and wall
 * ms per receipt. Baseline: the bare engine call on the same original image (no scaling, no turns, no
 * parsing) for every third image, and the pipeline's CPU on those same images as a ratio to it.
 * Ends with exactly one JSON line (figures of the chosen engine, the other engines' nested).
 */
import fs from "node:fs";
import path from "node:path";
import { normaliseOcrText } from "~/domain/receipt-reading/ocr-text";
import { mulberry32 } from "~/domain/seeded-random";
import { CHOSEN_OCR_ENGINE, createOcrEngine, OCR_ENGINE_NAMES, type OcrEngine, type OcrEngineName } from "~/utils/receipt-reading/ocr-engines.server";
import { createOcrReader } from "~/utils/receipt-reading/ocr-reader.server";
import { READERS, readReceiptFile, type ReceiptReader } from "~/utils/receipt-reading/read-receipt-file.server";
import { captureSet, type CaptureLabel } from "./capture-set";

const FIELDS = ["total", "currency", "date", "merchant", "invoice_number"] as const;
type FieldName = (typeof FIELDS)[number];
type Result = { label: CaptureLabel; ok: Record<FieldName, boolean | null>; cpuMs: number; wallMs: number; source: string; turns: number; bareCpuMs: number | null };

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Names compared as a person would: width, case, spaces and punctuation ignored. */
function sameName(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const n = (s: string) => s.normalize("NFKC").toLowerCase().replace(/[\s.,'’&·()（）-]/g, "");
  return n(a) === n(b);
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

async function measure(engineName: OcrEngineName, labels: CaptureLabel[], dir: string, maxSide: number | undefined): Promise<{ results: Result[]; initMs: number; perReader: Map<string, number> }> {
  const c0 = process.cpuUsage();
  const engine: OcrEngine = await createOcrEngine(engineName);
  const initMs = cpuMsSince(c0);
  const reader = createOcrReader(() => Promise.resolve(engine), { maxSide });
  // The same readers, each wrapped to add up its own CPU (the QR search and OCR are reported apart).
  const perReader = new Map<string, number>();
  const readers: ReceiptReader[] = READERS.map((r) => (r.name === "ocr" ? reader : r)).map((r) => ({
    ...r,
    async read(file, notes) {
      const c = process.cpuUsage();
      try {
        return await r.read(file, notes);
      } finally {
        perReader.set(r.name, (perReader.get(r.name) ?? 0) + cpuMsSince(c));
      }
    },
  }));
  const results: Result[] = [];
  for (const [i, label] of labels.entries()) {
    const file = path.join(dir, label.file);
    const cpu = process.cpuUsage();
    const t = performance.now();
    const outcome = await readReceiptFile({ path: file, mimeType: label.mimeType }, readers);
    const cpuMs = cpuMsSince(cpu);
    const wallMs = performance.now() - t;
    let bareCpuMs: number | null = null;
    if (i % 3 === 0 && label.mimeType.startsWith("image/")) {
      const bytes = fs.readFileSync(file);
      const b = process.cpuUsage();
      await engine.recognize(bytes);
      bareCpuMs = cpuMsSince(b);
    }
    const f = outcome.read ? outcome.reading.fields : {};
    const invoiceNumber = f.invoiceNumber?.value;
    results.push({
      label,
      ok: {
        total: f.total?.value === BigInt(label.totalMinor),
        currency: f.currency?.value === label.currency,
        date: f.date?.value === label.date,
        merchant: sameName(f.merchant?.value, label.merchant),
        invoice_number: label.invoiceNumber === null ? null : invoiceNumber !== undefined && normaliseOcrText(invoiceNumber) === label.invoiceNumber,
      },
      cpuMs,
      wallMs,
      source: outcome.read ? outcome.reading.source : "none",
      turns: outcome.read && Array.isArray(outcome.reading.detail.passes) ? outcome.reading.detail.passes.length : 0,
      bareCpuMs,
    });
    if (process.env.CAPTURE_VERBOSE) console.error(engineName, label.file, JSON.stringify(results.at(-1)!.ok), Math.round(cpuMs));
  }
  await engine.close();
  return { results, initMs, perReader };
}

function accuracy(results: Result[], field: FieldName): number | null {
  const scored = results.map((r) => r.ok[field]).filter((v): v is boolean => v !== null);
  return scored.length === 0 ? null : scored.filter(Boolean).length / scored.length;
}

const pct = (v: number | null) => (v === null ? "   -  " : `${(v * 100).toFixed(1).padStart(5)}%`);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}

function summary(results: Result[], initMs: number, perReader: Map<string, number>) {
  const legible = results.filter((r) => r.label.legible);
  const cpu = results.map((r) => r.cpuMs);
  const withBare = results.filter((r) => r.bareCpuMs !== null);
  const r3 = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);
  return {
    images: results.filter((r) => r.label.mimeType.startsWith("image/")).length,
    files: results.length,
    legible: legible.length,
    total_accuracy: r3(accuracy(legible, "total")),
    currency_accuracy: r3(accuracy(legible, "currency")),
    date_accuracy: r3(accuracy(legible, "date")),
    merchant_accuracy: r3(accuracy(legible, "merchant")),
    invoice_number_accuracy: r3(accuracy(legible, "invoice_number")),
    total_accuracy_all: r3(accuracy(results, "total")),
    date_accuracy_all: r3(accuracy(results, "date")),
    cpu_ms_per_receipt: Math.round(mean(cpu)),
    cpu_ms_p50: Math.round(quantile(cpu, 0.5)),
    cpu_ms_p90: Math.round(quantile(cpu, 0.9)),
    wall_ms_per_receipt: Math.round(mean(results.map((r) => r.wallMs))),
    engine_init_cpu_ms: Math.round(initMs),
    cpu_ms_per_receipt_by_reader: Object.fromEntries([...perReader].map(([k, v]) => [k, Math.round(v / results.length)])),
    cpu_vs_bare_engine: withBare.length ? Math.round((mean(withBare.map((r) => r.cpuMs)) / mean(withBare.map((r) => r.bareCpuMs!))) * 100) / 100 : null,
    bare_engine_cpu_ms: withBare.length ? Math.round(mean(withBare.map((r) => r.bareCpuMs!))) : null,
  };
}

function printTable(engine: string, results: Result[], initMs: number, perReader: Map<string, number>): ReturnType<typeof summary> {
  const s = summary(results, initMs, perReader);
  console.log(`\n== ${engine}: ${results.length} files (${s.images} images, ${s.legible} legible), engine start ${s.engine_init_cpu_ms} ms CPU`);
  console.log(`${"group".padEnd(22)} ${"n".padStart(4)}  ${FIELDS.map((f) => f.slice(0, 8).padStart(8)).join(" ")}  cpu ms  wall ms  turns`);
  const groups = [...new Set(results.map((r) => r.label.group))].sort();
  const row = (name: string, rs: Result[]) =>
    console.log(
      `${name.padEnd(22)} ${String(rs.length).padStart(4)}  ${FIELDS.map((f) => pct(accuracy(rs, f)).padStart(8)).join(" ")}  ${String(Math.round(mean(rs.map((r) => r.cpuMs)))).padStart(6)}  ${String(Math.round(mean(rs.map((r) => r.wallMs)))).padStart(7)}  ${mean(rs.map((r) => r.turns)).toFixed(2).padStart(5)}`,
    );
  for (const g of groups) row(g, results.filter((r) => r.label.group === g));
  row("ALL", results);
  row("ALL legible", results.filter((r) => r.label.legible));
  console.log(`cpu ms per receipt: mean ${s.cpu_ms_per_receipt}, p50 ${s.cpu_ms_p50}, p90 ${s.cpu_ms_p90}; wall mean ${s.wall_ms_per_receipt}`);
  console.log(`  of which per reader (mean over all files): ${Object.entries(s.cpu_ms_per_receipt_by_reader).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  if (s.cpu_vs_bare_engine !== null) console.log(`pipeline CPU vs the bare engine call on the same originals: ${s.cpu_vs_bare_engine}× (bare ${s.bare_engine_cpu_ms} ms)`);
  return s;
}

async function main(): Promise<void> {
  const engines = (arg("engines") ?? OCR_ENGINE_NAMES.join(",")).split(",").filter((e): e is OcrEngineName => (OCR_ENGINE_NAMES as readonly string[]).includes(e));
  const limit = Number(arg("limit") ?? "0");
  const maxSide = arg("max-side") ? Number(arg("max-side")) : undefined;
  const { dir, labels: all } = await captureSet();
  const only = arg("groups")?.split(",");
  let labels = only ? all.filter((l) => only.includes(l.group)) : all;
  if (limit > 0) {
    // A fixed shuffle, so a limited run still mixes every group.
    const rng = mulberry32(14);
    labels = [...labels].map((l) => ({ l, k: rng() })).sort((a, b) => a.k - b.k).slice(0, limit).map((x) => x.l);
  }
  const groups = new Map<string, number>();
  for (const l of labels) groups.set(l.group, (groups.get(l.group) ?? 0) + 1);
  console.log(`capture set ${dir}: ${labels.length} files; ${[...groups].map(([g, n]) => `${g} ${n}`).join(", ")}`);
  const figures: Record<string, ReturnType<typeof summary>> = {};
  for (const e of engines) {
    const { results, initMs, perReader } = await measure(e, labels, dir, maxSide);
    figures[e] = printTable(e, results, initMs, perReader);
  }
  const main = figures[CHOSEN_OCR_ENGINE] ?? Object.values(figures)[0];
  const head = engines.includes(CHOSEN_OCR_ENGINE) ? CHOSEN_OCR_ENGINE : engines[0];
  console.log(JSON.stringify({ bench: "capture", engine: head, ...main, engines: figures, measured_at: new Date().toISOString() }));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
