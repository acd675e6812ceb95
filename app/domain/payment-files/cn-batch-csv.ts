/**
 * The bulk-payment file Chinese banks' e-banking imports (批量代发/批量转账): one row per payment with
 * the payee's account, name, bank and CNAPS code (联行号), the amount in yuan and the purpose. Most
 * e-banking import screens read GBK, so that is the default encoding; a bank that takes UTF-8 gets a BOM.
 * Columns differ by bank: this is the common layout, and a bank with another is another adapter.
 */
import iconv from "iconv-lite";
import { csvText } from "../csv";
import { minorToDecimalString } from "../money";
import type { Pain001Run } from "./pain001";

export const CN_BATCH_HEADER = ["序号", "收款人账号", "收款人户名", "收款银行", "收款行联行号", "金额", "用途", "业务参考号"];

export function cnBatchCsvRows(run: Pain001Run): string[][] {
  if (run.currency !== "CNY") throw new RangeError(`the domestic batch file pays CNY only, not ${run.currency}`);
  return run.payments.map((p, i) => {
    if (p.creditor.kind !== "cn") throw new RangeError(`payment ${p.endToEndId}: the domestic batch file needs a mainland account (account number and CNAPS code)`);
    return [String(i + 1), p.creditor.accountNumber, p.creditor.holderName, p.creditor.bankName, p.creditor.cnapsCode, minorToDecimalString(p.minor, "CNY"), p.remittance, p.endToEndId];
  });
}

export function buildCnBatchCsv(run: Pain001Run, encoding: "gbk" | "utf-8" = "gbk"): Uint8Array {
  const text = csvText([CN_BATCH_HEADER, ...cnBatchCsvRows(run)]);
  return encoding === "gbk" ? iconv.encode(text, "gbk") : new TextEncoder().encode(`\uFEFF${text}`);
}
