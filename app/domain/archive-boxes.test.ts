import { describe, expect, it } from "vitest";
import { compiledCompanyScheme, companyScheme, filingRefusal, positionLabel, schemeFieldErrors, schemePreview, type FilingBox, type FilingOriginal } from "./archive-boxes";
import { DEFAULT_ARCHIVE_SCHEME, formatBoxNumber } from "./archive-numbering";

describe("the company's scheme", () => {
  it("is the default where a column is null", () => {
    expect(companyScheme({ archiveBoxScheme: null, archivePositionScheme: null })).toEqual(DEFAULT_ARCHIVE_SCHEME);
    expect(companyScheme({ archiveBoxScheme: "{company}{year}{type}{box:3}", archivePositionScheme: null })).toEqual({ box: "{company}{year}{type}{box:3}", position: DEFAULT_ARCHIVE_SCHEME.position });
  });

  it("falls back to the default when a stored scheme does not parse", () => {
    const s = compiledCompanyScheme({ archiveBoxScheme: "{nope}", archivePositionScheme: null });
    expect(formatBoxNumber(s, { company: "HQ", year: 2026, type: "BX", box: 7 })).toEqual({ ok: true, value: "HQ-2026-BX-B0007" });
  });
});

describe("schemeFieldErrors", () => {
  it("names the field at fault, each on its own", () => {
    expect(schemeFieldErrors(DEFAULT_ARCHIVE_SCHEME)).toEqual({});
    expect(schemeFieldErrors({ box: "{company}-{year}-B{box:4}", position: "-P{pos:3}" })).toEqual({ box: { code: "missing_placeholder", detail: "type" } });
    expect(schemeFieldErrors({ box: DEFAULT_ARCHIVE_SCHEME.box, position: "-P{pos:9}" })).toEqual({ position: { code: "bad_width", detail: "pos:9" } });
    const both = schemeFieldErrors({ box: "", position: "P{box:2}" });
    expect(both.box?.code).toBe("empty_template");
    expect(both.position?.code).toBe("unknown_placeholder");
  });
});

describe("schemePreview", () => {
  it("shows the next box label and its first position", () => {
    expect(schemePreview(DEFAULT_ARCHIVE_SCHEME, { company: "HQ", year: 2026, type: "BX", box: 3 })).toEqual({ box: "HQ-2026-BX-B0003", position: "HQ-2026-BX-B0003-P001" });
    expect(schemePreview({ box: "{year}/{company}/{type}/{box:2}", position: ".{pos:2}" }, { company: "SZ", year: 2027, type: "BS", box: 12 })).toEqual({ box: "2027/SZ/BS/12", position: "2027/SZ/BS/12.01" });
  });
  it("is null for a scheme that does not parse or a box out of its width", () => {
    expect(schemePreview({ box: "{company}", position: "{pos:1}" }, { company: "HQ", year: 2026, type: "BX", box: 1 })).toBeNull();
    expect(schemePreview({ box: "{company}{year}{type}{box:1}", position: "{pos:1}" }, { company: "HQ", year: 2026, type: "BX", box: 10 })).toBeNull();
  });
});

describe("filingRefusal", () => {
  const box: FilingBox = { id: "b", label: "HQ-2026-BX-B0001", companyId: "c1", docType: "BX", year: 2026, status: "OPEN", capacity: 3, filled: 1 };
  const original: FilingOriginal = { companyId: "c1", status: "RECEIVED", year: 2026, boxLabel: null, position: null };

  it("lets a received original of the box's company and year in", () => {
    expect(filingRefusal(box, original)).toBeNull();
  });
  it("says where an original already filed is, before anything else", () => {
    expect(filingRefusal({ ...box, status: "CLOSED" }, { ...original, status: "ARCHIVED", boxLabel: "HQ-2026-BX-B0002", position: "HQ-2026-BX-B0002-P004" })).toEqual({
      code: "already_filed",
      boxLabel: "HQ-2026-BX-B0002",
      position: "HQ-2026-BX-B0002-P004",
    });
  });
  it("refuses a closed or full box", () => {
    expect(filingRefusal({ ...box, status: "CLOSED" }, original)).toEqual({ code: "box_closed" });
    expect(filingRefusal({ ...box, filled: 3 }, original)).toEqual({ code: "box_full", capacity: 3 });
  });
  it("refuses a bank-statement box, another company's original, another year's", () => {
    expect(filingRefusal({ ...box, docType: "BS" }, original)).toEqual({ code: "wrong_type", docType: "BS" });
    expect(filingRefusal(box, { ...original, companyId: "c2" })).toEqual({ code: "wrong_company" });
    expect(filingRefusal(box, { ...original, year: 2025 })).toEqual({ code: "wrong_year", year: 2025, boxYear: 2026 });
  });
  it("refuses originals not received (awaiting, in discrepancy)", () => {
    expect(filingRefusal(box, { ...original, status: "AWAITING" })).toEqual({ code: "not_received", status: "AWAITING" });
    expect(filingRefusal(box, { ...original, status: "DISCREPANCY" })).toEqual({ code: "not_received", status: "DISCREPANCY" });
  });
});

describe("positionLabel", () => {
  const scheme = compiledCompanyScheme({ archiveBoxScheme: null, archivePositionScheme: null });
  it("is formatPositionNumber for a box labelled under the scheme", () => {
    expect(positionLabel(scheme, { label: "HQ-2026-BX-B0007", company: "HQ", year: 2026, docType: "BX", boxNo: 7 }, 12)).toBe("HQ-2026-BX-B0007-P012");
  });
  it("keeps an older label and adds the current suffix", () => {
    expect(positionLabel(scheme, { label: "HQ/2026/BX/7", company: "HQ", year: 2026, docType: "BX", boxNo: 7 }, 3)).toBe("HQ/2026/BX/7-P003");
  });
});
