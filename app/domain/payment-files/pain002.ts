/**
 * The bank's status report on a payment file (pain.002.001.11): the group status of the original
 * message and, per credit transfer, its status with an ISO reason code (AC01 wrong account, AC04
 * closed account …) keyed by the original end-to-end id. The sandbox bank builds these; the bank link
 * parses them back (`parsePain002`) and `reportOutcome` (domain/transmission.ts) says what they mean.
 */
import { SaxesParser } from "saxes";
import { create } from "xmlbuilder2";
import { AppError } from "../app-error";

export const PAIN_002_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.11";

/** ISO external payment statuses a bank uses on a credit transfer (group statuses add PART). */
export const TX_STATUSES = ["ACCP", "ACSC", "ACSP", "ACTC", "PDNG", "RJCT"] as const;
export type TxStatus = (typeof TX_STATUSES)[number];
export type GroupStatus = TxStatus | "PART" | "RCVD";

export type Pain002Transaction = { endToEndId: string; status: TxStatus; reason: string | null; info: string | null };

export type Pain002Report = {
  messageId: string;
  createdAt: Date;
  originalMessageId: string;
  /** Always "pain.001.001.10" here: the only file the bank link sends. */
  originalMessageName: string;
  groupStatus: GroupStatus | null;
  groupReason: string | null;
  /** The bank's own reference for the file, when it gives one (AcctSvcrRef of the first transaction). */
  bankReference: string | null;
  transactions: Pain002Transaction[];
};

const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

function reasonNode(reason: string | null, info: string | null): Record<string, unknown> {
  return { StsRsnInf: { ...(reason ? { Rsn: { Cd: reason } } : {}), ...(info ? { AddtlInf: info.slice(0, 105) } : {}) } };
}

/** The report as XML. Transactions without detail (a whole file refused) leave out OrgnlPmtInfAndSts. */
export function buildPain002(report: Pain002Report): string {
  const txs = report.transactions.map((t) => ({
    OrgnlEndToEndId: t.endToEndId,
    TxSts: t.status,
    ...(t.reason || t.info ? reasonNode(t.reason, t.info) : {}),
    ...(report.bankReference ? { AcctSvcrRef: report.bankReference } : {}),
  }));
  const doc = {
    Document: {
      "@xmlns": PAIN_002_NAMESPACE,
      CstmrPmtStsRpt: {
        GrpHdr: { MsgId: report.messageId, CreDtTm: isoSeconds(report.createdAt) },
        OrgnlGrpInfAndSts: {
          OrgnlMsgId: report.originalMessageId,
          OrgnlMsgNmId: report.originalMessageName,
          ...(report.groupStatus ? { GrpSts: report.groupStatus } : {}),
          ...(report.groupReason ? reasonNode(report.groupReason, null) : {}),
        },
        ...(txs.length > 0 ? { OrgnlPmtInfAndSts: { OrgnlPmtInfId: report.originalMessageId, TxInfAndSts: txs } } : {}),
      },
    },
  };
  return create({ version: "1.0", encoding: "UTF-8" }, doc).end({ prettyPrint: true });
}

const invalid = (message: string) => new AppError("invalid_status_report", { status: 422, message });

function isTxStatus(code: string): code is TxStatus {
  return (TX_STATUSES as readonly string[]).includes(code);
}

/** Reads a status report; anything this side cannot act on safely (an unknown status code) is refused whole. */
export function parsePain002(xml: string): Pain002Report {
  const parser = new SaxesParser({ xmlns: false });
  const path: string[] = [];
  let text = "";
  let sawRoot = false;
  const report: Pain002Report = {
    messageId: "",
    createdAt: new Date(NaN),
    originalMessageId: "",
    originalMessageName: "",
    groupStatus: null,
    groupReason: null,
    bankReference: null,
    transactions: [],
  };
  let tx: { endToEndId: string; status: string; reason: string | null; info: string | null } | null = null;

  parser.on("opentag", (tag) => {
    path.push(tag.name);
    text = "";
    if (tag.name === "CstmrPmtStsRpt") sawRoot = true;
    if (tag.name === "TxInfAndSts") tx = { endToEndId: "", status: "", reason: null, info: null };
  });
  parser.on("text", (t) => (text += t));
  parser.on("closetag", (tag) => {
    const name = tag.name;
    const parent = path[path.length - 2];
    const value = text.trim();
    const within = (n: string) => path.includes(n);
    if (tx) {
      if (name === "OrgnlEndToEndId") tx.endToEndId = value;
      else if (name === "TxSts") tx.status = value;
      else if (name === "Cd" && parent === "Rsn") tx.reason = value;
      else if (name === "AddtlInf") tx.info = value;
      else if (name === "AcctSvcrRef") report.bankReference ??= value;
      else if (name === "TxInfAndSts") {
        if (!tx.endToEndId) throw invalid("a transaction status without OrgnlEndToEndId");
        if (!isTxStatus(tx.status)) throw invalid(`unknown transaction status ${JSON.stringify(tx.status)} for ${tx.endToEndId}`);
        report.transactions.push({ endToEndId: tx.endToEndId, status: tx.status, reason: tx.reason, info: tx.info });
        tx = null;
      }
    } else if (name === "MsgId" && parent === "GrpHdr") report.messageId = value;
    else if (name === "CreDtTm" && parent === "GrpHdr") report.createdAt = new Date(value);
    else if (name === "OrgnlMsgId") report.originalMessageId = value;
    else if (name === "OrgnlMsgNmId") report.originalMessageName = value;
    else if (name === "GrpSts") {
      if (!isTxStatus(value) && value !== "PART" && value !== "RCVD") throw invalid(`unknown group status ${JSON.stringify(value)}`);
      report.groupStatus = value;
    } else if (name === "Cd" && parent === "Rsn" && within("OrgnlGrpInfAndSts")) report.groupReason = value;
    path.pop();
    text = "";
  });
  try {
    parser.write(xml).close();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw invalid(`not a readable status report: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
  }
  if (!sawRoot) throw invalid("not a pain.002 status report (no CstmrPmtStsRpt)");
  if (!report.originalMessageId) throw invalid("status report without OrgnlMsgId");
  return report;
}
