import { describe, expect, it } from "vitest";
import { READ_YOUR_WRITES_SECONDS, wroteCookie, wroteRecently } from "./read-your-writes.server";

const request = (cookie?: string) => new Request("http://x/claims", cookie ? { headers: { cookie } } : {});

describe("read-your-writes cookie", () => {
  it("is short-lived, HttpOnly, for the whole site, Secure when cookies are", () => {
    expect(wroteCookie(false)).toBe(`af_wrote=1; Max-Age=${READ_YOUR_WRITES_SECONDS}; Path=/; HttpOnly; SameSite=Lax`);
    expect(wroteCookie(true)).toMatch(/; Secure$/);
  });

  it("is recognised among other cookies, and nothing else counts", () => {
    expect(wroteRecently(request("af_session=abc; af_wrote=1; lang=zh"))).toBe(true);
    expect(wroteRecently(request("af_wrote=1"))).toBe(true);
    expect(wroteRecently(request())).toBe(false);
    expect(wroteRecently(request("af_session=abc"))).toBe(false);
    expect(wroteRecently(request("x_af_wrote=1; af_wrote=0"))).toBe(false);
  });
});
