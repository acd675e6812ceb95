/**
 * Where a `redirectTo` may send someone back to: a path on this site, nothing else. Browsers are lenient
 * with what they accept as a URL (backslashes become slashes, tabs and newlines are dropped, `%2F` may be
 * decoded by a proxy), so anything that could be read as another host or a scheme falls back.
 */
const BASE = "http://same-origin.invalid";

export function safeRedirect(to: unknown, fallback = "/claims"): string {
  if (typeof to !== "string" || to.length === 0 || to.length > 2048) return fallback;
  // Control characters (tab, CR, LF are stripped by URL parsers) and backslashes (read as "/").
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(to)) return fallback;
  if (!to.startsWith("/") || to.startsWith("//")) return fallback;
  // Encoded slashes or backslashes, which a proxy or a second decoding could turn into "//host".
  if (/%(2f|5c)/i.test(to)) return fallback;
  // Any percent-encoded control character, once decoded, is the same trick as a raw one.
  if (/%(0[0-9a-f]|1[0-9a-f]|7f)/i.test(to)) return fallback;
  let url: URL;
  try {
    url = new URL(to, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // The normalised path must still be a plain path (e.g. "/./\/evil" style tricks normalise to "//").
  if (!path.startsWith("/") || path.startsWith("//")) return fallback;
  return path;
}
