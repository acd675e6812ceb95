import fs from "node:fs";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { findViewableReceiptFile } from "~/models/receipt-file.server";
import { requireUser } from "~/utils/auth.server";
import { dziPath, originalPath, thumbPath, tilesDir } from "~/utils/storage.server";
import path from "node:path";

// Everything under a receipt is derived from content-addressed bytes and never changes.
const IMMUTABLE = "private, max-age=31536000, immutable";

type Asset = { file: string; type: string; download?: string };

/** Maps the URL tail to a file, accepting only the exact shapes the imaging worker writes. */
function resolveAsset(sha256: string, tail: string, mimeType: string, fileName: string): Asset | null {
  if (tail === "original") return { file: originalPath(sha256), type: mimeType, download: fileName };
  let m = /^p(\d{1,3})\.dzi$/.exec(tail);
  if (m) return { file: dziPath(sha256, Number(m[1])), type: "application/xml" };
  m = /^p(\d{1,3})-thumb\.jpg$/.exec(tail);
  if (m) return { file: thumbPath(sha256, Number(m[1])), type: "image/jpeg" };
  m = /^p(\d{1,3})_files\/(\d{1,2})\/(\d{1,5})_(\d{1,5})\.(jpeg|jpg|png)$/.exec(tail);
  if (m) {
    const [, page, level, col, row, ext] = m;
    return {
      file: path.join(tilesDir(sha256, Number(page)), level!, `${col}_${row}.${ext}`),
      type: ext === "png" ? "image/png" : "image/jpeg",
    };
  }
  return null;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const receiptId = params.receiptId ?? "";
  const found = await findViewableReceiptFile(receiptId, user);
  if (!found) throw new Response("Not found", { status: 404 });
  const asset = resolveAsset(found.sha256, params["*"] ?? "", found.mimeType, found.fileName);
  if (!asset) throw new Response("Not found", { status: 404 });
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(asset.file);
  } catch {
    // Not rendered (yet): short-lived so the page picks it up once the worker is done.
    throw new Response("Not found", { status: 404, headers: { "Cache-Control": "no-store" } });
  }
  const etag = `"${found.sha256.slice(0, 16)}-${stat.size}"`;
  const headers = new Headers({
    "Content-Type": asset.type,
    "Content-Length": String(stat.size),
    "Cache-Control": IMMUTABLE,
    ETag: etag,
    "X-Content-Type-Options": "nosniff",
  });
  if (asset.download) {
    headers.set("Content-Disposition", `inline; filename*=UTF-8''${encodeURIComponent(asset.download)}`);
    headers.set("Content-Security-Policy", "sandbox");
  }
  if (request.headers.get("If-None-Match") === etag) return new Response(null, { status: 304, headers });
  return new Response(createReadableStreamFromReadable(fs.createReadStream(asset.file)), { headers });
}
