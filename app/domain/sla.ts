import { workingMinutesBetween, type SlaState, type WorkCalendar } from "./work-calendar";

/**
 * The state of an open task's SLA from what is left of it: at risk once 75% of its working minutes
 * are used (25% left), breached at the due time. Only the future matters here: a task whose claim
 * goes back to the claimant is finished, so no pause can fall between now and the due time.
 */
export function openTaskSlaState(
  now: Date,
  dueAt: Date,
  slaMinutes: number,
  cal: WorkCalendar,
  atRiskShare = 0.75,
): { state: SlaState; usedShare: number } {
  if (now.getTime() >= dueAt.getTime()) return { state: "BREACHED", usedShare: 1 };
  if (slaMinutes <= 0) return { state: "ON_TRACK", usedShare: 0 };
  const remaining = workingMinutesBetween(now, dueAt, cal);
  const usedShare = Math.max(0, 1 - remaining / slaMinutes);
  return { state: usedShare >= atRiskShare ? "AT_RISK" : "ON_TRACK", usedShare };
}

/** Which way a state may move on a sweep: forward only, so a task is announced at risk or breached once. */
export function slaEscalation(previous: SlaState, next: SlaState): SlaState | null {
  const rank: Record<SlaState, number> = { ON_TRACK: 0, AT_RISK: 1, BREACHED: 2 };
  return rank[next] > rank[previous] ? next : null;
}
