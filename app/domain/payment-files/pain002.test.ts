import { describe, expect, it } from "vitest";
import { isAppError } from "~/domain/app-error";
import { validateAgainstSchema } from "~/utils/xml-schema.server";
import { buildPain002, parsePain002, type Pain002Report } from "./pain002";

const report: Pain002Report = {
  messageId: "SBX-RPT-000001",
  createdAt: new Date("2026-12-08T09:30:00.456Z"),
  originalMessageId: "PR202612080001",
  originalMessageName: "pain.001.001.10",
  groupStatus: "PART",
  groupReason: null,
  bankReference: "SBX-000042",
  transactions: [
    { endToEndId: "PR202612080001P000001", status: "ACSP", reason: null, info: null },
    { endToEndId: "PR202612080001P000002", status: "RJCT", reason: "AC04", info: "账户已销户 account closed" },
    { endToEndId: "PR202612080001P000003", status: "PDNG", reason: null, info: null },
    { endToEndId: "PR202612080001P000004", status: "ACSC", reason: null, info: null },
  ],
};

describe("pain.002.001.11 status report", () => {
  it("a built report is valid by the official schema", async () => {
    expect(await validateAgainstSchema(buildPain002(report), "pain.002.001.11")).toEqual({ valid: true });
  });

  it("a whole file refused (group RJCT with a reason, no transactions) is valid too", async () => {
    const refused = { ...report, groupStatus: "RJCT" as const, groupReason: "FF01", bankReference: null, transactions: [] };
    expect(await validateAgainstSchema(buildPain002(refused), "pain.002.001.11")).toEqual({ valid: true });
    const back = parsePain002(buildPain002(refused));
    expect(back).toMatchObject({ groupStatus: "RJCT", groupReason: "FF01", transactions: [] });
  });

  it("parses back what was built: ids, statuses, reasons, the bank's reference", () => {
    const back = parsePain002(buildPain002(report));
    expect(back.messageId).toBe("SBX-RPT-000001");
    expect(back.createdAt.toISOString()).toBe("2026-12-08T09:30:00.000Z");
    expect(back.originalMessageId).toBe("PR202612080001");
    expect(back.originalMessageName).toBe("pain.001.001.10");
    expect(back.groupStatus).toBe("PART");
    expect(back.bankReference).toBe("SBX-000042");
    expect(back.transactions).toEqual(report.transactions);
  });

  it("the schema refuses a report without its original message id", async () => {
    const xml = buildPain002(report).replace(/<OrgnlMsgId>.*<\/OrgnlMsgId>/, "");
    const check = await validateAgainstSchema(xml, "pain.002.001.11");
    expect(check.valid).toBe(false);
    expect(() => parsePain002(xml)).toThrow(/OrgnlMsgId/);
  });

  it("refuses a status this side cannot act on, and what is not a status report", () => {
    const xml = buildPain002(report).replace("<TxSts>PDNG</TxSts>", "<TxSts>XXXX</TxSts>");
    expect(() => parsePain002(xml)).toThrow(/unknown transaction status/);
    try {
      parsePain002("<Document><Other/></Document>");
      expect.unreachable();
    } catch (err) {
      expect(isAppError(err, "invalid_status_report")).toBe(true);
    }
    expect(() => parsePain002("not xml <")).toThrow(/status report/);
  });
});
