import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkSessionSecret } from "./session-secret";

describe("checkSessionSecret", () => {
  it("accepts 32 random bytes as base64, base64url or hex", () => {
    expect(checkSessionSecret(randomBytes(32).toString("base64"))).toEqual({ ok: true });
    expect(checkSessionSecret(randomBytes(32).toString("base64url"))).toEqual({ ok: true });
    expect(checkSessionSecret(randomBytes(32).toString("hex"))).toEqual({ ok: true });
  });

  it.each([
    [undefined, "not set"],
    ["", "not set"],
    ["dev-only-session-secret-change-me", "shorter"],
    [randomBytes(16).toString("base64"), "shorter"],
    [randomBytes(31).toString("hex"), "shorter"],
    ["a".repeat(64), "random"],
    ["test-session-secret-0123456789-abcdefghijklmnopqrstuvwxyz", "random"],
  ])("refuses %j", (secret, why) => {
    const verdict = checkSessionSecret(secret);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? "" : verdict.reason).toContain(why);
  });
});
