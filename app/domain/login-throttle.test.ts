import { describe, expect, it } from "vitest";
import { ACCOUNT_RULE, ADDRESS_RULE, afterFailure, delayAfter, mayAttempt, type ThrottleRow } from "./login-throttle";

const t0 = new Date("2026-12-03T08:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

function failTimes(n: number, rule = ACCOUNT_RULE, start = t0): ThrottleRow {
  let row: ThrottleRow | null = null;
  let now = start;
  for (let i = 0; i < n; i++) {
    const verdict = mayAttempt(row, now, rule);
    if (!verdict.allowed) now = verdict.retryAt;
    row = afterFailure(row, now, rule);
  }
  return row!;
}

describe("login throttle", () => {
  it("lets the first failures through without delay", () => {
    const row = failTimes(2);
    expect(mayAttempt(row, row.lastFailureAt!, ACCOUNT_RULE)).toEqual({ allowed: true });
  });

  it("makes each further attempt wait longer: 1 s, 2 s, 4 s … capped", () => {
    expect([3, 4, 5, 6].map((n) => delayAfter(n, ACCOUNT_RULE))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(delayAfter(40, ACCOUNT_RULE)).toBe(60_000);
    const row = failTimes(4);
    const last = row.lastFailureAt!;
    const early = mayAttempt(row, new Date(last.getTime() + 1_999), ACCOUNT_RULE);
    expect(early).toMatchObject({ allowed: false, locked: false });
    expect(mayAttempt(row, new Date(last.getTime() + 2_000), ACCOUNT_RULE)).toEqual({ allowed: true });
  });

  it("locks the account for 15 minutes at the tenth failure, then starts over", () => {
    const row = failTimes(10);
    expect(row.lockedUntil).not.toBeNull();
    const lockedAt = row.lastFailureAt!;
    expect(mayAttempt(row, at(lockedAt.getTime() - t0.getTime() + 14 * 60_000), ACCOUNT_RULE)).toMatchObject({ allowed: false, locked: true });
    expect(mayAttempt(row, new Date(row.lockedUntil!.getTime()), ACCOUNT_RULE)).toEqual({ allowed: true });
  });

  it("reports the failure that locked the key", () => {
    let row: ThrottleRow | null = failTimes(9);
    const verdict = mayAttempt(row, row.lastFailureAt!, ACCOUNT_RULE);
    const next = afterFailure(row, verdict.allowed ? row.lastFailureAt! : verdict.retryAt, ACCOUNT_RULE);
    expect(next.lockedNow).toBe(true);
    row = failTimes(3);
    expect(afterFailure(row, row.lastFailureAt!, ACCOUNT_RULE).lockedNow).toBe(false);
  });

  it("forgets failures after a quiet quarter of an hour", () => {
    const row = failTimes(9);
    const later = new Date(row.lastFailureAt!.getTime() + 15 * 60_000);
    expect(mayAttempt(row, later, ACCOUNT_RULE)).toEqual({ allowed: true });
    expect(afterFailure(row, later, ACCOUNT_RULE)).toMatchObject({ failures: 1, lockedNow: false });
  });

  it("gives a shared address more room than one account", () => {
    const row = failTimes(10, ADDRESS_RULE);
    expect(row.lockedUntil).toBeNull();
    expect(mayAttempt(row, row.lastFailureAt!, ADDRESS_RULE)).toEqual({ allowed: true });
  });
});
