import { describe, expect, it } from "vitest";
import { isSeedOrTestEmail, realUsersRefusal } from "./real-users";

describe("the seed's guard against real users", () => {
  it("tells the seed's and the tests' users from anyone else", () => {
    expect(isSeedOrTestEmail("employee@demo.af")).toBe(true);
    expect(isSeedOrTestEmail("Staff001@DEMO.AF")).toBe(true);
    expect(isSeedOrTestEmail("user-1b2c@test.example")).toBe(true);
    expect(isSeedOrTestEmail("zhang.wei@group.com.cn")).toBe(false);
    expect(isSeedOrTestEmail("someone@demo.af.evil.com")).toBe(false);
    expect(isSeedOrTestEmail("someone@notdemo.af.com")).toBe(false);
    expect(isSeedOrTestEmail("@demo.af")).toBe(false);
  });

  it("refuses in one line naming the flag, unless allowed or there is nobody real", () => {
    const refusal = realUsersRefusal({ realUserCount: 2, examples: ["a@corp.cn", "b@corp.cn"], allowed: false });
    expect(refusal).toMatch(/^refusing to seed: this database has 2 real users .*a@corp\.cn.*--allow-real-users/);
    expect(refusal).not.toContain("\n");
    expect(realUsersRefusal({ realUserCount: 2, examples: ["a@corp.cn"], allowed: true })).toBeNull();
    expect(realUsersRefusal({ realUserCount: 0, examples: [], allowed: false })).toBeNull();
  });
});
