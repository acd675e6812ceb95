import { describe, expect, it } from "vitest";
import { isServiceUnavailable } from "./outage";

/** Shapes as Prisma 7 with @prisma/adapter-pg threw them when a local Postgres was stopped (captured 2026-12-04). */
function prismaError(code: string, message: string, meta?: Record<string, unknown>) {
  return Object.assign(new Error(message), { name: "PrismaClientKnownRequestError", code, meta, clientVersion: "7.10.0" });
}

describe("isServiceUnavailable", () => {
  it("knows Postgres going away under Prisma", () => {
    expect(isServiceUnavailable(prismaError("P2010", "Raw query failed. Code: `57P01`. Message: `terminating connection due to administrator command`"))).toBe(true);
    expect(isServiceUnavailable(prismaError("P2010", "Raw query failed. Code: `N/A`. Message: `Can't reach database server at 127.0.0.1:5590`"))).toBe(true);
    expect(isServiceUnavailable(prismaError("P1001", "Can't reach database server at 127.0.0.1:5590"))).toBe(true);
    expect(isServiceUnavailable(prismaError("P1017", "Server has closed the connection."))).toBe(true);
    expect(isServiceUnavailable(prismaError("P2024", "Timed out fetching a new connection from the connection pool."))).toBe(true);
    expect(isServiceUnavailable(prismaError("P2010", "Raw query failed.", { code: "57P03", message: "the database system is starting up" }))).toBe(true);
  });

  it("knows node-postgres, socket and ioredis errors, through the cause chain", () => {
    expect(isServiceUnavailable(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isServiceUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isServiceUnavailable(Object.assign(new Error("terminating connection"), { code: "57P01" }))).toBe(true);
    expect(isServiceUnavailable(new Error("Connection is closed."))).toBe(true);
    expect(isServiceUnavailable(Object.assign(new Error("Reached the max retries per request limit (which is 3)."), { name: "MaxRetriesPerRequestError" }))).toBe(true);
    expect(isServiceUnavailable(new Error("load failed", { cause: Object.assign(new Error("x"), { code: "ECONNRESET" }) }))).toBe(true);
  });

  it("leaves real bugs and refusals alone: they are not a reason to say 'try again'", () => {
    expect(isServiceUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isServiceUnavailable(prismaError("P2002", "Unique constraint failed on the fields: (`number`)"))).toBe(false);
    expect(isServiceUnavailable(prismaError("P2010", "Raw query failed. Code: `23505`. Message: `duplicate key value`"))).toBe(false);
    expect(isServiceUnavailable(prismaError("P2010", "Raw query failed. Code: `40001`. Message: `could not serialize access`"))).toBe(false);
    expect(isServiceUnavailable(new Response(null, { status: 404 }))).toBe(false);
    expect(isServiceUnavailable(null)).toBe(false);
    expect(isServiceUnavailable("Connection is closed.")).toBe(false);
    const loop: { message: string; cause?: unknown } = { message: "loop" };
    loop.cause = loop;
    expect(isServiceUnavailable(loop)).toBe(false);
  });
});
