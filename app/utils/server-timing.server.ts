/**
 * `Server-Timing: app;dur=<ms>` on every response when SERVER_TIMING=1: the web process's time from the
 * request's arrival to its response head (loaders, actions and the render's shell; for a stream, until
 * it opens). The load bench reads it to tell server time from time spent queued in the client or network.
 */
import type { NextFunction, Request, Response } from "express";

export function serverTiming(_req: Request, res: Response, next: NextFunction): void {
  const started = process.hrtime.bigint();
  const writeHead = res.writeHead;
  // Every way a response starts (send, pipe, an implicit head on the first write) goes through writeHead.
  res.writeHead = function (this: Response, ...args: unknown[]) {
    if (!this.headersSent) this.setHeader("Server-Timing", `app;dur=${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(2)}`);
    return (writeHead as (...a: unknown[]) => Response).apply(this, args);
  } as typeof res.writeHead;
  next();
}
