/**
 * The labelled capture set for `npm run bench:capture`: receipts rendered by the fixtures' renderer (the
 * one the demo seed uses), e-invoice files, and photographed-looking variants made with sharp, each with
 * its truth (total, currency, date, merchant, invoice number, legible). Deterministic: built once into
 * .cache/capture-set-v<N>/ and reused while its version matches.
 */
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { mulberry32 } from "~/domain/seeded-random";
import { eInvoicePdf, eInvoiceTextPdf, eInvoiceXmlWithNumber, qrPng, vatQrPayload } from "../fixtures/einvoices";
import { jpegsToPdf, randomReceiptSpec, renderReceiptJpeg, renderReceiptPdf, renderReceiptScene, renderReceiptTextPdf, type ReceiptArtSpec, type ReceiptKind, type ReceiptLang } from "../fixtures/receipts";

// 2: PDFs made by software (text layer, with and without an e-invoice XML) and two-page scans.
const SET_VERSION = 2;
export const CAPTURE_SET_DIR = path.resolve(".cache", `capture-set-v${SET_VERSION}`);

export type CaptureLabel = {
  file: string;
  group: string;
  variant: string;
  mimeType: string;
  totalMinor: number;
  currency: string;
  date: string;
  merchant: string;
  invoiceNumber: string | null;
  legible: boolean;
};

type Base = { id: string; group: string; spec: ReceiptArtSpec; style: "photo" | "scan" | "seed"; qr: boolean };

const DATES = ["2026-01-09", "2026-02-17", "2026-03-03", "2026-04-28", "2026-05-06", "2026-06-30", "2026-07-15", "2026-08-21", "2026-09-02", "2026-10-11", "2026-11-19", "2026-12-01"];
const EN_CURRENCIES = ["USD", "USD", "GBP", "EUR"];

function specs(rng: () => number, n: number, lang: ReceiptLang, kind: ReceiptKind, start: number): ReceiptArtSpec[] {
  return Array.from({ length: n }, (_, i) =>
    randomReceiptSpec(rng, { lang, kind, currency: lang === "zh" ? "CNY" : EN_CURRENCIES[(start + i) % EN_CURRENCIES.length]!, date: DATES[(start + i * 5) % DATES.length]! }),
  );
}

/** The receipts every variant starts from. */
function bases(): Base[] {
  const rng = mulberry32(20261204);
  const out: Base[] = [];
  const add = (group: string, list: ReceiptArtSpec[], style: Base["style"], qr = false) =>
    list.forEach((spec, i) => out.push({ id: `${group}-${String(i + 1).padStart(2, "0")}`, group, spec, style, qr }));
  add("seed", [...specs(rng, 6, "zh", "till", 0), ...specs(rng, 3, "en", "till", 1), ...specs(rng, 3, "zh", "taxi", 2), ...specs(rng, 2, "zh", "hotel", 3), ...specs(rng, 2, "en", "hotel", 4)], "seed");
  add("zh-till", [...specs(rng, 18, "zh", "till", 5), ...specs(rng, 8, "zh", "taxi", 6)], "photo");
  add("zh-vat", specs(rng, 10, "zh", "invoice", 7), "photo");
  add("zh-vat-qr", specs(rng, 10, "zh", "invoice", 8), "scan", true);
  add("zh-hotel", specs(rng, 5, "zh", "hotel", 9), "photo");
  add("en", [...specs(rng, 14, "en", "till", 10), ...specs(rng, 5, "en", "taxi", 11), ...specs(rng, 6, "en", "invoice", 12), ...specs(rng, 5, "en", "hotel", 13)], "photo");
  add("scan", [...specs(rng, 4, "zh", "till", 14), ...specs(rng, 3, "en", "invoice", 15), ...specs(rng, 3, "zh", "invoice", 16)], "scan");
  return out;
}

function invoiceNumberOf(spec: ReceiptArtSpec): string | null {
  return spec.kind === "invoice" ? (spec.invoiceNo ?? null) : null;
}

async function renderBase(b: Base): Promise<Buffer> {
  if (b.style === "seed") return renderReceiptJpeg(b.spec, { seed: 11, widthPx: 900 }); // as prisma/seed.ts renders
  const width = b.spec.kind === "till" || b.spec.kind === "taxi" ? 900 : 1400;
  const jpeg = await renderReceiptScene(b.spec, { width, seed: 5, style: b.style });
  if (!b.qr) return jpeg;
  // A real VAT QR code (number, amount without tax, date) printed in the page's top-left margin.
  const qr = await qrPng(vatQrPayload({ code: "031002600111", number: b.spec.invoiceNo ?? "00000000", amount: (Math.round(b.spec.totalMinor / 1.06) / 100).toFixed(2), date: b.spec.date }), 3);
  return sharp(jpeg).composite([{ input: qr, left: 24, top: 24 }]).jpeg({ quality: 88 }).toBuffer();
}

type Variant = { name: string; legible: boolean; make(img: Buffer): Promise<Buffer> };

const jpeg = (s: ReturnType<typeof sharp>, q = 85) => s.jpeg({ quality: q }).toBuffer();

/** "Photographed-looking" variants: what a phone, a hand and a dim room do to a receipt. */
const VARIANTS: Variant[] = [
  { name: "blur-light", legible: true, make: (b) => jpeg(sharp(b).blur(1.1)) },
  { name: "blur-heavy", legible: false, make: (b) => jpeg(sharp(b).blur(7)) },
  { name: "tilt-small", legible: true, make: (b) => jpeg(sharp(b).rotate(6, { background: "#4b3b2e" })) },
  { name: "tilt-small-neg", legible: true, make: (b) => jpeg(sharp(b).rotate(-4, { background: "#3c4552" })) },
  { name: "turn-90", legible: true, make: (b) => jpeg(sharp(b).rotate(90)) },
  { name: "turn-270", legible: true, make: (b) => jpeg(sharp(b).rotate(270)) },
  { name: "turn-180", legible: true, make: (b) => jpeg(sharp(b).rotate(180)) },
  { name: "skew", legible: true, make: (b) => jpeg(sharp(b).affine([[1, 0.12], [0.04, 1]], { background: "#6b6e72" })) },
  { name: "dark", legible: true, make: (b) => jpeg(sharp(b).modulate({ brightness: 0.45 }).linear(0.8, 0)) },
  { name: "jpeg-noise", legible: true, make: (b) => jpeg(sharp(b), 18) },
  {
    name: "downscale",
    legible: true,
    make: async (b) => {
      const m = await sharp(b).metadata();
      return jpeg(sharp(b).resize(Math.round((m.width ?? 900) * 0.5)));
    },
  },
];

async function build(dir: string): Promise<CaptureLabel[]> {
  fs.mkdirSync(dir, { recursive: true });
  const labels: CaptureLabel[] = [];
  const truth = (spec: ReceiptArtSpec) => ({ totalMinor: spec.totalMinor, currency: spec.currency, date: spec.date, merchant: spec.merchant, invoiceNumber: invoiceNumberOf(spec) });
  const all = bases();
  const originals = new Map<string, Buffer>();
  for (const b of all) {
    const img = await renderBase(b);
    originals.set(b.id, img);
    const file = `${b.id}.jpg`;
    fs.writeFileSync(path.join(dir, file), img);
    labels.push({ file, group: b.group, variant: "original", mimeType: "image/jpeg", ...truth(b.spec), legible: true });
  }
  // Variants: spread over the photographed bases (not the QR scans, which keep their own group), every
  // variant on a different mix of kinds and languages.
  const photoBases = all.filter((b) => !b.qr);
  let k = 0;
  for (const v of VARIANTS) {
    const count = v.name === "blur-heavy" || v.name === "turn-180" || v.name === "turn-270" || v.name === "tilt-small-neg" ? 7 : 12;
    for (let i = 0; i < count; i++, k++) {
      const b = photoBases[(k * 7) % photoBases.length]!;
      const file = `${b.id}--${v.name}.jpg`;
      fs.writeFileSync(path.join(dir, file), await v.make(originals.get(b.id)!));
      labels.push({ file, group: `photo:${v.name}`, variant: v.name, mimeType: "image/jpeg", ...truth(b.spec), legible: v.legible });
    }
  }
  // Seed PDFs: the "scanned" one-page PDFs the demo seed also makes.
  for (const b of all.filter((x) => x.group === "seed").slice(0, 6)) {
    const file = `${b.id}.pdf`;
    fs.writeFileSync(path.join(dir, file), await renderReceiptPdf([b.spec], { seed: 12, widthPx: 900, creationDate: null }));
    labels.push({ file, group: "seed-pdf", variant: "pdf", mimeType: "application/pdf", ...truth(b.spec), legible: true });
  }
  // Digital e-invoices: the XML alone and attached to a PDF (truth from the XML fixtures).
  const einvoices = [
    { name: "digital-meal" as const, total: 30000, date: "2026-12-01", merchant: "广州市天河区粤味轩餐饮有限公司" },
    { name: "digital-hotel" as const, total: 130000, date: "2026-11-28", merchant: "北京海淀如家酒店管理有限公司" },
  ];
  for (let i = 0; i < 8; i++) {
    const e = einvoices[i % 2]!;
    const number = `2644200000${String(1000000001 + i)}`.slice(0, 20);
    const xml = eInvoiceXmlWithNumber(number, e.name);
    const asPdf = i >= 4;
    const file = `einvoice-${i + 1}.${asPdf ? "pdf" : "xml"}`;
    fs.writeFileSync(path.join(dir, file), asPdf ? await eInvoicePdf(xml, null) : xml);
    labels.push({ file, group: asPdf ? "einvoice-pdf" : "einvoice-xml", variant: "file", mimeType: asPdf ? "application/pdf" : "application/xml", totalMinor: e.total, currency: "CNY", date: e.date, merchant: e.merchant, invoiceNumber: number, legible: true });
  }
  // PDFs made by software: the receipt's own text, no image (a POS, booking or issuing system's file);
  // folios run onto a second page (their total is there). Read from the text layer, exactly.
  const textBases = [...all.filter((x) => x.group === "seed"), ...all.filter((x) => x.group === "zh-vat").slice(0, 5), ...all.filter((x) => x.group === "en" && x.spec.kind === "invoice").slice(0, 3)];
  for (const b of textBases) {
    const file = `${b.id}--text.pdf`;
    fs.writeFileSync(path.join(dir, file), await renderReceiptTextPdf(b.spec, { seed: 5, pages: b.spec.kind === "hotel" ? 2 : 1 }));
    labels.push({ file, group: "pdf-text", variant: b.spec.kind === "hotel" ? "text-2pages" : "text", mimeType: "application/pdf", ...truth(b.spec), legible: true });
  }
  // Digital e-invoices as the platform's PDF without the XML attached (the page's text is all there is).
  for (let i = 0; i < 4; i++) {
    const e = einvoices[i % 2]!;
    const number = `2644200000${String(1000000101 + i)}`.slice(0, 20);
    const file = `einvoice-text-${i + 1}.pdf`;
    fs.writeFileSync(path.join(dir, file), await eInvoiceTextPdf(eInvoiceXmlWithNumber(number, e.name), { attachXml: false }));
    labels.push({ file, group: "einvoice-pdf-text", variant: "file", mimeType: "application/pdf", totalMinor: e.total, currency: "CNY", date: e.date, merchant: e.merchant, invoiceNumber: number, legible: true });
  }
  // Two-page scans: a folio or invoice photographed and cut at mid-height, its total on page 2.
  const twoPage = [...all.filter((x) => x.group === "zh-hotel").slice(0, 2), ...all.filter((x) => x.group === "en" && x.spec.kind === "hotel").slice(0, 2)];
  for (const b of twoPage) {
    const img = originals.get(b.id)!;
    const m = await sharp(img).metadata();
    const [w, h] = [m.width ?? 0, m.height ?? 0];
    const half = Math.round(h / 2);
    const top = await sharp(img).extract({ left: 0, top: 0, width: w, height: half }).jpeg({ quality: 85 }).toBuffer();
    const bottom = await sharp(img).extract({ left: 0, top: half, width: w, height: h - half }).jpeg({ quality: 85 }).toBuffer();
    const file = `${b.id}--scan-2pages.pdf`;
    fs.writeFileSync(path.join(dir, file), await jpegsToPdf([top, bottom]));
    labels.push({ file, group: "scan-pdf-2pages", variant: "pdf-2pages", mimeType: "application/pdf", ...truth(b.spec), legible: true });
  }
  return labels;
}

/** The set, built on first use; labels.json is written last, so a half-built set is rebuilt. */
export async function captureSet(dir = CAPTURE_SET_DIR): Promise<{ dir: string; labels: CaptureLabel[] }> {
  const labelsFile = path.join(dir, "labels.json");
  if (fs.existsSync(labelsFile)) return { dir, labels: JSON.parse(fs.readFileSync(labelsFile, "utf8")) as CaptureLabel[] };
  const labels = await build(dir);
  fs.writeFileSync(labelsFile, `${JSON.stringify(labels, null, 1)}\n`);
  return { dir, labels };
}
