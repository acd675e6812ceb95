import type { ActionFunctionArgs, LoaderFunctionArgs, ServerBuild } from "@remix-run/node";
import { isServiceUnavailable, RETRY_AFTER_SECONDS } from "./outage";
import { getLocale } from "./session.server";

type Handler = (args: LoaderFunctionArgs | ActionFunctionArgs) => unknown;

/** What a page gets while Postgres or Redis is away: a 503 the error boundary words as "try again" (en + zh). */
export async function unavailableResponse(request: Request): Promise<Response> {
  // The language cookie or Accept-Language: no database needed for it.
  const locale = await getLocale(request).catch(() => undefined);
  return new Response(JSON.stringify({ unavailable: true, locale, retryAfterSeconds: RETRY_AFTER_SECONDS }), {
    status: 503,
    headers: { "Content-Type": "application/json; charset=utf-8", "Retry-After": String(RETRY_AFTER_SECONDS), "Cache-Control": "no-store" },
  });
}

let lastLogged = 0;

function guard(routeId: string, kind: "loader" | "action", handler: Handler): Handler {
  return async (args) => {
    try {
      return await handler(args);
    } catch (err) {
      if (err instanceof Response || !isServiceUnavailable(err)) throw err;
      // One line, at most once a second per process: an outage must not flood the log with stack traces.
      const now = Date.now();
      if (now - lastLogged > 1_000) {
        lastLogged = now;
        const message = err instanceof Error ? err.message.trim().split("\n").pop() : String(err);
        console.error(`[web] ${kind} ${routeId}: a dependency is unavailable, answering 503: ${message}`);
      }
      throw await unavailableResponse(args.request);
    }
  };
}

/**
 * The build with every route's loader and action answering 503 (Retry-After) instead of 500 when the
 * error is Postgres or Redis being away (app/utils/outage.ts). Everything else is left as it was.
 */
export function answerOutages(build: ServerBuild): ServerBuild {
  const routes: ServerBuild["routes"] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    const module = { ...route.module };
    if (module.loader) module.loader = guard(id, "loader", module.loader as Handler) as typeof module.loader;
    if (module.action) module.action = guard(id, "action", module.action as Handler) as typeof module.action;
    routes[id] = { ...route, module };
  }
  return { ...build, routes };
}
