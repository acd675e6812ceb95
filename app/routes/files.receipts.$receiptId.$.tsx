import type { LoaderFunctionArgs } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { findViewableReceiptFile } from "~/models/receipt-file.server";
import { requireUser } from "~/utils/auth.server";
import { env } from "~/utils/env.server";
import { isObjectStoreUnavailable, ObjectNotFoundError, objectStore } from "~/utils/object-store.server";
import { dziKey, IMMUTABLE_CACHE_CONTROL, originalKey, thumbKey, tileKey } from "~/utils/storage.server";

// Everything under a receipt is derived from content-addressed bytes and never changes.
const IMMUTABLE = IMMUTABLE_CACHE_CONTROL;

type Asset = { key: string; type: string; download?: string; tile?: boolean };

/** Maps the URL tail to an object key, accepting only the exact shapes the imaging worker writes. */
function resolveAsset(sha256: string, tail: string, mimeType: string, fileName: string): Asset | null {
  if (tail === "original") return { key: originalKey(sha256), type: mimeType, download: fileName };
  let m = /^p(\d{1,3})\.dzi$/.exec(tail);
  if (m) return { key: dziKey(sha256, Number(m[1])), type: "application/xml" };
  m = /^p(\d{1,3})-thumb\.jpg$/.exec(tail);
  if (m) return { key: thumbKey(sha256, Number(m[1])), type: "image/jpeg" };
  m = /^p(\d{1,3})_files\/(\d{1,2})\/(\d{1,5})_(\d{1,5})\.(jpeg|jpg|png)$/.exec(tail);
  if (m) {
    const [, page, level, col, row, ext] = m;
    return {
      key: tileKey(sha256, Number(page), Number(level), Number(col), Number(row), ext!),
      type: ext === "png" ? "image/png" : "image/jpeg",
      tile: true,
    };
  }
  return null;
}

/**
 * Serves a receipt's original, thumbnails, DZI descriptors and tiles after the app's access check. With
 * the S3 driver and TILE_DELIVERY=redirect, tiles are answered with a 302 to a presigned URL instead of
 * being streamed (docs/decisions/024): the URL is signed for a fixed time window, so every request for
 * the same tile within the window gets the same URL and the browser's cache of it keeps working.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const receiptId = params.receiptId ?? "";
  const found = await findViewableReceiptFile(receiptId, user);
  if (!found) throw new Response("Not found", { status: 404 });
  const tail = params["*"] ?? "";
  const asset = resolveAsset(found.sha256, tail, found.mimeType, found.fileName);
  if (!asset) throw new Response("Not found", { status: 404 });
  // The URL names content-addressed bytes: the validator needs no look at the store (it may be down).
  const etag = `"${found.sha256.slice(0, 16)}-${tail.replace(/[^A-Za-z0-9._-]/g, "-")}"`;
  const headers = new Headers({
    "Content-Type": asset.type,
    "Cache-Control": IMMUTABLE,
    ETag: etag,
    "X-Content-Type-Options": "nosniff",
  });
  if (asset.download) {
    headers.set("Content-Disposition", `inline; filename*=UTF-8''${encodeURIComponent(asset.download)}`);
    headers.set("Content-Security-Policy", "sandbox");
  }
  if (request.headers.get("If-None-Match") === etag) return new Response(null, { status: 304, headers });
  const store = objectStore();
  try {
    if (asset.tile && env.TILE_DELIVERY === "redirect" && store.driver === "s3") {
      const redirect = await presignedTileRedirect(asset);
      if (redirect) return redirect;
    }
    const object = await store.getStream(asset.key);
    headers.set("Content-Length", String(object.size));
    return new Response(createReadableStreamFromReadable(object.body), { headers });
  } catch (err) {
    // Not rendered (yet): short-lived so the page picks it up once the worker is done.
    if (err instanceof ObjectNotFoundError) throw new Response("Not found", { status: 404, headers: { "Cache-Control": "no-store" } });
    if (isObjectStoreUnavailable(err)) {
      console.error(`[files] ${err.message}`);
      throw new Response("Receipt images are unavailable for a moment; try again shortly.", {
        status: 503,
        headers: { "Cache-Control": "no-store", "Retry-After": "30" },
      });
    }
    throw err;
  }
}

async function presignedTileRedirect(asset: Asset): Promise<Response | null> {
  const windowMs = env.TILE_URL_WINDOW_SECONDS * 1000;
  const now = Date.now();
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const url = await objectStore().presignGet(asset.key, {
    signingDate: new Date(windowStart),
    // Valid for two windows: a URL handed out at the end of its window still has a full window to run.
    expiresInSeconds: 2 * env.TILE_URL_WINDOW_SECONDS,
    contentType: asset.type,
  });
  if (!url) return null;
  // The redirect itself may be reused until its window ends (the URL stays valid a window longer).
  const maxAge = Math.max(0, Math.floor((windowStart + windowMs - now) / 1000));
  return new Response(null, { status: 302, headers: { Location: url, "Cache-Control": `private, max-age=${maxAge}`, Vary: "Cookie" } });
}
