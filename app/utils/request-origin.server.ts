import type { RequestHandler } from "express";
import { checkRequestOrigin } from "~/domain/request-origin";
import { env } from "./env.server";

const configured = (env.APP_ORIGIN ?? "")
  .split(",")
  .map((o) => o.trim().toLowerCase().replace(/\/$/, ""))
  .filter(Boolean);

/**
 * Refuses every state-changing request that a browser did not send from this app (CSRF, login CSRF
 * included). It runs before every Express route and the Remix handler, whatever the path's spelling.
 * Without APP_ORIGIN, this app's origin is the one the request was addressed to (Host, and the scheme
 * Express sees through a trusted proxy).
 */
export const refuseCrossOrigin: RequestHandler = (req, res, next) => {
  const selfOrigins = configured.length > 0 ? configured : [`${req.protocol}://${req.get("host") ?? ""}`.toLowerCase()];
  const verdict = checkRequestOrigin({
    method: req.method,
    origin: req.get("origin"),
    secFetchSite: req.get("sec-fetch-site"),
    selfOrigins,
  });
  if (verdict.ok) return next();
  res
    .status(403)
    .type("text/plain; charset=utf-8")
    .send(`Forbidden: this request did not come from this application (${verdict.reason}). Reload the page and try again.\n请求并非来自本应用，已拒绝。请刷新页面后重试。\n`);
};
