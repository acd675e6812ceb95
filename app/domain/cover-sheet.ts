import { localDay } from "./metrics";
import { sumByCurrency, type Money } from "./money";
import { coverSheetCode } from "./paper-trail";

/**
 * The cover sheet (issue 12): the one page an employee prints and puts on top of the paper originals
 * mailed to the SSC. This module decides what the page says; app/utils/cover-sheet-pdf.server.ts draws it.
 */

/** Where the originals go, per company, in both languages (lines as they go on an envelope). */
export type SendTo = { en: readonly string[]; zh: readonly string[] };

/**
 * The demo's companies all mail to the SSC at head office. A constant table until companies keep
 * their own mailing address (issue 12's packets and arrival desk will need it as data).
 */
const SSC_MAIL_ROOM: SendTo = {
  en: ["Finance Shared Service Center – Mail room", "Huaxin Communications Group Co., Ltd.", "Huaxin Tower, 88 Keyuan Road, Nanshan District", "Shenzhen 518057, China"],
  zh: ["财务共享服务中心 收发室", "华信通信集团有限公司", "深圳市南山区科苑路88号华信大厦", "邮编 518057"],
};
export const SEND_TO_BY_COMPANY: Readonly<Record<string, SendTo>> = {
  HQ: SSC_MAIL_ROOM,
  SZ: SSC_MAIL_ROOM,
  HK: {
    en: ["Finance Shared Service Center – Mail room (HK documents)", "Huaxin Communications Group Co., Ltd.", "Huaxin Tower, 88 Keyuan Road, Nanshan District", "Shenzhen 518057, China"],
    zh: ["财务共享服务中心 收发室（香港单据）", "华信通信集团有限公司", "深圳市南山区科苑路88号华信大厦", "邮编 518057"],
  },
};
/** Any other company (tests, companies added later) mails to the SSC too. */
export const DEFAULT_SEND_TO: SendTo = SSC_MAIL_ROOM;

export function sendToFor(companyCode: string): SendTo {
  return SEND_TO_BY_COMPANY[companyCode] ?? DEFAULT_SEND_TO;
}

/** R1, R2, …: the number written on each paper original, by its position in the claim's stored order. */
export function receiptNumber(index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`receipt index ${index}`);
  return `R${index + 1}`;
}

export type CoverSheetSource = {
  number: string;
  status: string;
  purpose: string;
  submittedAt: Date | null;
  claimant: { name: string; email: string };
  company: { code: string; name: string; nameZh: string };
  department: { name: string; nameZh: string };
  /** In the claim's line order. */
  lines: readonly { id: string; merchant: string; amount: Money; receiptIds: readonly string[] }[];
  /** In the claim's stored order (the order the claim page shows them). */
  receipts: readonly { id: string; fileName: string; pages: number | null }[];
};

export type CoverSheetReceipt = {
  number: string;
  fileName: string;
  pages: number | null;
  /** 1-based numbers of the claim lines this receipt supports. */
  lineNumbers: number[];
  /** What those lines claim, per currency (a receipt shared by lines counts each line once). */
  amounts: Money[];
};

export type CoverSheet = {
  claimNumber: string;
  /**
   * The text the barcode encodes: the cover-sheet code (the claim number and its check letter,
   * paper-trail.ts coverSheetCode), so a scanner types what the arrival desk reads; a number of another
   * shape (none is made by the app) is printed as it is.
   */
  barcodeText: string;
  /** A draft has a number but nothing to send yet: the sheet says so instead of inviting a mailing. */
  isDraft: boolean;
  /** The SSC calendar day the claim was submitted. */
  submittedOn: string | null;
  purpose: string;
  claimant: { name: string; email: string };
  company: { code: string; name: string; nameZh: string };
  department: { name: string; nameZh: string };
  totals: Money[];
  receipts: CoverSheetReceipt[];
  /** 1-based numbers of lines with no receipt attached: nothing to mail for them. */
  linesWithoutReceipt: number[];
  sendTo: SendTo;
};

export function buildCoverSheet(source: CoverSheetSource): CoverSheet {
  const lineNumberOf = new Map(source.lines.map((l, i) => [l.id, i + 1]));
  const receipts = source.receipts.map((r, i): CoverSheetReceipt => {
    const lines = source.lines.filter((l) => l.receiptIds.includes(r.id));
    return {
      number: receiptNumber(i),
      fileName: r.fileName,
      pages: r.pages,
      lineNumbers: lines.map((l) => lineNumberOf.get(l.id)!),
      amounts: sumByCurrency(lines.map((l) => l.amount)),
    };
  });
  const receiptIds = new Set(source.receipts.map((r) => r.id));
  return {
    claimNumber: source.number,
    barcodeText: /^EC\d{10,20}$/.test(source.number) ? coverSheetCode(source.number) : source.number,
    isDraft: source.status === "DRAFT",
    submittedOn: source.submittedAt ? localDay(source.submittedAt) : null,
    purpose: source.purpose,
    claimant: source.claimant,
    company: source.company,
    department: source.department,
    totals: sumByCurrency(source.lines.map((l) => l.amount)),
    receipts,
    linesWithoutReceipt: source.lines.flatMap((l, i) => (l.receiptIds.some((id) => receiptIds.has(id)) ? [] : [i + 1])),
    sendTo: sendToFor(source.company.code),
  };
}
