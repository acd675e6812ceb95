/**
 * Sign-in throttling, per account and per client address. After a few failures each further attempt
 * must wait a growing delay; after many, the key is locked for a while. While a key waits or is locked
 * the password is not even checked, so guessing costs the attacker time, not the server.
 */
export type ThrottleRule = {
  /** Failures allowed before delays start. */
  freeFailures: number;
  /** The first delay; each further failure doubles it, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** At this many failures the key is locked for `lockMs`, and its count starts over. */
  lockAfter: number;
  lockMs: number;
  /** Failures older than this are forgotten. */
  forgetAfterMs: number;
};

export const ACCOUNT_RULE: ThrottleRule = {
  freeFailures: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  lockAfter: 10,
  lockMs: 15 * 60_000,
  forgetAfterMs: 15 * 60_000,
};

// Many people may share one address (an office behind NAT): more room, the same shape.
export const ADDRESS_RULE: ThrottleRule = {
  freeFailures: 20,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  lockAfter: 100,
  lockMs: 15 * 60_000,
  forgetAfterMs: 15 * 60_000,
};

export type ThrottleRow = { failures: number; lastFailureAt: Date | null; lockedUntil: Date | null };

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAt: Date; locked: boolean };

/** The failures that still count at `now`. */
export function liveFailures(row: ThrottleRow | null, now: Date, rule: ThrottleRule): number {
  if (!row?.lastFailureAt) return 0;
  return now.getTime() - row.lastFailureAt.getTime() >= rule.forgetAfterMs ? 0 : row.failures;
}

export function delayAfter(failures: number, rule: ThrottleRule): number {
  if (failures < rule.freeFailures) return 0;
  return Math.min(rule.maxDelayMs, rule.baseDelayMs * 2 ** (failures - rule.freeFailures));
}

/** May an attempt be made now? */
export function mayAttempt(row: ThrottleRow | null, now: Date, rule: ThrottleRule): ThrottleVerdict {
  if (row?.lockedUntil && row.lockedUntil > now) return { allowed: false, retryAt: row.lockedUntil, locked: true };
  const failures = liveFailures(row, now, rule);
  const wait = delayAfter(failures, rule);
  if (wait > 0 && row?.lastFailureAt) {
    const retryAt = new Date(row.lastFailureAt.getTime() + wait);
    if (retryAt > now) return { allowed: false, retryAt, locked: false };
  }
  return { allowed: true };
}

/** The row after one more failure at `now`; `lockedNow` when this failure locked the key. */
export function afterFailure(row: ThrottleRow | null, now: Date, rule: ThrottleRule): ThrottleRow & { lockedNow: boolean } {
  const failures = liveFailures(row, now, rule) + 1;
  if (failures >= rule.lockAfter) return { failures: 0, lastFailureAt: now, lockedUntil: new Date(now.getTime() + rule.lockMs), lockedNow: true };
  return { failures, lastFailureAt: now, lockedUntil: null, lockedNow: false };
}
