/**
 * Employees' bank accounts and their held changes (issue 10). A change is a new row, PENDING until it
 * becomes usable; the row it replaces stays ACTIVE until then and is SUPERSEDED at that moment. Nothing
 * is edited in place. Every step is one transaction with its audit event and a message to the employee;
 * audit events and messages carry the masked account and its fingerprint, never the full number.
 */
import type { Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { bankAccountFingerprint, maskedAccount, type AccountDetails, type BankAccountInput } from "~/domain/bank-account";
import {
  bankChangeDecisionRefusal,
  isBankChangePolicy,
  isDue,
  pendingWait,
  usableAfterFor,
  type BankChangePolicy,
  type PendingWait,
} from "~/domain/bank-change";
import type { BankAccount } from "~/generated/prisma/client";
import { verifyLogin } from "~/utils/auth.server";
import type { Db, Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { recordAudit } from "./audit.server";
import { notify } from "./notifications.server";

type AccountRow = Pick<BankAccount, "kind" | "holderName" | "accountNumber" | "bankName" | "cnapsCode" | "iban" | "bic">;

/** A bank_account or payer_account row as the details a payment is made to. */
export function accountDetailsOf(row: AccountRow): AccountDetails {
  if (row.kind === "cn") {
    return { kind: "cn", holderName: row.holderName, accountNumber: row.accountNumber ?? "", bankName: row.bankName ?? "", cnapsCode: row.cnapsCode ?? "" };
  }
  return { kind: "iban", holderName: row.holderName, iban: row.iban ?? "", bic: row.bic ?? "" };
}

function columnsOf(details: AccountDetails) {
  return details.kind === "cn"
    ? { kind: "cn", holderName: details.holderName, accountNumber: details.accountNumber, bankName: details.bankName, cnapsCode: details.cnapsCode, iban: null, bic: null }
    : { kind: "iban", holderName: details.holderName, iban: details.iban, bic: details.bic, accountNumber: null, bankName: null, cnapsCode: null };
}

/** What an audit event or a message may say about an account. */
function publicFacts(row: AccountRow & { id: string; fingerprint: string }) {
  return { accountId: row.id, masked: maskedAccount(accountDetailsOf(row)), fingerprint: row.fingerprint };
}

/** The ACTIVE account of each of `userIds` that has one: what a payment run pays to. */
export async function activeAccountsFor(
  db: Db | Tx,
  userIds: readonly string[],
): Promise<Map<string, { id: string; fingerprint: string; details: AccountDetails; activeFrom: Date }>> {
  const rows = userIds.length === 0 ? [] : await db.bankAccount.findMany({ where: { userId: { in: [...userIds] }, status: "ACTIVE" } });
  return new Map(rows.map((r) => [r.userId, { id: r.id, fingerprint: r.fingerprint, details: accountDetailsOf(r), activeFrom: r.activeFrom! }]));
}

/** Those of `userIds` with a change held (PENDING): a run is blocked for them. */
export async function pendingChangeUserIds(db: Db | Tx, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db.bankAccount.findMany({ where: { userId: { in: [...userIds] }, status: "PENDING" }, select: { userId: true } });
  return new Set(rows.map((r) => r.userId));
}

async function companyPolicyOf(db: Db | Tx, userId: string) {
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { id: true, email: true, companyId: true, company: { select: { bankChangePolicy: true, bankChangeCoolingHours: true } } },
  });
  const policy: BankChangePolicy = isBankChangePolicy(user.company.bankChangePolicy) ? user.company.bankChangePolicy : "SECOND_PERSON";
  return { user, policy, coolingHours: user.company.bankChangeCoolingHours };
}

/** Serializes the changes of one employee's accounts (request, decide, sweep). */
async function lockOwner(tx: Tx, userId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM app_user WHERE id = ${userId} FOR UPDATE`;
}

async function lockAccount(tx: Tx, accountId: string): Promise<BankAccount | null> {
  const found = await tx.bankAccount.findUnique({ where: { id: accountId }, select: { userId: true } });
  if (!found) return null;
  await lockOwner(tx, found.userId);
  return tx.bankAccount.findUnique({ where: { id: accountId } });
}

/** PENDING → ACTIVE, the old ACTIVE row → SUPERSEDED, in the caller's transaction (owner locked). */
async function activate(tx: Tx, row: BankAccount, now: Date, by: { actorId: string | null; via: "second_person" | "cooling_off" }): Promise<void> {
  const previous = await tx.bankAccount.findFirst({ where: { userId: row.userId, status: "ACTIVE" } });
  if (previous) await tx.bankAccount.update({ where: { id: previous.id }, data: { status: "SUPERSEDED", endedAt: now } });
  await tx.bankAccount.update({
    where: { id: row.id },
    data: { status: "ACTIVE", activeFrom: now, ...(by.via === "second_person" ? { decidedBy: by.actorId, decidedAt: now } : {}) },
  });
  const facts = { ...publicFacts(row), userId: row.userId, via: by.via, ...(previous ? { superseded: publicFacts(previous) } : {}) };
  await recordAudit(tx, { actorId: by.actorId, type: "bank_account.activated", data: facts });
  await notify(tx, row.userId, by.via === "second_person" ? "bank_account.change_confirmed" : "bank_account.now_active", {
    masked: facts.masked,
    activeFrom: now.toISOString(),
  });
}

/**
 * The employee (`actor`, who must be the owner) asks for a new account. It is held; a change already
 * held is CANCELLED (replaced). The same details as the active account are refused: nothing would change.
 */
export async function requestBankChange(
  db: Db,
  { actor, input, now = new Date() }: { actor: Actor; input: BankAccountInput; now?: Date },
): Promise<{ id: string }> {
  const details: AccountDetails = input;
  const fingerprint = bankAccountFingerprint(details);
  return db.$transaction(async (tx) => {
    await lockOwner(tx, actor.id);
    const { policy } = await companyPolicyOf(tx, actor.id);
    const active = await tx.bankAccount.findFirst({ where: { userId: actor.id, status: "ACTIVE" } });
    if (active && active.fingerprint === fingerprint) throw new AppError("same_account", { status: 422 });
    const held = await tx.bankAccount.findFirst({ where: { userId: actor.id, status: "PENDING" } });
    if (held) {
      await tx.bankAccount.update({ where: { id: held.id }, data: { status: "CANCELLED", decidedBy: actor.id, decidedAt: now, decisionNote: "replaced" } });
      await recordAudit(tx, { actorId: actor.id, type: "bank_account.cancelled", data: { ...publicFacts(held), userId: actor.id, reason: "replaced" } });
    }
    const id = newId();
    const row = await tx.bankAccount.create({
      data: { id, userId: actor.id, ...columnsOf(details), fingerprint, status: "PENDING", requestedBy: actor.id, requestedAt: now },
    });
    const facts = publicFacts(row);
    await recordAudit(tx, {
      actorId: actor.id,
      type: "bank_account.change_requested",
      data: { ...facts, userId: actor.id, policy, first: active === null, ...(held ? { replaces: held.id } : {}) },
    });
    await notify(tx, actor.id, "bank_account.change_requested", { masked: facts.masked, policy, ...(held ? { replaced: true } : {}) });
    return { id };
  });
}

/** The owner withdraws their held change. */
export async function cancelBankChange(db: Db, { actor, accountId, now = new Date() }: { actor: Actor; accountId: string; now?: Date }): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await lockAccount(tx, accountId);
    if (!row || row.userId !== actor.id) throw new AppError("not_found");
    if (row.status !== "PENDING") throw new AppError("not_pending", { status: 409 });
    await tx.bankAccount.update({ where: { id: row.id }, data: { status: "CANCELLED", decidedBy: actor.id, decidedAt: now } });
    const facts = publicFacts(row);
    await recordAudit(tx, { actorId: actor.id, type: "bank_account.cancelled", data: { ...facts, userId: row.userId, reason: "withdrawn" } });
    await notify(tx, row.userId, "bank_account.change_cancelled", { masked: facts.masked });
  });
}

const CONFIRM_ATTEMPTS = 5;
const CONFIRM_WINDOW_MS = 15 * 60_000;

/**
 * EMPLOYEE_CONFIRM: the owner confirms their held change by entering their password again; it becomes
 * usable after the company's cooling-off (at once when that is zero hours).
 */
export async function confirmBankChangeAsEmployee(
  db: Db,
  { actor, password, now = new Date() }: { actor: Actor; password: string; now?: Date },
): Promise<{ usableAfter: Date; active: boolean }> {
  const { user, policy, coolingHours } = await companyPolicyOf(db, actor.id);
  if (policy !== "EMPLOYEE_CONFIRM") throw new AppError("not_allowed", { reason: "finance_confirms" });
  // A session alone must not be enough to guess the password here: a few tries per quarter hour, each failure audited.
  const recentFailures = await db.auditEvent.count({
    where: { actorId: actor.id, type: "bank_account.confirm_failed", at: { gt: new Date(now.getTime() - CONFIRM_WINDOW_MS) } },
  });
  if (recentFailures >= CONFIRM_ATTEMPTS) throw new AppError("too_many", { fieldErrors: { password: "too_many_attempts" } });
  const check = await verifyLogin(user.email, password);
  if (!check.ok || check.user.id !== actor.id) {
    await db.$transaction((tx) => recordAudit(tx, { actorId: actor.id, type: "bank_account.confirm_failed", data: { userId: actor.id } }));
    throw new AppError("invalid", { fieldErrors: { password: "wrong_password" }, status: 422 });
  }
  return db.$transaction(async (tx) => {
    await lockOwner(tx, actor.id);
    const row = await tx.bankAccount.findFirst({ where: { userId: actor.id, status: "PENDING" } });
    if (!row) throw new AppError("not_pending", { status: 409 });
    if (row.employeeConfirmedAt) throw new AppError("already_confirmed", { status: 409 });
    const usableAfter = usableAfterFor(now, coolingHours);
    await tx.bankAccount.update({ where: { id: row.id }, data: { employeeConfirmedAt: now, usableAfter } });
    const facts = publicFacts(row);
    await recordAudit(tx, { actorId: actor.id, type: "bank_account.employee_confirmed", data: { ...facts, userId: actor.id, usableAfter: usableAfter.toISOString(), coolingHours } });
    await notify(tx, actor.id, "bank_account.change_confirmed", { masked: facts.masked, usableAfter: usableAfter.toISOString() });
    const updated = { ...row, employeeConfirmedAt: now, usableAfter };
    if (isDue(updated, now)) {
      await activate(tx, updated, now, { actorId: null, via: "cooling_off" });
      return { usableAfter, active: true };
    }
    return { usableAfter, active: false };
  });
}

/**
 * Treasury confirms (SECOND_PERSON: ACTIVE at once) or rejects (with a note; under either policy) a held
 * change. Never the owner, never whoever asked for it, only for the decider's companies.
 */
export async function decideBankChange(
  db: Db,
  { actor, accountId, decision, note = "", now = new Date() }: { actor: Actor; accountId: string; decision: "confirm" | "reject"; note?: string; now?: Date },
): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await lockAccount(tx, accountId);
    if (!row) throw new AppError("not_found");
    const { user, policy } = await companyPolicyOf(tx, row.userId);
    const companies = (await tx.userCompany.findMany({ where: { userId: actor.id }, select: { companyId: true } })).map((c) => c.companyId);
    const refusal = bankChangeDecisionRefusal(actor, { ownerId: row.userId, requestedBy: row.requestedBy, companyId: user.companyId, status: row.status, policy }, companies, decision);
    if (refusal === "other_company" || refusal === "not_treasury") throw new AppError("not_found");
    if (refusal) throw new AppError(refusal === "not_pending" ? "not_pending" : "not_allowed", { reason: refusal, status: refusal === "not_pending" ? 409 : 403 });
    if (decision === "confirm") {
      await activate(tx, row, now, { actorId: actor.id, via: "second_person" });
      return;
    }
    const reason = note.trim();
    if (!reason) throw new AppError("invalid", { fieldErrors: { note: "required" } });
    await tx.bankAccount.update({ where: { id: row.id }, data: { status: "REJECTED", decidedBy: actor.id, decidedAt: now, decisionNote: reason } });
    const facts = publicFacts(row);
    await recordAudit(tx, { actorId: actor.id, type: "bank_account.rejected", data: { ...facts, userId: row.userId, note: reason } });
    await notify(tx, row.userId, "bank_account.change_rejected", { masked: facts.masked, note: reason });
  });
}

/**
 * The sweep: employee-confirmed changes whose cooling-off is over become ACTIVE, one transaction each
 * with its audit event. Safe to run twice or concurrently (the row is re-read under the owner's lock).
 */
export async function activateDueChanges(db: Db, now: Date = new Date()): Promise<number> {
  const due = await db.bankAccount.findMany({
    where: { status: "PENDING", employeeConfirmedAt: { not: null }, usableAfter: { lte: now } },
    select: { id: true },
    orderBy: { usableAfter: "asc" },
  });
  let activated = 0;
  for (const { id } of due) {
    const done = await db.$transaction(async (tx) => {
      const row = await lockAccount(tx, id);
      if (!row || row.status !== "PENDING" || !isDue(row, now)) return false;
      await activate(tx, row, now, { actorId: null, via: "cooling_off" });
      return true;
    });
    if (done) activated += 1;
  }
  return activated;
}

// ---------------------------------------------------------------------------------------------------
// What the screens show

export type AccountView = { id: string; masked: string; kind: "cn" | "iban"; holderName: string; activeFrom: string | null };

export type MyBankAccounts = {
  policy: BankChangePolicy;
  coolingHours: number;
  active: AccountView | null;
  pending: (AccountView & { requestedAt: string; wait: { kind: PendingWait["kind"]; usableAfter?: string } }) | null;
  history: (AccountView & { status: string; at: string; note: string })[];
};

function viewOf(row: BankAccount): AccountView {
  return { id: row.id, masked: maskedAccount(accountDetailsOf(row)), kind: row.kind === "cn" ? "cn" : "iban", holderName: row.holderName, activeFrom: row.activeFrom?.toISOString() ?? null };
}

function waitView(wait: PendingWait) {
  return wait.kind === "cooling_off" ? { kind: wait.kind, usableAfter: wait.usableAfter.toISOString() } : { kind: wait.kind };
}

/** The employee's own page: masked details only. */
export async function myBankAccounts(db: Db | Tx, userId: string, now: Date = new Date()): Promise<MyBankAccounts> {
  const { policy, coolingHours } = await companyPolicyOf(db, userId);
  const rows = await db.bankAccount.findMany({ where: { userId }, orderBy: { requestedAt: "desc" }, take: 20 });
  const active = rows.find((r) => r.status === "ACTIVE");
  const pending = rows.find((r) => r.status === "PENDING");
  return {
    policy,
    coolingHours,
    active: active ? viewOf(active) : null,
    pending: pending ? { ...viewOf(pending), requestedAt: pending.requestedAt.toISOString(), wait: waitView(pendingWait(policy, pending, now)) } : null,
    history: rows
      .filter((r) => r.status !== "ACTIVE" && r.status !== "PENDING")
      .slice(0, 8)
      .map((r) => ({ ...viewOf(r), status: r.status, at: (r.endedAt ?? r.decidedAt ?? r.requestedAt).toISOString(), note: r.status === "REJECTED" ? r.decisionNote : "" })),
  };
}

export type HeldChangeView = {
  id: string;
  owner: { id: string; name: string; email: string };
  company: { code: string; name: string; nameZh: string };
  requestedBy: { id: string; name: string };
  requestedAt: string;
  policy: BankChangePolicy;
  wait: { kind: PendingWait["kind"]; usableAfter?: string };
  next: AccountDetails;
  current: (AccountDetails & { activeFrom: string | null }) | null;
  /** The new account's holder is not written as the employee's name: worth a call before confirming. */
  holderDiffers: boolean;
  /** Why the viewer may not confirm / reject it (own account, own request, the employee confirms), or null. */
  confirmRefusal: string | null;
  rejectRefusal: string | null;
};

const sameName = (name: string) => name.normalize("NFKC").replace(/[\s·.,-]+/g, "").toLowerCase();

/** Held changes of the viewer's companies, with full old and new details (finance checks them). */
export async function listHeldChanges(db: Db | Tx, viewer: Actor, now: Date = new Date()): Promise<HeldChangeView[]> {
  const companies = (await db.userCompany.findMany({ where: { userId: viewer.id }, select: { companyId: true } })).map((c) => c.companyId);
  if (companies.length === 0) return [];
  const ownersInScope = await db.user.findMany({
    where: { companyId: { in: companies } },
    select: { id: true, name: true, email: true, companyId: true, company: { select: { code: true, name: true, nameZh: true, bankChangePolicy: true } } },
  });
  const ownerOf = new Map(ownersInScope.map((u) => [u.id, u]));
  const pendingRows = await db.bankAccount.findMany({ where: { status: "PENDING", userId: { in: [...ownerOf.keys()] } }, orderBy: { requestedAt: "asc" } });
  const requesters = new Map(
    (await db.user.findMany({ where: { id: { in: pendingRows.map((r) => r.requestedBy) } }, select: { id: true, name: true } })).map((u) => [u.id, u]),
  );
  const rows = pendingRows.map((r) => ({ ...r, user: ownerOf.get(r.userId)!, requester: requesters.get(r.requestedBy) ?? { id: r.requestedBy, name: "" } }));
  const actives = await db.bankAccount.findMany({ where: { status: "ACTIVE", userId: { in: rows.map((r) => r.userId) } } });
  const activeOf = new Map(actives.map((a) => [a.userId, a]));
  return rows.map((r) => {
    const policy: BankChangePolicy = isBankChangePolicy(r.user.company.bankChangePolicy) ? r.user.company.bankChangePolicy : "SECOND_PERSON";
    const facts = { ownerId: r.userId, requestedBy: r.requestedBy, companyId: r.user.companyId, status: r.status, policy };
    const current = activeOf.get(r.userId);
    return {
      id: r.id,
      owner: { id: r.user.id, name: r.user.name, email: r.user.email },
      company: { code: r.user.company.code, name: r.user.company.name, nameZh: r.user.company.nameZh },
      requestedBy: r.requester,
      requestedAt: r.requestedAt.toISOString(),
      policy,
      wait: waitView(pendingWait(policy, r, now)),
      next: accountDetailsOf(r),
      holderDiffers: sameName(r.holderName) !== sameName(r.user.name),
      current: current ? { ...accountDetailsOf(current), activeFrom: current.activeFrom?.toISOString() ?? null } : null,
      confirmRefusal: bankChangeDecisionRefusal(viewer, facts, companies, "confirm"),
      rejectRefusal: bankChangeDecisionRefusal(viewer, facts, companies, "reject"),
    };
  });
}
