/**
 * The web process: Express serving the Remix build, with security headers, cross-origin refusal for
 * every state-changing request, compression, and a clean stop on SIGTERM/SIGINT (remix-serve does not
 * stop while Prisma and Redis connections are open). Sign-in throttling lives in the sign-in action
 * itself (app/models/sign-in.server.ts), where no spelling of the path can get around it.
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import helmet from "helmet";
import { env } from "./app/utils/env.server";
import { QUEUE_BOARD_PATH, queueBoardRouter, requireQueueBoardAccess } from "./app/utils/queue-board.server";
import { refuseCrossOrigin } from "./app/utils/request-origin.server";
import { assertLeastPrivilegedConnection, readReplica } from "./app/utils/db.server";
import { replicaConfigured, wroteCookie } from "./app/utils/read-your-writes.server";
import { checkSessionSecret } from "./app/utils/session-secret";
import { cookiesSecure } from "./app/utils/session.server";
import { markDraining, runShutdownHooks } from "./app/utils/shutdown.server";
import { serverTiming } from "./app/utils/server-timing.server";
import { answerOutages } from "./app/utils/outage.server";

const BUILD_PATH = path.resolve("build/index.js");

export async function createApp(): Promise<express.Express> {
  // Postgres or Redis away: a 503 "try again" page, never a stack trace (app/utils/outage.server.ts).
  const build = answerOutages((await import(pathToFileURL(BUILD_PATH).href)) as ServerBuild);
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  if (env.SERVER_TIMING) app.use(serverTiming);
  // Which instance answered, behind a load balancer (docs/deploy.md): logs, support and the instance test read it.
  const instance = env.INSTANCE_NAME ?? `${os.hostname()}:${env.PORT}`;
  app.use((_req, res, next) => {
    res.setHeader("X-Instance", instance);
    next();
  });

  if (env.NODE_ENV === "production" && env.ALLOW_PLAIN_HTTP_ON_LOCALHOST) {
    // Plain HTTP is for the demo on this machine: nobody else may reach it (the socket's own peer, not a forwarded address).
    app.use((req, res, next) => {
      if (isLoopback(req.socket.remoteAddress)) return next();
      res.status(403).type("text/plain").send("This server speaks plain HTTP to this machine only. Serve it over HTTPS to reach it from elsewhere.\n");
    });
  }

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
      // Same-origin requests keep their Referer and, for plain form posts, a real Origin (no-referrer sends "null").
      referrerPolicy: { policy: "same-origin" },
      // HTTPS only, for a year, once production serves secure cookies.
      strictTransportSecurity: cookiesSecure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    }),
  );
  // Before every route below (bull-board's included) and whatever the path's spelling.
  app.use(refuseCrossOrigin);
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

  // With a read replica: a browser that just wrote reads the primary for a few seconds (docs/decisions/026).
  if (replicaConfigured()) {
    app.use((req, res, next) => {
      if (req.method !== "GET" && req.method !== "HEAD") res.append("Set-Cookie", wroteCookie(cookiesSecure));
      next();
    });
  }

  app.all(
    "*",
    createRequestHandler({
      build,
      mode: env.NODE_ENV,
      getLoadContext: (req, res) => ({ cspNonce: res.locals.cspNonce as string, clientAddress: req.ip ?? req.socket.remoteAddress ?? "unknown" }),
    }),
  );
  return app;
}

function isLoopback(address: string | undefined): boolean {
  return !!address && (address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127."));
}

async function main(): Promise<void> {
  if (env.NODE_ENV === "production") {
    // No built-in secret: a production server without a strong one does not start.
    const verdict = checkSessionSecret(env.SESSION_SECRET);
    if (!verdict.ok) {
      console.error(`[web] refusing to start: ${verdict.reason}`);
      process.exit(1);
    }
    if (replicaConfigured()) await assertLeastPrivilegedConnection(readReplica).catch((err: unknown) => {
      console.error(`[web] refusing to start: DATABASE_REPLICA_URL: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
    await assertLeastPrivilegedConnection().catch((err: unknown) => {
      console.error(`[web] refusing to start: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
  }
  const app = await createApp();
  const server = app.listen(env.PORT, () => {
    console.log(`[web] listening on http://localhost:${env.PORT}`);
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    markDraining();
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

// Started as a program (npm start); imported by tests and benches, it only builds the app.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) void main();
