import { describe, expect, it } from "vitest";
import {
  ACCEPTED_MIME_TYPES,
  acceptAttribute,
  FILE_FAILURE_CODES,
  UPLOAD_REJECTION_CODES,
  isAcceptedMimeType,
  uploadKindOf,
  validateUpload,
} from "./upload-validation";

const limits = { maxBytes: 1000, maxPixels: 10_000, maxPdfPages: 50 };

describe("validateUpload", () => {
  it("accepts each supported type by content, as image or pdf", () => {
    expect(validateUpload({ detectedMime: "image/jpeg", sizeBytes: 10, width: 10, height: 10 }, limits)).toEqual({ ok: true, kind: "image" });
    expect(validateUpload({ detectedMime: "image/png", sizeBytes: 10 }, limits)).toEqual({ ok: true, kind: "image" });
    expect(validateUpload({ detectedMime: "image/webp", sizeBytes: 10, pages: 3 }, limits)).toEqual({ ok: true, kind: "image" });
    expect(validateUpload({ detectedMime: "application/pdf", sizeBytes: 10, pages: 2 }, limits)).toEqual({ ok: true, kind: "pdf" });
  });

  it("refuses an empty file before anything else", () => {
    expect(validateUpload({ detectedMime: undefined, sizeBytes: 0 }, limits)).toEqual({ ok: false, code: "empty", params: {} });
  });

  it("treats a document that declares zero pages as empty", () => {
    expect(validateUpload({ detectedMime: "application/pdf", sizeBytes: 10, pages: 0 }, limits)).toMatchObject({ ok: false, code: "empty" });
  });

  it("refuses a file over the byte limit, with both sizes for the message", () => {
    expect(validateUpload({ detectedMime: "image/jpeg", sizeBytes: 1001 }, limits)).toEqual({
      ok: false,
      code: "too_large",
      params: { maxBytes: 1000, sizeBytes: 1001 },
    });
  });

  it("accepts a file of exactly the byte limit", () => {
    expect(validateUpload({ detectedMime: "image/jpeg", sizeBytes: 1000 }, limits)).toEqual({ ok: true, kind: "image" });
  });

  it("refuses unknown content and known-but-unsupported types", () => {
    expect(validateUpload({ detectedMime: undefined, sizeBytes: 10 }, limits)).toEqual({
      ok: false,
      code: "unsupported_type",
      params: { detectedMime: "unknown" },
    });
    expect(validateUpload({ detectedMime: "image/avif", sizeBytes: 10 }, limits)).toEqual({
      ok: false,
      code: "unsupported_type",
      params: { detectedMime: "image/avif" },
    });
    expect(validateUpload({ detectedMime: "image/svg+xml", sizeBytes: 10 }, limits)).toMatchObject({ code: "unsupported_type" });
  });

  it("refuses an image whose header declares more pixels than allowed", () => {
    expect(validateUpload({ detectedMime: "image/png", sizeBytes: 10, width: 101, height: 100 }, limits)).toEqual({
      ok: false,
      code: "too_many_pixels",
      params: { width: 101, height: 100, pixels: 10_100, maxPixels: 10_000 },
    });
  });

  it("accepts an image of exactly the pixel limit", () => {
    expect(validateUpload({ detectedMime: "image/png", sizeBytes: 10, width: 100, height: 100 }, limits)).toEqual({ ok: true, kind: "image" });
  });

  it("leaves pixel limits of PDFs to the renderer (pages are rendered at a bounded resolution)", () => {
    expect(validateUpload({ detectedMime: "application/pdf", sizeBytes: 10, width: 1e6, height: 1e6 }, limits)).toEqual({ ok: true, kind: "pdf" });
  });

  it("checks size before type, and type before pixels", () => {
    expect(validateUpload({ detectedMime: "text/plain", sizeBytes: 5000 }, limits)).toMatchObject({ code: "too_large" });
    expect(validateUpload({ detectedMime: "image/gif", sizeBytes: 10, width: 1e6, height: 1e6 }, limits)).toMatchObject({ code: "unsupported_type" });
  });

  it("accepts an iPhone HEIC or HEIF photo as an image, within the pixel limit", () => {
    expect(validateUpload({ detectedMime: "image/heic", sizeBytes: 10, width: 100, height: 100 }, limits)).toEqual({ ok: true, kind: "image" });
    expect(validateUpload({ detectedMime: "image/heif", sizeBytes: 10 }, limits)).toEqual({ ok: true, kind: "image" });
    expect(validateUpload({ detectedMime: "image/heic", sizeBytes: 10, width: 101, height: 100 }, limits)).toMatchObject({ code: "too_many_pixels" });
  });

  it("refuses a password-protected PDF", () => {
    expect(validateUpload({ detectedMime: "application/pdf", sizeBytes: 10, encrypted: true }, limits)).toEqual({ ok: false, code: "encrypted_pdf", params: {} });
  });

  it("refuses a PDF with more pages than the cap, with both counts for the message; the cap itself is fine", () => {
    expect(validateUpload({ detectedMime: "application/pdf", sizeBytes: 10, pages: 300 }, limits)).toEqual({
      ok: false,
      code: "too_many_pages",
      params: { pages: 300, maxPages: 50 },
    });
    expect(validateUpload({ detectedMime: "application/pdf", sizeBytes: 10, pages: 50 }, limits)).toEqual({ ok: true, kind: "pdf" });
    expect(validateUpload({ detectedMime: "application/pdf", sizeBytes: 10, pages: 6 }, { ...limits, maxPdfPages: 5 })).toMatchObject({ code: "too_many_pages" });
  });

  it("refuses a PDF poppler cannot read at all", () => {
    expect(validateUpload({ detectedMime: "application/pdf", sizeBytes: 10, unreadable: true }, limits)).toMatchObject({ code: "corrupt_pdf" });
  });

  it("does not apply PDF facts to images", () => {
    expect(validateUpload({ detectedMime: "image/webp", sizeBytes: 10, pages: 80 }, limits)).toEqual({ ok: true, kind: "image" });
  });
});

describe("accepted types", () => {
  it("recognises exactly the accepted MIME types", () => {
    for (const mime of ACCEPTED_MIME_TYPES) expect(isAcceptedMimeType(mime)).toBe(true);
    expect(isAcceptedMimeType("image/gif")).toBe(false);
    expect(isAcceptedMimeType(undefined)).toBe(false);
  });

  it("maps PDFs to pdf and everything else to image", () => {
    expect(uploadKindOf("application/pdf")).toBe("pdf");
    expect(uploadKindOf("image/webp")).toBe("image");
  });

  it("offers types and extensions to the file picker", () => {
    const accept = acceptAttribute().split(",");
    expect(accept).toEqual(expect.arrayContaining(["image/jpeg", "application/pdf", "image/heic", ".jpg", ".pdf", ".heic"]));
    expect(accept).not.toContain("image/gif");
  });
});

describe("codes for the UI", () => {
  it("lists every rejection and failure code once", () => {
    expect(new Set(UPLOAD_REJECTION_CODES).size).toBe(UPLOAD_REJECTION_CODES.length);
    expect(new Set(FILE_FAILURE_CODES).size).toBe(FILE_FAILURE_CODES.length);
    expect(UPLOAD_REJECTION_CODES).toContain("too_many_files");
  });
});

describe("validateUpload: a digital e-invoice as bare XML (issue 14)", () => {
  it("accepts XML that parses as an e-invoice, refuses any other XML", () => {
    expect(validateUpload({ detectedMime: "application/xml", sizeBytes: 10, einvoice: true }, limits)).toEqual({ ok: true, kind: "einvoice" });
    expect(validateUpload({ detectedMime: "application/xml", sizeBytes: 10, einvoice: false }, limits)).toEqual({ ok: false, code: "not_einvoice", params: {} });
    expect(validateUpload({ detectedMime: "application/xml", sizeBytes: 10 }, limits)).toMatchObject({ code: "not_einvoice" });
    expect(uploadKindOf("application/xml")).toBe("einvoice");
    expect(acceptAttribute().split(",")).toContain(".xml");
  });
});
