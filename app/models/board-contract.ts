/**
 * What the wall board shows, and how it hears that something changed. Shared by the metrics worker
 * (which computes and announces), the board's loader and its Server-Sent Events route.
 * Plain data only: this file is imported by both server and browser code.
 */

/** Backlog age buckets, oldest last: under 1 h, 1–4 h, 4–8 h, 8–24 h, over 1 day (wall-clock age since the task was created). */
export const AGE_BUCKETS = ["lt1h", "h1to4", "h4to8", "h8to24", "gt1d"] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

export type BoardBacklogRow = {
  groupId: string;
  code: string;
  name: string;
  nameZh: string;
  /** Open review tasks waiting to be taken. */
  open: number;
  /** Taken, not yet decided. */
  inProgress: number;
  atRisk: number;
  breached: number;
  /** Open + in progress, by age. */
  ages: Record<AgeBucket, number>;
};

export type BoardLeader = { operatorId: string; name: string; pieces: number };

export type BoardData = {
  generatedAt: string;
  /** The SSC's time zone; "today" and the hours are local to it. */
  timeZone: string;
  /** Local date, YYYY-MM-DD. */
  day: string;
  /** Tasks of every type finished today, and claims that reached APPROVED today. */
  completedToday: { tasks: number; claims: number };
  /** 24 local hours: tasks finished in each, today and on the same weekday last week. */
  perHour: { hour: number; today: number; lastWeek: number }[];
  backlog: BoardBacklogRow[];
  /** Submission to final approval, claims approved today; days (fractions). */
  cycleTime: { claims: number; p50Days: number | null; p90Days: number | null; targetDays: number };
  /** Review tasks finished today within their SLA due time, and the open ones' state now. */
  sla: { finished: number; met: number; compliance: number | null; atRisk: number; breached: number };
  /** Claims approved today without ever having been returned. */
  firstPassYield: { approved: number; firstPass: number; rate: number | null };
  /** QA checks recorded in the last 30 days and errors among them, per 10,000 checked. */
  quality: { checked: number; errors: number; per10k: number | null };
  /** Paper originals expected vs received; null until paper tracking exists. */
  paper: { expected: number; received: number } | null;
  /** Pieces (finished tasks) today per operator, most first. */
  leaderboard: BoardLeader[];
};

/** Redis pub/sub channel (pub/sub ignores the db number, so it carries the queue prefix). */
export function boardChannel(prefix: string): string {
  return `${prefix}:board:changed`;
}

/** The message on that channel: what changed; the board reloads its data, coalescing bursts. */
export type BoardChange = { at: string; kind: string; taskId?: string };
