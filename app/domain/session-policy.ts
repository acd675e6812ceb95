/**
 * When a server-side session stops being good: revoked (sign-out, deactivation, change of rights), past
 * its absolute lifetime, or idle for too long. The clock is passed in, so the rule is testable.
 */
export type SessionTimes = { createdAt: Date; lastSeenAt: Date; expiresAt: Date; revokedAt: Date | null };
export type SessionLimits = { idleMs: number; absoluteMs: number };
export type SessionState = "active" | "revoked" | "expired" | "idle";

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 30 * 60_000, absoluteMs: 12 * 60 * 60_000 };

export function sessionState(s: SessionTimes, now: Date, limits: SessionLimits): SessionState {
  if (s.revokedAt) return "revoked";
  const t = now.getTime();
  if (t >= s.expiresAt.getTime() || t >= s.createdAt.getTime() + limits.absoluteMs) return "expired";
  if (t - s.lastSeenAt.getTime() >= limits.idleMs) return "idle";
  return "active";
}

/** `last_seen_at` is written at most this often: enough for a 30-minute idle rule, not a write per request. */
export const TOUCH_EVERY_MS = 60_000;

export function needsTouch(lastSeenAt: Date, now: Date): boolean {
  return now.getTime() - lastSeenAt.getTime() >= TOUCH_EVERY_MS;
}
