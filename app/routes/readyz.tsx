import { checkReadiness } from "~/models/readiness.server";

/**
 * Readiness of this instance's dependencies (deploy scripts, monitoring): Postgres and Redis, each asked
 * within 3 s. 503 without Postgres (or while stopping); 200 "degraded" without Redis, which pages and
 * decisions do without (the outbox holds their jobs). Says up or down only: no addresses, no errors.
 */
export async function loader() {
  const r = await checkReadiness();
  return new Response(JSON.stringify(r), {
    status: r.ready ? 200 : 503,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
  });
}
