/** The sandbox bank's reading of a pain.001.001.10 file (already schema-valid): what it must book. */
import { SaxesParser } from "saxes";
import { parseAmount } from "~/domain/money";

export type IncomingTransfer = { endToEndId: string; minor: bigint; currency: string; creditorAccount: string };
export type IncomingFile = { messageId: string; debtorAccount: string; currency: string; executionDate: string; transfers: IncomingTransfer[] };

export function readPain001(xml: string): IncomingFile {
  const parser = new SaxesParser({ xmlns: false });
  const path: string[] = [];
  let text = "";
  let ccy = "";
  const file: IncomingFile = { messageId: "", debtorAccount: "", currency: "", executionDate: "", transfers: [] };
  let tx: { e2e: string; amount: string; ccy: string; account: string } | null = null;
  parser.on("opentag", (tag) => {
    path.push(tag.name);
    text = "";
    ccy = typeof tag.attributes.Ccy === "string" ? tag.attributes.Ccy : "";
    if (tag.name === "CdtTrfTxInf") tx = { e2e: "", amount: "", ccy: "", account: "" };
  });
  parser.on("text", (t) => (text += t));
  parser.on("closetag", (tag) => {
    const name = tag.name;
    const parent = path[path.length - 2];
    const value = text.trim();
    const within = (n: string) => path.includes(n);
    if (tx) {
      if (name === "EndToEndId") tx.e2e = value;
      else if (name === "InstdAmt") [tx.amount, tx.ccy] = [value, ccy];
      else if ((name === "IBAN" || (name === "Id" && parent === "Othr")) && within("CdtrAcct")) tx.account = value;
      else if (name === "CdtTrfTxInf") {
        const parsed = parseAmount(tx.amount, tx.ccy);
        if (!parsed.ok) throw new Error(`bad amount ${tx.amount}`);
        file.transfers.push({ endToEndId: tx.e2e, minor: parsed.minor, currency: tx.ccy, creditorAccount: tx.account });
        tx = null;
      }
    } else if (name === "MsgId" && parent === "GrpHdr") file.messageId = value;
    else if (name === "Dt" && parent === "ReqdExctnDt") file.executionDate = value;
    else if ((name === "IBAN" || (name === "Id" && parent === "Othr")) && within("DbtrAcct")) file.debtorAccount = value;
    else if (name === "Ccy" && parent === "DbtrAcct") file.currency = value;
    path.pop();
    text = "";
  });
  parser.write(xml).close();
  return file;
}
