/**
 * What a reading found on a receipt, whatever read it (e-invoice XML, a QR code, later OCR): each field
 * with a confidence 0–1. Exact sources (XML) give 1; a QR gives 1 for what it carries; text extraction
 * gives less, and less again for guesses (the largest amount on a slip, an ambiguous date).
 */
export type Field<T> = {
  value: T;
  confidence: number;
  /** Where on the receipt's image it was read (OCR line box, QR code), for the viewer to highlight. */
  region?: ImageRegion;
};

export type ReceiptFields = {
  total?: Field<bigint>;
  date?: Field<string>;
  merchant?: Field<string>;
  currency?: Field<string>;
  invoiceNumber?: Field<string>;
  invoiceCode?: Field<string>;
  sellerTaxId?: Field<string>;
  taxAmount?: Field<bigint>;
  /** Amount without tax (不含税金额), from XML or the QR. */
  amountWithoutTax?: Field<bigint>;
  buyerName?: Field<string>;
  buyerTaxId?: Field<string>;
};

export const READING_SOURCES = ["xml", "qr", "pdf-xml", "ofd-xml", "pdf-text", "ocr"] as const;
export type ReadingSource = (typeof READING_SOURCES)[number];

/** Where on an image a thing was read, in image pixels of the page (p1 = 1). */
export type ImageRegion = { page: number; x: number; y: number; width: number; height: number };

/** Fields as JSON (bigints as decimal strings), for storage and the command line. */
export type FieldJson = { value: string; confidence: number; region?: ImageRegion };

export function fieldsToJson(fields: ReceiptFields): Record<string, FieldJson> {
  const out: Record<string, FieldJson> = {};
  for (const [name, f] of Object.entries(fields) as [string, Field<string | bigint> | undefined][]) {
    if (!f) continue;
    out[name] = { value: String(f.value), confidence: Math.round(f.confidence * 1000) / 1000 };
    if (f.region) out[name].region = f.region;
  }
  return out;
}

function isRegion(r: unknown): r is ImageRegion {
  if (!r || typeof r !== "object") return false;
  const o = r as Record<string, unknown>;
  return ["page", "x", "y", "width", "height"].every((k) => typeof o[k] === "number" && Number.isFinite(o[k]));
}

const BIGINT_FIELDS = new Set(["total", "taxAmount", "amountWithoutTax"]);

export function fieldsFromJson(json: unknown): ReceiptFields {
  const out: Record<string, Field<string | bigint>> = {};
  if (!json || typeof json !== "object") return {};
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (!raw || typeof raw !== "object") continue;
    const { value, confidence, region } = raw as { value?: unknown; confidence?: unknown; region?: unknown };
    if (typeof value !== "string" || typeof confidence !== "number") continue;
    const where = isRegion(region) ? { region } : {};
    if (BIGINT_FIELDS.has(name)) {
      if (!/^-?\d+$/.test(value)) continue;
      out[name] = { value: BigInt(value), confidence, ...where };
    } else out[name] = { value, confidence, ...where };
  }
  return out as ReceiptFields;
}

/** Fields of the first source win; a later one fills only what is missing. */
export function mergeFields(...sources: ReceiptFields[]): ReceiptFields {
  const out: ReceiptFields = {};
  for (const s of sources) {
    for (const [k, v] of Object.entries(s)) {
      const key = k as keyof ReceiptFields;
      if (v && out[key] === undefined) (out as Record<string, unknown>)[key] = v;
    }
  }
  return out;
}
