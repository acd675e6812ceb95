/**
 * Zip archives held in memory (an OFD file is a zip of XML), read with adm-zip: the entries' names and
 * declared sizes, then each wanted entry's bytes. An entry declaring (or inflating to) more than
 * MAX_ENTRY_BYTES is refused, so a zip bomb costs nothing; encrypted entries are refused.
 */
import AdmZip from "adm-zip";

export type ZipEntry = { name: string; method: number; compressedSize: number; size: number; entry: AdmZip.IZipEntry };

const MAX_ENTRY_BYTES = 50 * 1024 * 1024;

export function zipEntries(buf: Buffer): ZipEntry[] {
  let zip: AdmZip;
  try {
    zip = new AdmZip(buf);
  } catch (err) {
    throw new Error(`not a zip archive (${err instanceof Error ? err.message : String(err)})`);
  }
  return zip
    .getEntries()
    .filter((e) => !e.isDirectory)
    .map((e) => ({ name: e.entryName, method: e.header.method, compressedSize: e.header.compressedSize, size: e.header.size, entry: e }));
}

export function zipEntryBytes(_buf: Buffer, e: ZipEntry): Buffer {
  if (e.size > MAX_ENTRY_BYTES) throw new Error(`zip entry ${e.name} is too large`);
  if (e.entry.header.encrypted) throw new Error(`zip entry ${e.name} is encrypted`);
  const bytes = e.entry.getData();
  if (bytes.length > MAX_ENTRY_BYTES || bytes.length !== e.size) throw new Error(`zip entry ${e.name} is damaged (${bytes.length} bytes, ${e.size} declared)`);
  return bytes;
}
