/**
 * Inputs for the imaging tests. Committed fixtures (test/fixtures, made by scripts/make-fixtures.ts) are
 * used when present; otherwise an equivalent is generated here, so the tests never depend on them.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import sharp from "sharp";

const FIXTURES = path.resolve(import.meta.dirname, "fixtures");

export async function fixtureOr(name: string, make: () => Promise<Buffer> | Buffer): Promise<Buffer> {
  const file = path.join(FIXTURES, name);
  return fs.existsSync(file) ? fs.readFileSync(file) : make();
}

/** Noise never compresses to nothing and gives every tile content; `seed` makes distinct files. */
export async function noiseJpeg(width: number, height: number, seed = Math.random()): Promise<Buffer> {
  const mean = 60 + Math.floor(seed * 130);
  return sharp({ create: { width, height, channels: 3, background: "#000", noise: { type: "gaussian", mean, sigma: 40 } } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/** Stored 200×100, tagged "rotate 90° clockwise to display": shown upright it is 100 wide, 200 high. */
export async function sidewaysJpeg(): Promise<Buffer> {
  const left = await sharp({ create: { width: 100, height: 100, channels: 3, background: "#c03030" } }).png().toBuffer();
  return sharp({ create: { width: 200, height: 100, channels: 3, background: "#3050c0" } })
    .composite([{ input: left, left: 0, top: 0 }])
    .withMetadata({ orientation: 6 })
    .jpeg()
    .toBuffer();
}

/** A JPEG cut off half-way: the header reads fine, the pixels do not. */
export async function truncatedJpeg(): Promise<Buffer> {
  const whole = await noiseJpeg(600, 800, 0.3);
  return whole.subarray(0, Math.floor(whole.length / 2));
}

/** A hand-written PDF, one A4 page per label, each with text and a filled box. */
export function simplePdf(labels: string[]): Buffer {
  const objects: string[] = ["<< /Type /Catalog /Pages 2 0 R >>"];
  const kids = labels.map((_, i) => `${3 + i * 2} 0 R`).join(" ");
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${labels.length} >>`);
  const fontId = 3 + labels.length * 2;
  labels.forEach((label, i) => {
    const content = `BT /F1 28 Tf 72 720 Td (${label}) Tj ET 0.2 0.3 0.8 rg 72 ${400 - i * 60} 300 120 re f`;
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 ${fontId} 0 R >> >> /Contents ${4 + i * 2} 0 R >>`,
    );
    objects.push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  });
  objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

/** `userPassword` "" gives a PDF that opens without a password but carries owner restrictions. */
export function encryptPdf(pdf: Buffer, userPassword: string): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "af-pdf-"));
  try {
    const plain = path.join(dir, "plain.pdf");
    const locked = path.join(dir, "locked.pdf");
    fs.writeFileSync(plain, pdf);
    execFileSync("qpdf", ["--encrypt", userPassword, `owner-${randomUUID()}`, "256", "--print=none", "--", plain, locked]);
    return fs.readFileSync(locked);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A few hundred bytes whose header declares width×height pixels: a decompression bomb's calling card. */
export function pngDeclaring(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(0, 9); // grayscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", zlib.deflateSync(Buffer.alloc(width + 1))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

export type DziInfo = { width: number; height: number; tileSize: number; overlap: number; format: string };

export function readDzi(file: string): DziInfo {
  const xml = fs.readFileSync(file, "utf8");
  const attr = (name: string) => {
    const m = new RegExp(`${name}="([^"]+)"`).exec(xml);
    if (!m) throw new Error(`${file}: no ${name}`);
    return m[1]!;
  };
  if (!xml.includes("http://schemas.microsoft.com/deepzoom/2008")) throw new Error(`${file} is not a Deep Zoom descriptor`);
  return {
    width: Number(attr("Width")),
    height: Number(attr("Height")),
    tileSize: Number(attr("TileSize")),
    overlap: Number(attr("Overlap")),
    format: attr("Format"),
  };
}

/** Deep Zoom levels 0…max, where level max is full size and each level below halves it (rounding up). */
export function expectedPyramid(width: number, height: number, tileSize = 254): { maxLevel: number; tilesPerLevel: number[] } {
  const maxLevel = Math.ceil(Math.log2(Math.max(width, height)));
  const tilesPerLevel: number[] = [];
  for (let level = 0; level <= maxLevel; level++) {
    const scale = 2 ** (maxLevel - level);
    const w = Math.ceil(width / scale);
    const h = Math.ceil(height / scale);
    tilesPerLevel.push(Math.ceil(w / tileSize) * Math.ceil(h / tileSize));
  }
  return { maxLevel, tilesPerLevel };
}
