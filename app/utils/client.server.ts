import type { AppLoadContext } from "@remix-run/node";

/** Who is on the other end, for throttling and the security log: the address Express saw, and the browser's name. */
export function clientFacts(request: Request, context: AppLoadContext | undefined): { address: string; userAgent: string | null } {
  const address = typeof context?.clientAddress === "string" && context.clientAddress ? context.clientAddress : "unknown";
  return { address, userAgent: request.headers.get("User-Agent") };
}

/** The client address Express saw (server.ts passes it in the load context); "unknown" when absent. */
export function clientAddressOf(context: unknown): string {
  const value = (context as { clientAddress?: unknown } | null | undefined)?.clientAddress;
  return typeof value === "string" && value.trim() !== "" ? value.trim() : "unknown";
}
