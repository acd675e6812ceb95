import { env } from "~/utils/env.server";

/**
 * The load bench's baseline (bench/load.ts): the cheapest thing a request through Express and Remix can
 * do, a constant, measured in the same run as the real pages. Only with BENCH_BARE_ROUTE=1; otherwise 404.
 */
export function loader() {
  if (!env.BENCH_BARE_ROUTE) throw new Response("Not found", { status: 404 });
  return new Response("ok", { headers: { "Content-Type": "text/plain", "Cache-Control": "no-store" } });
}
