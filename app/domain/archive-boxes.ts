/**
 * Archive boxes: which scheme a company numbers its boxes by, and whether an original may be filed into a
 * box (the filing station's refusals). Numbering itself is app/domain/archive-numbering.ts.
 */
import { DEFAULT_ARCHIVE_SCHEME, formatBoxNumber, formatPositionNumber, parseArchiveScheme, type ArchiveDocumentType, type ArchiveScheme, type CompiledScheme, type SchemeErrorCode } from "./archive-numbering";
import type { PaperStatus } from "./paper-trail";

/** The company's stored scheme (either column null = the default's template for it). */
export function companyScheme(company: { archiveBoxScheme: string | null; archivePositionScheme: string | null }): ArchiveScheme {
  return { box: company.archiveBoxScheme ?? DEFAULT_ARCHIVE_SCHEME.box, position: company.archivePositionScheme ?? DEFAULT_ARCHIVE_SCHEME.position };
}

/**
 * A stored scheme, compiled. A stored scheme was checked when it was saved; should one ever fail (a column
 * edited by hand), boxes are numbered by the default rather than not at all.
 */
export function compiledCompanyScheme(company: { archiveBoxScheme: string | null; archivePositionScheme: string | null }): CompiledScheme {
  const parsed = parseArchiveScheme(companyScheme(company));
  if (parsed.ok) return parsed.value;
  const fallback = parseArchiveScheme(DEFAULT_ARCHIVE_SCHEME);
  if (!fallback.ok) throw new Error("the default archive scheme does not parse");
  return fallback.value;
}

export type SchemeFieldErrors = { box?: { code: SchemeErrorCode; detail?: string }; position?: { code: SchemeErrorCode; detail?: string } };

/** Checks each template on its own, so the settings screen can say what is wrong with each field. */
export function schemeFieldErrors(scheme: ArchiveScheme): SchemeFieldErrors {
  const errors: SchemeFieldErrors = {};
  const box = parseArchiveScheme({ box: scheme.box, position: DEFAULT_ARCHIVE_SCHEME.position });
  if (!box.ok) errors.box = box.detail === undefined ? { code: box.code } : { code: box.code, detail: box.detail };
  const position = parseArchiveScheme({ box: DEFAULT_ARCHIVE_SCHEME.box, position: scheme.position });
  if (!position.ok) errors.position = position.detail === undefined ? { code: position.code } : { code: position.code, detail: position.detail };
  return errors;
}

/** What the settings screen shows under the fields: a box label and a position number under the scheme. */
export function schemePreview(scheme: ArchiveScheme, key: { company: string; year: number; type: ArchiveDocumentType; box: number }): { box: string; position: string } | null {
  const parsed = parseArchiveScheme(scheme);
  if (!parsed.ok) return null;
  const box = formatBoxNumber(parsed.value, key);
  if (!box.ok) return null;
  const position = formatPositionNumber(parsed.value, { ...key, pos: 1 });
  if (!position.ok) return null;
  return { box: box.value, position: position.value };
}

export const BOX_STATUSES = ["OPEN", "CLOSED"] as const;
export type BoxStatus = (typeof BOX_STATUSES)[number];

export const LOCATION_KINDS = ["SHELF", "OFFSITE"] as const;
export type LocationKind = (typeof LOCATION_KINDS)[number];

/** The box being filed into, as the filing station sees it when the original is scanned. */
export type FilingBox = { id: string; label: string; companyId: string; docType: string; year: number; status: string; capacity: number; filled: number };
/** The original scanned: its status and, if filed, where. `year` is the year it belongs to (submission, SSC time). */
export type FilingOriginal = { companyId: string; status: PaperStatus; year: number; boxLabel: string | null; position: string | null };

export type FilingRefusal =
  | { code: "box_closed" }
  | { code: "box_full"; capacity: number }
  | { code: "wrong_type"; docType: string }
  | { code: "wrong_company" }
  | { code: "wrong_year"; year: number; boxYear: number }
  | { code: "already_filed"; boxLabel: string; position: string }
  | { code: "not_received"; status: PaperStatus };

/**
 * Whether the original may go into the box: the box must be open with room left, hold expense-claim
 * originals (BX) of the original's company and year, and the original must have been received and not
 * filed already. Null when it may.
 */
export function filingRefusal(box: FilingBox, original: FilingOriginal): FilingRefusal | null {
  if (original.status === "ARCHIVED" && original.boxLabel) return { code: "already_filed", boxLabel: original.boxLabel, position: original.position ?? "" };
  if (box.status !== "OPEN") return { code: "box_closed" };
  if (box.filled >= box.capacity) return { code: "box_full", capacity: box.capacity };
  if (box.docType !== "BX") return { code: "wrong_type", docType: box.docType };
  if (original.companyId !== box.companyId) return { code: "wrong_company" };
  if (original.status !== "RECEIVED") return { code: "not_received", status: original.status };
  if (original.year !== box.year) return { code: "wrong_year", year: original.year, boxYear: box.year };
  return null;
}

/**
 * A position's number: formatPositionNumber under the company's scheme. A box labelled under an earlier
 * scheme keeps its label, so its positions are that label with the current position suffix.
 */
export function positionLabel(scheme: CompiledScheme, box: { label: string; company: string; year: number; docType: string; boxNo: number }, pos: number): string {
  const key = { company: box.company, year: box.year, type: box.docType as ArchiveDocumentType, box: box.boxNo };
  const full = formatPositionNumber(scheme, { ...key, pos });
  const bare = formatBoxNumber(scheme, key);
  if (full.ok && bare.ok) return bare.value === box.label ? full.value : box.label + full.value.slice(bare.value.length);
  return `${box.label}#${pos}`;
}
