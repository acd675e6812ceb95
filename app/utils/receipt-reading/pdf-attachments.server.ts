/**
 * Files embedded in a PDF (the document's EmbeddedFiles name tree, and file-attachment annotations): a
 * digital e-invoice PDF may carry its XML this way. pdf-lib reads the structure without native code; it
 * has no "list attachments" call, so the name tree is walked here.
 */
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFString, type PDFObject } from "pdf-lib";

export type PdfAttachment = { name: string; bytes: Uint8Array };

export async function readPdfAttachments(pdf: Uint8Array): Promise<PdfAttachment[]> {
  const doc = await PDFDocument.load(pdf, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
  const out: PdfAttachment[] = [];
  const ctx = doc.context;
  // pdf-lib's classes have private constructors: `instanceof` takes them as plain functions.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  const look = <T extends PDFObject>(o: PDFObject | undefined, type: Function & { prototype: T }): T | undefined => {
    const v = o === undefined ? undefined : ctx.lookup(o);
    return v instanceof type ? (v as T) : undefined;
  };
  const text = (o: PDFObject | undefined): string => {
    const v = o === undefined ? undefined : ctx.lookup(o);
    return v instanceof PDFString || v instanceof PDFHexString ? v.decodeText() : "";
  };
  const fromFileSpec = (spec: PDFDict | undefined) => {
    if (!spec) return;
    const ef = look(spec.get(PDFName.of("EF")), PDFDict);
    const stream = look(ef?.get(PDFName.of("F")) ?? ef?.get(PDFName.of("UF")), PDFRawStream);
    if (!stream) return;
    const name = text(spec.get(PDFName.of("UF"))) || text(spec.get(PDFName.of("F"))) || "attachment";
    out.push({ name, bytes: decodePDFRawStream(stream).decode() });
  };
  const walk = (node: PDFDict | undefined, depth: number) => {
    if (!node || depth > 16) return;
    const names = look(node.get(PDFName.of("Names")), PDFArray);
    if (names) for (let i = 1; i < names.size(); i += 2) fromFileSpec(look(names.get(i), PDFDict));
    const kids = look(node.get(PDFName.of("Kids")), PDFArray);
    if (kids) for (let i = 0; i < kids.size(); i++) walk(look(kids.get(i), PDFDict), depth + 1);
  };
  const namesDict = look(doc.catalog.get(PDFName.of("Names")), PDFDict);
  walk(look(namesDict?.get(PDFName.of("EmbeddedFiles")), PDFDict), 0);
  for (const page of doc.getPages()) {
    const annots = look(page.node.get(PDFName.of("Annots")), PDFArray);
    if (!annots) continue;
    for (let i = 0; i < annots.size(); i++) {
      const a = look(annots.get(i), PDFDict);
      if (a?.get(PDFName.of("Subtype"))?.toString() === "/FileAttachment") fromFileSpec(look(a.get(PDFName.of("FS")), PDFDict));
    }
  }
  return out;
}
