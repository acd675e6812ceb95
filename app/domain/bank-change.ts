/**
 * How a changed bank account becomes usable (issue 10). Changing where one's money goes is the classic
 * fraud, so every new account (the very first one too) is held: per company, either a second person in
 * treasury confirms it, or the employee confirms it themselves (re-entering their password) and it
 * becomes usable after a cooling-off period, during which finance may still reject it.
 */
import { z } from "zod";
import type { Actor } from "./actor";
import { hasRole } from "./actor";
import { BankAccountSchema } from "./bank-account";

export const BANK_CHANGE_POLICIES = ["SECOND_PERSON", "EMPLOYEE_CONFIRM"] as const;
export type BankChangePolicy = (typeof BANK_CHANGE_POLICIES)[number];

export const BANK_ACCOUNT_STATUSES = ["PENDING", "ACTIVE", "SUPERSEDED", "REJECTED", "CANCELLED"] as const;
export type BankAccountStatus = (typeof BANK_ACCOUNT_STATUSES)[number];

export function isBankChangePolicy(value: string): value is BankChangePolicy {
  return (BANK_CHANGE_POLICIES as readonly string[]).includes(value);
}

/** What a held change is waiting for, as the employee and finance see it. */
export type PendingWait =
  | { kind: "finance" }
  | { kind: "employee_confirmation" }
  | { kind: "cooling_off"; usableAfter: Date }
  | { kind: "due" };

export type PendingChangeFacts = { employeeConfirmedAt: Date | null; usableAfter: Date | null };

export function pendingWait(policy: BankChangePolicy, change: PendingChangeFacts, now: Date): PendingWait {
  if (policy === "SECOND_PERSON") return { kind: "finance" };
  if (!change.employeeConfirmedAt || !change.usableAfter) return { kind: "employee_confirmation" };
  return change.usableAfter.getTime() > now.getTime() ? { kind: "cooling_off", usableAfter: change.usableAfter } : { kind: "due" };
}

/** When an account the employee confirmed at `confirmedAt` becomes usable. */
export function usableAfterFor(confirmedAt: Date, coolingHours: number): Date {
  return new Date(confirmedAt.getTime() + coolingHours * 3_600_000);
}

/** True when the cooling-off of an employee-confirmed change is over: the sweep may make it ACTIVE. */
export function isDue(change: PendingChangeFacts, now: Date): boolean {
  return change.employeeConfirmedAt !== null && change.usableAfter !== null && change.usableAfter.getTime() <= now.getTime();
}

/** Status moves a bank-account row may make; a row's details never change, only its status. */
const TRANSITIONS: Record<BankAccountStatus, readonly BankAccountStatus[]> = {
  PENDING: ["ACTIVE", "REJECTED", "CANCELLED"],
  ACTIVE: ["SUPERSEDED"],
  SUPERSEDED: [],
  REJECTED: [],
  CANCELLED: [],
};

export function canMoveBankAccount(from: BankAccountStatus, to: BankAccountStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export type BankChangeRefusal =
  | "not_treasury"
  | "other_company"
  | "own_account"
  | "own_request"
  | "not_pending"
  | "employee_confirms";

/**
 * May `decider` confirm or reject a held change? A treasury user of the owner's company who is neither
 * the owner nor the person who asked for the change. Confirming is finance's only under SECOND_PERSON;
 * under EMPLOYEE_CONFIRM finance may still reject (during the cooling-off too).
 */
export function bankChangeDecisionRefusal(
  decider: Actor,
  change: { ownerId: string; requestedBy: string; companyId: string; status: string; policy: BankChangePolicy },
  deciderCompanyIds: readonly string[],
  decision: "confirm" | "reject",
): BankChangeRefusal | null {
  if (!hasRole(decider, "TREASURY")) return "not_treasury";
  if (!deciderCompanyIds.includes(change.companyId)) return "other_company";
  if (decider.id === change.ownerId) return "own_account";
  if (decider.id === change.requestedBy) return "own_request";
  if (change.status !== "PENDING") return "not_pending";
  if (decision === "confirm" && change.policy !== "SECOND_PERSON") return "employee_confirms";
  return null;
}

/** The employee's form: a mainland-China account or one abroad (the codes of BankAccountSchema). */
export const BankChangeFormSchema = BankAccountSchema;

export const RejectChangeSchema = z.object({
  intent: z.literal("reject"),
  accountId: z.string().min(1),
  note: z.string().trim().min(1).max(500),
});

export const ConfirmChangeSchema = z.object({ intent: z.literal("confirm"), accountId: z.string().min(1) });

export const EmployeeConfirmSchema = z.object({ intent: z.literal("confirm"), password: z.string().min(1).max(200) });

/** A company's treasury settings (ADMIN). Weekdays are ISO: 1 Monday … 7 Sunday. */
export const TreasurySettingsSchema = z.object({
  intent: z.literal("settings"),
  companyId: z.string().min(1),
  bankChangePolicy: z.enum(BANK_CHANGE_POLICIES),
  bankChangeCoolingHours: z.coerce.number().int("whole_number").min(0, "cooling_range").max(720, "cooling_range"),
  bankChangeFlagDays: z.coerce.number().int("whole_number").min(0, "flag_range").max(365, "flag_range"),
  paymentWeekdays: z
    .array(z.coerce.number().int().min(1).max(7))
    .min(1, "weekday_required")
    .transform((days) => [...new Set(days)].sort((a, b) => a - b)),
});
export type TreasurySettingsInput = z.infer<typeof TreasurySettingsSchema>;

export const PAYER_CONNECTORS = ["file", "host-to-host"] as const;
export const PAYER_FILE_FORMATS = ["pain001", "cn-batch-csv"] as const;

/** A head-office account: the account part as an employee's, plus its name, currency and bank link. */
export const PayerAccountSchema = z
  .intersection(
    BankAccountSchema,
    z.object({
      name: z.string().trim().min(1).max(100),
      currency: z
        .string()
        .trim()
        .transform((c) => c.toUpperCase())
        .refine((c) => /^[A-Z]{3}$/.test(c), "currency"),
      connector: z.enum(PAYER_CONNECTORS),
      fileFormat: z.enum(PAYER_FILE_FORMATS),
    }),
  )
  .superRefine((value, ctx) => {
    // The bank link sends XML only (payer_account_h2h_xml_check).
    if (value.connector === "host-to-host" && value.fileFormat !== "pain001") {
      ctx.addIssue({ code: "custom", path: ["fileFormat"], message: "h2h_needs_pain001" });
    }
    // The domestic batch CSV pays mainland accounts from a mainland account.
    if (value.fileFormat === "cn-batch-csv" && value.kind !== "cn") {
      ctx.addIssue({ code: "custom", path: ["fileFormat"], message: "csv_needs_cn" });
    }
  });
export type PayerAccountInput = z.infer<typeof PayerAccountSchema>;
