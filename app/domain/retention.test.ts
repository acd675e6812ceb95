import { describe, expect, it } from "vitest";
import type { Role } from "./route-manifest";
import {
  LEGAL_MINIMUM_RETENTION,
  RETENTION_TYPE_OF_BOX,
  RETENTION_DOCUMENT_TYPES,
  appraisalDueFrom,
  checkDestructionApproval,
  destructionApproved,
  destructionCapacities,
  overridesToStore,
  parseRetentionInput,
  readRetentionOverrides,
  retentionOver,
  dueForAppraisal,
  retentionEnd,
  retentionPolicy,
  type DestructionApproval,
  type RetentionPeriod,
} from "./retention";

const y = (n: number): RetentionPeriod => ({ kind: "years", years: n });
const permanent: RetentionPeriod = { kind: "permanent" };

describe("legal minimums (会计档案管理办法 附表一)", () => {
  it("has a period for every document type, as the regulation sets them", () => {
    expect(Object.keys(LEGAL_MINIMUM_RETENTION).sort()).toEqual([...RETENTION_DOCUMENT_TYPES].sort());
    expect(LEGAL_MINIMUM_RETENTION).toEqual({
      EXPENSE_CLAIM: y(30),
      VOUCHER: y(30),
      BANK_STATEMENT: y(10),
      BANK_RECONCILIATION: y(10),
      TRANSFER_LIST: y(30),
      CUSTODY_REGISTER: permanent,
      DESTRUCTION_REGISTER: permanent,
      APPRAISAL_OPINION: permanent,
    });
  });
});

describe("RETENTION_TYPE_OF_BOX", () => {
  it("keeps claim originals' boxes 30 years and bank statements' 10 by default", () => {
    expect(LEGAL_MINIMUM_RETENTION[RETENTION_TYPE_OF_BOX.BX]).toEqual(y(30));
    expect(LEGAL_MINIMUM_RETENTION[RETENTION_TYPE_OF_BOX.BS]).toEqual(y(10));
  });
});

describe("retentionPolicy", () => {
  it("is the legal minimum when the company sets nothing", () => {
    expect(retentionPolicy()).toEqual({ ok: true, policy: LEGAL_MINIMUM_RETENTION });
  });

  it("takes a longer period, or permanent, over the minimum", () => {
    const r = retentionPolicy({ BANK_STATEMENT: y(15), VOUCHER: permanent, EXPENSE_CLAIM: y(30) });
    expect(r.ok && r.policy).toEqual({ ...LEGAL_MINIMUM_RETENTION, BANK_STATEMENT: y(15), VOUCHER: permanent });
  });

  it("refuses a shorter period, or a fixed period for a permanent record", () => {
    expect(retentionPolicy({ EXPENSE_CLAIM: y(29) })).toEqual({ ok: false, code: "below_legal_minimum", type: "EXPENSE_CLAIM" });
    expect(retentionPolicy({ BANK_RECONCILIATION: y(9) })).toEqual({ ok: false, code: "below_legal_minimum", type: "BANK_RECONCILIATION" });
    expect(retentionPolicy({ DESTRUCTION_REGISTER: y(100) })).toEqual({ ok: false, code: "below_legal_minimum", type: "DESTRUCTION_REGISTER" });
  });

  it.each([0, -1, 10.5, 101, Number.NaN])("refuses %s years", (n) => {
    expect(retentionPolicy({ BANK_STATEMENT: y(n) })).toEqual({ ok: false, code: "invalid_period", type: "BANK_STATEMENT" });
  });
});

describe("retentionEnd and appraisalDueFrom", () => {
  it("counts from the end of the fiscal year the record closed in (the regulation's example)", () => {
    expect(retentionEnd("2026-03-05", y(30))).toBe("2056-12-31");
    expect(appraisalDueFrom("2026-03-05", y(30))).toBe("2057-01-01");
  });

  it("gives the whole year to a record closed on 1 January and none extra to one closed on 31 December", () => {
    expect(retentionEnd("2026-01-01", y(10))).toBe("2036-12-31");
    expect(retentionEnd("2026-12-31", y(10))).toBe("2036-12-31");
    expect(retentionEnd("2027-01-01", y(10))).toBe("2037-12-31");
    expect(appraisalDueFrom("2026-12-31", y(10))).toBe("2037-01-01");
  });

  it("is unmoved by leap days", () => {
    expect(retentionEnd("2028-02-29", y(30))).toBe("2058-12-31");
    expect(retentionEnd("2028-02-29", y(10))).toBe("2038-12-31");
  });

  it("has no end for a permanent record", () => {
    expect(retentionEnd("2026-03-05", permanent)).toBeNull();
    expect(appraisalDueFrom("2026-03-05", permanent)).toBeNull();
  });

  it.each(["2026-02-29", "2026-13-01", "2026-3-5", "", "2026-03-05T00:00:00Z"])("refuses %j as a date", (d) => {
    expect(() => retentionEnd(d, y(30))).toThrow(RangeError);
    expect(() => retentionEnd(d, permanent)).toThrow(RangeError);
  });
});

describe("dueForAppraisal", () => {
  const items = [
    { id: "claim-a", closedOn: "2026-03-05", period: y(30), legalHold: false }, // due 2057-01-01
    { id: "statement", closedOn: "2046-06-30", period: y(10), legalHold: false }, // due 2057-01-01
    { id: "claim-b", closedOn: "2026-12-31", period: y(30), legalHold: false }, // due 2057-01-01
    { id: "claim-c", closedOn: "2027-01-01", period: y(30), legalHold: false }, // due 2058-01-01
    { id: "old", closedOn: "2016-05-01", period: y(10), legalHold: false }, // due 2027-01-01
    { id: "held", closedOn: "2016-05-01", period: y(10), legalHold: true },
    { id: "register", closedOn: "2016-05-01", period: permanent, legalHold: false },
  ];
  const ids = (today: string) => dueForAppraisal(items, today).map((i) => i.id);

  it("lists nothing the day before a period ends, and the item on the day after", () => {
    expect(ids("2026-12-31")).toEqual([]);
    expect(ids("2027-01-01")).toEqual(["old"]);
    expect(ids("2056-12-31")).toEqual(["old"]);
    expect(ids("2057-01-01")).toEqual(["old", "claim-a", "statement", "claim-b"]);
  });

  it("never lists items under legal hold or kept permanently, however late", () => {
    expect(ids("2999-01-01")).toEqual(["old", "claim-a", "statement", "claim-b", "claim-c"]);
  });

  it("keeps the caller's fields and adds the due date", () => {
    expect(dueForAppraisal(items, "2027-06-01")).toEqual([{ ...items[4], dueFrom: "2027-01-01" }]);
  });

  it("refuses a bad today", () => {
    expect(() => dueForAppraisal(items, "2027-02-30")).toThrow(RangeError);
  });
});

describe("destruction approval", () => {
  const approval = (approverId: string, as: Role, approverRoles: Role[] = [as]): DestructionApproval => ({ approverId, approverRoles, as });
  const requester = "u-requester";

  it("is given by two people in two different capacities", () => {
    expect(destructionApproved(requester, [approval("u-arch", "ARCHIVIST"), approval("u-sup", "SUPERVISOR")])).toEqual({ ok: true });
    expect(destructionApproved(requester, [approval("u-admin", "ADMIN"), approval("u-arch", "ARCHIVIST")])).toEqual({ ok: true });
    expect(destructionApproved(requester, [approval("u-sup", "SUPERVISOR"), approval("u-admin", "ADMIN")])).toEqual({ ok: true });
  });

  it("needs two approvals", () => {
    expect(destructionApproved(requester, [])).toEqual({ ok: false, code: "too_few_approvals" });
    expect(destructionApproved(requester, [approval("u-arch", "ARCHIVIST")])).toEqual({ ok: false, code: "too_few_approvals" });
  });

  it("refuses two approvals in the same capacity", () => {
    expect(destructionApproved(requester, [approval("u-a1", "ARCHIVIST"), approval("u-a2", "ARCHIVIST")])).toEqual({ ok: false, code: "same_role" });
  });

  it("refuses one person approving twice, even in two of their roles", () => {
    const both: Role[] = ["ARCHIVIST", "ADMIN"];
    expect(destructionApproved(requester, [approval("u-x", "ARCHIVIST", both), approval("u-x", "ADMIN", both)])).toEqual({ ok: false, code: "same_approver" });
  });

  it("refuses the requester as an approver, whatever their roles", () => {
    expect(destructionApproved(requester, [approval(requester, "ADMIN"), approval("u-arch", "ARCHIVIST")])).toEqual({ ok: false, code: "requester_cannot_approve" });
  });

  it("refuses a capacity that may not approve, or one the person does not hold", () => {
    expect(destructionApproved(requester, [approval("u-acc", "ACCOUNTANT"), approval("u-arch", "ARCHIVIST")])).toEqual({ ok: false, code: "role_not_allowed" });
    expect(destructionApproved(requester, [approval("u-q", "QA"), approval("u-arch", "ARCHIVIST")])).toEqual({ ok: false, code: "role_not_allowed" });
    expect(destructionApproved(requester, [approval("u-emp", "ADMIN", ["EMPLOYEE"]), approval("u-arch", "ARCHIVIST")])).toEqual({ ok: false, code: "role_not_held" });
  });

  it("refuses a third approval", () => {
    const two = [approval("u-arch", "ARCHIVIST"), approval("u-sup", "SUPERVISOR")];
    expect(checkDestructionApproval(requester, two, approval("u-admin", "ADMIN"))).toEqual({ ok: false, code: "already_approved" });
    expect(destructionApproved(requester, [...two, approval("u-admin", "ADMIN")])).toEqual({ ok: false, code: "already_approved" });
  });

  it("offers each person the capacities still open to them", () => {
    const arch = [approval("u-arch", "ARCHIVIST")];
    expect(destructionCapacities({ id: "u-boss", roles: ["ADMIN", "SUPERVISOR", "ARCHIVIST", "EMPLOYEE"] }, requester, [])).toEqual(["ARCHIVIST", "SUPERVISOR", "ADMIN"]);
    expect(destructionCapacities({ id: "u-boss", roles: ["ADMIN", "SUPERVISOR", "ARCHIVIST"] }, requester, arch)).toEqual(["SUPERVISOR", "ADMIN"]);
    expect(destructionCapacities({ id: "u-arch", roles: ["ARCHIVIST", "ADMIN"] }, requester, arch)).toEqual([]);
    expect(destructionCapacities({ id: requester, roles: ["ADMIN"] }, requester, arch)).toEqual([]);
    expect(destructionCapacities({ id: "u-acc", roles: ["ACCOUNTANT", "TREASURY"] }, requester, [])).toEqual([]);
    expect(destructionCapacities({ id: "u-sup", roles: ["SUPERVISOR"] }, requester, [...arch, approval("u-admin", "ADMIN")])).toEqual([]);
  });
});

describe("stored overrides and the settings form", () => {
  it("reads back only known types with well-formed periods", () => {
    expect(readRetentionOverrides({ EXPENSE_CLAIM: { kind: "years", years: 40 }, BANK_STATEMENT: { kind: "permanent" }, NOPE: { kind: "years", years: 1 }, VOUCHER: { kind: "years", years: "x" } })).toEqual({
      EXPENSE_CLAIM: { kind: "years", years: 40 },
      BANK_STATEMENT: { kind: "permanent" },
    });
    expect(readRetentionOverrides(null)).toEqual({});
    expect(readRetentionOverrides([1, 2])).toEqual({});
    expect(readRetentionOverrides("EXPENSE_CLAIM")).toEqual({});
  });

  it("parses a form value: empty keeps the law, 'permanent', whole years, anything else invalid", () => {
    expect(parseRetentionInput("")).toBeNull();
    expect(parseRetentionInput("  ")).toBeNull();
    expect(parseRetentionInput("permanent")).toEqual({ kind: "permanent" });
    expect(parseRetentionInput("35")).toEqual({ kind: "years", years: 35 });
    expect(parseRetentionInput("3.5")).toBe("invalid");
    expect(parseRetentionInput("-1")).toBe("invalid");
    expect(parseRetentionInput("1000")).toBe("invalid");
  });

  it("a parsed value below the law is refused by retentionPolicy (the form's check)", () => {
    const p = parseRetentionInput("20");
    expect(p).toEqual({ kind: "years", years: 20 });
    expect(retentionPolicy({ EXPENSE_CLAIM: p as { kind: "years"; years: number } })).toEqual({ ok: false, code: "below_legal_minimum", type: "EXPENSE_CLAIM" });
  });

  it("stores only what differs from the law", () => {
    const r = retentionPolicy({ EXPENSE_CLAIM: { kind: "years", years: 30 }, BANK_STATEMENT: { kind: "years", years: 15 }, VOUCHER: { kind: "permanent" } });
    if (!r.ok) throw new Error("refused");
    expect(overridesToStore(r.policy)).toEqual({ BANK_STATEMENT: { kind: "years", years: 15 }, VOUCHER: { kind: "permanent" } });
    expect(overridesToStore(LEGAL_MINIMUM_RETENTION)).toEqual({});
  });
});

describe("retentionOver", () => {
  it("is over from the day after the last day kept; never for a permanent record", () => {
    expect(retentionOver("2044-12-31", "2044-12-31")).toBe(false);
    expect(retentionOver("2044-12-31", "2045-01-01")).toBe(true);
    expect(retentionOver(null, "2999-01-01")).toBe(false);
    expect(() => retentionOver("2044-12-31", "2045-1-1")).toThrow(RangeError);
  });
});
