/**
 * The web process: Express serving the Remix build, with security headers, compression,
 * a login rate limit, and a clean stop on SIGTERM/SIGINT (remix-serve does not stop while
 * Prisma and Redis connections are open).
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import { rateLimit } from "express-rate-limit";
import helmet from "helmet";
import { env } from "./app/utils/env.server";
import { QUEUE_BOARD_PATH, queueBoardRouter, requireQueueBoardAccess } from "./app/utils/queue-board.server";
import { runShutdownHooks } from "./app/utils/shutdown.server";

const BUILD_PATH = path.resolve("build/index.js");

export async function createApp(): Promise<express.Express> {
  const build = (await import(pathToFileURL(BUILD_PATH).href)) as ServerBuild;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");

  app.use((_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString("base64");
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          "script-src": ["'self'", (_req, res) => `'nonce-${(res as express.Response).locals.cspNonce as string}'`],
          "img-src": ["'self'", "data:", "blob:"],
          "connect-src": ["'self'"],
          "style-src": ["'self'", "'unsafe-inline'"],
          "upgrade-insecure-requests": null,
        },
      },
      crossOriginEmbedderPolicy: false,
      strictTransportSecurity: process.env.COOKIE_SECURE === "true",
    }),
  );
  // Event streams must not be buffered by compression.
  app.use(compression({ filter: (req, res) => !String(req.headers.accept ?? "").includes("text/event-stream") && compression.filter(req, res) }));

  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));

  // bull-board renders its own page with inline scripts: it gets a CSP of its own, behind the role check.
  app.use(
    QUEUE_BOARD_PATH,
    requireQueueBoardAccess,
    (_req, res, next) => {
      res.setHeader("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline' https:; img-src 'self' data:; font-src 'self' data: https:");
      next();
    },
    queueBoardRouter(),
  );

  app.post(
    "/login",
    rateLimit({
      windowMs: 60_000,
      limit: Number(process.env.LOGIN_RATE_LIMIT ?? 10),
      standardHeaders: "draft-7",
      legacyHeaders: false,
      handler: (_req, res) => {
        res.redirect(303, "/login?error=too_many");
      },
    }),
  );

  app.all(
    "*",
    createRequestHandler({
      build,
      mode: env.NODE_ENV,
      getLoadContext: (_req, res) => ({ cspNonce: res.locals.cspNonce as string }),
    }),
  );
  return app;
}

async function main(): Promise<void> {
  const app = await createApp();
  const server = app.listen(env.PORT, () => {
    console.log(`[web] listening on http://localhost:${env.PORT}`);
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[web] ${signal}: stopping`);
    server.close(() => {
      void runShutdownHooks().then(() => process.exit(0));
    });
    server.closeIdleConnections();
    // Long-lived connections (event streams) are cut after a grace period.
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

void main();
