/**
 * A small reader for zip archives held in memory (an OFD file is a zip of XML): the central directory,
 * then each wanted entry stored or deflated. Enough for OFD; no zip64, no encryption.
 */
import { inflateRawSync } from "node:zlib";

export type ZipEntry = { name: string; method: number; compressedSize: number; size: number; offset: number };

const MAX_ENTRY_BYTES = 50 * 1024 * 1024;

export function zipEntries(buf: Buffer): ZipEntry[] {
  // End of central directory: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("not a zip archive");
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) throw new Error("damaged zip central directory");
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    entries.push({
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      offset: buf.readUInt32LE(p + 42),
      name: buf.toString("utf8", p + 46, p + 46 + nameLen),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

export function zipEntryBytes(buf: Buffer, e: ZipEntry): Buffer {
  if (e.size > MAX_ENTRY_BYTES) throw new Error(`zip entry ${e.name} is too large`);
  const h = e.offset;
  if (buf.readUInt32LE(h) !== 0x04034b50) throw new Error("damaged zip local header");
  const start = h + 30 + buf.readUInt16LE(h + 26) + buf.readUInt16LE(h + 28);
  const data = buf.subarray(start, start + e.compressedSize);
  if (e.method === 0) return Buffer.from(data);
  if (e.method === 8) return inflateRawSync(data, { maxOutputLength: MAX_ENTRY_BYTES });
  throw new Error(`zip method ${e.method} is not supported`);
}
