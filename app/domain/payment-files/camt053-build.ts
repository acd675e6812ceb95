/**
 * A bank-to-customer statement (camt.053.001.08) as a bank writes it: the sandbox bank's end-of-day
 * statement, with our debits (end-to-end id in Refs/EndToEndId, the creditor's account) and returns
 * (a credit with RtrInf and the original end-to-end id). Valid by the official schema; read back by
 * `readCamt053`. Amounts in minor units, written through the money rules (no float).
 */
import { create } from "xmlbuilder2";
import { minorToDecimalString } from "../money";

export type Camt053Line = {
  minor: bigint;
  direction: "DBIT" | "CRDT";
  bookingDate: string;
  endToEndId: string | null;
  /** The other side: the creditor of a debit we paid, the returning account of a credit. */
  counterpartyAccount: string | null;
  returnReason: string | null;
  /** The bank's reference for the entry. */
  reference: string;
};

export type Camt053Statement = {
  messageId: string;
  statementId: string;
  createdAt: Date;
  account: string;
  currency: string;
  date: string;
  openingMinor: bigint;
  lines: readonly Camt053Line[];
};

/** The closing balance the statement will carry: opening + credits − debits. */
export function closingBalance(statement: Pick<Camt053Statement, "openingMinor" | "lines">): bigint {
  return statement.lines.reduce((sum, l) => (l.direction === "CRDT" ? sum + l.minor : sum - l.minor), statement.openingMinor);
}

export function buildCamt053(statement: Camt053Statement): string {
  const amount = (minor: bigint) => ({ "@Ccy": statement.currency, "#": minorToDecimalString(minor < 0n ? -minor : minor, statement.currency) });
  const balance = (code: string, minor: bigint) => ({
    Tp: { CdOrPrtry: { Cd: code } },
    Amt: amount(minor),
    CdtDbtInd: minor < 0n ? "DBIT" : "CRDT",
    Dt: { Dt: statement.date },
  });
  const account = (id: string) => (/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(id) ? { Id: { IBAN: id } } : { Id: { Othr: { Id: id } } });
  const doc = {
    Document: {
      "@xmlns": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08",
      BkToCstmrStmt: {
        GrpHdr: { MsgId: statement.messageId, CreDtTm: statement.createdAt.toISOString().replace(/\.\d{3}Z$/, "Z") },
        Stmt: {
          Id: statement.statementId,
          CreDtTm: statement.createdAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
          Acct: { ...account(statement.account), Ccy: statement.currency },
          Bal: [balance("OPBD", statement.openingMinor), balance("CLBD", closingBalance(statement))],
          ...(statement.lines.length > 0
            ? {
                Ntry: statement.lines.map((l) => ({
                  NtryRef: l.reference,
                  Amt: amount(l.minor),
                  CdtDbtInd: l.direction,
                  Sts: { Cd: "BOOK" },
                  BookgDt: { Dt: l.bookingDate },
                  ValDt: { Dt: l.bookingDate },
                  AcctSvcrRef: l.reference,
                  BkTxCd: { Prtry: { Cd: l.returnReason ? "RETURN" : "TRANSFER" } },
                  NtryDtls: {
                    TxDtls: {
                      Refs: { AcctSvcrRef: l.reference, EndToEndId: l.endToEndId ?? "NOTPROVIDED" },
                      ...(l.counterpartyAccount ? { RltdPties: l.direction === "DBIT" ? { CdtrAcct: account(l.counterpartyAccount) } : { DbtrAcct: account(l.counterpartyAccount) } } : {}),
                      ...(l.returnReason ? { RtrInf: { Rsn: { Cd: l.returnReason } } } : {}),
                    },
                  },
                })),
              }
            : {}),
        },
      },
    },
  };
  return create({ version: "1.0", encoding: "UTF-8" }, doc).end({ prettyPrint: true });
}
