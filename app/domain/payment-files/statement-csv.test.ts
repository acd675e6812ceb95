import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { isAppError } from "~/domain/app-error";
import { statementBalanceProblem } from "~/domain/reconciliation";
import type { CamtEntry, CamtStatementHead } from "./camt053";
import { createCsvRecordReader, readStatementCsv } from "./statement-csv";

const english = [
  "statement_id,STMT-CSV-0001",
  "account,110060149018170014822",
  "currency,CNY",
  "opening_balance,100000.00",
  "closing_balance,98790.50",
  "",
  "booking_date,direction,amount,end_to_end_id,counterparty_account,return_reason",
  "2026-12-08,DBIT,1234.50,PR202612080001P000001,6222021001122334455,",
  '20261208,CRDT,25.00,PR202612080001P000002,"6222 0000 0000 0000 001",AC04',
].join("\r\n");

const chinese = [
  "对账单号,对账-2026-12-08",
  "账号,110060149018170014822",
  "币种,CNY",
  "期初余额,100000.00",
  "期末余额,98790.50",
  "记账日期,借贷,金额,业务参考号,对方账号,退回原因",
  "2026-12-08,借,1234.50,PR202612080001P000001,6222021001122334455,",
  "2026-12-08,贷,25.00,,6222000000000000001,AC04",
].join("\n");

function chunked(bytes: Uint8Array, size = 7): Uint8Array[] {
  return Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
}

async function readAll(chunks: Iterable<string | Uint8Array>) {
  const out: (CamtStatementHead | CamtEntry)[] = [];
  for await (const item of readStatementCsv(chunks)) out.push(item);
  return out;
}

const refused = (e: unknown) => isAppError(e, "invalid_statement");

describe("CSV statement", () => {
  it("reads the head and the entries in the camt.053 shapes, in small byte chunks of UTF-8", async () => {
    const [head, ...entries] = await readAll(chunked(new TextEncoder().encode(english)));
    expect(head).toEqual({ kind: "statement", statementId: "STMT-CSV-0001", account: "110060149018170014822", currency: "CNY", openingMinor: 10_000_000n, closingMinor: 9_879_050n });
    expect(entries).toEqual([
      { kind: "entry", minor: 123_450n, currency: "CNY", direction: "DBIT", bookingDate: "2026-12-08", endToEndId: "PR202612080001P000001", counterpartyAccount: "6222021001122334455", returnReason: null },
      { kind: "entry", minor: 2_500n, currency: "CNY", direction: "CRDT", bookingDate: "2026-12-08", endToEndId: "PR202612080001P000002", counterpartyAccount: "6222000000000000001", returnReason: "AC04" },
    ]);
    const e = entries as CamtEntry[];
    const h = head as CamtStatementHead;
    expect(statementBalanceProblem({ currency: h.currency, openingMinor: h.openingMinor, closingMinor: h.closingMinor, entries: e })).toBeNull();
  });
  it("reads Chinese headers in GBK (chunks split inside characters) and UTF-8 with a BOM alike", async () => {
    const gbk = await readAll(chunked(iconv.encode(chinese, "gbk"), 5));
    const bom = await readAll(chunked(new TextEncoder().encode(`\uFEFF${chinese}`), 5));
    expect(gbk).toEqual(bom);
    expect(gbk[0]).toMatchObject({ statementId: "对账-2026-12-08", currency: "CNY" });
    expect(gbk.slice(1).map((e) => (e as CamtEntry).direction)).toEqual(["DBIT", "CRDT"]);
    expect((gbk[2] as CamtEntry).endToEndId).toBeNull();
  });
  it("refuses a missing head value, an unknown key, a bad amount, date or direction, and a file without a table", async () => {
    await expect(readAll([english.replace("currency,CNY\r\n", "")])).rejects.toSatisfy(refused);
    await expect(readAll([english.replace("currency,CNY", "colour,CNY")])).rejects.toSatisfy(refused);
    await expect(readAll([english.replace("1234.50", "12x34")])).rejects.toSatisfy(refused);
    await expect(readAll([english.replace("1234.50", "-1234.50")])).rejects.toSatisfy(refused);
    await expect(readAll([english.replace("2026-12-08", "2026-02-30")])).rejects.toSatisfy(refused);
    await expect(readAll([english.replace(",DBIT,", ",OUT,")])).rejects.toSatisfy(refused);
    await expect(readAll([english.split("\r\n").slice(0, 5).join("\r\n")])).rejects.toSatisfy(refused);
  });
  it("splits quoted fields with commas, quotes and line breaks across chunks", () => {
    const reader = createCsvRecordReader();
    const rows = [...reader.write('a,"b,""c"'), ...reader.write('""\r\n"x\ny",z\r'), ...reader.write("\nlast"), ...reader.end()];
    expect(rows).toEqual([["a", 'b,"c"'], ["x\ny", "z"], ["last"]]);
  });
});

describe("telling an uploaded statement's format", () => {
  it("XML (after a BOM and blank lines) is camt.053; anything else the CSV layout", async () => {
    const { sniffStatementFormat } = await import("./statement-csv");
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(sniffStatementFormat(enc('<?xml version="1.0"?><Document/>'))).toBe("camt053");
    expect(sniffStatementFormat(enc("\uFEFF\r\n  <Document/>"))).toBe("camt053");
    expect(sniffStatementFormat(enc("statement_id,1"))).toBe("csv");
    expect(sniffStatementFormat(iconv.encode("对账单号,1", "gbk"))).toBe("csv");
  });
});
