import { describe, expect, it } from "vitest";
import {
  BOARD_LINK_LIFETIME_DAYS,
  boardLinkExpiry,
  boardLinkState,
  boardScope,
  boardScopeKey,
  coversEveryCompany,
  parseBoardLinkLifetime,
} from "./board-links";

describe("board link lifetimes", () => {
  it("offers 1, 7, 30 and 90 days and nothing unlimited", () => {
    expect(BOARD_LINK_LIFETIME_DAYS).toEqual([1, 7, 30, 90]);
    for (const d of ["1", "7", "30", "90"]) expect(parseBoardLinkLifetime(d)).toBe(Number(d));
    for (const bad of ["", "0", "2", "91", "365", "-1", "7.5", " 7", "1e1", "Infinity", "never", null, undefined, 7])
      expect(parseBoardLinkLifetime(bad), String(bad)).toBeNull();
  });

  it("expires exactly the chosen number of days after it was made", () => {
    const made = new Date("2026-12-03T08:00:00.000Z");
    expect(boardLinkExpiry(made, 1).toISOString()).toBe("2026-12-04T08:00:00.000Z");
    expect(boardLinkExpiry(made, 90).toISOString()).toBe("2027-03-03T08:00:00.000Z");
  });

  it("is active until its expiry instant, expired from it on; revoked wins", () => {
    const expiresAt = new Date("2026-12-04T08:00:00.000Z");
    expect(boardLinkState({ revokedAt: null, expiresAt }, new Date(expiresAt.getTime() - 1))).toBe("active");
    expect(boardLinkState({ revokedAt: null, expiresAt }, expiresAt)).toBe("expired");
    expect(boardLinkState({ revokedAt: new Date("2026-12-03T09:00:00Z"), expiresAt }, new Date("2026-12-03T10:00:00Z"))).toBe("revoked");
    expect(boardLinkState({ revokedAt: new Date("2026-12-03T09:00:00Z"), expiresAt }, new Date("2027-01-01T00:00:00Z"))).toBe("revoked");
  });
});

describe("board scope", () => {
  it("is a sorted set of companies with one key per set", () => {
    expect(boardScope(["b", "a", "b"]).companyIds).toEqual(["a", "b"]);
    expect(boardScopeKey({ companyIds: ["b", "a"] })).toBe(boardScopeKey({ companyIds: ["a", "b", "a"] }));
    expect(boardScopeKey({ companyIds: ["a"] })).not.toBe(boardScopeKey({ companyIds: ["a", "b"] }));
  });

  it("covers every company only with all of them, and never when empty", () => {
    expect(coversEveryCompany({ companyIds: ["a", "b", "c"] }, ["a", "b"])).toBe(true);
    expect(coversEveryCompany({ companyIds: ["a"] }, ["a", "b"])).toBe(false);
    expect(coversEveryCompany({ companyIds: [] }, [])).toBe(false);
  });
});
