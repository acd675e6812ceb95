/**
 * The payments sweep (a job scheduler, every 30 s): runs stuck in SENDING become UNKNOWN; SENT and
 * UNKNOWN runs are asked about (with backoff) and the bank's status report applied; then every hook in
 * PAYMENTS_SWEEP_HOOKS runs. Postgres holds all the state, so a flushed Redis only delays the next sweep.
 */
import { JOBS } from "~/domain/jobs";
import { sweepTransmissions, type TransmissionSweepResult } from "~/models/payment-transmission.server";
import { defineHandler } from "./job-handler";

export const PAYMENTS_SWEEP_EVERY_MS = 30_000;

/**
 * Further time-driven payment work, run after the bank link in each sweep, each on its own (one failing
 * does not stop the others). The lead adds `activateDueChanges` (bank-account changes whose cooling-off
 * has passed become usable) here.
 */
export const PAYMENTS_SWEEP_HOOKS: { name: string; run: (now: Date) => Promise<unknown> }[] = [];

export type PaymentsSweepResult = TransmissionSweepResult & { hooks: Record<string, "ok" | string> };

export async function runPaymentsSweep(now = new Date()): Promise<PaymentsSweepResult> {
  const hooks: Record<string, string> = {};
  let link: TransmissionSweepResult = { stuck: 0, asked: 0, resolved: 0, reoffered: 0, needsPerson: 0, unavailable: 0, errors: 0 };
  // The bank link failing (a database hiccup) does not stop the hooks.
  try {
    link = await sweepTransmissions({ now: () => now });
    hooks["bank-link"] = "ok";
  } catch (err) {
    hooks["bank-link"] = err instanceof Error ? err.message : String(err);
  }
  for (const hook of PAYMENTS_SWEEP_HOOKS) {
    try {
      await hook.run(now);
      hooks[hook.name] = "ok";
    } catch (err) {
      hooks[hook.name] = err instanceof Error ? err.message : String(err);
    }
  }
  return { ...link, hooks };
}

export const paymentsSweepHandler = defineHandler(JOBS.paymentsSweep, () => runPaymentsSweep(), {
  // Quiet unless something happened: it runs every 30 seconds.
  describe: (r) => {
    const failed = Object.entries(r.hooks).filter(([, v]) => v !== "ok");
    if (!r.stuck && !r.resolved && !r.reoffered && !r.needsPerson && !r.unavailable && !r.errors && failed.length === 0) return null;
    return `stuck→unknown ${r.stuck}, asked ${r.asked}, resolved ${r.resolved}, re-offered ${r.reoffered}, for a person ${r.needsPerson}, bank unavailable ${r.unavailable}, errors ${r.errors}${failed.map(([k, v]) => `; ${k} failed: ${v}`).join("")}`;
  },
});
