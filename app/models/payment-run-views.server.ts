/**
 * What the treasury screens and the claim page show of payment runs: read only, scoped like the commands
 * (treasury of the run's company; a claim's payment to whoever may see the claim — the caller checks that).
 */
import type { ClaimPaymentView } from "~/contracts/payment";
import type { Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { maskedAccount } from "~/domain/bank-account";
import { isoDate } from "~/domain/calendar-date";
import { nextPaymentDate, type PaymentFlag, type RunProblem } from "~/domain/payment-run";
import { prisma } from "~/utils/db.server";
import { accountDetailsOf } from "./bank-accounts.server";
import { treasuryCompanyIds } from "./payment-runs.server";

export type RunListItem = {
  id: string;
  number: string;
  companyName: string;
  companyNameZh: string;
  payerName: string;
  currency: string;
  valueDate: string;
  status: string;
  transmission: string;
  paymentCount: number;
  totalMinor: string;
  flagged: number;
  preparedBy: string;
  approvedBy: string | null;
  preparedAt: string;
};

export async function listRuns(actor: Actor, filter: { status?: string } = {}): Promise<RunListItem[]> {
  const companyIds = await treasuryCompanyIds(prisma, actor);
  const runs = await prisma.paymentRun.findMany({
    where: { companyId: { in: companyIds }, ...(filter.status ? { status: filter.status } : {}) },
    orderBy: [{ preparedAt: "desc" }],
    take: 200,
    include: { payerAccount: { select: { name: true } } },
  });
  const flaggedRows = runs.length
    ? await prisma.payment.groupBy({ by: ["runId"], where: { runId: { in: runs.map((r) => r.id) }, flags: { isEmpty: false } }, _count: { _all: true } })
    : [];
  const flagged = new Map(flaggedRows.map((r) => [r.runId, r._count._all]));
  const [companies, users] = await Promise.all([
    prisma.company.findMany({ where: { id: { in: [...new Set(runs.map((r) => r.companyId))] } }, select: { id: true, name: true, nameZh: true } }),
    prisma.user.findMany({ where: { id: { in: [...new Set(runs.flatMap((r) => [r.preparedBy, r.approvedBy].filter((x): x is string => !!x)))] } }, select: { id: true, name: true } }),
  ]);
  const company = new Map(companies.map((c) => [c.id, c]));
  const name = new Map(users.map((u) => [u.id, u.name]));
  return runs.map((r) => ({
    id: r.id,
    number: r.number,
    companyName: company.get(r.companyId)?.name ?? "",
    companyNameZh: company.get(r.companyId)?.nameZh ?? "",
    payerName: r.payerAccount.name,
    currency: r.currency,
    valueDate: isoDate(r.valueDate),
    status: r.status,
    transmission: r.transmission,
    paymentCount: r.paymentCount,
    totalMinor: r.totalMinor.toString(),
    flagged: flagged.get(r.id) ?? 0,
    preparedBy: name.get(r.preparedBy) ?? "",
    approvedBy: r.approvedBy ? (name.get(r.approvedBy) ?? "") : null,
    preparedAt: r.preparedAt.toISOString(),
  }));
}

export type RunDetail = RunListItem & {
  payer: { name: string; account: string; connector: string; fileFormat: string };
  approvedAt: string | null;
  releasedBy: string | null;
  releasedAt: string | null;
  sentAt: string | null;
  bankReference: string | null;
  bankStatus: string | null;
  statusChecks: number;
  statusCheckedAt: string | null;
  blocked: { problems: RunProblem[]; fileChanged: boolean } | null;
  file: { fileName: string; sha256: string; schema: string | null; schemaValid: boolean; createdAt: string; sizeBytes: number } | null;
  payments: {
    id: string;
    position: number;
    claimId: string;
    claimNumber: string;
    claimantName: string;
    account: string;
    minor: string;
    currency: string;
    endToEndId: string;
    flags: PaymentFlag[];
    status: string;
    statusReason: string | null;
  }[];
  history: { type: string; actorName: string | null; at: string }[];
  /** What the viewer may do now (the server checks again when they do it). */
  can: { approve: boolean; release: boolean; cancel: boolean; download: boolean; checkStatus: boolean; recordStatus: boolean };
  whyNot: { approve: "own_run" | null };
};

export async function runDetail(actor: Actor, runId: string): Promise<RunDetail> {
  const companyIds = await treasuryCompanyIds(prisma, actor);
  const run = await prisma.paymentRun.findUnique({
    where: { id: runId },
    include: {
      payerAccount: true,
      file: { select: { fileName: true, sha256: true, schema: true, schemaValid: true, createdAt: true } },
      payments: { orderBy: { position: "asc" }, include: { claim: { select: { number: true, claimant: { select: { name: true } } } }, bankAccount: true } },
    },
  });
  if (!run || !companyIds.includes(run.companyId)) throw new AppError("not_found", { message: "No such payment run." });
  const [company, people, events, size] = await Promise.all([
    prisma.company.findUniqueOrThrow({ where: { id: run.companyId }, select: { name: true, nameZh: true } }),
    prisma.user.findMany({ where: { id: { in: [run.preparedBy, run.approvedBy, run.releasedBy].filter((x): x is string => !!x) } }, select: { id: true, name: true } }),
    prisma.auditEvent.findMany({
      where: { claimId: null, type: { startsWith: "payment_run." }, data: { path: ["runId"], equals: runId } },
      orderBy: { id: "asc" },
      select: { type: true, at: true, actor: { select: { name: true } } },
    }),
    // The file's size without reading its bytes (a run of 10,000 payments makes an 8 MB file).
    prisma.$queryRaw<{ n: number }[]>`SELECT octet_length(bytes)::int AS n FROM payment_file WHERE run_id = ${runId}`,
  ]);
  const name = new Map(people.map((u) => [u.id, u.name]));
  const status = run.status;
  return {
    id: run.id,
    number: run.number,
    companyName: company.name,
    companyNameZh: company.nameZh,
    payerName: run.payerAccount.name,
    currency: run.currency,
    valueDate: isoDate(run.valueDate),
    status,
    transmission: run.transmission,
    paymentCount: run.paymentCount,
    totalMinor: run.totalMinor.toString(),
    flagged: run.payments.filter((p) => p.flags.length > 0).length,
    preparedBy: name.get(run.preparedBy) ?? "",
    approvedBy: run.approvedBy ? (name.get(run.approvedBy) ?? "") : null,
    preparedAt: run.preparedAt.toISOString(),
    payer: { name: run.payerAccount.name, account: maskedAccount(accountDetailsOf(run.payerAccount)), connector: run.connector, fileFormat: run.fileFormat },
    approvedAt: run.approvedAt?.toISOString() ?? null,
    releasedBy: run.releasedBy ? (name.get(run.releasedBy) ?? "") : null,
    releasedAt: run.releasedAt?.toISOString() ?? null,
    sentAt: run.sentAt?.toISOString() ?? null,
    bankReference: run.bankReference,
    bankStatus: run.bankStatus,
    statusChecks: run.statusChecks,
    statusCheckedAt: run.statusCheckedAt?.toISOString() ?? null,
    blocked: run.status === "BLOCKED" ? (run.blockedReason as RunDetail["blocked"]) : null,
    file: run.file
      ? { fileName: run.file.fileName, sha256: run.file.sha256, schema: run.file.schema, schemaValid: run.file.schemaValid, createdAt: run.file.createdAt.toISOString(), sizeBytes: size[0]?.n ?? 0 }
      : null,
    payments: run.payments.map((p) => ({
      id: p.id,
      position: p.position,
      claimId: p.claimId,
      claimNumber: p.claim.number,
      claimantName: p.claim.claimant.name,
      account: maskedAccount(accountDetailsOf(p.bankAccount)),
      minor: p.amountMinor.toString(),
      currency: p.currency,
      endToEndId: p.endToEndId,
      flags: p.flags as PaymentFlag[],
      status: p.status,
      statusReason: p.statusReason,
    })),
    history: events.map((e) => ({ type: e.type, actorName: e.actor?.name ?? null, at: e.at.toISOString() })),
    can: {
      approve: status === "PREPARED" && run.preparedBy !== actor.id,
      release: status === "APPROVED",
      cancel: ["PREPARED", "APPROVED", "BLOCKED"].includes(status),
      download: run.file !== null && status !== "CANCELLED",
      // The bank's answer: asked over the link, or (file link) recorded by hand from what e-banking shows.
      checkStatus: status === "RELEASED" && run.connector === "host-to-host" && ["SENDING", "SENT", "UNKNOWN"].includes(run.transmission),
      recordStatus: status === "RELEASED" && run.connector === "file" && ["SENT", "UNKNOWN"].includes(run.transmission),
    },
    whyNot: { approve: status === "PREPARED" && run.preparedBy === actor.id ? "own_run" : null },
  };
}

/** A claim's payment as its page shows it (the caller has checked the viewer may see the claim). */
export async function claimPaymentView(claimId: string, today: string = isoDate(new Date())): Promise<ClaimPaymentView> {
  const claim = await prisma.claim.findUnique({ where: { id: claimId }, select: { status: true, company: { select: { paymentWeekdays: true } } } });
  if (!claim) return null;
  const payment = await prisma.payment.findFirst({
    where: { claimId, status: { not: "CANCELLED" } },
    orderBy: { createdAt: "desc" },
    include: { run: { select: { number: true, valueDate: true, status: true } }, bankAccount: true },
  });
  const live = payment !== null && !["RETURNED", "REJECTED"].includes(payment.status) && payment.run.status !== "CANCELLED";
  // In a run that has not left yet (prepared, approved, blocked): its value date is the expectation.
  if (live && !["RELEASED", "DONE"].includes(payment.run.status)) return { state: "expected", expectedDate: isoDate(payment.run.valueDate) };
  if (claim.status === "APPROVED" && !live) {
    // Not in a run yet: the next payment day of the company's schedule, at the earliest tomorrow.
    const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    return { state: "expected", expectedDate: nextPaymentDate(tomorrow, claim.company.paymentWeekdays) };
  }
  if (!payment || payment.run.status === "CANCELLED") return null;
  const state = payment.status === "PAID" ? "paid" : payment.status === "RETURNED" || payment.status === "REJECTED" ? "failed" : "scheduled";
  return {
    state,
    valueDate: isoDate(payment.run.valueDate),
    runNumber: payment.run.number,
    minor: payment.amountMinor.toString(),
    currency: payment.currency,
    account: maskedAccount(accountDetailsOf(payment.bankAccount)),
    endToEndId: payment.endToEndId,
    reason: payment.statusReason,
    at: payment.statusAt?.toISOString() ?? null,
  };
}
