/**
 * The ISO 20022 customer credit transfer initiation (pain.001.001.10) for one payment run: one
 * payment instruction (the payer account, the value date), one credit transfer per claim with its
 * unique end-to-end id. Chinese accounts go in `Othr/Id` with the bank's 12-digit CNAPS code as a
 * clearing-system member id; accounts abroad by IBAN and BIC. The file must pass the official schema
 * (`app/utils/xml-schema.server.ts`) before it can be released.
 */
import { create } from "xmlbuilder2";
import { minorToDecimalString } from "../money";

export const PAIN_001_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.10";

export type PaymentAccount =
  | { kind: "cn"; holderName: string; accountNumber: string; bankName: string; cnapsCode: string }
  | { kind: "iban"; holderName: string; iban: string; bic: string };

export type Pain001Run = {
  messageId: string;
  createdAt: Date;
  initiatingParty: string;
  paymentInfoId: string;
  valueDate: string;
  currency: string;
  debtor: PaymentAccount;
  payments: readonly { endToEndId: string; minor: bigint; creditor: PaymentAccount; remittance: string }[];
};

type Node = Record<string, unknown>;

function agent(account: PaymentAccount): Node {
  if (account.kind === "iban") return { FinInstnId: { BICFI: account.bic } };
  return { FinInstnId: { ClrSysMmbId: { ClrSysId: { Cd: "CNAPS" }, MmbId: account.cnapsCode }, Nm: account.bankName.slice(0, 140) } };
}

function accountId(account: PaymentAccount): Node {
  return account.kind === "iban" ? { Id: { IBAN: account.iban } } : { Id: { Othr: { Id: account.accountNumber } } };
}

/** The pain.001 XML of a run, UTF-8, amounts in the currency's decimals (no float anywhere). */
export function buildPain001(run: Pain001Run): string {
  if (run.payments.length === 0) throw new RangeError("a payment run needs at least one payment");
  const total = run.payments.reduce((sum, p) => sum + p.minor, 0n);
  const amount = (minor: bigint) => minorToDecimalString(minor, run.currency);
  const doc = {
    Document: {
      "@xmlns": PAIN_001_NAMESPACE,
      CstmrCdtTrfInitn: {
        GrpHdr: {
          MsgId: run.messageId,
          CreDtTm: run.createdAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
          NbOfTxs: String(run.payments.length),
          CtrlSum: amount(total),
          InitgPty: { Nm: run.initiatingParty.slice(0, 140) },
        },
        PmtInf: {
          PmtInfId: run.paymentInfoId,
          PmtMtd: "TRF",
          NbOfTxs: String(run.payments.length),
          CtrlSum: amount(total),
          ReqdExctnDt: { Dt: run.valueDate },
          Dbtr: { Nm: run.debtor.holderName.slice(0, 140) },
          DbtrAcct: { ...accountId(run.debtor), Ccy: run.currency },
          DbtrAgt: agent(run.debtor),
          ChrgBr: "SLEV",
          CdtTrfTxInf: run.payments.map((p) => ({
            PmtId: { EndToEndId: p.endToEndId },
            Amt: { InstdAmt: { "@Ccy": run.currency, "#": amount(p.minor) } },
            CdtrAgt: agent(p.creditor),
            Cdtr: { Nm: p.creditor.holderName.slice(0, 140) },
            CdtrAcct: accountId(p.creditor),
            RmtInf: { Ustrd: p.remittance.slice(0, 140) },
          })),
        },
      },
    },
  };
  return create({ version: "1.0", encoding: "UTF-8" }, doc).end({ prettyPrint: true });
}
