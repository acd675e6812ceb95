/**
 * Reads a bank-to-customer statement (camt.053.001.08) as a stream: memory stays flat however many
 * entries the file holds. It yields the statement's head (account, currency, opening and closing
 * balances) once, before its first entry, then each entry as it closes. Amounts become minor units
 * through the money rules (no float). Validating a statement's balance is `statementBalanceProblem`.
 */
import { SaxesParser } from "saxes";
import { AppError } from "../app-error";
import { parseAmount } from "../money";

export type CamtStatementHead = {
  kind: "statement";
  statementId: string;
  account: string;
  currency: string;
  openingMinor: bigint;
  closingMinor: bigint;
};

export type CamtEntry = {
  kind: "entry";
  minor: bigint;
  currency: string;
  direction: "DBIT" | "CRDT";
  bookingDate: string;
  endToEndId: string | null;
  counterpartyAccount: string | null;
  returnReason: string | null;
};

/** A statement that cannot be read is refused whole, with what was wrong. */
const invalid = (message: string) => new AppError("invalid_statement", { status: 422, message });

/** ISO 20022 amounts are plain decimals ("1234.50"): stricter than what a person may type. */
function toMinor(text: string, currency: string, where: string): bigint {
  if (!/^\d{1,18}(\.\d{1,5})?$/.test(text.trim())) throw invalid(`${where}: not an ISO 20022 amount: ${JSON.stringify(text)}`);
  const parsed = parseAmount(text.trim(), currency);
  if (!parsed.ok) throw invalid(`${where}: not an amount in ${currency}: ${JSON.stringify(text)}`);
  return parsed.minor;
}

export async function* readCamt053(chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>): AsyncGenerator<CamtStatementHead | CamtEntry> {
  const parser = new SaxesParser({ xmlns: false });
  const path: string[] = [];
  let text = "";
  let attrCcy = "";
  const ready: (CamtStatementHead | CamtEntry)[] = [];

  let stmt: { id: string; account: string; currency: string; balances: Map<string, bigint>; headSent: boolean } | null = null;
  let bal: { type: string; amount: string; ccy: string; sign: string } | null = null;
  let entry: { amount: string; ccy: string; sign: string; date: string; e2e: string | null; cdtrAcct: string | null; dbtrAcct: string | null; reason: string | null } | null = null;

  const sendHead = () => {
    if (!stmt || stmt.headSent) return;
    const opening = stmt.balances.get("OPBD");
    const closing = stmt.balances.get("CLBD");
    if (opening === undefined || closing === undefined) throw invalid(`statement ${stmt.id}: opening (OPBD) and closing (CLBD) balances are required`);
    ready.push({ kind: "statement", statementId: stmt.id, account: stmt.account, currency: stmt.currency, openingMinor: opening, closingMinor: closing });
    stmt.headSent = true;
  };

  parser.on("opentag", (tag) => {
    path.push(tag.name);
    text = "";
    attrCcy = typeof tag.attributes.Ccy === "string" ? tag.attributes.Ccy : "";
    if (tag.name === "Stmt") stmt = { id: "", account: "", currency: "", balances: new Map(), headSent: false };
    else if (tag.name === "Bal" && stmt) bal = { type: "", amount: "", ccy: "", sign: "CRDT" };
    else if (tag.name === "Ntry" && stmt) {
      sendHead();
      entry = { amount: "", ccy: "", sign: "", date: "", e2e: null, cdtrAcct: null, dbtrAcct: null, reason: null };
    }
  });
  parser.on("text", (t) => (text += t));
  parser.on("closetag", (tag) => {
    const name = tag.name;
    const parent = path[path.length - 2];
    const value = text.trim();
    if (entry) {
      if (name === "Amt" && parent === "Ntry") [entry.amount, entry.ccy] = [value, attrCcy];
      else if (name === "CdtDbtInd" && parent === "Ntry") entry.sign = value;
      else if (name === "Dt" && parent === "BookgDt") entry.date = value;
      else if (name === "EndToEndId") entry.e2e = value === "NOTPROVIDED" ? null : value;
      else if ((name === "IBAN" || (name === "Id" && parent === "Othr")) && path.includes("CdtrAcct")) entry.cdtrAcct = value;
      else if ((name === "IBAN" || (name === "Id" && parent === "Othr")) && path.includes("DbtrAcct")) entry.dbtrAcct = value;
      else if (name === "Cd" && parent === "Rsn" && path.includes("RtrInf")) entry.reason = value;
      else if (name === "Ntry") {
        if (entry.sign !== "DBIT" && entry.sign !== "CRDT") throw invalid(`entry without CdtDbtInd`);
        const currency = entry.ccy;
        ready.push({
          kind: "entry",
          minor: toMinor(entry.amount, currency, "entry amount"),
          currency,
          direction: entry.sign,
          bookingDate: entry.date.slice(0, 10),
          endToEndId: entry.e2e,
          // We pay (a debit): the counterparty is the creditor; a return (a credit) comes from the creditor's side as debtor.
          counterpartyAccount: entry.sign === "DBIT" ? entry.cdtrAcct : entry.dbtrAcct,
          returnReason: entry.reason,
        });
        entry = null;
      }
    } else if (bal) {
      if (name === "Cd" && parent === "CdOrPrtry") bal.type = value;
      else if (name === "Amt" && parent === "Bal") [bal.amount, bal.ccy] = [value, attrCcy];
      else if (name === "CdtDbtInd" && parent === "Bal") bal.sign = value;
      else if (name === "Bal" && stmt) {
        const minor = toMinor(bal.amount, bal.ccy, `balance ${bal.type}`);
        stmt.balances.set(bal.type, bal.sign === "DBIT" ? -minor : minor);
        bal = null;
      }
    } else if (stmt) {
      if (name === "Id" && parent === "Stmt") stmt.id = value;
      else if ((name === "IBAN" || (name === "Id" && parent === "Othr")) && path.includes("Acct")) stmt.account = value;
      else if (name === "Ccy" && parent === "Acct") stmt.currency = value;
      else if (name === "Stmt") {
        sendHead();
        stmt = null;
      }
    }
    path.pop();
    text = "";
  });

  const decoder = new TextDecoder();
  for await (const chunk of chunks) {
    parser.write(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
    yield* ready.splice(0);
  }
  parser.close();
  yield* ready.splice(0);
}
