import { describe, expect, it } from "vitest";
import {
  DEFAULT_ARCHIVE_SCHEME,
  formatBoxNumber,
  formatPositionNumber,
  nextBoxNumber,
  parseArchiveScheme,
  parseBoxNumber,
  parsePositionNumber,
  type ArchiveScheme,
  type CompiledScheme,
} from "./archive-numbering";

function compiled(scheme: ArchiveScheme = DEFAULT_ARCHIVE_SCHEME): CompiledScheme {
  const r = parseArchiveScheme(scheme);
  if (!r.ok) throw new Error(`scheme refused: ${r.code}`);
  return r.value;
}

const std = compiled();
const box7 = { company: "HQ", year: 2026, type: "BX", box: 7 } as const;

describe("parseArchiveScheme", () => {
  it("accepts the default and other well-formed schemes", () => {
    expect(parseArchiveScheme(DEFAULT_ARCHIVE_SCHEME).ok).toBe(true);
    expect(parseArchiveScheme({ box: "{year}/{company}/{type}{box:1}", position: ".{pos:8}" }).ok).toBe(true);
    expect(parseArchiveScheme({ box: "{company}{year}{type}{box:6}", position: "{pos:2}" }).ok).toBe(true);
  });

  it.each<[string, ArchiveScheme, string, string | undefined]>([
    ["empty box template", { box: " ", position: "-P{pos:3}" }, "empty_template", undefined],
    ["empty position template", { box: DEFAULT_ARCHIVE_SCHEME.box, position: "" }, "empty_template", undefined],
    ["unknown placeholder", { box: "{company}-{year}-{type}-{box:4}-{dept}", position: "-P{pos:3}" }, "unknown_placeholder", "dept"],
    ["placeholder in braces with spaces", { box: "{ company }-{year}-{type}-{box:4}", position: "-P{pos:3}" }, "unknown_placeholder", " company "],
    ["unclosed brace", { box: "{company}-{year}-{type}-{box:4", position: "-P{pos:3}" }, "unclosed_placeholder", "{box:4"],
    ["box without width", { box: "{company}-{year}-{type}-{box}", position: "-P{pos:3}" }, "bad_width", "box"],
    ["width 0", { box: "{company}-{year}-{type}-{box:0}", position: "-P{pos:3}" }, "bad_width", "box:0"],
    ["width 9", { box: "{company}-{year}-{type}-{box:9}", position: "-P{pos:3}" }, "bad_width", "box:9"],
    ["position width 10", { box: DEFAULT_ARCHIVE_SCHEME.box, position: "-P{pos:10}" }, "bad_width", "pos:10"],
    ["width on company", { box: "{company:3}-{year}-{type}-{box:4}", position: "-P{pos:3}" }, "bad_width", "company:3"],
    ["company twice", { box: "{company}-{company}-{year}-{type}-{box:4}", position: "-P{pos:3}" }, "duplicate_placeholder", "company"],
    ["no year", { box: "{company}-{type}-{box:4}", position: "-P{pos:3}" }, "missing_placeholder", "year"],
    ["no type", { box: "{company}-{year}-{box:4}", position: "-P{pos:3}" }, "missing_placeholder", "type"],
    ["no box", { box: "{company}-{year}-{type}", position: "-P{pos:3}" }, "missing_placeholder", "box"],
    ["no company", { box: "{year}-{type}-{box:4}", position: "-P{pos:3}" }, "missing_placeholder", "company"],
    ["pos in the box template", { box: "{company}-{year}-{type}-{box:4}-{pos:3}", position: "-P{pos:3}" }, "unknown_placeholder", "pos"],
    ["box in the position template", { box: DEFAULT_ARCHIVE_SCHEME.box, position: "-{box:2}-{pos:3}" }, "unknown_placeholder", "box"],
    ["no pos", { box: DEFAULT_ARCHIVE_SCHEME.box, position: "-P" }, "missing_placeholder", "pos"],
    ["space in a literal", { box: "{company} {year}-{type}-{box:4}", position: "-P{pos:3}" }, "bad_literal", " "],
    ["Chinese in a literal", { box: "{company}-{year}-{type}-盒{box:4}", position: "-P{pos:3}" }, "bad_literal", "-盒"],
    ["stray closing brace", { box: "{company}}-{year}-{type}-{box:4}", position: "-P{pos:3}" }, "bad_literal", "}-"],
  ])("refuses %s", (_what, scheme, code, detail) => {
    const r = parseArchiveScheme(scheme);
    expect(r).toEqual(detail === undefined ? { ok: false, code } : { ok: false, code, detail });
  });
});

describe("formatting", () => {
  it("formats the issue's example", () => {
    expect(formatBoxNumber(std, box7)).toEqual({ ok: true, value: "HQ-2026-BX-B0007" });
    expect(formatPositionNumber(std, { ...box7, pos: 12 })).toEqual({ ok: true, value: "HQ-2026-BX-B0007-P012" });
  });

  it("upper-cases literals and pads to each width", () => {
    const s = compiled({ box: "ar/{company}{year}{type}b{box:1}", position: "_p{pos:8}" });
    expect(formatPositionNumber(s, { company: "SH2", year: 2031, type: "BS", box: 9, pos: 1 })).toEqual({ ok: true, value: "AR/SH22031BSB9_P00000001" });
  });

  it("uses the full width and refuses a sequence past it, zero or negative", () => {
    expect(formatBoxNumber(std, { ...box7, box: 9999 })).toEqual({ ok: true, value: "HQ-2026-BX-B9999" });
    expect(formatBoxNumber(std, { ...box7, box: 10000 })).toEqual({ ok: false, code: "out_of_range", detail: "box" });
    expect(formatBoxNumber(std, { ...box7, box: 0 })).toEqual({ ok: false, code: "out_of_range", detail: "box" });
    expect(formatBoxNumber(std, { ...box7, box: 1.5 })).toEqual({ ok: false, code: "out_of_range", detail: "box" });
    expect(formatPositionNumber(std, { ...box7, pos: 999 })).toEqual({ ok: true, value: "HQ-2026-BX-B0007-P999" });
    expect(formatPositionNumber(std, { ...box7, pos: 1000 })).toEqual({ ok: false, code: "out_of_range", detail: "pos" });
    expect(formatPositionNumber(std, { ...box7, pos: -1 })).toEqual({ ok: false, code: "out_of_range", detail: "pos" });
  });

  it("refuses a bad company code, year or type", () => {
    expect(formatBoxNumber(std, { ...box7, company: "hq" })).toMatchObject({ ok: false, code: "bad_company_code" });
    expect(formatBoxNumber(std, { ...box7, company: "H-Q" })).toMatchObject({ ok: false, code: "bad_company_code" });
    expect(formatBoxNumber(std, { ...box7, company: "" })).toMatchObject({ ok: false, code: "bad_company_code" });
    expect(formatBoxNumber(std, { ...box7, year: 999 })).toMatchObject({ ok: false, code: "bad_year" });
    expect(formatBoxNumber(std, { ...box7, year: 10000 })).toMatchObject({ ok: false, code: "bad_year" });
    expect(formatBoxNumber(std, { ...box7, year: 2026.5 })).toMatchObject({ ok: false, code: "bad_year" });
    // @ts-expect-error: a type that is not one of the constants, as unchecked data might bring
    expect(formatPositionNumber(std, { ...box7, type: "XX", pos: 1 })).toMatchObject({ ok: false, code: "bad_type" });
  });
});

describe("parsing", () => {
  it("reads back what it formats, case-insensitively and with whitespace around", () => {
    expect(parseBoxNumber(std, "HQ-2026-BX-B0007")).toEqual({ ok: true, value: box7 });
    expect(parseBoxNumber(std, "  hq-2026-bx-b0007\n")).toEqual({ ok: true, value: box7 });
    expect(parsePositionNumber(std, "HQ-2026-BX-B0007-P012")).toEqual({ ok: true, value: { ...box7, pos: 12 } });
  });

  it("round-trips on schemes with adjacent placeholders and company codes full of digits", () => {
    const s = compiled({ box: "{company}{year}{type}{box:3}", position: "{pos:2}" });
    for (const company of ["A", "HQ", "B2026", "20269", "X1234567890ABCDE"]) {
      for (const type of ["BX", "BS"] as const) {
        const p = { company, year: 2026, type, box: 42, pos: 7 };
        const text = formatPositionNumber(s, p);
        expect(text.ok).toBe(true);
        if (text.ok) expect(parsePositionNumber(s, text.value)).toEqual({ ok: true, value: p });
        const boxText = formatBoxNumber(s, p);
        if (boxText.ok) expect(parseBoxNumber(s, boxText.value)).toEqual({ ok: true, value: { company, year: 2026, type, box: 42 } });
      }
    }
  });

  it.each([
    "HQ-2026-BX-B007", // too few digits
    "HQ-2026-BX-B00007", // too many
    "HQ-2026-XX-B0007", // unknown type
    "HQ-26-BX-B0007", // short year
    "H.Q-2026-BX-B0007", // not a company code
    "HQ-2026-BX-B0007-P012", // a position is not a box
    "",
  ])("refuses %j as a box number", (text) => {
    expect(parseBoxNumber(std, text)).toEqual({ ok: false, code: "no_match" });
  });

  it("refuses box or position zero", () => {
    expect(parseBoxNumber(std, "HQ-2026-BX-B0000")).toEqual({ ok: false, code: "out_of_range", detail: "box" });
    expect(parsePositionNumber(std, "HQ-2026-BX-B0000-P001")).toEqual({ ok: false, code: "out_of_range", detail: "box" });
    expect(parsePositionNumber(std, "HQ-2026-BX-B0001-P000")).toEqual({ ok: false, code: "out_of_range", detail: "pos" });
  });

  it("refuses a box number as a position and a garbled suffix", () => {
    expect(parsePositionNumber(std, "HQ-2026-BX-B0007")).toEqual({ ok: false, code: "no_match" });
    expect(parsePositionNumber(std, "HQ-2026-BX-B0007-Q012")).toEqual({ ok: false, code: "no_match" });
  });

  it("treats literals as text, not as patterns", () => {
    const s = compiled({ box: "{company}.{year}.{type}.{box:2}", position: "/{pos:1}" });
    expect(parseBoxNumber(s, "HQ.2026.BX.03")).toMatchObject({ ok: true });
    expect(parseBoxNumber(s, "HQx2026xBXx03")).toEqual({ ok: false, code: "no_match" });
  });
});

describe("nextBoxNumber", () => {
  const key = { company: "HQ", year: 2026, type: "BX" } as const;

  it("starts at 1", () => {
    expect(nextBoxNumber(std, key, [])).toEqual({ ok: true, value: { ...key, box: 1, label: "HQ-2026-BX-B0001" } });
  });

  it("goes one past the highest of the same company, year and type, ignoring the rest", () => {
    const existing = [
      "HQ-2026-BX-B0003",
      "HQ-2026-BX-B0011",
      "hq-2026-bx-b0007",
      "HQ-2026-BS-B0050", // other type
      "HQ-2025-BX-B0090", // other year
      "SH-2026-BX-B0070", // other company
      "HQ/2026/BX/99", // an earlier scheme's label
    ];
    expect(nextBoxNumber(std, key, existing)).toEqual({ ok: true, value: { ...key, box: 12, label: "HQ-2026-BX-B0012" } });
  });

  it("refuses when the width is used up, and a bad key", () => {
    expect(nextBoxNumber(std, key, ["HQ-2026-BX-B9999"])).toEqual({ ok: false, code: "out_of_range", detail: "box" });
    expect(nextBoxNumber(std, { ...key, company: "hq" }, [])).toEqual({ ok: false, code: "bad_company_code" });
  });
});
