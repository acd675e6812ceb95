import { describe, expect, it } from "vitest";
import { DEFAULT_SESSION_LIMITS, needsTouch, sessionState } from "./session-policy";

const t0 = new Date("2026-12-03T08:00:00Z");
const min = (n: number) => new Date(t0.getTime() + n * 60_000);
const session = (over: Partial<Parameters<typeof sessionState>[0]> = {}) => ({ createdAt: t0, lastSeenAt: t0, expiresAt: min(12 * 60), revokedAt: null, ...over });

describe("sessionState", () => {
  it("is active while used within the idle limit and the absolute lifetime", () => {
    expect(sessionState(session(), min(29), DEFAULT_SESSION_LIMITS)).toBe("active");
    expect(sessionState(session({ lastSeenAt: min(11 * 60 + 50) }), min(11 * 60 + 59), DEFAULT_SESSION_LIMITS)).toBe("active");
  });

  it("ends after 30 idle minutes", () => {
    expect(sessionState(session(), min(30), DEFAULT_SESSION_LIMITS)).toBe("idle");
  });

  it("ends after 12 hours however busy", () => {
    expect(sessionState(session({ lastSeenAt: min(12 * 60 - 1) }), min(12 * 60), DEFAULT_SESSION_LIMITS)).toBe("expired");
  });

  it("takes the shorter of the stored expiry and a lowered absolute limit", () => {
    expect(sessionState(session(), min(61), { idleMs: 3_600_000, absoluteMs: 60 * 60_000 })).toBe("expired");
  });

  it("is over once revoked, whatever the clock", () => {
    expect(sessionState(session({ revokedAt: min(1) }), min(2), DEFAULT_SESSION_LIMITS)).toBe("revoked");
  });

  it("touches last-seen at most once a minute", () => {
    expect(needsTouch(t0, min(0.5))).toBe(false);
    expect(needsTouch(t0, min(1))).toBe(true);
  });
});
