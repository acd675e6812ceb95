import type { AppLoadContext } from "@remix-run/node";

/** Who is on the other end, for throttling and the security log: the address Express saw, and the browser's name. */
export function clientFacts(request: Request, context: AppLoadContext | undefined): { address: string; userAgent: string | null } {
  const address = typeof context?.clientAddress === "string" && context.clientAddress ? context.clientAddress : "unknown";
  return { address, userAgent: request.headers.get("User-Agent") };
}
