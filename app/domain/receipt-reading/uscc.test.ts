import { describe, expect, it } from "vitest";
import { findUsccs, isValidUscc, usccCheckChar } from "./uscc";

describe("unified social credit code (GB 32100-2015)", () => {
  it("accepts codes whose check character is right", () => {
    // Published codes: 国家税务总局 sample and a Shenzhen company.
    expect(isValidUscc("91350100M000100Y43")).toBe(true);
    expect(isValidUscc("914403001922038216")).toBe(true);
    expect(isValidUscc(" 9144 0300 1922 0382 16 ")).toBe(true);
  });

  it("refuses a wrong check character, a changed digit, a letter outside the alphabet, a wrong length", () => {
    expect(isValidUscc("91350100M000100Y44")).toBe(false);
    expect(isValidUscc("91350100M000101Y43")).toBe(false);
    expect(isValidUscc("91350100I000100Y43")).toBe(false);
    expect(isValidUscc("91350100M000100Y4")).toBe(false);
  });

  it("computes the check character (0 when the remainder is 0)", () => {
    expect(usccCheckChar("91350100M000100Y4")).toBe("3");
    expect(usccCheckChar("91350100M000100Y")).toBeNull();
  });

  it("finds the valid codes in text", () => {
    expect(findUsccs("购买方 税号 914403001922038216 销售方 91350100M000100Y43 x 91350100M000100Y44")).toEqual([
      "914403001922038216",
      "91350100M000100Y43",
    ]);
  });
});
