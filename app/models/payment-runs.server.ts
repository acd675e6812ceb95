/**
 * Payment runs (issue 10): approved claims gathered per company, payer account, currency and value date;
 * prepared by one treasury user, approved by another (the payment file is made then, checked against its
 * schema, its SHA-256 kept and the run frozen), released (claims SCHEDULED) and sent once. A change to a
 * claim, its amount or the employee's bank account after approval blocks the run; nothing in it is edited.
 *
 * Segregation of duties: the preparer, the approver and whoever releases may not have claimed, approved or
 * reviewed any claim of the run, and the approver is never the preparer (also a CHECK in the table).
 */
import { createHash } from "node:crypto";
import { hasRole, type Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { type AccountDetails } from "~/domain/bank-account";
import { isoDate } from "~/domain/calendar-date";
import { assertTransition, type ClaimStatus } from "~/domain/claim-machine";
import { JOBS } from "~/domain/jobs";
import { nextTransmission, type Transmission } from "~/domain/transmission";
import { totalIn } from "~/domain/money";
import { PAYMENT_FILE_ADAPTERS, type PaymentFileFormat } from "~/domain/payment-files/adapters";
import type { Pain001Run } from "~/domain/payment-files/pain001";
import {
  endToEndId,
  frozenPaymentProblems,
  groupIntoRuns,
  nextPaymentDate,
  paymentFlags,
  type IneligibleReason,
  type PaymentCandidate,
  type RunProblem,
} from "~/domain/payment-run";
import { originalsAwaited } from "~/domain/paper-check";
import type { PaperStatus } from "~/domain/paper-trail";
import { Prisma } from "~/generated/prisma/client";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { validateAgainstSchema } from "~/utils/xml-schema.server";
import { recordAudit } from "./audit.server";
import { publishBoardChange } from "./board-publisher.server";
import { activeAccountsFor, accountDetailsOf, pendingChangeUserIds } from "./bank-accounts.server";
import { rateLookupFor } from "./exchange-rate.server";
import { notify } from "./notifications.server";
import { enqueueJob } from "./outbox.server";

/** The wall board's payments tile follows runs and payments; a board that misses one message catches up on the next. */
export async function announcePayments(): Promise<void> {
  await publishBoardChange({ at: new Date().toISOString(), kind: "payments" }).catch(() => undefined);
}

/** Claim states a payment may be made from (and that a frozen run expects its claims still to be in). */
const PAYABLE: ClaimStatus[] = ["APPROVED", "PAYMENT_FAILED"];
/** Payments that still count: one of these per claim at most (unique index payment_one_live_per_claim). */
const LIVE_PAYMENT = ["PLANNED", "SENT", "ACCEPTED", "PAID"];

export type RunStatus = "PREPARED" | "APPROVED" | "BLOCKED" | "RELEASED" | "DONE" | "CANCELLED";

/** The companies a treasury user works for (user_company); refuses anyone without the role. */
export async function treasuryCompanyIds(db: Db | Tx, actor: Actor): Promise<string[]> {
  if (!hasRole(actor, "TREASURY")) throw new AppError("forbidden", { message: "Only treasury may do this." });
  const rows = await db.userCompany.findMany({ where: { userId: actor.id }, select: { companyId: true } });
  return rows.map((r) => r.companyId);
}

type PayableClaim = PaymentCandidate & {
  number: string;
  claimantId: string;
  claimantName: string;
  version: number;
  companyName: string;
  companyCurrency: string;
  account: { id: string; fingerprint: string; details: AccountDetails; activeFrom: Date } | null;
};

/** Claims that are, or may soon be, payable in these companies, with everything eligibility needs. */
async function payableClaims(db: Db | Tx, companyIds: readonly string[], actorId: string | null, claimIds?: readonly string[]): Promise<PayableClaim[]> {
  const claims = await db.claim.findMany({
    where: { companyId: { in: [...companyIds] }, status: { in: PAYABLE }, ...(claimIds ? { id: { in: [...claimIds] } } : {}) },
    orderBy: { number: "asc" },
    select: {
      id: true,
      number: true,
      status: true,
      version: true,
      companyId: true,
      claimantId: true,
      claimant: { select: { name: true } },
      company: { select: { name: true, currency: true, payOnPaper: true } },
      lines: { select: { amountMinor: true, approvedMinor: true, currency: true, spentOn: true } },
      // Newest first: `failedOnAccountId` is the account of the latest failed payment (id breaks a tie).
      payments: { select: { status: true, bankAccountId: true, createdAt: true }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] },
    },
  });
  if (claims.length === 0) return [];
  const userIds = [...new Set(claims.map((c) => c.claimantId))];
  const onPaper = claims.filter((c) => c.company.payOnPaper).map((c) => c.id);
  const [accounts, pending, involved, paper] = await Promise.all([
    activeAccountsFor(db, userIds),
    pendingChangeUserIds(db, userIds),
    actorId ? involvedClaimIds(db, actorId, claims.map((c) => c.id)) : Promise.resolve(new Set<string>()),
    onPaper.length ? db.paperOriginal.findMany({ where: { claimId: { in: onPaper } }, select: { claimId: true, status: true } }) : Promise.resolve([]),
  ]);
  const paperStatus = new Map(paper.map((p) => [p.claimId, p.status as PaperStatus]));
  const byCurrency = new Map<string, typeof claims>();
  for (const c of claims) byCurrency.set(c.company.currency, [...(byCurrency.get(c.company.currency) ?? []), c]);
  const out: PayableClaim[] = [];
  for (const [currency, group] of byCurrency) {
    const items = group.flatMap((c) => c.lines.map((l) => ({ minor: l.amountMinor, currency: l.currency, onDate: isoDate(l.spentOn) })));
    const rateFor = await rateLookupFor(items, currency, db as Tx);
    for (const c of group) {
      const { total, missingRates } = totalIn(
        // What the accountant approved (less than claimed, where they said so) is what is paid.
        c.lines.map((l) => ({ minor: l.approvedMinor ?? l.amountMinor, currency: l.currency, onDate: isoDate(l.spentOn) })),
        currency,
        rateFor,
      );
      const account = accounts.get(c.claimantId) ?? null;
      const failed = c.status === "PAYMENT_FAILED" ? c.payments.find((p) => p.status === "RETURNED" || p.status === "REJECTED") : undefined;
      out.push({
        claimId: c.id,
        number: c.number,
        status: c.status,
        version: c.version,
        companyId: c.companyId,
        companyName: c.company.name,
        companyCurrency: currency,
        claimantId: c.claimantId,
        claimantName: c.claimant.name,
        amount: total,
        missingRate: missingRates.length > 0,
        hasOpenPayment: c.payments.some((p) => LIVE_PAYMENT.includes(p.status)),
        bankAccount: account ? { id: account.id, pendingChange: pending.has(c.claimantId) } : null,
        failedOnAccountId: failed?.bankAccountId ?? null,
        preparerInvolved: involved.has(c.id),
        originalsAwaited: originalsAwaited(c.company.payOnPaper, paperStatus.get(c.id) ?? null),
        account,
      });
    }
  }
  return out.sort((a, b) => a.number.localeCompare(b.number));
}

/** Claims among `claimIds` the person claimed, or approved, reviewed or QA-checked (a finished task of theirs). */
async function involvedClaimIds(db: Db | Tx, userId: string, claimIds: readonly string[]): Promise<Set<string>> {
  if (claimIds.length === 0) return new Set();
  const [own, tasks] = await Promise.all([
    db.claim.findMany({ where: { id: { in: [...claimIds] }, claimantId: userId }, select: { id: true } }),
    db.task.findMany({
      where: { claimId: { in: [...claimIds] }, assigneeId: userId, status: "DONE", type: { in: ["MANAGER_APPROVAL", "REVIEW", "QA"] } },
      select: { claimId: true },
    }),
  ]);
  return new Set([...own.map((c) => c.id), ...tasks.map((t) => t.claimId)]);
}

export type PaymentQueue = {
  proposedValueDate: string;
  eligible: { companyId: string; companyName: string; currency: string; count: number; totalMinor: string }[];
  waiting: { claimId: string; number: string; claimantName: string; companyName: string; minor: string; currency: string; reason: IneligibleReason | "no_payer_account" }[];
};

/** What a treasury user could pay now: eligible totals per company and currency, and each waiting claim with its reason. */
export async function paymentQueue(actor: Actor, today: string = isoDate(new Date())): Promise<PaymentQueue> {
  const companyIds = await treasuryCompanyIds(prisma, actor);
  const [claims, payers, companies] = await Promise.all([
    payableClaims(prisma, companyIds, actor.id),
    prisma.payerAccount.findMany({ where: { companyId: { in: companyIds }, active: true, isDefault: true }, select: { id: true, companyId: true, currency: true } }),
    prisma.company.findMany({ where: { id: { in: companyIds } }, select: { paymentWeekdays: true } }),
  ]);
  const weekdays = [...new Set(companies.flatMap((c) => c.paymentWeekdays))].sort();
  const payerFor = (companyId: string, currency: string) => payers.find((p) => p.companyId === companyId && p.currency === currency)?.id ?? null;
  const { runs, waiting } = groupIntoRuns(claims, today, payerFor);
  return {
    proposedValueDate: nextPaymentDate(today, weekdays),
    eligible: runs.map((r) => ({
      companyId: r.key.companyId,
      companyName: r.claims[0]!.companyName,
      currency: r.key.currency,
      count: r.claims.length,
      totalMinor: r.total.minor.toString(),
    })),
    // A claim already in a live run is not waiting: it is in that run.
    waiting: waiting.filter(({ reason }) => reason !== "already_in_run").map(({ claim, reason }) => ({
      claimId: claim.claimId,
      number: claim.number,
      claimantName: claim.claimantName,
      companyName: claim.companyName,
      minor: claim.amount.minor.toString(),
      currency: claim.amount.currency,
      reason,
    })),
  };
}

async function nextRunNumber(tx: Tx, valueDate: string): Promise<string> {
  const [row] = await tx.$queryRaw<{ n: bigint }[]>`SELECT nextval('payment_run_number_seq') AS n`;
  return `PR${valueDate.replaceAll("-", "")}${String(row!.n).padStart(4, "0")}`;
}

/**
 * Prepares runs for everything payable now in the actor's companies (or those named), for one value date.
 * Each run is one transaction with its audit event; a claim another preparer took a moment ago is refused
 * by the database (one live payment per claim) and that run is not made.
 */
export async function prepareRuns(
  actor: Actor,
  input: { valueDate: string; companyIds?: readonly string[]; /** Only these claims (those payable among them). */ claimIds?: readonly string[] },
  now = new Date(),
): Promise<{ runs: { id: string; number: string }[] }> {
  if (input.valueDate < isoDate(now)) throw new AppError("invalid", { fieldErrors: { valueDate: "in_past" } });
  const mine = await treasuryCompanyIds(prisma, actor);
  const companyIds = input.companyIds ? input.companyIds.filter((id) => mine.includes(id)) : mine;
  const claims = await payableClaims(prisma, companyIds, actor.id, input.claimIds);
  const payers = await prisma.payerAccount.findMany({ where: { companyId: { in: companyIds }, active: true, isDefault: true } });
  const payerFor = (companyId: string, currency: string) => payers.find((p) => p.companyId === companyId && p.currency === currency)?.id ?? null;
  const { runs } = groupIntoRuns(claims, input.valueDate, payerFor);
  if (runs.length === 0) throw new AppError("nothing_to_pay", { status: 422, message: "No claim is ready to be paid." });
  const flagDays = new Map((await prisma.company.findMany({ where: { id: { in: companyIds } }, select: { id: true, bankChangeFlagDays: true } })).map((c) => [c.id, c.bankChangeFlagDays]));
  const made: { id: string; number: string }[] = [];
  for (const run of runs) {
    const payer = payers.find((p) => p.id === run.key.payerAccountId)!;
    const flags = paymentFlags(
      run.claims.map((c) => ({ claimantId: c.claimantId, fingerprint: c.account!.fingerprint, accountActiveFrom: c.account!.activeFrom })),
      now,
      flagDays.get(run.key.companyId) ?? 30,
    );
    try {
      const created = await prisma.$transaction(async (tx) => {
        const id = newId();
        const number = await nextRunNumber(tx, input.valueDate);
        await tx.paymentRun.create({
          data: {
            id,
            number,
            companyId: run.key.companyId,
            payerAccountId: payer.id,
            currency: run.key.currency,
            valueDate: new Date(`${input.valueDate}T00:00:00Z`),
            fileFormat: payer.fileFormat,
            connector: payer.connector,
            paymentCount: run.claims.length,
            totalMinor: run.total.minor,
            preparedBy: actor.id,
          },
        });
        await tx.payment.createMany({
          data: run.claims.map((c, i) => ({
            id: newId(),
            runId: id,
            claimId: c.claimId,
            position: i + 1,
            endToEndId: endToEndId(number, i + 1),
            amountMinor: c.amount.minor,
            currency: c.amount.currency,
            claimVersion: c.version,
            bankAccountId: c.account!.id,
            accountFingerprint: c.account!.fingerprint,
            flags: flags[i]!,
          })),
        });
        await recordAudit(tx, {
          actorId: actor.id,
          type: "payment_run.prepared",
          data: { runId: id, number, payments: run.claims.length, totalMinor: run.total.minor.toString(), currency: run.key.currency, valueDate: input.valueDate },
        });
        return { id, number };
      });
      made.push(created);
    } catch (err) {
      // Another preparer took one of these claims a moment ago: this run is not made; the rest go on.
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") continue;
      throw err;
    }
  }
  if (made.length === 0) throw new AppError("conflict", { message: "These claims were just put into another run." });
  await announcePayments();
  return { runs: made };
}

type RunRow = NonNullable<Awaited<ReturnType<typeof lockRun>>>;

async function lockRun(tx: Tx, runId: string) {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM payment_run WHERE id = ${runId} FOR UPDATE`;
  if (locked.length === 0) return null;
  return tx.paymentRun.findUnique({
    where: { id: runId },
    include: {
      payerAccount: true,
      file: true,
      payments: {
        orderBy: { position: "asc" },
        include: { claim: { select: { id: true, number: true, status: true, version: true, claimantId: true } }, bankAccount: true },
      },
    },
  });
}

/** A run the actor may act on: treasury of its company; anything else is not found. */
async function runForActor(tx: Tx, actor: Actor, runId: string): Promise<RunRow> {
  await runOfActor(tx, actor, runId);
  return (await lockRun(tx, runId))!;
}

async function refuseIfInvolved(tx: Tx, actor: Actor, run: RunRow, step: "approve" | "release"): Promise<void> {
  const involved = await involvedClaimIds(tx, actor.id, run.payments.map((p) => p.claimId));
  if (involved.size > 0) {
    const numbers = run.payments.filter((p) => involved.has(p.claimId)).map((p) => p.claim.number);
    throw new AppError("not_allowed", {
      reason: "segregation",
      details: { claims: numbers },
      message: `You claimed, approved or reviewed ${numbers.join(", ")}: someone else must ${step} this run.`,
    });
  }
}

/** What each payment of the run would be now, against what it was frozen on. */
async function currentProblems(tx: Tx, run: RunRow): Promise<RunProblem[]> {
  const claims = await payableClaims(tx, [run.companyId], null, run.payments.map((p) => p.claimId));
  const byId = new Map(claims.map((c) => [c.claimId, c]));
  const userIds = run.payments.map((p) => p.claim.claimantId);
  const [accounts, pending] = await Promise.all([activeAccountsFor(tx, userIds), pendingChangeUserIds(tx, userIds)]);
  return run.payments.flatMap((p) => {
    const now = byId.get(p.claimId);
    const account = accounts.get(p.claim.claimantId);
    return frozenPaymentProblems(
      { claimNumber: p.claim.number, claimVersion: p.claimVersion, minor: p.amountMinor, bankAccountId: p.bankAccountId, fingerprint: p.accountFingerprint },
      {
        claimVersion: p.claim.version,
        claimStatus: p.claim.status,
        minor: now ? now.amount.minor : null,
        bankAccountId: account?.id ?? null,
        fingerprint: account?.fingerprint ?? null,
        pendingChange: pending.has(p.claim.claimantId),
      },
      PAYABLE,
    );
  });
}

/** The run as the payment file describes it: from the run's rows, the payer account and the frozen bank accounts. */
async function fileModel(tx: Tx, run: RunRow, messageId: string, createdAt: Date): Promise<Pain001Run> {
  const company = await tx.company.findUniqueOrThrow({ where: { id: run.companyId }, select: { name: true } });
  return {
    messageId,
    createdAt,
    initiatingParty: company.name,
    paymentInfoId: run.number,
    valueDate: isoDate(run.valueDate),
    currency: run.currency,
    debtor: accountDetailsOf(run.payerAccount),
    payments: run.payments.map((p) => ({
      endToEndId: p.endToEndId,
      minor: p.amountMinor,
      creditor: accountDetailsOf(p.bankAccount),
      remittance: `Expense claim ${p.claim.number}`,
    })),
  };
}

async function makeFile(tx: Tx, run: RunRow, messageId: string, createdAt: Date) {
  const adapter = PAYMENT_FILE_ADAPTERS[run.fileFormat as PaymentFileFormat];
  if (!adapter) throw new Error(`no payment file adapter for ${run.fileFormat}`);
  const file = adapter.build(await fileModel(tx, run, messageId, createdAt));
  const sha256 = createHash("sha256").update(file.bytes).digest("hex");
  return { file, sha256 };
}

/**
 * The second pair of eyes: a treasury user other than the preparer, involved in none of its claims,
 * approves the run. The payment file is made, validated against its schema (an invalid file is refused
 * and nothing changes) and kept with its SHA-256; from now on the run is frozen.
 */
export async function approveRun(actor: Actor, runId: string, now = new Date()): Promise<{ sha256: string }> {
  const approved = await prisma.$transaction(async (tx) => {
    const run = await runForActor(tx, actor, runId);
    if (run.status !== "PREPARED") throw new AppError("stale", { message: `The run is ${run.status.toLowerCase()}, not waiting for approval.` });
    if (run.preparedBy === actor.id) throw new AppError("not_allowed", { reason: "four_eyes", message: "Someone other than the preparer must approve the run." });
    await refuseIfInvolved(tx, actor, run, "approve");
    const problems = await currentProblems(tx, run);
    if (problems.length > 0) throw new AppError("conflict", { reason: "run_changed", details: { problems }, message: "Claims or bank accounts changed since the run was prepared: cancel it and prepare again." });
    const { file, sha256 } = await makeFile(tx, run, run.number, now);
    let schemaValid = true;
    if (file.schema) {
      const check = await validateAgainstSchema(new TextDecoder().decode(file.bytes), file.schema);
      if (!check.valid) throw new AppError("invalid_file", { status: 422, details: { errors: check.errors.slice(0, 10) }, message: `The payment file does not pass the ${file.schema} schema.` });
      schemaValid = check.valid;
    }
    await tx.paymentFile.create({
      data: { runId, format: run.fileFormat, fileName: file.fileName, mimeType: file.mimeType, bytes: file.bytes as Uint8Array<ArrayBuffer>, sha256, schema: file.schema, schemaValid, messageId: run.number, createdAt: now },
    });
    await tx.paymentRun.update({ where: { id: runId }, data: { status: "APPROVED", approvedBy: actor.id, approvedAt: now } });
    await recordAudit(tx, { actorId: actor.id, type: "payment_run.approved", data: { runId, number: run.number, sha256, fileName: file.fileName, schema: file.schema } });
    return { sha256 };
  });
  await announcePayments();
  return approved;
}

/**
 * Checks a frozen run before it leaves: the claims, amounts and accounts are what they were, and the file
 * made again from today's rows has the approved SHA-256. Otherwise the run is BLOCKED (kept, with what
 * changed) and refused.
 */
async function blockIfChanged(tx: Tx, run: RunRow): Promise<void> {
  const problems = await currentProblems(tx, run);
  let fileChanged = false;
  if (run.file) {
    const { sha256 } = await makeFile(tx, run, run.file.messageId, run.file.createdAt);
    fileChanged = sha256 !== run.file.sha256;
  }
  if (problems.length > 0 || fileChanged) throw new BlockedRun({ problems, fileChanged });
}

class BlockedRun extends Error {
  constructor(readonly reason: { problems: RunProblem[]; fileChanged: boolean }) {
    super("blocked");
  }
}

/**
 * Releases an approved run: over the host-to-host link the file is put in the outbox for the bank (sent
 * once by the payments worker); for a file link the user has uploaded it in e-banking and marks it sent.
 * Its claims become SCHEDULED and each employee is told when to expect the money.
 */
export async function releaseRun(actor: Actor, runId: string, now = new Date()): Promise<{ transmission: string }> {
  try {
    const released = await prisma.$transaction(async (tx) => {
      const run = await runForActor(tx, actor, runId);
      if (run.status !== "APPROVED") throw new AppError("stale", { message: `The run is ${run.status.toLowerCase()}, not approved.` });
      await refuseIfInvolved(tx, actor, run, "release");
      await blockIfChanged(tx, run);
      const hostToHost = run.connector === "host-to-host";
      // A file link: the person uploaded the file in e-banking and marks it sent, which releases it.
      const transmission = hostToHost ? run.transmission : nextTransmission(run.transmission as Transmission, { type: "markedSent" });
      if (!transmission) throw new AppError("stale", { message: "The run was already sent." });
      await tx.paymentRun.update({
        where: { id: runId },
        data: { status: "RELEASED", releasedBy: actor.id, releasedAt: now, ...(hostToHost ? {} : { transmission, sentAt: now }) },
      });
      if (!hostToHost) await tx.payment.updateMany({ where: { runId, status: "PLANNED" }, data: { status: "SENT", statusAt: now } });
      const valueDate = isoDate(run.valueDate);
      for (const p of run.payments) {
        const from = p.claim.status as ClaimStatus;
        const to = assertTransition(from, "schedulePayment");
        await tx.claim.update({ where: { id: p.claimId }, data: { status: to, version: { increment: 1 } } });
        await recordAudit(tx, {
          claimId: p.claimId,
          actorId: actor.id,
          type: "claim.payment_scheduled",
          fromStatus: from,
          toStatus: to,
          data: { runId, runNumber: run.number, endToEndId: p.endToEndId, valueDate },
        });
        await notify(tx, p.claim.claimantId, "payment.scheduled", { claimId: p.claimId, claimNumber: p.claim.number, valueDate, minor: p.amountMinor.toString(), currency: p.currency });
      }
      if (hostToHost) await enqueueJob(tx, JOBS.sendPaymentRun, { runId });
      await recordAudit(tx, {
        actorId: actor.id,
        type: hostToHost ? "payment_run.released" : "payment_run.marked_sent",
        data: { runId, number: run.number, connector: run.connector, sha256: run.file?.sha256 ?? null },
      });
      return { transmission: hostToHost ? "NOT_SENT" : "SENT" };
    });
    await announcePayments();
    return released;
  } catch (err) {
    if (!(err instanceof BlockedRun)) throw err;
    // The block was rolled back with the refusal: keep it, in a transaction of its own.
    await prisma.$transaction(async (tx) => {
      const run = await runForActor(tx, actor, runId);
      if (run.status !== "APPROVED") return;
      await tx.paymentRun.update({ where: { id: runId }, data: { status: "BLOCKED", blockedReason: err.reason as unknown as Prisma.InputJsonObject } });
      await recordAudit(tx, { actorId: actor.id, type: "payment_run.blocked", data: { runId, number: run.number, ...err.reason } as unknown as Prisma.InputJsonObject });
    });
    throw new AppError("conflict", {
      reason: "run_blocked",
      details: { problems: err.reason.problems, fileChanged: err.reason.fileChanged },
      message: "Something in the run changed after it was approved: it is blocked. Cancel it and prepare again.",
    });
  }
}

/** Cancels a run that has not left: its payments are cancelled and its claims may go into another run. */
export async function cancelRun(actor: Actor, runId: string, now = new Date()): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const run = await runForActor(tx, actor, runId);
    if (!["PREPARED", "APPROVED", "BLOCKED"].includes(run.status)) throw new AppError("stale", { message: "Only a run that has not been released can be cancelled." });
    await tx.payment.updateMany({ where: { runId }, data: { status: "CANCELLED", statusAt: now } });
    await tx.paymentRun.update({ where: { id: runId }, data: { status: "CANCELLED", cancelledBy: actor.id, cancelledAt: now } });
    await recordAudit(tx, { actorId: actor.id, type: "payment_run.cancelled", data: { runId, number: run.number, from: run.status } });
  });
  await announcePayments();
}

/** A run of the actor's companies (treasury only); any other is not found. No lock, nothing loaded beyond the check. */
export async function runOfActor(db: Db | Tx, actor: Actor, runId: string): Promise<{ id: string; number: string }> {
  const companyIds = await treasuryCompanyIds(db, actor);
  const run = await db.paymentRun.findUnique({ where: { id: runId }, select: { id: true, number: true, companyId: true } });
  if (!run || !companyIds.includes(run.companyId)) throw new AppError("not_found", { message: "No such payment run." });
  return run;
}

/** The approved file, for download (recorded: a payment file leaving the app is an event of its own). */
export async function paymentFileFor(actor: Actor, runId: string) {
  return prisma.$transaction(async (tx) => {
    const run = await runOfActor(tx, actor, runId);
    const file = await tx.paymentFile.findUnique({ where: { runId } });
    if (!file) throw new AppError("not_found", { message: "The run has no file before it is approved." });
    await recordAudit(tx, { actorId: actor.id, type: "payment_run.file_downloaded", data: { runId, number: run.number, sha256: file.sha256 } });
    return { fileName: file.fileName, mimeType: file.mimeType, bytes: file.bytes, sha256: file.sha256 };
  });
}
