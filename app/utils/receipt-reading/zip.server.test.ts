import AdmZip from "adm-zip";
import { describe, expect, it } from "vitest";
import { zipEntries, zipEntryBytes } from "./zip.server";

describe("zip entries (OFD packages)", () => {
  it("lists files (not directories) and gives their bytes, stored or deflated", () => {
    const zip = new AdmZip();
    zip.addFile("OFD.xml", Buffer.from("<ofd:OFD/>"));
    zip.addFile("Doc_0/", Buffer.alloc(0));
    zip.addFile("Doc_0/Attachs/invoice.xml", Buffer.from("<EInvoice>".padEnd(4000, " ") + "</EInvoice>"));
    const buf = zip.toBuffer();
    const entries = zipEntries(buf);
    expect(entries.map((e) => e.name).sort()).toEqual(["Doc_0/Attachs/invoice.xml", "OFD.xml"]);
    const invoice = entries.find((e) => e.name.endsWith("invoice.xml"))!;
    expect(invoice.compressedSize).toBeLessThan(invoice.size);
    expect(zipEntryBytes(buf, invoice).toString("utf8")).toMatch(/^<EInvoice> +<\/EInvoice>$/);
  });

  it("refuses what is not a zip, and an entry declaring more than it may hold", () => {
    expect(() => zipEntries(Buffer.from("%PDF-1.7 not a zip at all"))).toThrow(/not a zip archive/);
    const zip = new AdmZip();
    zip.addFile("big.xml", Buffer.from("x"));
    const buf = zip.toBuffer();
    const [entry] = zipEntries(buf);
    expect(() => zipEntryBytes(buf, { ...entry!, size: 51 * 1024 * 1024 })).toThrow(/too large/);
  });
});
