/**
 * What the wall board shows, and the message that tells it something changed. Shared by the metrics
 * worker (which computes and announces), the board's loader, its Server-Sent Events route and the
 * board's components. Plain data only: imported by server and browser code; imports the domain only.
 */
import type { AgeBucket } from "~/domain/metrics";

export { AGE_BUCKETS, type AgeBucket } from "~/domain/metrics";

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
  /** Pieces finished today (the SSC's own task types, as the leaderboard counts them — not managers' approvals), and claims that reached APPROVED today. */
  completedToday: { tasks: number; claims: number };
  /** 24 local hours: pieces finished in each, today and on the same weekday last week. */
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
  /** Paper originals: still expected (awaiting or in discrepancy), received today, overdue (expected, due before today). */
  paper: { expected: number; receivedToday: number; overdue: number };
  /** The treasury today: payments the bank statement showed paid today, runs waiting for their second pair of eyes, claims whose payment failed. */
  payments: { paidToday: number; runsAwaitingApproval: number; failed: number };
  /** Pieces (finished tasks) today per operator, most first. */
  leaderboard: BoardLeader[];
};

/** The message on the board channel (app/models/board-publisher.server.ts): what changed; the board reloads its data, coalescing bursts. */
export type BoardChange = { at: string; kind: string; taskId?: string };
