import { checkLiveness } from "~/models/readiness.server";
import { env } from "~/utils/env.server";

/**
 * Liveness, for the load balancer and the orchestrator: 200 while this process answers, 503 once it is
 * stopping (SIGTERM) so no new request is sent to it. Asks no database: a shared outage must not take
 * every instance out of the balancer (then people would get the balancer's error page, not ours).
 */
export function loader() {
  const { live, status } = checkLiveness();
  return new Response(JSON.stringify({ status, instance: env.INSTANCE_NAME ?? null }), {
    status: live ? 200 : 503,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
  });
}
