import { describe, expect, it } from "vitest";
import { fieldsFromJson, fieldsToJson, mergeFields } from "./fields";

describe("receipt fields as JSON", () => {
  it("keeps money as integer minor units and a field's region through a round trip", () => {
    const region = { page: 1, x: 120, y: 840, width: 300, height: 40 };
    const json = fieldsToJson({ total: { value: 123456n, confidence: 0.8571, region }, date: { value: "2026-11-30", confidence: 1 } });
    expect(json.total).toEqual({ value: "123456", confidence: 0.857, region });
    expect(json.date).toEqual({ value: "2026-11-30", confidence: 1 });
    const back = fieldsFromJson(JSON.parse(JSON.stringify(json)));
    expect(back.total).toEqual({ value: 123456n, confidence: 0.857, region });
    expect(back.date?.region).toBeUndefined();
  });

  it("drops a malformed region and a non-integer amount instead of trusting them", () => {
    const back = fieldsFromJson({
      total: { value: "12.50", confidence: 0.9 },
      merchant: { value: "全家便利店", confidence: 0.7, region: { page: 1, x: "a", y: 0, width: 1, height: 1 } },
    });
    expect(back.total).toBeUndefined();
    expect(back.merchant).toEqual({ value: "全家便利店", confidence: 0.7 });
  });

  it("lets the first source win field by field", () => {
    const merged = mergeFields({ total: { value: 100n, confidence: 1 } }, { total: { value: 90n, confidence: 0.6 }, date: { value: "2026-12-01", confidence: 0.7 } });
    expect(merged.total?.value).toBe(100n);
    expect(merged.date?.value).toBe("2026-12-01");
  });
});
