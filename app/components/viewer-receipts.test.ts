import { describe, expect, it } from "vitest";
import { failureCode, linesOfReceipt, pagesOf, parseRotations, receiptBase, rotationStyle } from "./viewer-receipts";

describe("viewer receipts", () => {
  it("names known failures and calls anything else unknown", () => {
    expect(failureCode("encrypted_pdf")).toBe("encrypted_pdf");
    expect(failureCode("disk_on_fire")).toBe("unknown");
    expect(failureCode(null)).toBe("unknown");
  });

  it("shows pages only for a READY receipt", () => {
    const pages = [{ width: 1, height: 1 }, { width: 1, height: 1 }];
    expect(pagesOf({ status: "READY", pages })).toBe(2);
    expect(pagesOf({ status: "PROCESSING", pages })).toBe(0);
    expect(pagesOf({ status: "FAILED", pages })).toBe(0);
  });

  it("escapes the receipt id in its file path", () => {
    expect(receiptBase("a/b")).toBe("/files/receipts/a%2Fb");
  });

  it("keeps only quarter-turn rotations from storage and survives junk", () => {
    expect(parseRotations(JSON.stringify({ "r1:1": 90, "r1:2": 45, "r2:1": "90", "r3:1": 270 }))).toEqual({ "r1:1": 90, "r3:1": 270 });
    expect(parseRotations("not json")).toEqual({});
    expect(parseRotations("null")).toEqual({});
    expect(parseRotations(null)).toEqual({});
  });

  it("styles only a turned image", () => {
    expect(rotationStyle(0)).toBeUndefined();
    expect(rotationStyle(180)).toEqual({ transform: "rotate(180deg)" });
  });

  it("lists a receipt's lines in claim order, skipping unknown ids", () => {
    const byId = new Map([
      ["b", { id: "b", position: 2 }],
      ["a", { id: "a", position: 1 }],
    ]);
    expect(linesOfReceipt(["b", "zz", "a"], byId).map((l) => l.id)).toEqual(["a", "b"]);
  });
});
