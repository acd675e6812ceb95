import { describe, expect, it } from "vitest";
import { checkRequestOrigin } from "./request-origin";

const self = ["http://localhost:3000"];
const post = (origin?: string, secFetchSite?: string, method = "POST") => checkRequestOrigin({ method, origin, secFetchSite, selfOrigins: self });

describe("checkRequestOrigin", () => {
  it("lets reads through whatever their origin", () => {
    for (const method of ["GET", "HEAD", "OPTIONS", "get"]) expect(post("https://evil.example", "cross-site", method)).toEqual({ ok: true });
  });

  it("accepts a state change from this app", () => {
    expect(post("http://localhost:3000")).toEqual({ ok: true });
    expect(post("HTTP://LOCALHOST:3000/")).toEqual({ ok: true });
    expect(post(undefined, "same-origin")).toEqual({ ok: true });
  });

  it.each(["PUT", "PATCH", "DELETE", "POST"])("refuses %s from another origin", (method) => {
    expect(post("https://evil.example", undefined, method)).toEqual({ ok: false, reason: "cross_origin" });
  });

  it("refuses look-alike origins, other ports and schemes, and the null origin", () => {
    for (const origin of ["http://localhost:3001", "https://localhost:3000", "http://localhost:3000.evil.example", "null", "http://evil.example#http://localhost:3000"]) {
      expect(post(origin).ok).toBe(false);
    }
  });

  it("decides an opaque origin (a form post from a no-referrer page, a sandboxed frame) by Sec-Fetch-Site alone", () => {
    expect(post("null", "same-origin")).toEqual({ ok: true });
    expect(post("null", "cross-site")).toEqual({ ok: false, reason: "cross_site" });
    expect(post("null", undefined)).toEqual({ ok: false, reason: "no_origin" });
  });

  it("refuses a sibling site and a cross-site request without Origin, and a request with neither header", () => {
    expect(post(undefined, "same-site")).toEqual({ ok: false, reason: "cross_site" });
    expect(post(undefined, "cross-site")).toEqual({ ok: false, reason: "cross_site" });
    expect(post(undefined, "none")).toEqual({ ok: false, reason: "cross_site" });
    expect(post(undefined, undefined)).toEqual({ ok: false, reason: "no_origin" });
  });

  it("trusts Origin over Sec-Fetch-Site when both are present", () => {
    expect(post("https://evil.example", "same-origin")).toEqual({ ok: false, reason: "cross_origin" });
  });
});
