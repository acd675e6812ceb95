import { describe, expect, it } from "vitest";
import {
  scrollLeftToShow,
  nextPage,
  nextReceipt,
  positionSearch,
  previousPage,
  previousReceipt,
  resolvePosition,
  rotateClockwise,
  rotationKey,
  stepCount,
  type NavReceipt,
} from "./viewer-navigation";

// A photo, a 3-page PDF, a receipt still processing (no pages yet), a 2-page PDF.
const receipts: NavReceipt[] = [
  { id: "a", pageCount: 1 },
  { id: "b", pageCount: 3 },
  { id: "c", pageCount: 0 },
  { id: "d", pageCount: 2 },
];

describe("resolvePosition", () => {
  it("defaults to the first receipt, page 1", () => {
    expect(resolvePosition(receipts, null, null)).toEqual({ receiptIndex: 0, page: 1 });
  });
  it("finds the receipt and page the URL asks for", () => {
    expect(resolvePosition(receipts, "b", "3")).toEqual({ receiptIndex: 1, page: 3 });
  });
  it("clamps the page to the receipt's pages", () => {
    expect(resolvePosition(receipts, "b", "9")).toEqual({ receiptIndex: 1, page: 3 });
    expect(resolvePosition(receipts, "c", "2")).toEqual({ receiptIndex: 2, page: 1 });
  });
  it("treats a missing, zero or malformed page as page 1", () => {
    for (const page of [null, "0", "-2", "x", "1.5", "", "99999"]) {
      expect(resolvePosition(receipts, "d", page), String(page)).toEqual({ receiptIndex: 3, page: 1 });
    }
  });
  it("falls back to the first receipt, page 1, for an unknown receipt (ignoring its page)", () => {
    expect(resolvePosition(receipts, "gone", "2")).toEqual({ receiptIndex: 0, page: 1 });
  });
  it("is null for a claim without receipts", () => {
    expect(resolvePosition([], "a", "1")).toBeNull();
  });
});

describe("stepping pages", () => {
  it("walks every page of every receipt in order and stops at the end", () => {
    const seen: string[] = [];
    let pos = resolvePosition(receipts, null, null);
    while (pos) {
      seen.push(`${receipts[pos.receiptIndex]!.id}${pos.page}`);
      pos = nextPage(receipts, pos);
    }
    expect(seen).toEqual(["a1", "b1", "b2", "b3", "c1", "d1", "d2"]);
  });
  it("walks back, entering a multi-page receipt at its last page, and stops at the start", () => {
    const seen: string[] = [];
    let pos = resolvePosition(receipts, "d", "2");
    while (pos) {
      seen.push(`${receipts[pos.receiptIndex]!.id}${pos.page}`);
      pos = previousPage(receipts, pos);
    }
    expect(seen).toEqual(["d2", "d1", "c1", "b3", "b2", "b1", "a1"]);
  });
  it("returns null for a position outside the list", () => {
    expect(nextPage(receipts, { receiptIndex: 7, page: 1 })).toBeNull();
    expect(previousPage(receipts, { receiptIndex: 7, page: 2 })).toBeNull();
    expect(nextPage([], { receiptIndex: 0, page: 1 })).toBeNull();
  });
});

describe("stepping receipts", () => {
  it("goes to page 1 of the neighbouring receipt, whatever page it is on", () => {
    expect(nextReceipt(receipts, { receiptIndex: 1, page: 3 })).toEqual({ receiptIndex: 2, page: 1 });
    expect(previousReceipt(receipts, { receiptIndex: 3, page: 2 })).toEqual({ receiptIndex: 2, page: 1 });
    expect(previousReceipt(receipts, { receiptIndex: 2, page: 1 })).toEqual({ receiptIndex: 1, page: 1 });
  });
  it("does not wrap around", () => {
    expect(nextReceipt(receipts, { receiptIndex: 3, page: 1 })).toBeNull();
    expect(previousReceipt(receipts, { receiptIndex: 0, page: 1 })).toBeNull();
  });
});

describe("positionSearch", () => {
  it("writes receipt and page and keeps other parameters", () => {
    const search = positionSearch(receipts, { receiptIndex: 1, page: 2 }, new URLSearchParams("from=queue&page=1"));
    expect(search.get("receipt")).toBe("b");
    expect(search.get("page")).toBe("2");
    expect(search.get("from")).toBe("queue");
  });
});

describe("rotation", () => {
  it("turns a quarter clockwise and wraps to 0 after 270", () => {
    expect([0, 90, 180, 270].map(rotateClockwise)).toEqual([90, 180, 270, 0]);
  });
  it("snaps odd angles to the next quarter turn", () => {
    expect(rotateClockwise(-90)).toBe(0);
    expect(rotateClockwise(360)).toBe(90);
    expect(rotateClockwise(89)).toBe(180);
  });
  it("keys rotations by receipt and page", () => {
    expect(rotationKey("b", 2)).not.toBe(rotationKey("b", 1));
  });
});

describe("stepCount", () => {
  it("counts a receipt without pages as one stop", () => {
    expect(stepCount({ id: "x", pageCount: 0 })).toBe(1);
    expect(stepCount({ id: "x", pageCount: 4 })).toBe(4);
  });
});

describe("scrollLeftToShow", () => {
  const strip = { scrollLeft: 100, clientWidth: 300 };
  it("leaves an item that shows with its margin where it is", () => {
    expect(scrollLeftToShow({ offsetLeft: 150, offsetWidth: 50 }, strip)).toBeNull();
  });
  it("scrolls back to an item off to the left, with the margin", () => {
    expect(scrollLeftToShow({ offsetLeft: 90, offsetWidth: 50 }, strip)).toBe(74);
  });
  it("scrolls on to an item off to the right, with the margin", () => {
    expect(scrollLeftToShow({ offsetLeft: 380, offsetWidth: 50 }, strip)).toBe(146);
  });
});
