import { describe, expect, it } from "vitest";
import { buildManifest, derivedPathFor, isSafeRelativePath, originalPathFor, packageRelativePath, readManifest, retentionFor, safeSegment } from "./archive-package";

const sha = (c: string) => c.repeat(64);
const base = {
  claimId: "c1",
  claimNumber: "EC-2026-000001",
  company: { id: "co", code: "SZ01" },
  outcome: "PAID" as const,
  closedOn: "2026-03-05",
  filedAt: "2026-03-06T01:00:00.000Z",
  filedBy: { actorId: null, process: "archive worker" },
  retention: { class: "EXPENSE_CLAIM" as const, years: 30, endsOn: "2056-12-31" },
};

describe("package layout", () => {
  it("puts a package at company / year closed / claim number", () => {
    expect(packageRelativePath("SZ01", "2026-03-05", "EC-2026-000001")).toBe("SZ01/2026/EC-2026-000001");
  });
  it("never lets a segment leave its directory", () => {
    expect(safeSegment("../../etc")).toBe("__.._etc");
    expect(safeSegment("a/b")).toBe("a_b");
    expect(safeSegment("")).toBe("_");
    expect(packageRelativePath("../x", "2026-01-01", "..")).toBe("__x/2026/_");
    expect(() => packageRelativePath("A", "2026-1-1", "N")).toThrow();
  });
  it("names originals and page images by receipt number", () => {
    expect(originalPathFor(1, "image/jpeg")).toBe("originals/R1.jpg");
    expect(originalPathFor(2, "application/pdf")).toBe("originals/R2.pdf");
    expect(originalPathFor(3, "application/x-unknown")).toBe("originals/R3.bin");
    expect(derivedPathFor(2, 3)).toBe("derived/R2-p3.jpg");
  });
  it("accepts only safe relative paths", () => {
    expect(isSafeRelativePath("originals/R1.jpg")).toBe(true);
    for (const bad of ["", "/etc/passwd", "a/../b", "a//b", "./a", "a\\b"]) expect(isSafeRelativePath(bad)).toBe(false);
  });
});

describe("retention of a record", () => {
  it("is 30 years for an expense claim, through 31 December", () => {
    expect(retentionFor(null, "EXPENSE_CLAIM", "2026-03-05")).toEqual({ class: "EXPENSE_CLAIM", years: 30, endsOn: "2056-12-31" });
  });
  it("follows a company's longer period, and permanent", () => {
    expect(retentionFor({ EXPENSE_CLAIM: { kind: "years", years: 40 } }, "EXPENSE_CLAIM", "2026-03-05").endsOn).toBe("2066-12-31");
    expect(retentionFor({ EXPENSE_CLAIM: { kind: "permanent" } }, "EXPENSE_CLAIM", "2026-03-05")).toEqual({ class: "EXPENSE_CLAIM", years: null, endsOn: null });
  });
  it("keeps the law's minimum when a stored override is shorter or garbage", () => {
    expect(retentionFor({ EXPENSE_CLAIM: { kind: "years", years: 5 } }, "EXPENSE_CLAIM", "2026-03-05").years).toBe(30);
    expect(retentionFor("nonsense", "EXPENSE_CLAIM", "2026-03-05").years).toBe(30);
  });
});

describe("manifest", () => {
  const files = [
    { path: "originals/R1.jpg", role: "ORIGINAL" as const, mediaType: "image/jpeg", size: 10, sha256: sha("b") },
    { path: "claim.json", role: "DATA" as const, mediaType: "application/json", size: 5, sha256: sha("a") },
  ];
  it("lists files sorted by path and gives the same bytes for the same package", () => {
    const a = buildManifest({ ...base, files });
    const b = buildManifest({ ...base, files: [...files].reverse() });
    expect(a.manifest.files.map((f) => f.path)).toEqual(["claim.json", "originals/R1.jpg"]);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(a.manifest.retention).toEqual(base.retention);
    expect(readManifest(JSON.parse(a.bytes.toString("utf8")))).toEqual(a.manifest);
  });
  it("refuses itself, duplicates, bad digests and unsafe paths", () => {
    expect(() => buildManifest({ ...base, files: [{ ...files[0]!, path: "manifest.json" }] })).toThrow(/itself/);
    expect(() => buildManifest({ ...base, files: [files[0]!, files[0]!] })).toThrow(/two files/);
    expect(() => buildManifest({ ...base, files: [{ ...files[0]!, sha256: "xyz" }] })).toThrow(/sha256/);
    expect(() => buildManifest({ ...base, files: [{ ...files[0]!, path: "../x" }] })).toThrow(/unsafe/);
  });
  it("reads back only a manifest this code wrote", () => {
    expect(readManifest({ format: "other" })).toBeNull();
    expect(readManifest(null)).toBeNull();
    expect(readManifest({ ...base, format: "accounting-factory/archive-package@1", files: [{ path: "x", role: "NOPE", sha256: "", size: 1, mediaType: "x" }] })).toBeNull();
  });
});
