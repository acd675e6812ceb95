import { describe, expect, it } from "vitest";
import { safeRedirect } from "./safe-redirect";

describe("safeRedirect", () => {
  it.each([
    ["/claims", "/claims"],
    ["/claims/abc?tab=history#top", "/claims/abc?tab=history#top"],
    ["/board?token=abc_DEF-1", "/board?token=abc_DEF-1"],
    ["/claims/a/../b", "/claims/b"],
    ["/%E4%B8%AD", "/%E4%B8%AD"],
  ])("keeps the same-site path %j", (to, expected) => {
    expect(safeRedirect(to)).toBe(expected);
  });

  it.each([
    "https://evil.example",
    "http://evil.example/claims",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "\\/evil.example",
    "/%2Fevil.example",
    "/%2fevil.example",
    "/%5Cevil.example",
    "/%5cevil.example",
    "%2F%2Fevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/\u0000/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "mailto:a@evil.example",
    "evil.example",
    "claims",
    "",
    "/".padEnd(3000, "a"),
  ])("refuses %j", (to) => {
    expect(safeRedirect(to, "/fallback")).toBe("/fallback");
  });

  it("refuses what is not a string", () => {
    expect(safeRedirect(undefined)).toBe("/claims");
    expect(safeRedirect(null)).toBe("/claims");
    expect(safeRedirect(["/claims"])).toBe("/claims");
  });
});
