import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverTiming } from "./server-timing.server";

describe("serverTiming", () => {
  let server: ReturnType<express.Express["listen"]>;
  let base = "";
  beforeAll(async () => {
    const app = express();
    app.use(serverTiming);
    app.get("/slow", (_req, res) => void setTimeout(() => res.send("done"), 60));
    // A streamed answer: the head goes out with the first write, not through res.send.
    app.get("/stream", (_req, res) => {
      res.write("a");
      setTimeout(() => res.end("b"), 20);
    });
    app.get("/head", (_req, res) => {
      res.writeHead(204);
      res.end();
    });
    server = app.listen(0);
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const duration = (res: Response) => Number(/^app;dur=([\d.]+)$/.exec(res.headers.get("server-timing") ?? "")?.[1]);

  it("times the handler up to the response head", async () => {
    const res = await fetch(`${base}/slow`);
    expect(await res.text()).toBe("done");
    expect(duration(res)).toBeGreaterThanOrEqual(55);
    expect(duration(res)).toBeLessThan(2_000);
  });

  it("stamps streamed answers and explicit heads too", async () => {
    const streamed = await fetch(`${base}/stream`);
    expect(await streamed.text()).toBe("ab");
    expect(duration(streamed)).toBeGreaterThanOrEqual(0);
    // Opened at the first write: the 20 ms before the end are not in it.
    expect(duration(streamed)).toBeLessThan(20);
    const head = await fetch(`${base}/head`);
    expect(head.status).toBe(204);
    expect(duration(head)).toBeGreaterThanOrEqual(0);
  });
});
