/**
 * Cross-site request forgery: a state-changing request is accepted only when the browser says it came
 * from this site. Browsers send `Origin` on every POST (and `Sec-Fetch-Site` on every request); a request
 * that carries neither is refused too, so a missing header never opens the door.
 */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export type OriginFacts = {
  method: string;
  /** The `Origin` header, if any. */
  origin: string | undefined;
  /** The `Sec-Fetch-Site` header, if any. */
  secFetchSite: string | undefined;
  /** The origins this app is served from (e.g. "https://ssc.example.com"), lower-case, no trailing slash. */
  selfOrigins: readonly string[];
};

export type OriginVerdict = { ok: true } | { ok: false; reason: "cross_origin" | "cross_site" | "no_origin" };


export function checkRequestOrigin(facts: OriginFacts): OriginVerdict {
  if (SAFE_METHODS.has(facts.method.toUpperCase())) return { ok: true };
  const origin = facts.origin?.trim().toLowerCase();
  const site = facts.secFetchSite?.trim().toLowerCase();
  // A browser sends "Origin: null" for a plain form post from a page whose referrer policy is no-referrer,
  // and for sandboxed frames: then only Sec-Fetch-Site (which no page script can set) can tell.
  if (origin && origin !== "null") {
    return facts.selfOrigins.includes(origin.replace(/\/$/, "")) ? { ok: true } : { ok: false, reason: "cross_origin" };
  }
  if (site) return site === "same-origin" ? { ok: true } : { ok: false, reason: "cross_site" };
  return { ok: false, reason: "no_origin" };
}
