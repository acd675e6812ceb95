import { describe, expect, it } from "vitest";
import { addendumDir, addendumOf, addendumReason, buildAddendumManifest, needsAddendum, readAddendumManifest } from "./archive-addendum";

const sha = (c: string) => c.repeat(64);

describe("archive addenda", () => {
  it("are needed only when the claim's status changed after the last package", () => {
    expect(needsAddendum([])).toBe(false);
    // The archive's own events (filed, checked, viewed) carry no status.
    expect(needsAddendum([{ fromStatus: null, toStatus: null }])).toBe(false);
    expect(needsAddendum([{ fromStatus: "PAID", toStatus: "PAYMENT_FAILED" }])).toBe(true);
  });

  it("say why from the last status change", () => {
    expect(addendumReason([{ fromStatus: "PAID", toStatus: "PAYMENT_FAILED" }])).toBe("PAYMENT_RETURNED");
    expect(addendumReason([{ fromStatus: "PAID", toStatus: "PAYMENT_FAILED" }, { fromStatus: "PAYMENT_FAILED", toStatus: "SCHEDULED" }, { fromStatus: "SCHEDULED", toStatus: "PAID" }])).toBe("PAID_AGAIN");
    expect(addendumReason([{ fromStatus: "SCHEDULED", toStatus: "PAID" }, { fromStatus: null, toStatus: null }])).toBe("STATUS_CHANGED");
    // Returned in the previous addendum, paid now.
    expect(addendumReason([{ fromStatus: "SCHEDULED", toStatus: "PAID" }], "PAYMENT_FAILED")).toBe("PAID_AGAIN");
    expect(() => addendumReason([{ fromStatus: null, toStatus: null }])).toThrow();
  });

  it("live in addenda/<seq>/ of the record's package", () => {
    expect(addendumDir(2)).toBe("addenda/2");
    expect(() => addendumDir(0)).toThrow();
    expect(addendumOf("addenda/12/claim.json")).toBe(12);
    expect(addendumOf("claim.json")).toBeNull();
    expect(addendumOf("addenda/0/claim.json")).toBeNull();
  });

  it("have a stable manifest naming the one before it, and refuse files outside their directory", () => {
    const input = {
      claimId: "c1",
      claimNumber: "N1",
      recordId: "r1",
      seq: 1,
      reason: "PAYMENT_RETURNED" as const,
      claimStatus: "PAYMENT_FAILED",
      previousManifestSha256: sha("a"),
      audit: { fromSeq: "10", throughSeq: "12" },
      filedAt: "2026-12-04T00:00:00.000Z",
      filedBy: { actorId: null, process: "archive worker" },
      files: [
        { path: "addenda/1/claim.json", role: "DATA" as const, mediaType: "application/json", size: 2, sha256: sha("2") },
        { path: "addenda/1/audit.json", role: "AUDIT" as const, mediaType: "application/json", size: 2, sha256: sha("1") },
      ],
    };
    const a = buildAddendumManifest(input);
    const b = buildAddendumManifest({ ...input, files: [...input.files].reverse() });
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(a.manifest.files.map((f) => f.path)).toEqual(["addenda/1/audit.json", "addenda/1/claim.json"]);
    expect(readAddendumManifest(JSON.parse(a.bytes.toString("utf8")))?.previousManifestSha256).toBe(sha("a"));
    expect(readAddendumManifest({ format: "something else" })).toBeNull();
    expect(() => buildAddendumManifest({ ...input, files: [{ ...input.files[0]!, path: "claim.json" }] })).toThrow(/not a path of addendum/);
    expect(() => buildAddendumManifest({ ...input, files: [{ ...input.files[0]!, path: "addenda/1/../claim.json" }] })).toThrow();
    expect(() => buildAddendumManifest({ ...input, audit: { fromSeq: "13", throughSeq: "12" } })).toThrow(/empty audit range/);
  });
});
