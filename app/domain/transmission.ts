/**
 * How a payment run travels to the bank, once (issue 10, "the bank link, exactly once"):
 *
 *   NOT_SENT ──send──▶ SENDING ──answer──▶ SENT | ACCEPTED | PARTIALLY_ACCEPTED | REJECTED
 *      │                  └──no answer / stuck──▶ UNKNOWN ──status report──▶ the bank's answer
 *      └──marked sent by hand (file connector)──▶ SENT
 *
 * A run leaves NOT_SENT once, in the transaction that claims it; nothing ever returns to NOT_SENT or
 * SENDING, so a retried or duplicated job finds nothing to send. A lost answer is never a reason to
 * send again: UNKNOWN is resolved by asking the bank (a status query by message id).
 */
import type { Pain002Report, TxStatus } from "./payment-files/pain002";

export const TRANSMISSIONS = ["NOT_SENT", "SENDING", "SENT", "UNKNOWN", "ACCEPTED", "PARTIALLY_ACCEPTED", "REJECTED"] as const;
export type Transmission = (typeof TRANSMISSIONS)[number];

/** What the bank's answers say about a whole file. */
export type BankVerdict = "SENT" | "ACCEPTED" | "PARTIALLY_ACCEPTED" | "REJECTED";

export type TransmissionEvent =
  | { type: "send" }
  | { type: "markedSent" }
  | { type: "answer"; verdict: BankVerdict }
  | { type: "noAnswer" }
  | { type: "statusReport"; verdict: BankVerdict }
  | { type: "manualStatus"; verdict: Exclude<BankVerdict, "SENT"> };

const FINAL: readonly Transmission[] = ["ACCEPTED", "PARTIALLY_ACCEPTED", "REJECTED"];

/** The next transmission state, or null when the event does not apply (the caller does nothing). */
export function nextTransmission(from: Transmission, event: TransmissionEvent): Transmission | null {
  switch (event.type) {
    case "send":
      return from === "NOT_SENT" ? "SENDING" : null;
    case "markedSent":
      return from === "NOT_SENT" ? "SENT" : null;
    case "answer":
      return from === "SENDING" ? event.verdict : null;
    case "noAnswer":
      return from === "SENDING" ? "UNKNOWN" : null;
    case "statusReport":
      if (from === "SENT" || from === "UNKNOWN") return event.verdict === from ? null : event.verdict;
      return null;
    case "manualStatus":
      return from === "SENT" || from === "UNKNOWN" ? event.verdict : null;
  }
}

export function isFinalTransmission(t: Transmission): boolean {
  return FINAL.includes(t);
}

/** Only a run never sent may be sent: the rule a retried job meets. */
export function maySend(t: Transmission): boolean {
  return t === "NOT_SENT";
}

const ACCEPTED: readonly TxStatus[] = ["ACCP", "ACSC", "ACSP", "ACTC"];

export type ReportOutcome = {
  verdict: BankVerdict;
  /** No transaction is still pending: nothing more to ask the bank. */
  settled: boolean;
  accepted: string[];
  rejected: { endToEndId: string; reason: string }[];
  pending: string[];
  /** End-to-end ids in the report that are not in the run (never applied; worth a look). */
  strangers: string[];
};

/**
 * What a status report means for a run's payments (by end-to-end id). Transactions the report does not
 * name take the group status: a whole file refused (RJCT with one reason) rejects every payment.
 */
export function reportOutcome(report: Pick<Pain002Report, "groupStatus" | "groupReason" | "transactions">, endToEndIds: readonly string[]): ReportOutcome {
  const ours = new Set(endToEndIds);
  const byId = new Map(report.transactions.map((t) => [t.endToEndId, t]));
  const out: ReportOutcome = { verdict: "SENT", settled: false, accepted: [], rejected: [], pending: [], strangers: [] };
  for (const t of report.transactions) if (!ours.has(t.endToEndId)) out.strangers.push(t.endToEndId);
  for (const id of endToEndIds) {
    const t = byId.get(id);
    const status = t?.status ?? report.groupStatus;
    if (status && ACCEPTED.includes(status as TxStatus)) out.accepted.push(id);
    else if (status === "RJCT") out.rejected.push({ endToEndId: id, reason: t?.reason ?? report.groupReason ?? "NARR" });
    else out.pending.push(id);
  }
  out.settled = out.pending.length === 0;
  // Anything still pending: the file stays SENT (decided payments are applied one by one) and the sweep asks again.
  if (out.pending.length > 0) out.verdict = "SENT";
  else if (out.rejected.length === 0) out.verdict = "ACCEPTED";
  else if (out.accepted.length === 0) out.verdict = "REJECTED";
  else out.verdict = "PARTIALLY_ACCEPTED";
  return out;
}

/** Status checks back off: 30 s, 1 min, 2 min … at most an hour between two questions to the bank. */
export function nextStatusCheckAt(lastCheckedAt: Date | null, checks: number, startedAt: Date): Date {
  const base = lastCheckedAt ?? startedAt;
  const delay = Math.min(30_000 * 2 ** Math.max(0, checks - 1), 3_600_000);
  return new Date(base.getTime() + (checks === 0 ? 0 : delay));
}

/**
 * The bank says it never received a file we may have sent. Re-offering the same bytes with the same
 * message id is safe only because the bank refuses a message id it already took (it answers with the
 * original report); we still do it a bounded number of times, then leave it to a person.
 */
export const MAX_REOFFERS = 3;
export type NotReceivedDecision = { action: "reoffer" } | { action: "ask_a_person" };
export function whenBankNeverReceived(reoffersSoFar: number): NotReceivedDecision {
  return reoffersSoFar < MAX_REOFFERS ? { action: "reoffer" } : { action: "ask_a_person" };
}
