import { addWorkingMinutes, workingMinutesBetween, type SlaState, type WorkCalendar } from "./work-calendar";

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

/**
 * What the SLA sweep does with one open review: the state it moves to (forward only; null = it stays) and
 * when the sweep must look at it again — the instant its state can next change under this calendar: the
 * start of its last (1 − atRiskShare) of working minutes while on track, its due time once at risk, never
 * once breached (null). Until then the task is not read at all (docs/decisions/041).
 */
export function slaSweepStep(
  now: Date,
  dueAt: Date,
  slaMinutes: number,
  current: SlaState,
  cal: WorkCalendar,
  atRiskShare = 0.75,
): { to: SlaState | null; checkAt: Date | null } {
  const to = slaEscalation(current, openTaskSlaState(now, dueAt, slaMinutes, cal, atRiskShare).state);
  const state = to ?? current;
  if (state === "BREACHED") return { to, checkAt: null };
  if (state === "AT_RISK" || slaMinutes <= 0) return { to, checkAt: dueAt };
  const untilAtRisk = workingMinutesBetween(now, dueAt, cal) - (1 - atRiskShare) * slaMinutes;
  const atRiskAt = addWorkingMinutes(now, Math.max(0, untilAtRisk), cal);
  return { to, checkAt: atRiskAt.getTime() < dueAt.getTime() ? atRiskAt : dueAt };
}
