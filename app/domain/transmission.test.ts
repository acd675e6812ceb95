import { describe, expect, it } from "vitest";
import { MAX_REOFFERS, maySend, nextStatusCheckAt, nextTransmission, reportOutcome, TRANSMISSIONS, whenBankNeverReceived } from "./transmission";

describe("transmission state machine", () => {
  it("leaves NOT_SENT once: only a run never sent may be sent, and nothing goes back to SENDING", () => {
    expect(nextTransmission("NOT_SENT", { type: "send" })).toBe("SENDING");
    for (const t of TRANSMISSIONS.filter((t) => t !== "NOT_SENT")) {
      expect(nextTransmission(t, { type: "send" })).toBeNull();
      expect(maySend(t)).toBe(false);
    }
    for (const from of TRANSMISSIONS)
      for (const event of [{ type: "answer", verdict: "SENT" }, { type: "statusReport", verdict: "ACCEPTED" }, { type: "noAnswer" }] as const) {
        expect(nextTransmission(from, event)).not.toBe("SENDING");
        expect(nextTransmission(from, event)).not.toBe("NOT_SENT");
      }
  });

  it("an answer settles SENDING; no answer makes it UNKNOWN", () => {
    expect(nextTransmission("SENDING", { type: "answer", verdict: "ACCEPTED" })).toBe("ACCEPTED");
    expect(nextTransmission("SENDING", { type: "answer", verdict: "PARTIALLY_ACCEPTED" })).toBe("PARTIALLY_ACCEPTED");
    expect(nextTransmission("SENDING", { type: "answer", verdict: "SENT" })).toBe("SENT");
    expect(nextTransmission("SENDING", { type: "noAnswer" })).toBe("UNKNOWN");
    expect(nextTransmission("ACCEPTED", { type: "answer", verdict: "REJECTED" })).toBeNull();
    expect(nextTransmission("UNKNOWN", { type: "noAnswer" })).toBeNull();
  });

  it("UNKNOWN and SENT are resolved by the bank's status report; a final verdict stays", () => {
    expect(nextTransmission("UNKNOWN", { type: "statusReport", verdict: "ACCEPTED" })).toBe("ACCEPTED");
    expect(nextTransmission("UNKNOWN", { type: "statusReport", verdict: "SENT" })).toBe("SENT");
    expect(nextTransmission("SENT", { type: "statusReport", verdict: "REJECTED" })).toBe("REJECTED");
    expect(nextTransmission("SENT", { type: "statusReport", verdict: "SENT" })).toBeNull();
    expect(nextTransmission("ACCEPTED", { type: "statusReport", verdict: "REJECTED" })).toBeNull();
    expect(nextTransmission("NOT_SENT", { type: "statusReport", verdict: "ACCEPTED" })).toBeNull();
  });

  it("the file connector: marked sent by hand, status set by hand", () => {
    expect(nextTransmission("NOT_SENT", { type: "markedSent" })).toBe("SENT");
    expect(nextTransmission("SENT", { type: "markedSent" })).toBeNull();
    expect(nextTransmission("SENT", { type: "manualStatus", verdict: "ACCEPTED" })).toBe("ACCEPTED");
    expect(nextTransmission("NOT_SENT", { type: "manualStatus", verdict: "ACCEPTED" })).toBeNull();
  });
});

describe("what a status report means for a run", () => {
  const ids = ["E1", "E2", "E3"];
  it("all accepted (ACCP/ACSC/ACSP), all rejected, or some of each", () => {
    const tx = (endToEndId: string, status: "ACCP" | "ACSC" | "ACSP" | "RJCT" | "PDNG", reason: string | null = null) => ({ endToEndId, status, reason, info: null });
    expect(reportOutcome({ groupStatus: "ACCP", groupReason: null, transactions: [tx("E1", "ACCP"), tx("E2", "ACSC"), tx("E3", "ACSP")] }, ids)).toMatchObject({ verdict: "ACCEPTED", settled: true, accepted: ids });
    const part = reportOutcome({ groupStatus: "PART", groupReason: null, transactions: [tx("E1", "ACSP"), tx("E2", "RJCT", "AC04"), tx("E3", "ACSP")] }, ids);
    expect(part).toMatchObject({ verdict: "PARTIALLY_ACCEPTED", settled: true, accepted: ["E1", "E3"], rejected: [{ endToEndId: "E2", reason: "AC04" }] });
    const pending = reportOutcome({ groupStatus: "PART", groupReason: null, transactions: [tx("E1", "ACSP"), tx("E2", "RJCT", "AC01"), tx("E3", "PDNG")] }, ids);
    expect(pending).toMatchObject({ verdict: "SENT", settled: false, pending: ["E3"] });
  });

  it("a file refused whole rejects every payment with the group reason; strangers are reported, not applied", () => {
    const out = reportOutcome({ groupStatus: "RJCT", groupReason: "FF01", transactions: [{ endToEndId: "X9", status: "ACCP", reason: null, info: null }] }, ids);
    expect(out.verdict).toBe("REJECTED");
    expect(out.rejected).toEqual(ids.map((endToEndId) => ({ endToEndId, reason: "FF01" })));
    expect(out.strangers).toEqual(["X9"]);
  });

  it("a report that names no transaction and no decided group status leaves everything pending", () => {
    expect(reportOutcome({ groupStatus: "RCVD", groupReason: null, transactions: [] }, ids)).toMatchObject({ verdict: "SENT", settled: false, pending: ids });
  });
});

describe("asking again, and a file the bank never received", () => {
  it("backs off: now for the first check, then 30 s, 1 min, 2 min … at most an hour", () => {
    const t0 = new Date("2026-12-08T09:00:00Z");
    expect(nextStatusCheckAt(null, 0, t0)).toEqual(t0);
    expect(nextStatusCheckAt(t0, 1, t0).getTime() - t0.getTime()).toBe(30_000);
    expect(nextStatusCheckAt(t0, 3, t0).getTime() - t0.getTime()).toBe(120_000);
    expect(nextStatusCheckAt(t0, 30, t0).getTime() - t0.getTime()).toBe(3_600_000);
  });

  it("re-offers the same file a bounded number of times, then asks a person", () => {
    expect(whenBankNeverReceived(0)).toEqual({ action: "reoffer" });
    expect(whenBankNeverReceived(MAX_REOFFERS - 1)).toEqual({ action: "reoffer" });
    expect(whenBankNeverReceived(MAX_REOFFERS)).toEqual({ action: "ask_a_person" });
  });
});
