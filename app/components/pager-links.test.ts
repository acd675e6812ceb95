import { describe, expect, it } from "vitest";
import { pageHref, pageSearch, pageWindow } from "./pager-links";

describe("pager links", () => {
  it("changes only the page, keeping every other parameter in order", () => {
    expect(pageHref("/ledger", "?company=c1&period=2026-11&q=EC%2012", 3)).toBe("/ledger?company=c1&period=2026-11&q=EC+12&page=3");
    expect(pageHref("/ledger", "?company=c1&page=3&kind=PAYMENT", 2)).toBe("/ledger?company=c1&page=2&kind=PAYMENT");
  });
  it("page 1 is the list without the parameter; no query at all when nothing is left", () => {
    expect(pageHref("/ledger", "?company=c1&page=3", 1)).toBe("/ledger?company=c1");
    expect(pageHref("/ledger", "?page=2", 1)).toBe("/ledger");
    expect(pageHref("/ledger", "", 1)).toBe("/ledger");
  });
  it("drops one-off notice parameters and uses another parameter name when asked", () => {
    expect(pageHref("/archive/retention", "?proposed=1&type=BX", 2, { drop: ["proposed"] })).toBe("/archive/retention?type=BX&page=2");
    expect(pageHref("/x", "?p=4&y=2020", 5, { param: "p" })).toBe("/x?p=5&y=2020");
  });
  it("a cursor replaces the previous one, or goes for the first page", () => {
    expect(pageSearch("?claimant=Wang&after=abc", "after", "def")).toBe("?claimant=Wang&after=def");
    expect(pageSearch("?claimant=Wang&after=abc", "after", null)).toBe("?claimant=Wang");
  });
});

describe("page window", () => {
  it("counts the rows shown and the pages", () => {
    expect(pageWindow(1, 50, 120, 50)).toEqual({ from: 1, to: 50, pages: 3 });
    expect(pageWindow(3, 50, 120, 20)).toEqual({ from: 101, to: 120, pages: 3 });
    expect(pageWindow(1, 50, 0, 0)).toEqual({ from: 0, to: 0, pages: 1 });
    expect(pageWindow(1, 50, 50, 50)).toEqual({ from: 1, to: 50, pages: 1 });
  });
});
