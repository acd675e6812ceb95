import { describe, expect, it } from "vitest";
import { create } from "xmlbuilder2";
import { isAppError } from "~/domain/app-error";
import { matchEntries, statementBalanceProblem } from "~/domain/reconciliation";
import { validateAgainstSchema } from "~/utils/xml-schema.server";
import { readCamt053, type CamtEntry, type CamtStatementHead } from "./camt053";

type Line = { amount: string; sign: "DBIT" | "CRDT"; e2e?: string; creditor?: string; debtor?: string; reason?: string };

/** A camt.053.001.08 statement as a bank would send it (checked against the official schema below). */
function statement({ opening, closing, lines }: { opening: string; closing: string; lines: Line[] }): string {
  const bal = (cd: string, amount: string) => ({ Tp: { CdOrPrtry: { Cd: cd } }, Amt: { "@Ccy": "CNY", "#": amount }, CdtDbtInd: "CRDT", Dt: { Dt: "2026-12-08" } });
  const account = (id: string) => ({ Id: { Othr: { Id: id } } });
  return create({ version: "1.0", encoding: "UTF-8" }, {
    Document: {
      "@xmlns": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08",
      BkToCstmrStmt: {
        GrpHdr: { MsgId: "STMT20261208", CreDtTm: "2026-12-08T18:00:00Z" },
        Stmt: {
          Id: "STMT20261208-01",
          Acct: { ...account("110060149018170014822"), Ccy: "CNY" },
          Bal: [bal("OPBD", opening), bal("CLBD", closing)],
          Ntry: lines.map((l) => ({
            Amt: { "@Ccy": "CNY", "#": l.amount },
            CdtDbtInd: l.sign,
            Sts: { Cd: "BOOK" },
            BookgDt: { Dt: "2026-12-08" },
            BkTxCd: { Prtry: { Cd: l.reason ? "RETURN" : "TRANSFER" } },
            NtryDtls: {
              TxDtls: {
                ...(l.e2e ? { Refs: { EndToEndId: l.e2e } } : {}),
                RltdPties: { ...(l.debtor ? { DbtrAcct: account(l.debtor) } : {}), ...(l.creditor ? { CdtrAcct: account(l.creditor) } : {}) },
                ...(l.reason ? { RtrInf: { Rsn: { Cd: l.reason } } } : {}),
              },
            },
          })),
        },
      },
    },
  }).end({ prettyPrint: true });
}

async function readAll(xml: string, chunkSize = 17) {
  const chunks = Array.from({ length: Math.ceil(xml.length / chunkSize) }, (_, i) => xml.slice(i * chunkSize, (i + 1) * chunkSize));
  const out: (CamtStatementHead | CamtEntry)[] = [];
  for await (const item of readCamt053(chunks)) out.push(item);
  return out;
}

const sample = statement({
  opening: "100000.00",
  closing: "98790.50",
  lines: [
    { amount: "1234.50", sign: "DBIT", e2e: "PR202612080001P000001", creditor: "6222021001122334455" },
    { amount: "25.00", sign: "CRDT", e2e: "PR202612080001P000002", debtor: "6222000000000000001", reason: "AC04" },
  ],
});

describe("camt.053.001.08", () => {
  it("the sample is a valid statement by the official schema", async () => {
    expect(await validateAgainstSchema(sample, "camt.053.001.08")).toEqual({ valid: true });
  });
  it("streams the head, then each entry, in minor units, read in small chunks", async () => {
    const [head, ...entries] = await readAll(sample);
    expect(head).toEqual({ kind: "statement", statementId: "STMT20261208-01", account: "110060149018170014822", currency: "CNY", openingMinor: 10_000_000n, closingMinor: 9_879_050n });
    expect(entries).toEqual([
      { kind: "entry", minor: 123_450n, currency: "CNY", direction: "DBIT", bookingDate: "2026-12-08", endToEndId: "PR202612080001P000001", counterpartyAccount: "6222021001122334455", returnReason: null },
      { kind: "entry", minor: 2_500n, currency: "CNY", direction: "CRDT", bookingDate: "2026-12-08", endToEndId: "PR202612080001P000002", counterpartyAccount: "6222000000000000001", returnReason: "AC04" },
    ]);
  });
  it("feeds the balance check and the matching rules", async () => {
    const [head, ...entries] = (await readAll(sample)) as [CamtStatementHead, ...CamtEntry[]];
    expect(statementBalanceProblem({ currency: head.currency, openingMinor: head.openingMinor, closingMinor: head.closingMinor, entries })).toBeNull();
    const payments = [
      { id: "p1", endToEndId: "PR202612080001P000001", minor: 123_450n, currency: "CNY", creditorAccount: "6222021001122334455", valueDate: "2026-12-08" },
      { id: "p2", endToEndId: "PR202612080001P000002", minor: 2_500n, currency: "CNY", creditorAccount: "6222000000000000001", valueDate: "2026-12-08" },
    ];
    const { matches } = matchEntries(entries.map((e, i) => ({ ...e, id: `e${i}` })), payments);
    expect(matches.map((m) => [m.paymentId, m.kind])).toEqual([
      ["p1", "paid"],
      ["p2", "returned"],
    ]);
    const wrong = statement({ opening: "100000.00", closing: "98790.51", lines: [{ amount: "1234.50", sign: "DBIT" }, { amount: "25.00", sign: "CRDT" }] });
    const [h2, ...e2] = (await readAll(wrong)) as [CamtStatementHead, ...CamtEntry[]];
    expect(statementBalanceProblem({ currency: h2.currency, openingMinor: h2.openingMinor, closingMinor: h2.closingMinor, entries: e2 })).toEqual({ expectedClosingMinor: 9_879_050n });
  });
  it("refuses a statement without its balances, or with an amount that is not one", async () => {
    const noBalances = sample.replace(/<Bal>[\s\S]*?<\/Bal>/g, "");
    await expect(readAll(noBalances)).rejects.toSatisfy((e: unknown) => isAppError(e, "invalid_statement"));
    await expect(readAll(sample.replace("1234.50", "12,34"))).rejects.toSatisfy((e: unknown) => isAppError(e, "invalid_statement"));
  });
});
