import { describe, expect, it } from "vitest";
import { statementBalanceProblem } from "~/domain/reconciliation";
import { validateAgainstSchema } from "~/utils/xml-schema.server";
import { buildCamt053, closingBalance, type Camt053Statement } from "./camt053-build";
import { readCamt053, type CamtEntry, type CamtStatementHead } from "./camt053";

const statement: Camt053Statement = {
  messageId: "SBX-STMT-20261208",
  statementId: "110060149018170014822-2026-12-08",
  createdAt: new Date("2026-12-08T18:00:00Z"),
  account: "110060149018170014822",
  currency: "CNY",
  date: "2026-12-08",
  openingMinor: 10_000_000n,
  lines: [
    { minor: 123_450n, direction: "DBIT", bookingDate: "2026-12-08", endToEndId: "PR202612080001P000001", counterpartyAccount: "6222021001122334455", returnReason: null, reference: "SBX-1" },
    { minor: 2_500n, direction: "DBIT", bookingDate: "2026-12-08", endToEndId: "PR202612080001P000002", counterpartyAccount: "DE89370400440532013000", returnReason: null, reference: "SBX-2" },
    { minor: 2_500n, direction: "CRDT", bookingDate: "2026-12-08", endToEndId: "PR202612080001P000002", counterpartyAccount: "DE89370400440532013000", returnReason: "AC04", reference: "SBX-3" },
  ],
};

describe("camt.053.001.08 built by the sandbox bank", () => {
  it("is valid by the official schema, also with no entries", async () => {
    expect(await validateAgainstSchema(buildCamt053(statement), "camt.053.001.08")).toEqual({ valid: true });
    expect(await validateAgainstSchema(buildCamt053({ ...statement, lines: [] }), "camt.053.001.08")).toEqual({ valid: true });
  });

  it("reads back with our reader: debits with the creditor, the return with its reason, balances that add up", async () => {
    const items: (CamtStatementHead | CamtEntry)[] = [];
    for await (const item of readCamt053([buildCamt053(statement)])) items.push(item);
    const [head, ...entries] = items as [CamtStatementHead, ...CamtEntry[]];
    expect(head).toMatchObject({ statementId: statement.statementId, account: statement.account, currency: "CNY", openingMinor: 10_000_000n, closingMinor: 9_876_550n });
    expect(closingBalance(statement)).toBe(9_876_550n);
    expect(entries.map((e) => [e.direction, e.minor, e.endToEndId, e.counterpartyAccount, e.returnReason])).toEqual([
      ["DBIT", 123_450n, "PR202612080001P000001", "6222021001122334455", null],
      ["DBIT", 2_500n, "PR202612080001P000002", "DE89370400440532013000", null],
      ["CRDT", 2_500n, "PR202612080001P000002", "DE89370400440532013000", "AC04"],
    ]);
    expect(statementBalanceProblem({ currency: head.currency, openingMinor: head.openingMinor, closingMinor: head.closingMinor, entries })).toBeNull();
  });
});
