import { describe, expect, it } from "vitest";
import { cleanFileName, FALLBACK_FILE_NAME, MAX_FILE_NAME_LENGTH } from "./file-name";

describe("cleanFileName", () => {
  it("keeps ordinary names, Chinese and emoji included", () => {
    expect(cleanFileName("taxi 2026-11-02.jpg")).toBe("taxi 2026-11-02.jpg");
    expect(cleanFileName("滴滴出行 发票.pdf")).toBe("滴滴出行 发票.pdf");
    expect(cleanFileName("lunch 🍜.png")).toBe("lunch 🍜.png");
  });

  it("removes every bidirectional override, embedding, isolate and mark", () => {
    // U+202E turns "invoice[U+202E]fdp.exe" into what reads as "invoiceexe.pdf".
    expect(cleanFileName("invoice\u202Efdp.exe")).toBe("invoicefdp.exe");
    const bidi = ["\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069", "\u200E", "\u200F", "\u061C"];
    for (const c of bidi) expect(cleanFileName(`a${c}b.jpg`), `U+${c.codePointAt(0)!.toString(16)}`).toBe("ab.jpg");
    expect(cleanFileName(bidi.join("") + "receipt.pdf")).toBe("receipt.pdf");
  });

  it("removes control characters, including C1 controls, DEL, NUL and line breaks", () => {
    expect(cleanFileName("a\u0000b\u0007c\u001bd\u007fe\u0085f\u009bg.jpg")).toBe("abcdefg.jpg");
    expect(cleanFileName("line1\r\nline2.jpg")).toBe("line1line2.jpg");
    expect(cleanFileName("a\u2028b\u2029c.png")).toBe("abc.png");
  });

  it("removes invisible formatting: zero-width characters, BOM, soft hyphen, tags, fillers", () => {
    expect(cleanFileName("re\u200Bce\u200Cip\u200Dt\u2060.jpg")).toBe("receipt.jpg");
    expect(cleanFileName("\uFEFFreceipt.jpg")).toBe("receipt.jpg");
    expect(cleanFileName("re\u00ADceipt.jpg")).toBe("receipt.jpg");
    expect(cleanFileName("a\u{E0041}\u{E007F}b.jpg")).toBe("ab.jpg");
    expect(cleanFileName("\u3164\u115F\uFFA0x.jpg")).toBe("x.jpg");
  });

  it("removes lone surrogates", () => {
    expect(cleanFileName("a\uD800b\uDC00c.jpg")).toBe("abc.jpg");
  });

  it("turns any run of spaces into one plain space and trims", () => {
    expect(cleanFileName("  a\u00A0\u3000\u2003\tb  .jpg  ")).toBe("a b .jpg");
    expect(cleanFileName("a    b.jpg")).toBe("a b.jpg");
  });

  it("keeps only the last path segment and drops leading dots", () => {
    expect(cleanFileName("C:\\Users\\me\\Desktop\\taxi.jpg")).toBe("taxi.jpg");
    expect(cleanFileName("../../etc/passwd")).toBe("passwd");
    expect(cleanFileName(".htaccess")).toBe("htaccess");
    expect(cleanFileName("name.pdf...")).toBe("name.pdf");
  });

  it("composes to NFC, so the same name typed on two systems compares equal", () => {
    expect(cleanFileName("cafe\u0301.jpg")).toBe("caf\u00E9.jpg");
  });

  it("is never empty", () => {
    for (const raw of ["", "   ", "\u202E\u200B", "....", "/", "C:\\", "\u0000\u0001"]) {
      expect(cleanFileName(raw), JSON.stringify(raw)).toBe(FALLBACK_FILE_NAME);
    }
  });

  it("caps the length in code points and keeps the extension", () => {
    const long = `${"账".repeat(300)}.pdf`;
    const cleaned = cleanFileName(long);
    expect([...cleaned]).toHaveLength(MAX_FILE_NAME_LENGTH);
    expect(cleaned.endsWith("….pdf")).toBe(true);
    const noExt = "x".repeat(500);
    expect([...cleanFileName(noExt)]).toHaveLength(MAX_FILE_NAME_LENGTH);
  });

  it("never cuts an astral character in half", () => {
    const cleaned = cleanFileName(`${"😀".repeat(200)}.jpg`);
    expect(cleaned).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect([...cleaned]).toHaveLength(MAX_FILE_NAME_LENGTH);
  });

  it("leaves nothing invisible in any name built from the dangerous ranges", () => {
    let raw = "";
    for (let cp = 0; cp <= 0x3000; cp++) raw += String.fromCodePoint(cp);
    const cleaned = cleanFileName(raw, 100_000);
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    expect(cleaned).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f]/);
  });
});
