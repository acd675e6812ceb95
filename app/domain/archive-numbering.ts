/**
 * Archive box and position numbers, built from a scheme the administrator sets, e.g. the default
 * box `{company}-{year}-{type}-B{box:4}` and position suffix `-P{pos:3}`: `HQ-2026-BX-B0007-P012`.
 *
 * Placeholders: `{company}` (the company code, A–Z and 0–9), `{year}` (four digits), `{type}` (a document
 * type code, always two letters), `{box:N}` and `{pos:N}` (zero-padded to N digits, N 1–8). Everything but
 * the company code has a fixed length, so a number parses back in exactly one way, whatever the literals.
 * Numbers are read case-insensitively (a scanner or a person may type lower case) and given back upper case.
 */

/** Expense claim originals (报销单原件) and bank statements (银行对账单). */
export const ARCHIVE_DOCUMENT_TYPES = ["BX", "BS"] as const;
export type ArchiveDocumentType = (typeof ARCHIVE_DOCUMENT_TYPES)[number];

export type ArchiveScheme = { box: string; position: string };

export const DEFAULT_ARCHIVE_SCHEME: ArchiveScheme = { box: "{company}-{year}-{type}-B{box:4}", position: "-P{pos:3}" };

export type SchemeErrorCode =
  | "empty_template"
  | "unknown_placeholder"
  | "unclosed_placeholder"
  | "bad_width"
  | "duplicate_placeholder"
  | "missing_placeholder"
  | "bad_literal";

export type NumberErrorCode = "bad_company_code" | "bad_year" | "bad_type" | "out_of_range" | "no_match";

export type Result<T, Code extends string> = { ok: true; value: T } | { ok: false; code: Code; detail?: string };

type Field = "company" | "year" | "type" | "box" | "pos";
type Part = { literal: string } | { field: Field; width: number };

/** A checked template: its parts in order, and the width of its one number. */
export type CompiledTemplate = { parts: readonly Part[]; width: number };
export type CompiledScheme = { box: CompiledTemplate; position: CompiledTemplate };

const MAX_WIDTH = 8;
// Literals go into barcodes and file names: keep them to plain, unambiguous characters.
const LITERAL = /^[A-Za-z0-9\-_./]*$/;
const COMPANY_CODE = /^[A-Z0-9]{1,16}$/;
const PLACEHOLDER = /^(company|year|type|box|pos)(?::(\d+))?$/;

const fail = <Code extends string>(code: Code, detail?: string): { ok: false; code: Code; detail?: string } =>
  detail === undefined ? { ok: false, code } : { ok: false, code, detail };

function tokenize(template: string): Result<Part[], SchemeErrorCode> {
  const parts: Part[] = [];
  let rest = template;
  while (rest.length > 0) {
    const open = rest.indexOf("{");
    const literal = open === -1 ? rest : rest.slice(0, open);
    if (!LITERAL.test(literal)) return fail("bad_literal", literal);
    if (literal) parts.push({ literal });
    if (open === -1) break;
    const close = rest.indexOf("}", open);
    if (close === -1) return fail("unclosed_placeholder", rest.slice(open));
    const inner = rest.slice(open + 1, close);
    const m = PLACEHOLDER.exec(inner);
    if (!m) return fail("unknown_placeholder", inner);
    const field = m[1] as Field;
    const numbered = field === "box" || field === "pos";
    // Only the box and position numbers have a width, and they must say it.
    if (numbered !== (m[2] !== undefined)) return fail("bad_width", inner);
    const width = numbered ? Number(m[2]) : 0;
    if (numbered && (width < 1 || width > MAX_WIDTH)) return fail("bad_width", inner);
    parts.push({ field, width });
    rest = rest.slice(close + 1);
  }
  return { ok: true, value: parts };
}

function compile(template: string, required: readonly Field[]): Result<CompiledTemplate, SchemeErrorCode> {
  if (template.trim() === "") return fail("empty_template");
  const tokens = tokenize(template);
  if (!tokens.ok) return tokens;
  const seen = new Set<Field>();
  for (const part of tokens.value) {
    if (!("field" in part)) continue;
    if (!required.includes(part.field)) return fail("unknown_placeholder", part.field);
    if (seen.has(part.field)) return fail("duplicate_placeholder", part.field);
    seen.add(part.field);
  }
  const missing = required.find((f) => !seen.has(f));
  if (missing) return fail("missing_placeholder", missing);
  const number = tokens.value.find((p): p is { field: Field; width: number } => "field" in p && p.width > 0);
  return { ok: true, value: { parts: tokens.value, width: number!.width } };
}

/**
 * Checks an administrator's scheme: the box template has each of company, year, type and box exactly once,
 * the position template has pos and nothing else, widths are 1–8, literals are letters, digits and `-_./`.
 */
export function parseArchiveScheme(scheme: ArchiveScheme): Result<CompiledScheme, SchemeErrorCode> {
  const box = compile(scheme.box, ["company", "year", "type", "box"]);
  if (!box.ok) return box;
  const position = compile(scheme.position, ["pos"]);
  if (!position.ok) return position;
  return { ok: true, value: { box: box.value, position: position.value } };
}

export type BoxKey = { company: string; year: number; type: ArchiveDocumentType };
export type BoxNumber = BoxKey & { box: number };
export type PositionNumber = BoxNumber & { pos: number };

function fieldText(field: Field, values: Partial<Record<Field, string | number>>, width: number): string {
  const value = values[field];
  return width > 0 ? String(value).padStart(width, "0") : String(value);
}

function render(t: CompiledTemplate, values: Partial<Record<Field, string | number>>): string {
  return t.parts.map((p) => ("literal" in p ? p.literal.toUpperCase() : fieldText(p.field, values, p.width))).join("");
}

function inRange(n: number, width: number): boolean {
  return Number.isSafeInteger(n) && n >= 1 && n < 10 ** width;
}

function checkKey(key: BoxKey): NumberErrorCode | null {
  if (!COMPANY_CODE.test(key.company)) return "bad_company_code";
  if (!Number.isInteger(key.year) || key.year < 1000 || key.year > 9999) return "bad_year";
  if (!(ARCHIVE_DOCUMENT_TYPES as readonly string[]).includes(key.type)) return "bad_type";
  return null;
}

/** `HQ-2026-BX-B0007`. A box sequence must be 1 … 10^width − 1 (`out_of_range` otherwise). */
export function formatBoxNumber(scheme: CompiledScheme, box: BoxNumber): Result<string, NumberErrorCode> {
  const bad = checkKey(box);
  if (bad) return fail(bad);
  if (!inRange(box.box, scheme.box.width)) return fail("out_of_range", "box");
  return { ok: true, value: render(scheme.box, box) };
}

/** `HQ-2026-BX-B0007-P012`: the box number followed by the position suffix. */
export function formatPositionNumber(scheme: CompiledScheme, position: PositionNumber): Result<string, NumberErrorCode> {
  const box = formatBoxNumber(scheme, position);
  if (!box.ok) return box;
  if (!inRange(position.pos, scheme.position.width)) return fail("out_of_range", "pos");
  return { ok: true, value: box.value + render(scheme.position, position) };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

const FIELD_PATTERN: Record<Field, (width: number) => string> = {
  company: () => "([A-Z0-9]{1,16})",
  year: () => "(\\d{4})",
  type: () => `(${ARCHIVE_DOCUMENT_TYPES.join("|")})`,
  box: (w) => `(\\d{${w}})`,
  pos: (w) => `(\\d{${w}})`,
};

function matcher(parts: readonly Part[]): { re: RegExp; fields: Field[] } {
  const fields: Field[] = [];
  const source = parts
    .map((p) => {
      if ("literal" in p) return escapeRegExp(p.literal.toUpperCase());
      fields.push(p.field);
      return FIELD_PATTERN[p.field](p.width);
    })
    .join("");
  return { re: new RegExp(`^${source}$`), fields };
}

function read(parts: readonly Part[], text: string): Record<Field, string> | null {
  const { re, fields } = matcher(parts);
  const m = re.exec(text.trim().toUpperCase());
  if (!m) return null;
  return Object.fromEntries(fields.map((f, i) => [f, m[i + 1]!])) as Record<Field, string>;
}

function toBoxNumber(v: Record<Field, string>): Result<BoxNumber, NumberErrorCode> {
  const box = Number(v.box);
  // All zeros matches the pattern but is no box.
  if (box < 1) return fail("out_of_range", "box");
  return { ok: true, value: { company: v.company, year: Number(v.year), type: v.type as ArchiveDocumentType, box } };
}

/** The inverse of formatBoxNumber; anything that does not match the scheme is `no_match`. */
export function parseBoxNumber(scheme: CompiledScheme, text: string): Result<BoxNumber, NumberErrorCode> {
  const v = read(scheme.box.parts, text);
  return v ? toBoxNumber(v) : fail("no_match");
}

/** The inverse of formatPositionNumber. */
export function parsePositionNumber(scheme: CompiledScheme, text: string): Result<PositionNumber, NumberErrorCode> {
  const v = read([...scheme.box.parts, ...scheme.position.parts], text);
  if (!v) return fail("no_match");
  const box = toBoxNumber(v);
  if (!box.ok) return box;
  const pos = Number(v.pos);
  if (pos < 1) return fail("out_of_range", "pos");
  return { ok: true, value: { ...box.value, pos } };
}

/**
 * The next box for a company, year and document type: one past the highest sequence among `existing`
 * box numbers of that key (1 when there is none). Numbers that do not parse under the scheme — boxes
 * labelled under an earlier scheme — are not counted; `out_of_range` when the width is used up.
 */
export function nextBoxNumber(scheme: CompiledScheme, key: BoxKey, existing: readonly string[]): Result<BoxNumber & { label: string }, NumberErrorCode> {
  const bad = checkKey(key);
  if (bad) return fail(bad);
  let highest = 0;
  for (const text of existing) {
    const parsed = parseBoxNumber(scheme, text);
    if (!parsed.ok) continue;
    const b = parsed.value;
    if (b.company === key.company && b.year === key.year && b.type === key.type) highest = Math.max(highest, b.box);
  }
  const next = { ...key, box: highest + 1 };
  const label = formatBoxNumber(scheme, next);
  if (!label.ok) return label;
  return { ok: true, value: { ...next, label: label.value } };
}
