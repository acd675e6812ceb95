/**
 * Uploaded file names are shown back to people (claim page, viewer, workstation, audit) and sent in a
 * Content-Disposition header. A name is data chosen by whoever uploads, so it is cleaned of anything that
 * could make it look like something else: control characters, bidirectional overrides and isolates
 * (U+202E makes "gpj.exe" read "exe.jpg"), zero-width and other invisible formatting characters.
 */

/** Longest name kept, in code points (what a person sees), not UTF-16 units or bytes. */
export const MAX_FILE_NAME_LENGTH = 120;
/** Used when nothing printable is left. */
export const FALLBACK_FILE_NAME = "receipt";

// Cc: C0/C1 controls. Cf: format characters, which include every bidirectional mark, embedding,
// override and isolate (U+200E/F, U+061C, U+202A–202E, U+2066–2069), zero-width space/joiners, the BOM,
// the soft hyphen and the tag characters. Cs: lone surrogates (not text). Zl/Zp: line and paragraph
// separators. Default_Ignorable_Code_Point adds the fillers that render as nothing (U+115F, U+3164,
// U+FFA0…) and variation selectors.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/gu;
// Every other kind of space (no-break, ideographic, en/em…) becomes a plain one.
const SPACES = /[\s\p{Zs}]+/gu;

/**
 * The name as it will be stored and shown: the last path segment only (old browsers send a full path),
 * Unicode NFC, no invisible or control characters, spaces collapsed, no leading dots or trailing dots
 * and spaces, at most MAX_FILE_NAME_LENGTH code points with the extension kept, never empty.
 */
export function cleanFileName(raw: string, maxLength = MAX_FILE_NAME_LENGTH): string {
  const base = raw.split(/[/\\]/).pop() ?? "";
  const cleaned = base
    .normalize("NFC")
    .replace(INVISIBLE, "")
    .replace(SPACES, " ")
    .trim()
    .replace(/^\.+/, "")
    .replace(/[.\s]+$/, "")
    .trim();
  if (cleaned === "") return FALLBACK_FILE_NAME;
  return capLength(cleaned, Math.max(8, maxLength));
}

/** Cuts on code points (never half a surrogate pair) and keeps a short extension, so "….pdf" stays a PDF name. */
function capLength(name: string, maxLength: number): string {
  const chars = [...name];
  if (chars.length <= maxLength) return name;
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 ? [...name.slice(dot)] : [];
  if (ext.length >= 2 && ext.length <= 10) {
    const stem = chars.slice(0, chars.length - ext.length).slice(0, maxLength - ext.length - 1);
    return `${stem.join("").trimEnd()}…${ext.join("")}`;
  }
  return `${chars.slice(0, maxLength - 1).join("").trimEnd()}…`;
}
