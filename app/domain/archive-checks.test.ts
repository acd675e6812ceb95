import { describe, expect, it } from "vitest";
import { fixityVerdict, nightlyFixityShare, pickRandomSample, runArchiveChecks, type PackageObservation } from "./archive-checks";
import { buildAddendumManifest } from "./archive-addendum";
import { buildManifest } from "./archive-package";

const sha = (c: string) => c.repeat(64);

/** A good package: claim.json, history.json, audit.json, one JPEG receipt with one page image, the manifest. */
function goodPackage(): PackageObservation {
  const listed = [
    { path: "audit.json", role: "AUDIT" as const, mediaType: "application/json", size: 3, sha256: sha("1") },
    { path: "claim.json", role: "DATA" as const, mediaType: "application/json", size: 3, sha256: sha("2") },
    { path: "derived/R1-p1.jpg", role: "DERIVED" as const, mediaType: "image/jpeg", size: 3, sha256: sha("3") },
    { path: "history.json", role: "HISTORY" as const, mediaType: "application/json", size: 3, sha256: sha("4") },
    { path: "originals/R1.jpg", role: "ORIGINAL" as const, mediaType: "image/jpeg", size: 3, sha256: sha("5") },
  ];
  const { manifest } = buildManifest({
    claimId: "c1",
    claimNumber: "N1",
    company: { id: "co", code: "SZ" },
    outcome: "PAID",
    closedOn: "2026-03-05",
    filedAt: "2026-03-05T00:00:00.000Z",
    filedBy: { actorId: null, process: "t" },
    retention: { class: "EXPENSE_CLAIM", years: 30, endsOn: "2056-12-31" },
    files: listed,
  });
  const disk = [
    ...listed.map((f) => ({ path: f.path, kind: "file" as const, mode: 0o444, size: f.size, sha256: f.sha256 })),
    { path: "manifest.json", kind: "file" as const, mode: 0o444, size: 9, sha256: sha("m") },
    { path: "derived", kind: "dir" as const, mode: 0o555, size: 0 },
    { path: "originals", kind: "dir" as const, mode: 0o555, size: 0 },
  ];
  return {
    claimId: "c1",
    manifestSha256: sha("m"),
    packagePath: "SZ/2026/N1",
    expectedPackagePath: "SZ/2026/N1",
    insideArchiveRoot: true,
    packageDirMode: 0o555,
    disk,
    manifest,
    recordFiles: [...listed.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })), { path: "manifest.json", sha256: sha("m"), size: 9 }],
    claimData: {
      id: "c1",
      number: "N1",
      status: "PAID",
      purpose: "trip",
      company: {},
      department: {},
      claimant: {},
      currency: "CNY",
      totalMinor: "100",
      lines: [{ position: 1, spentOn: "2026-03-01", category: "TAXI", merchant: "Taxi", amountMinor: "100", currency: "CNY" }],
      receipts: [{ no: 1, original: "originals/R1.jpg", pages: 1, derived: ["derived/R1-p1.jpg"] }],
    },
    opens: new Map(disk.filter((d) => d.kind === "file").map((d) => [d.path, { ok: true as const }])),
    audit: { packaged: [{ id: "7", hash: sha("e") }], inDatabase: new Map([["7", { hash: sha("e"), recomputes: true, links: true }]]) },
    addenda: [],
  };
}

/** The good package with addendum 1 (a payment returned): its claim.json, audit.json and manifest on disk and in the rows. */
function withAddendum(): PackageObservation {
  const o = goodPackage();
  // The original manifest's digest, as a real one (the addendum's manifest checks it is a sha256).
  o.manifestSha256 = sha("f");
  o.disk.find((d) => d.path === "manifest.json")!.sha256 = sha("f");
  o.recordFiles.find((f) => f.path === "manifest.json")!.sha256 = sha("f");
  const files = [
    { path: "addenda/1/audit.json", role: "AUDIT" as const, mediaType: "application/json", size: 4, sha256: sha("6") },
    { path: "addenda/1/claim.json", role: "DATA" as const, mediaType: "application/json", size: 4, sha256: sha("7") },
  ];
  const { manifest } = buildAddendumManifest({
    claimId: "c1",
    claimNumber: "N1",
    recordId: "r1",
    seq: 1,
    reason: "PAYMENT_RETURNED",
    claimStatus: "PAYMENT_FAILED",
    previousManifestSha256: sha("f"),
    audit: { fromSeq: "8", throughSeq: "9" },
    filedAt: "2026-03-09T00:00:00.000Z",
    filedBy: { actorId: null, process: "t" },
    files,
  });
  o.disk.push(
    { path: "addenda", kind: "dir", mode: 0o555, size: 0 },
    { path: "addenda/1", kind: "dir", mode: 0o555, size: 0 },
    ...files.map((f) => ({ path: f.path, kind: "file" as const, mode: 0o444, size: f.size, sha256: f.sha256 })),
    { path: "addenda/1/manifest.json", kind: "file", mode: 0o444, size: 9, sha256: sha("a") },
  );
  for (const d of o.disk) if (d.kind === "file") o.opens.set(d.path, { ok: true });
  o.recordFiles.push(...files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })), { path: "addenda/1/manifest.json", sha256: sha("a"), size: 9 });
  o.addenda = [{ seq: 1, manifestSha256: sha("a"), previousManifestSha256: sha("f"), manifest }];
  return o;
}

const codes = (o: PackageObservation) => {
  const r = runArchiveChecks(o);
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.problems.map((p) => p.code)]));
};

describe("the four checks", () => {
  it("pass on a package with an addendum, and catch an addendum changed, cut from its chain, missing or not listed", () => {
    const r = runArchiveChecks(withAddendum());
    expect([r.authenticity.ok, r.integrity.ok, r.usability.ok, r.security.ok]).toEqual([true, true, true, true]);

    const changed = withAddendum();
    const claimFile = changed.disk.find((d) => d.path === "addenda/1/claim.json")!;
    claimFile.sha256 = sha("0");
    expect(codes(changed).authenticity).toEqual(["file_digest_mismatch"]);

    const unlinked = withAddendum();
    unlinked.addenda[0]!.previousManifestSha256 = sha("b");
    expect(codes(unlinked).authenticity).toContain("addendum_unlinked");

    const rewritten = withAddendum();
    rewritten.disk.find((d) => d.path === "addenda/1/manifest.json")!.sha256 = sha("c");
    expect(codes(rewritten).authenticity).toContain("manifest_digest_mismatch");

    const missing = withAddendum();
    missing.disk = missing.disk.filter((d) => d.path !== "addenda/1/audit.json");
    expect(codes(missing).integrity).toEqual(expect.arrayContaining(["missing_part", "missing_file"]));

    // Files under addenda/ without a row (an addendum nobody filed) are not part of the record.
    const stray = goodPackage();
    stray.disk.push({ path: "addenda/1/claim.json", kind: "file", mode: 0o444, size: 1, sha256: sha("d") });
    stray.opens.set("addenda/1/claim.json", { ok: true });
    expect(codes(stray).integrity).toEqual(["unlisted_file"]);
  });

  it("pass on a good package", () => {
    const r = runArchiveChecks(goodPackage());
    expect([r.authenticity.ok, r.integrity.ok, r.usability.ok, r.security.ok]).toEqual([true, true, true, true]);
  });

  it("authenticity: a changed file, a changed manifest, a different record list, an altered or missing audit event", () => {
    const o = goodPackage();
    o.disk[0] = { ...o.disk[0]!, sha256: sha("9") };
    expect(codes(o).authenticity).toEqual(["file_digest_mismatch"]);

    const m = goodPackage();
    m.manifestSha256 = sha("x");
    expect(codes(m).authenticity).toContain("manifest_digest_mismatch");

    const rows = goodPackage();
    rows.recordFiles.pop();
    expect(codes(rows).authenticity).toEqual(["record_files_differ"]);

    const a = goodPackage();
    a.audit.inDatabase.set("7", { hash: sha("e"), recomputes: false, links: true });
    expect(codes(a).authenticity).toEqual(["audit_event_altered"]);
    a.audit.inDatabase.set("7", { hash: sha("e"), recomputes: true, links: false });
    expect(codes(a).authenticity).toEqual(["audit_event_unlinked"]);
    a.audit.inDatabase.clear();
    expect(codes(a).authenticity).toEqual(["audit_event_missing"]);
  });

  it("integrity: a missing file, an extra file, a missing field, a receipt without its original or page image", () => {
    const o = goodPackage();
    o.disk = o.disk.filter((d) => d.path !== "originals/R1.jpg");
    expect(codes(o).integrity).toEqual(["missing_original", "missing_file"]);

    const extra = goodPackage();
    extra.disk.push({ path: "notes.txt", kind: "file", mode: 0o444, size: 1, sha256: sha("n") });
    extra.opens.set("notes.txt", { ok: true });
    expect(codes(extra).integrity).toEqual(["unlisted_file"]);

    const fields = goodPackage();
    delete (fields.claimData as Record<string, unknown>).claimant;
    ((fields.claimData as { lines: Record<string, unknown>[] }).lines[0]!).merchant = null;
    expect(runArchiveChecks(fields).integrity.problems.map((p) => p.detail)).toEqual(["claimant", "lines[0].merchant"]);

    const pages = goodPackage();
    (pages.claimData as { receipts: { pages: number }[] }).receipts[0]!.pages = 2;
    expect(codes(pages).integrity).toEqual(["missing_page_image"]);

    const parts = goodPackage();
    parts.disk = parts.disk.filter((d) => d.path !== "history.json");
    expect(codes(parts).integrity).toEqual(["missing_part", "missing_file"]);
  });

  it("usability: a file that does not open, claim data that does not parse", () => {
    const o = goodPackage();
    o.opens.set("originals/R1.jpg", { ok: false, error: "corrupt JPEG" });
    expect(runArchiveChecks(o).usability.problems).toEqual([{ code: "unreadable", path: "originals/R1.jpg", detail: "corrupt JPEG" }]);
    o.claimData = null;
    expect(codes(o).usability?.[0]).toBe("unreadable");
  });

  it("security: outside the root, at another path, writable, a link", () => {
    const o = goodPackage();
    o.insideArchiveRoot = false;
    o.packagePath = "SZ/2026/other";
    o.packageDirMode = 0o755;
    o.disk[1] = { ...o.disk[1]!, mode: 0o644 };
    o.disk.push({ path: "evil", kind: "symlink", mode: 0o777, size: 0 });
    expect(codes(o).security).toEqual(["outside_archive_root", "path_mismatch", "writable", "writable", "not_regular"]);
  });
});

describe("fixity selection", () => {
  it("checks a thirtieth of the packages each night, so a cycle covers everything", () => {
    expect(nightlyFixityShare(0, 30)).toBe(0);
    expect(nightlyFixityShare(1, 30)).toBe(1);
    expect(nightlyFixityShare(100_000, 30)).toBe(3334);
    expect(nightlyFixityShare(100_000, 30) * 30).toBeGreaterThanOrEqual(100_000);
  });
  it("draws a sample without repeats", () => {
    let x = 0;
    const random = () => ((x = (x * 9301 + 49297) % 233280) / 233280);
    const s = pickRandomSample([1, 2, 3, 4, 5, 6], 4, random);
    expect(new Set(s).size).toBe(4);
    expect(pickRandomSample([1, 2], 5, random).sort()).toEqual([1, 2]);
  });
  it("judges a file", () => {
    expect(fixityVerdict(sha("a"), { sha256: sha("a") })).toBe("OK");
    expect(fixityVerdict(sha("a"), { sha256: sha("b") })).toBe("MISMATCH");
    expect(fixityVerdict(sha("a"), null)).toBe("MISSING");
  });
});
