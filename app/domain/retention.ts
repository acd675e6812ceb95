/**
 * How long accounting archive records are kept, when they come up for appraisal, and who may approve
 * their destruction.
 *
 * Source: 会计档案管理办法 (财政部 国家档案局令第79号, 2015-12-11, in force 2016-01-01).
 * - 第十四条: periods are permanent (永久) or fixed (定期), fixed ones 10 or 30 years; they are minimums
 *   (附表 "最低保管期限"), and "会计档案的保管期限，从会计年度终了后的第一天算起" — the period counts from the
 *   first day after the end of the fiscal year in which the record was made.
 * - China's fiscal year is the calendar year (会计法 第十一条: 公历1月1日起至12月31日止).
 * - 附表一 (企业和其他组织会计档案保管期限表): 原始凭证 and 记账凭证 30 years; 银行存款余额调节表 and
 *   银行对账单 10 years; 会计档案移交清册 30 years; 会计档案保管清册, 会计档案销毁清册 and
 *   会计档案鉴定意见书 permanent.
 *
 * So a claim paid (or finally rejected) on 2026-03-05 with 30 years counts from 2027-01-01, is kept
 * through 2056-12-31, and is due for appraisal from 2057-01-01.
 */
import type { ArchiveDocumentType } from "./archive-numbering";
import type { Role } from "./route-manifest";

export const RETENTION_DOCUMENT_TYPES = [
  /** The expense claim record, its paper originals (原始凭证) and its images. */
  "EXPENSE_CLAIM",
  /** Accounting vouchers (记账凭证). */
  "VOUCHER",
  "BANK_STATEMENT",
  "BANK_RECONCILIATION",
  /** 会计档案移交清册: the lists that hand records over to the archive. */
  "TRANSFER_LIST",
  /** 会计档案保管清册: the archive's own register of what it keeps. */
  "CUSTODY_REGISTER",
  /** 会计档案销毁清册: what was destroyed, why, who approved, when. */
  "DESTRUCTION_REGISTER",
  /** 会计档案鉴定意见书: the appraisal's opinion. */
  "APPRAISAL_OPINION",
] as const;
export type RetentionDocumentType = (typeof RETENTION_DOCUMENT_TYPES)[number];

/** The retention type of what a box of each archive document type holds. */
export const RETENTION_TYPE_OF_BOX: Readonly<Record<ArchiveDocumentType, RetentionDocumentType>> = {
  BX: "EXPENSE_CLAIM",
  BS: "BANK_STATEMENT",
};

export type RetentionPeriod = { kind: "years"; years: number } | { kind: "permanent" };

const years = (n: number): RetentionPeriod => ({ kind: "years", years: n });
const PERMANENT: RetentionPeriod = { kind: "permanent" };

/** The legal minimums of 附表一; a company may keep longer, never shorter. */
export const LEGAL_MINIMUM_RETENTION: Readonly<Record<RetentionDocumentType, RetentionPeriod>> = {
  EXPENSE_CLAIM: years(30),
  VOUCHER: years(30),
  BANK_STATEMENT: years(10),
  BANK_RECONCILIATION: years(10),
  TRANSFER_LIST: years(30),
  CUSTODY_REGISTER: PERMANENT,
  DESTRUCTION_REGISTER: PERMANENT,
  APPRAISAL_OPINION: PERMANENT,
};

export type RetentionPolicy = Readonly<Record<RetentionDocumentType, RetentionPeriod>>;

/** Longer of two periods; permanent is longest. */
function atLeast(period: RetentionPeriod, minimum: RetentionPeriod): boolean {
  if (period.kind === "permanent") return true;
  return minimum.kind === "years" && period.years >= minimum.years;
}

const MAX_YEARS = 100;

/**
 * A company's policy: the legal minimums with its own longer periods over them. A period shorter than the
 * law's (`below_legal_minimum`), or not a whole number of years in 1–100 (`invalid_period`), is refused.
 */
export function retentionPolicy(
  overrides: Partial<Record<RetentionDocumentType, RetentionPeriod>> = {},
): { ok: true; policy: RetentionPolicy } | { ok: false; code: "below_legal_minimum" | "invalid_period"; type: RetentionDocumentType } {
  const policy = { ...LEGAL_MINIMUM_RETENTION };
  for (const type of RETENTION_DOCUMENT_TYPES) {
    const period = overrides[type];
    if (!period) continue;
    if (period.kind === "years" && !(Number.isInteger(period.years) && period.years >= 1 && period.years <= MAX_YEARS)) {
      return { ok: false, code: "invalid_period", type };
    }
    if (!atLeast(period, LEGAL_MINIMUM_RETENTION[type])) return { ok: false, code: "below_legal_minimum", type };
    policy[type] = period;
  }
  return { ok: true, policy };
}

function yearOf(isoDate: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  const valid = m && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === isoDate;
  if (!valid) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(isoDate)}`);
  return Number(m[1]);
}

/**
 * The last day a record must be kept (YYYY-MM-DD), or null for a permanent one. `closedOn` is the
 * calendar date (in the SSC's zone) the record closed: a claim's payment or final rejection.
 * Closed in year Y, kept N years: through 31 December of Y + N.
 */
export function retentionEnd(closedOn: string, period: RetentionPeriod): string | null {
  const year = yearOf(closedOn);
  if (period.kind === "permanent") return null;
  return `${String(year + period.years).padStart(4, "0")}-12-31`;
}

/** The first day a record may be appraised for destruction: the day after retentionEnd; null if permanent. */
export function appraisalDueFrom(closedOn: string, period: RetentionPeriod): string | null {
  const end = retentionEnd(closedOn, period);
  return end === null ? null : `${String(Number(end.slice(0, 4)) + 1).padStart(4, "0")}-01-01`;
}

export type RetainedItem = { closedOn: string; period: RetentionPeriod; legalHold: boolean };

/**
 * The appraisal list on `today` (YYYY-MM-DD): items whose period has ended, oldest due first. Items
 * under legal hold and permanent ones are never listed.
 */
export function dueForAppraisal<T extends RetainedItem>(items: readonly T[], today: string): (T & { dueFrom: string })[] {
  yearOf(today);
  const due: (T & { dueFrom: string })[] = [];
  for (const item of items) {
    if (item.legalHold) continue;
    const dueFrom = appraisalDueFrom(item.closedOn, item.period);
    if (dueFrom !== null && dueFrom <= today) due.push({ ...item, dueFrom });
  }
  return due.sort((a, b) => (a.dueFrom < b.dueFrom ? -1 : a.dueFrom > b.dueFrom ? 1 : 0));
}

/**
 * Who may approve a destruction, each in one capacity (第十八条 has the unit head, the archive's head and
 * the accounting head sign the destruction register):
 * - ARCHIVIST: the archive;
 * - SUPERVISOR: the SSC's accounting head (会计管理机构负责人) for the companies they oversee;
 * - ADMIN: for the unit head (单位负责人).
 * Two approvals are needed, from two people in two different capacities, neither of them the person who
 * asked for the destruction; a person holding several roles approves in one of them. That the approvers
 * belong to the record's company is the caller's check (the same user_company scoping as everywhere).
 */
export const DESTRUCTION_APPROVER_ROLES = ["ARCHIVIST", "SUPERVISOR", "ADMIN"] as const satisfies readonly Role[];
export type DestructionApproverRole = (typeof DESTRUCTION_APPROVER_ROLES)[number];
export const DESTRUCTION_APPROVALS_NEEDED = 2;

export type DestructionApproval = { approverId: string; approverRoles: readonly Role[]; as: Role };

export type DestructionApprovalCode =
  | "requester_cannot_approve"
  | "role_not_allowed"
  | "role_not_held"
  | "same_approver"
  | "same_role"
  | "too_few_approvals"
  | "already_approved";

function isApproverRole(role: Role): role is DestructionApproverRole {
  return (DESTRUCTION_APPROVER_ROLES as readonly Role[]).includes(role);
}

/** Whether one more approval may be added to those already given (the check before recording it). */
export function checkDestructionApproval(
  requesterId: string,
  given: readonly DestructionApproval[],
  next: DestructionApproval,
): { ok: true } | { ok: false; code: Exclude<DestructionApprovalCode, "too_few_approvals"> } {
  if (given.length >= DESTRUCTION_APPROVALS_NEEDED) return { ok: false, code: "already_approved" };
  if (next.approverId === requesterId) return { ok: false, code: "requester_cannot_approve" };
  if (!isApproverRole(next.as)) return { ok: false, code: "role_not_allowed" };
  if (!next.approverRoles.includes(next.as)) return { ok: false, code: "role_not_held" };
  if (given.some((g) => g.approverId === next.approverId)) return { ok: false, code: "same_approver" };
  if (given.some((g) => g.as === next.as)) return { ok: false, code: "same_role" };
  return { ok: true };
}

/** Whether a set of approvals authorises the destruction: every one valid against those before it, exactly as many as needed. */
export function destructionApproved(
  requesterId: string,
  approvals: readonly DestructionApproval[],
): { ok: true } | { ok: false; code: DestructionApprovalCode } {
  for (let i = 0; i < approvals.length; i++) {
    const check = checkDestructionApproval(requesterId, approvals.slice(0, i), approvals[i]!);
    if (!check.ok) return check;
  }
  if (approvals.length < DESTRUCTION_APPROVALS_NEEDED) return { ok: false, code: "too_few_approvals" };
  return { ok: true };
}

/** The capacities in which this person could still approve (what the screen offers them); empty when none. */
export function destructionCapacities(
  actor: { id: string; roles: readonly Role[] },
  requesterId: string,
  given: readonly DestructionApproval[],
): DestructionApproverRole[] {
  return DESTRUCTION_APPROVER_ROLES.filter(
    (as) => checkDestructionApproval(requesterId, given, { approverId: actor.id, approverRoles: actor.roles, as }).ok,
  );
}

/**
 * A company's stored overrides (company.retention_overrides, JSON `{ TYPE: { kind, years? } }`), read back
 * strictly: anything that is not a known type with a well-formed period is dropped, so a stray value can
 * never shorten a period (retentionPolicy refuses that anyway).
 */
export function readRetentionOverrides(stored: unknown): Partial<Record<RetentionDocumentType, RetentionPeriod>> {
  const overrides: Partial<Record<RetentionDocumentType, RetentionPeriod>> = {};
  if (!stored || typeof stored !== "object" || Array.isArray(stored)) return overrides;
  for (const type of RETENTION_DOCUMENT_TYPES) {
    const value = (stored as Record<string, unknown>)[type];
    if (!value || typeof value !== "object") continue;
    const { kind, years: n } = value as { kind?: unknown; years?: unknown };
    if (kind === "permanent") overrides[type] = PERMANENT;
    else if (kind === "years" && typeof n === "number" && Number.isInteger(n)) overrides[type] = years(n);
  }
  return overrides;
}

/**
 * The settings form's value for one type: "" keeps the law's minimum (no override), "permanent", or a whole
 * number of years. Answers null for "", the period otherwise, or "invalid" for anything else.
 */
export function parseRetentionInput(value: string): RetentionPeriod | null | "invalid" {
  const v = value.trim();
  if (v === "") return null;
  if (v === "permanent") return PERMANENT;
  if (!/^[0-9]{1,3}$/.test(v)) return "invalid";
  return years(Number(v));
}

/** The overrides worth storing: only those that differ from the law's minimum (equal ones add nothing). */
export function overridesToStore(policy: RetentionPolicy): Partial<Record<RetentionDocumentType, RetentionPeriod>> {
  const stored: Partial<Record<RetentionDocumentType, RetentionPeriod>> = {};
  for (const type of RETENTION_DOCUMENT_TYPES) {
    const p = policy[type];
    const law = LEGAL_MINIMUM_RETENTION[type];
    const same = p.kind === law.kind && (p.kind === "permanent" || (law.kind === "years" && p.years === law.years));
    if (!same) stored[type] = p;
  }
  return stored;
}

/**
 * Whether a filed record's retention has run out on `today`: it is due from the day after its last day
 * (`retentionEndsOn`, kept through that day); a permanent record (null) never is.
 */
export function retentionOver(retentionEndsOn: string | null, today: string): boolean {
  yearOf(today);
  return retentionEndsOn !== null && retentionEndsOn < today;
}
