/**
 * What a receipt upload may be, decided from facts read off the bytes (never from the file name or
 * the client's Content-Type). Pure: the caller sniffs the type and reads the header; this decides.
 */

/**
 * Content types we store and render; anything else is refused at upload. HEIC/HEIF is what an iPhone's
 * camera writes by default ("High Efficiency"): stored as sent, converted to JPEG by the imaging worker.
 */
export const ACCEPTED_MIME_TYPES = ["image/jpeg", "image/png", "image/webp", "image/heic", "image/heif", "application/pdf", "application/xml"] as const;
export type AcceptedMimeType = (typeof ACCEPTED_MIME_TYPES)[number];

/** `einvoice`: a digital e-invoice's XML (数电票), accepted only when it parses as one (issue 14). */
export type UploadKind = "image" | "pdf" | "einvoice";

/** Why an upload is refused on the spot (plus `too_many_files`, decided per request by receiveUploads). */
export const UPLOAD_REJECTION_CODES = [
  "empty",
  "too_large",
  "unsupported_type",
  "too_many_pixels",
  "encrypted_pdf",
  "too_many_pages",
  "corrupt_pdf",
  "not_einvoice",
  "too_many_files",
] as const;
export type UploadRejectionCode = Exclude<(typeof UPLOAD_REJECTION_CODES)[number], "too_many_files">;

/**
 * Why an accepted file could not be rendered: the code before the colon of StoredFile.failureReason,
 * listed here so the UI's translations can cover every one.
 */
export const FILE_FAILURE_CODES = [
  "corrupt_image",
  "unsupported_type",
  "too_many_pixels",
  "encrypted_pdf",
  "corrupt_pdf",
  "too_many_pages",
  "imaging_failed",
  "unsupported_heic",
] as const;
export type FileFailureCode = (typeof FILE_FAILURE_CODES)[number];

export type UploadFacts = {
  /** Type sniffed from the magic bytes; undefined when nothing was recognised. */
  detectedMime: string | undefined;
  sizeBytes: number;
  /** Image header dimensions; undefined when the header could not be read (the worker then reports the damage). */
  width?: number;
  height?: number;
  /** Pages (PDF) or frames (image) the header declares, when known; zero means there is nothing to show. */
  pages?: number;
  /** PDF only: opening it needs a password (a user password; an owner password alone still opens). */
  encrypted?: boolean;
  /** PDF only: poppler could not read its structure at all. */
  unreadable?: boolean;
  /** XML only: it parses as a digital e-invoice (app/domain/receipt-reading/einvoice-xml.ts). */
  einvoice?: boolean;
};

export type UploadLimits = { maxBytes: number; maxPixels: number; maxPdfPages: number };

export type UploadValidation =
  | { ok: true; kind: UploadKind }
  | { ok: false; code: UploadRejectionCode; params: Record<string, number | string> };

// File-name extensions only help the browser's file picker; acceptance is always decided by content.
const PICKER_EXTENSIONS = [".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".pdf", ".xml"] as const;

export function isAcceptedMimeType(mime: string | undefined): mime is AcceptedMimeType {
  return mime !== undefined && (ACCEPTED_MIME_TYPES as readonly string[]).includes(mime);
}

export function uploadKindOf(mime: AcceptedMimeType): UploadKind {
  return mime === "application/pdf" ? "pdf" : mime === "application/xml" ? "einvoice" : "image";
}

/** Value for `<input type="file" accept=…>`: MIME types plus extensions, since some pickers only honour one. */
export function acceptAttribute(): string {
  return [...ACCEPTED_MIME_TYPES, ...PICKER_EXTENSIONS].join(",");
}

export function validateUpload(facts: UploadFacts, limits: UploadLimits): UploadValidation {
  if (facts.sizeBytes <= 0 || facts.pages === 0) {
    return { ok: false, code: "empty", params: {} };
  }
  if (facts.sizeBytes > limits.maxBytes) {
    return { ok: false, code: "too_large", params: { maxBytes: limits.maxBytes, sizeBytes: facts.sizeBytes } };
  }
  if (!isAcceptedMimeType(facts.detectedMime)) {
    return { ok: false, code: "unsupported_type", params: { detectedMime: facts.detectedMime ?? "unknown" } };
  }
  const kind = uploadKindOf(facts.detectedMime);
  // Any other XML is not a receipt: only a digital e-invoice has fields to show and read.
  if (kind === "einvoice" && !facts.einvoice) return { ok: false, code: "not_einvoice", params: {} };
  if (kind === "pdf") {
    // A password-protected PDF cannot be shown to anyone; the person who has the password can save a copy without it.
    if (facts.encrypted) return { ok: false, code: "encrypted_pdf", params: {} };
    if (facts.unreadable) return { ok: false, code: "corrupt_pdf", params: {} };
    if (facts.pages !== undefined && facts.pages > limits.maxPdfPages) {
      return { ok: false, code: "too_many_pages", params: { pages: facts.pages, maxPages: limits.maxPdfPages } };
    }
  }
  // One page is decoded at a time, so the limit is per page (frame), as sharp's limitInputPixels is.
  if (kind === "image" && facts.width !== undefined && facts.height !== undefined) {
    const pixels = facts.width * facts.height;
    if (pixels > limits.maxPixels) {
      return {
        ok: false,
        code: "too_many_pixels",
        params: { width: facts.width, height: facts.height, pixels, maxPixels: limits.maxPixels },
      };
    }
  }
  return { ok: true, kind };
}
