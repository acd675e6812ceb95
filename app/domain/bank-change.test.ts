import { describe, expect, it } from "vitest";
import { parseFields } from "~/utils/forms";
import {
  bankChangeDecisionRefusal,
  canMoveBankAccount,
  isDue,
  PayerAccountSchema,
  pendingWait,
  TreasurySettingsSchema,
  usableAfterFor,
} from "./bank-change";

const now = new Date("2026-12-04T10:00:00Z");
const treasury = { id: "t1", roles: ["EMPLOYEE", "TREASURY"] as const };
const change = { ownerId: "e1", requestedBy: "e1", companyId: "c1", status: "PENDING", policy: "SECOND_PERSON" as const };

describe("what a held change waits for", () => {
  it("waits for finance under SECOND_PERSON, whatever the employee did", () => {
    expect(pendingWait("SECOND_PERSON", { employeeConfirmedAt: now, usableAfter: now }, now)).toEqual({ kind: "finance" });
  });
  it("waits for the employee, then the cooling-off, then is due", () => {
    expect(pendingWait("EMPLOYEE_CONFIRM", { employeeConfirmedAt: null, usableAfter: null }, now)).toEqual({ kind: "employee_confirmation" });
    const usableAfter = usableAfterFor(now, 72);
    expect(usableAfter.toISOString()).toBe("2026-12-07T10:00:00.000Z");
    expect(pendingWait("EMPLOYEE_CONFIRM", { employeeConfirmedAt: now, usableAfter }, now)).toEqual({ kind: "cooling_off", usableAfter });
    expect(pendingWait("EMPLOYEE_CONFIRM", { employeeConfirmedAt: now, usableAfter }, usableAfter)).toEqual({ kind: "due" });
  });
  it("is due only once confirmed and the time has come", () => {
    expect(isDue({ employeeConfirmedAt: null, usableAfter: now }, now)).toBe(false);
    expect(isDue({ employeeConfirmedAt: now, usableAfter: new Date(now.getTime() + 1) }, now)).toBe(false);
    expect(isDue({ employeeConfirmedAt: now, usableAfter: now }, now)).toBe(true);
  });
});

describe("account rows only move forward", () => {
  it("allows PENDING to end one way and ACTIVE only to be superseded", () => {
    expect(canMoveBankAccount("PENDING", "ACTIVE")).toBe(true);
    expect(canMoveBankAccount("PENDING", "REJECTED")).toBe(true);
    expect(canMoveBankAccount("ACTIVE", "SUPERSEDED")).toBe(true);
    expect(canMoveBankAccount("ACTIVE", "PENDING")).toBe(false);
    expect(canMoveBankAccount("REJECTED", "ACTIVE")).toBe(false);
    expect(canMoveBankAccount("SUPERSEDED", "ACTIVE")).toBe(false);
  });
});

describe("who may decide a held change", () => {
  it("lets another treasury user of the company confirm or reject", () => {
    expect(bankChangeDecisionRefusal(treasury, change, ["c1"], "confirm")).toBeNull();
    expect(bankChangeDecisionRefusal(treasury, change, ["c1"], "reject")).toBeNull();
  });
  it("refuses non-treasury, other companies, the owner and the requester", () => {
    expect(bankChangeDecisionRefusal({ id: "x", roles: ["ADMIN"] }, change, ["c1"], "confirm")).toBe("not_treasury");
    expect(bankChangeDecisionRefusal(treasury, change, ["c2"], "confirm")).toBe("other_company");
    expect(bankChangeDecisionRefusal(treasury, { ...change, ownerId: "t1", requestedBy: "e9" }, ["c1"], "reject")).toBe("own_account");
    expect(bankChangeDecisionRefusal(treasury, { ...change, requestedBy: "t1" }, ["c1"], "confirm")).toBe("own_request");
    expect(bankChangeDecisionRefusal(treasury, { ...change, status: "ACTIVE" }, ["c1"], "confirm")).toBe("not_pending");
  });
  it("under EMPLOYEE_CONFIRM finance may reject but not confirm", () => {
    const held = { ...change, policy: "EMPLOYEE_CONFIRM" as const };
    expect(bankChangeDecisionRefusal(treasury, held, ["c1"], "confirm")).toBe("employee_confirms");
    expect(bankChangeDecisionRefusal(treasury, held, ["c1"], "reject")).toBeNull();
  });
});

describe("forms", () => {
  const payer = { kind: "cn", holderName: "华东贸易有限公司", accountNumber: "6222 0210 0104 5678", bankName: "中国工商银行上海分行", cnapsCode: "102290000016", name: "ICBC main", currency: "cny" };
  it("accepts a domestic payer account and normalizes it", () => {
    const parsed = parseFields(PayerAccountSchema, { ...payer, connector: "file", fileFormat: "cn-batch-csv" });
    expect(parsed.ok && parsed.value).toMatchObject({ currency: "CNY", accountNumber: "6222021001045678" });
  });
  it("refuses the batch CSV over the bank link and for an IBAN account", () => {
    expect(parseFields(PayerAccountSchema, { ...payer, connector: "host-to-host", fileFormat: "cn-batch-csv" })).toEqual({ ok: false, fieldErrors: { fileFormat: "h2h_needs_pain001" } });
    const iban = { kind: "iban", holderName: "AF GmbH", iban: "DE89 3704 0044 0532 0130 00", bic: "COBADEFFXXX", name: "EUR", currency: "EUR", connector: "file", fileFormat: "cn-batch-csv" };
    expect(parseFields(PayerAccountSchema, iban)).toEqual({ ok: false, fieldErrors: { fileFormat: "csv_needs_cn" } });
    expect(parseFields(PayerAccountSchema, { ...iban, fileFormat: "pain001", iban: "DE88 3704 0044 0532 0130 00" })).toEqual({ ok: false, fieldErrors: { iban: "iban_checksum" } });
  });
  it("checks the treasury settings' ranges and weekdays", () => {
    const base = { intent: "settings", companyId: "c1", bankChangePolicy: "EMPLOYEE_CONFIRM", bankChangeCoolingHours: "48", bankChangeFlagDays: "30", paymentWeekdays: ["4", "2", "2"] };
    const ok = parseFields(TreasurySettingsSchema, base);
    expect(ok.ok && ok.value).toMatchObject({ bankChangeCoolingHours: 48, paymentWeekdays: [2, 4] });
    expect(parseFields(TreasurySettingsSchema, { ...base, bankChangeCoolingHours: "721" })).toEqual({ ok: false, fieldErrors: { bankChangeCoolingHours: "cooling_range" } });
    expect(parseFields(TreasurySettingsSchema, { ...base, paymentWeekdays: [] })).toEqual({ ok: false, fieldErrors: { paymentWeekdays: "weekday_required" } });
  });
});
