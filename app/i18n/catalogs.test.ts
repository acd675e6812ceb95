import { describe, expect, it } from "vitest";
import { localeFromAcceptLanguage } from "./config";
import { resources } from "./resources";

function keys(obj: unknown, prefix = ""): string[] {
  if (typeof obj !== "object" || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe("message catalogs", () => {
  it("zh-CN has exactly the English keys in every namespace", () => {
    for (const ns of Object.keys(resources.en) as (keyof typeof resources.en)[]) {
      expect(keys(resources["zh-CN"][ns]).sort(), ns).toEqual(keys(resources.en[ns]).sort());
    }
  });
  it("has no empty strings", () => {
    for (const locale of Object.values(resources)) {
      for (const ns of Object.values(locale)) {
        for (const k of keys(ns)) {
          const value = k.split(".").reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], ns);
          expect(value, k).not.toBe("");
        }
      }
    }
  });
  it("picks a locale from Accept-Language", () => {
    expect(localeFromAcceptLanguage("zh-CN,zh;q=0.9,en;q=0.8")).toBe("zh-CN");
    expect(localeFromAcceptLanguage("en-GB,en;q=0.9")).toBe("en");
    expect(localeFromAcceptLanguage("fr;q=0.9,en;q=0.5")).toBe("en");
    expect(localeFromAcceptLanguage("fr")).toBeUndefined();
    expect(localeFromAcceptLanguage(null)).toBeUndefined();
  });
});
