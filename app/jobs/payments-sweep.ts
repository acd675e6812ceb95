/**
 * The payments sweep (a job scheduler, every 30 s): runs stuck in SENDING become UNKNOWN; SENT and
 * UNKNOWN runs are asked about (with backoff) and the bank's status report applied; then every hook in
 * PAYMENTS_SWEEP_HOOKS runs. Postgres holds all the state, so a flushed Redis only delays the next sweep.
 * Without a bank link (BANK_LINK_URL unset) the hooks that need one are skipped, said once per process.
 */
import { isAppError } from "~/domain/app-error";
import { isoDate } from "~/domain/calendar-date";
import { JOBS } from "~/domain/jobs";
import { activateDueChanges } from "~/models/bank-accounts.server";
import { importStatement, settleStatement, statementsToSettle } from "~/models/bank-statements.server";
import { fetchStatementOverLink, sweepTransmissions, type TransmissionSweepResult } from "~/models/payment-transmission.server";
import { hostToHostLinkConfigured } from "~/utils/bank-link/index.server";
import { prisma } from "~/utils/db.server";
import { defineHandler } from "./job-handler";

export const PAYMENTS_SWEEP_EVERY_MS = 30_000;

/** A host-to-host account's statement is fetched at most this often (the bank's day closes once). */
export const STATEMENT_FETCH_EVERY_MS = 6 * 3_600_000;

/**
 * Yesterday's statement of every host-to-host payer account, over the bank link, into reconciliation
 * (imported and linked like an upload; settled by its job, or by this sweep's settleStatements hook). A
 * statement already imported is not an error: it was fetched before.
 */
export async function fetchStatementsOverLink(now: Date): Promise<number> {
  const since = new Date(now.getTime() - STATEMENT_FETCH_EVERY_MS);
  const payers = await prisma.payerAccount.findMany({
    where: { active: true, connector: "host-to-host", statements: { none: { source: "bank-link", importedAt: { gte: since } } } },
    select: { id: true },
  });
  const yesterday = isoDate(new Date(now.getTime() - 86_400_000));
  let imported = 0;
  for (const payer of payers) {
    const got = await fetchStatementOverLink(payer.id, yesterday, async (bytes) => {
      try {
        await importStatement({ source: "bank-link", chunks: [bytes], importedBy: null });
        return true;
      } catch (err) {
        if (isAppError(err, "duplicate_file", "duplicate_statement")) return false;
        throw err;
      }
    });
    if (got.fetched && got.result) imported += 1;
  }
  return imported;
}

/**
 * Statements whose links still wait for their outcome (a settle-statement job lost, or a worker that died
 * half way) are settled: crash safety for the background settlement. Answers how many payments moved.
 */
export async function settleLeftovers(): Promise<number> {
  let moved = 0;
  for (const statementId of await statementsToSettle()) {
    const r = await settleStatement(statementId);
    moved += r.paid + r.returned;
  }
  return moved;
}

/**
 * Further time-driven payment work, run after the bank link in each sweep, each on its own (one failing
 * does not stop the others): held bank-account changes whose cooling-off has passed become usable, the
 * bank's statements come in over the link, and statement links left unsettled are settled. A hook that
 * `needsBankLink` is skipped where none is configured.
 */
export const PAYMENTS_SWEEP_HOOKS: { name: string; run: (now: Date) => Promise<unknown>; needsBankLink?: boolean }[] = [
  { name: "activateDueChanges", run: (now) => activateDueChanges(prisma, now) },
  { name: "fetchStatements", run: (now) => fetchStatementsOverLink(now), needsBankLink: true },
  { name: "settleStatements", run: () => settleLeftovers() },
];

/** No bank link is a setting, not a failure: the first sweep of a process says so, the others skip quietly. */
export const NO_BANK_LINK_NOTE = "no bank link configured (BANK_LINK_URL): statements are imported by upload only";
let noBankLinkNoted = false;

/** Each hook's outcome: "ok", "skipped" (no bank link) or its error message; `notes` for the log. */
export type PaymentsSweepResult = TransmissionSweepResult & { hooks: Record<string, "ok" | "skipped" | string>; notes: string[] };

export async function runPaymentsSweep(now = new Date()): Promise<PaymentsSweepResult> {
  const hooks: Record<string, string> = {};
  const notes: string[] = [];
  let link: TransmissionSweepResult = { stuck: 0, asked: 0, resolved: 0, reoffered: 0, needsPerson: 0, unavailable: 0, errors: 0 };
  // The bank link failing (a database hiccup) does not stop the hooks.
  try {
    link = await sweepTransmissions({ now: () => now });
    hooks["bank-link"] = "ok";
  } catch (err) {
    hooks["bank-link"] = err instanceof Error ? err.message : String(err);
  }
  for (const hook of PAYMENTS_SWEEP_HOOKS) {
    if (hook.needsBankLink && !hostToHostLinkConfigured()) {
      hooks[hook.name] = "skipped";
      if (!noBankLinkNoted) notes.push(NO_BANK_LINK_NOTE);
      noBankLinkNoted = true;
      continue;
    }
    try {
      await hook.run(now);
      hooks[hook.name] = "ok";
    } catch (err) {
      hooks[hook.name] = err instanceof Error ? err.message : String(err);
    }
  }
  return { ...link, hooks, notes };
}

export const paymentsSweepHandler = defineHandler(JOBS.paymentsSweep, () => runPaymentsSweep(), {
  // Quiet unless something happened: it runs every 30 seconds.
  describe: (r) => {
    const failed = Object.entries(r.hooks).filter(([, v]) => v !== "ok" && v !== "skipped");
    const parts: string[] = [];
    if (r.stuck || r.resolved || r.reoffered || r.needsPerson || r.unavailable || r.errors || failed.length > 0) {
      parts.push(`stuck→unknown ${r.stuck}, asked ${r.asked}, resolved ${r.resolved}, re-offered ${r.reoffered}, for a person ${r.needsPerson}, bank unavailable ${r.unavailable}, errors ${r.errors}${failed.map(([k, v]) => `; ${k} failed: ${v}`).join("")}`);
    }
    parts.push(...r.notes);
    return parts.length > 0 ? parts.join("; ") : null;
  },
});
