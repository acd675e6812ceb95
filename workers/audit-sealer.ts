import { PollLoop } from "~/jobs/poll-loop";
import { sealAuditEvents } from "~/models/audit.server";
import { prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";

/**
 * The audit sealer: links committed audit events into the hash chain after their transactions are over
 * (docs/decisions/037-audit-sealed-after-commit.md), so no writer of the app waits on the chain.
 *
 *  - a full batch sealed: the next one at once (a backlog after a seed or an outage is worked off);
 *  - some sealed: again after `intervalMs` (500 ms), so an event waits about that long for its link;
 *  - nothing to seal: the wait doubles up to 10 × `intervalMs` (an idle system costs one indexed probe a
 *    few seconds, which takes no lock).
 *
 * Safe with several worker instances: audit_seal() takes the chain head's row lock first, so sealers
 * queue; the second then finds what the first left. Postgres is all it needs. The loop is app/jobs/poll-loop.ts.
 */

export type AuditSealerOptions = {
  intervalMs?: number;
  batchSize?: number;
  log?: (line: string) => void;
  /** Seals up to `batchSize` events, returns how many (tests; default: audit_seal() through the app's pool). */
  seal?: (batchSize: number) => Promise<number>;
};

export type AuditSealer = {
  /** Stops the loop and waits for a batch in flight. */
  stop(): Promise<void>;
  /** One batch now (tests, and the loop itself); returns how many events it sealed. */
  sealOnce(): Promise<number>;
};

export function startAuditSealer(opts: AuditSealerOptions = {}): AuditSealer {
  const intervalMs = opts.intervalMs ?? env.AUDIT_SEAL_INTERVAL_MS;
  const batchSize = opts.batchSize ?? 2000;
  const log = opts.log ?? ((line: string) => console.log(line));
  const seal = opts.seal ?? ((n: number) => sealAuditEvents(prisma, n));
  const sealOnce = () => seal(batchSize);

  let lastError = "";
  const loop = new PollLoop({
    run: async () => {
      const sealed = await sealOnce();
      return sealed >= batchSize ? "more" : sealed > 0 ? "some" : "none";
    },
    gapMs: intervalMs,
    pollMs: (idleRuns) => Math.min(intervalMs * 2 ** idleRuns, intervalMs * 10),
    retryMs: intervalMs * 10,
    onError: (err, failures) => {
      // Postgres briefly away: keep trying, say it once.
      const message = err instanceof Error ? err.message : String(err);
      if (failures === 1 || message !== lastError) log(`[audit-sealer] sealing failed, will retry: ${message}`);
      lastError = message;
    },
  });
  loop.start();

  return { stop: () => loop.stop(), sealOnce };
}
